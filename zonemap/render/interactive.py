"""The interactive map: folium page with zones, provinces and incidents.

folium builds the page skeleton (map, feature groups, layer control, scale,
fullscreen). The layers themselves are drawn by a small script of ours
(``templates/zonemap.js``) from JSON data, so that no scenario text is ever
parsed as HTML or spliced into JavaScript source (see :mod:`zonemap.escaping`).
The page works with no tiles: country and province outlines from ``geodata/``
form the base map; online tiles are opt-in.
"""

from __future__ import annotations

from importlib import resources

import folium
import geopandas as gpd
import pandas as pd
import shapely
import xyzservices.providers as xyz
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen

from .boundaries import SPECIAL_AREAS
from .data import ATTRIBUTION, GeoData, default_geodata
from .errors import InputError
from .escaping import html_text, link_html, script_json
from .incidents import zone_figures
from .page import finalize_page, number_elements
from .scenario import Scenario
from .style import (TILE_ALIASES, APPROXIMATE_DASH, COUNTRY_BORDER, FIELD_LABELS, INCIDENT_STYLES, LAND_FOCUS, LAND_OTHER,
                    PROVINCE_BORDER, SEA, SPECIAL_AREA_BORDER, incident_icon_svg, incident_style, zone_style)

COORDINATE_DECIMALS = 5  # about 1 m: finer than any boundary we draw
CONTEXT_DEGREES = 8.0  # how far around the zones neighbouring countries are drawn


def _template(name: str) -> str:
    return resources.files("zonemap").joinpath(f"templates/{name}").read_text(encoding="utf-8")


class _LeafletMap(folium.Map):
    """folium's map with only Leaflet itself: our layers need no jQuery, Bootstrap or icon fonts,
    which would add about a megabyte to every self-contained page."""

    default_js = [(name, url) for name, url in folium.Map.default_js if name == "leaflet"]
    default_css = [(name, url) for name, url in folium.Map.default_css if name == "leaflet_css"]


class _Raw(Element):
    """Finished markup or script, emitted as is.

    branca turns the output of an element's macros into a new Jinja template
    and renders it again; scenario text passing through that would be
    evaluated as template code ("{{ ... }}"). Our elements hand their finished
    text to the page through this class instead, so no scenario text ever
    meets Jinja.
    """

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _Direct(MacroElement):
    """An element that contributes finished header, body and script text (see :class:`_Raw`)."""

    def header_text(self) -> str:
        return ""

    def html_text(self) -> str:
        return ""

    def script_text(self) -> str:
        return ""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        for part, text in ((figure.header, self.header_text()), (figure.html, self.html_text()),
                           (figure.script, self.script_text())):
            if text:
                part.add_child(_Raw(text), name=self.get_name())


class _Assets(_Direct):
    """Our stylesheet and script, inline in the page head."""

    def __init__(self, sea: str):
        super().__init__()
        self._name = "ZonemapAssets"
        self.css = _template("zonemap.css").replace("var(--zm-sea, #dbe9f4)", sea)
        self.js = _template("zonemap.js")

    def header_text(self) -> str:
        return f"<style>{self.css}</style>\n<script>{self.js}</script>\n"


class _Call(_Direct):
    """``zonemap.<function>(<parent layer>, <JSON arguments>...)`` in the map script."""

    def __init__(self, function: str, *arguments):
        super().__init__()
        self._name = "ZonemapCall"
        self.function = function
        self.arguments = [script_json(a) for a in arguments]

    def script_text(self) -> str:
        return f"zonemap.{self.function}({', '.join([self._parent.get_name(), *self.arguments])});\n"


class _Panels(_Direct):
    """Title, legend and credits: static escaped HTML moved into Leaflet controls by our script."""

    def __init__(self, body: str, panels: list[tuple[str, str]], credits_html: str, bounds: list[list[float]]):
        super().__init__()
        self._name = "ZonemapPanels"
        self.body = body
        self.panels = panels
        self.credits = script_json(credits_html)
        self.bounds = script_json(bounds)

    def html_text(self) -> str:
        return self.body

    def script_text(self) -> str:
        map_name = self._parent.get_name()
        calls = [f"zonemap.panel({map_name}, {script_json(id_)}, {script_json(position)});" for id_, position in self.panels]
        calls.append(f"{map_name}.attributionControl.addAttribution({self.credits});")
        # Without animation: markers must not be moving when a reader (or a test) first clicks.
        calls.append(f'{map_name}.fitBounds({self.bounds}, {{"padding": [20, 20], "animate": false}});')
        return "\n".join(calls) + "\n"


def _rounded(geometry):
    return shapely.set_precision(geometry, 10 ** -COORDINATE_DECIMALS)


def _feature_collection(frame: gpd.GeoDataFrame, properties: list[dict]) -> dict:
    features = []
    for geometry, props in zip(frame.geometry, properties):
        features.append({"type": "Feature", "properties": props,
                         "geometry": shapely.geometry.mapping(_rounded(geometry))})
    return {"type": "FeatureCollection", "features": features}


def tile_provider(name: str):
    """The xyzservices provider for a ``--tiles`` name, or None for ``"none"``.

    Raises
    ------
    InputError
        For an unknown provider, listing the short names.
    """
    if name in (None, "", "none"):
        return None
    try:
        return xyz.query_name(TILE_ALIASES.get(name, name))
    except ValueError:
        raise InputError(f"unknown tile provider {name!r}; use none (offline), {', '.join(TILE_ALIASES)}, "
                         "or an xyzservices name such as CartoDB.Voyager") from None


def _context_box(zones: gpd.GeoDataFrame, country_shape) -> shapely.Polygon:
    bounds = zones.total_bounds if len(zones) else shapely.bounds(country_shape)
    return shapely.box(*bounds).buffer(CONTEXT_DEGREES, join_style="mitre")


def _country_layer(country: str, geodata: GeoData, box, tiles: bool) -> dict:
    countries = geodata.admin0()
    countries = countries[countries.intersects(box)].copy()
    countries["geometry"] = countries.geometry.intersection(box)
    properties = [{"focus": code == country, "stroke": COUNTRY_BORDER,
                   "fill": (LAND_FOCUS if code == country else LAND_OTHER) if not tiles else "transparent"}
                  for code in countries["iso_a2"]]
    return _feature_collection(countries, properties)


def _province_layer(country: str, geodata: GeoData, lang: str) -> dict:
    units = geodata.admin1(country)
    labels = FIELD_LABELS[lang]
    properties = []
    for _, unit in units.iterrows():
        special = unit["iso_3166_2"] in SPECIAL_AREAS
        name = unit["name_ar"] if lang == "ar" and unit["name_ar"] else unit["name_en"]
        point = shapely.point_on_surface(unit.geometry)
        properties.append({
            "code": unit["iso_3166_2"], "name": name, "special": special,
            "note": labels["special_area"] if special else None,
            "stroke": SPECIAL_AREA_BORDER if special else PROVINCE_BORDER,
            "label": None if special else [round(point.x, 4), round(point.y, 4)],
        })
    return _feature_collection(units, properties)


def _zone_name(row, lang: str) -> str:
    return row["name_ar"] if lang == "ar" and isinstance(row["name_ar"], str) and row["name_ar"] else row["name"]


def _validity(row) -> str | None:
    start, end = row["valid_from"], row["valid_to"]
    if not start and not end:
        return None
    return f"{start or '…'} – {end or '…'}"


def _zone_info(row, figures, lang: str) -> dict:
    labels = FIELD_LABELS[lang]
    style = zone_style(row["status"])
    name = _zone_name(row, lang)
    rows = [
        [labels["status"], style.label_ar if lang == "ar" else style.label_en],
        [labels["guarantors"], row["guarantors"]],
        [labels["valid"], _validity(row)],
        [labels["provinces"], row["provinces"]],
        [labels["area"], f"{row['area_km2']:,.0f} {labels['km2']}"],
        [labels["incidents"], str(figures.loc[row["id"], "incidents"])],
        [labels["fatalities"], str(figures.loc[row["id"], "fatalities"])],
        [labels["approximate"], labels["approximate_yes"] if row["approximate"] else labels["approximate_no"]],
        [labels["notes"], row["notes"]],
    ]
    return {"id": row["id"], "name": name, "colour": style.colour, "fillOpacity": style.fill_opacity,
            "approximate": bool(row["approximate"]), "dash": APPROXIMATE_DASH, "popup": {"title": name, "rows": rows}}


def _incident_data(incidents: gpd.GeoDataFrame, zone_names: dict[str, str], lang: str) -> list[dict]:
    labels = FIELD_LABELS[lang]
    items = []
    for _, row in incidents.iterrows():
        style = incident_style(row["type"])
        type_label = style.label_ar if lang == "ar" else style.label_en
        point = row.geometry
        place = row["matched_place"] or f"{point.y:.4f}, {point.x:.4f}"
        where = ", ".join(p for p in (place, row["admin1"] if row["admin1"] != place else None, row["country"])
                          if isinstance(p, str) and p)
        fatalities = row["fatalities"]
        rows = [
            [labels["date"], row["date"]],
            [labels["place"], where],
            [labels["type"], type_label],
            [labels["fatalities"], None if pd.isna(fatalities) else str(int(fatalities))],
            [labels["actors"], row["actors"]],
            [labels["in_zone"], "; ".join(zone_names[z] for z in row["zones"].split("; ") if z)],
            ["", row["description"]],
        ]
        link = None
        if isinstance(row["source_outlet"], str):
            text = row["source_outlet"] + (f" ({row['source_date']})" if isinstance(row["source_date"], str) else "")
            link = {"label": labels["source"], "url": row["source_url"], "text": text}
        items.append({"id": row["id"], "type": row["type"] if row["type"] in INCIDENT_STYLES else "other",
                      "lat": round(point.y, COORDINATE_DECIMALS), "lon": round(point.x, COORDINATE_DECIMALS),
                      "popup": {"title": f"{type_label}: {row['place'] or place}", "rows": rows, "link": link}})
    return items


def _icons() -> dict:
    return {kind: {"svg": incident_icon_svg(kind), "className": style.css_class} for kind, style in INCIDENT_STYLES.items()}


def _panels_html(scenario: Scenario, zones: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, figures, lang: str) -> str:
    labels = FIELD_LABELS[lang]
    rtl = ' dir="rtl"' if lang == "ar" else ""
    title = [f'<div id="zm-title" class="zm-panel zm-title" hidden{rtl}>', f"<h1>{html_text(scenario.title)}</h1>"]
    if scenario.subtitle:
        title.append(f'<p class="zm-subtitle">{html_text(scenario.subtitle)}</p>')
    if scenario.as_of:
        title.append(f'<p class="zm-asof">{html_text(labels["as_of"])} <bdi dir="ltr">{html_text(scenario.as_of.isoformat())}</bdi></p>')
    if scenario.sources:
        title.append(f"<details><summary>{html_text(labels['sources'])}</summary><ul>")
        for source in scenario.sources:
            label = source.outlet + (f": {source.title}" if source.title else "") + (f" ({source.date.isoformat()})" if source.date else "")
            title.append(f"<li>{link_html(source.url, label)}</li>")
        title.append("</ul></details>")
    title.append(f"<details class=\"zm-summary\"><summary>{html_text(labels['summary'])}</summary><table>"
                 f"<tr><th>{html_text(labels['zones'])}</th><th>{html_text(labels['status'])}</th>"
                 f"<th>{html_text(labels['area'])} ({html_text(labels['km2'])})</th><th>{html_text(labels['incidents'])}</th>"
                 f"<th>{html_text(labels['fatalities'])}</th></tr>")
    for _, zone in zones.iterrows():
        style = zone_style(zone["status"])
        title.append(f"<tr><td>{html_text(_zone_name(zone, lang))}</td>"
                     f"<td>{html_text(style.label_ar if lang == 'ar' else style.label_en)}</td>"
                     f'<td class="zm-num">{zone["area_km2"]:,.0f}</td><td class="zm-num">{int(figures.loc[zone["id"], "incidents"])}</td>'
                     f'<td class="zm-num">{int(figures.loc[zone["id"], "fatalities"])}</td></tr>')
    title.append("</table></details>")
    title.append("</div>")

    legend = [f'<div id="zm-legend" class="zm-panel zm-legend" hidden{rtl}><details open><summary>{html_text(labels["legend"])}</summary>']
    legend.append(f"<h2>{html_text(labels['zones'])}</h2>")
    for status in dict.fromkeys(zones["status"]):
        style = zone_style(status)
        legend.append(f'<div class="zm-legend-row"><span class="zm-swatch" style="border-color:{style.colour};'
                      f'background:{style.colour}55"></span>{html_text(style.label_ar if lang == "ar" else style.label_en)}</div>')
    if zones["approximate"].any():
        legend.append(f'<div class="zm-legend-row"><span class="zm-swatch zm-swatch-dashed" style="border-color:#444"></span>'
                      f'{html_text(labels["approximate"])}: {html_text(labels["approximate_yes"])}</div>')
    if len(incidents):
        legend.append(f"<h2>{html_text(labels['incidents'])}</h2>")
        for kind in dict.fromkeys(incidents["type"]):
            style = incident_style(kind)
            legend.append(f'<div class="zm-legend-row">{incident_icon_svg(kind, 18)}'
                          f'{html_text(style.label_ar if lang == "ar" else style.label_en)}</div>')
    legend.append("</details></div>")
    return "\n".join(title + legend)


def _credits_html(scenario: Scenario, provider) -> str:
    parts = [html_text(ATTRIBUTION)]
    outlets = list(dict.fromkeys(s.outlet for s in scenario.sources))
    if outlets:
        parts.append("Sources: " + html_text("; ".join(outlets)))
    if provider is not None:
        parts.append(provider.html_attribution)
    return " | ".join(parts)


def render_map(scenario: Scenario, zones: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, *,
               tiles: str | None = None, lang: str | None = None, geodata: GeoData | None = None) -> folium.Map:
    """Build the folium map of a scenario.

    Parameters
    ----------
    scenario
        The scenario (title, sources, options).
    zones
        Output of :func:`zonemap.zones.build_zones`.
    incidents
        Output of :func:`zonemap.incidents.build_incidents`.
    tiles
        ``"none"`` for the offline base map, or a tile provider name; defaults
        to the scenario's ``map.tiles``.
    lang
        ``"en"`` or ``"ar"`` labels; defaults to the scenario's ``map.lang``.
    geodata
        Boundaries; defaults to the embedded ones.

    Returns
    -------
    folium.Map
        Not yet finalised: use :func:`render_html` for the self-contained page.
    """
    geodata = geodata or default_geodata()
    lang = lang or scenario.map.lang
    if lang not in FIELD_LABELS:
        raise InputError(f"unknown language {lang!r}; use en or ar")
    provider = tile_provider(tiles if tiles is not None else scenario.map.tiles)
    rtl = lang == "ar"

    country_units = geodata.admin1(scenario.country)
    country_shape = shapely.union_all(country_units.geometry.to_numpy())
    minx, miny, maxx, maxy = zones.total_bounds if len(zones) else shapely.bounds(country_shape)
    fmap = _LeafletMap(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=7, tiles=None, control_scale=True,
                      zoom_snap=0.25, min_zoom=3, max_zoom=14, world_copy_jump=False)
    fmap.add_child(_Assets(SEA))
    fmap.get_root().header.add_child(_Raw('<meta name="referrer" content="no-referrer">'), name="zonemap_referrer")
    fmap.get_root().header.add_child(_Raw(f"<title>{html_text(scenario.title)}</title>"), name="zonemap_title")
    if provider is not None:
        folium.TileLayer(tiles=provider.build_url(), attr=provider.html_attribution, name=provider.name,
                         max_zoom=provider.get("max_zoom", 18), control=False).add_to(fmap)

    base = folium.FeatureGroup(name="Countries", control=False).add_to(fmap)
    _Call("countries", _country_layer(scenario.country, geodata, _context_box(zones, country_shape), provider is not None)).add_to(base)
    province_group = folium.FeatureGroup(name=html_text(FIELD_LABELS[lang]["provinces"])).add_to(fmap)
    _Call("provinces", _province_layer(scenario.country, geodata, lang), rtl).add_to(province_group)

    figures = zone_figures(zones, incidents)
    zone_names = {}
    for _, row in zones.iterrows():
        info = _zone_info(row, figures, lang)
        zone_names[row["id"]] = info["name"]
        group = folium.FeatureGroup(name=html_text(info["name"])).add_to(fmap)
        feature = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(_rounded(row.geometry))}
        _Call("zone", feature, info, rtl).add_to(group)

    if len(incidents):
        incident_group = folium.FeatureGroup(name=html_text(FIELD_LABELS[lang]["incidents"])).add_to(fmap)
        _Call("incidents", _incident_data(incidents, zone_names, lang), _icons(), rtl).add_to(incident_group)

    bounds = [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]]
    panels = _Panels(_panels_html(scenario, zones, incidents, figures, lang), [("zm-title", "topright"), ("zm-legend", "bottomleft")],
                     _credits_html(scenario, provider), bounds)
    fmap.add_child(panels)
    Fullscreen(position="topleft").add_to(fmap)
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
    return fmap


def render_html(scenario: Scenario, zones: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, **options) -> str:
    """The complete, self-contained HTML page of a scenario's map.

    Takes the same arguments as :func:`render_map`. Scripts, styles and icons
    are inlined, element ids are stable (same inputs, same bytes), and the
    page is checked to load nothing from the network.

    Returns
    -------
    str
        The page.

    Raises
    ------
    OfflineAssetError
        If some script or stylesheet could not be inlined.
    """
    fmap = render_map(scenario, zones, incidents, **options)
    root = fmap.get_root()
    number_elements(root)
    return finalize_page(root.render())
