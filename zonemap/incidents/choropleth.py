"""Incidents or fatalities per governorate, district, sub-district or zone, in classes for a choropleth.

:func:`choropleth` counts a briefing's incidents (or sums their fatalities)
per unit of one level and sorts the units into classes: units with none get
a class of their own, and the others are split by Fisher–Jenks natural
breaks (the classes of mapclassify's ``FisherJenks``) into at most
:data:`MAX_CLASSES` classes, which suits the skewed counts of conflict data
(a few places with most of the events).
The renderers (:mod:`zonemap.render.choropleth`) colour and label these
classes; they compute nothing themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError
from ..geometry.admin import SPECIAL_AREAS
from .join import text_positions

if TYPE_CHECKING:
    from ..briefing import Briefing

MEASURES = ("incidents", "fatalities")
"""What a choropleth shows: the number of incidents, or the sum of their fatalities."""

LEVELS = ("governorate", "district", "subdistrict", "zone")
"""The units a choropleth is drawn by (Syria's admin levels 1–3, and the scenario's zones)."""

LEVEL_ALIASES = {"province": "governorate", "admin1": "governorate", "admin2": "district", "sub-district": "subdistrict",
                 "admin3": "subdistrict", "nahiya": "subdistrict", "mantika": "district", "zones": "zone"}
"""Other words accepted for a level."""

MAX_CLASSES = 5
"""Classes of units with incidents (besides the class of units with none)."""


@dataclass(frozen=True)
class ChoroplethSpec:
    """What a choropleth shows (``measure``) and by which units (``level``).

    Attributes
    ----------
    measure
        One of :data:`MEASURES`.
    level
        One of :data:`LEVELS`.
    """

    measure: str = "incidents"
    level: str = "governorate"

    @classmethod
    def parse(cls, text: str) -> ChoroplethSpec:
        """A spec from ``MEASURE:LEVEL`` text, as ``--choropleth`` takes it.

        Parameters
        ----------
        text
            ``incidents:governorate``, ``fatalities:subdistrict``… (a
            measure alone means by governorate).

        Returns
        -------
        ChoroplethSpec

        Raises
        ------
        InputError
            For an unknown measure or level, listing the known ones.
        """
        measure, _, level = str(text).strip().lower().partition(":")
        level = level.strip() or "governorate"
        level = LEVEL_ALIASES.get(level, level)
        if measure.strip() not in MEASURES or level not in LEVELS:
            raise InputError(f"choropleth {text!r} is not MEASURE:LEVEL; expected a measure among {', '.join(MEASURES)} "
                             f"and a level among {', '.join(LEVELS)} (e.g. fatalities:subdistrict)")
        return cls(measure.strip(), level)

    def __str__(self) -> str:
        return f"{self.measure}:{self.level}"


@dataclass(frozen=True, eq=False)
class Choropleth:
    """A briefing's incidents or fatalities per unit, in classes.

    Attributes
    ----------
    spec
        What is shown, by which units.
    units
        One row per unit of the level (all of them, with or without
        incidents): ``code`` (ISO 3166-2 code, P-code or zone id),
        ``name_en``, ``name_ar``, ``value`` (int), ``class_index`` (int,
        index into :attr:`labels`), geometry (EPSG:4326).
    upper_bounds
        The largest value of each class, in order (0 first when some unit has none).
    labels
        A readable range per class: ``"0"``, ``"1–3"``, ``"4"``, ``"5–120"``…
    """

    spec: ChoroplethSpec
    units: gpd.GeoDataFrame
    upper_bounds: tuple[int, ...]
    labels: tuple[str, ...]


def _units(briefing: Briefing, level: str) -> tuple[gpd.GeoDataFrame, pd.Series | np.ndarray, np.ndarray]:
    """The units of a level (``code``, names, geometry), unit codes, and the incident row each code is for (-1: none)."""
    incidents = briefing.incidents
    if level == "zone":
        zones = briefing.zones
        units = gpd.GeoDataFrame({"code": zones["id"].to_numpy(dtype=object), "name_en": zones["name"].to_numpy(dtype=object),
                                  "name_ar": zones["name_ar"].to_numpy(dtype=object)},
                                 geometry=zones.geometry.to_numpy(), crs=zones.crs)
        links = briefing.zone_incidents
        return units, links["zone_id"].to_numpy(dtype=object), text_positions(links["incident_id"], incidents["id"])
    if level == "governorate":
        frame = briefing.provinces[~briefing.provinces["iso_3166_2"].isin(SPECIAL_AREAS)]
        code_column, incident_column = "iso_3166_2", "admin1_code"
    else:
        frame = briefing.districts if level == "district" else briefing.sub_districts
        code_column, incident_column = "pcode", "admin2_code" if level == "district" else "admin3_code"
        if frame is None or frame.empty:
            raise InputError(f"a choropleth by {level} needs the country's {level}s, and none are known for "
                             f"{briefing.scenario.country!r}; draw it by governorate or zone")
    units = gpd.GeoDataFrame({"code": frame[code_column].to_numpy(dtype=object), "name_en": frame["name_en"].to_numpy(dtype=object),
                              "name_ar": frame["name_ar"].to_numpy(dtype=object)},
                             geometry=frame.geometry.to_numpy(), crs=frame.crs)
    return units, incidents[incident_column], np.arange(len(incidents))


def natural_breaks(values: np.ndarray, k: int) -> list[int]:
    """Fisher's exact natural breaks: the upper bounds of ``k`` classes of least within-class variance.

    Parameters
    ----------
    values
        Whole numbers, at least ``k`` distinct.
    k
        Number of classes.

    Returns
    -------
    list of int
        The largest value of each class, in increasing order. The classes
        are those of mapclassify's ``FisherJenks`` (the tests compare them);
        computed here because importing mapclassify (scipy, scikit-learn)
        takes longer than a whole map build.
    """
    # Dynamic programme over the distinct values, weighted by how often each occurs: equal values never
    # need to be split between classes, and a few hundred units take a few milliseconds.
    distinct, weights = np.unique(np.asarray(values, dtype=np.int64), return_counts=True)
    x, w = distinct.astype(float), weights.astype(float)
    n = len(x)
    s0, s1, s2 = (np.concatenate([[0.0], np.cumsum(a)]) for a in (w, w * x, w * x * x))
    cost = np.full((k + 1, n + 1), np.inf)
    cost[0, 0] = 0.0
    start = np.zeros((k + 1, n + 1), dtype=np.int64)
    for classes in range(1, k + 1):
        for end in range(classes, n + 1):
            first = np.arange(classes - 1, end)  # where the last class starts
            sums = s1[end] - s1[first]
            spread = s2[end] - s2[first] - sums * sums / (s0[end] - s0[first])
            candidates = cost[classes - 1, first] + spread
            best = int(np.argmin(candidates))
            cost[classes, end], start[classes, end] = candidates[best], first[best]
    bounds, end = [], n
    for classes in range(k, 0, -1):
        bounds.append(int(distinct[end - 1]))
        end = start[classes, end]
    return bounds[::-1]


def _classes(values: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """Class index of each value and each class's upper bound: zero alone, then natural breaks."""
    positive = values[values > 0]
    distinct = np.unique(positive)
    bounds: list[int] = [0] if (values == 0).any() else []
    if distinct.size <= MAX_CLASSES:
        bounds += distinct.tolist()
    else:
        bounds += natural_breaks(positive, MAX_CLASSES)
    return np.searchsorted(np.asarray(bounds), values, side="left"), tuple(bounds)


def _labels(bounds: tuple[int, ...], smallest: int) -> tuple[str, ...]:
    """Contiguous ranges: each class from just above the previous bound (the smallest value for the first)."""
    labels = []
    for index, bound in enumerate(bounds):
        low = smallest if index == 0 else bounds[index - 1] + 1
        labels.append(f"{bound:,}" if low == bound else f"{low:,}–{bound:,}")
    return tuple(labels)


def choropleth(briefing: Briefing, spec: ChoroplethSpec | str) -> Choropleth:
    """Count a briefing's incidents (or their fatalities) per unit and class the units.

    Parameters
    ----------
    briefing
        A prepared briefing (possibly cut to a date window: only its incidents count).
    spec
        A :class:`ChoroplethSpec` or its ``MEASURE:LEVEL`` text.

    Returns
    -------
    Choropleth
        Every unit of the level with its value and class. Incidents without
        a fatality figure add no fatalities; an incident in two overlapping
        zones counts in both; incidents outside every unit (abroad) count
        in none.

    Raises
    ------
    InputError
        For a bad spec, or a level the country's data does not have.

    Examples
    --------
    >>> import zonemap
    >>> shades = choropleth(zonemap.prepare("examples/astana-2017.yaml"), "incidents:governorate")
    >>> shades.units.set_index("code").loc[["SY-DR", "SY-ID"], "value"].tolist()
    [1, 0]
    """
    spec = spec if isinstance(spec, ChoroplethSpec) else ChoroplethSpec.parse(spec)
    units, codes, rows = _units(briefing, spec.level)
    incidents = briefing.incidents
    weights = (incidents["fatalities"].fillna(0).to_numpy(dtype=np.int64) if spec.measure == "fatalities"
               else np.ones(len(incidents), dtype=np.int64))
    # Summed by code numbers: a million incidents' codes are not made into a Python string each.
    code_numbers, distinct = pd.factorize(codes, sort=False)
    counted = (code_numbers >= 0) & (rows >= 0)
    sums = np.bincount(code_numbers[counted], weights=weights[rows[counted]], minlength=len(distinct))
    totals = pd.Series(sums, index=np.asarray(distinct, dtype=object))
    values = totals.reindex(units["code"].to_numpy(dtype=object)).fillna(0).astype(np.int64).to_numpy()
    class_index, bounds = _classes(values)
    units = units.assign(value=values, class_index=class_index.astype(np.int64))
    units = units[["code", "name_en", "name_ar", "value", "class_index", "geometry"]]
    return Choropleth(spec=spec, units=units, upper_bounds=bounds, labels=_labels(bounds, int(values.min()) if len(values) else 0))
