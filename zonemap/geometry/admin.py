"""Which country and province (admin-1 unit) points fall in.

:class:`AdminLocator` is built once from a country's provinces and the
world's country outlines, and answers for many points at once: a bounding-box
filter and a prepared-polygon test per unit, vectorised with shapely 2, so a
million points take about a second. :func:`locate_points` is the one-call
form for the embedded data.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from numpy.typing import ArrayLike
import pandas as pd
import shapely

from ..data import GeoData, default_geodata
from ..errors import InputError

SPECIAL_AREAS = {"SY-UNDOF": "SY-QU"}
"""Admin-1 features that are not provinces but areas laid over them, with the
province that administers them. Points in them keep their province and get
the special area's code in ``special_area``; a zone made of whole provinces
that includes the administering province includes the special area too (the
UNDOF area of separation lies mostly in Quneitra governorate)."""


def _assign(xs: np.ndarray, ys: np.ndarray, unassigned: np.ndarray, geometries) -> np.ndarray:
    """Index of the first geometry (in the given order) that covers each unassigned point, or -1."""
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


def check_coordinates(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes as float arrays, checked.

    Parameters
    ----------
    lon, lat
        Sequences of the same length.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)

    Raises
    ------
    InputError
        If the lengths differ or a value is not a finite coordinate in range.
    """
    xs = np.asarray(lon, dtype=np.float64).ravel()
    ys = np.asarray(lat, dtype=np.float64).ravel()
    if xs.shape != ys.shape:
        raise InputError(f"got {xs.size} longitudes but {ys.size} latitudes")
    bad = ~(np.isfinite(xs) & np.isfinite(ys) & (np.abs(xs) <= 180) & (np.abs(ys) <= 90))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise InputError(f"point {first} has invalid coordinates (lon={xs[first]}, lat={ys[first]}); "
                         "expected finite longitude in [-180, 180] and latitude in [-90, 90]")
    return xs, ys


class AdminLocator:
    """Point → country and province lookups for one country, built once.

    Parameters
    ----------
    country
        ISO 3166-1 alpha-2 code of the country whose provinces are wanted.
    provinces
        Its admin-1 units (columns ``iso_3166_2``, ``name_en``, ``geometry``),
        as :meth:`GeoData.admin1` gives them.
    countries
        Country outlines (columns ``iso_a2``, ``geometry``), as
        :meth:`GeoData.admin0` gives them.
    sub_districts, districts
        The country's admin-3 and admin-2 units, as :meth:`GeoData.admin_units`
        gives them (nested in the provinces), to report those levels too.
    """

    def __init__(self, country: str, provinces: gpd.GeoDataFrame, countries: gpd.GeoDataFrame,
                 sub_districts: gpd.GeoDataFrame | None = None, districts: gpd.GeoDataFrame | None = None):
        self.country = country.upper()
        self._sub_districts = sub_districts if sub_districts is not None and len(sub_districts) else None
        self._district_names = dict(zip(districts["pcode"], districts["name_en"])) if districts is not None else {}
        special = provinces["iso_3166_2"].isin(SPECIAL_AREAS).to_numpy()
        # In code order, so a point on a border goes to the unit whose code sorts first.
        units = provinces[~special].sort_values("iso_3166_2").reset_index(drop=True)
        self._geometries = units.geometry.to_numpy()
        self._codes = units["iso_3166_2"].to_numpy(dtype=object)
        self._names = units["name_en"].to_numpy(dtype=object)
        overlays = provinces[special]
        self._overlay_geometries = overlays.geometry.to_numpy()
        self._overlay_codes = overlays["iso_3166_2"].to_numpy(dtype=object)
        others = countries[countries["iso_a2"] != self.country]
        self._country_geometries = others.geometry.to_numpy()
        self._country_codes = others["iso_a2"].to_numpy(dtype=object)

    def locate(self, lon: ArrayLike, lat: ArrayLike) -> pd.DataFrame:
        """Country and province of many points at once.

        Parameters
        ----------
        lon, lat
            Sequences (or arrays) of WGS 84 longitudes and latitudes, same length.

        Returns
        -------
        pandas.DataFrame
            One row per point, in order, with columns ``country`` (ISO
            alpha-2, or None at sea), ``admin1_code`` and ``admin1_name``
            (None outside the country), and ``special_area`` (e.g.
            ``"SY-UNDOF"`` for a point in the UN area of separation).

        Raises
        ------
        InputError
            If the coordinates are not finite numbers within range.

        Notes
        -----
        Points exactly on a border between two units are given the unit whose
        ISO code sorts first, so the answer is deterministic.
        """
        xs, ys = check_coordinates(lon, lat)
        unassigned = np.ones(len(xs), dtype=bool)
        unit_index = _assign(xs, ys, unassigned, self._geometries)
        in_country = unit_index >= 0
        country_index = _assign(xs, ys, unassigned, self._country_geometries)

        admin1_code = np.full(len(xs), None, dtype=object)
        admin1_name = np.full(len(xs), None, dtype=object)
        admin1_code[in_country] = self._codes[unit_index[in_country]]
        admin1_name[in_country] = self._names[unit_index[in_country]]
        special_area = np.full(len(xs), None, dtype=object)
        if len(self._overlay_geometries):
            overlay_index = _assign(xs, ys, in_country.copy(), self._overlay_geometries)
            inside = overlay_index >= 0
            special_area[inside] = self._overlay_codes[overlay_index[inside]]

        countries = np.full(len(xs), None, dtype=object)
        countries[in_country] = self.country
        outside = country_index >= 0
        countries[outside] = self._country_codes[country_index[outside]]
        frame = pd.DataFrame({"country": countries, "admin1_code": admin1_code, "admin1_name": admin1_name,
                              "special_area": special_area})
        if self._sub_districts is not None:
            frame = frame.assign(**self._lower_levels(xs, ys, unit_index))
        return frame

    def _lower_levels(self, xs: np.ndarray, ys: np.ndarray, unit_index: np.ndarray) -> dict[str, np.ndarray]:
        """District and sub-district of points already placed in a province: only its own units are tested."""
        units = self._sub_districts
        found = np.full(len(xs), -1, dtype=np.int64)
        for k, code in enumerate(self._codes):
            points = np.flatnonzero(unit_index == k)
            if points.size == 0:
                continue
            members = np.flatnonzero(units["iso_3166_2"].to_numpy() == code)
            inside = _assign(xs[points], ys[points], np.ones(points.size, dtype=bool), units.geometry.to_numpy()[members])
            found[points[inside >= 0]] = members[inside[inside >= 0]]
            # A point on the province's edge that no sub-district covers (rounding): the nearest one.
            for p in points[inside < 0].tolist():
                distances = shapely.distance(units.geometry.to_numpy()[members], shapely.Point(xs[p], ys[p]))
                found[p] = members[int(np.argmin(distances))]
        placed = found >= 0
        columns = {name: np.full(len(xs), None, dtype=object) for name in
                   ("admin2_code", "admin2_name", "admin3_code", "admin3_name")}
        columns["admin3_code"][placed] = units["pcode"].to_numpy(dtype=object)[found[placed]]
        columns["admin3_name"][placed] = units["name_en"].to_numpy(dtype=object)[found[placed]]
        parents = units["admin2_pcode"].to_numpy(dtype=object)[found[placed]]
        columns["admin2_code"][placed] = parents
        columns["admin2_name"][placed] = np.array([self._district_names.get(c) for c in parents], dtype=object)
        return columns


def locate_points(lon: ArrayLike, lat: ArrayLike, country: str = "SY", *, geodata: GeoData | None = None) -> pd.DataFrame:
    """Country and province of many points at once, with the embedded boundaries.

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
        See :meth:`AdminLocator.locate`; for Syria also ``admin2_code``,
        ``admin2_name``, ``admin3_code``, ``admin3_name`` (OCHA P-codes and
        names of the district and sub-district).

    Raises
    ------
    InputError
        If the coordinates are not finite numbers within range.
    """
    geodata = geodata or default_geodata()
    return locator(country, geodata).locate(lon, lat)


def locator(country: str, geodata: GeoData) -> AdminLocator:
    """The :class:`AdminLocator` of a country with every admin level the data has for it."""
    return AdminLocator(country, geodata.admin1(country), geodata.admin0(), geodata.admin_units(country, 3),
                        geodata.admin_units(country, 2))


def locate_point(lon: float, lat: float, country: str = "SY", *, geodata: GeoData | None = None) -> dict:
    """Country and province of one point; see :func:`locate_points`.

    Returns
    -------
    dict
        Keys ``country``, ``admin1_code``, ``admin1_name``, ``special_area`` (and, for Syria, admin-2/3 codes and names).
    """
    return locate_points([lon], [lat], country, geodata=geodata).iloc[0].to_dict()
