"""Exports of a briefing: GeoPackage, KML, summaries, the embed fragment, and atomic publishing."""

import csv
import io
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pyogrio
import pytest
from conftest import EXAMPLE

from zonemap import build
from zonemap.briefing import SUMMARY_COLUMNS
from zonemap.export.publish import publish
from zonemap.export.summary import summary_markdown
from zonemap.export.vector import GEOPACKAGE_LAYERS, kml_text

ALL = "html,geojson,gpkg,kml,csv,md,embed"


@pytest.fixture(scope="module")
def exports(tmp_path_factory, example_briefing):
    outputs = example_briefing.save(tmp_path_factory.mktemp("exports"), formats=ALL.split(","))
    return type("Exports", (), {"outputs": outputs, "briefing": example_briefing})


def test_geopackage_has_three_documented_layers(exports):
    path = exports.outputs["gpkg"]
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == set(GEOPACKAGE_LAYERS)
    for layer, columns in GEOPACKAGE_LAYERS.items():
        info = pyogrio.read_info(path, layer=layer)
        assert list(info["fields"]) == columns
    assert pyogrio.read_info(path, layer="zones")["features"] == 4
    assert pyogrio.read_info(path, layer="incidents")["features"] == 5
    # One row per zone and province it covers: Idlib, Homs, Rif Dimashq, and Daraa, Quneitra and Sweida.
    assert pyogrio.read_info(path, layer="provinces_in_zones")["features"] == 6
    incidents = pyogrio.read_dataframe(path, layer="incidents")
    douma = incidents[incidents["id"] == "douma-air-strike"].iloc[0]
    assert (douma["zones"], douma["label"]) == ("eastern-ghouta", "Douma")  # lists joined, GeoPackage has no list type


def test_kml_is_valid_xml_with_one_placemark_per_zone_and_incident(exports):
    root = ET.parse(exports.outputs["kml"]).getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    placemarks = root.findall(".//k:Placemark", ns)
    assert len(placemarks) == 4 + 5
    douma = root.find(".//k:Placemark[@id='incident-douma-air-strike']", ns)
    assert douma.find("k:TimeStamp/k:when", ns).text == "2017-07-04"


def test_kml_leaves_no_namespace_registered_in_the_process(example_briefing):
    before = dict(ET._namespace_map)
    kml_text(example_briefing)
    assert ET._namespace_map == before
    assert ET.tostring(ET.Element("{http://www.opengis.net/kml/2.2}x")).startswith(b"<ns0:x")


def test_csv_and_markdown_summaries(exports):
    rows = list(csv.DictReader(io.StringIO(exports.outputs["csv"].read_text(encoding="utf-8"))))
    assert list(rows[0]) == SUMMARY_COLUMNS
    ghouta = next(r for r in rows if r["zone"] == "eastern-ghouta")
    assert (ghouta["incidents"], ghouta["fatalities"], ghouta["guarantors"]) == ("1", "2", "Russia; Iran; Turkey")
    markdown = exports.outputs["md"].read_text(encoding="utf-8")
    assert "| Eastern Ghouta zone | agreed |" in markdown
    assert markdown.split("\n## ")[0].count("\n|") == 2 + 4  # the zone table, before the before/after section


def test_markdown_escapes_scenario_text(exports):
    summary = exports.briefing.summary.copy()
    summary.loc[0, "name"] = "<script>x</script> | *bold* [link](javascript:x)"
    table = summary_markdown(replace(exports.briefing, summary=summary))
    assert "<script>" not in table and "\\|" in table and "\\*bold\\*" in table and "\\[link\\]" in table


def test_embed_snippet_is_script_free_outside_its_sandboxed_frame(exports):
    snippet = exports.outputs["embed"].read_text(encoding="utf-8")
    outside = snippet.split("srcdoc=")[0] + snippet.split("></iframe>")[1]
    assert "<script" not in outside
    assert 'sandbox="allow-scripts' in snippet and "allow-same-origin" not in snippet
    assert "width:100%" in snippet and "padding-top:75.0000%" in snippet


@pytest.mark.browser
def test_embed_snippet_fits_a_600px_column_without_scrollbars(exports, open_page, tmp_path):
    host = tmp_path / "host.html"
    host.write_text("<!doctype html><html><body style='margin:0'><div id='column' style='width:600px'>"
                    + exports.outputs["embed"].read_text(encoding="utf-8") + "</div></body></html>", encoding="utf-8")
    record = open_page(viewport={"width": 1000, "height": 900})
    page = record.page
    page.goto(host.as_uri())
    frame_box = page.locator("iframe").bounding_box()
    assert frame_box["width"] == 600 and frame_box["height"] == 450
    frame = page.frame_locator("iframe")
    frame.locator("path.zm-zone").first.wait_for()
    inner = page.frames[1]
    sizes = inner.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                           " document.documentElement.scrollHeight, document.documentElement.clientHeight]")
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3]
    outer = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert outer[0] <= outer[1]
    assert record.problems == []


def test_publish_switches_all_files_at_once_and_cleans_up(tmp_path):
    publish(tmp_path, "s", {"s.html": "old html", "s.png": b"old png"})
    publish(tmp_path, "s", {"s.html": "new html", "s.csv": "new csv"})
    visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".") and p.exists())
    assert visible == ["s.csv", "s.html"]
    assert (tmp_path / "s.html").read_text() == "new html"
    assert not (tmp_path / "s.png").is_symlink()  # a dangling link to the old PNG is removed
    assert len(os.listdir(tmp_path / ".s.builds")) == 1


def visible_state(folder: Path) -> dict[str, bytes]:
    """What a reader sees: every non-hidden file that resolves, with its content."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".") and p.exists()}


@pytest.mark.slow
def test_killed_builds_leave_the_previous_or_the_new_outputs(tmp_path):
    import random
    import shutil
    import signal
    import subprocess
    import sys
    import time

    formats = "html,geojson,md,csv,kml"
    old_scenario, new_scenario = tmp_path / "old" / "map.yaml", tmp_path / "new" / "map.yaml"
    for path, title in ((old_scenario, "Before"), (new_scenario, "After")):
        path.parent.mkdir()
        path.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
            "title: Syria's four de-escalation zones at the fifth Astana round", f"title: {title}"), encoding="utf-8")
    build(old_scenario, tmp_path / "pristine", formats=formats.split(","))
    build(new_scenario, tmp_path / "expected", formats=formats.split(","))
    old, new = visible_state(tmp_path / "pristine"), visible_state(tmp_path / "expected")
    assert old.keys() == new.keys() and old != new

    command = [sys.executable, "-m", "zonemap", "build", str(new_scenario), "--formats", formats, "-q", "-o"]
    started = time.perf_counter()
    subprocess.run(command + [str(tmp_path / "timing")], check=True, capture_output=True)
    duration = time.perf_counter() - started

    rng = random.Random(20171104)
    outcomes = []
    for trial in range(20):
        folder = tmp_path / f"trial-{trial}"
        shutil.copytree(tmp_path / "pristine", folder, symlinks=True)
        # Half the kills anywhere, half in the last third of the run, where outputs are written.
        delay = rng.uniform(0, duration) if trial % 2 else rng.uniform(0.66 * duration, 1.05 * duration)
        process = subprocess.Popen(command + [str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = visible_state(folder)
        assert state in (old, new), f"trial {trial}: killed after {delay:.2f} s, saw a mix of old and new outputs"
        outcomes.append("new" if state == new else "old")
        if trial % 5 == 0:
            # The next build recovers: complete new outputs, no leftovers from the killed one.
            subprocess.run(command + [str(folder)], check=True, capture_output=True)
            assert visible_state(folder) == new
            assert len(list((folder / ".map.builds").iterdir())) == 1
    assert "old" in outcomes


def test_geojson_of_25000_incidents_is_written_a_piece_at_a_time(tmp_path, example_briefing):
    import json
    import tracemalloc

    import numpy as np

    incidents = example_briefing.incidents
    many = incidents.iloc[np.resize(np.arange(len(incidents)), 25_000)].reset_index(drop=True)
    briefing = replace(example_briefing, incidents=many)
    tracemalloc.start()
    try:
        path = briefing.save(tmp_path, formats=["geojson"])["geojson"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    text = path.read_text(encoding="utf-8")
    collection = json.loads(text)
    assert len(collection["features"]) == len(briefing.zones) + len(briefing.provinces) + len(many)
    # The pieces put together are exactly what one json.dumps of the whole collection writes.
    assert text == json.dumps(collection, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"
    # Neither the features nor the text of the whole file are ever held at once.
    assert peak < len(text.encode("utf-8")) / 2, peak / len(text.encode("utf-8"))


def test_geojson_properties_are_each_incidents_values():
    import json

    import pandas as pd

    from zonemap import prepare
    from zonemap.export.vector import geojson_text
    from zonemap.missing import plain

    events = Path(__file__).parent / "data" / "events"
    briefing = prepare(EXAMPLE, incident_files=[events / "acled-syria.csv", events / "ucdp-ged-syria.csv"])
    frame = briefing.incidents
    assert any(isinstance(dtype, pd.CategoricalDtype) for dtype in frame.dtypes)  # coded text, as imports make it
    assert frame["fatalities"].isna().any() or frame["geo_precision"].isna().any()
    features = [f for f in json.loads(geojson_text(briefing))["features"] if f["properties"]["layer"] == "incident"]
    columns = [c for c in frame.columns if c != frame.geometry.name]
    expected = [{"layer": "incident"} | {c: plain(v) for c, v in zip(columns, row)}
                for row in frame[columns].itertuples(index=False)]
    assert [f["properties"] for f in features] == json.loads(json.dumps(expected))
    for feature, point in zip(features, frame.geometry):
        assert feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"] == pytest.approx([point.x, point.y], abs=1e-6)
