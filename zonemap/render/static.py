"""Static maps for reports: PNG, SVG and PDF with matplotlib, no browser, no network.

The static map shows what the interactive one does, styled from the same
:mod:`zonemap.render.style`: sea and land, provinces, zones (coloured and
patterned by :func:`~zonemap.render.style.zone_looks`, dashed where
approximate), incident symbols (one ``scatter`` per incident type, so
thousands of incidents draw in a fraction of a second), a legend, title and
as-of date, scale bar, north arrow, a locator inset and credits.

Nothing hides data (:mod:`zonemap.render.layout`): every zone is named and
every governorate of the area of interest large enough to see, nudged off
markers and other labels (with a leader line when moved); place labels are
then added greedily by rank (the places with most incidents first) and
dropped when they would overlap; the legend, inset, north arrow, scale bar
and a note counting incidents beyond the frame then go in corners where they
cover no zone, marker or label, or beside the map; labels of provinces
outside the area of interest come last, in the space left. Every label is in
the map's language. Arabic labels are shaped and laid out right to left by
matplotlib itself (3.11+ lays text out with libraqm) in DejaVu Sans, which
has the Arabic glyphs. The same inputs give the same bytes in every format.

:func:`draw_map` draws into any matplotlib axes (``Briefing.plot(ax=...)``);
:func:`draw_figure` makes the report page around it. In SVG output every
layer is a group (``sea``, ``countries``, ``provinces``, ``zones``,
``incidents``, ``zone-labels``, ``labels``, ``legend``, ``title``,
``scalebar``, ``north-arrow``, ``locator``, ``off-frame-note``, ``credits``;
with a choropleth, ``choropleth`` and ``choropleth-legend``) and text stays
text, editable in Inkscape or Illustrator.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnchoredOffsetbox, AuxTransformBox, DrawingArea, TextArea, VPacker
from matplotlib.patches import Patch, Polygon, Rectangle
from matplotlib.path import Path as MplPath

from ..errors import InputError
from ..geocoding.text import is_arabic
from ..geometry.admin import SPECIAL_AREAS
from ..incidents.choropleth import ChoroplethSpec
from ..incidents.choropleth import choropleth as count_by_unit
from .choropleth import choropleth_legend, fill_choropleth
from .layout import FRAME_PAD_PT, OUTSIDE, Occupancy, bbox_shape, choose_spot, place_label, stack_outside, to_display
from .style import (APPROXIMATE_DASH, COUNTRY_BORDER, FIELD_LABELS, LABEL, LAND_FOCUS, LAND_OTHER, NOT_IN_EFFECT_DASH,
                    NOT_IN_EFFECT_FADE, PROVINCE_BORDER, SEA, SPECIAL_AREA_BORDER, STATUS_PATTERNS, check_lang,
                    incident_style, side_colours, zone_looks, zone_style)

FORMATS = ("png", "svg", "pdf")
FONT = "DejaVu Sans"  # ships with matplotlib and has the Arabic presentation forms
PADDING = 0.12
MAP_BOX = (0.02, 0.09, 0.96, 0.80)
"""The map frame on the report page (figure fraction: left, bottom, width, height)."""
MAX_INCIDENT_LABELS = 30
"""At most this many incident places are labelled (those with most incidents first)."""
MARKER_AREA_PT2 = 70
MARKER_EDGE_PT = 0.9
HALO_PT = 1.5
SMALL_ZONE_PT2 = 1500
"""Zones smaller than this on the page (about 39 pt square) are kept clear of labels, their own name included,
which goes beside them with a leader line; larger zones carry their name inside."""
"""Width of the white halo around zone and governorate names."""
MIN_GOVERNORATE_AREA_PT2 = 25
"""A governorate of the area of interest is named when its visible part covers at least this much of the page
(about 2 mm square: small ones such as Damascus get a leader line)."""
LOCATOR_WIDTH = 0.2
LOCATOR_MAX_HEIGHT = 0.3
"""Size of the locator inset as a fraction of the map frame's width and at most of its height."""
HATCHES = {"hatch": "///", "dots": ".."}
"""matplotlib hatch of each zone fill pattern of :data:`~zonemap.render.style.STATUS_PATTERNS` (solid has none)."""
PATTERN_GREY = "#6b6b6b"
"""Colour of the status pattern swatches in the legend, which show the pattern apart from any side's colour."""
STATIC_LABELS = {
    "en": {"sides": "Sides", "outside_one": "{count} incident outside the map",
           "outside_many": "{count} incidents outside the map"},
    "ar": {"sides": "الأطراف", "outside_one": "حادثة خارج الخريطة: {count}",
           "outside_many": "حوادث خارج الخريطة: {count}"},
}
"""Words only the static map uses, by language."""

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..briefing import Briefing


def ltr(text: str) -> str:
    """Keep a left-to-right run (a date, a number) in order inside right-to-left text (Unicode isolates)."""
    return f"\u2066{text}\u2069"


@cache
def glyph_path(kind: str) -> MplPath:
    """The white glyph of an incident type as a matplotlib path (y up, centred, unit size)."""
    vertices, codes = _parse_svg_path(incident_style(kind).glyph)
    points = np.array(vertices, dtype=float)
    points = (points - 12.0) / 12.0
    points[:, 1] *= -1
    return MplPath(points, codes)


def _parse_svg_path(data: str) -> tuple[list[tuple[float, float]], list[int]]:
    """Parse the subset of SVG path syntax our glyphs use: M L H V Z A, absolute and relative."""
    tokens = re.findall(r"[MLHVZAmlhvza]|-?(?:\d+\.?\d*|\.\d+)", data)
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    x = y = start_x = start_y = 0.0
    command = None
    position = 0

    def number() -> float:
        nonlocal position
        value = float(tokens[position])
        position += 1
        return value

    while position < len(tokens):
        if re.fullmatch(r"[A-Za-z]", tokens[position]):
            command = tokens[position]
            position += 1
            if command in "Zz":
                codes.append(MplPath.CLOSEPOLY)
                vertices.append((start_x, start_y))
                x, y = start_x, start_y
                continue
        relative = command.islower()
        upper = command.upper()
        if upper in "ML":
            dx, dy = number(), number()
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            codes.append(MplPath.MOVETO if upper == "M" else MplPath.LINETO)
            vertices.append((x, y))
            if upper == "M":
                start_x, start_y = x, y
                command = "l" if relative else "L"
        elif upper == "H":
            value = number()
            x = x + value if relative else value
            codes.append(MplPath.LINETO)
            vertices.append((x, y))
        elif upper == "V":
            value = number()
            y = y + value if relative else value
            codes.append(MplPath.LINETO)
            vertices.append((x, y))
        elif upper == "A":
            radius, _, _, _, sweep = number(), number(), number(), number(), number()
            end_x, end_y = number(), number()
            if relative:
                end_x, end_y = x + end_x, y + end_y
            for px, py in _arc(x, y, end_x, end_y, radius, sweep == 1.0):
                codes.append(MplPath.LINETO)
                vertices.append((px, py))
            x, y = end_x, end_y
        else:
            raise ValueError(f"unsupported SVG path command {command!r}")
    return vertices, codes


def _arc(x0, y0, x1, y1, radius, sweep):
    """Points along a circular arc (the half-circle arcs of our glyphs)."""
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    start = math.atan2(y0 - cy, x0 - cx)
    end = math.atan2(y1 - cy, x1 - cx)
    if sweep and end <= start:
        end += 2 * math.pi
    if not sweep and end >= start:
        end -= 2 * math.pi
    radius = math.hypot(x0 - cx, y0 - cy)
    return [(cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in np.linspace(start, end, 12)[1:]]


def _nice_length(km: float) -> float:
    """The largest 1, 2 or 5 × 10^n not above ``km``."""
    exponent = 10 ** math.floor(math.log10(km))
    return max(step * exponent for step in (1, 2, 5) if step * exponent <= km)


class _Layout:
    """The map frame: extent in degrees and the aspect that keeps shapes true at its latitude."""

    def __init__(self, bounds, box_width: float, box_height: float):
        minx, miny, maxx, maxy = bounds
        pad_x, pad_y = (maxx - minx) * PADDING + 0.2, (maxy - miny) * PADDING + 0.2
        minx, maxx, miny, maxy = minx - pad_x, maxx + pad_x, miny - pad_y, maxy + pad_y
        self.aspect = 1 / math.cos(math.radians((miny + maxy) / 2))
        # Widen the shorter side so the frame fills the axes box without distortion.
        box_ratio = box_height / box_width
        if (maxy - miny) * self.aspect / (maxx - minx) < box_ratio:
            extra = ((maxx - minx) * box_ratio / self.aspect - (maxy - miny)) / 2
            miny, maxy = miny - extra, maxy + extra
        else:
            extra = ((maxy - miny) * self.aspect / box_ratio - (maxx - minx)) / 2
            minx, maxx = minx - extra, maxx + extra
        self.bounds = (minx, miny, maxx, maxy)
        self.box = shapely.box(*self.bounds)


def _polygon_parts(geometry):
    """The polygons of a geometry (of a collection too: clipping can leave lines and points beside them)."""
    if geometry is None or geometry.is_empty:
        return []
    if geometry.geom_type == "Polygon":
        return [geometry]
    return [part for member in getattr(geometry, "geoms", []) for part in _polygon_parts(member)]


def _polygon_path(geometry) -> MplPath:
    """One matplotlib path for all rings of a (multi)polygon; even-odd filling leaves its holes empty."""
    rings = [ring for polygon in _polygon_parts(geometry) for ring in (polygon.exterior, *polygon.interiors)]
    return MplPath.make_compound_path(*(MplPath(np.asarray(ring.coords)[:, :2], closed=True) for ring in rings))


def _plot_polygons(ax, geometries: gpd.GeoSeries, gid: str, **style) -> None:
    """Draw polygons as one collection (straight into matplotlib: geopandas' plot redraws the whole figure)."""
    paths = [_polygon_path(geometry) for geometry in geometries]
    paths = [path for path in paths if len(path.vertices)]
    if not paths:
        return
    collection = PathCollection(paths, gid=gid, **style)
    ax.add_collection(collection, autolim=False)


def _place_labels(ax, candidates, occupancy: Occupancy) -> list:
    """Add labels best rank first, skipping any that would overlap what is already drawn or leave the frame."""
    renderer = ax.figure.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    kept = []
    for _, x, y, text, style in sorted(candidates, key=lambda c: c[0]):
        artist = ax.text(x, y, text, fontfamily=FONT, parse_math=False, zorder=8, gid="labels", **style)
        box = artist.get_window_extent(renderer).expanded(1.08, 1.15)
        if occupancy.hits(bbox_shape(box)) or not (
                inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1):
            artist.remove()
            continue
        occupancy.add(bbox_shape(box))
        kept.append(artist)
    return kept


def _marker_radius_px(ax) -> float:
    """Radius of an incident symbol (disc and white edge) in display pixels."""
    return ax.figure.dpi / 72 * (math.sqrt(MARKER_AREA_PT2) / 2 + MARKER_EDGE_PT)


def _draw_incidents(ax, incidents: gpd.GeoDataFrame) -> list:
    """One scatter per incident type (disc, then glyph); returns each drawn point's pixel box."""
    if len(incidents) == 0:
        return []
    xs, ys = incidents.geometry.x.to_numpy(), incidents.geometry.y.to_numpy()
    codes, kinds = pd.factorize(incidents["type"], sort=False)  # codes: no Python string per incident
    for code, kind in enumerate(kinds):
        chosen = codes == code
        style = incident_style(kind)
        ax.scatter(xs[chosen], ys[chosen], s=MARKER_AREA_PT2, c=style.colour, edgecolors="white",
                   linewidths=MARKER_EDGE_PT, zorder=6, gid="incidents")
        ax.scatter(xs[chosen], ys[chosen], s=28, marker=glyph_path(kind), c="white", linewidths=0, zorder=7,
                   gid="incidents")
    radius = _marker_radius_px(ax)
    centres = np.unique(np.round(ax.transData.transform(np.column_stack([xs, ys]))), axis=0)
    return [matplotlib.transforms.Bbox.from_extents(x - radius, y - radius, x + radius, y + radius) for x, y in centres]


def place_names(briefing: Briefing, lang: str) -> list[str]:
    """The name of each incident's place in ``lang``, for labels.

    A place written in the other script is named as the gazetteer names it
    in ``lang`` (an Arabic spelling on an English map shows its English
    name, and the reverse); a place written in the map's script keeps the
    spelling of the scenario. Places the gazetteer has no name for in
    ``lang`` keep their label.

    Parameters
    ----------
    briefing
        A prepared briefing.
    lang
        ``"en"`` or ``"ar"``.

    Returns
    -------
    list of str
        One name per row of ``briefing.incidents`` (worked out once per
        distinct place and label: a million incidents share a few thousand).
    """
    found = {r.query: r.result for r in briefing.resolutions if r.result is not None}
    incidents = briefing.incidents
    places = incidents["place"] if "place" in incidents else pd.Series([None] * len(incidents), dtype=object)
    place_codes, _ = pd.factorize(places, sort=False)
    label_codes, _ = pd.factorize(incidents["label"], sort=False)
    _, first, pair_codes = np.unique(place_codes.astype(np.int64) * (len(incidents) + 1) + label_codes,
                                     return_index=True, return_inverse=True)
    names = []
    for place, label in zip(places.iloc[first], incidents["label"].iloc[first]):
        match = found.get(place) if isinstance(place, str) else None
        if match is None or is_arabic(place) == (lang == "ar"):
            names.append(label)
        else:
            names.append((match.name_ar if lang == "ar" else match.name) or label)
    return np.asarray(names, dtype=object)[pair_codes].tolist()


def _label_candidates(inside: gpd.GeoDataFrame, layout: _Layout) -> list:
    """(rank, x, y, text, style) of each incident place label that may be drawn, busiest places first.

    ``inside`` are the incidents in the frame, with their place's name in the map's language as ``name``.
    """
    minx, _, maxx, _ = layout.bounds
    offset = 0.012 * (maxx - minx)
    candidates = []
    if len(inside):
        places = (inside.assign(x=inside.geometry.x.round(4), y=inside.geometry.y.round(4))
                  .groupby(["x", "y", "name"], sort=False).size().sort_values(ascending=False, kind="stable"))
        for rank, ((x, y, label), count) in enumerate(places.head(MAX_INCIDENT_LABELS).items()):
            candidates.append((rank, x + offset, y, label,
                               {"fontsize": 8, "color": "#222222", "fontweight": "bold", "ha": "left", "va": "center"}))
    return candidates


def _province_candidates(units: gpd.GeoDataFrame, layout: _Layout, lang: str) -> list:
    """(rank, x, y, text, style) of province labels that may be drawn, larger provinces first."""
    candidates = []
    for unit in units.itertuples(index=False):
        point = shapely.point_on_surface(unit.geometry)
        if not layout.box.contains(point):
            continue
        candidates.append((1 / (1 + unit.geometry.area), point.x, point.y, _unit_name(unit, lang),
                           {"fontsize": 8, "color": LABEL, "ha": "center", "va": "center"}))
    return candidates


def _unit_name(unit, lang: str) -> str:
    return unit.name_ar if lang == "ar" and unit.name_ar else unit.name_en


def _zone_name(zone, lang: str) -> str:
    return zone.name_ar if lang == "ar" and isinstance(zone.name_ar, str) and zone.name_ar else zone.name


def _place_required_labels(ax, entries, frame, occupancy: Occupancy, gid: str, style: dict) -> list:
    """Labels that must appear (zone names, governorates of the area of interest), nudged off what is taken.

    ``entries`` are ``(name, anchor)`` with the anchor in lon/lat; a label
    moved away from its anchor gets a leader line to it.
    """
    halo = ax.figure.dpi / 72 * HALO_PT
    artists = []
    for name, (lon, lat) in entries:
        anchor = tuple(ax.transData.transform((lon, lat)))
        artist = ax.text(lon, lat, name, fontfamily=FONT, parse_math=False, zorder=8, gid=gid, ha="center",
                         va="center", path_effects=[patheffects.withStroke(linewidth=HALO_PT * 2, foreground="white")],
                         **style)
        _, leader = place_label(artist, ax, anchor, frame, occupancy, halo_px=halo)
        if leader is not None:
            (x0, y0), (x1, y1) = ax.transData.inverted().transform(np.asarray(leader.coords))
            artists += ax.plot([x0, x1], [y0, y1], color="#444444", linewidth=0.6, zorder=7.5, gid=gid)
        artists.append(artist)
    return artists


def _aoi_governorates(briefing: Briefing, layout: _Layout, ax) -> gpd.GeoDataFrame:
    """The focus country's governorates in the area of interest that are large enough on the page to name.

    The area of interest is the box around the zones; a governorate is
    named when its part inside the map frame covers at least
    :data:`MIN_GOVERNORATE_AREA_PT2` of the page.
    """
    units = briefing.provinces[~briefing.provinces["iso_3166_2"].isin(SPECIAL_AREAS)]
    units = units[units.intersects(shapely.box(*briefing.extent))]
    visible = units.geometry.intersection(layout.box)
    (x0, y0), (x1, y1) = ax.transData.transform([(0.0, 0.0), (1.0, 1.0)])
    pt2_per_degree2 = abs((x1 - x0) * (y1 - y0)) * (72 / ax.figure.dpi) ** 2
    return units[(shapely.area(visible.to_numpy()) * pt2_per_degree2 >= MIN_GOVERNORATE_AREA_PT2)]


def _label_anchor(geometry, frame_box) -> tuple[float, float]:
    """A point inside the visible part of a shape (its largest piece), where its name goes."""
    visible = geometry.intersection(frame_box)
    parts = getattr(visible, "geoms", [visible])
    largest = max(parts, key=lambda part: part.area)
    point = shapely.point_on_surface(largest)
    return point.x, point.y


def _draw_zones(ax, zones: gpd.GeoDataFrame, *, outlines_only: bool = False) -> None:
    """Zones coloured by :func:`~zonemap.render.style.zone_looks`, with their status pattern and outline style
    (only the outlines over a choropleth, whose class colours a zone's tint would change)."""
    looks = zone_looks(zones)
    dash = tuple(float(v) / 2 for v in APPROXIMATE_DASH.split())
    absent_dash = tuple(float(v) / 2 for v in NOT_IN_EFFECT_DASH.split())
    for zone in zones.itertuples(index=False):
        look = looks[zone.id]
        # Only a briefing cut to a date window says whether each zone existed on its end date.
        present = getattr(zone, "in_effect", True)
        fade = 1 if present else NOT_IN_EFFECT_FADE
        series = gpd.GeoSeries([zone.geometry], crs="EPSG:4326")
        if not outlines_only:
            _plot_polygons(ax, series, "zones", facecolor=look.colour, alpha=look.fill_opacity * fade,
                           edgecolor="none", zorder=3)
        if look.pattern in HATCHES:
            _plot_polygons(ax, series, "zones", facecolor="none", edgecolor=look.colour, hatch=HATCHES[look.pattern],
                           linewidth=0, alpha=fade, zorder=3.5)
        linestyle = (0, absent_dash) if not present else (0, dash) if zone.approximate else "solid"
        _plot_polygons(ax, series, "zones", facecolor="none", edgecolor=look.colour, linewidth=1.6, alpha=fade,
                       linestyle=linestyle, zorder=4)


def draw_map(briefing: Briefing, ax: Axes, *, lang: str | None = None,
             choropleth: ChoroplethSpec | str | None = None) -> Axes:
    """Draw a briefing's map into matplotlib axes.

    Draws sea, countries, provinces, zones (named), incidents, labels,
    legend, scale bar, north arrow, a locator inset and, when incidents lie
    beyond the frame, a note saying how many; sets the axes' limits to the
    area of interest with the aspect that keeps shapes true at its
    latitude. Legend, inset, north arrow, scale bar and note go where they
    cover no zone, marker or label (see :mod:`zonemap.render.layout`); any
    that fits in no corner goes in a column right of the axes.

    Parameters
    ----------
    briefing
        A prepared briefing.
    ax
        Axes belonging to a figure with a canvas (any matplotlib figure).
    lang
        ``"en"`` or ``"ar"`` labels; defaults to the scenario's.
    choropleth
        Fill the units of a level by their incidents or fatalities
        (``"fatalities:subdistrict"``, see :mod:`zonemap.incidents.choropleth`),
        with a legend of its classes; zones are then drawn as outlines.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``; data coordinates are longitude and latitude.

    Raises
    ------
    InputError
        For an unknown language, or a bad choropleth.
    """
    _draw_map(briefing, ax, lang=lang, choropleth=choropleth)
    return ax


def _draw_map(briefing: Briefing, ax: Axes, *, lang: str | None = None,
              choropleth: ChoroplethSpec | str | None = None) -> tuple[dict[str, str], float]:
    """:func:`draw_map`, returning where each piece of furniture went (name → corner or ``"outside"``)
    and the width in pixels that columns beside the frame need to hold all of them."""
    scenario = briefing.scenario
    lang = check_lang(lang or scenario.map.lang)
    labels = FIELD_LABELS[lang]
    zones, incidents = briefing.zones, briefing.incidents
    box = ax.get_window_extent()
    layout = _Layout(briefing.extent, box.width, box.height)
    minx, miny, maxx, maxy = layout.bounds
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(layout.aspect)
    ax.set_axis_off()
    ax.add_patch(Rectangle((minx, miny), maxx - minx, maxy - miny, facecolor=SEA, edgecolor="none", zorder=0, gid="sea"))

    countries = briefing.countries[briefing.countries.intersects(layout.box)]
    clipped = countries.geometry.intersection(layout.box)
    focus = (countries["iso_a2"] == scenario.country).to_numpy()
    _plot_polygons(ax, clipped[~focus], "countries", facecolor=LAND_OTHER, edgecolor=COUNTRY_BORDER, linewidth=0.7, zorder=1)
    _plot_polygons(ax, clipped[focus], "countries", facecolor=LAND_FOCUS, edgecolor=COUNTRY_BORDER, linewidth=1.2, zorder=1)
    shades = count_by_unit(briefing, choropleth) if choropleth is not None else None
    if shades is not None:
        fill_choropleth(ax, shades)

    units = briefing.provinces
    special = units["iso_3166_2"].isin(SPECIAL_AREAS).to_numpy()
    _plot_polygons(ax, units.geometry[~special], "provinces", facecolor="none", edgecolor=PROVINCE_BORDER, linewidth=0.5, zorder=2)
    _plot_polygons(ax, units.geometry[special], "provinces", facecolor="none", edgecolor=SPECIAL_AREA_BORDER,
                   linewidth=0.6, linestyle=(0, (2, 2)), zorder=2)
    _draw_zones(ax, zones, outlines_only=shades is not None)

    # Only what is drawn: a copy of every column of a million incidents would take hundreds of MB.
    drawn = incidents[["type", incidents.geometry.name]]
    named = drawn.assign(name=pd.Categorical(place_names(briefing, lang))) if len(drawn) else drawn.assign(name=[])
    within = named.geometry.within(layout.box).to_numpy() if len(named) else np.zeros(0, dtype=bool)
    inside = named[within]
    ax.apply_aspect()
    frame = ax.get_window_extent()
    occupancy = Occupancy(soft=shapely.union_all(to_display(ax, clipped[focus].to_numpy())))
    drawn_zones = to_display(ax, zones.geometry.to_numpy())
    small = shapely.area(drawn_zones) * (72 / ax.figure.dpi) ** 2 < SMALL_ZONE_PT2
    occupancy.small_zones.extend(drawn_zones[small])
    occupancy.zones.extend(drawn_zones[~small])
    occupancy.add(*(bbox_shape(b) for b in _draw_incidents(ax, inside)), layer="markers")

    label_style = {"fontsize": 8.5, "fontweight": "bold", "color": "#1a1a1a"}
    _place_required_labels(ax, [(_zone_name(zone, lang), _label_anchor(zone.geometry, layout.box))
                                for zone in zones.sort_values("area_km2", kind="stable").itertuples(index=False)
                                if zone.geometry.intersects(layout.box)],
                           frame, occupancy, "zone-labels", label_style)
    governorates = _aoi_governorates(briefing, layout, ax)
    _place_required_labels(ax, [(_unit_name(unit, lang), _label_anchor(unit.geometry, layout.box))
                                for unit in governorates.itertuples(index=False)],
                           frame, occupancy, "labels", {"fontsize": 8, "color": LABEL})
    _place_labels(ax, _label_candidates(inside, layout), occupancy)

    furniture = [_legend(ax, zones, inside, labels, lang, briefing.window[1]),
                 _choropleth_legend(ax, shades, lang) if shades is not None else None, _locator(ax, briefing, layout, frame),
                 _off_frame_note(ax, int((~within).sum()), lang), _scale_bar(ax, layout, lang), _north_arrow(ax, lang)]
    furniture = [piece for piece in furniture if piece is not None]
    spots = _arrange(ax, furniture, frame, occupancy)

    others = briefing.provinces[~briefing.provinces["iso_3166_2"].isin(
        [*SPECIAL_AREAS, *governorates["iso_3166_2"]])]
    _place_labels(ax, _province_candidates(others, layout, lang), occupancy)
    ax.set_xlabel("")
    ax.set_ylabel("")
    # Room for all of it beside the frame, whichever pieces end up there once the frame narrows.
    beside = stack_outside([(piece.width, piece.height) for piece in furniture], frame, _pad_px(ax))
    return spots, max(box.x1 for box in beside) - frame.x1 + _pad_px(ax)


def _pad_px(ax) -> float:
    return ax.figure.dpi / 72 * FRAME_PAD_PT


@dataclass
class _Furniture:
    """A legend, inset, scale bar, north arrow or note: its size in pixels and how to put it at a display box."""

    name: str
    width: float
    height: float
    put: Callable[[matplotlib.transforms.Bbox], None]


def _arrange(ax, furniture: list[_Furniture], frame, occupancy: Occupancy) -> dict[str, str]:
    """Put each piece of furniture in a free corner, or in a column right of the frame."""
    pad = _pad_px(ax)
    spots, stacks, outside = {}, {}, []
    for piece in furniture:
        corner, box = choose_spot(piece.width, piece.height, frame, occupancy, pad, stacks)
        spots[piece.name] = corner
        if box is None:
            outside.append(piece)
        else:
            piece.put(box)
    for piece, box in zip(outside, stack_outside([(p.width, p.height) for p in outside], frame, pad)):
        piece.put(box)
    return spots


def _anchor_at(ax, artist):
    """A ``put`` for an artist anchored by its lower left corner in axes fraction (legends, anchored boxes)."""
    def put(box) -> None:
        artist.set_bbox_to_anchor(tuple(ax.transAxes.inverted().transform((box.x0, box.y0))), transform=ax.transAxes)
    return put


def _choropleth_legend(ax, shades, lang: str) -> _Furniture:
    """The choropleth's classes as furniture, placed like the main legend."""
    legend = choropleth_legend(ax, shades, lang, font=FONT)
    legend.set_loc("lower left")
    legend.set_bbox_to_anchor((0, 0), transform=ax.transAxes)
    extent = legend.get_window_extent(ax.figure.canvas.get_renderer())
    return _Furniture("choropleth-legend", extent.width, extent.height, _anchor_at(ax, legend))


def _anchored(ax, child, name: str, *, frame: bool = False) -> _Furniture:
    """Furniture made of offset boxes, anchored by its lower left corner."""
    box = AnchoredOffsetbox(loc="lower left", child=child, pad=0.3 if frame else 0, borderpad=0, frameon=frame,
                            bbox_to_anchor=(0, 0), bbox_transform=ax.transAxes, zorder=10)
    if frame:
        box.patch.set(facecolor="white", edgecolor="#999999", alpha=0.95)
    box.set_gid(name)
    ax.add_artist(box)
    extent = box.get_window_extent(ax.figure.canvas.get_renderer())
    return _Furniture(name, extent.width, extent.height, _anchor_at(ax, box))


def _legend_header(text: str):
    return Line2D([], [], linestyle="none"), text


def _legend(ax, zones, incidents, labels, lang, end) -> _Furniture | None:
    handles, names, headers = [], [], []
    looks = zone_looks(zones)
    sides = [look.side for look in looks.values() if look.side]
    if sides:
        colours = side_colours(sides)
        handle, name = _legend_header(STATIC_LABELS[lang]["sides"])
        headers.append(name)
        handles.append(handle)
        names.append(name)
        for side, colour in colours.items():
            handles.append(Patch(facecolor=matplotlib.colors.to_rgba(colour, 0.35), edgecolor=colour, linewidth=1.4))
            names.append(side)
        handle, name = _legend_header(labels["status"])
        headers.append(name)
        handles.append(handle)
        names.append(name)
        # Statuses drawn alike (agreed and in force are both solid) share one swatch.
        by_pattern: dict[str, list[str]] = {}
        for status in dict.fromkeys(zones["status"]):
            by_pattern.setdefault(STATUS_PATTERNS.get(status, "solid"), []).append(zone_style(status).label(lang))
        for pattern, statuses in by_pattern.items():
            handles.append(Patch(facecolor=matplotlib.colors.to_rgba(PATTERN_GREY, 0.25), edgecolor=PATTERN_GREY,
                                 linewidth=1.2, hatch=HATCHES.get(pattern)))
            names.append(" / ".join(statuses))
    else:
        for status in dict.fromkeys(zones["status"]):
            style = zone_style(status)
            handles.append(Patch(facecolor=matplotlib.colors.to_rgba(style.colour, style.fill_opacity),
                                 edgecolor=style.colour, linewidth=1.4))
            names.append(style.label(lang))
    if zones["approximate"].any():
        handles.append(Patch(facecolor="none", edgecolor="#444444", linewidth=1.2, linestyle=(0, (3, 2))))
        names.append(f"{labels['approximate']}: {labels['approximate_yes']}")
    if "in_effect" in zones and not zones["in_effect"].all():
        handles.append(Patch(facecolor="none", edgecolor="#444444", linewidth=1.2, alpha=NOT_IN_EFFECT_FADE * 2,
                             linestyle=(0, (1, 2.5))))
        names.append(labels["not_in_effect_on"].format(date=ltr(end.isoformat())))
    for kind in incidents["type"].unique() if len(incidents) else []:
        style = incident_style(kind)
        disc = Line2D([], [], linestyle="none", marker="o", markersize=11, markerfacecolor=style.colour,
                      markeredgecolor="white")
        glyph = Line2D([], [], linestyle="none", marker=glyph_path(kind), markersize=7, markerfacecolor="white",
                       markeredgewidth=0)
        handles.append((disc, glyph))
        names.append(style.label(lang))
    if not handles:
        return None
    legend = ax.legend(handles, names, loc="lower left", bbox_to_anchor=(0, 0), bbox_transform=ax.transAxes,
                       borderaxespad=0, fontsize=8, framealpha=0.95, title=labels["legend"], title_fontsize=9,
                       handler_map={tuple: HandlerTuple(ndivide=1)}, prop={"family": FONT})
    for text in legend.get_texts():
        if text.get_text() in headers:
            text.set_fontweight("bold")
    legend.set_zorder(10)
    legend.set_gid("legend")
    extent = legend.get_window_extent(ax.figure.canvas.get_renderer())
    return _Furniture("legend", extent.width, extent.height, _anchor_at(ax, legend))


def _off_frame_note(ax, count: int, lang: str) -> _Furniture | None:
    """"N incidents outside the map", when there are any."""
    if not count:
        return None
    text = STATIC_LABELS[lang]["outside_one" if count == 1 else "outside_many"].format(count=ltr(str(count)) if lang == "ar" else count)
    area = TextArea(text, textprops={"fontsize": 8, "fontfamily": FONT, "color": "#222222", "parse_math": False,
                                     "gid": "off-frame-note"})
    return _anchored(ax, area, "off-frame-note", frame=True)


def _scale_bar(ax, layout: _Layout, lang: str) -> _Furniture:
    """A scale bar a fifth of the frame wide, rounded to 1, 2 or 5 × 10^n km."""
    minx, miny, maxx, maxy = layout.bounds
    latitude = (miny + maxy) / 2
    km_per_degree = 111.32 * math.cos(math.radians(latitude))
    length_km = _nice_length((maxx - minx) * km_per_degree / 5)
    length_deg = length_km / km_per_degree
    tick = (maxy - miny) * 0.008
    bar = AuxTransformBox(ax.transData)
    bar.add_artist(Line2D([0, length_deg], [0, 0], color="#222222", linewidth=2, solid_capstyle="butt", gid="scalebar"))
    for x in (0, length_deg / 2, length_deg):
        bar.add_artist(Line2D([x, x], [0, tick], color="#222222", linewidth=1, gid="scalebar"))
    km = f"{length_km:g} km" if lang == "en" else f"{ltr(f'{length_km:g}')} كم"
    text = TextArea(km, textprops={"fontsize": 8, "fontfamily": FONT, "gid": "scalebar"})
    return _anchored(ax, VPacker(children=[text, bar], align="center", pad=0, sep=2), "scalebar")


def _north_arrow(ax, lang: str) -> _Furniture:
    """A compact north arrow: a small filled arrowhead under the letter N (ش in Arabic)."""
    letter = TextArea("N" if lang == "en" else "ش", textprops={"fontsize": 8, "fontweight": "bold", "fontfamily": FONT,
                                                              "gid": "north-arrow"})
    drawing = DrawingArea(10, 14)
    drawing.add_artist(Polygon([(5, 14), (10, 0), (5, 4), (0, 0)], closed=True, facecolor="#222222",
                               edgecolor="none", gid="north-arrow"))
    return _anchored(ax, VPacker(children=[letter, drawing], align="center", pad=0, sep=1), "north-arrow")


def _locator(ax, briefing: Briefing, layout: _Layout, frame) -> _Furniture:
    """The locator inset: the country and its neighbours, the map frame in red; drawn once placed."""
    countries = briefing.countries
    focus = countries[countries["iso_a2"] == briefing.scenario.country]
    region = shapely.box(*focus.total_bounds).buffer(6, join_style="mitre")
    minx, miny, maxx, maxy = region.bounds
    ratio = (maxy - miny) * layout.aspect / (maxx - minx)
    width = LOCATOR_WIDTH * frame.width
    height = width * ratio
    if height > LOCATOR_MAX_HEIGHT * frame.height:
        height = LOCATOR_MAX_HEIGHT * frame.height
        width = height / ratio

    def put(box) -> None:
        (x0, y0), (x1, y1) = ax.transAxes.inverted().transform([(box.x0, box.y0), (box.x1, box.y1)])
        inset = ax.inset_axes((x0, y0, x1 - x0, y1 - y0))
        inset.set_gid("locator")
        around = countries[countries.intersects(region)]
        inset.set_xlim(minx, maxx)
        inset.set_ylim(miny, maxy)
        inset.set_aspect(layout.aspect)
        inset.set_xticks([])
        inset.set_yticks([])
        inset.set_facecolor(SEA)
        for spine in inset.spines.values():
            spine.set_edgecolor("#777777")
        _plot_polygons(inset, around.geometry.intersection(region), "locator", facecolor=LAND_OTHER,
                       edgecolor=COUNTRY_BORDER, linewidth=0.3)
        _plot_polygons(inset, focus.geometry, "locator", facecolor="#bdbdbd", edgecolor="#444444", linewidth=0.6)
        fx0, fy0, fx1, fy1 = layout.bounds
        inset.add_patch(Rectangle((fx0, fy0), fx1 - fx0, fy1 - fy0, facecolor="none", edgecolor="#d7301f",
                                  linewidth=1.2, gid="locator"))
        inset.set_xlabel("")
        inset.set_ylabel("")

    return _Furniture("locator", width, height, put)


def _draw_title(fig, briefing: Briefing, labels, lang) -> None:
    scenario = briefing.scenario
    start, end = briefing.window
    as_of = end or scenario.as_of
    align = {"x": 0.98, "ha": "right"} if lang == "ar" else {"x": 0.02, "ha": "left"}
    fig.text(y=0.955, s=scenario.title, fontsize=15, fontweight="bold", fontfamily=FONT, parse_math=False,
             gid="title", va="top", **align)
    period = labels["incidents_period"].format(start=ltr(start.isoformat()) if start else "…",
                                               end=ltr(end.isoformat()) if end else "…") if start or end else ""
    line = " · ".join(p for p in (scenario.subtitle, f"{labels['as_of']} {ltr(as_of.isoformat())}" if as_of else "",
                                  period) if p)
    if line:
        fig.text(y=0.912, s=line, fontsize=9.5, color="#444444", fontfamily=FONT, parse_math=False,
                 gid="title", va="top", **align)


def draw_figure(briefing: Briefing, *, lang: str | None = None, width_in: float = 10,
                height_in: float = 7.5, choropleth: ChoroplethSpec | str | None = None) -> tuple[Figure, Axes]:
    """The static map as a report page: the map, with title, as-of date and credits.

    Parameters
    ----------
    briefing
        A prepared briefing.
    lang
        ``"en"`` or ``"ar"`` labels; defaults to the scenario's.
    width_in, height_in
        Figure size in inches.
    choropleth
        A choropleth to draw under the zones (see :func:`draw_map`).

    Returns
    -------
    (Figure, Axes)
        The figure (with an Agg canvas) and its map axes, whose data
        coordinates are longitude and latitude.
    """
    lang = check_lang(lang or briefing.scenario.map.lang)
    fig = Figure(figsize=(width_in, height_in))
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    left, bottom, width, height = MAP_BOX
    ax = fig.add_axes(MAP_BOX)
    spots, column_px = _draw_map(briefing, ax, lang=lang, choropleth=choropleth)
    if OUTSIDE in spots.values():
        # Some furniture fits in no corner: narrow the map to make room for it in a column on the right.
        fig.delaxes(ax)
        ax = fig.add_axes((left, bottom, width - column_px / fig.bbox.width, height))
        _draw_map(briefing, ax, lang=lang, choropleth=choropleth)
    _draw_title(fig, briefing, FIELD_LABELS[lang], lang)
    fig.text(0.02, 0.02, ". ".join(c.rstrip(".") for c in briefing.credits) + ".", fontsize=7, color="#555555",
             fontfamily=FONT, parse_math=False, gid="credits", wrap=True)
    return fig, ax


def render_static(briefing: Briefing, fmt: str = "png", *, dpi: int = 200, lang: str | None = None,
                  width_in: float = 10, height_in: float = 7.5, start: dt.date | str | None = None,
                  end: dt.date | str | None = None, choropleth: ChoroplethSpec | str | None = None) -> bytes:
    """The static map of a briefing as PNG, SVG or PDF bytes.

    Parameters
    ----------
    briefing
        A prepared briefing.
    fmt
        ``"png"``, ``"svg"`` or ``"pdf"``.
    dpi
        Resolution of the PNG (SVG and PDF are vector).
    lang
        ``"en"`` or ``"ar"`` labels; defaults to the scenario's.
    width_in, height_in
        Page size in inches.
    start, end
        Draw only the incidents of this window, and the zones as they stood
        at its end (see :meth:`~zonemap.briefing.Briefing.between`).
    choropleth
        A choropleth to draw under the zones (``"fatalities:subdistrict"``, see :func:`draw_map`).

    Returns
    -------
    bytes
        The file's content; identical for identical inputs.

    Raises
    ------
    InputError
        For an unknown format or language, a bad window or a bad choropleth.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown static format {fmt!r}; use one of {', '.join(FORMATS)}")
    briefing = briefing.between(start, end)
    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}
    # SVG keeps text as text (editable, searchable); PDF embeds the font's glyphs (Type 42).
    with matplotlib.rc_context({"svg.hashsalt": "zonemap", "svg.fonttype": "none", "pdf.fonttype": 42,
                                "font.family": FONT}):
        fig, _ = draw_figure(briefing, lang=lang, width_in=width_in, height_in=height_in, choropleth=choropleth)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata[fmt])
    return buffer.getvalue()
