import numpy as np
import pytest
import shapely

from zonemap import InputError
from zonemap.geometry.admin import locate_point, locate_points
from zonemap.data import default_geodata


def test_points_in_governorates():
    # Douma, Aleppo citadel, Deir ez-Zor (coordinates from Wikipedia).
    frame = locate_points([36.40, 37.1625, 40.1408], [33.5667, 36.1992, 35.3359])
    assert frame["admin1_code"].tolist() == ["SY-RD", "SY-HL", "SY-DY"]
    assert frame["admin1_name"].tolist() == ["Rif Dimashq", "Aleppo", "Deir ez-Zor"]
    assert frame["country"].tolist() == ["SY"] * 3


def test_points_outside_syria_get_their_country_and_no_governorate():
    # Beirut, Amman, Baghdad, Ankara, Mediterranean Sea.
    frame = locate_points([35.5018, 35.9106, 44.3661, 32.8597, 34.0], [33.8938, 31.9539, 33.3152, 39.9334, 34.5])
    assert frame["country"].iloc[:4].tolist() == ["LB", "JO", "IQ", "TR"]
    assert frame["country"].isna().iloc[4]
    assert frame["admin1_code"].isna().all()


def test_points_in_the_undof_strip_get_the_nearest_governorate_and_a_note():
    undof = default_geodata().syria_admin1.set_index("iso_3166_2").loc["SY-UNDOF"]
    assert not undof["is_governorate"] and "UN Disengagement Observer Force" in undof["note"]
    point = shapely.point_on_surface(undof.geometry)
    result = locate_point(point.x, point.y)
    assert result["special_area"] == "SY-UNDOF"
    assert result["admin1_code"] in {"SY-QU", "SY-DR", "SY-RD"}


def test_border_points_get_one_deterministic_answer():
    units = default_geodata().admin1("SY").set_index("iso_3166_2")
    shared = shapely.intersection(units.loc["SY-HL"].geometry.boundary, units.loc["SY-ID"].geometry.boundary)
    vertices = shapely.get_coordinates(shared)[:25]
    assert len(vertices) > 0
    first = locate_points(vertices[:, 0], vertices[:, 1])
    again = locate_points(vertices[::-1, 0], vertices[::-1, 1]).iloc[::-1].reset_index(drop=True)
    assert first.equals(again)
    # A point on the shared border goes to the code that sorts first.
    assert set(first["admin1_code"]) == {"SY-HL"}


def test_many_points_vectorised_matches_a_plain_loop():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(35.5, 42.5, 400), rng.uniform(32.2, 37.5, 400)
    frame = locate_points(lon, lat)
    units = default_geodata().admin1("SY")
    governorates = units[units["is_governorate"]]
    for x, y, code in zip(lon, lat, frame["admin1_code"]):
        hits = [c for c, g in zip(governorates["iso_3166_2"], governorates.geometry) if g.covers(shapely.Point(x, y))]
        if hits:
            assert code == hits[0]


def test_other_country_provinces():
    # Tripoli, Libya.
    result = locate_point(13.1913, 32.8872, country="LY")
    assert result["country"] == "LY" and result["admin1_code"].startswith("LY-")


@pytest.mark.parametrize("lon, lat", [(np.nan, 33.0), (36.0, np.inf), (200.0, 33.0), (36.0, -91.0)])
def test_invalid_coordinates_are_rejected(lon, lat):
    with pytest.raises(InputError, match="invalid coordinates"):
        locate_points([lon], [lat])


def test_mismatched_lengths_are_rejected():
    with pytest.raises(InputError):
        locate_points([36.0, 37.0], [33.0])
