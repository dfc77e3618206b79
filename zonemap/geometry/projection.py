"""Distances and areas on the ellipsoid, through local projections.

Buffers are computed in an azimuthal equidistant projection centred on the
towns, areas in a Lambert equal-area projection centred on the shape, so that
kilometres and square kilometres are true wherever a zone lies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyproj
import shapely


@dataclass(frozen=True)
class _Projection:
    forward: pyproj.Transformer
    inverse: pyproj.Transformer

    @classmethod
    @lru_cache(maxsize=64)
    def centred(cls, name: str, lon: float, lat: float) -> _Projection:
        crs = pyproj.CRS.from_proj4(f"+proj={name} +lat_0={lat:.6f} +lon_0={lon:.6f} +datum=WGS84 +units=m +no_defs")
        return cls(pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True),
                   pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True))

    def to_metres(self, geometry):
        return shapely.transform(geometry, self.forward.transform, interleaved=False)

    def to_degrees(self, geometry):
        return shapely.transform(geometry, self.inverse.transform, interleaved=False)


def area_km2(geometry) -> float:
    """Area of a WGS 84 geometry in km², in a Lambert equal-area projection centred on it.

    Parameters
    ----------
    geometry
        A shapely geometry in longitude/latitude, or None.

    Returns
    -------
    float
        0 for None or an empty geometry.
    """
    if geometry is None or geometry.is_empty:
        return 0.0
    centre = geometry.centroid
    # Lambert's projection is equal-area wherever it is centred; a coarse centre lets the
    # (costly) transformer be reused across zones.
    return _Projection.centred("laea", round(centre.x), round(centre.y)).to_metres(geometry).area / 1e6


def buffered_hull(points: list[tuple[float, float]], buffer_km: float):
    """Convex hull of ``(lon, lat)`` points, buffered by ``buffer_km``, as a WGS 84 polygon.

    Parameters
    ----------
    points
        Longitude/latitude pairs (one point gives a disc, two a rounded strip).
    buffer_km
        Buffer distance in kilometres.

    Returns
    -------
    shapely.Polygon
    """
    lons, lats = zip(*points)
    # Centred within 0.1 degree of the towns: distances from the centre stay true to well under 0.1%.
    projection = _Projection.centred("aeqd", round(float(np.mean(lons)), 1), round(float(np.mean(lats)), 1))
    hull = projection.to_metres(shapely.MultiPoint(points)).convex_hull
    return shapely.make_valid(projection.to_degrees(hull.buffer(buffer_km * 1000, quad_segs=16)))


def buffered_line(points: list[tuple[float, float]], buffer_km: float):
    """The strip ``buffer_km`` either side of the line through ``(lon, lat)`` points, in order, as a WGS 84 polygon.

    Parameters
    ----------
    points
        Two or more longitude/latitude pairs (a road's towns or bends).
    buffer_km
        Half the strip's width, in kilometres.

    Returns
    -------
    shapely.Polygon
    """
    lons, lats = zip(*points)
    projection = _Projection.centred("aeqd", round(float(np.mean(lons)), 1), round(float(np.mean(lats)), 1))
    line = projection.to_metres(shapely.LineString(points))
    return shapely.make_valid(projection.to_degrees(line.buffer(buffer_km * 1000, quad_segs=16)))


def polygonal(geometry):
    """Only the polygon parts of a geometry (make_valid and intersections can add lines and points)."""
    if geometry.is_empty:
        return geometry
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()
