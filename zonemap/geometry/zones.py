"""Zone geometry: from a scenario's geometry rules to polygons.

Rules (see :class:`~zonemap.scenario.GeometryRule`):

* whole provinces: the union of the governorates' polygons;
* part of a province: the province clipped to the buffered convex hull of
  member towns;
* a named area or a list of towns: the buffered hull of the towns;
* a drawn shape: the polygons of a GeoJSON file.

Hulls and buffers are approximations and are flagged as such. Every geometry
is made valid and clipped to the scenario's country. Buffers are computed in
an azimuthal equidistant projection centred on the towns, areas in a Lambert
equal-area projection centred on the zone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely.geometry import shape

from .boundaries import SPECIAL_AREAS
from .data import GeoData, default_geodata
from .errors import ScenarioError
from .resolve import PlaceResolver
from .scenario import DEFAULT_BUFFER_KM, Scenario, Zone, read_text_file

MIN_PROVINCE_SHARE = 0.01
"""A province counts as covered by a zone if it holds at least this share of the zone's area."""

ZONE_COLUMNS = ["id", "name", "name_ar", "status", "guarantors", "valid_from", "valid_to", "notes", "rule",
                "approximate", "provinces", "province_codes", "area_km2", "geometry"]


@dataclass(frozen=True)
class _Projection:
    forward: pyproj.Transformer
    inverse: pyproj.Transformer

    @classmethod
    @lru_cache(maxsize=64)
    def centred(cls, name: str, lon: float, lat: float) -> _Projection:
        crs = pyproj.CRS.from_proj4(f"+proj={name} +lat_0={lat:.6f} +lon_0={lon:.6f} +datum=WGS84 +units=m +no_defs")
        return cls(pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True),
                   pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True))

    def to_metres(self, geometry):
        return shapely.transform(geometry, self.forward.transform, interleaved=False)

    def to_degrees(self, geometry):
        return shapely.transform(geometry, self.inverse.transform, interleaved=False)


def area_km2(geometry) -> float:
    """Area of a WGS 84 geometry in km², in a Lambert equal-area projection centred on it."""
    if geometry is None or geometry.is_empty:
        return 0.0
    centre = geometry.centroid
    # Lambert's projection is equal-area wherever it is centred; a coarse centre lets the
    # (costly) transformer be reused across zones.
    return _Projection.centred("laea", round(centre.x), round(centre.y)).to_metres(geometry).area / 1e6


def buffered_hull(points: list[tuple[float, float]], buffer_km: float):
    """Convex hull of ``(lon, lat)`` points, buffered by ``buffer_km``, as a WGS 84 polygon.

    Parameters
    ----------
    points
        Longitude/latitude pairs (one point gives a disc, two a rounded strip).
    buffer_km
        Buffer distance in kilometres.

    Returns
    -------
    shapely.Polygon
    """
    lons, lats = zip(*points)
    # Centred within 0.1 degree of the towns: distances from the centre stay true to well under 0.1%.
    projection = _Projection.centred("aeqd", round(float(np.mean(lons)), 1), round(float(np.mean(lats)), 1))
    hull = projection.to_metres(shapely.MultiPoint(points)).convex_hull
    return shapely.make_valid(projection.to_degrees(hull.buffer(buffer_km * 1000, quad_segs=16)))


def _polygonal(geometry):
    """Only the polygon parts of a geometry (make_valid and intersections can add lines and points)."""
    if geometry.is_empty:
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


MAX_DRAWN_BYTES = 50 * 1024 * 1024


def read_drawn_shape(zone: Zone, warnings: list[str] | None = None):
    """The polygons of a zone's drawn GeoJSON file, made valid.

    Parameters
    ----------
    zone
        A zone whose rule is ``geojson``.
    warnings
        Receives a message when the drawn shape had to be repaired
        (self-intersections, wrong ring order…).

    Raises
    ------
    ScenarioError
        If the file is missing, is not GeoJSON, has no polygons or has
        coordinates out of range.
    """
    path = zone.rule.geojson
    origin = zone.origin.child("geojson")
    try:
        text = read_text_file(path, "GeoJSON file", MAX_DRAWN_BYTES)
    except ScenarioError as error:
        raise origin.error(f"{error.message}: {path} (paths are relative to the scenario file)") from None
    try:
        data = json.loads(text, parse_constant=lambda c: float("nan"))
    except json.JSONDecodeError as error:
        raise origin.error(f"GeoJSON file {path} is malformed: {error.msg} at line {error.lineno}") from None
    except RecursionError:
        raise origin.error(f"GeoJSON file {path} is nested too deeply") from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        geometries = [f.get("geometry") for f in data.get("features") or [] if isinstance(f, dict)]
    elif isinstance(data, dict) and data.get("type") == "Feature":
        geometries = [data.get("geometry")]
    else:
        geometries = [data]
    shapes = []
    for geometry in geometries:
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        try:
            with np.errstate(invalid="ignore"):  # NaN coordinates are reported below, not warned about
                shapes.append(shape(geometry))
        except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as error:
            raise origin.error(f"GeoJSON file {path} has a malformed {geometry.get('type')}: {error}") from None
    if not shapes:
        raise origin.error(f"GeoJSON file {path} has no Polygon or MultiPolygon")
    coordinates = np.concatenate([shapely.get_coordinates(s) for s in shapes])
    if not np.isfinite(coordinates).all() or (np.abs(coordinates[:, 0]) > 180).any() or (np.abs(coordinates[:, 1]) > 90).any():
        raise origin.error(f"GeoJSON file {path} has coordinates that are not finite WGS 84 longitude/latitude")
    problems = [shapely.is_valid_reason(s) for s in shapes if not s.is_valid]
    if problems and warnings is not None:
        warnings.append(f"{origin.file}: {origin.location}: the drawn shape in {path.name} was not a valid polygon "
                        f"({problems[0]}); it was repaired, check the zone's outline")
    return _polygonal(shapely.make_valid(shapely.union_all([shapely.make_valid(s) for s in shapes])))


def zone_geometry(zone: Zone, country_shape, provinces: gpd.GeoDataFrame, resolver: PlaceResolver,
                  geodata: GeoData, warnings: list[str] | None = None) -> tuple[object, bool]:
    """Build one zone's polygon (clipped to the country) and whether it is approximate.

    Parameters
    ----------
    zone
        The zone as described in the scenario.
    country_shape
        Polygon of the scenario's country.
    provinces
        The country's admin-1 units (``GeoData.admin1``), indexed by ISO code.
    resolver
        Geocoder that records every name it resolves.
    geodata
        Source of named areas.
    warnings
        Receives messages about repaired input.

    Returns
    -------
    (geometry, approximate)
    """
    rule = zone.rule
    where = zone.origin
    if rule.kind == "provinces":
        codes = [resolver.province(name, where, "provinces").admin1_code for name in rule.provinces]
        codes += [area for area, parent in SPECIAL_AREAS.items() if parent in codes and area in provinces.index]
        geometry, approximate = shapely.union_all(provinces.loc[codes].geometry.to_numpy()), False
    elif rule.kind == "province_part":
        code = resolver.province(rule.province, where, "province_part.province").admin1_code
        towns = [resolver.place(name, where, "province_part.towns") for name in rule.towns]
        buffer_km = rule.buffer_km or DEFAULT_BUFFER_KM
        hull = buffered_hull([(t.lon, t.lat) for t in towns], buffer_km)
        geometry, approximate = shapely.intersection(provinces.loc[code].geometry, hull), True
        if _polygonal(geometry).is_empty:
            raise where.child("province_part").error(
                f"the towns, buffered by {buffer_km:g} km, do not reach {rule.province} ({code}); check the towns or the province")
    elif rule.kind == "area":
        found = resolver.place(rule.area, where, "area")
        area = geodata.named_areas.get(found.ref) if found.kind == "named_area" else None
        if area is None:
            raise where.error(f"{rule.area!r} is not a named area (it matched {found.name}, a {found.kind_label}); "
                              f"known areas: {', '.join(a.name for a in geodata.named_areas.values())}; "
                              "or list the member towns under `towns`")
        members = [(lon, lat) for _, lat, lon in area.members]
        geometry, approximate = buffered_hull(members, rule.buffer_km or area.buffer_km), True
    elif rule.kind == "towns":
        towns = [resolver.place(name, where, "towns") for name in rule.towns]
        geometry, approximate = buffered_hull([(t.lon, t.lat) for t in towns], rule.buffer_km or DEFAULT_BUFFER_KM), True
    else:
        geometry, approximate = read_drawn_shape(zone, warnings), False
    geometry = _polygonal(shapely.make_valid(shapely.intersection(shapely.make_valid(geometry), country_shape)))
    if geometry.is_empty:
        raise where.error(f"zone {zone.id!r} lies entirely outside {resolver.country}")
    if zone.approximate is not None:
        approximate = zone.approximate
    return geometry, approximate


def build_zones(scenario: Scenario, resolver: PlaceResolver, *, geodata: GeoData | None = None,
                warnings: list[str] | None = None) -> gpd.GeoDataFrame:
    """Polygons and figures of every zone of a scenario.

    Parameters
    ----------
    scenario
        A loaded scenario.
    resolver
        Geocoder for place and province names (records what it matched).
    geodata
        Boundaries and named areas; defaults to the embedded ones.
    warnings
        Receives messages about repaired input (e.g. self-intersecting drawn shapes).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per zone, in scenario order, with columns ``id``, ``name``,
        ``name_ar``, ``status``, ``guarantors`` (``"; "``-joined),
        ``valid_from``, ``valid_to`` (ISO dates or None), ``notes``, ``rule``,
        ``approximate``, ``provinces`` and ``province_codes`` (covered
        provinces, ``"; "``-joined), ``area_km2`` and ``geometry`` (EPSG:4326).

    Raises
    ------
    ScenarioError
        For unknown places or provinces, unusable drawn shapes, or zones that
        fall outside the country; the message points at the zone.
    """
    geodata = geodata or default_geodata()
    provinces = geodata.admin1(scenario.country).set_index("iso_3166_2")
    if provinces.empty:
        raise ScenarioError(f"no provinces are known for country {scenario.country!r}", source=_origin_file(scenario), location="country")
    country_shape = shapely.union_all(provinces.geometry.to_numpy())
    governorates = provinces[provinces["is_governorate"]]
    rows = []
    for zone in scenario.zones:
        geometry, approximate = zone_geometry(zone, country_shape, provinces, resolver, geodata, warnings)
        zone_area = area_km2(geometry)
        covered = []
        for code, unit in governorates.iterrows():
            shared = shapely.intersection(unit.geometry, geometry)
            if not shared.is_empty and area_km2(shared) >= MIN_PROVINCE_SHARE * zone_area:
                covered.append((code, unit["name_en"]))
        rows.append({
            "id": zone.id, "name": zone.name, "name_ar": zone.name_ar, "status": zone.status,
            "guarantors": "; ".join(zone.guarantors), "valid_from": _iso(zone.valid_from), "valid_to": _iso(zone.valid_to),
            "notes": zone.notes, "rule": zone.rule.kind, "approximate": approximate,
            "provinces": "; ".join(name for _, name in covered), "province_codes": "; ".join(code for code, _ in covered),
            "area_km2": round(zone_area, 1), "geometry": geometry,
        })
    return gpd.GeoDataFrame(rows, columns=ZONE_COLUMNS, geometry="geometry", crs="EPSG:4326")


def _iso(date) -> str | None:
    return date.isoformat() if date else None


def _origin_file(scenario: Scenario) -> str | None:
    return str(scenario.path) if scenario.path else None
