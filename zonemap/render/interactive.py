"""The interactive map: folium page with zones, provinces and incidents.

folium builds the page skeleton (map, feature groups, layer control, scale,
fullscreen). The layers themselves are drawn by a small script of ours
(``templates/zonemap.js``) from JSON data, so that no scenario text is ever
parsed as HTML or spliced into JavaScript source (see :mod:`zonemap.escaping`).
The page works with no tiles: country and province outlines from ``geodata/``
form the base map; online tiles are opt-in.
"""

from __future__ import annotations

import html as html_module
from importlib import resources

from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import shapely
import xyzservices.providers as xyz
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen

from ..errors import InputError
from ..escaping import html_text, link_html, script_json
from ..geometry.admin import SPECIAL_AREAS
from ..missing import plain
from .page import finalize_page, number_elements
from .style import (APPROXIMATE_DASH, COUNTRY_BORDER, FIELD_LABELS, INCIDENT_STYLES, LAND_FOCUS, LAND_OTHER, PROVINCE_BORDER,
                    SEA, SPECIAL_AREA_BORDER, TILE_ALIASES, check_lang, incident_icon_svg, incident_style, zone_style)

if TYPE_CHECKING:
    from ..briefing import Briefing

COORDINATE_DECIMALS = 5  # about 1 m: finer than any boundary we draw
CONTEXT_DEGREES = 8.0  # how far around the zones neighbouring countries are drawn


def _template(name: str) -> str:
    return resources.files("zonemap.render").joinpath(f"templates/{name}").read_text(encoding="utf-8")


class _LeafletMap(folium.Map):
    """folium's map with only Leaflet itself: our layers need no jQuery, Bootstrap or icon fonts,
    which would add about a megabyte to every self-contained page."""

    default_js = [(name, url) for name, url in folium.Map.default_js if name == "leaflet"]
    default_css = [(name, url) for name, url in folium.Map.default_css if name == "leaflet_css"]

    def _repr_html_(self, **kwargs) -> str:
        """The map inline in Jupyter, with its scripts inlined: it shows on a machine with no network too."""
        page = finalize_page(self.get_root().render())
        return ('<div style="position:relative;width:100%;height:0;padding-bottom:60%">'
                f'<iframe srcdoc="{html_module.escape(page, quote=True)}" title="map" '
                'style="position:absolute;width:100%;height:100%;left:0;top:0;border:0" allowfullscreen></iframe></div>')


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
        calls.append(f"zonemap.fit({map_name}, {self.bounds});")
        return "\n".join(calls) + "\n"


def _rounded(geometry):
    return shapely.set_precision(geometry, 10 ** -COORDINATE_DECIMALS)


def _feature_collection(geometries: gpd.GeoSeries, properties: list[dict]) -> dict:
    features = []
    for geometry, props in zip(geometries, properties):
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


def _country_layer(briefing: Briefing, tiles: bool) -> dict:
    box = shapely.box(*briefing.extent).buffer(CONTEXT_DEGREES, join_style="mitre")
    countries = briefing.countries[briefing.countries.intersects(box)]
    clipped = countries.geometry.intersection(box)
    focus = briefing.scenario.country
    properties = [{"focus": code == focus, "stroke": COUNTRY_BORDER,
                   "fill": (LAND_FOCUS if code == focus else LAND_OTHER) if not tiles else "transparent"}
                  for code in countries["iso_a2"]]
    return _feature_collection(clipped, properties)


def _province_layer(briefing: Briefing, lang: str) -> dict:
    units = briefing.provinces
    labels = FIELD_LABELS[lang]
    properties = []
    for unit in units.itertuples(index=False):
        special = unit.iso_3166_2 in SPECIAL_AREAS
        name = unit.name_ar if lang == "ar" and unit.name_ar else unit.name_en
        point = shapely.point_on_surface(unit.geometry)
        properties.append({
            "code": unit.iso_3166_2, "name": name, "special": special,
            "note": labels["special_area"] if special else None,
            "stroke": SPECIAL_AREA_BORDER if special else PROVINCE_BORDER,
            "label": None if special else [round(point.x, 4), round(point.y, 4)],
        })
    return _feature_collection(units.geometry, properties)


def zone_label(zone, lang: str) -> str:
    """A zone's name in the map's language (its Arabic name on an Arabic map, where given)."""
    return zone.name_ar if lang == "ar" and isinstance(zone.name_ar, str) and zone.name_ar else zone.name


def _validity(zone) -> str | None:
    start, end = zone.valid_from, zone.valid_to
    if not start and not end:
        return None
    return f"{start or '…'} – {end or '…'}"


def _zone_info(zone, lang: str) -> dict:
    labels = FIELD_LABELS[lang]
    style = zone_style(zone.status)
    name = zone_label(zone, lang)
    rows = [
        [labels["status"], style.label(lang)],
        [labels["guarantors"], ", ".join(zone.guarantors)],
        [labels["valid"], _validity(zone)],
        [labels["provinces"], ", ".join(zone.provinces)],
        [labels["area"], f"{zone.area_km2:,.0f} {labels['km2']}"],
        [labels["incidents"], str(zone.incidents)],
        [labels["fatalities"], str(zone.fatalities)],
        [labels["approximate"], labels["approximate_yes"] if zone.approximate else labels["approximate_no"]],
        [labels["notes"], zone.notes],
    ]
    return {"id": zone.id, "name": name, "colour": style.colour, "fillOpacity": style.fill_opacity,
            "approximate": bool(zone.approximate), "dash": APPROXIMATE_DASH, "popup": {"title": name, "rows": rows}}


def _incident_data(briefing: Briefing, zone_names: dict[str, str], lang: str) -> list[dict]:
    labels = FIELD_LABELS[lang]
    items = []
    for row in briefing.incidents.itertuples(index=False):
        style = incident_style(row.type)
        type_label = style.label(lang)
        point = row.geometry
        admin1, country, matched = plain(row.admin1), plain(row.country), plain(row.matched_place)
        place = row.label if matched in (None, row.label) else f"{row.label} ({matched})"
        where = ", ".join(p for p in (place, admin1 if admin1 != row.label else None, country) if p)
        fatalities = plain(row.fatalities)
        rows = [
            [labels["date"], row.date],
            [labels["place"], where],
            [labels["type"], type_label],
            [labels["fatalities"], None if fatalities is None else str(fatalities)],
            [labels["actors"], ", ".join(row.actors)],
            [labels["in_zone"], ", ".join(zone_names[z] for z in row.zones)],
            ["", row.description],
        ]
        link = None
        outlet, source_date = plain(row.source_outlet), plain(row.source_date)
        if outlet:
            link = {"label": labels["source"], "url": plain(row.source_url),
                    "text": outlet + (f" ({source_date})" if source_date else "")}
        items.append({"id": row.id, "type": row.type if row.type in INCIDENT_STYLES else "other",
                      "lat": round(point.y, COORDINATE_DECIMALS), "lon": round(point.x, COORDINATE_DECIMALS),
                      "popup": {"title": f"{type_label}: {row.label}", "rows": rows, "link": link}})
    return items


def _icons() -> dict:
    return {kind: {"svg": incident_icon_svg(kind), "className": style.css_class} for kind, style in INCIDENT_STYLES.items()}


def _panels_html(briefing: Briefing, lang: str) -> str:
    scenario, zones, incidents = briefing.scenario, briefing.zones, briefing.incidents
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
    for zone in zones.itertuples(index=False):
        title.append(f"<tr><td>{html_text(zone_label(zone, lang))}</td>"
                     f"<td>{html_text(zone_style(zone.status).label(lang))}</td>"
                     f'<td class="zm-num">{zone.area_km2:,.0f}</td><td class="zm-num">{int(zone.incidents)}</td>'
                     f'<td class="zm-num">{int(zone.fatalities)}</td></tr>')
    title.append("</table></details>")
    title.append("</div>")

    legend = [f'<div id="zm-legend" class="zm-panel zm-legend" hidden{rtl}><details open><summary>{html_text(labels["legend"])}</summary>']
    legend.append(f"<h2>{html_text(labels['zones'])}</h2>")
    for status in dict.fromkeys(zones["status"]):
        style = zone_style(status)
        legend.append(f'<div class="zm-legend-row"><span class="zm-swatch" style="border-color:{style.colour};'
                      f'background:{style.colour}55"></span>{html_text(style.label(lang))}</div>')
    if zones["approximate"].any():
        legend.append(f'<div class="zm-legend-row"><span class="zm-swatch zm-swatch-dashed" style="border-color:#444"></span>'
                      f'{html_text(labels["approximate"])}: {html_text(labels["approximate_yes"])}</div>')
    if len(incidents):
        legend.append(f"<h2>{html_text(labels['incidents'])}</h2>")
        for kind in dict.fromkeys(incidents["type"]):
            legend.append(f'<div class="zm-legend-row">{incident_icon_svg(kind, 18)}'
                          f'{html_text(incident_style(kind).label(lang))}</div>')
    legend.append("</details></div>")
    return "\n".join(title + legend)


def _credits_html(briefing: Briefing, provider) -> str:
    parts = [html_text(credit) for credit in briefing.credits]
    if provider is not None:
        parts.append(provider.html_attribution)
    return " | ".join(parts)


def render_map(briefing: Briefing, *, lang: str | None = None, tiles: str | None = None) -> folium.Map:
    """Build the folium map of a briefing.

    Parameters
    ----------
    briefing
        A prepared briefing (:func:`zonemap.prepare`).
    lang
        ``"en"`` or ``"ar"`` labels; defaults to the scenario's ``map.lang``.
    tiles
        ``"none"`` for the offline base map, or a tile provider name; defaults
        to the scenario's ``map.tiles``.

    Returns
    -------
    folium.Map
        Not yet self-contained: use :func:`render_html` for the offline page.

    Raises
    ------
    InputError
        For an unknown language or tile provider.
    """
    scenario = briefing.scenario
    lang = check_lang(lang or scenario.map.lang)
    provider = tile_provider(tiles if tiles is not None else scenario.map.tiles)
    rtl = lang == "ar"
    minx, miny, maxx, maxy = briefing.extent
    fmap = _LeafletMap(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=7, tiles=None, control_scale=True,
                      zoom_snap=0.25, min_zoom=3, max_zoom=14, world_copy_jump=False)
    fmap.add_child(_Assets(SEA))
    fmap.get_root().header.add_child(_Raw('<meta name="referrer" content="no-referrer">'), name="zonemap_referrer")
    fmap.get_root().header.add_child(_Raw(f"<title>{html_text(scenario.title)}</title>"), name="zonemap_title")
    if provider is not None:
        folium.TileLayer(tiles=provider.build_url(), attr=provider.html_attribution, name=provider.name,
                         max_zoom=provider.get("max_zoom", 18), control=False).add_to(fmap)

    base = folium.FeatureGroup(name="Countries", control=False).add_to(fmap)
    _Call("countries", _country_layer(briefing, provider is not None)).add_to(base)
    province_group = folium.FeatureGroup(name=html_text(FIELD_LABELS[lang]["provinces"])).add_to(fmap)
    _Call("provinces", _province_layer(briefing, lang), rtl).add_to(province_group)

    zone_names = {}
    for zone in briefing.zones.itertuples(index=False):
        info = _zone_info(zone, lang)
        zone_names[zone.id] = info["name"]
        group = folium.FeatureGroup(name=html_text(info["name"])).add_to(fmap)
        feature = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(_rounded(zone.geometry))}
        _Call("zone", feature, info, rtl).add_to(group)

    if len(briefing.incidents):
        incident_group = folium.FeatureGroup(name=html_text(FIELD_LABELS[lang]["incidents"])).add_to(fmap)
        _Call("incidents", _incident_data(briefing, zone_names, lang), _icons(), rtl).add_to(incident_group)

    bounds = [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]]
    panels = _Panels(_panels_html(briefing, lang), [("zm-title", "topright"), ("zm-legend", "bottomleft")],
                     _credits_html(briefing, provider), bounds)
    fmap.add_child(panels)
    Fullscreen(position="topleft").add_to(fmap)
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
    return fmap


def render_html(briefing: Briefing, *, lang: str | None = None, tiles: str | None = None) -> str:
    """The complete, self-contained HTML page of a briefing's map.

    Scripts, styles and icons are inlined, element ids are stable (same
    inputs, same bytes), and the page is checked to load nothing from the
    network.

    Parameters
    ----------
    briefing
        A prepared briefing.
    lang, tiles
        As for :func:`render_map`.

    Returns
    -------
    str
        The page.

    Raises
    ------
    OfflineAssetError
        If some script or stylesheet could not be inlined.
    """
    fmap = render_map(briefing, lang=lang, tiles=tiles)
    root = fmap.get_root()
    number_elements(root)
    return finalize_page(root.render())
