import csv
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pyogrio
import pytest

from zonemap.build import build
from zonemap.outputs import GEOPACKAGE_LAYERS, SUMMARY_COLUMNS, publish, summary_markdown

ALL = "html,geojson,gpkg,kml,csv,md,embed"


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "astana-2017.yaml"


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return build(EXAMPLE, tmp_path_factory.mktemp("exports"), formats=ALL.split(","))


def test_geopackage_has_three_documented_layers(exports):
    path = exports.outputs["gpkg"]
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == set(GEOPACKAGE_LAYERS)
    for layer, columns in GEOPACKAGE_LAYERS.items():
        info = pyogrio.read_info(path, layer=layer)
        assert list(info["fields"]) == columns
    assert pyogrio.read_info(path, layer="zones")["features"] == 4
    assert pyogrio.read_info(path, layer="incidents")["features"] == 5
    assert pyogrio.read_info(path, layer="provinces_in_zones")["features"] == 7


def test_kml_is_valid_xml_with_one_placemark_per_zone_and_incident(exports):
    root = ET.parse(exports.outputs["kml"]).getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    placemarks = root.findall(".//k:Placemark", ns)
    assert len(placemarks) == 4 + 5
    douma = root.find(".//k:Placemark[@id='incident-douma-air-strike']", ns)
    assert douma.find("k:TimeStamp/k:when", ns).text == "2017-07-04"


def test_csv_and_markdown_summaries(exports):
    rows = list(csv.DictReader(io.StringIO(exports.outputs["csv"].read_text(encoding="utf-8"))))
    assert list(rows[0]) == SUMMARY_COLUMNS
    ghouta = next(r for r in rows if r["zone"] == "eastern-ghouta")
    assert (ghouta["incidents"], ghouta["fatalities"], ghouta["guarantors"]) == ("1", "2", "Russia; Iran; Turkey")
    markdown = exports.outputs["md"].read_text(encoding="utf-8")
    assert "| Eastern Ghouta zone | agreed |" in markdown
    assert markdown.count("\n|") == 2 + 4


def test_markdown_escapes_scenario_text(exports):
    zones = exports.prepared.zones.copy()
    zones.loc[0, "name"] = "<script>x</script> | *bold* [link](javascript:x)"
    table = summary_markdown(zones)
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
