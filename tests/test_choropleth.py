"""Choropleths of incidents or fatalities per unit: counts, classes, the static map and the page's layer.

Counts are by hand from tests/data/before_after.yaml: six incidents in Douma (Rif Dimashq, 13 killed
in all), one in Damascus city (5 killed), one in Idlib city (4 killed).
"""

from pathlib import Path

import numpy as np
import pytest

from zonemap import InputError, build, prepare
from zonemap.incidents.choropleth import ChoroplethSpec, _classes, choropleth, natural_breaks
from zonemap.render.choropleth import NONE_COLOUR, PALETTES, choropleth_layer, class_colours
from zonemap.render.static import render_static

SCENARIO = Path(__file__).parent / "data" / "before_after.yaml"


@pytest.fixture(scope="module")
def briefing():
    return prepare(SCENARIO)


def valued(shades) -> dict[str, int]:
    units = shades.units
    return dict(zip(units.loc[units["value"] > 0, "code"], units.loc[units["value"] > 0, "value"]))


def test_counts_and_fatalities_per_unit_of_each_level(briefing):
    governorates = choropleth(briefing, "incidents:governorate")
    assert valued(governorates) == {"SY-DI": 1, "SY-ID": 1, "SY-RD": 6}
    assert len(governorates.units) == 14  # every governorate, with or without incidents
    assert valued(choropleth(briefing, "fatalities:subdistrict")) == {"SY010000": 5, "SY030200": 13, "SY070000": 4}
    assert valued(choropleth(briefing, "incidents:district")) == {"SY0100": 1, "SY0302": 6, "SY0700": 1}
    zones = choropleth(briefing, "fatalities:zone")
    assert dict(zip(zones.units["code"], zones.units["value"])) == {"ghouta": 13, "idlib": 4, "daraa": 0}
    # A window counts only its incidents.
    assert valued(choropleth(briefing.between("2017-07-22", "2017-07-31"), "incidents:zone")) == {"ghouta": 2}


def test_classes_put_zero_alone_and_each_value_in_its_range(briefing):
    shades = choropleth(briefing, "fatalities:subdistrict")
    assert shades.upper_bounds == (0, 4, 5, 13) and shades.labels == ("0", "1–4", "5", "6–13")
    by_code = shades.units.set_index("code")["class_index"]
    assert (by_code["SY070000"], by_code["SY010000"], by_code["SY030200"]) == (1, 2, 3)
    assert class_colours(shades) == [NONE_COLOUR, *PALETTES[3]]
    # More distinct values than classes: Fisher-Jenks breaks (mapclassify), every value within its class's range.
    values = np.array([0, 0, 1, 2, 3, 10, 11, 12, 100, 101, 250])
    index, bounds = _classes(values)
    assert len(bounds) == 6 and bounds[0] == 0 and bounds[-1] == 250
    assert all(v <= bounds[i] and (i == 0 or v > bounds[i - 1]) for v, i in zip(values, index))
    assert list(index[:2]) == [0, 0] and index[2] == 1


def test_natural_breaks_are_mapclassifys_fisher_jenks():
    import warnings

    import mapclassify

    rng = np.random.default_rng(2017)
    samples = [rng.geometric(rng.uniform(0.005, 0.5), int(rng.integers(8, 280))) for _ in range(40)]
    samples = [s for s in samples if len(np.unique(s)) > 5]
    assert len(samples) > 30
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")  # its pure-Python loop: slower, same classes
        expected = [[int(b) for b in mapclassify.FisherJenks(s, k=5).bins] for s in samples]
    assert [natural_breaks(s, 5) for s in samples] == expected
    assert natural_breaks(np.array([1, 1, 1, 2, 9, 10, 50, 51, 52, 400]), 3) == [10, 52, 400]


@pytest.mark.parametrize("text, expected", [("fatalities:subdistrict", ("fatalities", "subdistrict")),
                                            ("Incidents:Admin1", ("incidents", "governorate")),
                                            ("fatalities", ("fatalities", "governorate")),
                                            ("incidents:sub-district", ("incidents", "subdistrict"))])
def test_specs_read_measure_and_level(text, expected):
    spec = ChoroplethSpec.parse(text)
    assert (spec.measure, spec.level) == expected


@pytest.mark.parametrize("text", ["deaths:governorate", "incidents:village", "", ":zone"])
def test_bad_specs_say_what_is_expected(text):
    with pytest.raises(InputError, match="MEASURE:LEVEL"):
        ChoroplethSpec.parse(text)


def test_the_static_map_fills_units_and_shows_their_legend(briefing):
    svg = render_static(briefing, "svg", choropleth="fatalities:subdistrict").decode()
    assert 'id="choropleth' in svg and 'id="choropleth-legend' in svg
    legend = svg[svg.index('id="choropleth-legend'):]
    assert all(label in legend for label in ("Fatalities per sub-district", "1–4", "6–13"))
    # The unit with most fatalities is filled in the darkest class colour; without a choropleth nothing is.
    assert PALETTES[3][-1] in svg[svg.index('id="choropleth'):svg.index('id="choropleth-legend')]
    plain = render_static(briefing, "svg").decode()
    assert 'id="choropleth' not in plain and PALETTES[3][-1] not in plain


def test_the_page_layer_carries_units_colours_and_legend(briefing):
    layer = choropleth_layer(choropleth(briefing, "incidents:zone"), "en")
    properties = {f["properties"]["name"]: f["properties"] for f in layer["data"]["features"]}
    assert properties["Eastern Ghouta zone"]["value"] == 6 and properties["Daraa zone without a date"]["colour"] == NONE_COLOUR
    assert layer["legend"] == {"title": "Incidents per zone", "rows": [[NONE_COLOUR, "0"], [PALETTES[2][0], "1"],
                                                                      [PALETTES[2][1], "2–6"]]}


def drawing_order(page) -> list[str]:
    """The kinds of path in the map's vector layer, in painting order, each run counted once."""
    classes = page.eval_on_selector_all(".leaflet-overlay-pane svg path", "paths => paths.map(p => p.getAttribute('class'))")
    kinds = [next(k for k in ("zm-country", "zm-choropleth-unit", "zm-zone") if k in c) for c in classes
             if any(k in c for k in ("zm-country", "zm-choropleth-unit", "zm-zone"))]
    return [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]


@pytest.mark.browser
def test_the_choropleth_layer_toggles_with_its_legend(briefing, tmp_path, offline_page):
    page = offline_page.page
    page.goto(build(briefing.scenario, tmp_path, formats=["html"]).outputs["html"].as_uri())
    page.wait_for_selector("[data-zm-ready='true']")
    toggle = page.locator(".leaflet-control-layers-overlays label", has_text="Incidents per governorate").locator("input")
    assert not toggle.is_checked()  # off unless asked for
    assert page.locator("path.zm-choropleth-unit").count() == 0 and page.locator(".zm-choropleth-legend").count() == 0
    toggle.check()
    page.wait_for_selector(".zm-choropleth-legend")
    assert page.locator("path.zm-choropleth-unit").count() == 14
    legend = page.locator(".zm-choropleth-legend")
    assert legend.locator("h2").inner_text() == "Incidents per governorate"
    assert legend.locator(".zm-choropleth-class").all_inner_texts() == ["0", "1", "2–6"]
    assert drawing_order(page) == ["zm-country", "zm-choropleth-unit", "zm-zone"]
    toggle.uncheck()
    page.wait_for_function("document.querySelectorAll('.zm-choropleth-legend').length === 0")
    assert page.locator("path.zm-choropleth-unit").count() == 0
    toggle.check()  # on again: still over the land and under the zones
    page.wait_for_selector(".zm-choropleth-legend")
    assert drawing_order(page) == ["zm-country", "zm-choropleth-unit", "zm-zone"]
    assert offline_page.problems == []


@pytest.mark.browser
def test_a_choropleth_asked_for_is_shown_from_the_start(briefing, tmp_path, offline_page):
    page = offline_page.page
    html = build(briefing.scenario, tmp_path, formats=["html"], choropleth="fatalities:subdistrict").outputs["html"]
    page.goto(html.as_uri())
    page.wait_for_selector("[data-zm-ready='true']")
    toggle = page.locator(".leaflet-control-layers-overlays label", has_text="Fatalities per sub-district").locator("input")
    assert toggle.is_checked()
    assert page.locator(".zm-choropleth-legend .zm-choropleth-class").all_inner_texts() == ["0", "1–4", "5", "6–13"]
    fills = page.eval_on_selector_all("path.zm-choropleth-unit", "paths => paths.map(p => p.getAttribute('fill'))")
    assert len(fills) == 272 and fills.count(PALETTES[3][-1]) == 1
    assert offline_page.problems == []
