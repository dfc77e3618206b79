"""Zones before and after: did violence inside a zone fall once the zone came into force?

:func:`before_after` counts, for each zone, the incidents of violence inside
it (:data:`VIOLENCE_TYPES`) and their fatalities week by week, in a window before the day the zone started and the
same window after. Every output that shows the comparison (the Markdown and
CSV summaries, the report chart, the interactive map's panel) reads this one
table, through :attr:`zonemap.Briefing.before_after`.

A zone starts on the first day its history says it was ``in force``; a zone
without such a change starts on its ``valid_from``; a zone with neither is
not compared, nor is one whose window would leave the calendar (a start
within the window of year 1 or 9999). The start day itself counts as after. Weeks are counted from
the start day outwards (week 1 is the start day and the six days after it,
week -1 the seven days before it); when the window is not a whole number of
weeks, the outermost week on each side is shorter, and its ``days`` says so.

A week that the briefing's incidents do not cover entirely (a briefing cut
by :meth:`zonemap.Briefing.between` to a window that starts after the week's
first day or ends before its last) has no figures (``pd.NA``) rather than a
count that would look like a fall in violence.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import InputError
from .formats import day_numbers
from .join import text_positions

if TYPE_CHECKING:
    from ..briefing import Briefing
    from ..scenario import Zone

DEFAULT_WINDOW_DAYS = 90
"""Days compared on each side of a zone's start when nobody says otherwise."""

VIOLENCE_TYPES = ("air strike", "shelling", "clashes", "other")
"""Incident types counted as violence; ceasefires, talks, displacement and aid are not."""

EPOCH = dt.date(1970, 1, 1)

MAX_WINDOW_DAYS = 3660
"""The longest window accepted: ten years on each side."""

BEFORE_AFTER_COLUMNS = ["zone", "name", "start", "start_basis", "period", "week", "first_day", "last_day", "days",
                        "incidents", "fatalities"]
"""Columns of :func:`before_after`'s table."""

TOTAL_COLUMNS = ["zone", "name", "start", "start_basis", "window_days", "incidents_before", "incidents_after",
                 "fatalities_before", "fatalities_after"]
"""Columns of :func:`before_after_totals`' table."""


def check_window_days(window_days: object) -> int:
    """``window_days`` if it is a whole number of days from 1 to :data:`MAX_WINDOW_DAYS`.

    Parameters
    ----------
    window_days
        The length of the window on each side of a zone's start.

    Returns
    -------
    int

    Raises
    ------
    InputError
        Otherwise, saying what was expected.
    """
    if isinstance(window_days, bool) or not isinstance(window_days, (int, np.integer)) \
            or not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise InputError(f"the before/after window must be a whole number of days from 1 to {MAX_WINDOW_DAYS}, "
                         f"got {window_days!r}")
    return int(window_days)


def zone_start(zone: Zone) -> tuple[dt.date, str] | None:
    """The day a zone came into force, and what says so.

    Parameters
    ----------
    zone
        A scenario zone.

    Returns
    -------
    (datetime.date, str) or None
        The first ``in force`` change of its history and ``"in force"``;
        else its ``valid_from`` and ``"valid_from"``; None for a zone with
        neither.
    """
    for change in zone.history:
        if change.status == "in force":
            return change.date, "in force"
    if zone.valid_from is not None:
        return zone.valid_from, "valid_from"
    return None


def _weeks(window_days: int) -> list[tuple[int, int, int]]:
    """(week, first offset, last offset) from the start day, before then after, in date order."""
    count = math.ceil(window_days / 7)
    before = [(-k, -min(7 * k, window_days), -7 * (k - 1) - 1) for k in range(count, 0, -1)]
    after = [(k, 7 * (k - 1), min(7 * k, window_days) - 1) for k in range(1, count + 1)]
    return before + after


def _window_fits(start: dt.date, window_days: int) -> bool:
    """Whether the days from ``window_days`` before ``start`` to as many after are all in the calendar (years 1–9999)."""
    return (start - dt.date.min).days >= window_days and (dt.date.max - start).days >= window_days


def before_after(briefing: Briefing, window_days: int = DEFAULT_WINDOW_DAYS,
                 types: Sequence[str] = VIOLENCE_TYPES) -> pd.DataFrame:
    """Incidents and fatalities inside each zone, week by week, before and after it came into force.

    Parameters
    ----------
    briefing
        A prepared briefing (possibly cut to a date window).
    window_days
        Days compared on each side of a zone's start (see :func:`zone_start`).
    types
        Incident types counted (by default those of violence,
        :data:`VIOLENCE_TYPES`: a ceasefire or an aid convoy is not a sign
        that violence went on).

    Returns
    -------
    pandas.DataFrame
        One row per zone that has a start and per week, zones in scenario
        order, weeks in date order (:data:`BEFORE_AFTER_COLUMNS`): ``zone``
        (id), ``name``, ``start`` (date), ``start_basis`` (``"in force"`` or
        ``"valid_from"``), ``period`` (``"before"`` or ``"after"``), ``week``
        (-n … -1, 1 … n), ``first_day`` and ``last_day`` (dates, both
        included), ``days``, ``incidents`` and ``fatalities`` (nullable
        integers: ``pd.NA`` for a week the briefing's incidents do not cover;
        incidents without a fatality figure count as none). An incident in
        two overlapping zones counts in both.

    Raises
    ------
    InputError
        For a window that is not a whole number of days from 1 to :data:`MAX_WINDOW_DAYS`.

    Examples
    --------
    >>> import zonemap
    >>> table = zonemap.prepare("examples/astana-2017.yaml").before_after
    >>> table.groupby("period")["incidents"].sum().to_dict()
    {'after': 1, 'before': 0}
    """
    window_days = check_window_days(window_days)
    weeks = _weeks(window_days)
    described = {zone.id: zone for zone in briefing.scenario.zones}
    names = dict(zip(briefing.zones["id"], briefing.zones["name"]))
    incidents = briefing.incidents
    counted = incidents["type"].isin(types).to_numpy()
    day = day_numbers(incidents["date"])
    dead = incidents["fatalities"].fillna(0).to_numpy(dtype=np.int64)
    # Each (zone, incident) link as the incident's row, kept when its type counts.
    links = briefing.zone_incidents
    row_of = text_positions(links["incident_id"], incidents["id"])
    kept = row_of >= 0
    kept[kept] = counted[row_of[kept]]
    link_zone, link_row = links["zone_id"].to_numpy(dtype=object)[kept], row_of[kept]
    firsts = np.array([first for _, first, _ in weeks])
    window_start, window_end = briefing.window
    rows = []
    for zone_id in briefing.zones["id"]:
        started = zone_start(described[zone_id])
        if started is None:
            continue
        start, basis = started
        if not _window_fits(start, window_days):
            continue
        mine = link_row[link_zone == zone_id]
        offsets = day[mine] - (start - EPOCH).days
        inside = (offsets >= -window_days) & (offsets < window_days)
        week_index = np.searchsorted(firsts, offsets[inside], side="right") - 1
        counts = np.bincount(week_index, minlength=len(weeks))
        deaths = np.bincount(week_index, weights=dead[mine][inside], minlength=len(weeks))
        for index, (week, first, last) in enumerate(weeks):
            first_day, last_day = start + dt.timedelta(days=first), start + dt.timedelta(days=last)
            covered = (window_start is None or window_start <= first_day) and (window_end is None or last_day <= window_end)
            rows.append({
                "zone": zone_id, "name": names[zone_id], "start": start, "start_basis": basis,
                "period": "before" if week < 0 else "after", "week": week, "first_day": first_day, "last_day": last_day,
                "days": last - first + 1, "incidents": int(counts[index]) if covered else pd.NA,
                "fatalities": int(deaths[index]) if covered else pd.NA,
            })
    table = pd.DataFrame(rows, columns=BEFORE_AFTER_COLUMNS)
    for column in ("zone", "name", "start", "start_basis", "period", "first_day", "last_day"):
        table[column] = table[column].astype(object)
    table["week"] = table["week"].astype(int)
    table["days"] = table["days"].astype(int)
    for column in ("incidents", "fatalities"):
        table[column] = pd.array(table[column].tolist(), dtype="Int64")
    return table


def before_after_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Each zone's incidents and fatalities in the whole window before its start and the whole window after.

    Parameters
    ----------
    table
        Output of :func:`before_after`.

    Returns
    -------
    pandas.DataFrame
        One row per zone, in the table's order (:data:`TOTAL_COLUMNS`):
        ``zone``, ``name``, ``start``, ``start_basis``, ``window_days``, and
        ``incidents_before``, ``incidents_after``, ``fatalities_before``,
        ``fatalities_after`` (nullable integers: ``pd.NA`` when some week of
        that side is not covered by the briefing's incidents).
    """
    rows = []
    for zone_id, weeks in table.groupby("zone", sort=False):
        first = weeks.iloc[0]
        row = {"zone": zone_id, "name": first["name"], "start": first["start"], "start_basis": first["start_basis"],
               "window_days": int(weeks.loc[weeks["period"] == "after", "days"].sum())}
        for period in ("before", "after"):
            side = weeks[weeks["period"] == period]
            for measure in ("incidents", "fatalities"):
                values = side[measure]
                row[f"{measure}_{period}"] = pd.NA if values.isna().any() else int(values.sum())
        rows.append(row)
    totals = pd.DataFrame(rows, columns=TOTAL_COLUMNS)
    for column in TOTAL_COLUMNS[5:]:
        totals[column] = pd.array(totals[column].tolist(), dtype="Int64")
    for column in TOTAL_COLUMNS[:4]:
        totals[column] = totals[column].astype(object)
    totals["window_days"] = totals["window_days"].astype(int)
    return totals
