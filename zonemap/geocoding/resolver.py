"""Resolving a scenario's names to places and provinces, keeping a record.

The build reports every name it geocoded, what it matched and whether the
match was ambiguous, so an analyst can check the map's foundations.
:class:`PlaceResolver` wraps :func:`zonemap.geocode.geocode` with that record
and with errors that point at the scenario line that used the name.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..errors import GeocodeError, Origin
from .geocoder import Candidate, GeocodeResult, Gazetteer, geocode, load_gazetteer
from .text import name_key, skeleton_key


@dataclass(frozen=True)
class Resolution:
    """One name of a scenario and what it resolved to."""

    field: str
    query: str
    result: Candidate
    ambiguous: bool
    alternatives: tuple[Candidate, ...]

    def describe(self) -> str:
        """One line for the build report."""
        r = self.result
        where = ", ".join(p for p in (r.admin1 if r.admin1 != r.name else None, r.country) if p)
        text = f"{self.query!r} -> {r.name} ({r.kind_label}, {where}; {r.match}, score {r.score:.2f})"
        if self.ambiguous:
            others = "; ".join(f"{c.name} ({c.country})" for c in self.alternatives if c.kind == r.kind)[:200]
            text += f" AMBIGUOUS, also: {others}"
        return text


class PlaceResolver:
    """Geocode names for one scenario, remembering each resolution.

    Parameters
    ----------
    country
        ISO alpha-2 country: the bias for places, and the country provinces
        must belong to.
    gazetteer
        Index to search; defaults to the embedded one.

    Attributes
    ----------
    resolutions
        Every distinct (field, name) resolved, in order.
    """

    def __init__(self, country: str = "SY", gazetteer: Gazetteer | None = None):
        self.country = country.upper()
        self.gazetteer = gazetteer or load_gazetteer()
        self.resolutions: list[Resolution] = []
        self._places: dict[str, GeocodeResult] = {}
        self._provinces: dict[str, Candidate] = {}
        self._province_indices: list[int] | None = None

    def _record(self, origin: Origin, query: str, result: Candidate, ambiguous: bool, alternatives) -> None:
        self.resolutions.append(Resolution(origin.field, query, result, ambiguous, tuple(alternatives)))

    def place(self, name: str, origin: Origin, field: str | None = None) -> GeocodeResult:
        """Geocode a place name used at ``origin`` (and its sub-``field``).

        Raises
        ------
        ScenarioError
            If the name is unknown or malformed; the message gives the file,
            line, field and suggestions.
        """
        origin = origin.child(field) if field else origin
        if name not in self._places:
            try:
                self._places[name] = geocode(name, self.country, gazetteer=self.gazetteer)
            except GeocodeError as error:
                raise origin.error(error.message) from None
            result = self._places[name]
            self._record(origin, name, result, result.ambiguous, result.candidates)
        return self._places[name]

    def province(self, name: str, origin: Origin, field: str | None = None) -> Candidate:
        """Find a province (admin-1 unit) of the scenario's country by name.

        Matching is the geocoder's (exact, then transliteration, then fuzzy),
        restricted to the country's admin-1 units.

        Raises
        ------
        ScenarioError
            If no province of the country matches; the message lists the
            closest province names.
        """
        origin = origin.child(field) if field else origin
        if name not in self._provinces:
            self._provinces[name] = self._find_province(name, origin)
            self._record(origin, name, self._provinces[name], False, ())
        return self._provinces[name]

    def _country_provinces(self) -> list[int]:
        if self._province_indices is None:
            g = self.gazetteer
            self._province_indices = [i for i in range(len(g)) if g.place_kind(i) == "admin1" and g.place_country(i) == self.country]
        return self._province_indices

    def _find_province(self, name: str, origin: Origin) -> Candidate:
        g = self.gazetteer
        key = name_key(name)
        if not key:
            raise origin.error(f"province name {name!r} has no letters or digits")
        provinces = set(self._country_provinces())
        transliterated = [i for spelling in g.skeleton(skeleton_key(key)) for i in g.exact(spelling)]
        for tier, found in (("exact", g.exact(key)), ("transliteration", transliterated)):
            hits = sorted(i for i in found if i in provinces)
            if hits:
                return g.candidate(hits[0], 1.0 if tier == "exact" else 0.85, tier)
        names = {g.place_name(i): i for i in provinces}
        best = process.extractOne(name, list(names), scorer=fuzz.WRatio, score_cutoff=88)
        if best:
            return g.candidate(names[best[0]], 0.75 * best[1] / 100, "fuzzy")
        close = [n for n, _, _ in process.extract(name, list(names), scorer=fuzz.WRatio, limit=3)]
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise origin.error(f"unknown province {name!r} in {self.country}{hint}")
