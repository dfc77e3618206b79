"""Vector exports for GIS tools: GeoJSON, GeoPackage and KML.

Each reads a :class:`~zonemap.briefing.Briefing` and nothing else. Lists
(the zones an incident lies in, a zone's provinces…) are JSON arrays in
GeoJSON and ``"; "``-joined text in GeoPackage and KML, which have no list
type; missing values are null (never "nan").
"""

from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..missing import plain
from ..render.style import incident_style, zone_style

if TYPE_CHECKING:
    from ..briefing import Briefing

GEOJSON_DECIMALS = 6
KML_NAMESPACE = "http://www.opengis.net/kml/2.2"

GEOPACKAGE_LAYERS = {
    "zones": ["id", "name", "name_ar", "side", "status", "guarantors", "valid_from", "valid_to", "notes", "rule",
              "approximate", "provinces", "province_codes", "area_km2", "incidents", "fatalities"],
    "provinces_in_zones": ["zone_id", "zone_name", "iso_3166_2", "province", "area_km2"],
    "incidents": ["id", "date", "type", "place", "matched_place", "label", "country", "admin1", "admin1_code", "admin2",
                  "admin2_code", "admin3", "admin3_code", "zones",
                  "fatalities", "actors", "description", "source_outlet", "source_url", "source_date", "category",
                  "dataset_admin1", "notes", "geo_precision"],
}
"""Layers of the GeoPackage export and their columns (besides ``geometry``)."""


GEOJSON_CHUNK_ROWS = 1_000
"""Features encoded at a time: a million incidents' features at once would take several GB."""


def geojson_text(briefing: Briefing) -> str:
    """Zones, provinces and incidents as one GeoJSON FeatureCollection.

    Each feature has a ``layer`` property (``zone``, ``province`` or
    ``incident``) and the columns of its table as properties.

    Parameters
    ----------
    briefing
        A prepared briefing.

    Returns
    -------
    str
        GeoJSON text (RFC 7946: WGS 84, longitude first), keys sorted,
        coordinates rounded to 6 decimals: :func:`geojson_chunks` joined.
    """
    return "".join(geojson_chunks(briefing))


def geojson_chunks(briefing: Briefing) -> Iterator[str]:
    """The text of :func:`geojson_text` in pieces, a few thousand features each, made as they are asked for.

    A million incidents make a GeoJSON file of about 700 MB: written piece by
    piece (as the build does), it is never held whole in memory.

    Parameters
    ----------
    briefing
        A prepared briefing.

    Yields
    ------
    str
        Consecutive pieces of the text; joined, exactly what ``json.dumps`` gives for the whole
        collection (keys sorted, so ``features`` comes before ``type``).
    """
    yield '{"features": ['
    separator = ""
    for layer, frame in (("zone", briefing.zones), ("province", briefing.provinces), ("incident", briefing.incidents)):
        columns = [c for c in frame.columns if c != frame.geometry.name]
        categories = {column: [plain(value) for value in frame[column].cat.categories] for column in columns
                      if isinstance(frame[column].dtype, pd.CategoricalDtype)}
        for start in range(0, len(frame), GEOJSON_CHUNK_ROWS):
            part = frame.iloc[start:start + GEOJSON_CHUNK_ROWS]
            geometries = part.geometry.to_numpy()
            present = pd.notna(geometries)
            rounded = geometries.copy()
            rounded[present] = shapely.set_precision(geometries[present], 10 ** -GEOJSON_DECIMALS)
            rows = (zip(*(_plain_values(part[column], categories.get(column)) for column in columns)) if columns
                    else repeat(()))
            features = [{"type": "Feature", "properties": {"layer": layer, **dict(zip(columns, row))}, "geometry": geometry}
                        for row, geometry in zip(rows, _geometry_mappings(rounded))]
            yield separator + json.dumps(features, ensure_ascii=False, sort_keys=True, allow_nan=False)[1:-1]
            separator = ", "
    yield '], "type": "FeatureCollection"}\n'


def _plain_values(column: pd.Series, categories: list | None = None) -> list:
    """:func:`~zonemap.missing.plain` of each cell of a column, worked out a column at a time where its type allows
    (a million incidents' cells one by one take most of a minute); a categorical column's ``categories`` are given
    as plain values, made once for the whole table."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return [categories[code] if code >= 0 else None for code in column.cat.codes.to_numpy().tolist()]
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [None if value != value else value for value in column.to_numpy().tolist()]
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        return column.to_numpy().tolist()
    return [value if value is None or type(value) is str else plain(value) for value in column.tolist()]


def _geometry_mappings(geometries) -> list:
    """The GeoJSON geometry objects of shapes (None for none); points, the common case, straight from their coordinates."""
    if (shapely.get_type_id(geometries) == 0).all() and not (shapely.is_empty(geometries) | shapely.has_z(geometries)).any():
        return [{"type": "Point", "coordinates": xy} for xy in map(tuple, shapely.get_coordinates(geometries).tolist())]
    return [shapely.geometry.mapping(geometry) if geometry is not None else None for geometry in geometries]


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists joined with "; ", booleans as integers: what GeoPackage columns can hold."""
    frame = frame.copy()
    for column in frame.columns:
        if column == "geometry":
            continue
        if frame[column].dtype == bool:
            frame[column] = frame[column].astype("int32")
        elif (not isinstance(frame[column].dtype, pd.CategoricalDtype)  # categoricals hold text
              and frame[column].map(lambda v: isinstance(v, (tuple, list))).any()):
            frame[column] = ["; ".join(map(str, v)) for v in frame[column]]
    return frame


def geopackage_bytes(briefing: Briefing) -> bytes:
    """A GeoPackage with the layers of :data:`GEOPACKAGE_LAYERS`, as bytes.

    Parameters
    ----------
    briefing
        A prepared briefing.

    Returns
    -------
    bytes
    """
    layers = {
        "zones": briefing.zones[GEOPACKAGE_LAYERS["zones"] + ["geometry"]],
        "provinces_in_zones": briefing.zone_provinces[GEOPACKAGE_LAYERS["provinces_in_zones"] + ["geometry"]],
        "incidents": briefing.incidents[GEOPACKAGE_LAYERS["incidents"] + ["geometry"]],
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        for layer, frame in layers.items():
            gpd.GeoDataFrame(_flat(frame), geometry="geometry", crs="EPSG:4326").to_file(
                path, layer=layer, driver="GPKG", engine="pyogrio", promote_to_multi=layer != "incidents")
        return path.read_bytes()


def _kml_colour(hex_colour: str, opacity: float) -> str:
    r, g, b = hex_colour[1:3], hex_colour[3:5], hex_colour[5:7]
    return f"{round(opacity * 255):02x}{b}{g}{r}"


def _coordinates(ring) -> str:
    return " ".join(f"{x:.6f},{y:.6f}" for x, y in ring.coords)


def kml_text(briefing: Briefing) -> str:
    """KML 2.2 for Google Earth: one Placemark per zone and per incident, styled like the map.

    Text is written by ``xml.etree``, which escapes it; descriptions are
    plain text. The KML namespace is declared on the root element (not
    registered process-wide with ``ET.register_namespace``).

    Parameters
    ----------
    briefing
        A prepared briefing.

    Returns
    -------
    str
    """
    def sub(parent, tag, text=None, **attributes):
        node = ET.SubElement(parent, tag, attributes)
        if text is not None:
            node.text = str(text)
        return node

    zones, incidents = briefing.zones, briefing.incidents
    root = ET.Element("kml", xmlns=KML_NAMESPACE)
    document = sub(root, "Document")
    sub(document, "name", briefing.scenario.title)
    for status in dict.fromkeys(zones["status"]):
        style = zone_style(status)
        node = sub(document, "Style", id=f"zone-{status.replace(' ', '-')}")
        sub(sub(node, "LineStyle"), "color", _kml_colour(style.colour, 1.0))
        sub(sub(node, "PolyStyle"), "color", _kml_colour(style.colour, style.fill_opacity))
    for kind in dict.fromkeys(incidents["type"]):
        node = sub(document, "Style", id=f"incident-{kind.replace(' ', '-')}")
        sub(sub(node, "IconStyle"), "color", _kml_colour(incident_style(kind).colour, 1.0))
    zone_folder = sub(document, "Folder")
    sub(zone_folder, "name", "Zones")
    for zone in zones.itertuples(index=False):
        placemark = sub(zone_folder, "Placemark", id=f"zone-{zone.id}")
        sub(placemark, "name", zone.name)
        sub(placemark, "description", "\n".join(f"{label}: {value}" for label, value in (
            ("Status", zone.status), ("Guarantors", ", ".join(zone.guarantors)), ("Provinces", ", ".join(zone.provinces)),
            ("Area (km²)", f"{zone.area_km2:,.0f}"), ("Incidents", zone.incidents), ("Fatalities", zone.fatalities),
            ("Notes", zone.notes)) if value not in (None, "")))
        sub(placemark, "styleUrl", f"#zone-{zone.status.replace(' ', '-')}")
        multi = sub(placemark, "MultiGeometry")
        for polygon in shapely.get_parts(zone.geometry):
            node = sub(multi, "Polygon")
            sub(sub(sub(node, "outerBoundaryIs"), "LinearRing"), "coordinates", _coordinates(polygon.exterior))
            for hole in polygon.interiors:
                sub(sub(sub(node, "innerBoundaryIs"), "LinearRing"), "coordinates", _coordinates(hole))
    incident_folder = sub(document, "Folder")
    sub(incident_folder, "name", "Incidents")
    for incident in incidents.itertuples(index=False):
        placemark = sub(incident_folder, "Placemark", id=f"incident-{incident.id}")
        sub(placemark, "name", f"{incident.type}: {incident.label}")
        details = (incident.date, incident.description, plain(incident.source_outlet), plain(incident.source_url))
        sub(placemark, "description", "\n".join(v for v in details if isinstance(v, str) and v))
        sub(sub(placemark, "TimeStamp"), "when", incident.date)
        sub(placemark, "styleUrl", f"#incident-{incident.type.replace(' ', '-')}")
        sub(sub(placemark, "Point"), "coordinates", f"{incident.geometry.x:.6f},{incident.geometry.y:.6f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
