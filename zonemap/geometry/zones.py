"""Zone geometry: from a scenario's geometry rules to polygons.

Rules (see :class:`~zonemap.scenario.Zone`):

* whole provinces, districts or sub-districts: the union of their polygons;
* part of a province: the province clipped to the buffered convex hull of
  member towns;
* a named area or a list of towns: the buffered hull of the towns;
* a drawn shape: the polygons of a GeoJSON file.

Hulls and buffers are approximations and are flagged as such. Every geometry
is made valid and clipped to the scenario's country.

The names a hull is built from are checked for plausibility, because one
misread name makes a zone that looks authoritative and is absurd: every town
must lie in the scenario's country and within :data:`MAX_MEMBER_GAP_KM` of
another town of the zone, and no two towns more than :data:`MAX_ZONE_SPAN_KM`
apart; otherwise the build stops and names the town and what it resolved to
(``lenient`` makes that a warning).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import shape

from ..data import NamedArea
from ..errors import ScenarioError
from ..geocoding import PlaceResolver
from ..scenario.files import read_text_file, resolve_scenario_path
from ..scenario.model import DEFAULT_BUFFER_KM, FixedPoint, Place, Scenario, Zone
from ..settings import Settings
from .admin import SPECIAL_AREAS
from .distance import distance_km
from .projection import area_km2, buffered_hull, buffered_line, polygonal

MAX_MEMBER_GAP_KM = 60.0
"""A town of a zone's hull lying farther than this from every other town of it was, most likely, resolved
to the wrong place (Sarmada, Idlib, resolved to Samad in Daraa would stretch a zone across Syria)."""

MAX_ZONE_SPAN_KM = 200.0
"""The farthest two towns of one hull zone may lie apart: towns each near another can still chain a zone
across a country, and no de-escalation zone built from towns has been that large."""

MIN_PROVINCE_SHARE = 0.01
"""A province counts as covered by a zone if it holds at least this share of the zone's area."""

ZONE_COLUMNS = ["id", "name", "name_ar", "side", "status", "guarantors", "valid_from", "valid_to", "notes", "rule",
                "approximate", "area_km2", "geometry"]
"""Columns of :func:`build_zones`' table."""

ZONE_PROVINCE_COLUMNS = ["zone_id", "zone_name", "iso_3166_2", "province", "area_km2", "geometry"]
"""Columns of :func:`zone_province_parts`' table."""


def read_drawn_shape(zone: Zone, base_dir: Path | None, settings: Settings, warnings: list[str]):
    """The polygons of a zone's drawn GeoJSON file, made valid.

    Parameters
    ----------
    zone
        A zone whose rule is ``geojson``.
    base_dir
        The scenario's folder: the file must lie in it (or in an allowed folder).
    settings
        Size limit and allowed folders.
    warnings
        Receives a message when the drawn shape had to be repaired
        (self-intersections, wrong ring order…).

    Returns
    -------
    shapely geometry
        The union of the file's polygons.

    Raises
    ------
    ScenarioError
        If the file is missing, outside the scenario's folder, is not
        GeoJSON, has no polygons or has coordinates out of range.
    """
    origin = zone.origin.child("geojson")
    path = resolve_scenario_path(zone.geojson, base_dir, origin, settings, "drawn shape")
    try:
        text = read_text_file(path, "GeoJSON file", settings.max_shape_bytes)
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
    kinds = ("LineString", "MultiLineString") if zone.buffer_km else ("Polygon", "MultiPolygon")
    shapes = []
    for geometry in geometries:
        if not isinstance(geometry, dict) or geometry.get("type") not in kinds:
            continue
        try:
            with np.errstate(invalid="ignore"):  # NaN coordinates are reported below, not warned about
                shapes.append(shape(geometry))
        except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as error:
            raise origin.error(f"GeoJSON file {path} has a malformed {geometry.get('type')}: {error}") from None
    if not shapes:
        wanted = ("LineString or MultiLineString (the zone gives buffer_km: a corridor along a drawn line)"
                  if zone.buffer_km else "Polygon or MultiPolygon (or a LineString, with the zone's buffer_km)")
        raise origin.error(f"GeoJSON file {path} has no {wanted}")
    coordinates = np.concatenate([shapely.get_coordinates(s) for s in shapes])
    if not np.isfinite(coordinates).all() or (np.abs(coordinates[:, 0]) > 180).any() or (np.abs(coordinates[:, 1]) > 90).any():
        raise origin.error(f"GeoJSON file {path} has coordinates that are not finite WGS 84 longitude/latitude")
    if zone.buffer_km:
        lines = [part for s in shapes for part in shapely.get_parts(s) if not part.is_empty]
        return polygonal(shapely.union_all([buffered_line(list(line.coords), zone.buffer_km) for line in lines]))
    problems = [shapely.is_valid_reason(s) for s in shapes if not s.is_valid]
    if problems:
        warnings.append(f"{origin.file}: {origin.location}: the drawn shape in {path.name} was not a valid polygon "
                        f"({problems[0]}); it was repaired, check the zone's outline")
    return polygonal(shapely.make_valid(shapely.union_all([shapely.make_valid(s) for s in shapes])))


@dataclass(frozen=True)
class Member:
    """A named place that helps define a zone (a town of a hull, a member of a named area)."""

    name: str
    lon: float
    lat: float
    resolved: str = ""


def _check_members(zone: Zone, members: list[Member], resolver: PlaceResolver, lenient: bool,
                   warnings: list[str]) -> None:
    """Refuse a hull whose towns cannot all belong to one zone (a name resolved far from the others)."""
    if len(members) < 2:
        return
    lons, lats = np.array([m.lon for m in members]), np.array([m.lat for m in members])
    for k, member in enumerate(members):
        others = np.delete(np.arange(len(members)), k)
        gaps = distance_km(member.lon, member.lat, lons[others], lats[others])
        nearest = int(others[int(np.argmin(gaps))])
        if float(gaps.min()) > MAX_MEMBER_GAP_KM:
            _complain(zone.origin, f"{member.name!r} resolved to {member.resolved or member.name}, "
                      f"{float(gaps.min()):,.0f} km from the zone's nearest other place ({members[nearest].name}); "
                      f"a zone's towns lie within {MAX_MEMBER_GAP_KM:g} km of each other: check the name, or add "
                      f"its governorate (\"{member.name}, <governorate>\")", lenient, warnings)
    spans = distance_km(lons[:, None], lats[:, None], lons[None, :], lats[None, :])
    first, second = np.unravel_index(int(np.argmax(spans)), spans.shape)
    if float(spans[first, second]) > MAX_ZONE_SPAN_KM:
        _complain(zone.origin, f"the zone's towns span {float(spans[first, second]):,.0f} km, from "
                  f"{members[first].name!r} ({members[first].resolved or members[first].name}) to "
                  f"{members[second].name!r} ({members[second].resolved or members[second].name}); a zone built from "
                  f"towns spans at most {MAX_ZONE_SPAN_KM:g} km: check those names, or draw the zone "
                  "(geojson) or build it from provinces or districts", lenient, warnings)


def _complain(origin, message: str, lenient: bool, warnings: list[str]) -> None:
    if not lenient:
        raise origin.error(message + " (--lenient makes this a warning)")
    warnings.append(f"{origin.file + ': ' if origin.file else ''}{origin.location}: {message}")


def _member(resolver: PlaceResolver, name: Place, zone: Zone, field: str, country_shape) -> Member:
    if isinstance(name, FixedPoint):
        if not country_shape.buffer(0.05).contains(shapely.Point(name.lon, name.lat)):
            raise zone.origin.child(field).error(
                f"the point {name.label} (lat {name.lat}, lon {name.lon}) lies outside {resolver.country}: a zone's "
                "places must lie in the scenario's country; check the coordinates ([lon, lat] pairs are in that order)")
        return Member(name.label, name.lon, name.lat, "given coordinates")
    found = resolver.place(name, zone.origin, field)
    if found.country != resolver.country:
        raise zone.origin.child(field).error(
            f"{name!r} resolved to {found.name} ({found.where()}), outside {resolver.country}: a zone's towns must "
            "lie in the scenario's country; check the spelling or write the gazetteer's name")
    return Member(name, found.lon, found.lat, f"{found.name} ({found.where()})")


def zone_geometry(zone: Zone, *, provinces: gpd.GeoDataFrame, admin_units: Mapping[int, gpd.GeoDataFrame],
                  country_shape, resolver: PlaceResolver, named_areas: Mapping[str, NamedArea], base_dir: Path | None,
                  settings: Settings, warnings: list[str], lenient: bool = False) -> tuple[object, bool, list[Member]]:
    """Build one zone's polygon (clipped to the country), whether it is approximate, and the places defining it.

    Parameters
    ----------
    zone
        The zone as described in the scenario.
    provinces
        The country's admin-1 units, indexed by ISO code.
    admin_units
        Its districts (``2``) and sub-districts (``3``), indexed by P-code.
    country_shape
        Polygon of the scenario's country.
    resolver
        Geocoder that records every name it resolves.
    named_areas
        Named areas by id.
    base_dir, settings
        Where drawn shapes may be read from, and limits.
    warnings
        Receives messages about repaired input, and the sanity findings
        ``lenient`` lets through.
    lenient
        Report towns resolved implausibly far from the others as warnings instead of errors.

    Returns
    -------
    (geometry, approximate, members)

    Raises
    ------
    ScenarioError
        For unknown or implausible names, unusable drawn shapes or a zone outside the country.
    """
    where = zone.origin
    rule = zone.rule
    members: list[Member] = []
    if rule == "provinces":
        codes = [resolver.province(name, where, "provinces").admin1_code for name in zone.provinces]
        codes += [area for area, parent in SPECIAL_AREAS.items() if parent in codes and area in provinces.index]
        geometry, approximate = shapely.union_all(provinces.loc[codes].geometry.to_numpy()), False
    elif rule in ("districts", "subdistricts"):
        level = 2 if rule == "districts" else 3
        units = admin_units.get(level)
        if units is None or units.empty:
            raise where.child(rule).error(f"the embedded data has no {rule} of {resolver.country}; use provinces, "
                                          "province_part, towns or a drawn shape")
        codes = [resolver.admin_unit(name, level, where, rule).ref for name in getattr(zone, rule)]
        geometry, approximate = shapely.union_all(units.loc[codes].geometry.to_numpy()), False
    elif rule == "province_part":
        part = zone.province_part
        code = resolver.province(part.province, where, "province_part.province").admin1_code
        members = [_member(resolver, name, zone, "province_part.towns", country_shape) for name in part.towns]
        _check_members(zone, members, resolver, lenient, warnings)
        buffer_km = part.buffer_km or DEFAULT_BUFFER_KM
        hull = buffered_hull([(m.lon, m.lat) for m in members], buffer_km)
        geometry, approximate = shapely.intersection(provinces.loc[code].geometry, hull), True
        if polygonal(geometry).is_empty:
            raise where.child("province_part").error(
                f"the towns, buffered by {buffer_km:g} km, do not reach {part.province} ({code}); check the towns or the province")
    elif rule == "area":
        found = resolver.place(zone.area, where, "area")
        area = named_areas.get(found.ref) if found.kind == "named_area" else None
        if area is None:
            raise where.error(f"{zone.area!r} is not a named area (it matched {found.name}, a {found.kind_label}); "
                              f"known areas: {', '.join(a.name for a in named_areas.values())}; "
                              "or list the member towns under `towns`")
        members = [Member(name, lon, lat) for name, lat, lon in area.members]
        if area.sub_districts and not zone.buffer_km:
            units = admin_units[3].geometry  # indexed by P-code
            geometry, approximate = shapely.union_all(units.loc[list(area.sub_districts)].to_numpy()), False
        else:
            geometry, approximate = buffered_hull([(m.lon, m.lat) for m in members], zone.buffer_km or area.buffer_km), True
    elif rule == "towns":
        members = [_member(resolver, name, zone, "towns", country_shape) for name in zone.towns]
        _check_members(zone, members, resolver, lenient, warnings)
        geometry, approximate = buffered_hull([(m.lon, m.lat) for m in members], zone.buffer_km or DEFAULT_BUFFER_KM), True
    elif rule == "corridor":
        # A road may run far, so its places are not held to a hull's distances; each is listed as resolved.
        members = [_member(resolver, name, zone, "corridor.through", country_shape) for name in zone.corridor.through]
        geometry = buffered_line([(m.lon, m.lat) for m in members], zone.corridor.buffer_km or DEFAULT_BUFFER_KM)
        approximate = False
    else:
        geometry, approximate = read_drawn_shape(zone, base_dir, settings, warnings), False
    geometry = polygonal(shapely.make_valid(shapely.intersection(shapely.make_valid(geometry), country_shape)))
    if geometry.is_empty:
        raise where.error(f"zone {zone.id!r} lies entirely outside {resolver.country}")
    if zone.approximate is not None:
        approximate = zone.approximate
    return geometry, approximate, members


def build_zones(scenario: Scenario, resolver: PlaceResolver, *, provinces: gpd.GeoDataFrame,
                admin_units: Mapping[int, gpd.GeoDataFrame], country_shape, named_areas: Mapping[str, NamedArea],
                settings: Settings, warnings: list[str], lenient: bool = False
                ) -> tuple[gpd.GeoDataFrame, dict[str, list[Member]]]:
    """Polygons of every zone of a scenario, and the places that define each.

    Parameters
    ----------
    scenario
        A scenario.
    resolver
        Geocoder for place and admin-unit names (records what it matched).
    provinces
        The country's admin-1 units (``GeoData.admin1``).
    admin_units
        Its districts and sub-districts (``GeoData.admin_units``) by level.
    country_shape
        The union of the provinces: zones are clipped to it.
    named_areas
        Named areas by id.
    settings
        Limits and allowed folders for drawn shapes.
    warnings
        Receives messages about repaired input and lenient findings.
    lenient
        Report implausible town placements as warnings instead of errors.

    Returns
    -------
    (geopandas.GeoDataFrame, dict)
        One row per zone, in scenario order, with columns :data:`ZONE_COLUMNS`:
        ``side`` the zone's side or None, ``guarantors`` a tuple, ``valid_from``/``valid_to`` ISO dates or None,
        ``rule`` the rule's name, ``area_km2`` in an equal-area projection,
        geometry in EPSG:4326; and, by zone id, the places defining its
        hull (none for zones of whole units and drawn shapes).

    Raises
    ------
    ScenarioError
        For unknown or implausible places, unknown admin units, unusable
        drawn shapes, or zones that fall outside the country; the message
        points at the zone.
    """
    by_code = provinces.set_index("iso_3166_2")
    units = {level: frame.set_index("pcode") for level, frame in admin_units.items()}
    rows, members = [], {}
    for zone in scenario.zones:
        geometry, approximate, members[zone.id] = zone_geometry(
            zone, provinces=by_code, admin_units=units, country_shape=country_shape, resolver=resolver,
            named_areas=named_areas, base_dir=scenario.base_dir, settings=settings, warnings=warnings, lenient=lenient)
        rows.append({
            "id": zone.id, "name": zone.name, "name_ar": zone.name_ar, "side": zone.side, "status": zone.status,
            "guarantors": zone.guarantors, "valid_from": _iso(zone.valid_from), "valid_to": _iso(zone.valid_to),
            "notes": zone.notes, "rule": zone.rule, "approximate": approximate,
            "area_km2": round(area_km2(geometry), 1), "geometry": geometry,
        })
    return gpd.GeoDataFrame(rows, columns=ZONE_COLUMNS, geometry="geometry", crs="EPSG:4326"), members


def incidents_far_from_members(incidents: gpd.GeoDataFrame, links, members: Mapping[str, list[Member]],
                               buffers: Mapping[str, float]) -> list[tuple[str, str, float]]:
    """Incidents counted in a hull zone although they lie far from every place that defines it.

    Parameters
    ----------
    incidents
        Incidents with ``id`` and ``label``.
    links
        The zone × incident link table.
    members
        The places defining each zone (from :func:`build_zones`).
    buffers
        Each zone's buffer in km.

    Returns
    -------
    list of (zone id, incident id, km)
        Incidents farther than the buffer plus :data:`MAX_MEMBER_GAP_KM` / 2 from every member.
    """
    points = incidents.set_index("id").geometry
    found = []
    for zone_id, incident_id in links[["zone_id", "incident_id"]].itertuples(index=False):
        places = members.get(zone_id) or []
        if not places:
            continue
        point = points.loc[incident_id]
        km = float(distance_km(point.x, point.y, np.array([m.lon for m in places]), np.array([m.lat for m in places])).min())
        if km > buffers.get(zone_id, DEFAULT_BUFFER_KM) + MAX_MEMBER_GAP_KM / 2:
            found.append((zone_id, incident_id, km))
    return found


def zone_province_parts(zones: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The part of each province inside each zone, where it counts.

    A province counts as covered by a zone when the shared part holds at
    least :data:`MIN_PROVINCE_SHARE` of the zone's area (slivers along a
    border do not count). Special areas (e.g. the UNDOF strip) are not
    provinces and never listed.

    Parameters
    ----------
    zones
        Output of :func:`build_zones`.
    provinces
        The country's admin-1 units.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per (zone, province) pair, in zone then province-code order,
        with columns :data:`ZONE_PROVINCE_COLUMNS`.
    """
    governorates = provinces[provinces["is_governorate"]].sort_values("iso_3166_2")
    tree = shapely.STRtree(governorates.geometry.to_numpy())
    rows = []
    for zone in zones.itertuples(index=False):
        for index in sorted(tree.query(zone.geometry, predicate="intersects").tolist()):
            unit = governorates.iloc[index]
            shared = polygonal(shapely.intersection(unit.geometry, zone.geometry))
            shared_area = area_km2(shared)
            if not shared.is_empty and shared_area >= MIN_PROVINCE_SHARE * zone.area_km2:
                rows.append({"zone_id": zone.id, "zone_name": zone.name, "iso_3166_2": unit["iso_3166_2"],
                             "province": unit["name_en"], "area_km2": round(shared_area, 1), "geometry": shared})
    return gpd.GeoDataFrame(rows, columns=ZONE_PROVINCE_COLUMNS, geometry="geometry", crs="EPSG:4326")


def _iso(date) -> str | None:
    return date.isoformat() if date else None
