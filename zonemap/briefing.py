"""From a scenario to its outputs: the pipeline behind ``zonemap build``.

:func:`prepare` does everything that can fail on bad input (geocoding, zone
geometry, joins) without writing anything; :func:`build` renders and writes
the outputs atomically. Both are what the command line calls, so a notebook
can do exactly the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd

from .data import GeoData, default_geodata
from .errors import InputError
from .formats import DEFAULT_FORMATS, FORMATS, STATIC_FORMATS
from .incidents import build_incidents, zone_figures
from .outputs import (embed_snippet, geopackage_bytes, kml_text, layers_geojson, publish, summary_csv,
                      summary_markdown)
from .render import render_html
from .resolve import PlaceResolver, Resolution
from .scenario import Scenario, load_scenario
from .static import render_static
from .zones import build_zones


@dataclass
class Prepared:
    """A scenario with its geometry: what a map is made of.

    Attributes
    ----------
    scenario
        The parsed scenario.
    zones
        Zone polygons with their figures (``incidents``, ``fatalities``).
    incidents
        Incident points joined to provinces and zones.
    provinces
        The country's provinces, with the ids of the zones covering each.
    resolutions
        Every name geocoded, with what it matched (for the build report).
    warnings
        Input that was usable only after repair (e.g. a self-intersecting drawn zone).
    """

    scenario: Scenario
    zones: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    resolutions: list[Resolution] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ambiguous(self) -> list[Resolution]:
        """Resolutions where another place matched equally well."""
        return [r for r in self.resolutions if r.ambiguous]


@dataclass
class BuildResult:
    """What :func:`build` produced."""

    prepared: Prepared
    outputs: dict[str, Path]


def prepare(scenario: Scenario | str | Path, *, incident_files: Sequence[str | Path] = (),
            geodata: GeoData | None = None) -> Prepared:
    """Geocode a scenario's names and build its zones and incidents.

    Parameters
    ----------
    scenario
        A :class:`~zonemap.scenario.Scenario` or the path of a scenario file.
    incident_files
        CSV incident tables to add to the scenario's own.
    geodata
        Boundaries, gazetteer and named areas; defaults to the embedded ones.

    Returns
    -------
    Prepared

    Raises
    ------
    ScenarioError
        For any problem in the scenario, with file, line and field.
    """
    geodata = geodata or default_geodata()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if incident_files:
        scenario = replace(scenario, incident_files=scenario.incident_files + tuple(Path(p) for p in incident_files))
    resolver = PlaceResolver(scenario.country)
    warnings: list[str] = []
    zones = build_zones(scenario, resolver, geodata=geodata, warnings=warnings)
    incidents = build_incidents(scenario, resolver, zones, geodata=geodata)
    figures = zone_figures(zones, incidents)
    zones = zones.join(figures, on="id")
    zones = zones[[c for c in zones.columns if c != "geometry"] + ["geometry"]]
    provinces = geodata.admin1(scenario.country)
    covering = {code: [] for code in provinces["iso_3166_2"]}
    for zone_id, codes in zip(zones["id"], zones["province_codes"]):
        for code in filter(None, codes.split("; ")):
            covering[code].append(zone_id)
    provinces = provinces.assign(zones=["; ".join(covering[c]) for c in provinces["iso_3166_2"]])
    return Prepared(scenario, zones, incidents, provinces, list(resolver.resolutions), warnings)


def build(scenario: Scenario | str | Path, output_dir: str | Path = "output", *, formats: Sequence[str] = DEFAULT_FORMATS,
          tiles: str | None = None, lang: str | None = None, dpi: int = 200, incident_files: Sequence[str | Path] = (),
          geodata: GeoData | None = None, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Build a scenario's map and exports into ``output_dir``.

    Parameters
    ----------
    scenario
        A :class:`~zonemap.scenario.Scenario` or the path of a scenario file.
    output_dir
        Folder for the outputs (created if needed). Files are named after the
        scenario file: ``<name>.html``, ``<name>.geojson``, ``<name>.embed.html``…
    formats
        Which outputs to write, among :data:`FORMATS`: the interactive map
        (``html``), an embeddable fragment (``embed``), static maps (``png``,
        ``svg``, ``pdf``), exports (``geojson``, ``gpkg``, ``kml``) and the zone
        summary (``csv``, ``md``).
    tiles
        ``"none"`` (offline base map) or a tile provider; defaults to the scenario's.
    lang
        ``"en"`` or ``"ar"``; defaults to the scenario's.
    dpi
        Resolution of the PNG map.
    incident_files
        CSV incident tables to add to the scenario's own.
    geodata
        Embedded data to use; defaults to the repository's.
    progress
        Called with a short message before each step.

    Returns
    -------
    BuildResult

    Raises
    ------
    ScenarioError, InputError
        For bad input; nothing is written then.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(f"unknown output format {', '.join(map(repr, unknown))}; choose from {', '.join(FORMATS)}")
    step = progress or (lambda message: None)
    step("reading scenario and geocoding names")
    prepared = prepare(scenario, incident_files=incident_files, geodata=geodata)
    name = prepared.scenario.name
    output_dir = Path(output_dir)
    files: dict[str, str | bytes] = {}
    if "html" in formats or "embed" in formats:
        step("rendering the interactive map")
        page = render_html(prepared.scenario, prepared.zones, prepared.incidents, tiles=tiles, lang=lang, geodata=geodata)
        if "html" in formats:
            files[f"{name}.html"] = page
        if "embed" in formats:
            files[f"{name}.embed.html"] = embed_snippet(page, prepared.scenario.title, f"{name}.html")
    for fmt in (f for f in STATIC_FORMATS if f in formats):
        step(f"drawing the static map ({fmt.upper()})")
        files[f"{name}.{fmt}"] = render_static(prepared, fmt, dpi=dpi, lang=lang)
    if "geojson" in formats:
        step("exporting GeoJSON")
        files[f"{name}.geojson"] = layers_geojson(
            {"zone": prepared.zones, "province": prepared.provinces, "incident": prepared.incidents})
    if "gpkg" in formats:
        step("exporting GeoPackage")
        files[f"{name}.gpkg"] = geopackage_bytes(prepared.zones, prepared.provinces, prepared.incidents)
    if "kml" in formats:
        files[f"{name}.kml"] = kml_text(prepared.zones, prepared.incidents, prepared.scenario.title)
    if "csv" in formats:
        files[f"{name}.csv"] = summary_csv(prepared.zones)
    if "md" in formats:
        files[f"{name}.md"] = summary_markdown(prepared.zones, prepared.scenario.title)
    step("writing outputs")
    written = publish(output_dir, name, files)
    return BuildResult(prepared, {_format_of(file_name): path for file_name, path in written.items()})


def _format_of(file_name: str) -> str:
    return "embed" if file_name.endswith(".embed.html") else Path(file_name).suffix.lstrip(".")
