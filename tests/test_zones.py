"""Zone geometry from each rule: provinces, part of a province, named areas, towns, drawn shapes."""

import json
import textwrap

import numpy as np
import pytest
import shapely

from zonemap import ScenarioError, prepare
from zonemap.data import default_geodata
from zonemap.geometry.projection import area_km2, buffered_hull


def zones_of(tmp_path, zones_yaml: str, country: str = "SY"):
    """The zones of a scenario with these zones, and its briefing (for the resolutions)."""
    path = tmp_path / "s.yaml"
    path.write_text(f"title: T\ncountry: {country}\nzones:\n" + textwrap.indent(textwrap.dedent(zones_yaml), "  "))
    briefing = prepare(path)
    return briefing.zones, briefing


def test_whole_provinces(tmp_path):
    zones, _ = zones_of(tmp_path, """\
        - id: south
          name: South
          provinces: [Daraa, Sweida]
        """)
    row = zones.iloc[0]
    units = default_geodata().admin1("SY").set_index("iso_3166_2")
    expected = area_km2(units.loc["SY-DR"].geometry) + area_km2(units.loc["SY-SU"].geometry)
    assert row["area_km2"] == pytest.approx(expected, rel=0.001)
    assert row["province_codes"] == ("SY-DR", "SY-SU")
    assert not row["approximate"]


def test_quneitra_includes_the_undof_strip_it_administers(tmp_path):
    zones, _ = zones_of(tmp_path, """\
        - id: q
          name: Q
          provinces: [Quneitra]
        """)
    undof = default_geodata().syria_admin1.set_index("iso_3166_2").loc["SY-UNDOF"].geometry
    assert zones.geometry.iloc[0].covers(shapely.point_on_surface(undof))


def test_part_of_a_province_is_clipped_to_it(tmp_path):
    zones, _ = zones_of(tmp_path, """\
        - id: nh
          name: Northern Homs
          province_part: {province: Homs, towns: [Ar Rastan, Talbiseh, Kafr Laha], buffer_km: 5}
        """)
    row = zones.iloc[0]
    homs = default_geodata().admin1("SY").set_index("iso_3166_2").loc["SY-HI"].geometry
    assert row["approximate"]
    assert row["province_codes"] == ("SY-HI",)
    assert homs.buffer(1e-9).covers(row.geometry)
    assert 200 < row["area_km2"] < 2000


def test_named_area_is_the_buffered_hull_of_its_members(tmp_path):
    zones, briefing = zones_of(tmp_path, """\
        - id: eg
          name: Eastern Ghouta
          area: Eastern Ghuta
          buffer_km: 2
        """)
    geometry = zones.geometry.iloc[0]
    area = default_geodata().named_areas["eastern-ghouta"]
    for name, lat, lon in area.members:
        assert geometry.covers(shapely.Point(lon, lat)), name
    assert "SY-RD" in zones.iloc[0]["province_codes"]
    assert briefing.resolutions[0].result.kind == "named_area"


def test_buffer_is_in_kilometres():
    disc = buffered_hull([(36.4, 33.57)], 10)
    assert area_km2(disc) == pytest.approx(3.14159 * 100, rel=0.01)


def test_towns_hull(tmp_path):
    zones, briefing = zones_of(tmp_path, """\
        - id: t
          name: Towns
          towns: [Douma, Harasta]
          buffer_km: 3
        """)
    assert zones.iloc[0]["rule"] == "towns" and zones.iloc[0]["approximate"]
    towns = [r.result for r in briefing.resolutions]
    geometry = zones.geometry.iloc[0]
    # A 3 km stadium around the segment between the two towns: it holds both towns, a point 2.5 km
    # beyond one of them, but not a point 4 km beyond; its area is the segment's rectangle plus a disc.
    douma, harasta = (shapely.Point(t.lon, t.lat) for t in towns)
    assert geometry.covers(douma) and geometry.covers(harasta)
    degree_km = 111.32 * np.cos(np.radians(douma.y))
    assert geometry.covers(shapely.Point(douma.x + 2.5 / degree_km, douma.y))
    assert not geometry.covers(shapely.Point(douma.x + 4 / degree_km, douma.y))
    length = area_km2(shapely.LineString([douma, harasta]).buffer(1e-9)) / 2e-9 / 111.32  # rough length, km
    assert zones.iloc[0]["area_km2"] == pytest.approx(np.pi * 9 + 6 * length, rel=0.15)


def test_drawn_shape_is_made_valid_and_clipped_to_the_country(tmp_path):
    # A bow-tie (self-intersecting) polygon reaching from Syria into Lebanon.
    bow_tie = {"type": "Polygon", "coordinates": [[[35.6, 33.2], [36.6, 34.2], [36.6, 33.2], [35.6, 34.2], [35.6, 33.2]]]}
    (tmp_path / "drawn.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": bow_tie}]}))
    zones, briefing = zones_of(tmp_path, """\
        - id: d
          name: Drawn
          geojson: drawn.geojson
        """)
    geometry = zones.geometry.iloc[0]
    assert geometry.is_valid
    lebanon = default_geodata().admin0("LB").geometry.iloc[0]
    assert shapely.intersection(geometry, lebanon).area < 1e-6
    assert not zones.iloc[0]["approximate"]
    # Repaired into its two triangles (the part in Syria): a point inside the eastern one is covered,
    # the pinch point's surroundings above and below are not, and the repair is reported.
    assert geometry.covers(shapely.Point(36.45, 33.7))
    assert not geometry.covers(shapely.Point(36.1, 33.35)) and not geometry.covers(shapely.Point(36.1, 34.05))
    assert any("was not a valid polygon" in w for w in briefing.warnings)


@pytest.mark.parametrize("content, words", [
    ("{not json", "malformed"),
    ('{"type": "Point", "coordinates": [36, 33]}', "no Polygon"),
    ('{"type": "Polygon", "coordinates": [[[36, 33], [999, 33], [36, 34], [36, 33]]]}', "not finite WGS 84"),
])
def test_bad_drawn_shapes(tmp_path, content, words):
    (tmp_path / "drawn.geojson").write_text(content)
    with pytest.raises(ScenarioError, match=words):
        zones_of(tmp_path, """\
            - id: d
              name: Drawn
              geojson: drawn.geojson
            """)


def test_zone_outside_the_country(tmp_path):
    with pytest.raises(ScenarioError, match="outside SY"):
        zones_of(tmp_path, """\
            - id: b
              name: Beirut
              towns: [Beirut]
              buffer_km: 2
            """)


def test_area_must_be_a_named_area(tmp_path):
    with pytest.raises(ScenarioError, match="not a named area"):
        zones_of(tmp_path, """\
            - id: a
              name: A
              area: Douma
            """)


def test_other_countries(tmp_path):
    zones, _ = zones_of(tmp_path, """\
        - id: tripoli
          name: Tripoli area
          towns: [Tripoli]
          buffer_km: 20
        """, country="LY")
    assert zones.iloc[0]["province_codes"][0].startswith("LY-")
