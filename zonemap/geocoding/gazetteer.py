"""The in-memory gazetteer: places, their keys and admin names, read from ``gazetteer.npz``.

Only the exact keys are decoded when a :class:`Gazetteer` is made (most
queries need nothing else); the alias and skeleton keys, and the per-country
blocks fuzzy matching uses, are built on first use.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from ..data import GeoData, default_geodata
from ..errors import GeodataError
from ..geometry.distance import distance_km
from .index import FORMAT_VERSION, KINDS, TIERS, decode_lines


class _Postings:
    """Sorted keys of one tier with the places having each, found through one dict per first letter.

    The dicts are made on first use of their letter: a dict of all quarter of a
    million keys would cost more than all the rest of a cold start, and a
    bisection of the sorted keys costs several times a dict lookup.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray], tier: str):
        self.keys = decode_lines(arrays[f"{tier}_keys"])
        self._offsets = arrays[f"{tier}_offsets"]
        self._places = arrays[f"{tier}_places"]
        self._by_letter: dict[str, dict[str, int]] = {}

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


class Gazetteer:
    """The place index of a :class:`~zonemap.data.GeoData`.

    Parameters
    ----------
    geodata
        Where to read ``gazetteer.npz`` from; defaults to the embedded data.

    Attributes
    ----------
    names, lat, lon, kind, country, admin1, population, prominence
        One entry per place (Python lists: element access is the hot path);
        other attributes are read on demand (:meth:`name_ar`, :meth:`admin_codes`…).
    """

    def __init__(self, geodata: GeoData | None = None):
        arrays = (geodata or default_geodata()).gazetteer_arrays
        if "format" not in arrays or int(arrays["format"][0]) != FORMAT_VERSION:
            raise GeodataError("gazetteer.npz is from another version of zonemap; run `make geodata` to rebuild it")
        self._arrays = arrays
        self.names = decode_lines(arrays["place_name"])
        self.lat = arrays["place_lat"].tolist()
        self.lon = arrays["place_lon"].tolist()
        self.kind = [KINDS[code] for code in arrays["place_kind"].tolist()]
        self.country = decode_codes(arrays["place_country"])
        self.admin1 = decode_codes(arrays["place_admin1"])
        self.population = arrays["place_population"].tolist()
        self.prominence = arrays["place_prominence"].tolist()
        self._namesake_offsets = arrays["namesake_offsets"].tolist()
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
        columns = self._lazy.get("record")
        if columns is None:
            columns = self._lazy["record"] = (self._column("place_name_ar", "lines"), self._column("place_admin2"),
                                              self._column("place_admin3"), self._column("place_pcode"),
                                              self._column("place_geonameid"), self._admin)
        names_ar, admin2s, admin3s, pcodes, geonameids, admin = columns
        admin1, admin2, admin3 = self.admin1[index] or None, admin2s[index] or None, admin3s[index] or None
        unit1, unit2, unit3 = admin.get(admin1), admin.get(admin2), admin.get(admin3)
        return (self.names[index], names_ar[index] or None, self.lat[index], self.lon[index], self.kind[index],
                self.country[index], unit1 and unit1[0], admin1, unit2 and unit2[0], admin2, unit3 and unit3[0],
                admin3, pcodes[index] or None, geonameids[index] or None, self.population[index])

    def unrivalled_place(self, key: str) -> int | None:
        """The place of an exact key when it alone bears the key, has no namesakes and is not an admin unit.

        A name of such a place means that place and nothing else; admin units share their names with their
        centres. The answers come from a column made on first use.
        """
        k = self.exact.position(key)
        if k is None:
            return None
        column = self._lazy.get("unrivalled")
        if column is None:
            offsets, places = self.exact._offsets, self.exact._places
            admin = np.isin(self._arrays["place_kind"], [KINDS.index(kind) for kind in ("admin1", "admin2", "admin3")])
            plain = ~admin & (np.diff(self._arrays["namesake_offsets"]) == 0)
            first = places[np.minimum(offsets[:-1], len(places) - 1)]
            column = np.where((np.diff(offsets) == 1) & plain[first], first, -1)
            column = self._lazy["unrivalled"] = column.tolist()
        place = column[k]
        return None if place < 0 else place

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
        return self._cached(f"country:{country}", lambda: np.flatnonzero(self._arrays["place_country"] == country.encode()))

    def keys_of_country(self, country: str | None) -> dict[str, tuple[list[str], list[int]]]:
        """Exact keys grouped by first letter and sorted by length (with the lengths), of one country's places or all."""
        def make():
            keys = self.exact.keys
            if country is not None:
                key_of_posting = np.repeat(np.arange(len(keys)), np.diff(self.exact._offsets))
                in_country = self._arrays["place_country"][self._arrays["exact_places"]] == country.encode()
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
                block = sorted(keys[start:end], key=len)
                blocks[letter] = (block, list(map(len, block)))
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
