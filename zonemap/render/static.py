"""Static maps for reports: PNG, SVG and PDF with matplotlib, no browser, no network.

The static map shows what the interactive one does, styled from the same
:mod:`zonemap.render.style`: sea and land, provinces with labels, zones
(dashed where approximate), incident symbols (one ``scatter`` per incident
type, so thousands of incidents draw in a fraction of a second), a legend,
title and as-of date, scale bar, north arrow, a locator inset and credits.
Labels are placed greedily by rank (the places with most incidents, then
larger provinces) and dropped when they would overlap one already placed.
Arabic labels are shaped and laid out right to left by matplotlib itself
(3.11+ lays text out with libraqm) in DejaVu Sans, which has the Arabic
glyphs. The same inputs give the same bytes in every format.

:func:`draw_map` draws into any matplotlib axes (``Briefing.plot(ax=...)``);
:func:`draw_figure` makes the report page around it. In SVG output every
layer is a group (``sea``, ``countries``, ``provinces``, ``zones``,
``incidents``, ``labels``, ``legend``, ``title``, ``scalebar``,
``north-arrow``, ``locator``, ``credits``; with a choropleth, ``choropleth``
and ``choropleth-legend``) and text stays text, editable in Inkscape or
Illustrator.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from functools import cache
from typing import TYPE_CHECKING

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle
from matplotlib.path import Path as MplPath

from ..errors import InputError
from ..geometry.admin import SPECIAL_AREAS
from ..incidents.choropleth import ChoroplethSpec
from ..incidents.choropleth import choropleth as count_by_unit
from .choropleth import choropleth_legend, fill_choropleth
from .style import (APPROXIMATE_DASH, COUNTRY_BORDER, FIELD_LABELS, LABEL, LAND_FOCUS, LAND_OTHER, NOT_IN_EFFECT_DASH,
                    NOT_IN_EFFECT_FADE, PROVINCE_BORDER, SEA, SPECIAL_AREA_BORDER, check_lang, incident_style, zone_style)

FORMATS = ("png", "svg", "pdf")
FONT = "DejaVu Sans"  # ships with matplotlib and has the Arabic presentation forms
PADDING = 0.12
MAX_INCIDENT_LABELS = 30
"""At most this many incident places are labelled (those with most incidents first)."""

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


def _plot_polygons(ax, geometries: gpd.GeoSeries, gid: str, **style) -> None:
    if len(geometries) == 0:
        return
    before = len(ax.collections)
    geometries.plot(ax=ax, **style)
    for collection in ax.collections[before:]:
        collection.set_gid(gid)


def _place_labels(ax, candidates, placed_boxes) -> list:
    """Add labels best rank first, skipping any that would overlap one already placed."""
    renderer = ax.figure.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    kept = []
    for _, x, y, text, style in sorted(candidates, key=lambda c: c[0]):
        artist = ax.text(x, y, text, fontfamily=FONT, parse_math=False, zorder=8, gid="labels", **style)
        box = artist.get_window_extent(renderer).expanded(1.08, 1.15)
        if any(box.overlaps(other) for other in placed_boxes) or not (
                inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1):
            artist.remove()
            continue
        placed_boxes.append(box)
        kept.append(artist)
    return kept


def _draw_incidents(ax, incidents: gpd.GeoDataFrame) -> list:
    """One scatter per incident type (disc, then glyph); returns each drawn point's pixel box."""
    if len(incidents) == 0:
        return []
    xs, ys = incidents.geometry.x.to_numpy(), incidents.geometry.y.to_numpy()
    types = incidents["type"].to_numpy()
    for kind in dict.fromkeys(types):
        chosen = types == kind
        style = incident_style(kind)
        ax.scatter(xs[chosen], ys[chosen], s=70, c=style.colour, edgecolors="white", linewidths=0.9, zorder=6,
                   gid="incidents")
        ax.scatter(xs[chosen], ys[chosen], s=28, marker=glyph_path(kind), c="white", linewidths=0, zorder=7,
                   gid="incidents")
    # Pixel boxes of distinct symbol positions, so labels avoid them.
    centres = np.unique(np.round(ax.transData.transform(np.column_stack([xs, ys]))), axis=0)
    return [matplotlib.transforms.Bbox.from_extents(x - 7, y - 7, x + 7, y + 7) for x, y in centres]


def _label_candidates(briefing: Briefing, inside: gpd.GeoDataFrame, layout: _Layout, lang: str) -> list:
    """(rank, x, y, text, style) of each label that may be drawn: incident places, then provinces."""
    minx, _, maxx, _ = layout.bounds
    offset = 0.012 * (maxx - minx)
    candidates = []
    if len(inside):
        places = (inside.assign(x=inside.geometry.x.round(4), y=inside.geometry.y.round(4))
                  .groupby(["x", "y", "label"], sort=False).size().sort_values(ascending=False, kind="stable"))
        for rank, ((x, y, label), count) in enumerate(places.head(MAX_INCIDENT_LABELS).items()):
            candidates.append((rank / (10 * MAX_INCIDENT_LABELS), x + offset, y, label,
                               {"fontsize": 8, "color": "#222222", "fontweight": "bold", "ha": "left", "va": "center"}))
    units = briefing.provinces[~briefing.provinces["iso_3166_2"].isin(SPECIAL_AREAS)]
    for unit in units.itertuples(index=False):
        point = shapely.point_on_surface(unit.geometry)
        if not layout.box.contains(point):
            continue
        name = unit.name_ar if lang == "ar" and unit.name_ar else unit.name_en
        candidates.append((1 + 1 / (1 + unit.geometry.area), point.x, point.y, name,
                           {"fontsize": 8, "color": LABEL, "ha": "center", "va": "center"}))
    return candidates


def draw_map(briefing: Briefing, ax: Axes, *, lang: str | None = None,
             choropleth: ChoroplethSpec | str | None = None) -> Axes:
    """Draw a briefing's map into matplotlib axes.

    Draws sea, countries, provinces, zones, incidents, labels, legend, scale
    bar, north arrow and a locator inset, and sets the axes' limits to the
    area of interest with the aspect that keeps shapes true at its latitude.

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

    dash = tuple(float(v) / 2 for v in APPROXIMATE_DASH.split())
    absent_dash = tuple(float(v) / 2 for v in NOT_IN_EFFECT_DASH.split())
    for zone in zones.itertuples(index=False):
        style = zone_style(zone.status)
        # Only a briefing cut to a date window says whether each zone existed on its end date.
        present = getattr(zone, "in_effect", True)
        fade = 1 if present else NOT_IN_EFFECT_FADE
        series = gpd.GeoSeries([zone.geometry], crs="EPSG:4326")
        if shades is None:  # over a choropleth, a zone's tint would change the colours of its classes
            _plot_polygons(ax, series, "zones", facecolor=style.colour, alpha=style.fill_opacity * fade, edgecolor="none",
                           zorder=3)
        linestyle = (0, absent_dash) if not present else (0, dash) if zone.approximate else "solid"
        _plot_polygons(ax, series, "zones", facecolor="none", edgecolor=style.colour, linewidth=1.6, alpha=fade,
                       linestyle=linestyle, zorder=4)

    inside = incidents[incidents.geometry.within(layout.box)] if len(incidents) else incidents
    placed = _draw_incidents(ax, inside)
    legend = _draw_legend(ax, zones, inside, labels, lang, briefing.window[1])
    shades_legend = choropleth_legend(ax, shades, lang, font=FONT) if shades is not None else None
    scale_bar = _draw_scale_bar(ax, layout)
    _draw_north_arrow(ax)
    locator = _draw_locator(ax, briefing, layout)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    placed += [artist.get_window_extent(renderer) for artist in [legend, shades_legend, locator, *scale_bar]
               if artist is not None]
    _place_labels(ax, _label_candidates(briefing, inside, layout, lang), placed)
    ax.set_xlabel("")
    ax.set_ylabel("")
    return ax


def _draw_legend(ax, zones, incidents, labels, lang, end):
    handles, names = [], []
    for status in dict.fromkeys(zones["status"]):
        style = zone_style(status)
        handles.append(Patch(facecolor=matplotlib.colors.to_rgba(style.colour, style.fill_opacity), edgecolor=style.colour, linewidth=1.4))
        names.append(style.label(lang))
    if zones["approximate"].any():
        handles.append(Patch(facecolor="none", edgecolor="#444444", linewidth=1.2, linestyle=(0, (3, 2))))
        names.append(f"{labels['approximate']}: {labels['approximate_yes']}")
    if "in_effect" in zones and not zones["in_effect"].all():
        handles.append(Patch(facecolor="none", edgecolor="#444444", linewidth=1.2, alpha=NOT_IN_EFFECT_FADE * 2,
                             linestyle=(0, (1, 2.5))))
        names.append(labels["not_in_effect_on"].format(date=ltr(end.isoformat())))
    for kind in dict.fromkeys(incidents["type"]) if len(incidents) else []:
        style = incident_style(kind)
        disc = Line2D([], [], linestyle="none", marker="o", markersize=11, markerfacecolor=style.colour,
                      markeredgecolor="white")
        glyph = Line2D([], [], linestyle="none", marker=glyph_path(kind), markersize=7, markerfacecolor="white",
                       markeredgewidth=0)
        handles.append((disc, glyph))
        names.append(style.label(lang))
    if not handles:
        return None
    legend = ax.legend(handles, names, loc="lower left", fontsize=8, framealpha=0.95,
                       title=labels["legend"], title_fontsize=9, handler_map={tuple: HandlerTuple(ndivide=1)},
                       prop={"family": FONT})
    legend.set_zorder(10)
    legend.set_gid("legend")
    return legend


def _draw_scale_bar(ax, layout: _Layout) -> list:
    """Draw the scale bar; returns its artists."""
    minx, miny, maxx, maxy = layout.bounds
    latitude = (miny + maxy) / 2
    km_per_degree = 111.32 * math.cos(math.radians(latitude))
    length_km = _nice_length((maxx - minx) * km_per_degree / 5)
    length_deg = length_km / km_per_degree
    x0 = maxx - (maxx - minx) * 0.04 - length_deg
    y0 = miny + (maxy - miny) * 0.05
    tick = (maxy - miny) * 0.008
    artists = ax.plot([x0, x0 + length_deg], [y0, y0], color="#222222", linewidth=2, solid_capstyle="butt", zorder=9)
    for x in (x0, x0 + length_deg / 2, x0 + length_deg):
        artists += ax.plot([x, x], [y0, y0 + tick], color="#222222", linewidth=1, zorder=9)
    artists.append(ax.text(x0 + length_deg / 2, y0 + tick * 1.8, f"{length_km:g} km", ha="center", va="bottom",
                           fontsize=8, fontfamily=FONT, zorder=9))
    for artist in artists:
        artist.set_gid("scalebar")
    return artists


def _draw_north_arrow(ax) -> None:
    arrow = FancyArrow(0.035, 0.80, 0, 0.08, width=0.008, head_width=0.025, head_length=0.03, transform=ax.transAxes,
                       color="#222222", zorder=9)
    arrow.set_gid("north-arrow")
    ax.add_patch(arrow)
    ax.text(0.035, 0.92, "N", transform=ax.transAxes, ha="center", va="bottom", fontsize=10, fontweight="bold",
            fontfamily=FONT, zorder=9, gid="north-arrow")


def _draw_locator(ax, briefing: Briefing, layout: _Layout):
    inset = ax.inset_axes((0.76, 0.70, 0.23, 0.29))
    inset.set_gid("locator")
    countries = briefing.countries
    focus = countries[countries["iso_a2"] == briefing.scenario.country]
    region = shapely.box(*focus.total_bounds).buffer(6, join_style="mitre")
    around = countries[countries.intersects(region)]
    minx, miny, maxx, maxy = region.bounds
    inset.set_xlim(minx, maxx)
    inset.set_ylim(miny, maxy)
    inset.set_aspect(layout.aspect)
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_facecolor(SEA)
    for spine in inset.spines.values():
        spine.set_edgecolor("#777777")
    _plot_polygons(inset, around.geometry.intersection(region), "locator", facecolor=LAND_OTHER, edgecolor=COUNTRY_BORDER,
                   linewidth=0.3)
    _plot_polygons(inset, focus.geometry, "locator", facecolor="#bdbdbd", edgecolor="#444444", linewidth=0.6)
    x0, y0, x1, y1 = layout.bounds
    inset.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor="none", edgecolor="#d7301f", linewidth=1.2, gid="locator"))
    inset.set_xlabel("")
    inset.set_ylabel("")
    return inset


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
    ax = fig.add_axes((0.02, 0.09, 0.96, 0.80))
    draw_map(briefing, ax, lang=lang, choropleth=choropleth)
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
