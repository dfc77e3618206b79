"""Offline geocoding of place names: trust before coverage.

A wrong place is worse than no place: a village put 300 km away, or in
another country, makes a map that looks right and is not. So a name is
matched in tiers, each tried only if those before found nothing, and every
answer says how it was found (``tier``) and how sure it is (``confidence``):

1. ``exact``: the name's :func:`~zonemap.geocoding.text.name_key` is a name
   of a place of the requested country;
2. ``alias``: ... of a shorter name of such a place ("Barzeh" for
   "Barza al-Balad");
3. ``transliteration``: its consonant skeleton is that of such a place's
   name in Latin or Arabic script (Zamalka / زملكا, Hamouriyeh / Hammura),
   and the spellings are alike enough for the skeleton's length; when the
   name is also exactly that of a place abroad (its own name, or any name
   of a city of 100,000 or more), the spellings must be nearly the same
   (Mosul is not the Syrian village Masla);
4. ``exact`` outside the country: such a place abroad (Astana), flagged
   ``outside_country``;
5. ``fuzzy``: a name of a place of the country within a small edit distance
   (typos: "Damscus").

With ``country=None`` the world is searched on purpose, by tiers 1-3 and 5.
Transliteration and fuzzy matches never leave the requested country.

Within a tier, places are ranked by kind (countries, named areas, populated
places and neighbourhoods, then admin units, unless the name says
"province", "district", "sub-district", "town"…), then by prominence for
exact and alias matches (capitals, admin centres, populous places first) and
by spelling similarity (:func:`~zonemap.geocoding.text.similarity`) plus a
little prominence for the others. Latin spellings blur vowels, which is how
different places come to share a consonant skeleton (Jamla: جملة, جامل,
جمالة); so a Latin name is also read against each place's Arabic name
(:func:`~zonemap.geocoding.text.vowel_disagreement`: long vowels, glides,
an initial vowel and a ta marbuta ending must show in the spelling), and
so is each article it writes ("al-Dabaa" is الضبعة rather than ضبعة;
"Umm al-Kaif" أم الكيف rather than أم كهيف). Each contradiction takes 0.2
from the spelling's rank (not from its confidence), and each missing
article 0.5 from an exact name's prominence. For the same reason a place
of a near-identical name pools with an exact match only if the spelling's
vowels fit it as well ("Busayrah" is al-Busayrah, not Busayr). An exact
spelling counts as 1.0 of prominence over a near-identical one, except
when both places bear the same Arabic name: then the Latin difference is
only how the source transliterated it (OCHA writes خالدية "Khaldiyeh" in
Aleppo and "Khalidiyah" in Homs), and it does not choose between them.

When another place of the same kind, more
than 10 km away, comes within a margin of the best (0.5 of prominence; for
spellings, 0.05 of similarity, and its spelling about as alike, so that a
bigger place does not cast doubt on a better spelling), the name is ambiguous: the confidence drops below the default
``min_confidence`` and the name is refused (an
:class:`~zonemap.errors.UnknownPlaceError` listing the places it could be).
When the margin settles it, the answer is flagged ``ambiguous`` and listed
with its runners-up.
A name can carry its own context to settle that: "Douma, Rif Dimashq" or
"Tall Abyad (Raqqa)" keeps the places of that governorate, district or
sub-district.

Confidence: exact 1.0 (0.8 when prominence decided between places of the
same name), alias 0.85, transliteration 0.95 − 1.5 × (1 − similarity)
(spellings less than 0.7 alike are refused: measured, they are wrong as
often as right), exact outside the country 0.9 (0.45 for a place that is
not a country, admin-1 unit or city of 100,000+), fuzzy 0.6 × similarity;
at most 0.3 when ambiguous. Results below :data:`LOW_CONFIDENCE` are reported as such by
builds; ``--strict`` makes them errors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from rapidfuzz import fuzz

from ..errors import GeocodeError, UnknownPlaceError
from ..geometry.distance import EARTH_RADIUS_KM
from .gazetteer import Gazetteer, load_gazetteer
from .index import ANSWER_TIERS, NAMESAKE_SIMILARITY, SCORE_SCALE, STORED_WRITINGS, text_array
from .text import (analyse_name, article_count, fold_words, is_arabic, is_qualified, is_romanised, name_key,
                   query_skeleton_keys, rasm, romanize, same_leading_word, similarity, skeleton_keys,
                   vowel_disagreement)

if TYPE_CHECKING:
    from ..data import GeoData

MAX_NAME_LENGTH = 200
ANSWERS_KEPT = 1 << 16
"""Answers to names several places share are kept with the gazetteer, this many at most (about 0.6 kB each), for
names asked again; when full, they are all dropped."""
DEFAULT_MIN_CONFIDENCE = 0.5
"""Answers less sure than this are refused (an unknown place with suggestions) unless asked for."""
LOW_CONFIDENCE = 0.7
"""Answers less sure than this are listed as low-confidence by builds (errors with ``--strict``)."""
SAME_PLACE_KM = 10.0
MAJOR_CITY = 100_000
"""Places abroad this populous answer to any of their names; smaller ones only to their own."""
ABROAD_SIMILARITY = 0.9
"""A transliteration at home beats an exact name abroad only when the spellings are this alike."""
FAR_CITY = 250_000
"""A city farther than CONTEST_KM outweighs a look-alike at home only when this populous (Misrata, not Saïda)."""
CONTEST_KM = 1000.0
"""A lesser place abroad called exactly so casts doubt on a look-alike at home only within this distance."""
OBSCURE_ABROAD = 0.45
"""Confidence factor of an exact name abroad that is not a country, admin-1 unit or big city (below the default minimum)."""
MIN_SPELLING_LETTERS = 3
"""Names shorter than this match only exactly, not by transliteration; a big city abroad answers to other names
than its own only when they are longer ("ABC" is not Albacete)."""
CENTRE_PROMINENCE = 2.0
CENTRE_SIMILARITY = 0.8
"""A capital or district centre (this prominence or more) spelled this alike competes with an admin unit's
name or a village's alias."""
ALIAS_SIMILARITY = 0.9
"""Weight of a match on the first word of a name only ("Sabbah" for Sabah al-Khayr): it leaves words out."""
PROMINENCE_WEIGHT = 0.05
PROMINENCE_CAP = 2.0
"""Prominence adds up to PROMINENCE_WEIGHT × PROMINENCE_CAP to spelling similarity when ranking transliterations."""
SIMILARITY_MARGIN = 0.05
PROMINENCE_MARGIN = 0.5
EXACT_BONUS = 1.0
"""An exact spelling counts as this much prominence over a near-identical one (Hamidiyah / Hamidiyeh) that is
written otherwise in Arabic too."""
RUNNERS_UP = 5
DISAGREEMENT_WEIGHT = 0.2
MAX_DISAGREEMENT = 2.0
"""Each contradiction between a Latin spelling and a place's Arabic name
(:func:`~zonemap.geocoding.text.vowel_disagreement`) takes this much from its rank among spellings, up to the cap."""
ARTICLE_DISAGREEMENT = 1.0
"""An article the query writes and the place's Arabic name lacks counts as this many contradictions."""
POOLED_DISAGREEMENT_WEIGHT = 0.5
"""... and takes this much prominence from a place named exactly so."""

# Populated places and neighbourhoods compete on spelling and prominence; admin units only when asked for.
_KIND_RANK = {"country": 0, "named_area": 1, "place": 2, "neighbourhood": 2, "admin1": 4, "admin2": 5, "admin3": 6}
_TIER_ORDER = {"exact": 0, "alias": 1, "transliteration": 2, "fuzzy": 3}
_ADMIN_KINDS = frozenset({"admin1", "admin2", "admin3"})
_HINT_KINDS = {"admin1": {"admin1"}, "admin2": {"admin2"}, "admin3": {"admin3"}, "place": {"place", "neighbourhood"}}
_KIND_LABELS = {"country": "country", "admin1": "admin-1", "admin2": "district", "admin3": "sub-district",
                "named_area": "named area", "place": "populated place", "neighbourhood": "neighbourhood"}
_CONTEXT = re.compile(r"^\s*(?P<name>[^,()]+?)\s*(?:,\s*(?P<after>[^()]+?)|\((?P<inside>[^()]+)\))\s*$")


@dataclass(slots=True)
class Candidate:
    """One gazetteer place matching a name.

    Attributes
    ----------
    name, name_ar
        The gazetteer's names of the place (English or Latin; Arabic, if known).
    lat, lon
        WGS 84 coordinates (for areas, a representative point).
    kind
        ``"place"`` (populated place), ``"neighbourhood"``, ``"admin1"``,
        ``"admin2"``, ``"admin3"``, ``"named_area"`` or ``"country"``.
    country
        ISO 3166-1 alpha-2 code.
    admin1, admin1_code
        Name and ISO 3166-2 code of its admin-1 unit (governorate).
    admin2, admin2_code, admin3, admin3_code
        Names and P-codes of its district and sub-district, where known (Syria).
    pcode
        The place's own P-code (OCHA), if it has one.
    geonameid, population
        GeoNames id and population, where known (population 0 when unknown).
    tier
        How it matched: ``"exact"``, ``"alias"``, ``"transliteration"`` or ``"fuzzy"``.
    score
        How alike the spellings are, from 0 to 1 (1 for exact and alias matches).
    ref
        Code of an area: ISO code of a country or admin unit, id of a named area.
    """

    name: str
    name_ar: str | None
    lat: float
    lon: float
    kind: str
    country: str
    admin1: str | None
    admin1_code: str | None
    admin2: str | None
    admin2_code: str | None
    admin3: str | None
    admin3_code: str | None
    pcode: str | None
    geonameid: int | None
    population: int
    tier: str
    score: float
    ref: str | None

    @property
    def kind_label(self) -> str:
        """Human-readable kind ("populated place", "district"…)."""
        return _KIND_LABELS[self.kind]

    def where(self) -> str:
        """Its admin units and country, most local first ("Harasta, Duma, Rif Dimashq, SY")."""
        parts = [self.admin3, self.admin2, self.admin1, self.country]
        return ", ".join(dict.fromkeys(p for p in parts if p and p != self.name))


@dataclass(slots=True)
class GeocodeResult(Candidate):
    """The best match for a query, how sure it is, and the runners-up.

    Attributes
    ----------
    query
        The name as given.
    confidence
        From 0 to 1: see the module docstring.
    outside_country
        True when the place lies outside the requested country (an exact
        name found only abroad, e.g. Astana).
    ambiguous
        True when another place, more than 10 km away, matches the name about
        as well; the country, the context or prominence decided.
    candidates
        Runners-up, best first (at most five).
    provider
        Where the answer came from (``"offline"`` for the embedded gazetteer).
    """

    query: str = ""
    confidence: float = 1.0
    outside_country: bool = False
    ambiguous: bool = False
    candidates: tuple[Candidate, ...] = field(default=())
    provider: str = "offline"

    @property
    def low_confidence(self) -> bool:
        """True when the answer is less sure than :data:`LOW_CONFIDENCE`."""
        return self.confidence < LOW_CONFIDENCE

    def to_dict(self) -> dict:
        """Plain-data form, as printed by ``zonemap geocode --json``."""
        # Field by field, as asdict would give them: the values are plain already, and asdict's deep copies
        # cost more than geocoding a batch.
        data = {name: getattr(self, name) for name in _RESULT_FIELDS}
        data["found"] = True
        data["kind"] = self.kind_label
        data["candidates"] = [{name: getattr(c, name) for name in _CANDIDATE_FIELDS} | {"kind": c.kind_label}
                              for c in self.candidates]
        return data


_CANDIDATE_FIELDS = tuple(f.name for f in dataclass_fields(Candidate))
_RESULT_FIELDS = tuple(f.name for f in dataclass_fields(GeocodeResult))


@dataclass(frozen=True, slots=True)
class _Hit:
    index: int
    tier: str
    similarity: float
    disagreement: float = 0.0  # of a Latin spelling (vowels, articles) with the place's Arabic name: ranks only
    same_arabic: bool = False  # a namesake pooled with an exact hit of the same Arabic name

    @property
    def fit(self) -> float:
        return self.similarity - DISAGREEMENT_WEIGHT * min(self.disagreement, MAX_DISAGREEMENT)


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


def check_country(country: object) -> str | None:
    """An ISO 3166-1 alpha-2 code, upper-cased, or None.

    Raises
    ------
    GeocodeError
        For anything else.
    """
    if country is None:
        return None
    if not (isinstance(country, str) and len(country) == 2 and country.isascii() and country.isalpha()):
        raise GeocodeError(f"country must be an ISO 3166-1 alpha-2 code such as 'SY', got {country!r}")
    return country.upper()


def _similarity(g: Gazetteer, index: int, key: str, written: str | None) -> float:
    """How alike the query is to a place's name.

    ``written`` is the query's :func:`~zonemap.geocoding.text.rasm` when the
    query is in Arabic script or romanised with marks (GeoNames' way): its
    letters are then compared with the place's Arabic name letter for letter.
    Otherwise the query's spelling is compared with the place's Latin names
    and with a Latin reading of its Arabic name.
    """
    other = g.name_ar(index)
    if written is not None and other:
        return fuzz.ratio(written, rasm(other)) / 100
    latin = max((similarity(key, spelling) for spelling in g.spellings(index)), default=0.0)
    return max(latin, similarity(key, romanize(other))) if other else latin


def _min_similarity(skeleton: str) -> float:
    """Least spelling similarity a shared skeleton needs: short skeletons are weak evidence."""
    return {0: 1.0, 1: 0.7, 2: 0.7, 3: 0.6, 4: 0.55}.get(len(skeleton), 0.45)


def _in(g: Gazetteer, indices, country: str | None, *, outside: bool = False) -> list[int]:
    if country is None:
        return list(indices)
    return [i for i in indices if (g.country[i] == country) != outside]


def _written_articles(query: str) -> int:
    """The articles a Latin query writes (an Arabic query is compared letter for letter instead)."""
    return 0 if is_arabic(query) else article_count(query)


class _Writing(NamedTuple):
    """What ranking an exact name reads of how the query is written, besides its key."""

    articles: int  # :func:`_written_articles`
    plain_latin: bool  # neither Arabic script nor romanised with marks


def _writing(query: str) -> _Writing:
    return _Writing(_written_articles(query), not (is_arabic(query) or is_romanised(query)))


def _missing_articles(g: Gazetteer, index: int, articles: int) -> int:
    """How many of a Latin query's ``articles`` a place's Arabic name lacks ("al-Dabaa" is الضبعة, not ضبعة)."""
    arabic = g.name_ar(index)
    return max(0, articles - article_count(arabic)) if arabic else 0


def _transliterations(g: Gazetteer, key: str, query: str, country: str | None,
                      only: Callable[[int], bool] | None = None) -> list[_Hit]:
    """Places whose skeleton the query shares and whose names it spells alike (of those ``only`` keeps)."""
    written = rasm(query) if is_arabic(query) or is_romanised(query) else None
    hits: dict[int, _Hit] = {}
    short = len(key.replace(" ", "")) <= MIN_SPELLING_LETTERS
    articles = _written_articles(query)
    for skeleton in query_skeleton_keys(query):
        floor = max(_min_similarity(skeleton), 0.9 if short else 0.0)  # "Fua" is Foah; "abc" is not Babka
        for tier in ("skeleton", "skeleton_alias"):
            for index in _in(g, g.postings(tier)[skeleton], country):
                if (only is not None and not only(index)) or not _same_leading_word(g, index, query):
                    continue
                score = _similarity(g, index, key, written)
                if tier == "skeleton_alias" and not (" - " in g.names[index] or is_qualified(g.names[index])):
                    score *= ALIAS_SIMILARITY  # a first word alone ("Sabah" of Sabah al-Khayr) is weaker evidence
                if score >= floor and score > hits.get(index, _Hit(index, "", -1)).similarity:
                    # Latin spellings blur vowels: the Arabic name's long vowels and ending settle between look-alikes.
                    arabic = g.name_ar(index) if written is None else None
                    disagreement = vowel_disagreement(key, arabic) if arabic else 0.0
                    # "al-Hameh" is al-Hama, not Hama
                    disagreement += ARTICLE_DISAGREEMENT * _missing_articles(g, index, articles)
                    hits[index] = _Hit(index, "transliteration", score, disagreement)
    return list(hits.values())


def _well_known(g: Gazetteer, index: int) -> bool:
    return g.kind[index] in ("country", "admin1") or g.population[index] >= MAJOR_CITY


def _same_leading_word(g: Gazetteer, index: int, query: str) -> bool:
    arabic = g.name_ar(index)
    if is_arabic(query):
        return same_leading_word(query, arabic) if arabic else True
    return any(same_leading_word(query, name) for name in [*g.spellings(index), *([arabic] if arabic else [])])


def _spelled_apart(g: Gazetteer, key: str, exact: int, namesake: int) -> bool:
    """True if a plain Latin query's vowels fit the Arabic name of the place it names exactly better than its
    namesake's ("Busayrah" is al-Busayrah, البصيرة, not Busayr, بصير)."""
    ours, theirs = g.name_ar(exact), g.name_ar(namesake)
    if not ours or not theirs:
        return False
    return vowel_disagreement(key, theirs) > vowel_disagreement(key, ours)


def _same_arabic(g: Gazetteer, a: int, b: int) -> bool:
    arabic_a, arabic_b = g.name_ar(a), g.name_ar(b)
    return bool(arabic_a and arabic_b) and name_key(arabic_a) == name_key(arabic_b)


def _abroad(g: Gazetteer, key: str, country: str) -> list[int]:
    """Places outside ``country`` that this key names outright: by their own name, or any name of a big place.

    A foreign town's hundredth alternate name ("Tal" for Thal, "Talin" for Tallinn) is weak evidence;
    its own name, or a well-known name of a city (Astana, Mosul), is not.
    """
    return [i for i in _in(g, g.exact[key], country, outside=True)
            if name_key(g.names[i]) == key or (_well_known(g, i) and len(key) > MIN_SPELLING_LETTERS)]


@dataclass(slots=True)
class _Matches:
    hits: list[_Hit]
    outside: bool = False
    contested_by: list[int] = field(default_factory=list)  # places abroad that make the answer doubtful


def _matches(g: Gazetteer, query: str, key: str, country: str | None, writing: _Writing) -> _Matches:
    """Hits of the first tier that finds any, whether they lie outside ``country``, and rivals abroad.

    Exact and alias hits of places other than admin units depend on the query only through its ``writing``.
    """
    for tier in ("exact", "alias"):
        found = _in(g, g.postings(tier)[key], country)
        if found:
            hits = [_Hit(i, tier, 1.0, ARTICLE_DISAGREEMENT * _missing_articles(g, i, writing.articles)) for i in found]
            # Places whose names differ only in transliteration compete with the exact one on prominence.
            exact = set(found)
            plain_latin = writing.plain_latin
            for index in found:
                for other in g.namesakes(index):
                    if other not in exact and (country is None or g.country[other] == country) \
                            and not (plain_latin and _spelled_apart(g, key, index, other)):
                        exact.add(other)
                        hits.append(_Hit(other, "transliteration", NAMESAKE_SIMILARITY,
                                         same_arabic=_same_arabic(g, index, other)))
            if tier == "alias" or all(g.kind[i] in _ADMIN_KINDS for i in found):
                # "Deir Ezzor" spells the governorate's name, "Efrin" a part of the village Abin - Efrin; the
                # capital or district centre, spelled otherwise, competes with them on prominence.
                def centre(i: int) -> bool:
                    return (i not in exact and g.kind[i] in ("place", "neighbourhood")
                            and g.prominence[i] >= CENTRE_PROMINENCE)

                hits += [h for h in _transliterations(g, key, query, country, centre)
                         if h.similarity >= CENTRE_SIMILARITY]
            contested_by = []
            if country is not None and max(g.prominence[i] for i in exact) == 0:
                # An obscure village at home does not outweigh a capital abroad spelled the same (Sanaa).
                contested_by = [i for i in _abroad(g, key, country)
                                if _well_known(g, i) and name_key(g.names[i]) == key]
            return _Matches(hits, contested_by=contested_by)
    abroad = _abroad(g, key, country) if country is not None else []
    # One or two letters ("ab", "x y") spell too many names: only an exact match will do.
    hits = _transliterations(g, key, query, country) if len(key.replace(" ", "")) >= MIN_SPELLING_LETTERS else []
    if abroad:
        own = [i for i in abroad if name_key(g.names[i]) == key]

        def famous(i: int) -> bool:  # Saïda in Algeria is a city, but far from the Sayda of Daraa
            near = any(_km(g, i, h.index) <= CONTEST_KM for h in hits)
            return _well_known(g, i) and (near or g.kind[i] in ("country", "admin1") or g.population[i] >= FAR_CITY)

        if any(famous(i) for i in own):
            # A well-known place abroad called exactly so outweighs every look-alike at home:
            # "Hebron" is not the village Habrun, nor "Karbala" Kharabal.
            return _Matches([_Hit(i, "exact", 1.0) for i in abroad], outside=True)
        # Otherwise only near-identical spellings at home stand, and a lesser place abroad called
        # exactly so leaves them in doubt ("Beit Jann" in Israel, or Bait Jan in Rif Dimashq); a city's
        # other names (Ar Ra'i for Praia) do not.
        hits = [h for h in hits if h.similarity >= ABROAD_SIMILARITY]
        if hits:
            # Only a neighbour's town is a likely meaning of a name written about this country.
            nearby = [i for i in own if min(_km(g, i, h.index) for h in hits) <= CONTEST_KM]
            # A big city's common other name is no mere look-alike either: "Kiev" is not the village Al-Khifah.
            nearby += [i for i in abroad if i not in own and g.population[i] >= FAR_CITY]
            return _Matches(hits, contested_by=nearby)
        return _Matches([_Hit(i, "exact", 1.0) for i in abroad], outside=True)
    if hits:
        return _Matches(hits)
    if len(key) >= 5:
        fuzzy: dict[int, _Hit] = {}
        for similar, score in g.similar_keys(key, country, cutoff=85):
            for index in _in(g, g.exact[similar], country):
                if score / 100 > fuzzy.get(index, _Hit(index, "fuzzy", 0.0)).similarity:
                    fuzzy[index] = _Hit(index, "fuzzy", score / 100)
        return _Matches(list(fuzzy.values()))
    return _Matches([])


def _context_country(g: Gazetteer, context: str) -> str | None:
    """The ISO code of the country a context ("Turkey", "Lebanon") names, if it names one."""
    countries = {g.country[i] for i in g.exact[name_key(context)] if g.kind[i] == "country"}
    return countries.pop() if len(countries) == 1 else None


def _context_units(g: Gazetteer, context: str, country: str | None) -> set[str]:
    """Codes of the admin units a context ("Rif Dimashq", "Harim district") names."""
    key = name_key(context)
    indices = set(_in(g, g.exact[key] + g.postings("alias")[key], country))
    if not indices:
        for skeleton in skeleton_keys(context):
            indices |= set(_in(g, g.postings("skeleton")[skeleton], country))
    return {g.ref(i) for i in indices if g.kind[i] in ("admin1", "admin2", "admin3")} - {None}


def _with_context(g: Gazetteer, hits: list[_Hit], units: set[str]) -> list[_Hit]:
    return [h for h in hits if units & set(g.admin_codes(h.index))]


def _strength(g: Gazetteer, hit: _Hit, pooled: bool) -> float:
    """Rank within a tier: prominence for exact names (and the near-identical spellings pooled with them,
    one step behind), spelling similarity plus a little prominence for transliterations and typos."""
    if pooled:
        exact = EXACT_BONUS if hit.tier in ("exact", "alias") or hit.same_arabic else 0.0
        return g.prominence[hit.index] + exact - POOLED_DISAGREEMENT_WEIGHT * hit.disagreement
    return hit.fit + PROMINENCE_WEIGHT * min(g.prominence[hit.index], PROMINENCE_CAP)


def _km(g: Gazetteer, a: int, b: int) -> float:
    # Plain floats: numpy costs more than it saves for one pair.
    lat1, lat2 = math.radians(g.lat[a]), math.radians(g.lat[b])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(g.lon[b] - g.lon[a]) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _far(g: Gazetteer, a: int, b: int) -> bool:
    return _km(g, a, b) > SAME_PLACE_KM


def candidate(g: Gazetteer, index: int, tier: str = "exact", score: float = 1.0, cls: type = Candidate,
              **extra) -> Candidate:
    """The :class:`Candidate` (or ``cls``, with ``extra`` fields) of one gazetteer place.

    Parameters
    ----------
    g
        The gazetteer.
    index
        The place.
    tier, score
        How it matched.
    cls
        :class:`Candidate` or :class:`GeocodeResult`.
    **extra
        Further fields of ``cls``.

    Returns
    -------
    Candidate
    """
    fields = g.record(index)
    return cls(*fields, tier, round(score, 3), g.ref(index), **extra)


def _exact_result(g: Gazetteer, index: int, query: str) -> GeocodeResult:
    """``candidate(g, index, cls=GeocodeResult, query=query)``, from fields made once per place: most answers."""
    cache = g.memo("exact_result_fields")
    fields = cache.get(index)
    if fields is None:
        fields = cache[index] = (*g.record(index), "exact", 1.0, g.ref(index))
    return GeocodeResult(*fields, query)


def geocode(name: str, country: str | None = "SY", *, gazetteer: Gazetteer | None = None,
            geodata: GeoData | None = None, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> GeocodeResult:
    """Find a place by name, offline, or say that it cannot be found reliably.

    Parameters
    ----------
    name
        A place name in any common transliteration or in Arabic script
        ("Daraa", "Dar'a", "درعا"), a governorate, district or sub-district
        ("Idlib province", "Harim district"), a named area ("Eastern
        Ghouta") or a country; optionally with context: "Douma, Rif Dimashq".
    country
        ISO 3166-1 alpha-2 code of the country to search (its places are the
        only transliteration and fuzzy answers; an exact name elsewhere is
        returned only when nothing in the country matches, flagged
        ``outside_country``); ``None`` to search the world.
    gazetteer, geodata
        Index to search, or the data to load it from; defaults to the embedded one.
    min_confidence
        Refuse answers less sure than this (0 to accept any match).

    Returns
    -------
    GeocodeResult
        The best match, its tier and confidence, and the runners-up.

    Raises
    ------
    GeocodeError
        For empty, non-text or overlong names, or a malformed country code.
    UnknownPlaceError
        If nothing matches reliably; its message lists the closest names, or
        the places an ambiguous name could be.

    Notes
    -----
    A name only one place bears is answered at once. A name several places
    share was ranked when the index was written, and its answer stored
    (:func:`stored_answer_arrays`), unless the query carries context, a kind
    word or two articles, or asks for another ``min_confidence``: such
    queries are ranked when asked. The answers to names several places share
    (and refusals) are kept with the gazetteer, up to :data:`ANSWERS_KEPT`,
    so that a name asked again costs a dictionary lookup. Each call gets its
    own result or error object.

    Examples
    --------
    >>> r = geocode("Douma")
    >>> r.admin1, r.country, r.tier
    ('Rif Dimashq', 'SY', 'exact')
    >>> geocode("Hamouriyeh").name
    'Hammura'
    """
    query = check_name(name)
    bias = check_country(country)
    g = gazetteer or load_gazetteer(geodata)
    answer = _answer(g, query, bias, min_confidence)
    if type(answer) is int:
        return _exact_result(g, answer, query)
    if type(answer) is tuple:
        return _result_of(g, answer)
    raise _copy_of_error(answer)


_Kept = tuple
"""A ranked answer as kept: ``(index, tier, score, query, confidence, outside_country, ambiguous, runners)``, the
runners-up as ``(index, tier, score)``; each caller gets objects made from it (:func:`_result_of`)."""


def _answer(g: Gazetteer, query: str, bias: str | None, min_confidence: float) -> int | _Kept | UnknownPlaceError:
    """:func:`geocode`'s answer before it is made into objects: the place of a name only it bears, a kept ranked
    answer, or a kept refusal (without the frames it was raised in)."""
    answers = g.memo("ranked_answers")
    asked = (query, bias, min_confidence)
    answer = answers.get(asked)
    if answer is None:
        key, hint = analyse_name(query)
        if not key:
            raise GeocodeError(f"place name {query!r} has no letters or digits")
        answer = g.unrivalled_place(key) if hint is None else None
        if answer is not None and (bias is None or g.country[answer] == bias):
            return answer  # the common case, not kept: found again faster than a kept answer is added
        answer = _stored(g, query, key, hint, bias, min_confidence)
        if answer is None:
            try:
                answer = _ranked(g, query, key, hint, bias, min_confidence)
            except UnknownPlaceError as error:
                answer = error.with_traceback(None)
        if len(answers) >= ANSWERS_KEPT:
            answers.clear()
        answers[asked] = answer
    return answer


_STORED_WRITING = {_Writing(articles, not marked): j for j, (articles, marked) in enumerate(STORED_WRITINGS)}
_PLAIN_LATIN, _MARKED = _Writing(0, True), _Writing(0, False)


def _stored(g: Gazetteer, query: str, key: str, hint: str | None, bias: str | None,
            min_confidence: float) -> _Kept | UnknownPlaceError | None:
    """The answer the index stores for an exact name (:func:`stored_answer_arrays`), when it holds one for this query.

    It does for a name asked in a country at the default confidence, without context ("Douma, Rif Dimashq") or
    kind word, and with at most one article: ranking such a name reads nothing of the query but its key, script
    and articles, except where the name is an admin unit's: its spelling is then compared with centres', so the
    answer holds only for a query spelled as the key (its words in plain Latin; the key itself in Arabic).
    """
    if hint is not None or bias is None or min_confidence != DEFAULT_MIN_CONFIDENCE or "," in query or "(" in query:
        return None
    as_key = query.isascii() and query.lower() == key  # most queries: plain Latin letters, spelled as their key
    writing = _STORED_WRITING.get(_PLAIN_LATIN if as_key else _writing(query))
    if writing is None:
        return None
    stored = g.stored_answer(key, bias, writing)
    if stored is None:
        return None
    place, tier, score, confidence, ambiguous, runners, refusal, spelled = stored
    if spelled and not as_key and (query != key if STORED_WRITINGS[writing][1] else " ".join(fold_words(query)) != key):
        return None
    if place < 0:
        return UnknownPlaceError(query, list(refusal), ambiguous=True)
    return place, tier, score, query, confidence, False, ambiguous, runners



def stored_answer_arrays(g: Gazetteer) -> dict[str, np.ndarray]:
    """The answers of exact names that need ranking, for the index to store (format: :mod:`.index`).

    Every exact key that is not a plain place's own (those are answered at once) is ranked in each country of its
    places, for each writing of :data:`~zonemap.geocoding.index.STORED_WRITINGS` (plain Latin or marked, with no
    article or one). Where the key names only admin units, their names are weighed against centres spelled
    alike: that reads the query's spelling, so only the answer to the key itself is stored (in plain Latin, or
    in Arabic script for an Arabic key), flagged as holding for a query spelled so. Refusals of ambiguous names
    are stored too; a name answered only abroad is not.

    Parameters
    ----------
    g
        The index, without stored answers.

    Returns
    -------
    dict of str to numpy.ndarray
        The arrays :data:`~zonemap.geocoding.index.STORED_ARRAYS`.
    """
    rows, countries, columns = [], [], []
    answers: dict[tuple, int] = {}
    refusals: dict[str, int] = {}
    for k, key in enumerate(g.exact.keys):
        if key and g.unrivalled_place(key) is None:
            places = g.exact.places_of(k)
            # An Arabic query writes no Latin article; a plain Latin one cannot have an Arabic key.
            arabic = is_arabic(key)
            for country in sorted({g.country[i] for i in places}):
                spelled = all(g.kind[i] in _ADMIN_KINDS for i in places if g.country[i] == country)
                found = []
                for writing in _STORED_WRITING:
                    possible = not arabic or (writing.articles == 0 and not writing.plain_latin)
                    if possible and (not spelled or writing == (_MARKED if arabic else _PLAIN_LATIN)):
                        found.append(_stored_answer(g, key, country, writing, spelled, answers, refusals))
                    else:
                        found.append(-1)
                if max(found) >= 0:
                    rows.append(k)
                    countries.append(country)
                    columns.append(found)
    ordered = list(answers)
    runners = [answer[5] for answer in ordered]
    return {
        # Steps rather than numbers: they compress to half the size.
        "stored_key_step": np.diff(np.array(rows, dtype=np.int32), prepend=0).astype(np.int32),
        "stored_country": np.array(countries, dtype="S2"),
        # Answer numbers take two bytes while they fit: the index stays under 5 MB.
        "stored_answer": np.array(columns, dtype=np.int16 if len(answers) < 1 << 15 else np.int32).reshape(
            -1, len(STORED_WRITINGS)),
        "answer_place": np.array([answer[0] for answer in ordered], dtype=np.int32),
        "answer_tier": np.array([ANSWER_TIERS.index(answer[1]) for answer in ordered], dtype=np.int8),
        "answer_score": np.array([round(answer[2] * SCORE_SCALE) for answer in ordered], dtype=np.int16),
        "answer_confidence": np.array([round(answer[3] * SCORE_SCALE) for answer in ordered], dtype=np.int16),
        "answer_ambiguous": np.array([answer[4] for answer in ordered], dtype=bool),
        "answer_spelled": np.array([answer[6] for answer in ordered], dtype=bool),
        "answer_runner_offsets": np.concatenate([[0], np.cumsum([len(r) for r in runners])]).astype(np.int32),
        "runner_place": np.array([i for r in runners for i, _, _ in r], dtype=np.int32),
        "runner_tier": np.array([ANSWER_TIERS.index(t) for r in runners for _, t, _ in r], dtype=np.int8),
        "runner_score": np.array([round(score * SCORE_SCALE) for r in runners for _, _, score in r], dtype=np.int16),
        "refusal_places": text_array(list(refusals)),
    }


def _stored_answer(g: Gazetteer, key: str, country: str, writing: _Writing, spelled: bool,
                   answers: dict[tuple, int], refusals: dict[str, int]) -> int:
    """The number of the answer to store for a key asked in a country with a writing, -1 for none."""
    try:
        place, tier, score, _, confidence, outside, ambiguous, runners = _ranked(
            g, key, key, None, country, DEFAULT_MIN_CONFIDENCE, writing)
    except UnknownPlaceError as error:
        if error.abroad or not error.ambiguous:
            return -1
        listed = "\t".join(error.suggestions)
        if any("\t" in suggestion for suggestion in error.suggestions):
            raise ValueError(f"a place listed for a refusal has a tab: {error.suggestions!r}") from None
        place = -1 - refusals.setdefault(listed, len(refusals))
        tier, score, confidence, ambiguous, runners = "exact", 0.0, 0.0, True, ()
    else:
        if outside:
            return -1
    return answers.setdefault((place, tier, score, confidence, ambiguous, runners, spelled), len(answers))


def _result_of(g: Gazetteer, kept: _Kept) -> GeocodeResult:
    """A new :class:`GeocodeResult` (with new runners-up) from a kept answer: callers may change theirs."""
    index, tier, score, query, confidence, outside, ambiguous, runners = kept
    # Made here rather than by candidate(): its keyword call costs a repeated name about 30% more (measured).
    return GeocodeResult(*g.record(index), tier, score, g.ref(index), query, confidence, outside, ambiguous,
                         tuple([Candidate(*g.record(i), t, s, g.ref(i)) for i, t, s in runners]))


def _copy_of_error(error: UnknownPlaceError) -> UnknownPlaceError:
    """A new error equal to a kept one, so that a raised error gets its own traceback and its catcher may change it.

    Copied without calling its constructor, which not every error's arguments allow; its lists are copied too.
    """
    copied = type(error).__new__(type(error))
    copied.args = error.args
    copied.__dict__.update({name: value[:] if type(value) is list else value for name, value in vars(error).items()})
    return copied


def _ranked(g: Gazetteer, query: str, key: str, hint: str | None, bias: str | None,
            min_confidence: float, writing: _Writing | None = None) -> _Kept:
    """:func:`geocode` for a name its fast path does not settle: the tiers, context and ranking of the module docstring.

    ``writing`` is the query's (:func:`_writing`) unless given: the index's stored answers are ranked for writings
    of their own.
    """
    context = _CONTEXT.match(query)
    units: set[str] = set()
    if context:
        where = context["after"] or context["inside"]
        named_country = _context_country(g, where)
        if named_country and named_country != bias:
            # "Reyhanli, Turkey": the name says which country to search.
            name = context["name"]
            answer = _answer(g, name, named_country, min_confidence)
            if isinstance(answer, UnknownPlaceError):
                raise _copy_of_error(answer)
            return (answer, "exact", 1.0, name, 1.0, False, False, ()) if type(answer) is int else answer
        units = _context_units(g, where, bias)
        if units:
            key, hint = analyse_name(context["name"])
    searched = context["name"] if units else query
    found = _matches(g, searched, key, bias, writing or _writing(searched))
    hits, outside = found.hits, found.outside
    if units:
        # The context may point past the first tier: "Hazzeh, Rif Dimashq" is Hezzeh in Ghouta, not the
        # village spelled Hazzeh in Homs.
        every = [_Hit(i, tier, 1.0) for tier in ("exact", "alias") for i in _in(g, g.postings(tier)[key], bias)]
        narrowed = _with_context(g, every + _transliterations(g, key, context["name"], bias), units)
        if narrowed:
            first = min(_TIER_ORDER[h.tier] for h in narrowed)
            hits, outside = [h for h in narrowed if _TIER_ORDER[h.tier] == first], False
    if not hits:
        raise UnknownPlaceError(query, suggestions(query, country=bias, gazetteer=g))
    if hint in _HINT_KINDS:
        hits = [h for h in hits if g.kind[h.index] in _HINT_KINDS[hint]] or hits
    pooled = hits[0].tier in ("exact", "alias")
    hits.sort(key=lambda h: (_KIND_RANK[g.kind[h.index]], -_strength(g, h, pooled), h.index))
    best = hits[0]
    margin = PROMINENCE_MARGIN if pooled else SIMILARITY_MARGIN
    rivals = [h for h in hits[1:] if _KIND_RANK[g.kind[h.index]] == _KIND_RANK[g.kind[best.index]]
              and _far(g, best.index, h.index)]
    # A rival is close when it is about as strong and, for spellings, about as alike: a better spelling is not
    # in doubt because a worse one belongs to a bigger place (Hamouriyeh: Hammura, not the town Hamra).
    close = [h for h in rivals if _strength(g, h, pooled) > _strength(g, best, pooled) - margin
             and (pooled or h.fit > best.fit - margin)]
    if outside and name_key(g.names[best.index]) != key:
        # A city abroad answering to another of its names is in doubt when a place abroad bears the name as
        # its own: "Salif" is an old name of Chlef (Algeria) and the own name of a Yemeni port.
        close += [h for h in rivals if h not in close and name_key(g.names[h.index]) == key]
    confidence = {"exact": 1.0, "alias": 0.85, "transliteration": 0.95 - 1.5 * (1 - best.similarity),
                  "fuzzy": 0.6 * best.similarity}[best.tier]
    if outside:
        # A small town abroad is a poor answer for a name asked in another country: reported, not used.
        confidence *= 0.9 if _well_known(g, best.index) else OBSCURE_ABROAD
    if rivals and not close:
        confidence = min(confidence, 0.8)  # prominence (or spelling) decided between places of one name
    contested_by = [] if units else found.contested_by
    if close or contested_by:
        confidence = min(confidence, 0.3)
    if confidence < min_confidence:
        options = [candidate(g, h.index, h.tier, h.similarity) for h in [best, *close][:RUNNERS_UP]]
        options += [candidate(g, index) for index in contested_by]
        listed = list(dict.fromkeys(f"{c.name} ({c.where()})" for c in options))[:RUNNERS_UP]
        if outside and not close:
            asked = f"{context['name'] if context else query}, {g.country_name(g.country[best.index])}"
            raise UnknownPlaceError(query, listed, abroad=asked)
        raise UnknownPlaceError(query, listed, ambiguous=True)
    # Admin units that merely share a populated place's name are not runners-up worth listing.
    listed = [h for h in hits[1:] if g.kind[h.index] not in _ADMIN_KINDS or g.kind[best.index] in _ADMIN_KINDS]
    runners = tuple((h.index, h.tier, round(h.similarity, 3)) for h in listed[:RUNNERS_UP])
    return best.index, best.tier, round(best.similarity, 3), query, round(confidence, 3), outside, bool(rivals), runners


def geocode_all(names: Iterable[str], country: str | None = "SY", *, gazetteer: Gazetteer | None = None,
                geodata: GeoData | None = None,
                min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[GeocodeResult | GeocodeError]:
    """Geocode many names, each distinct name once, keeping going past the ones that fail.

    Parameters
    ----------
    names
        Place names (see :func:`geocode`).
    country, gazetteer, geodata, min_confidence
        As for :func:`geocode`.

    Returns
    -------
    list
        For each name, in order, its :class:`GeocodeResult`, or the
        :class:`~zonemap.errors.GeocodeError` (an
        :class:`~zonemap.errors.UnknownPlaceError` for unknown and ambiguous
        names) that :func:`geocode` raised for it.

    Raises
    ------
    GeocodeError
        For a malformed country code (it concerns every name).
    """
    bias = check_country(country)
    g = gazetteer or load_gazetteer(geodata)
    done: dict[object, GeocodeResult | GeocodeError] = {}
    results = []
    for name in names:
        key = name if isinstance(name, str) else repr(name)
        if key not in done:
            try:
                done[key] = geocode(name, bias, gazetteer=g, min_confidence=min_confidence)
            except GeocodeError as error:
                done[key] = error
        results.append(done[key])
    return results


def suggestions(name: str, country: str | None = "SY", *, gazetteer: Gazetteer | None = None, limit: int = 3) -> list[str]:
    """Names in the gazetteer closest to ``name``, the country's first, for "did you mean" messages.

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
        Place names with where they are, best first.
    """
    g = gazetteer or load_gazetteer()
    key = name_key(name)
    found: list[tuple[float, str]] = []
    for scope in ([country, None] if country else [None]):
        for similar_key, score in g.similar_keys(key, scope, limit=limit, cutoff=55):
            index = next(iter(_in(g, g.exact[similar_key], scope)), g.exact[similar_key][0])
            place = candidate(g, index)
            found.append((score + (5 if scope else 0), f"{place.name} ({place.where()})"))
    names = []
    for _, label in sorted(found, key=lambda item: -item[0]):
        if label not in names:
            names.append(label)
    return names[:limit]


class OfflineGeocoder(Geocoder):
    """The offline gazetteer behind geopy's geocoder interface.

    ``geocode`` returns a :class:`geopy.location.Location` (or ``None`` when
    nothing matches reliably, as geopy geocoders do), so that it composes
    with geopy's tools and with online providers.

    Parameters
    ----------
    country
        Country to search (ISO alpha-2), ``None`` for the world.
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
        self.country = check_country(country)
        self.gazetteer = gazetteer

    def geocode(self, query: str, *, exactly_one: bool = True, country: str | None = "",
                timeout: float | None = None) -> Location | list[Location] | None:
        """Geocode ``query`` in ``country`` (the geocoder's own when not given; ``None`` for the world).

        ``timeout`` is accepted for interface compatibility and ignored.
        """
        try:
            result = geocode(query, self.country if country == "" else country, gazetteer=self.gazetteer)
        except UnknownPlaceError:
            return None
        results = [result, *result.candidates] if not exactly_one else [result]
        locations = [_to_location(r) for r in results]
        return locations[0] if exactly_one else locations

    def resolve(self, name: str, country: str | None, *,
                min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> GeocodeResult:
        """zonemap's geocoder interface (:class:`~zonemap.geocoding.chain.PlaceGeocoder`): :func:`geocode` itself."""
        return geocode(name, country, gazetteer=self.gazetteer, min_confidence=min_confidence)

    def resolve_all(self, names: Iterable[str], country: str | None, *,
                    min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[GeocodeResult | GeocodeError]:
        """Many names at once: :func:`geocode_all` itself."""
        return geocode_all(names, country, gazetteer=self.gazetteer, min_confidence=min_confidence)

    def attribution(self, provider: str) -> str | None:
        """``None``: the gazetteer's sources are credited on every map already."""
        return None

    def close(self) -> None:
        """Nothing to release: the gazetteer is shared and makes no connection."""


def _to_location(place: Candidate) -> Location:
    address = ", ".join(p for p in (place.name, place.where()) if p)
    raw = asdict(place)
    raw.pop("candidates", None)
    return Location(address, (place.lat, place.lon, 0.0), raw)
