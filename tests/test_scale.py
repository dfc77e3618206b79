"""Many incidents: the packed columns of the page, and a 100,000-incident map in a real browser."""

import base64
import json
import sys
import tracemalloc
import zlib
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely
from conftest import ROOT

from zonemap.incidents import zone_figures
from zonemap.render import incident_data
from zonemap.render.incident_data import COORDINATE_SCALE, TYPE_ORDER, encode_columns, incident_columns, json_strings

sys.path.insert(0, str(ROOT / "bench"))
from scale import synthetic_incidents, with_incidents  # noqa: E402

PAGE_LIMIT_BYTES = 4_000_000


def unpack(payload: dict) -> tuple[dict, dict]:
    """What the page's script reads from a payload: the typed arrays and the text tables."""
    block = base64.b64decode(payload["data"])
    if payload["deflate"]:
        block = zlib.decompress(block)
    kinds = {"Int32Array": "<i4", "Uint32Array": "<u4", "Uint16Array": "<u2", "Uint8Array": "u1"}
    arrays = {name: np.frombuffer(block, kinds[kind], count, offset) for name, (kind, offset, count) in payload["arrays"].items()}
    start, length = payload["texts"]
    return arrays, json.loads(block[start:start + length].decode("utf-8"))


def as_matched(label: str, rows) -> str:
    """A place as written, with the gazetteer's spelling after it where that differs."""
    matched = rows.loc[rows["label"] == label, "matched_place"].iloc[0]
    return label if matched in (None, label) else f"{label} ({matched})"


def zone_names(briefing) -> dict:
    return dict(zip(briefing.zones["id"], briefing.zones["name"]))


@pytest.mark.parametrize("deflate_above", [incident_data.DEFLATE_ABOVE, 0])
def test_columns_carry_every_incident_field(example_briefing, monkeypatch, deflate_above):
    monkeypatch.setattr(incident_data, "DEFLATE_ABOVE", deflate_above)
    payload = encode_columns(*incident_columns(example_briefing.incidents, example_briefing.zone_incidents,
                                               zone_names(example_briefing)))
    assert payload["deflate"] == (deflate_above == 0)
    assert set(payload["data"]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
    arrays, texts = unpack(payload)
    # Rows are sorted by date; the example's ceasefires of 3 July come first.
    order = example_briefing.incidents.sort_values("date", kind="stable")
    assert texts["id"] == list(order["id"])
    rows = example_briefing.incidents.set_index("id")
    douma = texts["id"].index("douma-air-strike")
    site, point = arrays["site"][douma], rows.loc["douma-air-strike", "geometry"]
    assert (arrays["siteLat"][site], arrays["siteLon"][site]) == (round(point.y * COORDINATE_SCALE), round(point.x * COORDINATE_SCALE))
    assert str(np.datetime64(int(arrays["day"][douma]), "D")) == "2017-07-04"
    assert TYPE_ORDER[arrays["type"][douma]] == "air strike" and arrays["fatalities"][douma] == 2
    assert texts["label"][site] == "Douma"
    assert texts["place"][site] == f"{as_matched('Douma', rows)}, Duma sub-district, Duma district, Rif Dimashq, SY"
    assert texts["zones"][arrays["zones"][douma]] == "Eastern Ghouta zone"
    assert texts["description"][arrays["description"][douma]].startswith("Air raids on the opposition-held town")
    assert texts["outlet"][arrays["source"][douma]] == "The National (Abu Dhabi)"
    assert texts["url"][arrays["source"][douma]] == "https://www.thenationalnews.com/"
    assert str(np.datetime64(int(arrays["sourceDay"][douma]), "D")) == "2017-07-04"
    halt = texts["id"].index("southern-halt-daraa")
    assert arrays["fatalities"][halt] == -1 and texts["actors"][arrays["actors"][halt]] == "Syrian army"
    # The province, named as the place is, is not repeated.
    assert texts["place"][arrays["site"][halt]] == f"{as_matched('Daraa', rows)}, Dar'a sub-district, Dar'a district, SY"
    astana = texts["id"].index("astana-round-five")
    assert texts["place"][arrays["site"][astana]] == "Astana, KZ" and texts["zones"][arrays["zones"][astana]] == ""
    zone_ids = list(example_briefing.zones["id"])
    links = sorted((zone_ids[zone], texts["id"][row]) for zone, row in zip(arrays["linkZone"], arrays["linkIncident"]))
    assert links == sorted(zip(example_briefing.zone_incidents["zone_id"], example_briefing.zone_incidents["incident_id"]))


def test_places_shared_by_many_incidents_are_sent_once(example_briefing):
    incidents = synthetic_incidents(example_briefing, 20_000, towns=50, locations=400)
    no_links = pd.DataFrame({"zone_id": [], "incident_id": []})
    arrays, texts = unpack(encode_columns(*incident_columns(incidents, no_links, {})))
    distinct = incidents.assign(x=incidents.geometry.x, y=incidents.geometry.y).drop_duplicates(["x", "y", "label"])
    assert len(arrays["siteLat"]) == len(texts["place"]) == len(distinct)
    assert len(texts["id"]) == len(arrays["site"]) == 20_000


@pytest.mark.parametrize("values", [[], [""], ["plain", "é ش"], ['say "no"', "back\\slash", "a\nb\tc", "\x00\x1f\x7f", "\u2028</script>"]])
def test_ids_are_written_as_json_would_write_them(values):
    assert json_strings(pa.array(values, pa.large_string())) == json.dumps(values, ensure_ascii=False,
                                                                            separators=(",", ":")).encode("utf-8")


def test_columns_put_together_from_several_tables(example_briefing):
    # pandas keeps the text of concatenated tables in several Arrow chunks, as prepare() does with each incident table.
    incidents = example_briefing.incidents
    ids = pd.concat([incidents["id"].iloc[:3].astype("str"), incidents["id"].iloc[3:].astype("str")], ignore_index=True)
    assert pa.array(ids).num_chunks == 2
    columns, texts = incident_columns(incidents.assign(id=ids.array), example_briefing.zone_incidents,
                                      zone_names(example_briefing))
    arrays, unpacked = unpack(encode_columns(columns, texts))
    assert sorted(unpacked["id"]) == sorted(incidents["id"])
    assert len(arrays["linkIncident"]) == len(example_briefing.zone_incidents)


PER_INCIDENT_BYTES = 150
"""Most memory the page's columns may take per incident while they are made or packed: a few integers each.
A column turned into one Python string per incident adds about 60 bytes (about 110 and 100 are used now)."""


def test_packing_100000_incidents_makes_no_python_object_per_incident(example_briefing):
    incidents = synthetic_incidents(example_briefing, 100_000, towns=50, locations=400)
    briefing = with_incidents(example_briefing, incidents)
    tracemalloc.start()
    try:
        columns, texts = incident_columns(briefing.incidents, briefing.zone_incidents, zone_names(briefing))
        making = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        payload = encode_columns(columns, texts)
        packing = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert making / 100_000 < PER_INCIDENT_BYTES and packing / 100_000 < PER_INCIDENT_BYTES, (making, packing)
    arrays, unpacked = unpack(payload)
    assert unpacked["id"] == list(incidents["id"].iloc[np.argsort(incidents["date"].to_numpy(), kind="stable")])


@pytest.fixture(scope="module")
def crowded(example_briefing):
    """100,000 synthetic incidents on the example's zones, one of them alone in the desert, far from the rest."""
    incidents = synthetic_incidents(example_briefing, 100_000)
    governorates = example_briefing.provinces[example_briefing.provinces["is_governorate"]]
    country = shapely.union_all(governorates.geometry.to_numpy())
    grid = np.stack(np.meshgrid(np.arange(36.0, 42.0, 0.1), np.arange(32.5, 37.2, 0.1)), -1).reshape(-1, 2)
    grid = grid[shapely.contains_xy(country, grid[:, 0], grid[:, 1])]
    sites = np.unique(np.column_stack([incidents.geometry.x, incidents.geometry.y]), axis=0)
    distance = np.sqrt(((grid[:, None, :] - sites[None, :, :]) ** 2).sum(-1)).min(1)
    lon, lat = grid[distance.argmax()]
    assert distance.max() > 0.3  # degrees: no other incident within about 30 km
    alone = incidents.index[0]
    incidents.loc[alone, ["label", "description", "type", "fatalities"]] = ["Lone well", "A lone report", "aid", 7]
    incidents.loc[alone, "date"] = incidents.loc[alone, "source_date"] = "2018-06-15"
    incidents.loc[alone, "geometry"] = shapely.Point(lon, lat)
    return with_incidents(example_briefing, incidents), (lat, lon)


def figures_of(briefing, incidents) -> list[list[str]]:
    """Zone summary cells (incidents, fatalities) for these incidents, as the page writes them."""
    links = briefing.zone_incidents[briefing.zone_incidents["incident_id"].isin(incidents["id"])]
    figures = zone_figures(briefing.zones["id"], incidents, links)
    return [[f"{int(a):,}", f"{int(b):,}"] for a, b in zip(figures["incidents"], figures["fatalities"])]


@pytest.mark.browser
@pytest.mark.slow
def test_a_map_of_100000_incidents_in_a_real_browser(crowded, tmp_path, offline_page):
    briefing, (lat, lon) = crowded
    page_path = briefing.save(tmp_path, formats=["html"])["html"]
    assert page_path.stat().st_size <= PAGE_LIMIT_BYTES
    page = offline_page.page
    page.goto(page_path.as_uri())
    page.wait_for_selector("[data-zm-ready='true']", timeout=60_000)
    count = page.locator(".zm-count")
    assert count.inner_text() == "100,000 of 100,000 incidents"
    assert page.locator(".zm-incident").count() == 0, "no DOM marker per incident"
    painted = page.evaluate("""() => {
        const canvas = document.querySelector('.zm-incident-canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let opaque = 0;
        for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { opaque++; } }
        return opaque / (pixels.length / 4);
    }""")
    assert painted > 0.02

    # A click on the lone incident, drawn on the canvas, opens its details.
    leaflet_map = "Object.values(window).find(value => value instanceof L.Map)"
    page.evaluate(f"{leaflet_map}.setView([{lat}, {lon}], 9, {{animate: false}})")
    point = page.evaluate(f"{leaflet_map}.latLngToContainerPoint([{lat}, {lon}])")
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text().split("\n")[:2] == ["Aid: Lone well", "Date\t2018-06-15"]
    assert "Fatalities\t7" in popup.inner_text() and "A lone report" in popup.inner_text()

    # The date slider: the count and the zone figures are those of the window.
    first = np.datetime64(page.locator(".zm-dates").inner_text().split(" – ")[0])
    page.locator(".zm-to").evaluate("input => { input.value = '400'; input.dispatchEvent(new Event('input')); }")
    page.wait_for_function("!document.querySelector('.zm-count').textContent.startsWith('100,000 ')")
    window = briefing.incidents[pd.to_datetime(briefing.incidents["date"]).to_numpy() <= first + np.timedelta64(400, "D")]
    assert count.inner_text() == f"{len(window):,} of 100,000 incidents"
    cells = page.locator("tr[data-zm-zone]").evaluate_all(
        "rows => rows.map(row => [row.querySelector('.zm-zone-incidents').textContent, row.querySelector('.zm-zone-fatalities').textContent])")
    assert cells == figures_of(briefing, window)

    # The type toggles: air strikes off.
    page.locator(".zm-type-toggle", has_text="Air strike").locator("input").uncheck()
    shown = window[window["type"] != "air strike"]
    page.wait_for_function(f"document.querySelector('.zm-count').textContent.startsWith('{len(shown):,} ')")
    cells = page.locator("tr[data-zm-zone]").evaluate_all(
        "rows => rows.map(row => [row.querySelector('.zm-zone-incidents').textContent, row.querySelector('.zm-zone-fatalities').textContent])")
    assert cells == figures_of(briefing, shown)
    assert offline_page.problems == []


def test_a_briefing_without_incidents_still_gets_zones_dated(example_briefing):
    from zonemap.render.interactive import render_html

    html = render_html(replace(example_briefing, incidents=example_briefing.incidents.iloc[:0],
                               zone_incidents=example_briefing.zone_incidents.iloc[:0]))
    assert "zonemap.incidents(" not in html and '"domain":[17351,17351]' in html
