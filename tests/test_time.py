"""Zones over time: status histories, briefings cut to a date window, and the page's date slider."""

import datetime as dt
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from zonemap import InputError, ScenarioError, StatusChange, Zone, build, prepare
from zonemap.scenario import dump_scenario, load_scenario

GHOUTA = """\
title: Eastern Ghouta over time
as_of: 2017-07-04
zones:
  - id: eastern-ghouta
    name: Eastern Ghouta zone
    status: agreed
    valid_from: 2017-05-06
    valid_to: 2018-04-14
    area: Eastern Ghouta
    history:
      - date: 2017-05-06
        status: agreed
      - date: 2017-07-22
        status: in force
      - date: 2018-02-18
        status: collapsed
  - id: idlib
    name: Idlib zone
    provinces: [Idlib]
incidents:
  - {id: early, date: 2017-03-01, place: Douma, type: shelling, fatalities: 3}
  - {id: mid, date: 2017-07-04, place: Douma, type: air strike, fatalities: 2}
  - {id: late, date: 2018-02-20, place: Harasta, type: air strike, fatalities: 10}
  - {id: idlib-clash, date: 2017-09-01, place: Idlib, type: clashes}
"""


def write(folder: Path, text: str, name: str = "ghouta.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ghouta(tmp_path_factory):
    """The scenario above, prepared once."""
    return prepare(write(tmp_path_factory.mktemp("ghouta"), GHOUTA))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_status_and_existence_on_a_day(ghouta):
    zone = ghouta.scenario.zones[0]
    expected = {"2017-01-01": ("agreed", False), "2017-05-06": ("agreed", True), "2017-07-21": ("agreed", True),
                "2017-07-22": ("in force", True), "2018-02-18": ("collapsed", True), "2018-04-14": ("collapsed", True),
                "2018-04-15": ("collapsed", False)}
    assert {d: (zone.status_on(day(d)), zone.in_effect_on(day(d))) for d in expected} == expected
    plain = ghouta.scenario.zones[1]
    assert (plain.status_on(day("1990-01-01")), plain.in_effect_on(day("1990-01-01"))) == ("agreed", True)


def test_history_round_trips_through_yaml_and_code(ghouta, tmp_path):
    again = load_scenario(dump_scenario(ghouta.scenario, tmp_path / "again.yaml"))
    assert again.zones[0].history == ghouta.scenario.zones[0].history
    assert again.zones[0].history[1] == StatusChange(day("2017-07-22"), "in force")
    made = Zone("z", "Z", provinces=["Idlib"], history=[{"date": "2017-05-06", "status": "agreed"}])
    assert made.history == (StatusChange(day("2017-05-06"), "agreed"),)


def test_status_defaults_to_the_history_on_as_of(tmp_path):
    text = GHOUTA.replace("    status: agreed\n    valid_from", "    valid_from")
    assert load_scenario(write(tmp_path, text)).zones[0].status == "agreed"
    later = text.replace("as_of: 2017-07-04", "as_of: 2017-08-01")
    assert load_scenario(write(tmp_path, later)).zones[0].status == "in force"
    undated = text.replace("as_of: 2017-07-04\n", "")
    assert load_scenario(write(tmp_path, undated)).zones[0].status == "collapsed"


BAD_HISTORY = {
    "out of order": (GHOUTA.replace("date: 2017-07-22", "date: 2017-05-01"), "not after the previous change (2017-05-06)",
                     "line 13, zones[0].history[1].date"),
    "same day twice": (GHOUTA.replace("date: 2017-07-22", "date: 2017-05-06"), "not after the previous change",
                       "line 13, zones[0].history[1].date"),
    "unknown status": (GHOUTA.replace("status: in force", "status: truce"), "'truce' is not one of",
                       "line 14, zones[0].history[1].status"),
    "impossible date": (GHOUTA.replace("date: 2018-02-18", "date: 2018-02-30"), "not a real calendar date",
                        "line 15, zones[0].history[2].date"),
    "missing status": (GHOUTA.replace("        status: collapsed\n", ""), "'status' is required",
                       "line 15, zones[0].history[2]"),
    "unknown field": (GHOUTA.replace("        status: collapsed\n", "        status: collapsed\n        note: x\n"),
                      "unknown field 'note'", "line 17, zones[0].history[2].note"),
    "status disagrees": (GHOUTA.replace("    status: agreed\n    valid_from", "    status: collapsed\n    valid_from"),
                         "status 'collapsed' disagrees with the zone's history, which gives 'agreed' on as_of (2017-07-04)",
                         "line 6, zones[0].status"),
}


@pytest.mark.parametrize("case", sorted(BAD_HISTORY))
def test_bad_histories_name_the_file_line_and_field(tmp_path, case):
    text, words, where = BAD_HISTORY[case]
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert words in str(caught.value) and where in str(caught.value) and str(path) in str(caught.value)


def test_histories_built_in_code_are_checked_too():
    with pytest.raises(ScenarioError, match=r"zone 'z'\.history\[1\]\.date: 2017-01-01 is not after"):
        Zone("z", "Z", provinces=["Idlib"], history=[StatusChange("2017-02-01", "agreed"), StatusChange("2017-01-01", "collapsed")])
    with pytest.raises(ScenarioError, match=r"zone 'z'\.history\[0\]\.status: 'maybe' is not one of"):
        Zone("z", "Z", provinces=["Idlib"], history=[{"date": "2017-01-01", "status": "maybe"}])


def test_a_window_recounts_incidents_and_dates_the_zones(ghouta):
    cut = ghouta.between("2017-06-01", "2018-03-01")
    assert list(cut.incidents["id"]) == ["mid", "late", "idlib-clash"]
    assert set(cut.zone_incidents["incident_id"]) == {"mid", "late", "idlib-clash"}
    zones = cut.zones.set_index("id")
    assert zones.loc["eastern-ghouta", ["status", "in_effect", "incidents", "fatalities"]].tolist() == ["collapsed", True, 2, 12]
    assert zones.loc["idlib", ["status", "in_effect", "incidents", "fatalities"]].tolist() == ["agreed", True, 1, 0]
    assert cut.summary.set_index("zone").loc["eastern-ghouta", "incidents"] == 2
    assert cut.window == (day("2017-06-01"), day("2018-03-01"))
    assert cut.zones.columns[-1] == "geometry"
    before = ghouta.between(end="2017-04-01").zones.set_index("id")
    assert before.loc["eastern-ghouta", ["status", "in_effect", "incidents"]].tolist() == ["agreed", False, 1]
    assert ghouta.between() is ghouta


def test_a_window_counts_as_preparing_only_its_incidents_would(ghouta):
    cut = ghouta.between(day("2017-07-01"), day("2017-12-31"))
    kept = tuple(i for i in ghouta.scenario.incidents if day("2017-07-01") <= i.date <= day("2017-12-31"))
    fresh = prepare(replace(ghouta.scenario, incidents=kept))
    columns = ["id", "incidents", "fatalities"]
    assert cut.zones[columns].values.tolist() == fresh.zones[columns].values.tolist()


def test_the_page_of_a_window_says_which(ghouta):
    from zonemap.render.interactive import render_html

    html = render_html(ghouta.between("2017-06-01", "2018-03-01"))
    assert 'As of <bdi dir="ltr">2018-03-01</bdi>' in html
    assert 'Incidents <bdi dir="ltr">2017-06-01</bdi> – <bdi dir="ltr">2018-03-01</bdi>' in html


def test_the_legend_shows_what_the_slider_can_show(ghouta, example_build):
    from zonemap.render.interactive import render_html

    html = render_html(ghouta)
    for label in ("Agreed", "In force", "Collapsed", "Not in effect on the date chosen"):
        assert f"</span>{label}</div>" in html
    # Every zone of the example exists on every day of its slider.
    assert "Not in effect on the date chosen" not in example_build["html"].read_text(encoding="utf-8")


def test_bad_windows_are_input_errors(ghouta):
    with pytest.raises(InputError, match=r"ends \(2017-01-01\) before it starts \(2017-02-01\)"):
        ghouta.between("2017-02-01", "2017-01-01")
    with pytest.raises(InputError, match="window's start '1 May 2017' is not a date"):
        ghouta.between("1 May 2017")


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "zonemap", *map(str, args)], capture_output=True, text=True, timeout=120)


def summary_row(path: Path, zone: str) -> tuple[str, str, str]:
    """Status, incidents and fatalities of a zone in a Markdown summary."""
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] == zone:
            return cells[1], cells[5], cells[6]
    raise AssertionError(f"no row for {zone}")


def test_build_from_to_and_as_of(tmp_path):
    scenario = write(tmp_path, GHOUTA)
    done = run_cli("build", scenario, "-o", tmp_path / "march", "--formats", "md", "--as-of", "2018-03-01", "-q")
    assert done.returncode == 0, done.stderr
    assert summary_row(tmp_path / "march" / "ghouta.md", "Eastern Ghouta zone") == ("collapsed", "3", "15")
    done = run_cli("build", scenario, "-o", tmp_path / "summer", "--formats", "md", "--from", "2017-06-01", "--to", "2017-08-31", "-q")
    assert done.returncode == 0, done.stderr
    assert summary_row(tmp_path / "summer" / "ghouta.md", "Eastern Ghouta zone") == ("in force", "1", "2")
    assert summary_row(tmp_path / "summer" / "ghouta.md", "Idlib zone") == ("agreed", "0", "0")  # its clash is in September


@pytest.mark.parametrize("args, message", [
    (["--from", "2017-13-01"], "argument --from: '2017-13-01' is not a date"),
    (["--to", "2017-01-01", "--as-of", "2017-02-01"], "not allowed with argument --to"),
    (["--from", "2017-02-01", "--to", "2017-01-01"], "ends (2017-01-01) before it starts (2017-02-01)"),
])
def test_bad_windows_on_the_command_line_exit_2(tmp_path, args, message):
    done = run_cli("build", write(tmp_path, GHOUTA), "-o", tmp_path / "out", "--formats", "md", *args)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()


def test_static_map_of_a_date_fades_zones_not_in_effect(ghouta):
    from zonemap.render.static import render_static

    dated = render_static(ghouta, "svg", start="2017-01-01", end="2017-04-01").decode()
    assert "Incidents 2017-01-01 – 2017-04-01" in dated.replace("\u2066", "").replace("\u2069", "")
    assert "Not in effect on" in dated
    assert "Not in effect on" not in render_static(ghouta, "svg", end="2017-08-01").decode()
    assert render_static(ghouta, "png", end="2017-04-01") != render_static(ghouta, "png", end="2017-08-01")


@pytest.mark.browser
def test_the_date_slider_restyles_zones_and_recounts(ghouta, tmp_path, offline_page):
    page = offline_page.page
    page.goto(build(ghouta.scenario, tmp_path, formats=["html"]).outputs["html"].as_uri())
    page.wait_for_selector("[data-zm-ready='true']")
    zone = page.locator("path.zm-zone-eastern-ghouta")
    row = page.locator("tr[data-zm-zone='eastern-ghouta']")
    assert page.locator(".zm-dates").inner_text() == "2017-03-01 – 2018-02-20"
    assert page.locator(".zm-count").inner_text() == "4 of 4 incidents"

    def slide(handle: str, date: str) -> None:
        offset = (day(date) - day("2017-03-01")).days
        page.locator(handle).evaluate(f"input => {{ input.value = '{offset}'; input.dispatchEvent(new Event('input')); }}")
        page.wait_for_function(f"document.querySelector('.zm-dates').textContent.includes('{date}')")
        page.wait_for_timeout(50)

    slide(".zm-to", "2017-04-01")
    assert "zm-zone-inactive" in zone.get_attribute("class")
    assert row.locator(".zm-zone-status").text_content() == "Agreed (not in effect)"
    assert page.locator(".zm-count").inner_text() == "1 of 4 incidents"
    assert [row.locator(f".zm-zone-{c}").text_content() for c in ("incidents", "fatalities")] == ["1", "3"]

    slide(".zm-to", "2017-07-22")  # the day the zone came into force
    assert "zm-zone-inactive" not in zone.get_attribute("class")
    assert zone.get_attribute("stroke") == "#1a9850" and row.locator(".zm-zone-status").text_content() == "In force"
    slide(".zm-from", "2017-06-01")
    assert page.locator(".zm-count").inner_text() == "1 of 4 incidents"
    assert page.locator(".zm-incident").count() == 1
    zone.dispatch_event("click")  # the zone is small: an incident's icon covers its middle
    popup = page.locator(".leaflet-popup-content")
    assert "In force" in popup.inner_text() and "\t1\n" in popup.inner_text() + "\n"

    slide(".zm-to", "2018-02-20")
    assert zone.get_attribute("stroke") == "#b2182b" and row.locator(".zm-zone-status").text_content() == "Collapsed"
    assert [row.locator(f".zm-zone-{c}").text_content() for c in ("incidents", "fatalities")] == ["2", "12"]
    idlib = page.locator("tr[data-zm-zone='idlib']")  # its one incident has no fatality figure
    assert [idlib.locator(f".zm-zone-{c}").text_content() for c in ("incidents", "fatalities")] == ["1", "0"]
    assert offline_page.problems == []


@pytest.mark.browser
def test_play_moves_the_window_and_pause_stops_it(ghouta, tmp_path, offline_page):
    page = offline_page.page
    page.goto(build(ghouta.scenario, tmp_path, formats=["html"]).outputs["html"].as_uri())
    page.wait_for_selector("[data-zm-ready='true']")
    dates = page.locator(".zm-dates")
    page.locator(".zm-play").click()
    first = dates.inner_text()
    page.wait_for_function(f"document.querySelector('.zm-dates').textContent !== {first!r}")
    assert page.locator(".zm-play").get_attribute("aria-label") == "Pause"
    page.locator(".zm-play").click()
    stopped = dates.inner_text()
    page.wait_for_timeout(400)
    assert dates.inner_text() == stopped and page.locator(".zm-play").get_attribute("aria-label") == "Play"
    start, end = stopped.split(" – ")
    assert day("2017-03-01") <= day(start) < day(end) < day("2018-02-20")
    assert offline_page.problems == []


@pytest.mark.browser
def test_type_toggles_hide_and_show_markers(example_build, offline_page):
    page = offline_page.page
    page.goto(example_build["html"].as_uri())
    page.wait_for_selector("[data-zm-ready='true']")
    ceasefire = page.locator(".zm-type-toggle", has_text="Ceasefire").locator("input")
    ceasefire.uncheck()
    page.wait_for_function("document.querySelectorAll('.zm-incident').length === 2")
    assert page.locator(".zm-incident.zm-type-ceasefire").count() == 0
    assert page.locator(".zm-count").inner_text() == "2 of 5 incidents"
    assert page.locator("tr[data-zm-zone='southern-syria'] .zm-zone-incidents").text_content() == "0"
    ceasefire.check()
    page.wait_for_function("document.querySelectorAll('.zm-incident').length === 5")
    assert page.locator("tr[data-zm-zone='southern-syria'] .zm-zone-incidents").text_content() == "3"
    assert offline_page.problems == []
