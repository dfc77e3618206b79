"""Charts of the zones before and after their start: the report figure, the map panel, and the outputs.

Figures by hand from tests/data/before_after.yaml with a 14-day window: Eastern Ghouta 3 incidents
(5 killed) in the two weeks before 2017-07-22 and 1 (1 killed) after; Idlib 0 before 2017-09-15 and
1 (4 killed) after.
"""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from zonemap import Settings, build, prepare
from zonemap.render.before_after import AFTER_COLOUR, BEFORE_COLOUR, UNCOVERED_COLOUR, render_before_after

SCENARIO = Path(__file__).parent / "data" / "before_after.yaml"


@pytest.fixture(scope="module")
def briefing():
    return prepare(SCENARIO, settings=Settings(before_after_days=14))


def test_the_report_chart_titles_each_zone_with_its_totals(briefing):
    svg = render_before_after(briefing, "svg").decode()
    assert "Before and after (14 days each side)" in svg
    assert all(line in svg for line in ("Incidents 3 → 1", "Fatalities 5 → 1", "Incidents 0 → 1", "Fatalities 0 → 4"))
    # Arabic lines run right to left: there the arrow from the earlier figure to the later one is ←.
    arabic = render_before_after(briefing, "svg", lang="ar").decode()
    assert "الحوادث 3 ← 1" in arabic and "القتلى 5 ← 1" in arabic
    assert "2017-07-22 (came into force)" in svg and "2017-09-15 (valid from)" in svg
    assert 'id="before-after-ghouta"' in svg and 'id="before-after-daraa"' not in svg  # no date, no chart
    assert "Pale bars" not in svg
    cut = render_before_after(briefing.between("2017-07-15"), "svg").decode()
    assert "Incidents – → 1" in cut and "Fatalities – → 1" in cut and "Pale bars" in cut
    assert render_before_after(briefing, "png").startswith(b"\x89PNG")
    assert render_before_after(briefing, "png") == render_before_after(briefing, "png")


def test_the_panel_charts_weeks_to_scale_and_escapes_names(briefing):
    html = briefing.to_html()
    row = html[html.index('data-zm-ba-zone="ghouta"'):]
    row = row[:row.index("</tr>")]
    assert "3 → 1" in row and "5 → 1" in row
    bars = [part.split('"')[0] for part in row.split('data-incidents="')[1:]]
    assert bars == ["1", "2", "1", "0"]
    assert row.count(f'fill="{BEFORE_COLOUR}"') == 2 and row.count(f'fill="{AFTER_COLOUR}"') == 2
    heights = [float(part.split('"')[0]) for part in row.split(' height="')[2:]]  # after the svg's own height
    assert heights == [13.0, 26.0, 13.0, 0.0]  # 2 incidents, the most of any week, fill the 26 px
    cut = briefing.between("2017-07-15").to_html()
    cut_row = cut[cut.index('data-zm-ba-zone="ghouta"'):]
    assert f'fill="{UNCOVERED_COLOUR}" data-incidents=""' in cut_row[:cut_row.index("</tr>")]
    from dataclasses import replace

    named = replace(briefing.scenario.zones[0], name="<img src=x onerror=alert(1)>")
    evil = prepare(replace(briefing.scenario, zones=(named, *briefing.scenario.zones[1:])),
                   settings=Settings(before_after_days=14)).to_html()
    assert "<img src=x" not in evil and "&lt;img src=x onerror=alert(1)&gt;" in evil


def test_build_writes_the_table_and_charts(briefing, tmp_path):
    outputs = build(SCENARIO, tmp_path, formats=["md", "before-after.csv", "before-after.png", "before-after.svg"],
                    settings=Settings(before_after_days=14)).outputs
    assert sorted(outputs) == ["before-after.csv", "before-after.png", "before-after.svg", "md"]
    assert outputs["before-after.csv"].name == "before_after.before-after.csv"
    rows = list(csv.DictReader(io.StringIO(outputs["before-after.csv"].read_text(encoding="utf-8"))))
    assert [(r["zone"], r["week"], r["incidents"], r["fatalities"]) for r in rows[:4]] == [
        ("ghouta", "-2", "1", "3"), ("ghouta", "-1", "2", "2"), ("ghouta", "1", "1", "1"), ("ghouta", "2", "0", "0")]
    markdown = outputs["md"].read_text(encoding="utf-8")
    assert "| Eastern Ghouta zone | 2017-07-22 | in force | 3 | 1 (−67%) | 5 | 1 (−80%) |" in markdown
    assert "| Idlib zone | 2017-09-15 | valid from | 0 | 1 | 0 | 4 |" in markdown
    assert "| Idlib zone | +1 | 2017-09-15 – 2017-09-21 | 1 | 4 |" in markdown
    cut = build(SCENARIO, tmp_path / "cut", formats=["md", "before-after.csv"], settings=Settings(before_after_days=14),
                start="2017-07-15").outputs
    assert "| Eastern Ghouta zone | 2017-07-22 | in force |  | 1 |  | 1 |" in cut["md"].read_text(encoding="utf-8")
    assert "ghouta,Eastern Ghouta zone,2017-07-22,in force,before,-2,2017-07-08,2017-07-14,7,,\n" in \
        cut["before-after.csv"].read_text(encoding="utf-8")


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "zonemap", *args], capture_output=True, text=True, timeout=300)


def test_command_line_options(tmp_path):
    done = run_cli("build", str(SCENARIO), "-o", str(tmp_path / "out"), "-q", "--before-after-days", "7",
                   "--choropleth", "fatalities:zone", "--formats", "before-after.csv,svg")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "before_after.before-after.csv").read_text(encoding="utf-8"))))
    assert [(r["zone"], r["week"], r["incidents"]) for r in rows] == [("ghouta", "-1", "2"), ("ghouta", "1", "1"),
                                                                     ("idlib", "-1", "0"), ("idlib", "1", "1")]
    assert "Fatalities per zone" in (tmp_path / "out" / "before_after.svg").read_text(encoding="utf-8")
    for args, message in [(["--before-after-days", "0"], "before/after window"),
                          (["--choropleth", "deaths:zone"], "MEASURE:LEVEL"),
                          (["--choropleth", "incidents:village"], "MEASURE:LEVEL"),
                          (["--scheduler", "tcp://127.0.0.1:8786"], "use it with --engine dask")]:
        bad = run_cli("build", str(SCENARIO), "-o", str(tmp_path / "bad"), *args)
        assert bad.returncode == 2 and message in bad.stderr, bad.stderr
        assert not (tmp_path / "bad").exists()
