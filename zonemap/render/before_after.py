"""Charts of the zones before and after they came into force (:attr:`zonemap.Briefing.before_after`).

Two drawings of the same table: :func:`render_before_after` is a report
figure (PNG or SVG, matplotlib), one small panel of weekly incident bars per
zone with the totals in its title; :func:`before_after_panel_html` is the
interactive map's panel section, a row per zone with a tiny inline SVG bar
chart written here (no script, no network) and every text escaped. Both read
the table and compute nothing of their own.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import InputError
from ..escaping import html_text
from ..incidents.analysis import before_after_totals
from ..missing import plain
from .style import check_lang

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..briefing import Briefing

FORMATS = ("png", "svg")
FONT = "DejaVu Sans"
BEFORE_COLOUR = "#8c8c8c"
AFTER_COLOUR = "#d95f02"
START_COLOUR = "#222222"
UNCOVERED_COLOUR = "#e6e6e6"
PANEL_COLUMNS = 3
SPARK_WIDTH, SPARK_HEIGHT = 120, 28
"""Size in pixels of a zone's chart in the interactive map's panel."""

LABELS = {
    "en": {"title": "Before and after", "arrow": "{before} → {after}", "incidents": "Incidents", "fatalities": "Fatalities", "week": "Weeks from start",
           "in force": "came into force", "valid_from": "valid from", "days": "{days} days each side", "none": "No zone has a start date to compare.",
           "not_covered": "Pale bars: weeks the map's dates do not cover."},
    "ar": {"title": "قبل وبعد", "arrow": "{before} ← {after}", "incidents": "الحوادث", "fatalities": "القتلى", "week": "أسابيع من البدء",
           "in force": "بدء السريان", "valid_from": "صالحة من", "days": "{days} يومًا على كل جانب", "none": "لا توجد منطقة لها تاريخ بدء للمقارنة.",
           "not_covered": "الأعمدة الباهتة: أسابيع خارج تواريخ الخريطة."},
}
"""Texts of the charts, by language."""

ARROW = "{before} → {after}"
"""Totals before and after in the map's panel, where they are set left to right in both languages."""


def _figure_text(value) -> str:
    """A total for a chart title: the number, or an en dash when part of the window is not covered."""
    value = plain(value)
    return "–" if value is None else f"{value:,}"


def draw_before_after(briefing: Briefing, *, lang: str | None = None) -> Figure:
    """The report figure: one panel per zone, weekly incidents before (grey) and after (orange) its start.

    Parameters
    ----------
    briefing
        A prepared briefing; its :attr:`~zonemap.Briefing.before_after` table is drawn.
    lang
        ``"en"`` or ``"ar"`` texts; defaults to the scenario's.

    Returns
    -------
    matplotlib.figure.Figure
        With an Agg canvas. Each panel's title gives the zone, its start, and
        incidents and fatalities before → after; weeks the briefing's dates
        do not cover are drawn as pale bars reaching the top.
    """
    # matplotlib is imported here, not with the module: the interactive map's panel needs none of it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    lang = check_lang(lang or briefing.scenario.map.lang)
    labels = LABELS[lang]
    table = briefing.before_after
    zones = list(dict.fromkeys(table["zone"]))
    columns = max(1, min(PANEL_COLUMNS, len(zones)))
    rows = max(1, math.ceil(len(zones) / columns))
    fig = Figure(figsize=(3.6 * columns, 2.6 * rows + 0.5))
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    fig.suptitle(f"{labels['title']} ({labels['days'].format(days=briefing.before_after_days)})", fontsize=11,
                 fontfamily=FONT, gid="title", parse_math=False)
    if not zones:
        fig.text(0.5, 0.5, labels["none"], ha="center", va="center", fontfamily=FONT, parse_math=False)
        return fig
    totals = before_after_totals(table).set_index("zone")
    highest = max(1, int(table["incidents"].max(skipna=True) if table["incidents"].notna().any() else 0))
    for position, zone_id in enumerate(zones, start=1):
        weeks = table[table["zone"] == zone_id]
        total = totals.loc[zone_id]
        ax = fig.add_subplot(rows, columns, position)
        ax.set_gid(f"before-after-{zone_id}")
        counts = weeks["incidents"]
        colours = [BEFORE_COLOUR if period == "before" else AFTER_COLOUR for period in weeks["period"]]
        centres = [week - 0.5 if week > 0 else week + 0.5 for week in weeks["week"]]
        ax.bar(centres, counts.fillna(0).astype(int), width=0.85, color=colours)
        uncovered = [c for c, value in zip(centres, counts) if pd.isna(value)]
        if uncovered:
            ax.bar(uncovered, [highest] * len(uncovered), width=0.85, color=UNCOVERED_COLOUR, gid="not-covered")
        ax.axvline(0, color=START_COLOUR, linewidth=1)
        ax.set_ylim(0, highest * 1.1)
        ax.set_xlabel(labels["week"], fontsize=7, fontfamily=FONT, parse_math=False)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.spines[["top", "right"]].set_visible(False)
        # In an Arabic line the bidi algorithm lays "before ← after" out right to left, so the arrow, drawn as
        # is, points from the earlier figure to the later one; one figure a line keeps the runs apart.
        arrow = labels["arrow"]
        incidents = arrow.format(before=_figure_text(total["incidents_before"]), after=_figure_text(total["incidents_after"]))
        fatalities = arrow.format(before=_figure_text(total["fatalities_before"]),
                                  after=_figure_text(total["fatalities_after"]))
        ax.set_title(f"{total['name']}\n{total['start']} ({labels[total['start_basis']]})\n"
                     f"{labels['incidents']} {incidents}\n{labels['fatalities']} {fatalities}",
                     fontsize=8, fontfamily=FONT, loc="center", parse_math=False)
    if table["incidents"].isna().any():
        fig.text(0.01, 0.005, labels["not_covered"], fontsize=7, fontfamily=FONT, va="bottom", parse_math=False)
    fig.tight_layout(rect=(0, 0.03, 1, 0.95))
    return fig


def render_before_after(briefing: Briefing, fmt: str = "png", *, dpi: int = 200, lang: str | None = None) -> bytes:
    """The before/after figure (:func:`draw_before_after`) as PNG or SVG bytes.

    Parameters
    ----------
    briefing
        A prepared briefing.
    fmt
        ``"png"`` or ``"svg"``.
    dpi
        Resolution of the PNG.
    lang
        ``"en"`` or ``"ar"``; defaults to the scenario's.

    Returns
    -------
    bytes
        The same inputs give the same bytes.

    Raises
    ------
    InputError
        For an unknown format or language.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown chart format {fmt!r}; use one of {', '.join(FORMATS)}")
    import matplotlib

    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
    with matplotlib.rc_context({"svg.hashsalt": "zonemap", "svg.fonttype": "none", "font.family": FONT}):
        fig = draw_before_after(briefing, lang=lang)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata[fmt])
    return buffer.getvalue()


def weekly_bars_svg(weeks: pd.DataFrame, highest: int) -> str:
    """A tiny inline SVG of one zone's weekly incidents: grey bars before its start, orange after.

    Parameters
    ----------
    weeks
        One zone's rows of the before/after table, in date order.
    highest
        The count the full bar height stands for (the same for every zone, so bars compare).

    Returns
    -------
    str
        An ``<svg>`` element; each bar has a ``data-incidents`` attribute
        (empty for a week the map's dates do not cover, drawn pale and full height).
    """
    count = max(1, len(weeks))
    step = SPARK_WIDTH / count
    bars = []
    for index, row in enumerate(weeks.itertuples(index=False)):
        value = plain(row.incidents)
        colour = UNCOVERED_COLOUR if value is None else BEFORE_COLOUR if row.period == "before" else AFTER_COLOUR
        height = SPARK_HEIGHT - 2 if value is None else (SPARK_HEIGHT - 2) * value / max(1, highest)
        bars.append(f'<rect class="zm-ba-bar zm-ba-{row.period}" x="{index * step + 0.5:.1f}" '
                    f'y="{SPARK_HEIGHT - height:.1f}" width="{max(step - 1, 0.5):.1f}" height="{height:.1f}" '
                    f'fill="{colour}" data-incidents="{"" if value is None else value}"/>')
    before = int((weeks["period"] == "before").sum())
    middle = before * step
    return (f'<svg class="zm-ba-chart" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" '
            f'aria-hidden="true">{"".join(bars)}<line x1="{middle:.1f}" x2="{middle:.1f}" y1="0" y2="{SPARK_HEIGHT}" '
            f'stroke="{START_COLOUR}" stroke-width="1"/></svg>')


def before_after_panel_html(briefing: Briefing, lang: str) -> str:
    """The interactive map's "before and after" section: per zone, its start, totals and weekly chart.

    Parameters
    ----------
    briefing
        A prepared briefing.
    lang
        ``"en"`` or ``"ar"``.

    Returns
    -------
    str
        A collapsed ``<details class="zm-before-after">`` element (empty
        text when no zone has a start date); zone names are escaped.
    """
    table = briefing.before_after
    if table.empty:
        return ""
    labels = LABELS[lang]
    highest = int(table["incidents"].max(skipna=True)) if table["incidents"].notna().any() else 0
    totals = before_after_totals(table).set_index("zone")
    parts = [f'<details class="zm-before-after"><summary>{html_text(labels["title"])}</summary>',
             f'<p class="zm-ba-note">{html_text(labels["days"].format(days=briefing.before_after_days))}</p>',
             f'<table><tr><th></th><th>{html_text(labels["incidents"])}</th><th>{html_text(labels["fatalities"])}</th>'
             "<th></th></tr>"]
    for zone_id, weeks in table.groupby("zone", sort=False):
        total = totals.loc[zone_id]
        described = next(zone for zone in briefing.scenario.zones if zone.id == zone_id)
        name = described.name_ar if lang == "ar" and described.name_ar else described.name
        incidents = ARROW.format(before=_figure_text(total["incidents_before"]), after=_figure_text(total["incidents_after"]))
        fatalities = ARROW.format(before=_figure_text(total["fatalities_before"]), after=_figure_text(total["fatalities_after"]))
        parts.append(f'<tr data-zm-ba-zone="{html_text(zone_id)}"><td>{html_text(name)}<br>'
                     f'<small><bdi dir="ltr">{html_text(str(total["start"]))}</bdi></small></td>'
                     f'<td class="zm-num zm-ba-incidents"><bdi dir="ltr">{html_text(incidents)}</bdi></td>'
                     f'<td class="zm-num zm-ba-fatalities"><bdi dir="ltr">{html_text(fatalities)}</bdi></td>'
                     f"<td>{weekly_bars_svg(weeks, highest)}</td></tr>")
    parts.append("</table></details>")
    return "".join(parts)
