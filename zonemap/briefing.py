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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from .data import CREDITS, GeoData, default_geodata
from .errors import InputError, Origin, ScenarioError
from .export.formats import DEFAULT_FORMATS, FORMATS
from .geocoding import PlaceResolver, Resolution, load_gazetteer
from .geometry.admin import AdminLocator
from .geometry.zones import build_zones, zone_province_parts
from .incidents import incident_labels, incident_points, join_incidents, read_incident_table, zone_figures, zone_incident_links
from .scenario import Scenario, check_scenario, load_scenario
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
        (counts inside the zone), geometry (EPSG:4326).
    provinces
        The country's admin-1 units: ``iso_3166_2``, ``name_en``,
        ``name_ar``, ``is_governorate``, ``zones`` (tuple of the ids of the
        zones covering it), geometry.
    incidents
        One row per incident: see :data:`zonemap.incidents.INCIDENT_COLUMNS`;
        ``zones`` is a tuple of zone ids, ``label`` a readable name of the
        location, missing values are None (``fatalities``: ``pd.NA``).
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
    """

    scenario: Scenario
    zones: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    countries: gpd.GeoDataFrame
    zone_incidents: pd.DataFrame
    zone_provinces: gpd.GeoDataFrame
    summary: pd.DataFrame
    resolutions: tuple[Resolution, ...]
    warnings: tuple[str, ...]
    credits: tuple[str, ...]
    extent: tuple[float, float, float, float]

    @property
    def ambiguous(self) -> list[Resolution]:
        """Resolutions where another place matched equally well."""
        return [r for r in self.resolutions if r.ambiguous]

    def to_map(self, *, lang: str | None = None, tiles: str | None = None) -> folium.Map:
        """The interactive map as a :class:`folium.Map` (displays inline in Jupyter).

        Parameters
        ----------
        lang
            ``"en"`` or ``"ar"`` labels; defaults to the scenario's.
        tiles
            ``"none"`` (offline base map) or an online tile provider; defaults to the scenario's.

        Returns
        -------
        folium.Map
            Its assets still point at folium's CDN until saved with
            :meth:`save` (which inlines them); in a notebook, Jupyter's own
            copy of Leaflet is not needed.
        """
        from .render.interactive import render_map

        return render_map(self, lang=lang, tiles=tiles)

    def to_html(self, *, lang: str | None = None, tiles: str | None = None) -> str:
        """The self-contained HTML page of the interactive map (works offline).

        Parameters
        ----------
        lang, tiles
            As for :meth:`to_map`.

        Returns
        -------
        str
        """
        from .render.interactive import render_html

        return render_html(self, lang=lang, tiles=tiles)

    def _repr_html_(self) -> str:
        return self.to_map()._repr_html_()

    def plot(self, ax: Axes | None = None, *, lang: str | None = None) -> Axes:
        """Draw the static map with matplotlib.

        Parameters
        ----------
        ax
            Axes to draw into (its limits and aspect are set to the area of
            interest); ``None`` makes a new report-sized figure with title
            and credits.
        lang
            ``"en"`` or ``"ar"`` labels; defaults to the scenario's.

        Returns
        -------
        matplotlib.axes.Axes
            The map axes; data coordinates are longitude and latitude.
        """
        from .render.static import draw_map, draw_figure

        if ax is None:
            return draw_figure(self, lang=lang)[1]
        draw_map(self, ax, lang=lang)
        return ax

    def save(self, output_dir: str | Path = "output", *, formats: Sequence[str] = DEFAULT_FORMATS,
             lang: str | None = None, tiles: str | None = None, dpi: int = 200,
             progress: Callable[[str], None] | None = None) -> dict[str, Path]:
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
            (exports), ``csv``/``md`` (zone summary).
        lang, tiles
            As for :meth:`to_map`.
        dpi
            Resolution of the PNG map.
        progress
            Called with a short message before each step.

        Returns
        -------
        dict
            Format → path of the file written.

        Raises
        ------
        InputError
            For an unknown format or an unwritable folder; nothing is written then.
        """
        from .export import write_outputs

        return write_outputs(self, output_dir, formats=formats, lang=lang, tiles=tiles, dpi=dpi, progress=progress)


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


def _unique_incident_ids(points: gpd.GeoDataFrame, incidents) -> None:
    duplicated = points["id"].duplicated()
    if duplicated.any():
        index = int(duplicated.to_numpy().nonzero()[0][0])
        first = int((points["id"] == points["id"].iloc[index]).to_numpy().nonzero()[0][0])
        raise incidents[index].origin.child("id").error(
            f"incident id {points['id'].iloc[index]!r} is used twice (also by incident {first + 1})")


def prepare(scenario: Scenario | Mapping | str | Path, *, incident_files: Sequence[str | Path] = (),
            geodata: GeoData | None = None, settings: Settings | None = None) -> Briefing:
    """Geocode a scenario's names and build its zones, incidents and joins.

    Parameters
    ----------
    scenario
        A :class:`~zonemap.scenario.Scenario`, a dict in the scenario file
        format, or the path of a YAML/JSON scenario file.
    incident_files
        CSV incident tables to add, chosen by the user (unlike the tables a
        scenario names, these are not confined to the scenario's folder).
    geodata
        Boundaries, gazetteer and named areas; defaults to the embedded ones
        (or ``settings.data_dir``). Used for everything: geocoding, zones,
        provinces and country outlines.
    settings
        Limits and allowed folders; defaults to ``Settings()``.

    Returns
    -------
    Briefing

    Raises
    ------
    ScenarioError
        For any problem in the scenario, with file, line and field.
    InputError
        For other bad input (e.g. an unknown country).

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
    resolver = PlaceResolver(country, load_gazetteer(geodata))
    warnings: list[str] = []

    zones = build_zones(scenario, resolver, provinces=provinces, country_shape=country_shape,
                        named_areas=geodata.named_areas, settings=settings, warnings=warnings)

    incidents = list(scenario.incidents)
    sources = {s.id: s for s in scenario.sources}
    for number, table in enumerate(scenario.incident_files):
        origin = Origin(str(scenario.path) if scenario.path else None, f"incident_files[{number}]")
        path = resolve_scenario_path(table, scenario.base_dir, origin, settings, "incident table")
        incidents += read_incident_table(path, sources, settings=settings)
    for table in incident_files:
        incidents += read_incident_table(Path(table), sources, settings=settings)
    points = incident_points(incidents, resolver)
    _unique_incident_ids(points, incidents)
    links = zone_incident_links(points, zones)
    located = join_incidents(points, incident_labels(points, resolver.gazetteer, country),
                             AdminLocator(country, provinces, countries), links)

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
    credits = CREDITS + ((f"Sources: {'; '.join(outlets)}",) if outlets else ())
    extent = tuple(float(v) for v in (zones.total_bounds if len(zones) else shapely.bounds(country_shape)))
    return Briefing(scenario=scenario, zones=zones, provinces=provinces, incidents=located, countries=countries,
                    zone_incidents=links, zone_provinces=parts, summary=_summary(zones),
                    resolutions=tuple(resolver.resolutions), warnings=tuple(warnings), credits=credits, extent=extent)


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
          incident_files: Sequence[str | Path] = (), geodata: GeoData | None = None, settings: Settings | None = None,
          progress: Callable[[str], None] | None = None) -> BuildResult:
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
        CSV incident tables to add.
    geodata, settings
        As for :func:`prepare`.
    progress
        Called with a short message before each step.

    Returns
    -------
    BuildResult
        The briefing, and format → path of each file written.

    Raises
    ------
    ScenarioError, InputError
        For bad input; nothing is written then.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(f"unknown output format {', '.join(map(repr, unknown))}; choose from {', '.join(FORMATS)}")
    step = progress or (lambda message: None)
    step("reading the scenario and geocoding names")
    briefing = prepare(scenario, incident_files=incident_files, geodata=geodata, settings=settings)
    outputs = briefing.save(output_dir, formats=formats, lang=lang, tiles=tiles, dpi=dpi, progress=progress)
    return BuildResult(briefing, outputs)
