"""Where a static map puts its labels and furniture so that nothing hides data.

Everything here works in display coordinates (pixels of the figure as
drawn), measured after drawing: zones are their polygons transformed to
display space, markers their symbol extents, labels their text extents.

- :func:`place_label` puts a label that must appear (a zone's name, a
  governorate of the area of interest) at its anchor or, when that spot is
  taken, at the nearest free spot around it, with a leader line back to the
  anchor once it has moved off the anchor.
- :func:`choose_spot` puts a piece of furniture (legend, locator inset,
  north arrow, scale bar, the off-frame note) in the corner of the map frame
  where it covers no data, preferring the corner that hides least of the
  focus country; with no free corner it goes outside the frame, in a column
  beside the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from matplotlib.transforms import Bbox

CORNERS = ("lower left", "upper left", "upper right", "lower right")
"""Corners of the map frame in order of preference (on ties)."""

OUTSIDE = "outside"
"""The spot of furniture that fits in no corner: the column right of the map frame."""

FRAME_PAD_PT = 5.0
"""Gap between furniture and the edge of the map frame, or between stacked furniture."""

NUDGE_RINGS = 14
"""How many steps in each direction from its anchor a label tries before giving up on free space."""


def bbox_shape(box: Bbox) -> shapely.Polygon:
    """A matplotlib bounding box as a shapely rectangle (display coordinates)."""
    return shapely.box(box.x0, box.y0, box.x1, box.y1)


def to_display(ax, geometries, tolerance_px: float = 0.5) -> np.ndarray:
    """Geometries in lon/lat as shapely geometries in display coordinates.

    Outlines are first simplified to ``tolerance_px``: boundary data has detail
    no pixel shows, and transforming all of it would be slow.
    """
    (x0, _), (x1, _) = ax.transData.transform([(0.0, 0.0), (1.0, 0.0)])
    degrees_per_px = 1 / abs(x1 - x0)
    simple = shapely.simplify(np.asarray(geometries, dtype=object), tolerance_px * degrees_per_px)
    return shapely.transform(simple, ax.transData.transform)


@dataclass
class Occupancy:
    """What is drawn where, in display coordinates, in layers.

    ``labels`` (with their leader lines, and furniture) and ``markers`` may
    be overlapped by nothing. ``small_zones`` are zones too small to carry
    a label: labels and furniture keep off them, leader lines may cross
    them. ``zones`` are the other zones: labels may sit on them, furniture
    may not. ``soft`` is what furniture should rather not cover (the focus
    country's land), used only to choose between free corners.
    """

    labels: list = field(default_factory=list)
    markers: list = field(default_factory=list)
    small_zones: list = field(default_factory=list)
    zones: list = field(default_factory=list)
    soft: object = None

    def __post_init__(self) -> None:
        self._trees: dict[str, shapely.STRtree] = {}

    def add(self, *shapes, layer: str = "labels") -> None:
        """Mark more of the page as taken."""
        getattr(self, layer).extend(shapes)
        self._trees.pop(layer, None)

    def hits(self, shape: shapely.Geometry, layers: tuple[str, ...] = ("labels", "markers", "small_zones")) -> bool:
        """Whether ``shape`` touches anything in these layers (by default what a label must not cover)."""
        for layer in layers:
            if layer not in self._trees:
                self._trees[layer] = shapely.STRtree(getattr(self, layer))
            if len(self._trees[layer].query(shape, predicate="intersects")):
                return True
        return False

    def soft_cover(self, box: shapely.Geometry) -> float:
        """Area of ``box`` over the soft layer (0 without one)."""
        return 0.0 if self.soft is None else float(shapely.intersection(box, self.soft).area)


def place_label(artist, ax, anchor: tuple[float, float], frame: Bbox, occupancy: Occupancy, *,
                halo_px: float) -> tuple[Bbox, shapely.LineString | None]:
    """Move a text artist to the free spot nearest its anchor and mark it taken.

    Tries the anchor itself, then positions around it, nearest first (steps
    of a quarter of the label's width and most of its height), keeping inside
    ``frame``. A label off its anchor needs a leader line back to it, which
    should cross no other label. When every such spot is taken the label
    goes to the nearest free spot even if its leader crosses another label,
    and with no free spot at all it stays at its anchor: a label that must
    appear is never dropped.

    Parameters
    ----------
    artist
        A matplotlib ``Text`` in ``ax``'s data coordinates, centred on its
        position (``ha``/``va`` ``"center"``).
    ax
        The axes; the label's position is kept in data coordinates, so it
        stays put when the figure is saved at another resolution.
    anchor
        The display point the label names.
    frame
        Display box the label must stay in.
    occupancy
        What is taken; the label's box and leader are added to it.
    halo_px
        Width of the label's halo, kept free as well.

    Returns
    -------
    (matplotlib.transforms.Bbox, shapely.LineString or None)
        The label's box (halo included) where it was put, and its leader
        line in display coordinates if it needs one.
    """
    renderer = artist.figure.canvas.get_renderer()
    to_data = ax.transData.inverted().transform
    artist.set_position(to_data(anchor))
    extent = artist.get_window_extent(renderer).padded(halo_px)
    width, height = extent.width, extent.height
    chosen = free = None
    for x, y in _positions_around(anchor, width, height, frame):
        box = Bbox.from_bounds(x - width / 2, y - height / 2, width, height)
        if occupancy.hits(bbox_shape(box)):
            continue
        leader = _leader(box, anchor, halo_px)
        free = free or (box, leader)
        if leader is None or not occupancy.hits(leader, ("labels",)):
            chosen = box, leader
            break
    # Rather a leader line across another label than a label on top of one.
    chosen = chosen or free or (Bbox.from_bounds(anchor[0] - width / 2, anchor[1] - height / 2, width, height), None)
    box, leader = chosen
    artist.set_position(to_data(((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)))
    occupancy.add(bbox_shape(box), *([leader] if leader is not None else []))
    return box, leader


def _positions_around(anchor, width: float, height: float, frame: Bbox) -> list[tuple[float, float]]:
    """Centres for a label near ``anchor``, nearest first, each inside ``frame``."""
    step_x, step_y = max(width / 4, height), 0.9 * height
    offsets = [(i * step_x, j * step_y) for i in range(-NUDGE_RINGS, NUDGE_RINGS + 1)
               for j in range(-NUDGE_RINGS, NUDGE_RINGS + 1)]
    offsets.sort(key=lambda offset: (math.hypot(*offset), offset))
    positions = []
    for dx, dy in offsets:
        x, y = anchor[0] + dx, anchor[1] + dy
        if frame.x0 + width / 2 <= x <= frame.x1 - width / 2 and frame.y0 + height / 2 <= y <= frame.y1 - height / 2:
            positions.append((x, y))
    return positions


def _leader(box: Bbox, anchor: tuple[float, float], slack_px: float) -> shapely.LineString | None:
    """The line from a label's box back to its anchor, or None when the label sits on its anchor.

    It stops ``slack_px`` short of the anchor, which may lie under the very
    marker or zone the label names.
    """
    if box.padded(slack_px).contains(*anchor):
        return None
    end = nearest_edge_point(box, anchor)
    length = math.dist(anchor, end)
    start = (anchor[0] + (end[0] - anchor[0]) * slack_px / length, anchor[1] + (end[1] - anchor[1]) * slack_px / length)
    return shapely.LineString([start, end])


def nearest_edge_point(box: Bbox, point: tuple[float, float]) -> tuple[float, float]:
    """The point of ``box``'s outline nearest ``point`` (outside the box)."""
    return min(max(point[0], box.x0), box.x1), min(max(point[1], box.y0), box.y1)


def corner_box(corner: str, width: float, height: float, frame: Bbox, pad: float, inset: float = 0.0) -> Bbox:
    """The display box of furniture of this size in a corner of ``frame``, ``inset`` pixels in from its top or bottom."""
    vertical, horizontal = corner.split()
    x0 = frame.x0 + pad if horizontal == "left" else frame.x1 - pad - width
    y0 = frame.y0 + pad + inset if vertical == "lower" else frame.y1 - pad - inset - height
    return Bbox.from_bounds(x0, y0, width, height)


def choose_spot(width: float, height: float, frame: Bbox, occupancy: Occupancy, pad: float,
                stacks: dict[str, float]) -> tuple[str, Bbox | None]:
    """The corner of ``frame`` where a box of this size covers nothing taken.

    Furniture already in a corner stays there; the next piece goes above or
    below it (``stacks`` holds how far each corner is filled, and is
    updated). Among free corners the one covering least of
    ``occupancy.soft`` wins, then an empty corner, then the first in
    :data:`CORNERS`. Marks the chosen box taken.

    Returns
    -------
    (str, Bbox or None)
        The corner and its display box, or ``(OUTSIDE, None)`` when every
        corner covers something.
    """
    free = []
    for order, corner in enumerate(CORNERS):
        box = corner_box(corner, width, height, frame, pad, stacks.get(corner, 0.0))
        shape = bbox_shape(box.padded(pad / 2))
        inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
        if inside and not occupancy.hits(shape, ("labels", "markers", "small_zones", "zones")):
            free.append((occupancy.soft_cover(shape), stacks.get(corner, 0.0), order, corner, box))
    if not free:
        return OUTSIDE, None
    *_, corner, box = min(free)
    occupancy.add(bbox_shape(box))
    stacks[corner] = stacks.get(corner, 0.0) + height + pad
    return corner, box


def stack_outside(sizes: list[tuple[float, float]], frame: Bbox, pad: float) -> list[Bbox]:
    """Display boxes for furniture stacked top down beside ``frame``, in as many columns as its height needs."""
    boxes = []
    left, top, column_width = frame.x1 + pad, frame.y1, 0.0
    for width, height in sizes:
        if boxes and top - height < frame.y0:
            left, top, column_width = left + column_width + pad, frame.y1, 0.0
        boxes.append(Bbox.from_bounds(left, top - height, width, height))
        top -= height + pad
        column_width = max(column_width, width)
    return boxes
