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
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from numpy.typing import ArrayLike

from ..geocoding import Gazetteer, PlaceResolver
from ..geometry.admin import AdminLocator, check_coordinates
from ..scenario.model import Incident

INCIDENT_COLUMNS = ["id", "date", "type", "place", "matched_place", "label", "country", "admin1", "admin1_code", "admin2",
                    "admin2_code", "admin3", "admin3_code", "zones",
                    "fatalities", "actors", "description", "source_outlet", "source_url", "source_date", "category",
                    "dataset_admin1", "notes", "geo_precision", "geometry"]
"""Columns of the incidents table of a briefing, in order. ``category``, ``dataset_admin1``, ``notes`` and
``geo_precision`` come from imported datasets (see :mod:`zonemap.incidents.imports`)."""

REPEATED_TEXT_COLUMNS = ("type", "label", "country", "admin1", "admin1_code", "admin2", "admin2_code", "admin3",
                         "admin3_code", "description")
"""Text columns of the incidents table held as pandas categoricals: each distinct text once and a small code per
incident. A million events share a few thousand places, units and wordings; as plain text these columns would
take about 180 MB. (``date`` stays text, so that ``min()`` and comparisons with a day work as on any text.)"""

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
        missing), ``category``, ``dataset_admin1``, ``notes`` (None) and
        ``geo_precision`` (NA): what imported events have and written ones
        do not; geometry (EPSG:4326).

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
    frame = frame.assign(category=None, dataset_admin1=None, notes=None,
                         geo_precision=pd.array([pd.NA] * len(frame), dtype="Int64"))
    frame = frame[[c for c in frame.columns if c != "geometry"] + ["geometry"]]
    for column in ("place", "matched_place", "source_outlet", "source_url", "source_date"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def concat_points(frames: Sequence[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Incident points of several sources (a scenario, its tables) in one frame, rows in order.

    Categorical columns stay categorical (their categories put together):
    pandas would make them text, a copy of every row's text.

    Parameters
    ----------
    frames
        Outputs of :func:`incident_points` and
        :func:`~zonemap.incidents.imports.place_events`.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, with a fresh index.
    """
    coded = [c for c in REPEATED_TEXT_COLUMNS
             if any(c in f and isinstance(f[c].dtype, pd.CategoricalDtype) for f in frames)]
    categories = {c: pd.Index(sorted({text for f in frames for text in f[c].dropna().unique()}), dtype="str")
                  for c in coded}
    # With the same categories everywhere, pandas keeps the columns categorical.
    combined = pd.concat([f.assign(**{c: pd.Categorical(f[c], categories=categories[c]) for c in coded})
                          for f in frames], ignore_index=True)
    return gpd.GeoDataFrame(combined, geometry="geometry", crs="EPSG:4326")


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
    places = points["place"].to_numpy(dtype=object)
    labels = places.copy()
    unnamed = np.flatnonzero(np.fromiter((place is None for place in places), dtype=bool, count=len(places)))
    if unnamed.size:
        xs = points.geometry.x.to_numpy()[unnamed]
        ys = points.geometry.y.to_numpy()[unnamed]
        codes, first = _distinct_points(xs, ys)
        nearest = gazetteer.nearest_places(xs[first], ys[first], country, max_km=NEAR_PLACE_KM)
        texts = np.empty(len(first), dtype=object)
        texts[:] = [f"{y:.4f}, {x:.4f}" if name is None else name if km < 1 else f"near {name}"
                    for x, y, (name, km) in zip(xs[first], ys[first], nearest)]
        labels[unnamed] = texts[codes]
    return labels.tolist()


def shared_points(xs: ArrayLike, ys: ArrayLike) -> gpd.array.GeometryArray:
    """Points at these coordinates, each distinct point made once and shared by every row at it.

    A shapely point takes about 200 bytes; events of an export are mostly at
    a few thousand places, so a million of them hold a few thousand points
    instead of a million (shapely geometries are immutable: sharing one is
    safe).

    Parameters
    ----------
    xs, ys
        Longitudes and latitudes (float arrays of the same length).

    Returns
    -------
    geopandas.array.GeometryArray
        One point per row, equal to ``geopandas.points_from_xy(xs, ys)``.
    """
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    codes, first = _distinct_points(xs, ys)
    return gpd.array.GeometryArray(shapely.points(xs[first], ys[first])[codes])


def _distinct_points(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct points among many (equal bit for bit), so that each is looked up once.

    Parameters
    ----------
    xs, ys
        Coordinates (float arrays of the same length).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Per point, the number of its distinct point (numbered in order of
        first appearance), and the position of each distinct point's first
        appearance.
    """
    x_codes, _ = pd.factorize(np.ascontiguousarray(xs, dtype=np.float64).view(np.int64))
    y_codes, y_values = pd.factorize(np.ascontiguousarray(ys, dtype=np.float64).view(np.int64))
    codes, _ = pd.factorize(x_codes.astype(np.int64) * len(y_values) + y_codes)
    return codes, np.unique(codes, return_index=True)[1]


def zone_hits(points: np.ndarray, zones: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which points lie in which zones: one spatial query for all points.

    Parameters
    ----------
    points
        Point geometries (an array of shapely points).
    zones
        Zone polygons.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Point positions and zone positions of each (point, zone) pair where
        the point is inside the zone or on its edge, ordered by point then zone.
    """
    if len(points) == 0 or zones.empty:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    tree = shapely.STRtree(zones.geometry.to_numpy())
    point_index, zone_index = tree.query(points, predicate="covered_by")
    order = np.lexsort((zone_index, point_index))
    return point_index[order], zone_index[order]


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
    point_index, zone_index = zone_hits(points.geometry.to_numpy(), zones)
    return pd.DataFrame({"zone_id": zones["id"].to_numpy(dtype=object)[zone_index],
                         "incident_id": points["id"].iloc[point_index].to_numpy(dtype=object)})


def place_incidents(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, locator: AdminLocator, *,
                    engine: str = "pandas", scheduler: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The admin units of every incident and the zones it lies in: the join behind every count.

    Parameters
    ----------
    points
        Incident points with an ``id`` column.
    zones
        Zone polygons with an ``id`` column.
    locator
        Country and admin-unit lookups for the scenario's country.
    engine
        ``"pandas"`` joins in memory; ``"dask"`` on dask-geopandas
        partitions (:func:`zonemap.incidents.partitioned.partitioned_join`),
        with the same result.
    scheduler
        With ``engine="dask"``: a dask scheduler's address, or None for a local cluster.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Each point's units, as :meth:`AdminLocator.locate` gives them (as
        categoricals), and the links of :func:`zone_incident_links`.
    """
    if engine == "dask":
        from .partitioned import partitioned_join

        return partitioned_join(points, zones, locator, scheduler=scheduler)
    xs, ys = check_coordinates(points.geometry.x.to_numpy(), points.geometry.y.to_numpy())
    codes, first = _distinct_points(xs, ys)
    # As categoricals before spreading them over the rows: a code per incident, not a copy of its units' names.
    locations = locator.locate(xs[first], ys[first]).astype("category").take(codes).reset_index(drop=True)
    return locations, zone_incident_links(points, zones)


def join_incidents(points: gpd.GeoDataFrame, labels: Sequence[str], locations: pd.DataFrame,
                   links: pd.DataFrame) -> gpd.GeoDataFrame:
    """Incidents with their location's name, country, province and zones.

    Parameters
    ----------
    points
        Output of :func:`incident_points`.
    labels
        Output of :func:`incident_labels`.
    locations
        Each point's country and admin units (:meth:`AdminLocator.locate`).
    links
        Output of :func:`zone_incident_links`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``points`` with ``label``, ``country``, ``admin1``, ``admin1_code``,
        ``admin2``, ``admin2_code``, ``admin3``, ``admin3_code`` (None where
        the data has no such level) and ``zones`` (tuple of zone ids) added; columns in
        :data:`INCIDENT_COLUMNS` order, then any others ``points`` had. The columns of
        :data:`REPEATED_TEXT_COLUMNS` are categoricals (missing values are NaN, as in text columns).
    """
    result = points.copy(deep=False)  # copy on write: the new columns do not touch ``points``
    result["label"] = pd.Categorical(labels)
    # Stored columns (Arrow text) are assigned as they are: no Python string per row, the same types.
    result["country"] = locations["country"].array
    result["admin1"] = locations["admin1_name"].array
    result["admin1_code"] = locations["admin1_code"].array
    for level in ("admin2", "admin3"):
        known = f"{level}_code" in locations
        for column, source in ((level, f"{level}_name"), (f"{level}_code", f"{level}_code")):
            result[column] = locations[source].array if known else np.full(len(result), None, dtype=object)
    result["zones"] = _zones_of(result["id"], links)
    for column in REPEATED_TEXT_COLUMNS:
        if column in result:
            coded = result[column].astype("category")
            result[column] = coded.cat.reorder_categories(sorted(coded.cat.categories))  # as text sorts
    return result[[c for c in INCIDENT_COLUMNS if c in result] + [c for c in result if c not in INCIDENT_COLUMNS]]


def text_positions(texts: ArrayLike, among: ArrayLike) -> np.ndarray:
    """Where each text is among distinct texts (-1 where it is not), matched by Arrow.

    pandas would make a Python string of each of a million ids to look them up.

    Parameters
    ----------
    texts
        Texts to look up (e.g. the incident ids of the zone links).
    among
        Distinct texts (e.g. every incident's id).

    Returns
    -------
    numpy.ndarray
        ``int64`` positions in ``among``.
    """
    found = pc.index_in(pa.array(texts, pa.large_string()), value_set=pa.array(among, pa.large_string()))
    return found.fill_null(-1).to_numpy().astype(np.int64)


def _zones_of(ids: pd.Series, links: pd.DataFrame) -> np.ndarray:
    """Per incident, the tuple of the zones it lies in (in link order); incidents in the same zones share one tuple."""
    linked, linked_ids = pd.factorize(links["incident_id"])
    zone_codes, zone_ids = pd.factorize(links["zone_id"])
    per_incident = pd.Series(zone_codes).groupby(linked, sort=True).agg(tuple)
    combination, combinations = pd.factorize(per_incident.to_numpy(dtype=object))
    tuples = np.empty(len(combinations) + 1, dtype=object)
    tuples[:] = [tuple(zone_ids[list(codes)]) for codes in combinations] + [()]
    found = text_positions(ids, linked_ids)
    chosen = np.full(len(ids), len(combinations))
    chosen[found >= 0] = combination[found[found >= 0]]
    return tuples[chosen]


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
    if incidents["id"].duplicated().any():
        raise pd.errors.InvalidIndexError("Reindexing only valid with uniquely valued Index objects")
    dead = incidents["fatalities"].fillna(0).astype(int).to_numpy()
    found = text_positions(links["incident_id"], incidents["id"])
    fatalities = np.full(len(found), np.nan)
    fatalities[found >= 0] = dead[found[found >= 0]]
    joined = links.assign(fatalities=fatalities)
    grouped = joined.groupby("zone_id").agg(incidents=("incident_id", "size"), fatalities=("fatalities", "sum"))
    figures = grouped.reindex(list(zone_ids), fill_value=0).astype(int)
    figures.index.name = "id"
    return figures
