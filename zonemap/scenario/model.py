"""The scenario model: zones and incidents described by place names.

Plain frozen dataclasses, built by :func:`zonemap.load_scenario` from a file
or a dict, or directly in code::

    from zonemap import Incident, Scenario, Zone

    scenario = Scenario(
        "Southern Syria, July 2017",
        zones=[Zone("south", "Southern zone", provinces=["Daraa", "Quneitra", "Sweida"])],
        incidents=[Incident("2017-07-04", "air strike", place="Douma", fatalities=2)],
    )

Each class checks what concerns its own fields when it is made (exactly one
geometry rule per zone, a place or coordinates per incident, real dates…),
so a scenario built in code fails as clearly as one read from a file. Lists
become tuples and ISO date strings become :class:`datetime.date`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass, field, fields
from pathlib import Path

from ..errors import Origin
from ..escaping import safe_url

STATUSES = ("proposed", "agreed", "in force", "collapsed")
"""Zone statuses, in the order an agreement usually passes through them."""

INCIDENT_TYPES = ("air strike", "shelling", "clashes", "ceasefire", "talks", "displacement", "aid", "other")

GEOMETRY_RULES = ("provinces", "districts", "subdistricts", "province_part", "area", "towns", "corridor", "geojson")
"""The ways a zone's shape can be given; each zone uses exactly one."""

DEFAULT_BUFFER_KM = 5.0
"""Buffer around the hull of a zone's towns when the scenario gives none."""

LANGUAGES = ("en", "ar")


def _set(instance, name: str, value) -> None:
    object.__setattr__(instance, name, value)


def parse_date(value: object, origin: Origin) -> dt.date | None:
    """A date from a :class:`datetime.date` or an ISO ``YYYY-MM-DD`` string.

    Parameters
    ----------
    value
        ``None``, a date, or a string.
    origin
        Where the value was written, for the error message.

    Returns
    -------
    datetime.date or None

    Raises
    ------
    ScenarioError
        If the value is not a real calendar date.
    """
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise origin.error(f"{value!r} is not a real calendar date; expected YYYY-MM-DD") from None


def _texts(value: object, origin: Origin) -> tuple[str, ...]:
    """A tuple of strings from any iterable of strings (a bare string is a mistake, not a list of letters)."""
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise origin.error(f"expected a list of names, got {type(value).__name__} {value!r:.60}")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise origin.error(f"expected a list of names, found {item!r:.60}")
    return items


@dataclass(frozen=True)
class FixedPoint:
    """A place given by coordinates, for a town or checkpoint the gazetteer does not hold.

    Attributes
    ----------
    lat, lon
        WGS 84 latitude and longitude, in degrees.
    name
        What to call it in reports (optional).
    """

    lat: float
    lon: float
    name: str | None = None

    def __post_init__(self) -> None:
        for axis, limit in (("lat", 90), ("lon", 180)):
            value = getattr(self, axis)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > limit:
                raise ValueError(f"{axis} must be a number from -{limit} to {limit}, got {value!r:.40}")
            _set(self, axis, float(value))

    @property
    def label(self) -> str:
        """Its name, or its coordinates when it has none."""
        return self.name or f"{self.lat:.4f}, {self.lon:.4f}"


Place = str | FixedPoint
"""A zone's member: a place name to geocode, or given coordinates."""


def _places(value: object, origin: Origin, *, at_least: int = 0) -> tuple[Place, ...]:
    """Names and points from a list of names, ``{lat, lon, name}`` mappings or ``[lon, lat]`` pairs (GeoJSON order)."""
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise origin.error(f"expected a list of place names or points, got {type(value).__name__} {value!r:.60}")
    places = []
    for item in value:
        try:
            if isinstance(item, FixedPoint) or (isinstance(item, str) and item.strip()):
                places.append(item)
            elif isinstance(item, dict) and set(item) <= {"lat", "lon", "name"}:
                places.append(FixedPoint(item.get("lat"), item.get("lon"), item.get("name")))
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                places.append(FixedPoint(item[1], item[0]))
            else:
                raise ValueError("expected a place name, {lat, lon, name} or a [lon, lat] pair")
        except ValueError as error:
            raise origin.error(f"{error}; found {item!r:.60}") from None
    if len(places) < at_least:
        raise origin.error(f"expected at least {at_least} places, found {len(places)}")
    return tuple(places)


def _default_origin(kind: str, ident: object) -> Origin:
    return Origin(None, f"{kind} {ident!r}" if ident else kind)


@dataclass(frozen=True)
class Source:
    """A cited source: an outlet, optionally a title, a URL and a date.

    Attributes
    ----------
    id
        Identifier that incidents cite (lower-case letters, digits, hyphens);
        empty for a source given only by its URL.
    outlet
        Publisher or document.
    title, url, date
        Headline, absolute http(s) URL, publication date.
    """

    id: str
    outlet: str
    title: str = ""
    url: str | None = None
    date: dt.date | None = None

    def __post_init__(self) -> None:
        origin = _default_origin("source", self.id)
        if self.url is not None and safe_url(self.url) is None:
            raise origin.child("url").error(f"{self.url!r} is not an http(s) URL")
        _set(self, "date", parse_date(self.date, origin.child("date")))


@dataclass(frozen=True)
class ProvincePart:
    """Rule: the part of a province within ``buffer_km`` of the hull of some towns (names or points)."""

    province: str
    towns: tuple[Place, ...]
    buffer_km: float | None = None

    def __post_init__(self) -> None:
        _set(self, "towns", _places(self.towns, _default_origin("province_part", self.province).child("towns")))


@dataclass(frozen=True)
class Corridor:
    """Rule: a strip ``buffer_km`` either side of the line through some places, in order (a road).

    Attributes
    ----------
    through
        Two or more place names or :class:`FixedPoint`\\ s.
    buffer_km
        Half the strip's width (default :data:`DEFAULT_BUFFER_KM`).
    """

    through: tuple[Place, ...]
    buffer_km: float | None = None

    def __post_init__(self) -> None:
        _set(self, "through", _places(self.through, _default_origin("corridor", None).child("through"), at_least=2))


@dataclass(frozen=True)
class StatusChange:
    """One entry of a zone's history: the zone has ``status`` from ``date`` on.

    Attributes
    ----------
    date
        The day the status took effect.
    status
        One of :data:`STATUSES`.
    origin
        Where the change was written, for error messages.
    """

    date: dt.date
    status: str
    _: KW_ONLY
    origin: Origin | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        origin = self.origin or Origin(None, "history")
        _set(self, "origin", origin)
        _set(self, "date", parse_date(self.date, origin.child("date")))
        if self.date is None:
            raise origin.child("date").error("a status change needs a date")
        if self.status not in STATUSES:
            raise origin.child("status").error(f"{self.status!r} is not one of {', '.join(map(repr, STATUSES))}")


def _history(value: object, origin: Origin) -> tuple[StatusChange, ...]:
    """Status changes from StatusChange objects or ``{date, status}`` mappings, checked to be in date order."""
    if value is None:
        return ()
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise origin.error(f"expected a list of {{date, status}} changes, got {type(value).__name__}")
    changes = []
    for index, item in enumerate(value):
        where = origin.item(index)
        if isinstance(item, dict):
            item = StatusChange(item.get("date"), item.get("status"), origin=where)
        elif not isinstance(item, StatusChange):
            raise where.error(f"expected a {{date, status}} change, got {type(item).__name__}")
        if changes and item.date <= changes[-1].date:
            raise where.child("date").error(
                f"{item.date} is not after the previous change ({changes[-1].date}); list the changes in date order, "
                "one per day")
        changes.append(item)
    return tuple(changes)


@dataclass(frozen=True)
class Zone:
    """A de-escalation zone, with exactly one geometry rule.

    Attributes
    ----------
    id, name
        Identifier (lower-case letters, digits, hyphens) and display name.
    provinces
        Rule: whole provinces (governorates), by name.
    districts, subdistricts
        Rule: whole districts or sub-districts (admin-2, admin-3 units: Syria's
        mantika and nahiya), by name in English or Arabic or by P-code.
    province_part
        Rule: a province clipped to the buffered hull of member towns.
    area
        Rule: a named area (e.g. ``"Eastern Ghouta"``).
    towns
        Rule: the buffered hull of these towns (names, or :class:`FixedPoint`\\ s
        for places the gazetteer does not hold).
    corridor
        Rule: a strip either side of a line through places (a road).
    geojson
        Rule: a drawn shape, a GeoJSON file relative to the scenario's folder
        (a polygon, or a line with ``buffer_km``).
    buffer_km
        Buffer around the hull for ``area`` and ``towns`` (default 5 km, or the
        area's own), or around a drawn line.
    side
        Which party or group holds or sponsors the zone ("government",
        "opposition", "SDF"…): zones of one side share a colour on maps.
    name_ar, status, guarantors, valid_from, valid_to, notes
        Description; ``status`` is one of :data:`STATUSES`.
    history
        Status changes in date order (e.g. agreed, then in force, then
        collapsed); see :meth:`status_on` and :meth:`in_effect_on`. With a
        history, ``status`` must be the status it gives on the scenario's
        ``as_of`` date (its last status when there is none).
    approximate
        Override of whether the outline is drawn as approximate (dashed).
    origin
        Where the zone was written (file, line, field), for error messages.
    """

    id: str
    name: str
    _: KW_ONLY
    provinces: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    subdistricts: tuple[str, ...] = ()
    province_part: ProvincePart | None = None
    area: str | None = None
    towns: tuple[Place, ...] = ()
    corridor: Corridor | None = None
    geojson: str | None = None
    buffer_km: float | None = None
    side: str | None = None
    name_ar: str | None = None
    status: str = "agreed"
    guarantors: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    history: tuple[StatusChange, ...] = ()
    notes: str = ""
    approximate: bool | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        origin = self.origin or _default_origin("zone", self.id)
        _set(self, "origin", origin)
        _set(self, "history", _history(self.history, origin.child("history")))
        for name in ("provinces", "districts", "subdistricts", "guarantors"):
            _set(self, name, _texts(getattr(self, name), origin.child(name)))
        _set(self, "towns", _places(self.towns, origin.child("towns")))
        if isinstance(self.province_part, dict):
            _set(self, "province_part", ProvincePart(**self.province_part))
        if isinstance(self.corridor, dict):
            _set(self, "corridor", Corridor(**self.corridor))
        if self.geojson is not None:
            _set(self, "geojson", str(self.geojson))
        rules = [rule for rule in GEOMETRY_RULES if getattr(self, rule)]
        if not rules:
            raise origin.error(f"zone {self.id!r} has no geometry rule; give exactly one of: {', '.join(GEOMETRY_RULES)}")
        if len(rules) > 1:
            raise origin.child(rules[1]).error(
                f"zone {self.id!r} has {len(rules)} geometry rules ({', '.join(rules)}); give exactly one")
        if self.buffer_km is not None:
            whole = "buffer_km applies to hulls of towns or areas, not to whole admin units"
            problem = {"provinces": whole, "districts": whole, "subdistricts": whole,
                       "province_part": "give buffer_km inside province_part",
                       "corridor": "give buffer_km inside corridor"}.get(rules[0])
            if problem:
                raise origin.child("buffer_km").error(problem)
        if self.status not in STATUSES:
            raise origin.child("status").error(f"{self.status!r} is not one of {', '.join(map(repr, STATUSES))}")
        _set(self, "valid_from", parse_date(self.valid_from, origin.child("valid_from")))
        _set(self, "valid_to", parse_date(self.valid_to, origin.child("valid_to")))
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise origin.child("valid_to").error(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")

    @property
    def rule(self) -> str:
        """Which geometry rule the zone uses: one of :data:`GEOMETRY_RULES`."""
        return next(rule for rule in GEOMETRY_RULES if getattr(self, rule))

    def status_on(self, day: dt.date) -> str:
        """The zone's status on ``day``.

        Parameters
        ----------
        day
            Any date.

        Returns
        -------
        str
            The status of the last change of :attr:`history` on or before
            ``day`` (the first change's, for an earlier day); ``status`` for
            a zone without a history.
        """
        current = self.history[0].status if self.history else self.status
        for change in self.history:
            if change.date > day:
                break
            current = change.status
        return current

    def in_effect_on(self, day: dt.date) -> bool:
        """Whether the zone existed on ``day``.

        Parameters
        ----------
        day
            Any date.

        Returns
        -------
        bool
            False before ``valid_from``, after ``valid_to``, or before the
            first change of :attr:`history`; True otherwise.
        """
        if (self.valid_from and day < self.valid_from) or (self.valid_to and day > self.valid_to):
            return False
        return not self.history or day >= self.history[0].date


@dataclass(frozen=True)
class Incident:
    """An incident (strike, clashes, ceasefire, talks…) at a named place or at coordinates.

    Attributes
    ----------
    date
        When it happened.
    type
        One of :data:`INCIDENT_TYPES`.
    place
        A place name, geocoded; with ``lat`` and ``lon`` (WGS 84) it only
        names the point, which is not looked up.
    id
        Identifier; ``incident-N`` (its position) when not given.
    fatalities, actors, description
        What happened.
    source
        A :class:`Source`, or an http(s) URL.
    origin
        Where the incident was written, for error messages.
    """

    date: dt.date
    type: str
    _: KW_ONLY
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    id: str | None = None
    fatalities: int | None = None
    actors: tuple[str, ...] = ()
    description: str = ""
    source: Source | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        origin = self.origin or _default_origin("incident", self.id or self.place)
        _set(self, "origin", origin)
        _set(self, "date", parse_date(self.date, origin.child("date")))
        if self.date is None:
            raise origin.child("date").error("an incident needs a date")
        if self.type not in INCIDENT_TYPES:
            raise origin.child("type").error(f"{self.type!r} is not one of {', '.join(map(repr, INCIDENT_TYPES))}")
        has_lat, has_lon = self.lat is not None, self.lon is not None
        if has_lat != has_lon:
            raise origin.child("lat" if has_lat else "lon").error("give both lat and lon, or neither")
        if self.place is None and not has_lat:
            raise origin.error("give a place name, or lat and lon (with a place to name the point)")
        for name, limit in (("lat", 90), ("lon", 180)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                      or not math.isfinite(value) or abs(value) > limit):
                raise origin.child(name).error(f"{value!r} is not a {'latitude' if name == 'lat' else 'longitude'} "
                                               f"(a finite number from -{limit} to {limit})")
        if self.fatalities is not None and (isinstance(self.fatalities, bool) or not isinstance(self.fatalities, int)
                                            or self.fatalities < 0):
            raise origin.child("fatalities").error(f"{self.fatalities!r} is not a count of people (a whole number ≥ 0)")
        _set(self, "actors", _texts(self.actors, origin.child("actors")))
        if isinstance(self.source, str):
            if safe_url(self.source) is None:
                raise origin.child("source").error(f"{self.source!r} is neither a Source nor an http(s) URL")
            _set(self, "source", Source(id="", outlet=self.source, url=self.source))


@dataclass(frozen=True)
class MapOptions:
    """Rendering options that belong to the scenario (the command line may override them).

    Attributes
    ----------
    tiles
        ``"none"`` (offline base map, the default) or an online tile provider.
    lang
        Label language, ``"en"`` or ``"ar"``.
    """

    tiles: str = "none"
    lang: str = "en"

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise Origin(None, "map.lang").error(f"{self.lang!r} is not one of {', '.join(map(repr, LANGUAGES))}")


@dataclass(frozen=True)
class Scenario:
    """A briefing: zones and incidents by place name, with title, sources and options.

    Attributes
    ----------
    title, subtitle
        Shown in the map's title block.
    zones
        The zones, in drawing order.
    as_of
        Date the map describes.
    country
        ISO 3166-1 alpha-2 code: the geocoding country, and the country zones are clipped to.
    sources
        Cited sources.
    incidents
        Incidents written in the scenario.
    incident_files
        CSV incident tables, relative to ``base_dir``.
    map
        Rendering options.
    name
        Short name used for output files (a file's stem; ``"scenario"`` otherwise).
    path
        The file the scenario was read from, if any.
    base_dir
        Folder that file names in the scenario are relative to (and confined
        to); the scenario file's folder, or the current folder when ``None``.
    """

    title: str
    zones: tuple[Zone, ...]
    _: KW_ONLY
    subtitle: str = ""
    as_of: dt.date | None = None
    country: str = "SY"
    sources: tuple[Source, ...] = ()
    incidents: tuple[Incident, ...] = ()
    incident_files: tuple[str, ...] = ()
    map: MapOptions = field(default_factory=MapOptions)
    name: str = field(default="scenario", compare=False)
    path: Path | None = field(default=None, compare=False)
    base_dir: Path | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        origin = Origin(str(self.path) if self.path else None, "(top level)")
        for name in ("zones", "sources", "incidents", "incident_files"):
            value = getattr(self, name)
            if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
                raise origin.child(name).error(f"expected a list, got {type(value).__name__}")
            _set(self, name, tuple(str(item) if isinstance(item, Path) else item for item in value))
        if not self.zones:
            raise origin.child("zones").error("a scenario needs at least one zone")
        kinds = {"zones": Zone, "sources": Source, "incidents": Incident}
        for name, kind in kinds.items():
            for index, item in enumerate(getattr(self, name)):
                if not isinstance(item, kind):
                    raise origin.child(f"{name}[{index}]").error(f"expected a {kind.__name__}, got {type(item).__name__}")
        if not (isinstance(self.country, str) and len(self.country) == 2 and self.country.isascii() and self.country.isalpha()):
            raise origin.child("country").error(f"{self.country!r} is not an ISO 3166-1 alpha-2 code such as 'SY'")
        _set(self, "country", self.country.upper())
        _set(self, "as_of", parse_date(self.as_of, origin.child("as_of")))
        for zone in self.zones:
            if zone.history:
                expected = zone.status_on(self.as_of) if self.as_of else zone.history[-1].status
                if zone.status != expected:
                    when = f"on as_of ({self.as_of})" if self.as_of else "last"
                    raise zone.origin.child("status").error(
                        f"status {zone.status!r} disagrees with the zone's history, which gives {expected!r} {when}")
        if self.base_dir is not None:
            _set(self, "base_dir", Path(self.base_dir))
        if self.path is not None:
            _set(self, "path", Path(self.path))
        for name, items in (("zones", [z.id for z in self.zones]), ("sources", [s.id for s in self.sources])):
            seen: dict[str, int] = {}
            for index, ident in enumerate(items):
                if ident in seen:
                    item = getattr(self, name)[index]
                    where = getattr(item, "origin", None) or origin.child(f"{name}[{index}]")
                    raise where.child("id").error(f"id {ident!r} is used twice (also at {name}[{seen[ident]}])")
                seen[ident] = index


def field_names(cls: type) -> list[str]:
    """Names of a model class's fields that belong in a scenario file (not where it was read from)."""
    where = {"origin"} | ({"name", "path", "base_dir"} if cls is Scenario else set())
    return [f.name for f in fields(cls) if f.name not in where]
