"""The briefing: a scenario with everything a map of it is made of, computed once.

:func:`prepare` does everything that can fail on bad input (reading,
geocoding, zone geometry, joins) and writes nothing; it returns a
:class:`Briefing`. Every renderer and exporter takes that object and only
reads it: the interactive map (:meth:`Briefing.to_map`), the static map
(:meth:`Briefing.plot`), and the files of :meth:`Briefing.save`. The command
line does exactly the same as this Python code::

    import zonemap

    briefing = zonemap.prepare("examples/astana-2017.yaml")
    briefing.zones          # GeoDataFrame, one row per zone
    briefing.summary        # DataFrame: the zone table of a report
    briefing.to_map()       # folium.Map (shows inline in Jupyter)
    briefing.save("output", formats=["html", "png", "geojson"])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .data import GeoData, credits_for, default_geodata
from .errors import InputError, Origin, ScenarioError
from .export.formats import DEFAULT_FORMATS, FORMATS
from .geocoding import PlaceResolver, Resolution, load_gazetteer, make_geocoder
from .geometry.admin import AdminLocator
from .geometry.zones import build_zones, incidents_far_from_members, zone_province_parts
from .incidents import (EventTable, ImportReport, admin1_agreement, incident_labels, incident_points, join_incidents,
                        place_events, place_incidents, province_codes, read_events, zone_figures)
from .incidents.analysis import DEFAULT_WINDOW_DAYS, before_after, check_window_days
from .incidents.choropleth import ChoroplethSpec
from .incidents.formats import day_numbers
from .incidents.join import concat_points
from .incidents.rejects import combine_rejects, empty_rejects
from .memory import release_unused_memory
from .scenario import DEFAULT_BUFFER_KM, Scenario, check_scenario, load_scenario
from .scenario.model import IncidentFile
from .scenario.files import resolve_scenario_path
from .settings import Settings

if TYPE_CHECKING:
    import folium
    from matplotlib.axes import Axes

SUMMARY_COLUMNS = ["zone", "name", "status", "guarantors", "provinces", "area_km2", "incidents", "fatalities",
                   "valid_from", "valid_to"]
"""Columns of :attr:`Briefing.summary`."""


@dataclass(frozen=True, eq=False)
class Briefing:
    """A prepared scenario: zones, provinces, incidents and their joins, computed once.

    Make one with :func:`prepare`. Renderers and exporters only read it.

    Attributes
    ----------
    scenario
        The scenario it was prepared from.
    zones
        One row per zone (scenario order): ``id``, ``name``, ``name_ar``,
        ``status``, ``guarantors`` (tuple), ``valid_from``, ``valid_to``
        (ISO dates or None), ``notes``, ``rule``, ``approximate``,
        ``area_km2``, ``province_codes`` and ``provinces`` (tuples: the
        provinces the zone covers), ``incidents`` and ``fatalities``
        (counts inside the zone), geometry (EPSG:4326). After
        :meth:`between` with an end date, ``status`` is the status on that
        date and ``in_effect`` says whether the zone existed then.
    provinces
        The country's admin-1 units: ``iso_3166_2``, ``name_en``,
        ``name_ar``, ``is_governorate``, ``zones`` (tuple of the ids of the
        zones covering it), geometry.
    districts, sub_districts
        The country's admin-2 and admin-3 units where the data has them
        (Syria: OCHA's 62 districts and 272 sub-districts): ``pcode``,
        ``name_en``, ``name_ar``, ``iso_3166_2``, geometry; empty elsewhere.
    incidents
        One row per incident: see :data:`zonemap.incidents.INCIDENT_COLUMNS`;
        ``zones`` is a tuple of zone ids, ``label`` a readable name of the
        location, missing values are None (``fatalities``: ``pd.NA``). Text
        that repeats from row to row (``type``, ``label``, the admin units,
        ``description``: :data:`zonemap.incidents.join.REPEATED_TEXT_COLUMNS`)
        is held as pandas categoricals, whose missing values are NaN.
    countries
        Country outlines of the world (full detail around the scenario's
        country): ``iso_a2``, names, geometry.
    zone_incidents
        Link table: ``zone_id``, ``incident_id`` for each incident inside a zone.
    zone_provinces
        One row per (zone, province) pair: ``zone_id``, ``zone_name``,
        ``iso_3166_2``, ``province``, ``area_km2`` and the shared part as geometry.
    summary
        The zone table of a report (:data:`SUMMARY_COLUMNS`), lists joined for display.
    resolutions
        Every name geocoded, with what it matched.
    warnings
        Input that was usable only after repair.
    credits
        What a map of this briefing must credit (data and sources).
    extent
        ``(minx, miny, maxx, maxy)`` of the area of interest (the zones).
    window
        ``(start, end)`` dates the incidents were cut to by :meth:`between`
        (None for an open side); ``(None, None)`` for the whole record.
    rejects
        Rows of incident tables that could not be put on the map, with the
        file, line and reason, then their original cells (see
        :mod:`zonemap.incidents.rejects`); the build writes them to
        ``<name>.rejects.csv``.
    imports
        What became of each incident table's rows: one
        :class:`~zonemap.incidents.ImportReport` per table.
    before_after_days
        Days compared on each side of a zone's start in :attr:`before_after`
        (``Settings.before_after_days``).
    """

    scenario: Scenario
    zones: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    sub_districts: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    countries: gpd.GeoDataFrame
    zone_incidents: pd.DataFrame
    zone_provinces: gpd.GeoDataFrame
    summary: pd.DataFrame
    resolutions: tuple[Resolution, ...]
    warnings: tuple[str, ...]
    credits: tuple[str, ...]
    extent: tuple[float, float, float, float]
    window: tuple[dt.date | None, dt.date | None] = (None, None)
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    imports: tuple[ImportReport, ...] = ()
    before_after_days: int = DEFAULT_WINDOW_DAYS

    @cached_property
    def before_after(self) -> pd.DataFrame:
        """Incidents and fatalities in each zone, week by week, before and after it came into force.

        See :func:`zonemap.incidents.analysis.before_after` (computed once,
        with :attr:`before_after_days`); weeks outside :attr:`window` have no figures.
        """
        return before_after(self, self.before_after_days)

    @property
    def ambiguous(self) -> list[Resolution]:
        """Resolutions where another place matched equally well."""
        return [r for r in self.resolutions if r.ambiguous]

    def between(self, start: dt.date | str | None = None, end: dt.date | str | None = None) -> Briefing:
        """The briefing cut to the incidents of a date window, with its zones as they stood at its end.

        Incidents, the zone links and every zone's incident and fatality
        counts are recomputed for the window; nothing is geocoded again.

        Parameters
        ----------
        start, end
            First and last day of the window (dates or ``YYYY-MM-DD``),
            both included; ``None`` leaves that side open. With an ``end``,
            each zone's ``status`` becomes its status on that day
            (:meth:`zonemap.Zone.status_on`) and the ``in_effect`` column
            says whether it existed then (:meth:`zonemap.Zone.in_effect_on`).

        Returns
        -------
        Briefing
            A new briefing (this one if both sides are open), whose
            :attr:`window` is ``(start, end)``.

        Raises
        ------
        InputError
            For a date that is not ``YYYY-MM-DD`` or a window that ends before it starts.

        Examples
        --------
        ``briefing.between("2017-07-01", "2017-07-31")``: July 2017;
        ``briefing.between(end="2017-07-04")``: everything up to 4 July 2017,
        with the zones as they stood that day.
        """
        start, end = _window_day(start, "start"), _window_day(end, "end")
        if start is None and end is None:
            return self
        if start is not None and end is not None and end < start:
            raise InputError(f"the window ends ({end}) before it starts ({start})")
        days = day_numbers(self.incidents["date"])
        keep = np.ones(len(days), dtype=bool)
        if start is not None:
            keep &= days >= np.datetime64(start, "D").astype(np.int64)
        if end is not None:
            keep &= days <= np.datetime64(end, "D").astype(np.int64)
        incidents = self.incidents[keep].reset_index(drop=True)
        links = self.zone_incidents[self.zone_incidents["incident_id"].isin(incidents["id"])].reset_index(drop=True)
        figures = zone_figures(self.zones["id"], incidents, links)
        zones = self.zones.assign(incidents=figures["incidents"].to_numpy(), fatalities=figures["fatalities"].to_numpy())
        if end is not None:
            described = {zone.id: zone for zone in self.scenario.zones}
            zones = zones.assign(status=[described[z].status_on(end) for z in zones["id"]],
                                 in_effect=[described[z].in_effect_on(end) for z in zones["id"]])
            zones = zones[[c for c in zones.columns if c != "geometry"] + ["geometry"]]
        return replace(self, incidents=incidents, zone_incidents=links, zones=zones, summary=_summary(zones),
                       window=(start, end))

    def to_map(self, *, lang: str | None = None, tiles: str | None = None, choropleth: str | None = None) -> folium.Map:
        """The interactive map as a :class:`folium.Map` (displays inline in Jupyter).

        Parameters
        ----------
        lang
            ``"en"`` or ``"ar"`` labels; defaults to the scenario's.
        tiles
            ``"none"`` (offline base map) or an online tile provider; defaults to the scenario's.
        choropleth
            ``MEASURE:LEVEL`` (``"fatalities:subdistrict"``) to show as a
            layer, turned on (see :mod:`zonemap.incidents.choropleth`);
            without it the map has a layer of incidents per governorate, off.

        Returns
        -------
        folium.Map
            Its assets still point at folium's CDN until saved with
            :meth:`save` (which inlines them); in a notebook, Jupyter's own
            copy of Leaflet is not needed.
        """
        from .render.interactive import render_map

        return render_map(self, lang=lang, tiles=tiles, choropleth=choropleth)

    def to_html(self, *, lang: str | None = None, tiles: str | None = None, choropleth: str | None = None) -> str:
        """The self-contained HTML page of the interactive map (works offline).

        Parameters
        ----------
        lang, tiles, choropleth
            As for :meth:`to_map`.

        Returns
        -------
        str
        """
        from .render.interactive import render_html

        return render_html(self, lang=lang, tiles=tiles, choropleth=choropleth)

    def _repr_html_(self) -> str:
        return self.to_map()._repr_html_()

    def plot(self, ax: Axes | None = None, *, lang: str | None = None, choropleth: str | None = None) -> Axes:
        """Draw the static map with matplotlib.

        Parameters
        ----------
        ax
            Axes to draw into (its limits and aspect are set to the area of
            interest); ``None`` makes a new report-sized figure with title
            and credits.
        lang
            ``"en"`` or ``"ar"`` labels; defaults to the scenario's.
        choropleth
            ``MEASURE:LEVEL`` (``"fatalities:subdistrict"``): fill the units
            of that level by it, with a legend of its classes.

        Returns
        -------
        matplotlib.axes.Axes
            The map axes; data coordinates are longitude and latitude.
        """
        from .render.static import draw_map, draw_figure

        if ax is None:
            return draw_figure(self, lang=lang, choropleth=choropleth)[1]
        draw_map(self, ax, lang=lang, choropleth=choropleth)
        return ax

    def save(self, output_dir: str | Path = "output", *, formats: Sequence[str] = DEFAULT_FORMATS,
             lang: str | None = None, tiles: str | None = None, dpi: int = 200,
             progress: Callable[[str], None] | None = None, start: dt.date | str | None = None,
             end: dt.date | str | None = None, choropleth: str | None = None) -> dict[str, Path]:
        """Write the map and exports into ``output_dir``, all at once or not at all.

        Parameters
        ----------
        output_dir
            Folder for the outputs (created if needed). Files are named after
            the scenario: ``<name>.html``, ``<name>.png``, ``<name>.geojson``…
        formats
            Which outputs, among :data:`zonemap.export.formats.FORMATS`:
            ``html`` (interactive map), ``embed`` (fragment for a CMS),
            ``png``/``svg``/``pdf`` (static map), ``geojson``/``gpkg``/``kml``
            (exports), ``csv``/``md`` (zone summary, with the zones before
            and after in ``md``), ``before-after.csv`` (each zone week by
            week), ``before-after.png``/``before-after.svg`` (its chart).
        lang, tiles, choropleth
            As for :meth:`to_map` (the static map draws the choropleth only when one is given).
        dpi
            Resolution of the PNG map.
        progress
            Called with a short message before each step.
        start, end
            Cut every output to the incidents of this window, with the
            zones as they stood at its end (see :meth:`between`).

        Returns
        -------
        dict
            Format → path of the file written.

        Raises
        ------
        InputError
            For an unknown format, an unwritable folder or a bad window; nothing is written then.
        """
        from .export import write_outputs

        return write_outputs(self.between(start, end), output_dir, formats=formats, lang=lang, tiles=tiles, dpi=dpi,
                             progress=progress, choropleth=choropleth)


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` produced.

    Attributes
    ----------
    briefing
        The prepared scenario.
    outputs
        Format (``"html"``, ``"png"``, ``"embed"``…) → path of the file written.
    """

    briefing: Briefing
    outputs: dict[str, Path]


def _as_scenario(scenario: Scenario | Mapping | str | Path, settings: Settings) -> Scenario:
    if isinstance(scenario, Scenario):
        # Read from a file, it was checked with line numbers; built in code, check it as strictly here.
        return scenario if scenario.path is not None else check_scenario(scenario)
    if isinstance(scenario, (Mapping, str, Path)):
        return load_scenario(scenario, settings=settings)
    raise InputError(f"expected a Scenario, a dict or a scenario file path, got {type(scenario).__name__}")


def _unique_incident_ids(ids: pd.Series, incidents: Sequence, tables: Sequence[tuple[int, EventTable]]) -> None:
    """Refuse an incident id used twice (``ids``: every incident's, in order), naming where each use was written."""
    duplicated = ids.duplicated()
    if duplicated.any():
        index = int(duplicated.to_numpy().nonzero()[0][0])
        first = int((ids == ids.iloc[index]).to_numpy().nonzero()[0][0])
        origin, _ = _incident_origin(index, incidents, tables)
        _, also = _incident_origin(first, incidents, tables)
        raise origin.child("id").error(f"incident id {ids.iloc[index]!r} is used twice (also by {also})")


def _incident_origin(position: int, incidents: Sequence, tables: Sequence[tuple[int, EventTable]]) -> tuple[Origin, str]:
    """Where the incident at ``position`` of the joined points was written, and a short name for it."""
    if position < len(incidents):
        return incidents[position].origin, f"incident {position + 1}"
    start, table = max((t for t in tables if t[0] <= position), key=lambda t: t[0])
    events = table.events.iloc[position - start]
    word = table.raw.row_word
    return (Origin(table.file, f"row {int(events['row']) + 1}", int(events["line"])),
            f"{table.file} {word} {int(events['line'])}")


def read_incident_tables(scenario: Scenario, incident_files: Sequence[str | Path | IncidentFile],
                         settings: Settings) -> list[EventTable]:
    """Read the incident tables a scenario names, then those given besides.

    Parameters
    ----------
    scenario
        The scenario; its tables must lie in its folder (or an allowed one).
    incident_files
        Tables chosen by the user: paths (format told from the header), or
        :class:`~zonemap.scenario.model.IncidentFile` with a format or a column mapping.
    settings
        Limits and allowed folders.

    Returns
    -------
    list of EventTable

    Raises
    ------
    ScenarioError
        For a table that cannot be read, with its file and line.
    """
    sources = {s.id: s for s in scenario.sources}
    tables = []
    for number, table in enumerate(scenario.incident_files):
        origin = Origin(str(scenario.path) if scenario.path else None, f"incident_files[{number}]")
        described = table if isinstance(table, IncidentFile) else IncidentFile(table)
        path = resolve_scenario_path(described.path, scenario.base_dir, origin, settings, "incident table")
        tables.append(read_events(path, described.format, dict(described.mapping), sources=sources, settings=settings))
    for table in incident_files:
        described = table if isinstance(table, IncidentFile) else IncidentFile(str(table))
        tables.append(read_events(Path(described.path), described.format, dict(described.mapping), sources=sources,
                                  settings=settings))
    return tables


def prepare(scenario: Scenario | Mapping | str | Path, *, incident_files: Sequence[str | Path | IncidentFile] = (),
            geodata: GeoData | None = None, settings: Settings | None = None) -> Briefing:
    """Geocode a scenario's names and build its zones, incidents and joins.

    Parameters
    ----------
    scenario
        A :class:`~zonemap.scenario.Scenario`, a dict in the scenario file
        format, or the path of a YAML/JSON scenario file.
    incident_files
        Incident tables to add, chosen by the user (unlike the tables a
        scenario names, these are not confined to the scenario's folder):
        paths of zonemap, ACLED or UCDP GED tables (told apart by their
        header), or :class:`~zonemap.scenario.model.IncidentFile` with a
        format or a column mapping. Rows of imported datasets that cannot be
        placed go to :attr:`Briefing.rejects`.
    geodata
        Boundaries, gazetteer and named areas; defaults to the embedded ones
        (or ``settings.data_dir``). Used for everything: geocoding, zones,
        provinces and country outlines.
    settings
        Limits, allowed folders and online geocoding (``settings.online``:
        names the offline gazetteer cannot place are looked up online);
        defaults to ``Settings()``, which makes no network request.

    Returns
    -------
    Briefing

    Raises
    ------
    ScenarioError
        For any problem in the scenario, with file, line and field.
    InputError
        For other bad input (e.g. an unknown country); a
        :class:`~zonemap.errors.ProviderError` when online geocoding fails.

    Examples
    --------
    >>> import zonemap
    >>> briefing = zonemap.prepare({"title": "Idlib", "zones": [{"id": "idlib", "name": "Idlib", "provinces": ["Idlib"]}]})
    >>> briefing.zones.loc[0, "province_codes"]
    ('SY-ID',)
    """
    settings = settings or Settings()
    geodata = geodata or default_geodata(settings)
    scenario = _as_scenario(scenario, settings)
    country = scenario.country
    provinces = geodata.admin1(country)
    if provinces.empty:
        raise ScenarioError(f"no provinces are known for country {country!r}",
                            source=str(scenario.path) if scenario.path else None, location="country")
    countries = geodata.admin0()
    country_shape = shapely.union_all(provinces.geometry.to_numpy())
    gazetteer = load_gazetteer(geodata)
    geocoder = make_geocoder(settings, gazetteer=gazetteer, geodata=geodata)
    resolver = PlaceResolver(country, gazetteer, strict=settings.strict, geocoder=geocoder)
    warnings: list[str] = []
    sub_districts, districts = geodata.admin_units(country, 3), geodata.admin_units(country, 2)

    incidents = list(scenario.incidents)
    try:
        # Every name at once, so that those going online share one progress bar and time estimate.
        resolver.look_up([*_zone_place_names(scenario), *(i.place for i in incidents if i.lat is None)])
        zones, members = build_zones(scenario, resolver, provinces=provinces,
                                     admin_units={2: districts, 3: sub_districts}, country_shape=country_shape,
                                     named_areas=geodata.named_areas, settings=settings, warnings=warnings,
                                     lenient=settings.lenient)
        frames = [incident_points(incidents, resolver)]
        tables, reports = _place_tables(read_incident_tables(scenario, incident_files, settings), resolver, frames,
                                        settings.strict)
    finally:
        geocoder.close()  # an online cache's database and HTTP session
    _unique_incident_ids(pd.concat([frame["id"] for frame in frames], ignore_index=True), incidents, tables)
    rejects = combine_rejects([table.rejects for _, table in tables])
    # A million events are hundreds of MB a copy: each step's input goes once the next has it, starting with
    # the tables' events and text.
    del tables
    points = concat_points(frames)
    del frames
    locations, links = place_incidents(points, zones, AdminLocator(country, provinces, countries, sub_districts, districts),
                                       engine=settings.engine, scheduler=settings.scheduler)
    located = join_incidents(points, incident_labels(points, resolver.gazetteer, country), locations, links)
    del points, locations
    release_unused_memory()
    imports = _with_admin1_agreement(reports, located, provinces, PlaceResolver(country, resolver.gazetteer))
    _check_incidents_near_members(scenario, located, links, members, warnings, settings.lenient)
    warnings += [f"{r.field}: {r.describe()}" for r in resolver.resolutions if r.low_confidence]

    parts = zone_province_parts(zones, provinces)
    covered = parts.groupby("zone_id", sort=False).agg(province_codes=("iso_3166_2", tuple),
                                                       provinces=("province", tuple))
    figures = zone_figures(zones["id"], located, links)
    zones = zones.assign(
        province_codes=[covered["province_codes"].get(z, ()) for z in zones["id"]],
        provinces=[covered["provinces"].get(z, ()) for z in zones["id"]],
        incidents=figures["incidents"].to_numpy(), fatalities=figures["fatalities"].to_numpy(),
    )
    zones = zones[[c for c in zones.columns if c != "geometry"] + ["geometry"]]
    zones_of_province = parts.groupby("iso_3166_2", sort=False)["zone_id"].agg(tuple).to_dict()
    provinces = provinces.assign(zones=[zones_of_province.get(code, ()) for code in provinces["iso_3166_2"]])
    provinces = provinces[[c for c in provinces.columns if c != "geometry"] + ["geometry"]]

    outlets = tuple(dict.fromkeys(s.outlet for s in scenario.sources))
    extent = tuple(float(v) for v in (zones.total_bounds if len(zones) else shapely.bounds(country_shape)))
    credits = credits_for(extent) + resolver.credits + ((f"Sources: {'; '.join(outlets)}",) if outlets else ())
    release_unused_memory()  # what the counts and checks above took through Arrow
    return Briefing(scenario=scenario, zones=zones, provinces=provinces, districts=districts,
                    sub_districts=sub_districts, incidents=located, countries=countries,
                    zone_incidents=links, zone_provinces=parts, summary=_summary(zones),
                    resolutions=tuple(resolver.resolutions), warnings=tuple(warnings), credits=credits, extent=extent,
                    rejects=rejects, imports=imports,
                    before_after_days=check_window_days(settings.before_after_days))


def _place_tables(tables: Sequence[EventTable], resolver: PlaceResolver, frames: list[gpd.GeoDataFrame],
                  strict: bool) -> tuple[list[tuple[int, EventTable]], list[tuple[int, ImportReport]]]:
    """Place each table's events after ``frames`` (appending them); each table and report with its first position."""
    placed_tables, reports = [], []
    for table in tables:
        start = sum(map(len, frames))
        table, placed = place_events(table, resolver, first_number=start + 1, strict=strict)
        placed_tables.append((start, table))
        reports.append((start, _placed_report(table, placed)))
        frames.append(placed)
    return placed_tables, reports


def _placed_report(table: EventTable, placed: gpd.GeoDataFrame) -> ImportReport:
    """What became of a table's rows once placed (the provinces are compared after the join)."""
    return ImportReport(table.file, table.label, table.rows, len(placed), int(placed["matched_place"].notna().sum()),
                        len(table.rejects), int(placed["fatalities"].fillna(0).sum()), tag_line=table.raw.tag_line)


def _with_admin1_agreement(reports: Sequence[tuple[int, ImportReport]], located: gpd.GeoDataFrame,
                           provinces: gpd.GeoDataFrame, names: PlaceResolver) -> tuple[ImportReport, ...]:
    """Each table's report, with its placed events' provinces checked against the dataset's own."""
    checked = []
    for start, report in reports:
        events = located.iloc[start:start + report.placed]
        dataset_codes = province_codes(events["dataset_admin1"].to_numpy(dtype=object), provinces, names)
        named = np.flatnonzero(pd.notna(dataset_codes))  # only these are compared: no string made for the others
        compared, agreeing = admin1_agreement(dataset_codes[named],
                                              events["admin1_code"].iloc[named].to_numpy(dtype=object))
        checked.append(replace(report, admin1_compared=compared, admin1_agreeing=agreeing))
    return tuple(checked)


def _zone_place_names(scenario: Scenario) -> list[str]:
    """The place names zones are built from (member towns and named areas)."""
    names: list[str] = []
    for zone in scenario.zones:
        places = zone.towns or (zone.province_part.towns if zone.province_part else ()) or (
            zone.corridor.through if zone.corridor else ())
        names += [place for place in places if isinstance(place, str)]
        names += [zone.area] if zone.area else []
    return names


def _check_incidents_near_members(scenario: Scenario, incidents: gpd.GeoDataFrame, links: pd.DataFrame,
                                  members: Mapping, warnings: list[str], lenient: bool) -> None:
    """An incident counted in a hull zone, far from every town of it, means a town or the incident was misplaced."""
    buffers = {z.id: z.buffer_km or (z.province_part.buffer_km if z.province_part else None) or DEFAULT_BUFFER_KM
               for z in scenario.zones}
    # Everything inside a corridor lies within its buffer of the line, however far from the places it runs through.
    members = {z.id: members[z.id] for z in scenario.zones if z.rule != "corridor" and z.id in members}
    by_id = {i.id or f"incident-{n + 1}": i for n, i in enumerate(scenario.incidents)}
    labels = incidents.set_index("id")["label"]
    for zone_id, incident_id, km in incidents_far_from_members(incidents, links, members, buffers):
        incident = by_id.get(incident_id)
        origin = incident.origin if incident is not None else next(z.origin for z in scenario.zones if z.id == zone_id)
        message = (f"incident {incident_id!r} at {labels[incident_id]} is counted in zone {zone_id!r} but lies {km:,.0f} km "
                   f"from every town that defines the zone ({', '.join(m.name for m in members[zone_id])}): a town or "
                   "the incident is probably misplaced; check their names")
        if not lenient:
            raise origin.error(message + " (--lenient makes this a warning)")
        warnings.append(f"{origin.location}: {message}")


def _window_day(value: dt.date | str | None, side: str) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"the window's {side} {value!r} is not a date; expected YYYY-MM-DD") from None


def _summary(zones: gpd.GeoDataFrame) -> pd.DataFrame:
    table = pd.DataFrame({
        "zone": zones["id"], "name": zones["name"], "status": zones["status"],
        "guarantors": ["; ".join(g) for g in zones["guarantors"]], "provinces": ["; ".join(p) for p in zones["provinces"]],
        "area_km2": zones["area_km2"], "incidents": zones["incidents"], "fatalities": zones["fatalities"],
        "valid_from": zones["valid_from"], "valid_to": zones["valid_to"],
    })
    return table[SUMMARY_COLUMNS].reset_index(drop=True)


def build(scenario: Scenario | Mapping | str | Path, output_dir: str | Path = "output", *,
          formats: Sequence[str] = DEFAULT_FORMATS, tiles: str | None = None, lang: str | None = None, dpi: int = 200,
          incident_files: Sequence[str | Path | IncidentFile] = (), geodata: GeoData | None = None, settings: Settings | None = None,
          progress: Callable[[str], None] | None = None, start: dt.date | str | None = None,
          end: dt.date | str | None = None, choropleth: str | None = None) -> BuildResult:
    """Prepare a scenario and write its map and exports: what ``zonemap build`` does.

    Parameters
    ----------
    scenario
        A :class:`~zonemap.scenario.Scenario`, a dict, or a scenario file path.
    output_dir
        Folder for the outputs (created if needed).
    formats
        Outputs to write, among :data:`zonemap.export.formats.FORMATS`.
    tiles, lang
        Base map and label language; default to the scenario's.
    dpi
        Resolution of the PNG map.
    incident_files
        Incident tables to add (see :func:`prepare`).
    geodata, settings
        As for :func:`prepare`.
    progress
        Called with a short message before each step.
    start, end
        Cut the outputs to the incidents of this window, with the zones as
        they stood at its end (``zonemap build --from/--to/--as-of``; see
        :meth:`Briefing.between`).
    choropleth
        ``MEASURE:LEVEL`` to fill the static map by and show on the
        interactive map (``zonemap build --choropleth``; see :meth:`Briefing.save`).

    Returns
    -------
    BuildResult
        The briefing (cut to the window), and format → path of each file written.

    Raises
    ------
    ScenarioError, InputError
        For bad input; nothing is written then.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(f"unknown output format {', '.join(map(repr, unknown))}; choose from {', '.join(FORMATS)}")
    if choropleth is not None:
        ChoroplethSpec.parse(choropleth)  # a typo fails before the slow steps
    step = progress or (lambda message: None)
    step("reading the scenario and geocoding names")
    briefing = prepare(scenario, incident_files=incident_files, geodata=geodata, settings=settings).between(start, end)
    outputs = briefing.save(output_dir, formats=formats, lang=lang, tiles=tiles, dpi=dpi, progress=progress,
                            choropleth=choropleth)
    return BuildResult(briefing, outputs)
