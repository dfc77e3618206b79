"""The interactive map's layout in a real browser: phones and embeds, the opening view, print,
stacked incidents and zone identity, for every scenario in ``examples/``.

Each example is built once (page and embed); every check measures element boxes
in Chromium. Screenshots of each example at desktop and phone size go to
``tests/artifacts/``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from zonemap import build, prepare
from zonemap.render.opening_view import opening_bounds

pytestmark = pytest.mark.browser

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
WIDTHS = {360: 640, 600: 800, 1024: 768}
"""Viewport width → height of the three sizes the layout is checked at."""
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CENTRE_FRACTION = 1 / 3
"""The map's visible centre: the middle third of its width and of its height."""
PANELS = {"title": ("#zm-title", ".zm-toggle-title"), "legend": ("#zm-legend", ".zm-toggle-legend"),
          "layers": (".leaflet-control-layers", ".zm-toggle-layers")}
FIND_MAP = "Object.values(window).find(v => v instanceof L.Map)"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every example built once into a temporary folder: name → (page path, embed path, briefing)."""
    out = tmp_path_factory.mktemp("examples-web")
    results = {}
    for scenario in EXAMPLES:
        result = build(scenario, out / scenario.stem, formats=["html", "embed"])
        results[scenario.stem] = (result.outputs["html"], result.outputs["embed"], result.briefing)
    return results


@pytest.fixture(scope="module")
def briefings(built):
    return {name: briefing for name, (_, _, briefing) in built.items()}


def _host_page(embed: Path) -> Path:
    """A plain page that holds the embed fragment, as a CMS would."""
    host = embed.with_name(embed.stem + ".host.html")
    host.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0">'
                    + embed.read_text(encoding="utf-8") + "</body></html>", encoding="utf-8")
    return host


def _intersect(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def _inside(inner: dict, outer: dict) -> bool:
    return (inner["x"] >= outer["x"] - 0.5 and inner["y"] >= outer["y"] - 0.5
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5)


def _centre(box: dict) -> dict:
    margin = (1 - CENTRE_FRACTION) / 2
    return {"x": box["x"] + box["width"] * margin, "y": box["y"] + box["height"] * margin,
            "width": box["width"] * CENTRE_FRACTION, "height": box["height"] * CENTRE_FRACTION}


def _panel_boxes(scope) -> dict[str, dict]:
    """Box of each panel as shown: the panel itself, or the button standing in for it."""
    boxes = {}
    for name, (panel, button) in PANELS.items():
        shown = [s for s in (panel, button) if scope.locator(s).first.is_visible()]
        assert len(shown) == 1, f"{name}: exactly one of panel and button is shown, not {shown}"
        boxes[name] = scope.locator(shown[0]).first.bounding_box()
    return boxes


def _open(page, path: Path, ready_scope=None):
    page.goto(path.as_uri())
    (ready_scope or page).locator("[data-zm-ready]").wait_for(state="attached")


def _no_horizontal_scroll(frame) -> None:
    scroll, client = frame.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    assert scroll <= client, f"horizontal scroll: {scroll} > {client}"


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("scenario", [path.stem for path in EXAMPLES])
def test_panels_leave_the_map_centre_clear_on_page_and_embed(scenario, width, built, open_page):
    page_path, embed_path, _ = built[scenario]
    record = open_page({"width": width, "height": WIDTHS[width]})
    page = record.page
    for kind in ("page", "embed"):
        if kind == "page":
            _open(page, page_path)
            scope, frame = page, page.main_frame
            map_box = page.locator(".folium-map").bounding_box()
        else:
            page.goto(_host_page(embed_path).as_uri())
            scope = page.frame_locator("iframe")
            scope.locator("[data-zm-ready]").wait_for(state="attached")
            frame = page.frames[1]
            map_box = page.locator("iframe").bounding_box()
            _no_horizontal_scroll(page.main_frame)
        _no_horizontal_scroll(frame)
        boxes = _panel_boxes(scope)
        centre = _centre(map_box)
        for name, box in boxes.items():
            assert _inside(box, map_box), f"{kind} at {width}px: {name} {box} leaves the map {map_box}"
            assert not _intersect(box, centre), f"{kind} at {width}px: {name} {box} covers the map centre {centre}"
        names = list(boxes)
        for i, first in enumerate(names):
            for second in names[i + 1:]:
                assert not _intersect(boxes[first], boxes[second]), f"{kind} at {width}px: {first} overlaps {second}"
        compact = width < 700
        assert scope.locator("#zm-legend").is_visible() is not compact
        assert scope.locator(".zm-toggle-legend").is_visible() is compact
    assert record.page_errors == [] and record.blocked_requests == []


@pytest.mark.parametrize("scenario", [path.stem for path in EXAMPLES])
def test_opening_view_holds_every_zone_and_incident_of_the_country_and_screenshots(scenario, built, briefings, open_page,
                                                                           artifacts_dir):
    briefing = briefings[scenario]
    west, south, east, north = briefing.zones.total_bounds
    home = briefing.incidents[briefing.incidents["country"] == briefing.scenario.country]
    points = [[p.y, p.x] for p in home.geometry]
    corners = [[south, west], [north, east]]
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        record = open_page(viewport)
        page = record.page
        _open(page, built[scenario][0])
        page.wait_for_timeout(100)
        page.screenshot(path=str(artifacts_dir / f"{scenario}-{size}.png"))
        map_box = page.locator(".folium-map").bounding_box()
        panels = list(_panel_boxes(page).values())
        for latlng in points + corners:
            x, y = page.evaluate(f"([lat, lon]) => {{ const p = {FIND_MAP}.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }}",
                                 latlng)
            spot = {"x": map_box["x"] + x - 1, "y": map_box["y"] + y - 1, "width": 2, "height": 2}
            assert _inside(spot, map_box), f"{scenario} {size}: {latlng} is outside the opening view"
            assert not any(_intersect(spot, panel) for panel in panels), f"{scenario} {size}: {latlng} is under a panel"
        assert record.page_errors == []


def test_incidents_beyond_the_zones_open_in_view_clear_of_the_panels(tmp_path, open_page):
    """Mocha and Taiz, well south of a Hodeidah zone: the view widens to them, at desktop and phone size."""
    scenario = tmp_path / "hodeidah.yaml"
    scenario.write_text(textwrap.dedent("""\
        title: Hodeidah and the south-west
        country: YE
        zones:
          - id: hodeidah
            name: Hodeidah city
            towns: [Al Hudaydah]
            buffer_km: 10
        incidents:
          - {id: mocha, date: 2018-12-20, place: Mocha, type: clashes}
          - {id: taiz, date: 2018-12-21, place: Taiz, type: shelling}
        """), encoding="utf-8")
    page_path = build(scenario, tmp_path / "out", formats=["html"]).outputs["html"]
    for viewport in (DESKTOP, PHONE, {"width": 600, "height": 450}):
        page = open_page(viewport).page
        _open(page, page_path)
        map_box = page.locator(".folium-map").bounding_box()
        panels = list(_panel_boxes(page).values())
        for incident in ("mocha", "taiz"):
            icon = page.locator(f".zm-incident-{incident}").bounding_box()
            assert _inside(icon, map_box), f"{incident} is outside the opening view at {viewport}"
            assert not any(_intersect(icon, panel) for panel in panels), f"{incident} is under a panel at {viewport}"


@pytest.mark.parametrize("scenario", [path.stem for path in EXAMPLES])
def test_print_layout_keeps_the_whole_area(scenario, built, briefings, open_page):
    briefing = briefings[scenario]
    (south, west), (north, east) = opening_bounds(briefing)
    # A reader zoomed in on one spot prints: the printed map (A4 landscape less 10 mm margins, at 96 px
    # per inch) shows the whole area again.
    record = open_page({"width": 1047, "height": 718})
    page = record.page
    _open(page, built[scenario][0])
    zoom = page.evaluate(f"""(() => {{ const map = {FIND_MAP}, zoom = map.getZoom() + 2;
        map.setView([{south}, {west}], zoom, {{animate: false}}); return zoom; }})()""")
    page.emulate_media(media="print")
    page.wait_for_timeout(200)
    size = page.evaluate(f"(() => {{ const s = {FIND_MAP}.getSize(); return [s.x, s.y]; }})()")
    for latlng in ([south, west], [north, east]):
        x, y = page.evaluate(f"([lat, lon]) => {{ const p = {FIND_MAP}.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }}",
                             latlng)
        assert 0 <= x <= size[0] and 0 <= y <= size[1], f"{scenario}: {latlng} is cut off in print ({x:.0f}, {y:.0f} of {size})"
    page.emulate_media(media="screen")
    page.wait_for_timeout(200)
    assert page.evaluate(f"{FIND_MAP}.getZoom()") == zoom, "after printing, the reader's view comes back"


def _three_at_saqba(folder: Path, extra_rows: int = 0) -> Path:
    """A scenario with three incidents at Saqba, one at Daraa, and optionally many more in the east (canvas mode)."""
    folder.mkdir(parents=True, exist_ok=True)
    table = ""
    if extra_rows:
        rows = ["date,type,lat,lon"]
        rows += [f"2018-03-01,shelling,{34.6 + (i // 20) * 0.05:.4f},{39.6 + (i % 20) * 0.05:.4f}" for i in range(extra_rows)]
        (folder / "east.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        table = "incident_files: [east.csv]\n"
    path = folder / "three.yaml"
    path.write_text(textwrap.dedent("""\
        title: Three incidents in one town
        zones:
          - id: ghouta
            name: Ghouta
            subdistricts: [Kafr Batna]
        incidents:
          - {id: first, date: 2018-02-19, place: Saqba, type: air strike, description: one}
          - {id: second, date: 2018-02-20, place: Saqba, type: shelling, description: two}
          - {id: third, date: 2018-02-21, place: Saqba, type: clashes, description: three}
          - {id: elsewhere, date: 2018-02-21, place: Daraa, type: clashes}
        """) + table, encoding="utf-8")
    return path


@pytest.mark.parametrize("mode", ["markers", "canvas"])
def test_clicking_a_place_with_three_incidents_lists_all_three(mode, tmp_path, offline_page):
    scenario = _three_at_saqba(tmp_path / "in", extra_rows=300 if mode == "canvas" else 0)
    page_path = build(scenario, tmp_path / "out", formats=["html"]).outputs["html"]
    page = offline_page.page
    _open(page, page_path)
    saqba = prepare(scenario).incidents.set_index("id").geometry["first"]
    listed = page.locator(".leaflet-popup-content .zm-list-item")
    for _ in range(8):  # a click on a group of several places zooms in; one on a single place lists it
        if mode == "markers":
            assert page.locator(".zm-incident-first").count() == 0, "stacked incidents are not separate icons"
        x, y = page.evaluate(f"""([lat, lon]) => {{
            const map = {FIND_MAP}, p = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y]; }}""", [saqba.y, saqba.x])
        page.mouse.click(x, y)
        page.wait_for_timeout(400)
        if listed.count():
            break
    assert listed.count() == 3
    items = listed.all_inner_texts()
    assert [item[:10] for item in items] == ["2018-02-19", "2018-02-20", "2018-02-21"]
    assert all("Saqba" in item for item in items)
    listed.nth(1).click()
    assert "two" in page.locator(".leaflet-popup-content").inner_text()
    assert offline_page.problems == []


def test_zones_are_labelled_and_told_apart_by_side_and_pattern(built, briefings, offline_page):
    page = offline_page.page
    _open(page, built["astana-2017"][0])
    labels = page.locator(".zm-zone-label:not(.zm-label-hidden)")
    assert sorted(labels.all_inner_texts()) == sorted(briefings["astana-2017"].zones["name"])
    # The small Eastern Ghouta zone is ringed at the opening zoom, so it shows around the Douma icon; not when zoomed in.
    assert page.locator("path.zm-zone-ring-eastern-ghouta").count() == 1
    page.evaluate(f"{FIND_MAP}.setView([33.55, 36.4], 9, {{animate: false}})")
    assert page.locator("path.zm-zone-ring-eastern-ghouta").count() == 0

    if "idlib-2020" not in built:
        pytest.skip("examples/idlib-2020.yaml is not in this checkout")
    zones = briefings["idlib-2020"].zones
    _open(page, built["idlib-2020"][0])
    collapsed = zones[zones["status"] == "collapsed"]["id"]
    assert len(collapsed)
    for zone_id in collapsed:
        fill = page.locator(f"path.zm-zone-{zone_id}").get_attribute("fill")
        assert fill.startswith("url(#zm-pattern-hatch-")
        assert page.locator(fill[4:-1]).count() == 1, "the pattern is defined in the page"
    sides = [side for side in dict.fromkeys(zones["side"]) if isinstance(side, str)]
    assert page.locator(".zm-legend-side").all_inner_texts()[:len(sides)] == sides
    assert "Collapsed" in page.locator(".zm-legend-pattern").all_inner_texts()
    assert offline_page.problems == []


@pytest.mark.parametrize("lang, written, label, other", [("en", "دوما", "Duma", "دوما"), ("ar", "Douma", "دوما", "Douma")])
def test_labels_follow_the_map_language_with_the_other_script_in_the_popup(lang, written, label, other, tmp_path, offline_page):
    scenario = tmp_path / "lang.yaml"
    scenario.write_text(textwrap.dedent(f"""\
        title: Labels by language
        zones:
          - id: ghouta
            name: Eastern Ghouta
            name_ar: الغوطة الشرقية
            subdistricts: [Duma]
        incidents:
          - {{id: strike, date: 2018-02-19, place: {written}, type: air strike}}
        map: {{lang: {lang}}}
        """), encoding="utf-8")
    result = build(scenario, tmp_path / "out", formats=["html"])
    page = offline_page.page
    _open(page, result.outputs["html"])
    zone_name, zone_other = ("Eastern Ghouta", "الغوطة الشرقية") if lang == "en" else ("الغوطة الشرقية", "Eastern Ghouta")
    assert page.locator(".zm-zone-label").inner_text() == zone_name
    page.locator(".zm-incident-strike").hover()
    assert page.locator(".leaflet-tooltip", has_text=label).count() == 1
    assert other not in page.locator(".leaflet-tooltip-pane").inner_text()
    page.locator(".zm-incident-strike").click()
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert label in popup and other in popup
    page.locator(".leaflet-popup-close-button").click()
    # A spot of the zone well away from the incident's icon.
    briefing = result.briefing
    spot = briefing.zones.geometry.iloc[0].difference(briefing.incidents.geometry.iloc[0].buffer(0.05)).representative_point()
    x, y = page.evaluate(f"""([lat, lon]) => {{
        const map = {FIND_MAP}, p = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; }}""", [spot.y, spot.x])
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content", has_text=zone_other)
    popup.wait_for()
    assert zone_other in popup.inner_text()
    assert offline_page.problems == []


def test_buttons_open_the_panels_on_a_phone(built, open_page):
    record = open_page(PHONE)
    page = record.page
    _open(page, built["astana-2017"][0])
    assert not page.locator("#zm-title").is_visible()
    page.locator(".zm-toggle-title").click()
    assert page.locator("#zm-title").is_visible()
    assert page.locator(".zm-toggle-title").get_attribute("aria-expanded") == "true"
    assert _inside(page.locator("#zm-title").bounding_box(), page.locator(".folium-map").bounding_box())
    page.locator(".zm-toggle-title").click()
    assert not page.locator("#zm-title").is_visible()


def test_nearby_places_are_one_group_at_low_zoom_and_come_apart_when_clicked(tmp_path, offline_page):
    scenario = tmp_path / "nearby.yaml"
    scenario.write_text(textwrap.dedent("""\
        title: Three towns a few kilometres apart, on a map of the north-west
        zones:
          - id: idlib
            name: Idlib
            provinces: [Idlib]
        incidents:
          - {id: douma, date: 2018-02-19, place: Douma, type: air strike}
          - {id: harasta, date: 2018-02-20, place: Harasta, type: shelling}
          - {id: saqba, date: 2018-02-21, place: Saqba, type: clashes}
        """), encoding="utf-8")
    page = offline_page.page
    _open(page, build(scenario, tmp_path / "out", formats=["html"]).outputs["html"])
    group = page.locator(".zm-incident-group")
    assert group.count() == 1 and group.inner_text() == "3"
    assert page.locator(".zm-incident-douma").count() == 0
    zoom = page.evaluate(f"{FIND_MAP}.getZoom()")
    group.click()
    page.wait_for_function(f"{FIND_MAP}.getZoom() > {zoom}")
    page.wait_for_timeout(400)
    assert page.locator(".zm-incident-douma, .zm-incident-harasta, .zm-incident-saqba").count() >= 2, "the towns come apart"
    assert offline_page.problems == []
