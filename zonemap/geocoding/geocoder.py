"""Offline geocoding of place names against the embedded gazetteer.

A name is matched in three tiers, each tried only if the one before found
nothing:

1. **exact**: the name's :func:`~zonemap.text.name_key` (case, diacritics,
   punctuation, Arabic articles and generic words folded) is a key of some
   place; score 1.0;
2. **transliteration**: its :func:`~zonemap.text.skeleton_key` is; score 0.70
   to 0.85, by similarity with the place's name;
3. **fuzzy**: a key within a small edit distance (``rapidfuzz``), first among
   the places of the biased country, then worldwide; score up to 0.75.

Candidates are ranked by score plus a bonus for lying in the biased country,
then by kind (country, named area, populated place, admin-1 unit, unless the
name says "province" or "governorate") and population. The runners-up are
returned too, so that ambiguity is reported rather than hidden.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from rapidfuzz import fuzz, process

from ..data import KIND_NAMES, GeoData, default_geodata
from ..errors import GeocodeError, UnknownPlaceError
from ..geometry.distance import distance_km
from .text import analyse_name, name_key, skeleton_key

MAX_NAME_LENGTH = 200
COUNTRY_BIAS_BONUS = 0.1
# A shared consonant skeleton alone is weak evidence for short names ("Zzzzz"
# and "As Susah" share one); ask for some similarity of the spellings too.
MIN_TRANSLITERATION_SIMILARITY = 0.6
RUNNERS_UP = 5

_KIND_RANK = {"country": 0, "named_area": 1, "place": 2, "admin1": 3}
_KIND_RANK_ADMIN_FIRST = {"admin1": 0, "country": 1, "named_area": 2, "place": 3}
_KIND_LABELS = {"country": "country", "admin1": "admin-1", "named_area": "named area", "place": "populated place"}


@dataclass(slots=True)
class Candidate:
    """One gazetteer entry matching a name.

    Attributes
    ----------
    name
        The gazetteer's name of the place.
    lat, lon
        WGS 84 coordinates (for areas, a representative point).
    kind
        ``"place"`` (populated place), ``"admin1"``, ``"named_area"`` or ``"country"``.
    country
        ISO 3166-1 alpha-2 code.
    admin1, admin1_code
        English name and ISO 3166-2 code of the admin-1 unit it lies in.
    geonameid
        GeoNames id, where there is one.
    population
        GeoNames population (0 when unknown).
    score
        Match quality in [0, 1]: 1.0 exact, less for transliteration or fuzzy matches.
    match
        Tier that matched: ``"exact"``, ``"transliteration"`` or ``"fuzzy"``.
    ref
        Identifier of areas: ISO code of a country or admin-1 unit, id of a named area.
    """

    name: str
    lat: float
    lon: float
    kind: str
    country: str
    admin1: str | None
    admin1_code: str | None
    geonameid: int | None
    population: int
    score: float
    match: str
    ref: str | None = None

    @property
    def kind_label(self) -> str:
        """Human-readable kind ("populated place", "admin-1"…)."""
        return _KIND_LABELS[self.kind]


@dataclass(slots=True)
class GeocodeResult(Candidate):
    """The best match for a query, with the runners-up.

    Attributes
    ----------
    query
        The name as given.
    candidates
        Runners-up, best first (at most five).
    ambiguous
        True when a runner-up of the same kind matched as well as the best
        (e.g. ``Douma`` in Syria and in Lebanon); the country bias decided.
    """

    query: str = ""
    candidates: tuple[Candidate, ...] = field(default=())
    ambiguous: bool = False

    def to_dict(self) -> dict:
        """Plain-data form, as printed by ``zonemap geocode --json``."""
        data = asdict(self)
        data["kind"] = self.kind_label
        data["candidates"] = [asdict(c) | {"kind": c.kind_label} for c in self.candidates]
        return data


def _decode_lines(blob: np.ndarray) -> list[str]:
    return blob.tobytes().decode("utf-8").split("\n") if blob.size else []


class Gazetteer:
    """The in-memory name index over ``geodata/gazetteer.npz``.

    Parameters
    ----------
    geodata
        Where to read the index from; defaults to the repository's geodata.

    Notes
    -----
    Loading decodes only the keys and names; the per-country blocks used by
    fuzzy matching are built on the first fuzzy query for that country.
    """

    def __init__(self, geodata: GeoData | None = None):
        arrays = (geodata or default_geodata()).gazetteer_arrays
        self._names = _decode_lines(arrays["place_name"])
        # Python lists: element access is several times faster than numpy scalars.
        self._lat = arrays["place_lat"].tolist()
        self._lon = arrays["place_lon"].tolist()
        self._kind = [KIND_NAMES[code] for code in arrays["place_kind"].tolist()]
        self._country_codes = arrays["place_country"]
        self._country = arrays["place_country"].astype(str).tolist()
        self._admin1 = arrays["place_admin1"].astype(str).tolist()
        self._geonameid = arrays["place_geonameid"].tolist()
        self._population = arrays["place_population"].tolist()
        self._ref = arrays["place_ref"].astype(str).tolist()
        self._exact_keys = _decode_lines(arrays["exact_keys"])
        self._exact_index = dict(zip(self._exact_keys, range(len(self._exact_keys))))
        self._exact_offsets = arrays["exact_offsets"]
        self._exact_places = arrays["exact_places"]
        # Lists: exact lookups are the hot path, and slicing a list yields ints directly.
        self._exact_offset_list = self._exact_offsets.tolist()
        self._exact_place_list = self._exact_places.tolist()
        self._arrays = arrays
        self._skeleton: tuple[list[str], np.ndarray, np.ndarray] | None = None
        self._admin1_names = dict(zip((c.decode() for c in arrays["admin1_code"]), _decode_lines(arrays["admin1_name"])))
        self._fuzzy_blocks: dict[str | None, dict[str, tuple[list[str], list[int]]]] = {}
        self._near_index: dict[str, tuple] = {}

    def __len__(self) -> int:
        return len(self._names)

    def exact(self, key: str) -> list[int]:
        """Indices of the places having ``key`` as a :func:`~zonemap.text.name_key`."""
        k = self._exact_index.get(key)
        if k is None:
            return []
        return self._exact_place_list[self._exact_offset_list[k] : self._exact_offset_list[k + 1]]

    def skeleton(self, key: str) -> list[str]:
        """The exact keys (spellings) whose :func:`~zonemap.text.skeleton_key` is ``key``."""
        # Only needed when an exact key misses: loaded then; sorted, so bisect needs no dict.
        if self._skeleton is None:
            arrays = self._arrays
            self._skeleton = (_decode_lines(arrays["skeleton_keys"]), arrays["skeleton_offsets"], arrays["skeleton_exact_keys"])
        keys, offsets, exact_keys = self._skeleton
        k = bisect_left(keys, key)
        if k == len(keys) or keys[k] != key:
            return []
        return [self._exact_keys[i] for i in exact_keys[offsets[k] : offsets[k + 1]].tolist()]

    def _blocks(self, country: str | None) -> dict[str, tuple[list[str], list[int]]]:
        """Keys grouped by first letter and sorted by length (with the lengths, for bisection),
        optionally only those of one country's places."""
        blocks = self._fuzzy_blocks.get(country)
        if blocks is None:
            if country is None:
                key_ids = range(len(self._exact_keys))
            else:
                key_of_posting = np.repeat(np.arange(len(self._exact_keys)), np.diff(self._exact_offsets))
                in_country = self._country_codes[self._exact_places] == country.encode()
                key_ids = np.unique(key_of_posting[in_country]).tolist()
            grouped: dict[str, list[str]] = {}
            for k in key_ids:
                key = self._exact_keys[k]
                if key:
                    grouped.setdefault(key[0], []).append(key)
            blocks = {}
            for letter, keys in grouped.items():
                keys.sort(key=len)
                blocks[letter] = (keys, [len(k) for k in keys])
            self._fuzzy_blocks[country] = blocks
        return blocks

    def similar_keys(self, key: str, country: str | None = None, *, limit: int = 5, cutoff: float = 80) -> list[tuple[str, float]]:
        """Keys close to ``key`` in edit distance, best first.

        Parameters
        ----------
        key
            A :func:`~zonemap.text.name_key`.
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
        keys, lengths = self._blocks(country).get(key[0], ([], []))
        slack = max(2, len(key) // 4)
        choices = keys[bisect_left(lengths, len(key) - slack) : bisect_right(lengths, len(key) + slack)]
        found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
        return [(choice, score) for choice, score, _ in found]

    def candidate(self, index: int, score: float, match: str, cls: type = Candidate, *extra) -> Candidate:
        """The :class:`Candidate` of one place (or a ``cls`` built with ``extra`` trailing fields)."""
        admin1_code = self._admin1[index] or None
        # Positional arguments: this runs for every result and runner-up, and keywords cost.
        return cls(self._names[index], self._lat[index], self._lon[index], self._kind[index], self._country[index],
                   self._admin1_names.get(admin1_code) if admin1_code else None, admin1_code,
                   self._geonameid[index] or None, self._population[index], round(score, 3), match,
                   self._ref[index] or None, *extra)

    def nearest_places(self, lons, lats, country: str, *, max_km: float) -> list[tuple[str | None, float]]:
        """The nearest populated place of ``country`` to each point.

        Parameters
        ----------
        lons, lats
            Coordinates (WGS 84), same length.
        country
            ISO alpha-2 code: only its places are candidates.
        max_km
            Farthest a place may be.

        Returns
        -------
        list of (str or None, float)
            Name and distance in km for each point; ``(None, inf)`` where no
            place lies within ``max_km``.
        """
        import shapely  # only here: geocoding names does not need it

        if self._near_index.get(country) is None:
            members = [i for i in range(len(self._names)) if self._kind[i] == "place" and self._country[i] == country]
            points = shapely.points([self._lon[i] for i in members], [self._lat[i] for i in members])
            self._near_index[country] = (np.array(members, dtype=np.int64), shapely.STRtree(points))
        members, tree = self._near_index[country]
        found: list[tuple[str | None, float]] = [(None, float("inf"))] * len(lons)
        if len(members) == 0:
            return found
        # A degree of longitude is at least 1/1.5 of a degree of latitude below 48°; search that wide, then measure.
        query, hit = tree.query_nearest(shapely.points(lons, lats), max_distance=max_km / 111.0 * 1.5, all_matches=False)
        for q, h in zip(query.tolist(), hit.tolist()):
            index = int(members[h])
            km = float(distance_km(lons[q], lats[q], self._lon[index], self._lat[index]))
            if km <= max_km:
                found[q] = (self._names[index], km)
        return found

    def admin1_name(self, code: str) -> str | None:
        """English name of an admin-1 unit from its ISO 3166-2 code."""
        return self._admin1_names.get(code)

    def place_kind(self, index: int) -> str:
        return self._kind[index]

    def place_country(self, index: int) -> str:
        return self._country[index]

    def place_name(self, index: int) -> str:
        return self._names[index]

    def place_population(self, index: int) -> int:
        return self._population[index]


@lru_cache(maxsize=4)
def load_gazetteer(geodata: GeoData | None = None) -> Gazetteer:
    """Load (once per :class:`~zonemap.data.GeoData`) the gazetteer index."""
    return Gazetteer(geodata)


def check_name(name: object, *, field: str | None = None) -> str:
    """Validate a place name given by a user.

    Parameters
    ----------
    name
        The value to check.
    field
        Where it came from, for the error message.

    Returns
    -------
    str
        The name, stripped of surrounding white space.

    Raises
    ------
    GeocodeError
        If ``name`` is not text, is empty, has no letters or is longer than
        200 characters.
    """
    if not isinstance(name, str):
        raise GeocodeError(f"a place name must be text, got {type(name).__name__} {name!r:.40}", location=field)
    stripped = name.strip()
    if not stripped:
        raise GeocodeError("a place name must not be empty", location=field)
    if len(stripped) > MAX_NAME_LENGTH:
        raise GeocodeError(f"a place name must be at most {MAX_NAME_LENGTH} characters, got {len(stripped)}", location=field)
    return stripped


def _prepare(name: object) -> tuple[str, str, bool]:
    """The checked query, its key and whether it asks for a province."""
    query = check_name(name)
    key, admin_hint = analyse_name(query)
    if not key:
        raise GeocodeError(f"place name {query!r} has no letters or digits")
    return query, key, admin_hint


def _check_country(country: str | None) -> str | None:
    if country is None:
        return None
    if not (isinstance(country, str) and len(country) == 2 and country.isascii() and country.isalpha()):
        raise GeocodeError(f"country bias must be an ISO 3166-1 alpha-2 code such as 'SY', got {country!r}")
    return country.upper()


def geocode(name: str, country: str | None = "SY", *, gazetteer: Gazetteer | None = None) -> GeocodeResult:
    """Find a place by name, offline.

    Parameters
    ----------
    name
        A place name in any common transliteration or in Arabic script
        ("Daraa", "Dar'a", "درعا"), a governorate ("Idlib province"), a named
        area ("Eastern Ghouta") or a country.
    country
        ISO 3166-1 alpha-2 code of the country to prefer when names are
        ambiguous; ``None`` for no preference.
    gazetteer
        Index to search; defaults to the embedded one.

    Returns
    -------
    GeocodeResult
        The best match with its runners-up.

    Raises
    ------
    GeocodeError
        For empty, non-text or overlong names, or a malformed country code.
    UnknownPlaceError
        If nothing matches; its message lists the closest names.

    Examples
    --------
    >>> r = geocode("Douma")
    >>> r.admin1, r.country
    ('Rif Dimashq', 'SY')
    """
    query, key, admin_hint = _prepare(name)
    bias = _check_country(country)
    gazetteer = gazetteer or load_gazetteer()
    exact = gazetteer.exact(key)
    if len(exact) == 1:  # the common case, kept short: most names are unambiguous
        return gazetteer.candidate(exact[0], 1.0, "exact", GeocodeResult, query, (), False)
    scored = [(i, 1.0, "exact") for i in exact] if exact else _inexact_match(gazetteer, key, bias)
    if not scored:
        raise UnknownPlaceError(query, suggestions(query, country=bias, gazetteer=gazetteer))
    if len(scored) == 1:
        index, score, match = scored[0]
        return gazetteer.candidate(index, score, match, GeocodeResult, query, (), False)
    kind_rank = _KIND_RANK_ADMIN_FIRST if admin_hint else _KIND_RANK
    countries, kinds, populations = gazetteer._country, gazetteer._kind, gazetteer._population

    def rank(item: tuple[int, float, str]):
        index, score, _ = item
        bonus = COUNTRY_BIAS_BONUS if countries[index] == bias else 0.0
        return (-(score + bonus), kind_rank[kinds[index]], -populations[index], index)

    ordered = sorted(scored, key=rank)
    runners = tuple(gazetteer.candidate(i, s, m) for i, s, m in ordered[1 : 1 + RUNNERS_UP])
    best_index, best_score, best_match = ordered[0]
    best_kind = kinds[best_index]
    ambiguous = any(c.kind == best_kind and c.score == round(best_score, 3) for c in runners)
    return gazetteer.candidate(best_index, best_score, best_match, GeocodeResult, query, runners, ambiguous)


def _inexact_match(gazetteer: Gazetteer, key: str, bias: str | None) -> list[tuple[int, float, str]]:
    """(place index, score, tier) of every candidate of the first inexact tier that finds any."""
    spellings = gazetteer.skeleton(skeleton_key(key))
    if spellings:
        best: dict[int, float] = {}
        for spelling, similarity, _ in process.extract(key, spellings, scorer=fuzz.ratio, limit=None,
                                                       score_cutoff=100 * MIN_TRANSLITERATION_SIMILARITY):
            for i in gazetteer.exact(spelling):
                best[i] = max(best.get(i, 0.0), similarity / 100)
        if best:
            return [(i, 0.70 + 0.15 * similarity, "transliteration") for i, similarity in best.items()]
    for scope in ([bias, None] if bias else [None]):
        similar = gazetteer.similar_keys(key, scope)
        if similar:
            scored = {}
            for similar_key, similarity in similar:
                for i in gazetteer.exact(similar_key):
                    if scope is None or gazetteer.place_country(int(i)) == scope:
                        scored[int(i)] = max(scored.get(int(i), 0.0), 0.75 * similarity / 100)
            return [(i, s, "fuzzy") for i, s in scored.items()]
    return []


def suggestions(name: str, country: str | None = "SY", *, gazetteer: Gazetteer | None = None, limit: int = 3) -> list[str]:
    """Names in the gazetteer closest to ``name``, for "did you mean" messages.

    Parameters
    ----------
    name
        The unknown name.
    country
        Country whose places are listed first.
    gazetteer
        Index to search; defaults to the embedded one.
    limit
        Most names returned.

    Returns
    -------
    list of str
        Place names (with their country code), best first.
    """
    gazetteer = gazetteer or load_gazetteer()
    key = name_key(name)
    found: list[tuple[float, str]] = []
    for scope in ([country, None] if country else [None]):
        for similar_key, similarity in gazetteer.similar_keys(key, scope, limit=limit, cutoff=55):
            index = int(gazetteer.exact(similar_key)[0])
            label = f"{gazetteer.place_name(index)} ({gazetteer.place_country(index)})"
            found.append((similarity + (5 if scope else 0), label))
    seen, names = set(), []
    for _, label in sorted(found, key=lambda item: -item[0]):
        if label not in seen:
            seen.add(label)
            names.append(label)
    return names[:limit]


class OfflineGeocoder(Geocoder):
    """The offline gazetteer behind geopy's geocoder interface.

    ``geocode`` returns a :class:`geopy.location.Location` (or ``None`` when
    nothing matches, as geopy geocoders do), so that it composes with geopy's
    tools (``RateLimiter``, chaining with online providers).

    Parameters
    ----------
    country
        Default country bias (ISO alpha-2), ``None`` for none.
    gazetteer
        Index to search; defaults to the embedded one.

    Examples
    --------
    >>> location = OfflineGeocoder().geocode("Deraa")
    >>> round(location.latitude, 1), round(location.longitude, 1)
    (32.6, 36.1)
    """

    def __init__(self, country: str | None = "SY", *, gazetteer: Gazetteer | None = None):
        super().__init__()
        self.country = _check_country(country)
        self.gazetteer = gazetteer

    def geocode(self, query: str, *, exactly_one: bool = True, country: str | None = None,
                timeout: float | None = None) -> Location | list[Location] | None:
        """Geocode ``query``; ``timeout`` is accepted for interface compatibility and ignored."""
        try:
            result = geocode(query, country or self.country, gazetteer=self.gazetteer)
        except UnknownPlaceError:
            return None
        results = [result, *result.candidates] if not exactly_one else [result]
        locations = [_to_location(r) for r in results]
        return locations[0] if exactly_one else locations


def _to_location(candidate: Candidate) -> Location:
    parts = [candidate.name, candidate.admin1 if candidate.admin1 != candidate.name else None, candidate.country]
    address = ", ".join(p for p in parts if p)
    raw = asdict(candidate)
    raw.pop("candidates", None)
    return Location(address, (candidate.lat, candidate.lon, 0.0), raw)

