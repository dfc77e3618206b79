"""How a zone is told apart on the interactive map: fill patterns, name label, legend groups.

The look itself (colour by side or status, pattern by status) is decided once,
by :func:`zonemap.render.style.zone_looks`; this module turns it into what the
page needs. Hatched and dotted fills are SVG ``<pattern>`` elements, written
once into the page and referenced from each zone outline as ``url(#id)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import shapely
from shapely.ops import polylabel

from ..escaping import html_text
from .style import FIELD_LABELS, NO_SIDE_COLOUR, STATUS_PATTERNS, ZoneLook, zone_style

PATTERN_TILE = 8
"""Size in pixels of one tile of a hatch or dot pattern."""

PATTERN_BACKGROUND_OPACITY = 0.18
"""Opacity of the tint under the hatch lines or dots, so a patterned zone still reads as an area."""

LEGEND_PATTERN_COLOUR = "#444444"
"""Colour of the status swatches when colour tells sides apart: the pattern, not the colour, is the message."""

LABEL_TOLERANCE = 0.01
"""Degrees (about 1 km): precision of a zone label's position, far below a label's size on screen."""

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def pattern_id(pattern: str, colour: str) -> str:
    """The element id of the SVG pattern that fills with ``pattern`` in ``colour`` (``#rrggbb``)."""
    return f"zm-pattern-{pattern}-{colour.lstrip('#').lower()}"


def pattern_fill(pattern: str, colour: str) -> str:
    """An SVG ``fill`` value: the colour itself for a solid fill, a ``url(#…)`` reference otherwise."""
    return colour if pattern == "solid" else f"url(#{pattern_id(pattern, colour)})"


def _pattern(pattern: str, colour: str) -> str:
    tile = PATTERN_TILE
    head = (f'<pattern id="{pattern_id(pattern, colour)}" patternUnits="userSpaceOnUse" width="{tile}" height="{tile}"'
            + (' patternTransform="rotate(45)">' if pattern == "hatch" else ">")
            + f'<rect width="{tile}" height="{tile}" fill="{colour}" fill-opacity="{PATTERN_BACKGROUND_OPACITY}"/>')
    if pattern == "hatch":
        mark = f'<line x1="1.5" y1="0" x2="1.5" y2="{tile}" stroke="{colour}" stroke-width="3" stroke-opacity="0.85"/>'
    else:
        mark = f'<circle cx="{tile / 2}" cy="{tile / 2}" r="1.8" fill="{colour}" fill-opacity="0.9"/>'
    return head + mark + "</pattern>"


def pattern_defs(colours: Iterable[str]) -> str:
    """One hidden ``<svg>`` holding every hatch and dot pattern in each of ``colours``.

    Parameters
    ----------
    colours
        ``#rrggbb`` colours (zonemap's own palette, never scenario text).

    Returns
    -------
    str
        Markup to place once in the page.

    Raises
    ------
    ValueError
        For a colour that is not ``#rrggbb``.
    """
    patterns = []
    for colour in dict.fromkeys(colours):
        if not _HEX.match(colour):
            raise ValueError(f"not a #rrggbb colour: {colour!r}")
        patterns += [_pattern(kind, colour) for kind in sorted(set(STATUS_PATTERNS.values()) - {"solid"})]
    return ('<svg class="zm-patterns" width="0" height="0" aria-hidden="true" focusable="false" '
            'style="position:absolute;width:0;height:0;overflow:hidden">'
            f'<defs>{"".join(patterns)}</defs></svg>')


def label_point(geometry) -> tuple[float, float]:
    """Where a zone's name goes: the point deepest inside its largest part (lon, lat, rounded).

    Parameters
    ----------
    geometry
        A zone's (multi)polygon in degrees.

    Returns
    -------
    tuple of float
    """
    parts = list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]
    polygons = [part for part in parts if isinstance(part, shapely.Polygon) and not part.is_empty]
    if not polygons:
        point = shapely.point_on_surface(geometry)
    else:
        largest = max(polygons, key=lambda polygon: polygon.area)
        point = polylabel(largest.simplify(LABEL_TOLERANCE / 2), tolerance=LABEL_TOLERANCE)
        if not largest.contains(point):  # simplification can move the pole out of a thin part
            point = shapely.point_on_surface(largest)
    return round(point.x, 4), round(point.y, 4)


def _swatch(colour: str, fill: str, fill_opacity: float) -> str:
    return (f'<svg class="zm-swatch-svg" width="22" height="12" viewBox="0 0 22 12" aria-hidden="true">'
            f'<rect x="1" y="1" width="20" height="10" fill="{fill}" fill-opacity="{fill_opacity}" stroke="{colour}" '
            'stroke-width="2"/></svg>')


def side_legend_html(looks: dict[str, ZoneLook], statuses: Iterable[str], lang: str) -> list[str]:
    """Legend rows when zones have sides: one group of side colours, one of status patterns.

    Parameters
    ----------
    looks
        :func:`~zonemap.render.style.zone_looks` of the map's zones (with sides).
    statuses
        Every status a zone has on some date the map can show.
    lang
        The map's language.

    Returns
    -------
    list of str
        Escaped HTML lines.
    """
    labels = FIELD_LABELS[lang]
    rows = [f"<h2>{html_text(labels['sides'])}</h2>"]
    sides = dict.fromkeys((look.side, look.colour) for look in looks.values())
    for side, colour in sorted(sides, key=lambda pair: pair[0] is None):
        name = side if side is not None else labels["no_side"]
        rows.append(f'<div class="zm-legend-row zm-legend-side">{_swatch(colour, colour, 0.55)}{html_text(name)}</div>')
    rows.append(f"<h2>{html_text(labels['status'])}</h2>")
    for status in dict.fromkeys(statuses):
        pattern = STATUS_PATTERNS.get(status, "solid")
        fill = pattern_fill(pattern, LEGEND_PATTERN_COLOUR)
        rows.append(f'<div class="zm-legend-row zm-legend-pattern" data-zm-pattern="{pattern}">'
                    f'{_swatch(LEGEND_PATTERN_COLOUR, fill, 1.0 if pattern != "solid" else 0.35)}'
                    f'{html_text(zone_style(status).label(lang))}</div>')
    return rows


def look_colours(looks: dict[str, ZoneLook]) -> list[str]:
    """Every colour a pattern may be needed in: the zones', a zone without a side, and the legend's."""
    return [*(look.colour for look in looks.values()), NO_SIDE_COLOUR, LEGEND_PATTERN_COLOUR]
