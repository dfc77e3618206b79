"""Zones before and after they came into force (zonemap.incidents.analysis), on hand-countable incidents.

tests/data/before_after.yaml: Eastern Ghouta came into force on 2017-07-22 (history), with violence in
Douma on 07-08 (3 killed), 07-15 (2), 07-21 (no figure) and 07-22 (1), a ceasefire on 07-23 and
shelling on 06-01 (7); Idlib's zone starts on 2017-09-15 (valid_from) with one air strike on 09-20 (4).
"""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from zonemap import InputError, Settings, prepare
from zonemap.incidents.analysis import BEFORE_AFTER_COLUMNS, before_after, before_after_totals, zone_start

SCENARIO = Path(__file__).parent / "data" / "before_after.yaml"


@pytest.fixture(scope="module")
def briefing():
    return prepare(SCENARIO, settings=Settings(before_after_days=14))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def weeks_of(table: pd.DataFrame, zone: str) -> list[tuple]:
    rows = table[table["zone"] == zone]
    return [(r.week, r.first_day.isoformat(), r.last_day.isoformat(), r.days,
             None if pd.isna(r.incidents) else r.incidents, None if pd.isna(r.fatalities) else r.fatalities)
            for r in rows.itertuples(index=False)]


def test_weeks_before_and_after_count_by_hand(briefing):
    table = briefing.before_after
    assert list(table.columns) == BEFORE_AFTER_COLUMNS
    assert weeks_of(table, "ghouta") == [(-2, "2017-07-08", "2017-07-14", 7, 1, 3), (-1, "2017-07-15", "2017-07-21", 7, 2, 2),
                                         (1, "2017-07-22", "2017-07-28", 7, 1, 1), (2, "2017-07-29", "2017-08-04", 7, 0, 0)]
    assert weeks_of(table, "idlib") == [(-2, "2017-09-01", "2017-09-07", 7, 0, 0), (-1, "2017-09-08", "2017-09-14", 7, 0, 0),
                                        (1, "2017-09-15", "2017-09-21", 7, 1, 4), (2, "2017-09-22", "2017-09-28", 7, 0, 0)]
    # The zone without a date is not compared; the zone's start and what says so are given.
    assert list(dict.fromkeys(table["zone"])) == ["ghouta", "idlib"]
    assert set(zip(table["zone"], table["start"], table["start_basis"])) == {
        ("ghouta", day("2017-07-22"), "in force"), ("idlib", day("2017-09-15"), "valid_from")}


def test_totals_and_the_default_window(briefing):
    totals = before_after_totals(briefing.before_after).set_index("zone")
    assert totals.loc["ghouta", ["incidents_before", "incidents_after", "fatalities_before", "fatalities_after"]].tolist() \
        == [3, 1, 5, 1]
    assert totals.loc["idlib", "window_days"] == 14
    # 90 days each side also reach the shelling of 1 June (7 killed), in week -8.
    wide = before_after(briefing, 90)
    ghouta = wide[wide["zone"] == "ghouta"]
    assert len(ghouta) == 2 * 13 and ghouta["days"].tolist()[0] == 6 and ghouta["days"].sum() == 180
    assert ghouta.loc[ghouta["week"] == -8, ["incidents", "fatalities"]].values.tolist() == [[1, 7]]
    assert before_after_totals(wide).set_index("zone").loc["ghouta", ["incidents_before", "fatalities_before"]].tolist() == [4, 12]


def test_a_window_of_days_that_is_not_whole_weeks(briefing):
    # 10 days: week -2 is the 3 days 07-12..07-14 (the 07-08 shelling falls outside), week +2 is 07-29..07-31.
    assert weeks_of(before_after(briefing, 10), "ghouta") == [
        (-2, "2017-07-12", "2017-07-14", 3, 0, 0), (-1, "2017-07-15", "2017-07-21", 7, 2, 2),
        (1, "2017-07-22", "2017-07-28", 7, 1, 1), (2, "2017-07-29", "2017-07-31", 3, 0, 0)]


def test_weeks_outside_the_maps_dates_have_no_figures(briefing):
    cut = briefing.between("2017-07-15", "2017-09-30")
    assert weeks_of(cut.before_after, "ghouta")[:2] == [(-2, "2017-07-08", "2017-07-14", 7, None, None),
                                                        (-1, "2017-07-15", "2017-07-21", 7, 2, 2)]
    totals = before_after_totals(cut.before_after).set_index("zone")
    assert pd.isna(totals.loc["ghouta", "incidents_before"]) and totals.loc["ghouta", "incidents_after"] == 1
    assert totals.loc["idlib", ["incidents_before", "incidents_after"]].tolist() == [0, 1]


def test_the_start_is_the_first_in_force_change_else_valid_from(briefing):
    ghouta, idlib, daraa = briefing.scenario.zones
    assert zone_start(ghouta) == (day("2017-07-22"), "in force")
    assert zone_start(idlib) == (day("2017-09-15"), "valid_from")
    assert zone_start(daraa) is None


@pytest.mark.parametrize("days", [0, -3, 3661, 2.5, "90", True])
def test_bad_windows_are_input_errors(briefing, days):
    with pytest.raises(InputError, match="whole number of days from 1 to 3660"):
        before_after(briefing, days)


def test_settings_choose_the_window_and_a_bad_one_fails_before_anything(briefing):
    assert briefing.before_after_days == 14 and len(briefing.before_after) == 8
    with pytest.raises(InputError, match="before/after window"):
        prepare(SCENARIO, settings=Settings(before_after_days=0))


@pytest.mark.parametrize("start", ["0001-01-05", "9999-12-20"])
def test_a_window_that_would_leave_the_calendar_is_not_compared(briefing, start):
    from dataclasses import replace

    ghouta, *others = briefing.scenario.zones
    moved = replace(briefing, scenario=replace(briefing.scenario, zones=(replace(ghouta, history=(), valid_from=day(start)),
                                                                         *others)))
    assert list(dict.fromkeys(before_after(moved, 14)["zone"])) == ["idlib"]
