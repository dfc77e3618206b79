"""The interactive map: a self-contained page, checked as text and in a real browser."""

import json
import textwrap

import pytest
from conftest import EXAMPLE

from zonemap import build
from zonemap.render.page import external_urls


def test_page_is_self_contained(example_build):
    html = example_build["html"].read_text(encoding="utf-8")
    assert external_urls(html) == []
    assert "<script src=" not in html and 'rel="stylesheet"' not in html
    assert "L.map(" in html and "zonemap.zone(" in html


def test_two_builds_are_byte_identical(example_build, tmp_path):
    again = build(EXAMPLE, tmp_path)
    for kind in ("html", "geojson"):
        assert again.outputs[kind].read_bytes() == example_build[kind].read_bytes()


def test_geojson_export_has_zones_provinces_and_incidents(example_build):
    data = json.loads(example_build["geojson"].read_text(encoding="utf-8"))
    layers = {}
    for feature in data["features"]:
        layers.setdefault(feature["properties"]["layer"], []).append(feature["properties"])
    assert [z["id"] for z in layers["zone"]] == ["idlib", "northern-homs", "eastern-ghouta", "southern-syria"]
    assert len(layers["province"]) == 15
    douma = next(i for i in layers["incident"] if i["id"] == "douma-air-strike")
    assert (douma["admin1_code"], douma["zones"], douma["fatalities"]) == ("SY-RD", ["eastern-ghouta"], 2)
    ghouta = next(z for z in layers["zone"] if z["id"] == "eastern-ghouta")
    assert (ghouta["incidents"], ghouta["fatalities"], ghouta["approximate"]) == (1, 2, True)
    idlib = next(p for p in layers["province"] if p["iso_3166_2"] == "SY-ID")
    assert idlib["zones"] == ["idlib"]


@pytest.mark.browser
def test_example_map_in_a_real_browser_offline(example_build, example_briefing, offline_page, artifacts_dir):
    page = offline_page.page
    page.goto(example_build["html"].as_uri())
    page.wait_for_selector("path.zm-zone")
    governorates = page.locator("path.zm-province:not(.zm-special-area)")
    assert governorates.count() == 14
    for zone_id in ["idlib", "northern-homs", "eastern-ghouta", "southern-syria"]:
        assert page.locator(f"path.zm-zone-{zone_id}").count() == 1
    assert page.locator("path.zm-zone-northern-homs.zm-approximate").get_attribute("stroke-dasharray")
    assert page.locator(".zm-incident").count() == len(example_briefing.incidents) == 5

    page.locator(".zm-incident-douma-air-strike").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "2017-07-04" in text and "Fatalities" in text and "\t2" in text.replace("\n", "\t") + "\t"
    assert "Duma sub-district, Duma district, Rif Dimashq" in text  # the units it lies in, from OCHA
    page.screenshot(path=str(artifacts_dir / "astana-2017.png"))

    page.locator(".leaflet-control-layers-overlays label", has_text="Idlib zone").locator("input").uncheck()
    assert page.locator("path.zm-zone-idlib").count() == 0
    assert page.locator("path.zm-zone-southern-syria").count() == 1
    assert offline_page.problems == []


HOSTILE = "<img src=x onerror=\"window.__xss=1\"></script><script>window.__xss=2</script>`${window.__xss=3}`"


@pytest.mark.browser
def test_hostile_text_is_shown_as_text_and_runs_nothing(tmp_path, offline_page):
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(textwrap.dedent(f"""\
        title: {json.dumps(HOSTILE)}
        sources:
          - id: s
            outlet: {json.dumps(HOSTILE)}
            url: https://example.org/
        zones:
          - id: z
            name: {json.dumps(HOSTILE)}
            notes: {json.dumps(HOSTILE)}
            provinces: [Rif Dimashq]
        incidents:
          - id: hostile
            date: 2017-07-04
            place: Douma
            type: shelling
            description: {json.dumps(HOSTILE)}
            source: s
        """), encoding="utf-8")
    result = build(scenario, tmp_path / "out")
    page = offline_page.page
    page.add_init_script("window.__xss = 0;")
    page.goto(result.outputs["html"].as_uri())
    page.wait_for_selector(".zm-incident-hostile")
    page.locator(".zm-incident-hostile").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE in popup.inner_text()
    assert HOSTILE in page.locator("#zm-title h1").inner_text()
    assert page.locator(".leaflet-control-layers-overlays", has_text=HOSTILE).count() == 1
    assert page.evaluate("window.__xss") == 0
    assert offline_page.dialogs == []


@pytest.mark.browser
def test_arabic_labels_in_the_browser(example_build, tmp_path, offline_page):
    result = build(EXAMPLE, tmp_path, formats=["html"], lang="ar")
    page = offline_page.page
    page.goto(result.outputs["html"].as_uri())
    page.wait_for_selector(".zm-province-label:not(.zm-label-hidden)")
    labels = page.locator(".zm-province-label").all_text_contents()  # some give way to zone names where they overlap
    assert "إدلب" in labels and "درعا" in labels
    assert page.locator("#zm-legend").get_attribute("dir") == "rtl"
    assert "منطقة إدلب" in page.locator(".leaflet-control-layers-overlays").inner_text()
    page.locator(".zm-incident-douma-air-strike").click()
    popup = page.locator(".leaflet-popup-content .zm-popup")
    assert popup.get_attribute("dir") == "rtl" and "التاريخ" in popup.inner_text()
    assert offline_page.problems == []


@pytest.mark.browser
def test_online_tiles_are_opt_in_and_the_map_works_when_they_fail(example_build, tmp_path, offline_page):
    html = example_build["html"].read_text(encoding="utf-8")
    assert "tile.openstreetmap" not in html
    result = build(EXAMPLE, tmp_path, formats=["html"], tiles="osm")
    page = offline_page.page
    page.goto(result.outputs["html"].as_uri())
    page.wait_for_selector("path.zm-zone")
    page.wait_for_timeout(300)
    assert any("tile.openstreetmap.org" in url for url in offline_page.blocked_requests)
    assert page.locator("path.zm-zone").count() == 4 and page.locator(".zm-incident").count() == 5
    assert offline_page.page_errors == []
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()


def test_unknown_tile_provider_is_an_input_error(example_build, tmp_path):
    from zonemap import InputError

    with pytest.raises(InputError, match="unknown tile provider 'nope'"):
        build(EXAMPLE, tmp_path, formats=["html"], tiles="nope")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.browser
def test_sub_district_layer_is_off_until_chosen_and_names_units_in_both_scripts(example_build, offline_page):
    from zonemap.data import default_geodata

    page = offline_page.page
    page.goto(example_build["html"].as_uri())
    page.wait_for_selector("path.zm-zone")
    assert page.locator("path.zm-admin-unit").count() == 0
    page.locator(".leaflet-control-layers-overlays label", has_text="Sub-districts").locator("input").check()
    units = default_geodata().admin_units("SY", 3).set_index("pcode")
    assert page.locator("path.zm-admin-unit").count() == len(units)
    # Hover inside Harasta sub-district, where no marker is: the unit's names, English and Arabic, follow the pointer.
    harasta = units.loc["SY030201"]
    spot = harasta.geometry.representative_point()
    x, y = page.evaluate("""([lat, lon]) => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        map.setView([lat, lon], 11, {animate: false});
        const p = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", [spot.y, spot.x])
    page.mouse.move(x, y)
    page.mouse.move(x + 2, y + 1)
    tip = page.locator(".zm-admin-tip")
    tip.wait_for()
    assert f"{harasta['name_en']} sub-district" in tip.inner_text() and harasta["name_ar"] in tip.inner_text()
    # The zones under the outlines still take clicks.
    page.mouse.click(x, y)
    page.locator(".leaflet-popup-content").wait_for()
    assert "Eastern Ghouta" in page.locator(".leaflet-popup-content").inner_text()
    page.locator(".leaflet-control-layers-overlays label", has_text="Sub-districts").locator("input").uncheck()
    assert page.locator("path.zm-admin-unit").count() == 0
    assert offline_page.problems == []
