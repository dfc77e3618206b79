"""Incidents: placing them, joining them to provinces and zones, counting them.

Everything here is vectorised over the whole table (unique names geocoded
once, one spatial query for all points), so that incident tables of 100,000+
rows imported from ACLED or UCDP exports go through the same functions as the
handful of incidents in a scenario file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .boundaries import locate_points
from .data import GeoData, default_geodata
from .errors import Origin, ScenarioError
from .resolve import PlaceResolver
from .scenario import (CSV_COLUMNS, Incident, Scenario, Source, incident_from_record, incident_schema_validator, read_text_file,
                       schema_message)

MAX_TABLE_BYTES = 200 * 1024 * 1024
MAX_TABLE_ROWS = 1_000_000

INCIDENT_COLUMNS = ["id", "date", "type", "place", "matched_place", "country", "admin1", "admin1_code", "zones",
                    "fatalities", "actors", "description", "source_outlet", "source_url", "source_date", "geometry"]


def _cell_value(column: str, text: str, origin: Origin):
    if column in ("lat", "lon"):
        try:
            value = float(text)
        except ValueError:
            raise origin.error(f"{text!r} is not a number") from None
        if not np.isfinite(value):
            raise origin.error(f"{text!r} is not a finite number")
        return value
    if column == "fatalities":
        try:
            return int(text)
        except ValueError:
            raise origin.error(f"{text!r} is not a whole number") from None
    if column == "actors":
        return [actor.strip() for actor in text.split(";") if actor.strip()]
    return text


def read_incident_table(path: str | Path, sources: dict[str, Source] | None = None) -> list[Incident]:
    """Read and validate a CSV table of incidents.

    The table is UTF-8 (a byte-order mark is accepted) with a header row of
    :data:`CSV_COLUMNS`; ``actors`` are separated by ``;``; empty cells are
    missing values. Each row is checked like an incident of a scenario file.

    Parameters
    ----------
    path
        The CSV file.
    sources
        Source ids that the ``source`` column may cite.

    Returns
    -------
    list of Incident

    Raises
    ------
    ScenarioError
        With the file, row, line and column of the first problem.
    """
    path = Path(path)
    file = str(path)
    text = read_text_file(path, "incident table", MAX_TABLE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ScenarioError(f"incident table is empty; expected a header row with {', '.join(CSV_COLUMNS)}", source=file)
        header = [column.strip() for column in header]
        unknown = [column for column in header if column not in CSV_COLUMNS]
        if unknown:
            raise ScenarioError(f"unknown column {', '.join(map(repr, unknown))}; allowed columns: {', '.join(CSV_COLUMNS)}",
                                source=file, location="line 1")
        repeated = sorted({column for column in header if header.count(column) > 1})
        if repeated:
            raise ScenarioError(f"column {', '.join(map(repr, repeated))} appears twice", source=file, location="line 1")
        missing = [column for column in ("date", "type") if column not in header]
        if missing:
            raise ScenarioError(f"missing column {', '.join(map(repr, missing))}", source=file, location="line 1")
        validator = incident_schema_validator()
        incidents = []
        for number, row in enumerate(reader, start=1):
            origin = Origin(file, f"row {number}", reader.line_num)
            if number > MAX_TABLE_ROWS:
                raise origin.error(f"more than {MAX_TABLE_ROWS:,} rows; split the table")
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise origin.error(f"has {len(row)} cells, the header has {len(header)}")
            record = {column: _cell_value(column, cell.strip(), origin.child(column))
                      for column, cell in zip(header, row) if cell.strip()}
            error = next(iter(sorted(validator.iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))), None)
            if error is not None:
                where = origin.child(str(error.absolute_path[0])) if error.absolute_path else origin
                raise where.error(schema_message(error))
            incidents.append(incident_from_record(record, origin, sources or {}))
    except csv.Error as error:
        raise ScenarioError(f"malformed CSV: {error}", source=file, location=f"line {reader.line_num}") from None
    return incidents


def build_incidents(scenario: Scenario, resolver: PlaceResolver, zones: gpd.GeoDataFrame, *,
                    geodata: GeoData | None = None) -> gpd.GeoDataFrame:
    """Locate a scenario's incidents, and those of its incident tables, and join them to provinces and zones.

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
    sources = {s.id: s for s in scenario.sources}
    incidents = list(scenario.incidents)
    for table in scenario.incident_files:
        incidents += read_incident_table(table, sources)
    rows = []
    for number, incident in enumerate(incidents):
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
