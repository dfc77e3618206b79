"""The in-memory gazetteer: places, their keys and admin names, read from ``gazetteer.npz``.

Only the exact keys are decoded when a :class:`Gazetteer` is made (most
queries need nothing else); the alias and skeleton keys, the answers stored
for names several places share, places' records (a run of places at a time)
and the per-country blocks fuzzy matching uses are built on first use.
"""

from __future__ import annotations

import array as array_module
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from ..data import GeoData, default_geodata
from ..errors import GeodataError
from ..geometry.distance import distance_km
from .index import (ANSWER_TIERS, FORMAT_VERSION, KINDS, SCORE_SCALE, STORED_ARRAYS, TIERS, decode_lines,
                    posting_offsets)


class _Postings:
    """Sorted keys of one tier with the places having each, found through one dict per first letter.

    The dicts are made on first use of their letter: a dict of all quarter of a
    million keys would cost more than all the rest of a cold start, and a
    bisection of the sorted keys costs several times a dict lookup.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray], tier: str):
        self.keys = tuple(decode_lines(arrays[f"{tier}_keys"]))
        self._offsets = posting_offsets(arrays[f"{tier}_counts"])
        self._places = arrays[f"{tier}_places"]
        self._by_letter: dict[str, dict[str, int]] = {}
        self._lists: tuple[array_module.array, array_module.array] | None = None

    def position(self, key: str) -> int | None:
        """Index of ``key`` in :attr:`keys`, or None."""
        letter = key[:1]
        block = self._by_letter.get(letter)
        if block is None:
            block = self._by_letter[letter] = self._block(letter)
        return block.get(key)

    def _block(self, letter: str) -> dict[str, int]:
        """Positions of the keys starting with ``letter`` (the empty key for ``""``): a run of the sorted keys."""
        start = bisect_left(self.keys, letter)
        if not letter:
            end = bisect_right(self.keys, letter)
        elif ord(letter) == sys.maxunicode:
            end = len(self.keys)
        else:
            end = bisect_left(self.keys, chr(ord(letter) + 1), start)
        return dict(zip(self.keys[start:end], range(start, end)))

    def __getitem__(self, key: str) -> list[int]:
        k = self.position(key)
        return [] if k is None else self.places_of(k)

    def places_of(self, k: int) -> list[int]:
        """Places of the ``k``-th key."""
        return self._places[self._offsets[k]:self._offsets[k + 1]].tolist()

    def first_place(self, k: int) -> int:
        """The first place of the ``k``-th key (a key has one at least)."""
        lists = self._lists
        if lists is None:
            lists = self._lists = (_int_array(self._offsets), _int_array(self._places))
        return lists[1][lists[0][k]]


RUN_BITS = 8
RUN_MASK = (1 << RUN_BITS) - 1
"""Places' records and stored answers are decoded a run of 256 at a time: neighbours in the index are neighbours
in memory, so a run costs a few times one read alone, and a cold start answering one name decodes one run."""


class Gazetteer:
    """The place index of a :class:`~zonemap.data.GeoData`.

    Parameters
    ----------
    geodata
        Where to read ``gazetteer.npz`` from; defaults to the embedded data.

    Attributes
    ----------
    names, lat, lon, kind, country, admin1, population, prominence
        One entry per place (Python tuples: element access is the hot path, and the garbage collector stops
        scanning a tuple of plain values, where it would scan a list again at each full collection);
        other attributes are read on demand (:meth:`name_ar`, :meth:`admin_codes`…).
    """

    def __init__(self, geodata: GeoData | None = None):
        self._load((geodata or default_geodata()).gazetteer_arrays)

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> Gazetteer:
        """The gazetteer of arrays in :mod:`~zonemap.geocoding.index`'s format, not read from a file.

        Parameters
        ----------
        arrays
            The arrays, by name; those of stored answers may be missing (the index is being built).

        Returns
        -------
        Gazetteer
        """
        gazetteer = cls.__new__(cls)
        gazetteer._load(arrays)
        return gazetteer

    def _load(self, arrays: Mapping[str, np.ndarray]) -> None:
        if "format" not in arrays or int(arrays["format"][0]) != FORMAT_VERSION:
            raise GeodataError("gazetteer.npz is from another version of zonemap; run `make geodata` to rebuild it")
        self._arrays = arrays
        self.names = tuple(decode_lines(arrays["place_name"]))
        self.lat = tuple(arrays["place_lat"].tolist())
        self.lon = tuple(arrays["place_lon"].tolist())
        self.kind = tuple([KINDS[code] for code in arrays["place_kind"].tolist()])
        self.country = tuple(decode_codes(arrays["place_country"]))
        self.admin1 = tuple(decode_codes(arrays["place_admin1"]))
        self.population = tuple(arrays["place_population"].tolist())
        self.prominence = tuple(arrays["place_prominence"].tolist())
        self._namesake_offsets = tuple(arrays["namesake_offsets"].tolist())
        self._namesake_places = arrays["namesake_places"]
        self.exact = _Postings(arrays, "exact")
        self._lazy: dict[str, object] = {}
        self._memos: dict[str, dict] = {}

    def __len__(self) -> int:
        return len(self.names)

    def _cached(self, name: str, make):
        value = self._lazy.get(name)
        if value is None:
            value = self._lazy[name] = make()
        return value

    def memo(self, name: str) -> dict:
        """A dict kept with this gazetteer, for callers' caches of values derived from it."""
        memo = self._memos.get(name)
        if memo is None:
            memo = self._memos[name] = {}
        return memo

    def postings(self, tier: str) -> _Postings:
        """The keys of a tier (:data:`~zonemap.geocoding.index.TIERS`)."""
        if tier not in TIERS:
            raise ValueError(f"unknown tier {tier!r}")
        return self.exact if tier == "exact" else self._cached(tier, lambda: _Postings(self._arrays, tier))

    def _column(self, name: str, kind: str = "text") -> list:
        column = self._lazy.get(name)  # the hot path: no closure, one dict lookup
        if column is None:
            array = self._arrays[name]
            if kind == "lines":
                column = decode_lines(array)
            else:
                column = decode_codes(array) if array.dtype.kind == "S" else array.tolist()
            column = tuple(column)
            self._lazy[name] = column
        return column

    def record(self, index: int) -> tuple:
        """Everything known of a place, in one tuple (the hot path of answering a name the first time).

        Returns
        -------
        tuple
            ``(name, name_ar, lat, lon, kind, country, admin1 name, admin1 code, admin2 name, admin2 code,
            admin3 name, admin3 code, pcode, geonameid, population)``, None where unknown (population 0).
        """
        blocks = self._lazy.get("records")
        if blocks is None:
            blocks = self._lazy["records"] = {}
        block = blocks.get(index >> RUN_BITS)
        if block is None:
            block = blocks[index >> RUN_BITS] = self._records(index >> RUN_BITS)
        return block[index & RUN_MASK]

    def _records(self, block: int) -> tuple[tuple, ...]:
        """The records of a run of places (see :data:`RUN_BITS`), made column by column."""
        run = slice(block << RUN_BITS, (block + 1) << RUN_BITS)
        unit_names = self._cached("unit_names", lambda: {code: unit[0] for code, unit in self._admin.items()})
        name_ar, admin1, admin2, admin3, pcode, geonameid = (
            self._column("place_name_ar", "lines")[run], self.admin1[run], self._column("place_admin2")[run],
            self._column("place_admin3")[run], self._column("place_pcode")[run], self._column("place_geonameid")[run])
        return tuple(zip(self.names[run], _or_none(name_ar), self.lat[run], self.lon[run], self.kind[run],
                         self.country[run], map(unit_names.get, admin1), _or_none(admin1), map(unit_names.get, admin2),
                         _or_none(admin2), map(unit_names.get, admin3), _or_none(admin3), _or_none(pcode),
                         _or_none(geonameid), self.population[run]))

    def unrivalled_place(self, key: str) -> int | None:
        """The place of an exact key when it alone bears the key, has no namesakes and is not an admin unit.

        A name of such a place means that place and nothing else; admin units share their names with their
        centres.
        """
        k = self.exact.position(key)
        if k is None:
            return None
        flags = self._lazy.get("exact_unrivalled")
        if flags is None:
            flags = self._lazy["exact_unrivalled"] = self._arrays["exact_unrivalled"].tobytes()
        return self.exact.first_place(k) if flags[k] else None

    def stored_answer(self, key: str, country: str, writing: int) -> tuple | None:
        """The answer the index stores for an exact key asked in a country, if it stores one.

        Parameters
        ----------
        key
            An exact key.
        country
            The ISO alpha-2 code asked in.
        writing
            How the query is written: a position in :data:`~zonemap.geocoding.index.STORED_WRITINGS`.

        Returns
        -------
        tuple or None
            ``(place, tier, score, confidence, ambiguous, runners, refusal, spelled)``: the runners-up as
            ``(place, tier, score)``; for a refused name, place -1 and the places it could be as text
            (``refusal``); ``spelled`` when the answer holds only for a query spelled as the key; None when the
            name is answered at once or ranked when asked (see :mod:`~zonemap.geocoding.index`).
        """
        k = self.exact.position(key)
        if k is None or "stored_key_step" not in self._arrays:
            return None
        stored = self._lazy.get("stored")
        if stored is None:
            stored = self._lazy["stored"] = _StoredAnswers(self._arrays)
        return stored.find(k, country, writing)

    def namesakes(self, index: int) -> list[int]:
        """The places of the country, far away, that bear (nearly) this place's name."""
        return self._namesake_places[self._namesake_offsets[index]:self._namesake_offsets[index + 1]].tolist()

    def name_ar(self, index: int) -> str | None:
        """Arabic name of a place, if known."""
        return self._column("place_name_ar", "lines")[index] or None

    def spellings(self, index: int) -> list[str]:
        """The Latin name keys of a place (to compare a query's spelling with)."""
        text = self._column("place_spellings", "lines")[index]
        return text.split("|") if text else []

    def admin_codes(self, index: int) -> tuple[str | None, str | None, str | None]:
        """Admin-1 (ISO 3166-2), admin-2 and admin-3 (P-codes) codes of a place."""
        return (self.admin1[index] or None, self._column("place_admin2")[index] or None,
                self._column("place_admin3")[index] or None)

    def pcode(self, index: int) -> str | None:
        """The place's own P-code (OCHA), if it has one."""
        return self._column("place_pcode")[index] or None

    def geonameid(self, index: int) -> int | None:
        """GeoNames id of a place, if it is in GeoNames."""
        return self._column("place_geonameid")[index] or None

    def ref(self, index: int) -> str | None:
        """Code of an area (country, admin unit, named area id), if the place is one."""
        return self._column("place_ref")[index] or None

    @property
    def _admin(self) -> dict[str, tuple[str, str, int, str]]:
        admin = self._lazy.get("admin")  # the hot path: no closure, one dict lookup
        if admin is None:
            codes = decode_codes(self._arrays["admin_code"])
            names = decode_lines(self._arrays["admin_name"])
            names_ar = decode_lines(self._arrays["admin_name_ar"])
            levels = self._arrays["admin_level"].tolist()
            countries = decode_codes(self._arrays["admin_country"])
            admin = self._lazy["admin"] = {c: (n, a, lv, k) for c, n, a, lv, k in zip(codes, names, names_ar, levels,
                                                                                      countries)}
        return admin

    def admin_name(self, code: str | None, lang: str = "en") -> str | None:
        """Name of an admin unit from its ISO 3166-2 code or P-code."""
        unit = self._admin.get(code) if code else None
        if unit is None:
            return None
        return (unit[1] or unit[0]) if lang == "ar" else unit[0]

    def country_name(self, code: str) -> str:
        """English name of a country from its ISO 3166-1 alpha-2 code (the code itself if unknown)."""
        names = self._cached("country_names", lambda: {self.country[i]: self.names[i] for i in range(len(self))
                                                        if self.kind[i] == "country"})
        return names.get(code, code)

    def admin_units(self, country: str, level: int) -> list[str]:
        """Codes of a country's admin units of one level, sorted."""
        return sorted(code for code, (_, _, lv, k) in self._admin.items() if k == country and lv == level)

    def country_places(self, country: str) -> np.ndarray:
        """Indices of the places of a country (cached per country)."""
        return self._cached(f"country:{country}", lambda: np.flatnonzero(self._country_codes == country.encode()))

    @property
    def _country_codes(self) -> np.ndarray:
        # Kept: the archive decompresses an array each time it is read.
        return self._cached("place_country", lambda: self._arrays["place_country"])

    def keys_of_country(self, country: str | None) -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
        """Exact keys grouped by first letter and sorted by length (with the lengths), of one country's places or all."""
        def make():
            keys = self.exact.keys
            if country is not None:
                key_of_posting = np.repeat(np.arange(len(keys)), np.diff(self.exact._offsets))
                in_country = self._country_codes[self.exact._places] == country.encode()
                named = np.zeros(len(keys), dtype=bool)
                named[key_of_posting[in_country]] = True
                keys = [keys[k] for k in np.flatnonzero(named).tolist()]
            keys = [key for key in keys if key]
            # The keys are sorted, so those of one first letter are a run: found by bisection, not key by key.
            blocks = {}
            start = 0
            while start < len(keys):
                letter = keys[start][0]
                end = bisect_left(keys, chr(ord(letter) + 1), start)
                block = tuple(sorted(keys[start:end], key=len))
                blocks[letter] = (block, tuple(map(len, block)))
                start = end
            return blocks
        return self._cached(f"blocks:{country}", make)

    def similar_keys(self, key: str, country: str | None = None, *, limit: int = 5,
                     cutoff: float = 80) -> list[tuple[str, float]]:
        """Exact keys close to ``key`` in edit distance, best first.

        Parameters
        ----------
        key
            A :func:`~zonemap.geocoding.text.name_key`.
        country
            Only consider keys of this country's places.
        limit
            Most keys returned.
        cutoff
            Least ``rapidfuzz.fuzz.ratio`` (0-100) accepted.

        Returns
        -------
        list of (str, float)
            Keys and their similarity (0-100).
        """
        if not key:
            return []
        keys, lengths = self.keys_of_country(country).get(key[0], ([], []))
        slack = max(2, len(key) // 4)
        choices = keys[bisect_left(lengths, len(key) - slack): bisect_right(lengths, len(key) + slack)]
        found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        return [(choice, score) for choice, score, _ in found]

    def nearest_places(self, lons, lats, country: str, *, max_km: float) -> list[tuple[str | None, float]]:
        """The nearest populated place of ``country`` to each point.

        Parameters
        ----------
        lons, lats
            Coordinates (WGS 84), same length.
        country
            ISO alpha-2 code: only its places (not neighbourhoods or areas) are candidates.
        max_km
            Farthest a place may be.

        Returns
        -------
        list of (str or None, float)
            Name and distance in km for each point; ``(None, inf)`` where no
            place lies within ``max_km``.
        """
        import shapely  # only here: geocoding names does not need it

        def make():
            members = [int(i) for i in self.country_places(country) if self.kind[i] == "place"]
            points = shapely.points([self.lon[i] for i in members], [self.lat[i] for i in members])
            return np.array(members, dtype=np.int64), shapely.STRtree(points)

        members, tree = self._cached(f"near:{country}", make)
        found: list[tuple[str | None, float]] = [(None, float("inf"))] * len(lons)
        if len(members) == 0:
            return found
        # A degree of longitude is at least 1/1.5 of a degree of latitude below 48°; search that wide, then measure.
        query, hit = tree.query_nearest(shapely.points(lons, lats), max_distance=max_km / 111.0 * 1.5, all_matches=False)
        for q, h in zip(query.tolist(), hit.tolist()):
            index = int(members[h])
            km = float(distance_km(lons[q], lats[q], self.lon[index], self.lat[index]))
            if km <= max_km:
                found[q] = (self.names[index], km)
        return found


class _StoredAnswers:
    """The answers an index stores (format: :mod:`~zonemap.geocoding.index`), decoded a run at a time."""

    def __init__(self, arrays: Mapping[str, np.ndarray]):
        self._source = arrays
        self._arrays: dict[str, np.ndarray] = {}
        self._keys = _int_array(np.cumsum(arrays["stored_key_step"]))
        self._countries = arrays["stored_country"].tobytes()  # two letters a row
        self._answers = _int_array(arrays["stored_answer"])
        self._writings = arrays["stored_answer"].shape[1]
        self._blocks: dict[int, tuple[tuple, ...]] = {}
        self._refusals: list[str] | None = None

    def find(self, key: int, country: str, writing: int) -> tuple | None:
        """The answer stored for the ``key``-th exact key (see :meth:`Gazetteer.stored_answer`)."""
        keys, countries, code = self._keys, self._countries, country.encode()
        row, end = bisect_left(keys, key), len(keys)
        while row < end and keys[row] == key:
            if countries[2 * row:2 * row + 2] == code:
                answer = self._answers[row * self._writings + writing]
                break
            row += 1
        else:
            return None
        if answer < 0:
            return None
        block = self._blocks.get(answer >> RUN_BITS)
        if block is None:
            block = self._blocks[answer >> RUN_BITS] = self._decode(answer >> RUN_BITS)
        return block[answer & RUN_MASK]

    def _decode(self, block: int) -> tuple[tuple, ...]:
        arrays = self._arrays
        if not arrays:
            arrays |= {name: self._source[name] for name in STORED_ARRAYS if name.startswith(("answer_", "runner_"))}
        run = slice(block << RUN_BITS, (block + 1) << RUN_BITS)
        offsets = arrays["answer_runner_offsets"][run.start:run.stop + 1].tolist()
        first = offsets[0]
        runners = slice(first, offsets[-1])
        runner_places = arrays["runner_place"][runners].tolist()
        runner_tiers = [ANSWER_TIERS[t] for t in arrays["runner_tier"][runners].tolist()]
        runner_scores = (arrays["runner_score"][runners] / SCORE_SCALE).tolist()
        answers = []
        for j, (place, tier, score, confidence, ambiguous, spelled) in enumerate(zip(
                arrays["answer_place"][run].tolist(), arrays["answer_tier"][run].tolist(),
                (arrays["answer_score"][run] / SCORE_SCALE).tolist(),
                (arrays["answer_confidence"][run] / SCORE_SCALE).tolist(), arrays["answer_ambiguous"][run].tolist(),
                arrays["answer_spelled"][run].tolist())):
            if place < 0:
                if self._refusals is None:
                    self._refusals = decode_lines(self._source["refusal_places"])
                answers.append((-1, "", 0.0, 0.0, True, (), tuple(self._refusals[-place - 1].split("\t")), spelled))
                continue
            start, end = offsets[j] - first, offsets[j + 1] - first
            answers.append((place, ANSWER_TIERS[tier], score, confidence, ambiguous,
                            tuple(zip(runner_places[start:end], runner_tiers[start:end], runner_scores[start:end])),
                            (), spelled))
        return tuple(answers)


_NONE_FOR_EMPTY = {"": None, 0: None}


def _or_none(values):
    """Each value, None for an empty one ("" or 0), as ``value or None`` gives them."""
    return map(_NONE_FOR_EMPTY.get, values, values)


def _int_array(array: np.ndarray) -> array_module.array:
    """The integers of an array, in a Python ``array``: made by one copy, and indexed about as fast as a list."""
    return array_module.array("i", array.astype(np.intc, copy=False).tobytes())


def decode_codes(array: np.ndarray) -> list[str]:
    """The strings of a fixed-width byte array (ISO codes, P-codes), as ``array.astype(str).tolist()`` gives them.

    Joined and decoded at once: several times faster than numpy's conversion, which a cold start pays per column.

    Parameters
    ----------
    array
        A one-dimensional ``S`` array of ASCII codes (as :class:`~zonemap.geocoding.index.GazetteerBuilder`
        writes them; none contains a line break).

    Returns
    -------
    list of str
    """
    if not len(array):
        return []
    return b"\n".join(array.tolist()).decode("ascii").split("\n")


@lru_cache(maxsize=4)
def load_gazetteer(geodata: GeoData | None = None) -> Gazetteer:
    """Load (once per :class:`~zonemap.data.GeoData`) the gazetteer index.

    Parameters
    ----------
    geodata
        Where to read it from; defaults to the embedded data.

    Returns
    -------
    Gazetteer
    """
    return Gazetteer(geodata)
