"""The opening view of the interactive map: every zone, and the incidents of the region."""

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from dataclasses import replace

from zonemap.render.opening_view import NEARBY_DEGREES, opening_bounds


def test_zones_and_incidents_at_home_are_in_view_and_talks_far_abroad_are_not(example_briefing):
    (south, west), (north, east) = opening_bounds(example_briefing)
    minx, miny, maxx, maxy = example_briefing.zones.total_bounds
    assert (south, west, north, east) == pytest.approx((miny, minx, maxy, maxx), abs=1e-4)
    astana = example_briefing.incidents.set_index("id").geometry["astana-round-five"]
    assert astana.x > east + NEARBY_DEGREES  # Kazakhstan: a pan away, not in the opening view


def test_an_incident_beyond_the_zones_widens_the_view(example_briefing):
    incidents = example_briefing.incidents
    extra = incidents.iloc[[0]].assign(id="abu-kamal", country="SY", geometry=[shapely.Point(40.92, 34.45)])
    widened = replace(example_briefing, incidents=gpd.GeoDataFrame(pd.concat([incidents, extra]), crs=incidents.crs))
    (south, west), (north, east) = opening_bounds(widened)
    assert east == pytest.approx(40.92) and west < 36.5


def test_an_incident_just_across_the_border_widens_the_view(example_briefing):
    incidents = example_briefing.incidents
    amman = incidents.iloc[[0]].assign(id="amman", country="JO", geometry=[shapely.Point(35.93, 31.95)])
    widened = replace(example_briefing, incidents=gpd.GeoDataFrame(pd.concat([incidents, amman]), crs=incidents.crs))
    (south, _), _ = opening_bounds(widened)
    assert south == pytest.approx(31.95)
