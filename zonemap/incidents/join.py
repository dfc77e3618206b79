"""Incidents: placing them, naming their location, joining them to provinces and zones, counting them.

Everything here is vectorised over the whole table (each distinct name
geocoded once, one spatial query for all points), so that tables of 100,000+
rows go through the same functions as the handful of incidents in a scenario
file. The join of zones and incidents is kept as a link table
(:func:`zone_incident_links`), from which the ``zones`` column of the
incidents and the figures per zone are derived.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..geocoding import Gazetteer, PlaceResolver
from ..geometry.admin import AdminLocator
from ..scenario.model import Incident

INCIDENT_COLUMNS = ["id", "date", "type", "place", "matched_place", "label", "country", "admin1", "admin1_code", "admin2",
                    "admin2_code", "admin3", "admin3_code", "zones",
                    "fatalities", "actors", "description", "source_outlet", "source_url", "source_date", "geometry"]
"""Columns of the incidents table of a briefing, in order."""

NEAR_PLACE_KM = 15.0
"""Incidents given by coordinates are labelled with the nearest known place within this distance."""


def incident_points(incidents: Sequence[Incident], resolver: PlaceResolver) -> gpd.GeoDataFrame:
    """Incidents as points: named places geocoded (each distinct name once), coordinates kept.

    Parameters
    ----------
    incidents
        The incidents, from a scenario and its tables.
    resolver
        Geocoder for place names (records what it matched).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per incident, in order: ``id`` (``incident-N`` when not
        given), ``date`` (ISO), ``type``, ``place`` (as written, or None),
        ``matched_place`` (the gazetteer's name, or None), ``fatalities``
        (nullable integer), ``actors`` (tuple), ``description``,
        ``source_outlet``, ``source_url``, ``source_date`` (None when
        missing), geometry (EPSG:4326).

    Raises
    ------
    ScenarioError
        For an unknown place name, pointing at the incident's line.
    """
    rows = []
    for number, incident in enumerate(incidents):
        if incident.lat is None:
            found = resolver.place(incident.place, incident.origin, "place")
            lon, lat, matched = found.lon, found.lat, found.name
        else:
            lon, lat, matched = incident.lon, incident.lat, None
        source = incident.source
        rows.append({
            "id": incident.id or f"incident-{number + 1}", "date": incident.date.isoformat(), "type": incident.type,
            "place": incident.place, "matched_place": matched, "fatalities": incident.fatalities,
            "actors": incident.actors, "description": incident.description,
            "source_outlet": source.outlet if source else None, "source_url": source.url if source else None,
            "source_date": source.date.isoformat() if source and source.date else None,
            "geometry": shapely.Point(lon, lat),
        })
    columns = ["id", "date", "type", "place", "matched_place", "fatalities", "actors", "description", "source_outlet",
               "source_url", "source_date", "geometry"]
    frame = gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs="EPSG:4326")
    frame["fatalities"] = pd.array(frame["fatalities"].tolist(), dtype="Int64")
    for column in ("place", "matched_place", "source_outlet", "source_url", "source_date"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def incident_labels(points: gpd.GeoDataFrame, gazetteer: Gazetteer, country: str) -> list[str]:
    """A readable name for each incident's location.

    The place as written; for incidents given by coordinates, the nearest
    known place of ``country`` ("near Douma", or "Douma" within a kilometre)
    or, with none within :data:`NEAR_PLACE_KM`, the coordinates themselves.

    Parameters
    ----------
    points
        Output of :func:`incident_points`.
    gazetteer
        Where to look for nearby places.
    country
        ISO alpha-2 code of the country whose places may name a location.

    Returns
    -------
    list of str
    """
    labels = [place for place in points["place"]]
    unnamed = [i for i, place in enumerate(labels) if place is None]
    if unnamed:
        xs = points.geometry.x.to_numpy()[unnamed]
        ys = points.geometry.y.to_numpy()[unnamed]
        nearest = gazetteer.nearest_places(xs, ys, country, max_km=NEAR_PLACE_KM)
        for i, x, y, (name, km) in zip(unnamed, xs, ys, nearest):
            if name is None:
                labels[i] = f"{y:.4f}, {x:.4f}"
            else:
                labels[i] = name if km < 1 else f"near {name}"
    return labels


def zone_incident_links(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Which incidents lie in which zones (one spatial query for all points).

    Parameters
    ----------
    points
        Incident points with an ``id`` column.
    zones
        Zone polygons with an ``id`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``zone_id`` and ``incident_id``, one row per incident inside
        (or on the edge of) a zone, ordered by incident then zone.
    """
    if len(points) == 0 or zones.empty:
        return pd.DataFrame({"zone_id": pd.Series(dtype=object), "incident_id": pd.Series(dtype=object)})
    tree = shapely.STRtree(zones.geometry.to_numpy())
    point_index, zone_index = tree.query(points.geometry.to_numpy(), predicate="covered_by")
    order = np.lexsort((zone_index, point_index))
    return pd.DataFrame({"zone_id": zones["id"].to_numpy(dtype=object)[zone_index[order]],
                         "incident_id": points["id"].to_numpy(dtype=object)[point_index[order]]})


def join_incidents(points: gpd.GeoDataFrame, labels: Sequence[str], locator: AdminLocator,
                   links: pd.DataFrame) -> gpd.GeoDataFrame:
    """Incidents with their location's name, country, province and zones.

    Parameters
    ----------
    points
        Output of :func:`incident_points`.
    labels
        Output of :func:`incident_labels`.
    locator
        Country and province lookups for the scenario's country.
    links
        Output of :func:`zone_incident_links`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``points`` with ``label``, ``country``, ``admin1``, ``admin1_code``,
        ``admin2``, ``admin2_code``, ``admin3``, ``admin3_code`` (None where
        the data has no such level) and ``zones`` (tuple of zone ids) added; columns in
        :data:`INCIDENT_COLUMNS` order, then any others ``points`` had.
    """
    where = locator.locate(points.geometry.x.to_numpy(), points.geometry.y.to_numpy())
    zones_of = links.groupby("incident_id", sort=False)["zone_id"].agg(tuple).to_dict() if len(links) else {}
    result = points.copy()
    result["label"] = list(labels)
    result["country"] = where["country"].to_numpy()
    result["admin1"] = where["admin1_name"].to_numpy()
    result["admin1_code"] = where["admin1_code"].to_numpy()
    for level in ("admin2", "admin3"):
        known = f"{level}_code" in where
        result[level] = where[f"{level}_name"].to_numpy() if known else np.full(len(result), None, dtype=object)
        result[f"{level}_code"] = where[f"{level}_code"].to_numpy() if known else np.full(len(result), None, dtype=object)
    result["zones"] = [zones_of.get(ident, ()) for ident in result["id"]]
    return result[[c for c in INCIDENT_COLUMNS if c in result] + [c for c in result if c not in INCIDENT_COLUMNS]]


def zone_figures(zone_ids: Sequence[str], incidents: gpd.GeoDataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Incident and fatality counts per zone.

    Parameters
    ----------
    zone_ids
        Every zone's id (zones without incidents get zeros).
    incidents
        Incidents with ``id`` and ``fatalities`` columns.
    links
        Output of :func:`zone_incident_links`.

    Returns
    -------
    pandas.DataFrame
        Indexed by zone id, integer columns ``incidents`` and ``fatalities``
        (incidents without a fatality figure count as zero fatalities).
    """
    dead = incidents.set_index("id")["fatalities"].fillna(0).astype(int) if len(incidents) else pd.Series(dtype=int)
    joined = links.assign(fatalities=links["incident_id"].map(dead).to_numpy())
    grouped = joined.groupby("zone_id").agg(incidents=("incident_id", "size"), fatalities=("fatalities", "sum"))
    figures = grouped.reindex(list(zone_ids), fill_value=0).astype(int)
    figures.index.name = "id"
    return figures
