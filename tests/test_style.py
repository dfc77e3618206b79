"""Zone looks: colour by status until sides exist, then colour by side and status as pattern."""

import pandas as pd

from zonemap.render.style import SIDE_COLOURS, STATUS_PATTERNS, ZONE_STYLES, zone_looks


def _zones(sides, statuses):
    return pd.DataFrame({"id": [f"z{i}" for i in range(len(sides))], "side": sides, "status": statuses})


def test_without_sides_colour_tells_the_status():
    looks = zone_looks(_zones([None, None], ["in force", "collapsed"]))
    assert looks["z0"].colour == ZONE_STYLES["in force"].colour
    assert looks["z1"].colour == ZONE_STYLES["collapsed"].colour
    assert {look.pattern for look in looks.values()} == {"solid"}


def test_two_sides_in_force_get_different_colours_and_status_becomes_the_pattern():
    looks = zone_looks(_zones(["GNA", "LNA", "GNA"], ["in force", "in force", "collapsed"]))
    assert looks["z0"].colour != looks["z1"].colour
    assert looks["z0"].colour == looks["z2"].colour == SIDE_COLOURS[0]
    assert looks["z2"].pattern == STATUS_PATTERNS["collapsed"] == "hatch"
    assert looks["z0"].pattern == "solid"
