"""Writing build outputs: GeoJSON export and atomic file replacement.

A build publishes all its outputs with one atomic rename (see :func:`publish`),
so a failed or interrupted build never leaves a half-written map, and the
previous outputs stay until the new ones are complete.
"""

from __future__ import annotations

import html
import json
import os
import re
import xml.etree.ElementTree as ET
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .errors import InputError
from .escaping import html_text
from .style import incident_style, zone_style
from .zones import area_km2

GEOJSON_DECIMALS = 6


def _clean(value):
    if value is None or (not isinstance(value, (str, list, dict)) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def layers_geojson(layers: Mapping[str, gpd.GeoDataFrame]) -> str:
    """One GeoJSON FeatureCollection holding several layers.

    Parameters
    ----------
    layers
        Layer name → GeoDataFrame (EPSG:4326); each feature gets a ``layer``
        property with the name.

    Returns
    -------
    str
        GeoJSON text (RFC 7946: WGS 84, longitude first), keys sorted.
    """
    features = []
    for layer, frame in layers.items():
        columns = [c for c in frame.columns if c != frame.geometry.name]
        for record, geometry in zip(frame[columns].to_dict("records"), frame.geometry):
            properties = {"layer": layer} | {k: _clean(v) for k, v in record.items()}
            rounded = shapely.set_precision(geometry, 10 ** -GEOJSON_DECIMALS) if geometry is not None else None
            features.append({"type": "Feature", "properties": properties,
                             "geometry": shapely.geometry.mapping(rounded) if rounded is not None else None})
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"


def _write_synced(path: Path, content: str | bytes) -> None:
    with open(path, "wb") as stream:
        stream.write(content.encode("utf-8") if isinstance(content, str) else content)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(path, 0o644)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _replace_with_symlink(link: Path, target: str) -> None:
    if link.is_symlink() and os.readlink(link) == target:
        return
    temporary = link.with_name(f".{link.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, link)


def publish(output_dir: str | Path, name: str, files: Mapping[str, str | bytes]) -> dict[str, Path]:
    """Write a build's files so that readers see all of the new ones or all of the old ones.

    The files are written (and synced) into a fresh folder
    ``<output_dir>/.<name>.builds/<id>/``; one atomic rename then switches the
    symlink ``.<name>.current`` to it. The visible files,
    ``<output_dir>/<file name>``, are symlinks through ``.<name>.current``, so
    that single rename switches all of them at once: a build that fails or is
    killed at any moment leaves either the previous complete set or the new
    one. Builds older than the current one are then deleted.

    Parameters
    ----------
    output_dir
        Destination folder (created if needed).
    name
        The scenario's output name (file stem).
    files
        File name (e.g. ``"astana-2017.html"``) → content; text is written as UTF-8.

    Returns
    -------
    dict
        File name → visible path.

    Raises
    ------
    InputError
        If the folder cannot be created or written to.
    """
    output_dir = Path(output_dir)
    store = output_dir / f".{name}.builds"
    current = output_dir / f".{name}.current"
    try:
        store.mkdir(parents=True, exist_ok=True)
        build_dir = Path(tempfile.mkdtemp(prefix="build-", dir=store))
        build_dir.chmod(0o755)
    except OSError as error:
        raise InputError(f"cannot write to {output_dir}: {error.strerror}") from None
    try:
        for file_name, content in files.items():
            _write_synced(build_dir / file_name, content)
        _sync_folder(build_dir)
        visible = {file_name: output_dir / file_name for file_name in files}
        # Links for new kinds of output dangle harmlessly until the switch below.
        for file_name, path in visible.items():
            _replace_with_symlink(path, f"{current.name}/{file_name}")
        _replace_with_symlink(current, f"{store.name}/{build_dir.name}")
        _sync_folder(output_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    for entry in output_dir.iterdir():
        if entry.is_symlink() and os.readlink(entry).startswith(f"{current.name}/") and not entry.exists():
            entry.unlink()
    for old in store.iterdir():
        if old != build_dir:
            shutil.rmtree(old, ignore_errors=True)
    return visible


SUMMARY_COLUMNS = ["zone", "name", "status", "guarantors", "provinces", "area_km2", "incidents", "fatalities",
                   "valid_from", "valid_to"]


def zone_summary(zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """The zone table of a report: one row per zone.

    Parameters
    ----------
    zones
        Zones with their figures (``Prepared.zones``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`.
    """
    table = pd.DataFrame(zones.drop(columns="geometry")).rename(columns={"id": "zone"})
    return table[SUMMARY_COLUMNS].reset_index(drop=True)


def summary_csv(zones: gpd.GeoDataFrame) -> str:
    """The zone summary as CSV (UTF-8, header row, ISO dates)."""
    return zone_summary(zones).to_csv(index=False, lineterminator="\n")


def _markdown_cell(value) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    text = html.escape(" ".join(text.split()), quote=False)
    return re.sub(r"([\\|`*_\[\]#])", r"\\\1", text)


def summary_markdown(zones: gpd.GeoDataFrame, title: str | None = None) -> str:
    """The zone summary as a Markdown table, every cell escaped (no markup from scenario text survives)."""
    table = zone_summary(zones)
    headers = ["Zone", "Status", "Guarantors", "Provinces", "Area (km²)", "Incidents", "Fatalities", "Valid from", "Valid to"]
    lines = [f"# {_markdown_cell(title)}", ""] if title else []
    lines += ["| " + " | ".join(headers) + " |", "|" + "---|" * 2 + "---|" * 2 + "---:|" * 3 + "---|" * 2]
    for row in table.itertuples(index=False):
        cells = [row.name, row.status, row.guarantors, row.provinces, f"{row.area_km2:,.0f}", row.incidents,
                 row.fatalities, row.valid_from, row.valid_to]
        lines.append("| " + " | ".join(_markdown_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


GEOPACKAGE_LAYERS = {
    "zones": ["id", "name", "name_ar", "status", "guarantors", "valid_from", "valid_to", "notes", "rule",
              "approximate", "provinces", "province_codes", "area_km2", "incidents", "fatalities"],
    "provinces_in_zones": ["zone_id", "zone_name", "iso_3166_2", "province", "area_km2"],
    "incidents": ["id", "date", "type", "place", "matched_place", "country", "admin1", "admin1_code", "zones",
                  "fatalities", "actors", "description", "source_outlet", "source_url", "source_date"],
}
"""Layers of the GeoPackage export and their columns (besides ``geometry``)."""


def provinces_in_zones(zones: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One row per (zone, province) pair that overlap: the part of the province inside the zone."""
    rows = []
    units = provinces.set_index("iso_3166_2")
    for zone in zones.itertuples(index=False):
        for code in filter(None, zone.province_codes.split("; ")):
            part = shapely.intersection(zone.geometry, units.loc[code].geometry)
            rows.append({"zone_id": zone.id, "zone_name": zone.name, "iso_3166_2": code,
                         "province": units.loc[code, "name_en"], "area_km2": round(area_km2(part), 1), "geometry": part})
    return gpd.GeoDataFrame(rows, columns=GEOPACKAGE_LAYERS["provinces_in_zones"] + ["geometry"], geometry="geometry",
                            crs="EPSG:4326")


def geopackage_bytes(zones: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame) -> bytes:
    """A GeoPackage with the layers of :data:`GEOPACKAGE_LAYERS`, as bytes."""
    layers = {
        "zones": zones[GEOPACKAGE_LAYERS["zones"] + ["geometry"]],
        "provinces_in_zones": provinces_in_zones(zones, provinces),
        "incidents": incidents[GEOPACKAGE_LAYERS["incidents"] + ["geometry"]],
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        for layer, frame in layers.items():
            frame = frame.copy()
            for column in frame.columns:
                if frame[column].dtype == bool:
                    frame[column] = frame[column].astype("int32")
            frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio", promote_to_multi=layer != "incidents")
        return path.read_bytes()


def kml_text(zones: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, title: str) -> str:
    """KML 2.2 for Google Earth: one Placemark per zone and per incident, styled like the map.

    Text is written by ``xml.etree``, which escapes it; descriptions are plain text.
    """
    ns = "http://www.opengis.net/kml/2.2"
    ET.register_namespace("", ns)

    def sub(parent, tag, text=None, **attributes):
        node = ET.SubElement(parent, f"{{{ns}}}{tag}", attributes)
        if text is not None:
            node.text = str(text)
        return node

    def kml_colour(hex_colour: str, opacity: float) -> str:
        r, g, b = hex_colour[1:3], hex_colour[3:5], hex_colour[5:7]
        return f"{round(opacity * 255):02x}{b}{g}{r}"

    def coordinates(ring) -> str:
        return " ".join(f"{x:.6f},{y:.6f}" for x, y in ring.coords)

    root = ET.Element(f"{{{ns}}}kml")
    document = sub(root, "Document")
    sub(document, "name", title)
    for status in dict.fromkeys(zones["status"]):
        style = zone_style(status)
        node = sub(document, "Style", id=f"zone-{status.replace(' ', '-')}")
        sub(sub(node, "LineStyle"), "color", kml_colour(style.colour, 1.0))
        sub(sub(node, "PolyStyle"), "color", kml_colour(style.colour, style.fill_opacity))
    for kind in dict.fromkeys(incidents["type"]):
        node = sub(document, "Style", id=f"incident-{kind.replace(' ', '-')}")
        sub(sub(node, "IconStyle"), "color", kml_colour(incident_style(kind).colour, 1.0))
    zone_folder = sub(document, "Folder")
    sub(zone_folder, "name", "Zones")
    for zone in zones.itertuples(index=False):
        placemark = sub(zone_folder, "Placemark", id=f"zone-{zone.id}")
        sub(placemark, "name", zone.name)
        sub(placemark, "description", "\n".join(f"{label}: {value}" for label, value in (
            ("Status", zone.status), ("Guarantors", zone.guarantors), ("Provinces", zone.provinces),
            ("Area (km²)", f"{zone.area_km2:,.0f}"), ("Incidents", zone.incidents), ("Fatalities", zone.fatalities),
            ("Notes", zone.notes)) if value not in (None, "")))
        sub(placemark, "styleUrl", f"#zone-{zone.status.replace(' ', '-')}")
        multi = sub(placemark, "MultiGeometry")
        for polygon in shapely.get_parts(zone.geometry):
            node = sub(multi, "Polygon")
            sub(sub(sub(node, "outerBoundaryIs"), "LinearRing"), "coordinates", coordinates(polygon.exterior))
            for hole in polygon.interiors:
                sub(sub(sub(node, "innerBoundaryIs"), "LinearRing"), "coordinates", coordinates(hole))
    incident_folder = sub(document, "Folder")
    sub(incident_folder, "name", "Incidents")
    for incident in incidents.itertuples(index=False):
        placemark = sub(incident_folder, "Placemark", id=f"incident-{incident.id}")
        sub(placemark, "name", f"{incident.type}: {incident.matched_place or incident.place or ''}".strip())
        sub(placemark, "description", "\n".join(str(v) for v in (incident.date, incident.description,
                                                                 incident.source_outlet, incident.source_url) if isinstance(v, str) and v))
        sub(sub(placemark, "TimeStamp"), "when", incident.date)
        sub(placemark, "styleUrl", f"#incident-{incident.type.replace(' ', '-')}")
        sub(sub(placemark, "Point"), "coordinates", f"{incident.geometry.x:.6f},{incident.geometry.y:.6f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


EMBED_ASPECT_RATIO = (4, 3)


def embed_snippet(page_html: str, title: str, file_name: str) -> str:
    """An HTML fragment that embeds the map responsively in another page.

    The fragment holds the whole self-contained map in an ``<iframe srcdoc>``
    (sandboxed: scripts run inside the frame, isolated from the host page),
    100% wide with a fixed aspect ratio, plus a plain link to the HTML file
    for readers whose CMS strips iframes. It contains no script of its own.

    Parameters
    ----------
    page_html
        The self-contained map page.
    title
        Accessible title of the frame.
    file_name
        Name of the HTML file, for the fallback link.

    Returns
    -------
    str
    """
    width, height = EMBED_ASPECT_RATIO
    srcdoc = html.escape(page_html, quote=True)
    return (
        f'<figure class="zonemap-embed" style="margin:0;width:100%;max-width:100%">\n'
        f'<div style="position:relative;width:100%;height:0;padding-top:{100 * height / width:.4f}%;overflow:hidden">\n'
        f'<iframe title="{html_text(title)}" loading="lazy" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"'
        f' referrerpolicy="no-referrer" style="position:absolute;top:0;left:0;width:100%;height:100%;border:0"'
        f' srcdoc="{srcdoc}"></iframe>\n</div>\n'
        f'<figcaption style="font:12px sans-serif"><a href="{html_text(file_name)}">{html_text(title)}</a>'
        f" (open the map full-screen)</figcaption>\n</figure>\n"
    )
