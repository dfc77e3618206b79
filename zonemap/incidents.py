"""Incidents: placing them, joining them to provinces and zones, counting them.

Everything here is vectorised over the whole table (unique names geocoded
once, one spatial query for all points), so that incident tables of 100,000+
rows imported from ACLED or UCDP exports go through the same functions as the
handful of incidents in a scenario file.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .boundaries import locate_points
from .data import GeoData, default_geodata
from .resolve import PlaceResolver
from .scenario import Scenario

INCIDENT_COLUMNS = ["id", "date", "type", "place", "matched_place", "country", "admin1", "admin1_code", "zones",
                    "fatalities", "actors", "description", "source_outlet", "source_url", "source_date", "geometry"]


def build_incidents(scenario: Scenario, resolver: PlaceResolver, zones: gpd.GeoDataFrame, *,
                    geodata: GeoData | None = None) -> gpd.GeoDataFrame:
    """Locate a scenario's incidents and join them to provinces and zones.

    Parameters
    ----------
    scenario
        A loaded scenario.
    resolver
        Geocoder for place names (records what it matched).
    zones
        Output of :func:`zonemap.zones.build_zones`.
    geodata
        Boundaries; defaults to the embedded ones.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per incident, in scenario order, with columns ``id``,
        ``date`` (ISO), ``type``, ``place`` (as written, or None for
        coordinates), ``matched_place``, ``country``, ``admin1``,
        ``admin1_code``, ``zones`` (ids of the zones containing it,
        ``"; "``-joined), ``fatalities`` (nullable integer), ``actors``,
        ``description``, ``source_outlet``, ``source_url``, ``source_date``,
        ``geometry`` (points, EPSG:4326).

    Raises
    ------
    ScenarioError
        For unknown place names, pointing at the incident's line.
    """
    geodata = geodata or default_geodata()
    rows = []
    for number, incident in enumerate(scenario.incidents):
        if incident.place is not None:
            found = resolver.place(incident.place, incident.origin, "place")
            lon, lat, matched = found.lon, found.lat, found.name
        else:
            lon, lat, matched = incident.lon, incident.lat, None
        source = incident.source
        rows.append({
            "id": incident.id or f"incident-{number + 1}", "date": incident.date.isoformat(), "type": incident.type,
            "place": incident.place, "matched_place": matched, "fatalities": incident.fatalities,
            "actors": "; ".join(incident.actors), "description": incident.description,
            "source_outlet": source.outlet if source else None, "source_url": source.url if source else None,
            "source_date": source.date.isoformat() if source and source.date else None,
            "geometry": shapely.Point(lon, lat),
        })
    frame = gpd.GeoDataFrame(rows, columns=[c for c in INCIDENT_COLUMNS if c not in ("country", "admin1", "admin1_code", "zones")],
                             geometry="geometry", crs="EPSG:4326")
    return join_incidents(frame, zones, scenario.country, geodata=geodata)


def join_incidents(incidents: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, country: str = "SY", *,
                   geodata: GeoData | None = None) -> gpd.GeoDataFrame:
    """Add country, province and containing zones to a table of incident points.

    Parameters
    ----------
    incidents
        Points (EPSG:4326), any other columns.
    zones
        Zone polygons with an ``id`` column.
    country
        Country whose provinces are reported.
    geodata
        Boundaries; defaults to the embedded ones.

    Returns
    -------
    geopandas.GeoDataFrame
        ``incidents`` with ``country``, ``admin1``, ``admin1_code`` and ``zones``
        columns, in :data:`INCIDENT_COLUMNS` order where those columns exist.
    """
    xs, ys = incidents.geometry.x.to_numpy(), incidents.geometry.y.to_numpy()
    where = locate_points(xs, ys, country, geodata=geodata)
    result = incidents.copy()
    result["country"] = where["country"].to_numpy()
    result["admin1"] = where["admin1_name"].to_numpy()
    result["admin1_code"] = where["admin1_code"].to_numpy()
    result["zones"] = ["; ".join(ids) for ids in zones_containing(incidents.geometry.to_numpy(), zones)]
    result["fatalities"] = pd.array(result["fatalities"], dtype="Int64")
    ordered = [c for c in INCIDENT_COLUMNS if c in result.columns] + [c for c in result.columns if c not in INCIDENT_COLUMNS]
    return result[ordered]


def zones_containing(points: np.ndarray, zones: gpd.GeoDataFrame) -> list[list[str]]:
    """Ids of the zones covering each point, in zone order (one spatial query for all points)."""
    found: list[list[str]] = [[] for _ in range(len(points))]
    if len(points) == 0 or zones.empty:
        return found
    tree = shapely.STRtree(zones.geometry.to_numpy())
    point_index, zone_index = tree.query(points, predicate="covered_by")
    ids = zones["id"].tolist()
    for p, z in sorted(zip(point_index.tolist(), zone_index.tolist())):
        found[p].append(ids[z])
    return found


def zone_figures(zones: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Incident and fatality counts per zone.

    Parameters
    ----------
    zones
        Zone table with an ``id`` column.
    incidents
        Output of :func:`join_incidents` (its ``zones`` column).

    Returns
    -------
    pandas.DataFrame
        Indexed by zone id, columns ``incidents`` and ``fatalities`` (integers;
        incidents without a fatality figure count as zero fatalities).
    """
    counts = {zone_id: [0, 0] for zone_id in zones["id"]}
    fatalities = incidents["fatalities"].fillna(0).astype(int).tolist() if len(incidents) else []
    for ids, dead in zip(incidents["zones"].tolist() if len(incidents) else [], fatalities):
        for zone_id in filter(None, ids.split("; ")):
            counts[zone_id][0] += 1
            counts[zone_id][1] += dead
    return pd.DataFrame.from_dict(counts, orient="index", columns=["incidents", "fatalities"]).rename_axis("id")
