"""Zone identity on the interactive map: fill patterns, label points, legend groups."""

import re

import pandas as pd
import pytest
import shapely

from zonemap.render.style import NO_SIDE_COLOUR, zone_looks
from zonemap.render.zone_identity import label_point, pattern_defs, pattern_fill, side_legend_html


def test_pattern_defs_hold_a_hatch_and_a_dot_pattern_per_colour_each_referenced_by_its_fill():
    markup = pattern_defs(["#0072B2", "#e69f00", "#0072B2"])
    ids = re.findall(r'<pattern id="([^"]+)"', markup)
    assert sorted(ids) == ["zm-pattern-dots-0072b2", "zm-pattern-dots-e69f00", "zm-pattern-hatch-0072b2",
                           "zm-pattern-hatch-e69f00"]
    assert markup.count("<defs>") == 1
    assert pattern_fill("hatch", "#0072B2") == "url(#zm-pattern-hatch-0072b2)"
    assert pattern_fill("solid", "#0072B2") == "#0072B2"


def test_pattern_defs_refuse_anything_but_a_hex_colour():
    with pytest.raises(ValueError, match="#rrggbb"):
        pattern_defs(['red"/><script>'])


def test_label_point_lies_inside_a_bent_zone_and_on_its_largest_part():
    bent = shapely.Polygon([(0, 0), (4, 0), (4, 4), (0, 4), (0, 3), (3, 3), (3, 1), (0, 1)])  # a C: centroid outside
    assert not bent.contains(bent.centroid)
    x, y = label_point(bent)
    assert bent.contains(shapely.Point(x, y))
    islet = shapely.box(10, 10, 10.1, 10.1)
    x, y = label_point(shapely.MultiPolygon([islet, bent]))
    assert bent.contains(shapely.Point(x, y))


def test_side_legend_groups_sides_then_status_patterns():
    zones = pd.DataFrame({"id": ["a", "b", "c"], "status": ["in force", "collapsed", "proposed"],
                          "side": ["GNA", "LNA", None]})
    rows = "\n".join(side_legend_html(zone_looks(zones), zones["status"], "en"))
    sides = re.findall(r'zm-legend-side">.*?</svg>([^<]+)</div>', rows)
    assert sides == ["GNA", "LNA", "No side given"]
    assert NO_SIDE_COLOUR in rows
    patterns = re.findall(r'data-zm-pattern="(\w+)"', rows)
    assert patterns == ["solid", "hatch", "dots"]
    assert rows.index("Sides") < rows.index("Status")


def test_side_names_are_escaped_in_the_legend():
    zones = pd.DataFrame({"id": ["a"], "status": ["agreed"], "side": ["<b>x</b>"]})
    rows = "".join(side_legend_html(zone_looks(zones), zones["status"], "en"))
    assert "<b>x</b>" not in rows and "&lt;b&gt;x&lt;/b&gt;" in rows
