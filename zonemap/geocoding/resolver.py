"""Resolving a scenario's names to places and admin units, keeping a record.

The build reports every name it geocoded, what it matched, by which tier and
how surely, so an analyst can check the map's foundations before trusting
it. :class:`PlaceResolver` wraps a geocoder
(:class:`~zonemap.geocoding.chain.PlaceGeocoder`: the offline gazetteer by
default, or a chain that also looks up online the names the gazetteer cannot
place) with that record, which says which provider answered each name, and
with errors that point at the scenario line that used the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from ..errors import GeocodeError, Origin
from .gazetteer import Gazetteer, load_gazetteer
from .geocoder import LOW_CONFIDENCE, Candidate, GeocodeResult, OfflineGeocoder, candidate
from .text import name_key, similarity, skeleton_keys

if TYPE_CHECKING:
    from .chain import PlaceGeocoder

ADMIN_LEVELS = {1: "admin1", 2: "admin2", 3: "admin3"}
_LEVEL_NAMES = {1: "province", 2: "district", 3: "sub-district"}
_CODE = re.compile(r"^(?:[A-Z]{2}-[A-Z0-9]{1,3}|SY\d{2}(?:\d{2}(?:\d{2})?)?)$")


@dataclass(frozen=True)
class Resolution:
    """One name of a scenario and what it resolved to.

    Attributes
    ----------
    field
        Where the name was written (e.g. ``zones[1].towns``).
    query
        The name as written.
    result
        The place or admin unit it became.
    confidence
        How sure the match is (0 to 1).
    outside_country
        True when the place lies outside the scenario's country.
    ambiguous
        True when another place matched about as well (the runners-up are in ``alternatives``).
    alternatives
        Runners-up.
    provider
        Who answered: ``"offline"`` (the embedded gazetteer) or an online
        provider (``"nominatim"``).
    """

    field: str
    query: str
    result: Candidate
    confidence: float
    outside_country: bool
    ambiguous: bool
    alternatives: tuple[Candidate, ...]
    provider: str = "offline"

    @property
    def low_confidence(self) -> bool:
        """True when the match is less sure than :data:`~zonemap.geocoding.geocoder.LOW_CONFIDENCE`."""
        return self.confidence < LOW_CONFIDENCE

    def describe(self) -> str:
        """One line for the build report: what, where, by which tier, how surely."""
        r = self.result
        where = r.where()
        how = r.tier if self.provider == "offline" else f"{r.tier} via {self.provider}"
        text = f"{self.query!r} -> {r.name} ({r.kind_label}{', ' + where if where else ''}; {how}, confidence {self.confidence:.2f})"
        flags = [label for label, on in (("OUTSIDE THE COUNTRY", self.outside_country),
                                         ("LOW CONFIDENCE", self.low_confidence)) if on]
        if flags:
            text += " " + ", ".join(flags)
        if self.ambiguous:
            others = "; ".join(f"{c.name} ({c.where()})" for c in self.alternatives if c.kind == r.kind)[:200]
            if others:
                text += f"; also: {others}"
        return text


class PlaceResolver:
    """Geocode names for one scenario, remembering each resolution.

    Parameters
    ----------
    country
        ISO alpha-2 country: the country searched for places, and the one
        admin units must belong to.
    gazetteer
        Index to search; defaults to the embedded one.
    strict
        Make low-confidence matches errors instead of notes in the report.
    geocoder
        What looks place names up (admin units are always matched offline);
        by default the offline gazetteer alone.

    Attributes
    ----------
    resolutions
        Every distinct (field, name) resolved, in order.
    """

    def __init__(self, country: str = "SY", gazetteer: Gazetteer | None = None, *, strict: bool = False,
                 geocoder: PlaceGeocoder | None = None):
        self.country = country.upper()
        self.gazetteer = gazetteer or load_gazetteer()
        self.strict = strict
        self.geocoder = geocoder or OfflineGeocoder(self.country, gazetteer=self.gazetteer)
        self.resolutions: list[Resolution] = []
        self._places: dict[str, GeocodeResult] = {}
        self._looked_up: dict[str, GeocodeResult | GeocodeError] = {}
        self._units: dict[tuple[int, str], Candidate] = {}

    @property
    def credits(self) -> tuple[str, ...]:
        """What a map must credit for the names resolved so far (online providers' attributions)."""
        providers = dict.fromkeys(r.provider for r in self.resolutions)
        return tuple(c for c in (self.geocoder.attribution(p) for p in providers if p != "offline") if c)

    def look_up(self, names: Iterable[str]) -> None:
        """Geocode names ahead of :meth:`place`, all at once (one progress bar for those that go online).

        Errors are kept, to be raised by :meth:`place` where the name is used.

        Parameters
        ----------
        names
            Place names of the scenario (repeats are looked up once).

        Raises
        ------
        ProviderError
            When an online provider fails after every retry.
        """
        names = [n for n in dict.fromkeys(names) if n not in self._places and n not in self._looked_up]
        self._looked_up.update(zip(names, self.geocoder.resolve_all(names, self.country)))

    def _record(self, origin: Origin, query: str, result: Candidate, confidence: float, outside: bool,
                ambiguous: bool, alternatives, provider: str = "offline") -> None:
        resolution = Resolution(origin.field, query, result, confidence, outside, ambiguous, tuple(alternatives),
                                provider)
        if self.strict and resolution.low_confidence:
            raise origin.error(f"{resolution.describe()}; --strict refuses matches below confidence "
                               f"{LOW_CONFIDENCE}: write the name as the gazetteer does, or add its governorate")
        self.resolutions.append(resolution)

    def place(self, name: str, origin: Origin, field: str | None = None) -> GeocodeResult:
        """Geocode a place name used at ``origin`` (and its sub-``field``).

        Raises
        ------
        ScenarioError
            If the name is unknown, ambiguous or malformed; the message gives
            the file, line, field and suggestions.
        ProviderError
            When an online provider fails after every retry.
        """
        origin = origin.child(field) if field else origin
        if name not in self._places:
            try:
                result = self._looked_up.get(name) or self.geocoder.resolve(name, self.country)
                if isinstance(result, GeocodeError):
                    raise result
            except GeocodeError as error:
                raise origin.error(error.message) from None
            self._places[name] = result
            self._record(origin, name, result, result.confidence, result.outside_country, result.ambiguous,
                         result.candidates, result.provider)
        return self._places[name]

    def province(self, name: str, origin: Origin, field: str | None = None) -> Candidate:
        """Find a province (admin-1 unit) of the scenario's country by name or ISO code; see :meth:`admin_unit`."""
        return self.admin_unit(name, 1, origin, field)

    def admin_unit(self, name: str, level: int, origin: Origin, field: str | None = None) -> Candidate:
        """Find an admin unit of the scenario's country by name (English or Arabic) or code.

        Parameters
        ----------
        name
            A name in any spelling the geocoder knows, an ISO 3166-2 code
            (admin-1) or a P-code (``SY0703``).
        level
            1 (governorate), 2 (district) or 3 (sub-district).
        origin, field
            Where the name was written.

        Returns
        -------
        Candidate
            Its ``ref`` is the unit's code (ISO 3166-2 for level 1, P-code otherwise).

        Raises
        ------
        ScenarioError
            If no unit of that level matches; the message lists the closest.
        """
        origin = origin.child(field) if field else origin
        if (level, name) not in self._units:
            found, tier, score = self._find_unit(name, level, origin)
            self._units[(level, name)] = found
            self._record(origin, name, found, 1.0 if tier == "exact" else 0.55 + 0.4 * score, False, False, ())
        return self._units[(level, name)]

    def _refuse_shared(self, name: str, level: int, units: list[int], origin: Origin) -> None:
        """Refuse a name that fits several units of one level equally well (two sub-districts are called Suran)."""
        if len(units) > 1:
            g = self.gazetteer
            options = " or ".join(f"{g.ref(i)} ({candidate(g, i).where()})" for i in sorted(units, key=g.ref))
            raise origin.error(f"{_LEVEL_NAMES[level]} {name!r} is ambiguous: it could be {options}; "
                               f"write the P-code instead")

    def _find_unit(self, name: str, level: int, origin: Origin) -> tuple[Candidate, str, float]:
        g = self.gazetteer
        kind = ADMIN_LEVELS[level]
        key = name_key(name)
        if not key:
            raise origin.error(f"{_LEVEL_NAMES[level]} name {name!r} has no letters or digits")
        units = {int(i) for i in g.country_places(self.country) if g.kind[i] == kind}
        code = name.strip().upper()
        if _CODE.match(code):
            for index in sorted(units):
                if g.ref(index) == code:
                    return candidate(g, index), "exact", 1.0
        exact = sorted(set(i for i in g.exact[key] + g.postings("alias")[key] if i in units))
        if exact:
            self._refuse_shared(name, level, exact, origin)
            return candidate(g, exact[0]), "exact", 1.0
        scored = {}
        for skeleton in skeleton_keys(name):
            for index in g.postings("skeleton")[skeleton]:
                if index in units:
                    scored[index] = max((similarity(key, s) for s in g.spellings(index)), default=0.0)
        if scored:
            index = max(sorted(scored), key=scored.get)
            if scored[index] >= 0.5:
                self._refuse_shared(name, level, [i for i in scored if scored[i] > scored[index] - 0.05], origin)
                return candidate(g, index, "transliteration", scored[index]), "transliteration", scored[index]
        names = {g.names[i]: i for i in sorted(units)}
        best = process.extractOne(name, list(names), scorer=fuzz.WRatio, score_cutoff=88)
        if best:
            return candidate(g, names[best[0]], "fuzzy", best[1] / 100), "fuzzy", best[1] / 100
        close = [n for n, _, _ in process.extract(name, list(names), scorer=fuzz.WRatio, limit=3)]
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise origin.error(f"unknown {_LEVEL_NAMES[level]} {name!r} in {self.country}{hint}")
