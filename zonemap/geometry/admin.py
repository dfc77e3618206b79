"""Which country and province (admin-1 unit) points fall in.

:func:`locate_points` answers for many points at once: a bounding-box filter
and a prepared-polygon test per unit, vectorised with shapely 2, so a million
points take about a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from .data import GeoData, default_geodata
from .errors import InputError

SPECIAL_AREAS = {"SY-UNDOF": "SY-QU"}
"""Admin-1 features that are not provinces, with the province that administers
them. Points in them are reported with the nearest real province and the
special area's code in ``special_area``; a zone made of whole provinces that
includes the administering province includes the special area too (the UNDOF
area of separation lies in Quneitra governorate)."""


def _assign(xs: np.ndarray, ys: np.ndarray, unassigned: np.ndarray, geometries) -> np.ndarray:
    """Label of the first geometry (in the given order) that covers each unassigned point."""
    result = np.full(len(xs), -1, dtype=np.int64)
    bounds = shapely.bounds(geometries)
    for index, (geometry, (minx, miny, maxx, maxy)) in enumerate(zip(geometries, bounds)):
        candidates = np.flatnonzero(unassigned & (xs >= minx) & (xs <= maxx) & (ys >= miny) & (ys <= maxy))
        if candidates.size == 0:
            continue
        shapely.prepare(geometry)
        inside = candidates[shapely.intersects_xy(geometry, xs[candidates], ys[candidates])]
        result[inside] = index
        unassigned[inside] = False
    return result


def locate_points(lon, lat, country: str = "SY", *, geodata: GeoData | None = None) -> pd.DataFrame:
    """Country and province of many points at once.

    Parameters
    ----------
    lon, lat
        Sequences (or arrays) of WGS 84 longitudes and latitudes, same length.
    country
        ISO 3166-1 alpha-2 code of the country whose provinces are wanted;
        points elsewhere get their country and no province.
    geodata
        Boundaries to use; defaults to the embedded ones.

    Returns
    -------
    pandas.DataFrame
        One row per point, in order, with columns ``country`` (ISO alpha-2 or
        None at sea), ``admin1_code`` and ``admin1_name`` (None outside
        ``country``), and ``special_area`` (e.g. ``"SY-UNDOF"`` for a point in
        the UN area of separation, which is reported with the nearest
        governorate).

    Raises
    ------
    InputError
        If the coordinates are not finite numbers within range.

    Notes
    -----
    Points exactly on a border between two units are given the unit whose
    ISO code sorts first, so the answer is deterministic.
    """
    geodata = geodata or default_geodata()
    xs = np.asarray(lon, dtype=np.float64).ravel()
    ys = np.asarray(lat, dtype=np.float64).ravel()
    if xs.shape != ys.shape:
        raise InputError(f"got {xs.size} longitudes but {ys.size} latitudes")
    bad = ~(np.isfinite(xs) & np.isfinite(ys) & (np.abs(xs) <= 180) & (np.abs(ys) <= 90))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InputError(f"point {first} has invalid coordinates (lon={xs[first]}, lat={ys[first]}); "
                         "expected finite longitude in [-180, 180] and latitude in [-90, 90]")
    country = country.upper()
    units = geodata.admin1(country)
    special = units["iso_3166_2"].isin(SPECIAL_AREAS).to_numpy()
    # Real provinces first, in code order, so a border point goes to the first; special areas after.
    order = np.concatenate([np.flatnonzero(~special), np.flatnonzero(special)])
    units = units.iloc[order].reset_index(drop=True)
    unit_geometries = units.geometry.to_numpy()

    unassigned = np.ones(len(xs), dtype=bool)
    unit_index = _assign(xs, ys, unassigned, unit_geometries)
    in_country = unit_index >= 0

    admin0 = geodata.admin0()
    admin0 = admin0[admin0["iso_a2"] != country].reset_index(drop=True)
    country_index = _assign(xs, ys, unassigned, admin0.geometry.to_numpy())

    codes = units["iso_3166_2"].to_numpy(dtype=object)
    names = units["name_en"].to_numpy(dtype=object)
    is_special = units["iso_3166_2"].isin(SPECIAL_AREAS).to_numpy()
    admin1_code = np.full(len(xs), None, dtype=object)
    admin1_name = np.full(len(xs), None, dtype=object)
    special_area = np.full(len(xs), None, dtype=object)
    admin1_code[in_country] = codes[unit_index[in_country]]
    admin1_name[in_country] = names[unit_index[in_country]]

    in_special = in_country & is_special[np.maximum(unit_index, 0)]
    if in_special.any():
        special_area[in_special] = codes[unit_index[in_special]]
        provinces = np.flatnonzero(~is_special)
        points = shapely.points(xs[in_special], ys[in_special])
        distances = shapely.distance(unit_geometries[provinces][:, None], points[None, :])
        nearest = provinces[np.argmin(distances, axis=0)]
        admin1_code[in_special] = codes[nearest]
        admin1_name[in_special] = names[nearest]

    countries = np.full(len(xs), None, dtype=object)
    countries[in_country] = country
    outside = country_index >= 0
    countries[outside] = admin0["iso_a2"].to_numpy(dtype=object)[country_index[outside]]
    return pd.DataFrame({"country": countries, "admin1_code": admin1_code, "admin1_name": admin1_name,
                         "special_area": special_area})


def locate_point(lon: float, lat: float, country: str = "SY", *, geodata: GeoData | None = None) -> dict:
    """Country and province of one point; see :func:`locate_points`.

    Returns
    -------
    dict
        Keys ``country``, ``admin1_code``, ``admin1_name``, ``special_area``.
    """
    return locate_points([lon], [lat], country, geodata=geodata).iloc[0].to_dict()
