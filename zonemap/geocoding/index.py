"""The gazetteer index (``gazetteer.npz``): its format, and the builder that writes it.

``scripts/build_geodata.py`` gathers places from the pinned sources and
writes them with :class:`GazetteerBuilder`; tests write small gazetteers the
same way; :class:`~zonemap.geocoding.gazetteer.Gazetteer` reads them. The
format, in one place (all arrays of one ``.npz``; text as UTF-8 lines):

``place_*``
    One entry per place: ``name`` (display name), ``name_ar``, ``lat``,
    ``lon``, ``kind`` (code into :data:`KINDS`), ``country`` (ISO alpha-2),
    ``admin1`` (ISO 3166-2), ``admin2`` and ``admin3`` (P-codes, where known),
    ``pcode`` (the place's own P-code), ``geonameid``, ``population``,
    ``prominence`` (how likely a bare mention means this place; see
    :class:`PlaceRecord`), ``ref`` (code of an area: country, admin unit,
    named area) and ``spellings`` (its Latin name keys, ``|``-separated, for
    comparing spellings).
``namesake_offsets``, ``namesake_places``
    For each place, the other populated places of its country, more than
    10 km away, that bear the same or nearly the same name (see
    :func:`namesakes`).
``<tier>_keys``, ``<tier>_counts``, ``<tier>_places``
    For each tier of :data:`TIERS`, the sorted keys and, for each, how many
    places have it, those places following the previous key's in
    ``places`` (counts rather than offsets: they compress to a tenth):
    ``exact`` (a :func:`~zonemap.geocoding.text.name_key`
    of one of the place's names), ``alias`` (of a shorter name, see
    :func:`~zonemap.geocoding.text.name_aliases`), ``skeleton`` and
    ``skeleton_alias`` (their :func:`~zonemap.geocoding.text.skeleton_keys`).
``admin_*``
    Every admin unit: ``code`` (ISO 3166-2, or a P-code), ``name``,
    ``name_ar``, ``level`` (1, 2, 3) and ``country``.
``exact_unrivalled``
    For each exact key, 1 when its one place alone bears it, has no
    namesakes and is not an admin unit, so that the key means that place
    and nothing else; else 0.
``stored_*``, ``answer_*``, ``runner_*``, ``refusal_places``
    The answers of names that need ranking, computed when the index is
    written (:func:`~zonemap.geocoding.geocoder.stored_answer_arrays`), so
    that asking one costs a lookup. Rows, sorted by the number of their exact
    key (``stored_key_step``: by how much it exceeds the previous row's, or
    0 for the first row): a ``country`` asked in, and the answers (-1 for none
    stored) to queries of each writing of :data:`STORED_WRITINGS`, one
    column each (``stored_answer``). An answer has a
    ``place`` (-1 - r for a refusal, whose listed places are line r of
    ``refusal_places``, tab-separated), a ``tier`` (code into
    :data:`ANSWER_TIERS`), ``score`` and ``confidence`` (in thousandths),
    ``ambiguous``, ``spelled`` (it holds only for a query spelled as the
    key), and runners-up (``answer_runner_offsets`` into ``runner_place``,
    ``runner_tier``, ``runner_score``).
"""

from __future__ import annotations

import math
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..geometry.distance import distance_km
from .text import is_arabic, name_aliases, name_key, similarity, skeleton_keys

FORMAT_VERSION = 4
NAMESAKE_KM = 10.0
NAMESAKE_SIMILARITY = 0.9
KINDS = ("country", "admin1", "admin2", "admin3", "named_area", "place", "neighbourhood")
TIERS = ("exact", "alias", "skeleton", "skeleton_alias")
ANSWER_TIERS = ("exact", "alias", "transliteration", "fuzzy")
SCORE_SCALE = 1000
"""Stored scores and confidences are in thousandths: the geocoder rounds them to three decimals."""
STORED_WRITINGS = ((0, False), (0, True), (1, False), (1, True))
"""The writings of the queries answers are stored for: (Latin articles written, marked), where marked means Arabic
script or Latin romanised with marks (Ḩarastā), and unmarked plain Latin letters."""
STORED_ARRAYS = ("stored_key_step", "stored_country", "stored_answer", "answer_place", "answer_tier", "answer_score",
                 "answer_confidence", "answer_ambiguous", "answer_spelled", "answer_runner_offsets", "runner_place",
                 "runner_tier", "runner_score", "refusal_places")


def is_useful_script(text: str) -> bool:
    """Keep Latin- and Arabic-script names; other scripts do not occur in our sources' queries."""
    for ch in text:
        code = ord(ch)
        if code < 0x250 or 0x1E00 <= code <= 0x1EFF or 0x2000 <= code <= 0x206F:
            continue
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F:
            continue
        return False
    return True


@dataclass
class PlaceRecord:
    """One place for the index, with every name it is known by.

    Attributes
    ----------
    name
        Display name (the English or Latin form).
    lat, lon
        WGS 84 coordinates (for areas, a representative point).
    kind
        One of :data:`KINDS`.
    country
        ISO 3166-1 alpha-2 code.
    names
        Every other name (Latin or Arabic script; others are dropped): the
        place answers to each exactly.
    transliterated
        The names (besides ``name`` and ``name_ar``) whose transliterations
        the place also answers to: its own names in the sources, not every
        alternate name GeoNames collects (those in many languages, old names
        and abbreviations would attract misspellings of other places).
    name_ar
        Display name in Arabic, if known.
    admin1, admin2, admin3, pcode
        ISO 3166-2 code of the admin-1 unit; P-codes of the admin-2 and
        admin-3 units and of the place itself, where known.
    geonameid, population
        From GeoNames, where the place is there.
    prominence
        How likely a bare mention of the name means this place rather than
        another of the same name: higher for capitals, admin centres and
        populous places.
    ref
        Code of an area (country, admin unit, named area id).
    """

    name: str
    lat: float
    lon: float
    kind: str
    country: str
    names: list[str] = field(default_factory=list)
    transliterated: list[str] = field(default_factory=list)
    name_ar: str = ""
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    pcode: str = ""
    geonameid: int = 0
    population: int = 0
    prominence: float = 0.0
    ref: str = ""

    def all_names(self) -> list[str]:
        """The display names and every other name, once each, in Latin or Arabic script."""
        return _useful([self.name, self.name_ar, *self.transliterated, *self.names])

    def own_names(self) -> list[str]:
        """The names whose transliterations the place answers to."""
        return _useful([self.name, self.name_ar, *self.transliterated])


def _useful(names: list[str]) -> list[str]:
    return [n for n in dict.fromkeys(n.strip() for n in names if n) if n and is_useful_script(n)]


def population_prominence(population: int) -> float:
    """The part of a place's prominence its population gives: log10 of it (0 when unknown)."""
    return math.log10(population + 1) if population > 0 else 0.0


class GazetteerBuilder:
    """Accumulates places and their names, then writes the index (:data:`FORMAT_VERSION`)."""

    def __init__(self) -> None:
        self.places: list[PlaceRecord] = []
        self.admin_units: list[tuple[str, str, str, int, str]] = []

    def add(self, record: PlaceRecord) -> int:
        """Add a place; returns its index."""
        if record.kind not in KINDS:
            raise ValueError(f"unknown kind {record.kind!r}; expected one of {KINDS}")
        self.places.append(record)
        return len(self.places) - 1

    def add_admin_unit(self, code: str, name: str, name_ar: str, level: int, country: str) -> None:
        """Register an admin unit's code and names (for results' admin names)."""
        self.admin_units.append((code, name, name_ar, level, country))

    @staticmethod
    def _postings(keys_per_place: Iterable[set[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        postings: dict[str, list[int]] = defaultdict(list)
        for index, keys in enumerate(keys_per_place):
            for key in keys:
                if key:
                    postings[key].append(index)
        keys = sorted(postings)
        counts = np.array([len(postings[k]) for k in keys], dtype=np.int64)
        items = np.fromiter((i for k in keys for i in postings[k]), dtype=np.int32, count=int(counts.sum()))
        return text_array(keys), counts.astype(smallest_unsigned(counts)), items

    def save(self, path: Path) -> dict:
        """Write the index.

        Parameters
        ----------
        path
            The ``.npz`` file to write (byte-reproducible).

        Returns
        -------
        dict
            Counts: places, and keys per tier.
        """
        exact, alias, skeleton, skeleton_alias, spellings = [], [], [], [], []
        for record in self.places:
            names, own = record.all_names(), record.own_names()
            keys = {name_key(n) for n in names}
            aliases = {a for n in names for a in name_aliases(n)}
            own_aliases = {a for n in own for a in name_aliases(n)}
            alias_keys = {name_key(a) for a in aliases} - keys
            exact.append(keys)
            alias.append(alias_keys)
            skeleton.append({s for n in own for s in skeleton_keys(n)})
            skeleton_alias.append({s for a in own_aliases for s in skeleton_keys(a)})
            own_keys = {name_key(n) for n in own} | {name_key(a) for a in own_aliases}
            spellings.append("|".join(sorted(k for k in own_keys if k and not is_arabic(k))))
        places = self.places
        namesake_offsets, namesake_places = _lists(namesakes(places, exact, skeleton, spellings))
        arrays: dict[str, np.ndarray] = {
            "format": np.array([FORMAT_VERSION], dtype=np.int32),
            "place_name": text_array([p.name for p in places]),
            "place_name_ar": text_array([p.name_ar for p in places]),
            "place_lat": np.array([p.lat for p in places], dtype=np.float64),
            "place_lon": np.array([p.lon for p in places], dtype=np.float64),
            "place_kind": np.array([KINDS.index(p.kind) for p in places], dtype=np.int8),
            "place_country": np.array([p.country for p in places], dtype="S2"),
            "place_admin1": np.array([p.admin1 for p in places], dtype="S12"),
            "place_admin2": np.array([p.admin2 for p in places], dtype="S12"),
            "place_admin3": np.array([p.admin3 for p in places], dtype="S12"),
            "place_pcode": np.array([p.pcode for p in places], dtype="S12"),
            "place_geonameid": np.array([p.geonameid for p in places], dtype=np.int64),
            "place_population": np.array([p.population for p in places], dtype=np.int64),
            "place_prominence": np.array([p.prominence for p in places], dtype=np.float32),
            "namesake_offsets": namesake_offsets, "namesake_places": namesake_places,
            "place_ref": np.array([p.ref for p in places], dtype="S40"),
            "place_spellings": text_array(spellings),
        }
        counts = {"places": len(places)}
        for tier, keys in zip(TIERS, (exact, alias, skeleton, skeleton_alias)):
            blob, places_per_key, items = self._postings(keys)
            arrays |= {f"{tier}_keys": blob, f"{tier}_counts": places_per_key, f"{tier}_places": items}
            counts[f"{tier} keys"] = len(places_per_key)
        units = sorted(self.admin_units)
        arrays |= {
            "admin_code": np.array([u[0] for u in units], dtype="S12"),
            "admin_name": text_array([u[1] for u in units]),
            "admin_name_ar": text_array([u[2] for u in units]),
            "admin_level": np.array([u[3] for u in units], dtype=np.int8),
            "admin_country": np.array([u[4] for u in units], dtype="S2"),
        }
        arrays["exact_unrivalled"] = _unrivalled(arrays)
        # Imported here: the gazetteer and the geocoder read this module's format.
        from .gazetteer import Gazetteer
        from .geocoder import stored_answer_arrays

        stored = stored_answer_arrays(Gazetteer.from_arrays(arrays))
        counts["stored answers"] = len(stored["answer_place"])
        write_npz(path, arrays | stored)
        return counts


def _unrivalled(arrays: dict[str, np.ndarray]) -> np.ndarray:
    """For each exact key, whether its one place alone bears it, has no namesakes and is not an admin unit.

    A name of such a place means that place and nothing else; admin units share their names with their centres.
    """
    counts, places = arrays["exact_counts"], arrays["exact_places"]
    admin = np.isin(arrays["place_kind"], [KINDS.index(kind) for kind in ("admin1", "admin2", "admin3")])
    plain = ~admin & (np.diff(arrays["namesake_offsets"]) == 0)
    first = places[np.minimum(posting_offsets(counts)[:-1], len(places) - 1)]
    return ((counts == 1) & plain[first]).astype(np.int8)


def posting_offsets(counts: np.ndarray) -> np.ndarray:
    """Where each key's places start in a tier's ``places`` (and, last, where they end), from its ``counts``."""
    return np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])


def smallest_unsigned(values: np.ndarray) -> type:
    """The narrowest unsigned integer type that holds every value (0 or more)."""
    top = int(values.max(initial=0))
    return next(kind for kind in (np.uint8, np.uint16, np.uint32, np.uint64) if top <= np.iinfo(kind).max)


def _lists(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(lists) + 1, dtype=np.int32)
    offsets[1:] = np.cumsum([len(items) for items in lists])
    return offsets, np.fromiter((i for items in lists for i in items), dtype=np.int32, count=int(offsets[-1]))


def namesakes(places: list[PlaceRecord], exact: list[set[str]], skeletons: list[set[str]],
              spellings: list[str]) -> list[list[int]]:
    """For each populated place, the others of its country, far away, that bear (nearly) its name.

    Two places are namesakes when they lie more than :data:`NAMESAKE_KM`
    apart in one country and share an exact key, or a skeleton with spellings
    at least :data:`NAMESAKE_SIMILARITY` alike (Hamidiyeh / Hamidiyah). A
    query that names a place with no namesake exactly can be answered at
    once; otherwise the geocoder weighs the place against its namesakes.
    """
    found: list[set[int]] = [set() for _ in places]
    populated = {i for i, p in enumerate(places) if p.kind in ("place", "neighbourhood")}
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i in sorted(populated):
        for key in exact[i]:
            groups[("exact", places[i].country, key)].append(i)
        for key in skeletons[i]:
            groups[("skeleton", places[i].country, key)].append(i)
    for (tier, _, _), members in groups.items():
        for position, a in enumerate(members):
            for b in members[position + 1:]:
                if b in found[a]:
                    continue
                if float(distance_km(places[a].lon, places[a].lat, places[b].lon, places[b].lat)) <= NAMESAKE_KM:
                    continue
                if tier == "skeleton" and max((similarity(x, y) for x in spellings[a].split("|") if x
                                               for y in spellings[b].split("|") if y), default=0.0) < NAMESAKE_SIMILARITY:
                    continue
                found[a].add(b)
                found[b].add(a)
    return [sorted(items) for items in found]


def text_array(values: list[str]) -> np.ndarray:
    """A text array of the format: UTF-8 lines (read back by :func:`decode_lines`).

    Raises
    ------
    ValueError
        If a value has a line break.
    """
    for value in values:
        if "\n" in value:
            raise ValueError(f"a gazetteer text may not contain a line break: {value!r}")
    return np.frombuffer("\n".join(values).encode("utf-8"), dtype=np.uint8)


def decode_lines(blob: np.ndarray) -> list[str]:
    """The UTF-8 lines of a text array written by :class:`GazetteerBuilder`."""
    return blob.tobytes().decode("utf-8").split("\n") if blob.size else []


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``numpy.savez_compressed`` but byte-reproducible (fixed member timestamps)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as member:
                np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
