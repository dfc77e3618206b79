import geopandas as gpd
import pandas as pd
import shapely

from zonemap.incidents import join_incidents, zone_figures, zones_containing


def square(x0, y0, size=1.0):
    return shapely.box(x0, y0, x0 + size, y0 + size)


ZONES = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[square(36, 33), square(36.5, 33.5)], crs="EPSG:4326")


def test_zones_containing_handles_overlaps_and_misses():
    points = shapely.points([36.2, 36.7, 38.0, 36.5], [33.2, 33.7, 35.0, 33.5])
    assert zones_containing(points, ZONES) == [["a"], ["a", "b"], [], ["a", "b"]]


def test_join_adds_province_and_zones():
    incidents = gpd.GeoDataFrame({"id": ["x", "y"], "fatalities": [2, None]},
                                 geometry=[shapely.Point(36.4027, 33.5718), shapely.Point(35.5018, 33.8938)], crs="EPSG:4326")
    joined = join_incidents(incidents, ZONES)
    assert joined["admin1_code"].iloc[0] == "SY-RD"
    assert joined["country"].tolist() == ["SY", "LB"]
    assert joined["zones"].tolist() == ["a", ""]
    assert str(joined["fatalities"].dtype) == "Int64"


def test_zone_figures_count_incidents_and_fatalities():
    incidents = pd.DataFrame({"zones": ["a", "a; b", "", "b"], "fatalities": pd.array([2, None, 5, 1], dtype="Int64")})
    figures = zone_figures(ZONES, incidents)
    assert figures.loc["a"].tolist() == [2, 2]
    assert figures.loc["b"].tolist() == [2, 1]


def test_join_scales_to_many_points():
    import numpy as np

    rng = np.random.default_rng(3)
    n = 50_000
    incidents = gpd.GeoDataFrame({"fatalities": rng.integers(0, 5, n)},
                                 geometry=shapely.points(rng.uniform(35.7, 42, n), rng.uniform(32.4, 37.2, n)), crs="EPSG:4326")
    joined = join_incidents(incidents, ZONES)
    inside_a = joined["zones"].str.contains("a").sum()
    expected = shapely.covered_by(incidents.geometry.to_numpy(), ZONES.geometry.iloc[0]).sum()
    assert inside_a == expected
