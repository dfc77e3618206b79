"""The area the interactive map opens on (and prints): every zone and every incident of the region.

The zones alone are not enough: an incident just outside them (Mocha on
Yemen's coast, south of the Hodeidah zones) would open off-screen. Incidents
far abroad (talks in Astana on a map of Syria) would shrink the region to a
speck, so only those within :data:`NEARBY_DEGREES` of the zones, or in the
scenario's country, widen the view; the rest are a pan away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    from ..briefing import Briefing

NEARBY_DEGREES = 3.0
"""Incidents abroad up to this far (in degrees, about 300 km) from the zones' bounding box widen the opening view."""


def opening_bounds(briefing: Briefing) -> tuple[tuple[float, float], tuple[float, float]]:
    """South-west and north-east corners (lat, lon) of the opening view.

    Parameters
    ----------
    briefing
        A prepared briefing.

    Returns
    -------
    ((south, west), (north, east))
        The box holding every zone, and every incident in the scenario's
        country or within :data:`NEARBY_DEGREES` of the zones.
    """
    minx, miny, maxx, maxy = briefing.extent
    incidents = briefing.incidents
    if len(incidents):
        points = incidents.geometry.to_numpy()
        xs, ys = shapely.get_x(points), shapely.get_y(points)
        nearby = ((xs >= minx - NEARBY_DEGREES) & (xs <= maxx + NEARBY_DEGREES)
                  & (ys >= miny - NEARBY_DEGREES) & (ys <= maxy + NEARBY_DEGREES))
        shown = nearby | (incidents["country"] == briefing.scenario.country).to_numpy(dtype=bool)
        if shown.any():
            minx, maxx = min(minx, float(xs[shown].min())), max(maxx, float(xs[shown].max()))
            miny, maxy = min(miny, float(ys[shown].min())), max(maxy, float(ys[shown].max()))
    return (float(np.round(miny, 5)), float(np.round(minx, 5))), (float(np.round(maxy, 5)), float(np.round(maxx, 5)))
