"""Incidents: links to zones, the admin join, figures per zone, labels of unnamed points."""

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zonemap.data import default_geodata
from zonemap.geocoding import load_gazetteer
from zonemap.geometry.admin import AdminLocator
from zonemap.incidents import incident_labels, join_incidents, zone_figures, zone_incident_links


def square(x0, y0, size=1.0):
    return shapely.box(x0, y0, x0 + size, y0 + size)


ZONES = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[square(36, 33), square(36.5, 33.5)], crs="EPSG:4326")


def points(lons, lats, **columns):
    ids = columns.pop("id", [f"p{i}" for i in range(len(lons))])
    return gpd.GeoDataFrame({"id": ids, **columns}, geometry=shapely.points(lons, lats), crs="EPSG:4326")


def locator():
    data = default_geodata()
    return AdminLocator("SY", data.admin1("SY"), data.admin0())


def test_links_handle_overlaps_edges_and_misses():
    found = zone_incident_links(points([36.2, 36.7, 38.0, 36.5], [33.2, 33.7, 35.0, 33.5]), ZONES)
    assert found.values.tolist() == [["a", "p0"], ["a", "p1"], ["b", "p1"], ["a", "p3"], ["b", "p3"]]


def test_join_adds_country_province_and_zone_lists():
    frame = points([36.4027, 35.5018], [33.5718, 33.8938], id=["x", "y"], fatalities=pd.array([2, None], dtype="Int64"))
    links = zone_incident_links(frame, ZONES)
    locations = locator().locate(frame.geometry.x, frame.geometry.y)
    joined = join_incidents(frame.assign(place=None, matched_place=None), ["x", "y"], locations, links)
    assert joined["admin1_code"].iloc[0] == "SY-RD"
    assert joined["country"].tolist() == ["SY", "LB"]
    assert joined["zones"].tolist() == [("a",), ()]


def test_zone_figures_count_incidents_and_fatalities():
    incidents = pd.DataFrame({"id": ["w", "x", "y", "z"], "fatalities": pd.array([2, None, 5, 1], dtype="Int64")})
    links = pd.DataFrame({"zone_id": ["a", "a", "b", "b"], "incident_id": ["w", "x", "x", "z"]})
    figures = zone_figures(["a", "b", "c"], incidents, links)
    assert figures.loc["a"].tolist() == [2, 2]
    assert figures.loc["b"].tolist() == [2, 1]
    assert figures.loc["c"].tolist() == [0, 0]


def test_unnamed_points_are_labelled_by_the_nearest_place_or_their_coordinates():
    gazetteer = load_gazetteer(default_geodata())
    frame = points([36.4027, 36.4400, 38.5], [33.5750, 33.5900, 34.0], place=[None, None, None])
    near_douma, nearby, desert = incident_labels(frame, gazetteer, "SY")
    assert near_douma == "Duma"  # within a kilometre of the town centre: its name
    assert nearby.startswith("near ")  # a few km away: "near" the closest town
    assert desert == "34.0000, 38.5000"  # far from any place: coordinates, never "nan"


def test_links_scale_to_many_points():
    rng = np.random.default_rng(3)
    n = 50_000
    frame = points(rng.uniform(35.7, 42, n), rng.uniform(32.4, 37.2, n))
    links = zone_incident_links(frame, ZONES)
    expected = shapely.covered_by(frame.geometry.to_numpy(), ZONES.geometry.iloc[0]).sum()
    assert (links["zone_id"] == "a").sum() == expected
