"""The interactive map: folium page with zones, provinces and incidents.

folium builds the page skeleton (map, feature groups, layer control, scale,
fullscreen). The layers themselves are drawn by a small script of ours
(``templates/zonemap.js``) from JSON data, so that no scenario text is ever
parsed as HTML or spliced into JavaScript source (see :mod:`zonemap.escaping`).
Incidents travel as packed columns (:mod:`zonemap.render.incident_data`): the
script draws a few as icons, and many on a canvas with count bubbles, filtered
by a date slider and the legend's type toggles, which also restyle each zone
as it stood on the slider's end date. Zones look as :func:`~zonemap.render.style.zone_looks`
decides (patterns and labels: :mod:`zonemap.render.zone_identity`); names follow
the map's language (:mod:`zonemap.render.place_names`); the page opens on
:func:`~zonemap.render.opening_view.opening_bounds`, clear of the panels, which
become buttons on narrow screens.
The page works with no tiles: country and province outlines from ``geodata/``
form the base map; online tiles are opt-in. A choropleth layer
(``templates/analysis.js``, :mod:`zonemap.render.choropleth`) and the title
panel's before/after section (:mod:`zonemap.render.before_after`) are built
by their own modules.
"""

from __future__ import annotations

import datetime as dt
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
from ..incidents.choropleth import ChoroplethSpec, choropleth as count_by_unit
from ..incidents.formats import day_numbers
from .before_after import before_after_panel_html
from .choropleth import choropleth_layer, choropleth_title
from .incident_data import COORDINATE_SCALE, TYPE_ORDER, encode_columns, incident_columns
from .opening_view import opening_bounds
from .page import finalize_page, number_elements
from .place_names import incident_labels_in_language, label_in_language
from .style import (APPROXIMATE_DASH, COUNTRY_BORDER, FIELD_LABELS, INCIDENT_STYLES, LAND_FOCUS, LAND_OTHER,
                    NOT_IN_EFFECT_DASH, NOT_IN_EFFECT_FADE, PROVINCE_BORDER, SEA, SPECIAL_AREA_BORDER, STATUS_PATTERNS,
                    TILE_ALIASES, ZONE_STYLES, ZoneLook, check_lang, incident_icon_svg, incident_style, zone_looks,
                    zone_style)
from .zone_identity import label_point, look_colours, pattern_defs, pattern_fill, side_legend_html

if TYPE_CHECKING:
    from ..briefing import Briefing
    from ..scenario import Zone

COORDINATE_DECIMALS = 5  # about 1 m: finer than any boundary we draw
EPOCH = dt.date(1970, 1, 1)
ADMIN_UNIT_TOLERANCE = 0.002  # degrees (about 200 m): districts and sub-districts are drawn as thin context lines
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
        self.css = _template("zonemap.css").replace("var(--zm-sea, #dbe9f4)", sea) + _template("analysis.css")
        self.js = _template("zonemap.js") + _template("analysis.js")

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

    def __init__(self, body: str, panels: list[tuple[str, str]], credits_html: str):
        super().__init__()
        self._name = "ZonemapPanels"
        self.body = body
        self.panels = panels
        self.credits = script_json(credits_html)

    def html_text(self) -> str:
        return self.body

    def script_text(self) -> str:
        map_name = self._parent.get_name()
        calls = [f"zonemap.panel({map_name}, {script_json(id_)}, {script_json(position)});" for id_, position in self.panels]
        calls.append(f"{map_name}.attributionControl.addAttribution({self.credits});")
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


def _admin_unit_layer(units: gpd.GeoDataFrame, level_label: str, lang: str) -> dict:
    """Districts or sub-districts, simplified to the map's scale, named in both scripts for the hover."""
    # Plain Douglas-Peucker: these are thin context lines, and it is ten times faster than keeping topology.
    geometries = gpd.GeoSeries(shapely.simplify(units.geometry.to_numpy(), ADMIN_UNIT_TOLERANCE, preserve_topology=False),
                               crs=units.crs)
    properties = []
    for unit in units.itertuples():
        first, second = (unit.name_ar, unit.name_en) if lang == "ar" and unit.name_ar else (unit.name_en, unit.name_ar)
        properties.append({"code": unit.Index if units.index.name == "pcode" else unit.pcode, "name": first,
                           "other": second if second and second != first else None, "level": level_label})
    return _feature_collection(geometries, properties)


def zone_label(zone, lang: str) -> str:
    """A zone's name in the map's language (its Arabic name on an Arabic map, where given)."""
    return _zone_names(zone, lang)[0]


def _zone_names(zone, lang: str) -> tuple[str, str | None]:
    """A zone's name in the map's language, and in the other script where known."""
    arabic = zone.name_ar if isinstance(zone.name_ar, str) and zone.name_ar else None
    return label_in_language(lang, zone.name, None, arabic)


def _validity(zone) -> str | None:
    start, end = zone.valid_from, zone.valid_to
    if not start and not end:
        return None
    return f"{start or '…'} – {end or '…'}"


def _day(date: dt.date | None) -> int | None:
    """Days since 1970-01-01, as the page counts them."""
    return None if date is None else (date - EPOCH).days


def _zone_info(zone, described: Zone | None, look: ZoneLook, lang: str) -> dict:
    """What the page's script needs of a zone: look, label, popup, and its dates (``described``: the scenario's zone)."""
    labels = FIELD_LABELS[lang]
    style = zone_style(zone.status)
    name, other_name = _zone_names(zone, lang)
    # A third item keys the rows that the date slider rewrites.
    rows = [
        [labels["status"], style.label(lang), "status"],
        [labels["guarantors"], ", ".join(zone.guarantors)],
        [labels["valid"], _validity(zone)],
        [labels["provinces"], ", ".join(zone.provinces)],
        [labels["area"], f"{zone.area_km2:,.0f} {labels['km2']}"],
        [labels["incidents"], str(zone.incidents), "incidents"],
        [labels["fatalities"], str(zone.fatalities), "fatalities"],
        [labels["approximate"], labels["approximate_yes"] if zone.approximate else labels["approximate_no"]],
        [labels["notes"], zone.notes],
    ]
    history = described.history if described else ()
    if look.side is not None:
        rows.insert(1, [labels["side"], look.side])
    return {"id": zone.id, "name": name, "colour": look.colour, "fillOpacity": look.fill_opacity,
            "fill": pattern_fill(look.pattern, look.colour), "pattern": look.pattern,
            "label": label_point(zone.geometry), "area": float(zone.area_km2), "approximate": bool(zone.approximate),
            "dash": APPROXIMATE_DASH,
            "popup": {"title": name, "subtitle": other_name, "rows": rows},
            "status": described.status if described else zone.status, "statusLabel": style.label(lang),
            "history": [[_day(change.date), change.status] for change in history],
            "from": _day(described.valid_from) if described else None, "to": _day(described.valid_to) if described else None}


def _incident_payload(briefing: Briefing, zone_names: dict[str, str], lang: str) -> dict:
    """The incidents as one packed block of columns (see :mod:`zonemap.render.incident_data`)."""
    labels = FIELD_LABELS[lang]
    resolved = {resolution.query: resolution.result for resolution in briefing.resolutions}
    place_labels, other_names = incident_labels_in_language(briefing.incidents["place"], briefing.incidents["label"],
                                                            resolved, lang)
    incidents = briefing.incidents.assign(label=place_labels, label_other=other_names)
    columns, texts = incident_columns(incidents, briefing.zone_incidents, zone_names,
                                      (labels["sub_district"], labels["district"]))
    return encode_columns(columns, texts) | {"scale": COORDINATE_SCALE}


def _incident_options(lang: str, rtl: bool) -> dict:
    """Icons, type names and popup labels, indexed like the type codes of the incident columns."""
    labels = FIELD_LABELS[lang]
    icons = {kind: {"svg": incident_icon_svg(kind), "className": style.css_class, "colour": style.colour, "glyph": style.glyph}
             for kind, style in INCIDENT_STYLES.items()}
    fields = {key: labels[key] for key in ("date", "place", "type", "fatalities", "actors", "in_zone", "source", "here",
                                           "more", "other_script")}
    return {"icons": icons, "types": list(TYPE_ORDER), "typeLabels": [incident_style(kind).label(lang) for kind in TYPE_ORDER],
            "fields": fields, "rtl": rtl}


def _date_domain(briefing: Briefing) -> list[int] | None:
    """First and last day the date slider offers: the incidents', the zones' status changes, the map's dates."""
    dates = briefing.incidents["date"]
    days = [int(day) for day in day_numbers([dates.min(), dates.max()])] if len(dates) else []  # ISO dates sort as text
    days += [_day(change.date) for zone in briefing.scenario.zones for change in zone.history]
    days += [_day(date) for date in (briefing.scenario.as_of, *briefing.window) if date is not None]
    return [min(days), max(days)] if days else None


def _absent_on_some_day(zone: Zone, first: int, last: int) -> bool:
    """Whether the zone did not exist on some day from ``first`` to ``last`` (day numbers)."""
    start = max(day for day in (_day(zone.valid_from), _day(zone.history[0].date) if zone.history else None, first)
                if day is not None)
    end = _day(zone.valid_to)
    return start > first or (end is not None and end < last)


def _filters_config(briefing: Briefing, lang: str, rtl: bool) -> dict:
    """The date slider and type toggles: the dates, how zones look on a date, and the control's labels.

    Without sides a zone's colour follows its status on the slider's date; with sides
    (``bySide``) it keeps its side's colour and the status changes its fill pattern.
    """
    labels = FIELD_LABELS[lang]
    by_side = any(look.side is not None for look in zone_looks(briefing.zones).values())
    return {
        "domain": _date_domain(briefing), "types": list(TYPE_ORDER), "zoneIds": list(briefing.zones["id"]),
        "statuses": {status: {"colour": style.colour, "fillOpacity": style.fill_opacity, "label": style.label(lang),
                              "pattern": STATUS_PATTERNS.get(status, "solid")}
                     for status, style in ZONE_STYLES.items()},
        "bySide": by_side,
        "absentDash": NOT_IN_EFFECT_DASH, "fade": NOT_IN_EFFECT_FADE, "rtl": rtl,
        "labels": {key: labels[key] for key in ("shown", "play", "pause", "dates", "from", "to", "not_in_effect")},
    }


def _panels_html(briefing: Briefing, lang: str) -> str:
    scenario, zones, incidents = briefing.scenario, briefing.zones, briefing.incidents
    labels = FIELD_LABELS[lang]
    rtl = ' dir="rtl"' if lang == "ar" else ""
    title = [f'<div id="zm-title" class="zm-panel zm-title" hidden{rtl}>', f"<h1>{html_text(scenario.title)}</h1>"]
    if scenario.subtitle:
        title.append(f'<p class="zm-subtitle">{html_text(scenario.subtitle)}</p>')
    start, end = briefing.window
    as_of = end or scenario.as_of
    if as_of:
        title.append(f'<p class="zm-asof">{html_text(labels["as_of"])} <bdi dir="ltr">{html_text(as_of.isoformat())}</bdi></p>')
    if start or end:
        period = labels["incidents_period"].format(start=f'<bdi dir="ltr">{start.isoformat() if start else "…"}</bdi>',
                                                   end=f'<bdi dir="ltr">{end.isoformat() if end else "…"}</bdi>')
        title.append(f'<p class="zm-asof">{period}</p>')
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
        title.append(f'<tr data-zm-zone="{html_text(zone.id)}"><td>{html_text(zone_label(zone, lang))}</td>'
                     f'<td class="zm-zone-status">{html_text(zone_style(zone.status).label(lang))}</td>'
                     f'<td class="zm-num">{zone.area_km2:,.0f}</td>'
                     f'<td class="zm-num zm-zone-incidents">{int(zone.incidents):,}</td>'
                     f'<td class="zm-num zm-zone-fatalities">{int(zone.fatalities):,}</td></tr>')
    title.append("</table></details>")
    title.append(before_after_panel_html(briefing, lang))
    title.append("</div>")

    legend = [f'<div id="zm-legend" class="zm-panel zm-legend" hidden{rtl}><details open><summary>{html_text(labels["legend"])}</summary>']
    legend.append(f"<h2>{html_text(labels['zones'])}</h2>")
    # Every status a zone has on some date of the slider, and whether some zone is absent on one of them.
    domain = _date_domain(briefing)
    statuses = [*zones["status"], *(change.status for zone in scenario.zones for change in zone.history)]
    looks = zone_looks(zones)
    if any(look.side is not None for look in looks.values()):
        legend += side_legend_html(looks, statuses, lang)
    else:
        for status in dict.fromkeys(statuses):
            style = zone_style(status)
            legend.append(f'<div class="zm-legend-row"><span class="zm-swatch" style="border-color:{style.colour};'
                          f'background:{style.colour}55"></span>{html_text(style.label(lang))}</div>')
    if zones["approximate"].any():
        legend.append(f'<div class="zm-legend-row"><span class="zm-swatch zm-swatch-dashed" style="border-color:#444"></span>'
                      f'{html_text(labels["approximate"])}: {html_text(labels["approximate_yes"])}</div>')
    if domain and any(_absent_on_some_day(zone, *domain) for zone in scenario.zones):
        legend.append(f'<div class="zm-legend-row"><span class="zm-swatch zm-swatch-absent" style="border-color:#444"></span>'
                      f'{html_text(labels["not_in_effect_chosen"])}</div>')
    if len(incidents):
        legend.append(f"<h2>{html_text(labels['incidents'])}</h2>")
        present = set(incidents["type"].unique())
        for kind in [kind for kind in TYPE_ORDER if kind in present or (kind == "other" and present - set(TYPE_ORDER))]:
            legend.append(f'<label class="zm-legend-row zm-type-toggle"><input type="checkbox" checked '
                          f'data-zm-type="{TYPE_ORDER.index(kind)}">{incident_icon_svg(kind, 18)}'
                          f'{html_text(incident_style(kind).label(lang))}</label>')
    legend.append("</details></div>")
    return "\n".join(title + legend)


def _credits_html(briefing: Briefing, provider) -> str:
    parts = [html_text(credit) for credit in briefing.credits]
    if provider is not None:
        parts.append(provider.html_attribution)
    return " | ".join(parts)


def _add_choropleth(fmap: folium.Map, briefing: Briefing, spec: ChoroplethSpec | str | None, lang: str, rtl: bool) -> None:
    """The choropleth layer: the one asked for, shown; else incidents per governorate, off until turned on."""
    if spec is None and not len(briefing.incidents):
        return
    shades = count_by_unit(briefing, spec if spec is not None else ChoroplethSpec())
    group = folium.FeatureGroup(name=html_text(choropleth_title(shades, lang)), show=spec is not None).add_to(fmap)
    _Call("choropleth", choropleth_layer(shades, lang), rtl).add_to(group)


def render_map(briefing: Briefing, *, lang: str | None = None, tiles: str | None = None,
               choropleth: ChoroplethSpec | str | None = None) -> folium.Map:
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
    choropleth
        Show this choropleth (``"fatalities:subdistrict"``, see
        :mod:`zonemap.incidents.choropleth`) as a layer, turned on, with its
        legend; without it, a map with incidents has a layer of incidents
        per governorate, turned off.

    Returns
    -------
    folium.Map
        Not yet self-contained: use :func:`render_html` for the offline page.

    Raises
    ------
    InputError
        For an unknown language or tile provider, or a bad choropleth.
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
    for units, key in ((briefing.districts, "districts"), (briefing.sub_districts, "sub_districts")):
        if units is not None and len(units):
            # Off until asked for: the zones, not the administrative grid, are the map's message.
            group = folium.FeatureGroup(name=html_text(FIELD_LABELS[lang][key]), show=False).add_to(fmap)
            level = FIELD_LABELS[lang]["district" if key == "districts" else "sub_district"]
            _Call("adminUnits", _admin_unit_layer(units, level, lang), rtl).add_to(group)
    _add_choropleth(fmap, briefing, choropleth, lang, rtl)

    zone_names = {}
    described = {zone.id: zone for zone in scenario.zones}
    looks = zone_looks(briefing.zones)
    fmap.get_root().html.add_child(_Raw(pattern_defs(look_colours(looks))), name="zonemap_patterns")
    for zone in briefing.zones.itertuples(index=False):
        info = _zone_info(zone, described.get(zone.id), looks[zone.id], lang)
        zone_names[zone.id] = info["name"]
        group = folium.FeatureGroup(name=html_text(info["name"])).add_to(fmap)
        feature = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(_rounded(zone.geometry))}
        _Call("zone", feature, info, rtl).add_to(group)

    if len(briefing.incidents):
        incident_group = folium.FeatureGroup(name=html_text(FIELD_LABELS[lang]["incidents"])).add_to(fmap)
        _Call("incidents", _incident_payload(briefing, zone_names, lang), _incident_options(lang, rtl)).add_to(incident_group)

    panels = _Panels(_panels_html(briefing, lang), [("zm-title", "topright"), ("zm-legend", "bottomleft")],
                     _credits_html(briefing, provider))
    fmap.add_child(panels)
    fmap.add_child(_Call("filters", _filters_config(briefing, lang, rtl)))
    Fullscreen(position="topleft").add_to(fmap)
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
    fmap.add_child(_Call("layout", _layout_config(briefing, lang)))
    return fmap


def _layout_config(briefing: Briefing, lang: str) -> dict:
    """The opening view, and the buttons that stand in for the panels on narrow screens."""
    labels = FIELD_LABELS[lang]
    (south, west), (north, east) = opening_bounds(briefing)
    return {"bounds": [[round(south, 5), round(west, 5)], [round(north, 5), round(east, 5)]],
            "buttons": {key: labels[f"show_{key}"] for key in ("title", "legend", "layers")}}


def render_html(briefing: Briefing, *, lang: str | None = None, tiles: str | None = None,
                choropleth: ChoroplethSpec | str | None = None) -> str:
    """The complete, self-contained HTML page of a briefing's map.

    Scripts, styles and icons are inlined, element ids are stable (same
    inputs, same bytes), and the page is checked to load nothing from the
    network.

    Parameters
    ----------
    briefing
        A prepared briefing.
    lang, tiles, choropleth
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
    fmap = render_map(briefing, lang=lang, tiles=tiles, choropleth=choropleth)
    root = fmap.get_root()
    number_elements(root)
    html = root.render()
    del fmap, root  # the map's elements hold the incidents' data: for a million incidents, tens of MB
    return finalize_page(html)
