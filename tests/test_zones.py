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


def test_a_named_area_analysts_describe_by_sub_districts_is_drawn_as_them(tmp_path):
    zones, _ = zones_of(tmp_path, """\
        - id: eg
          name: Eastern Ghouta
          area: الغوطة الشرقية
        """)
    area = default_geodata().named_areas["eastern-ghouta"]
    units = default_geodata().admin_units("SY", 3).set_index("pcode")
    expected = shapely.union_all(units.loc[list(area.sub_districts)].geometry.to_numpy())
    row = zones.iloc[0]
    assert not row["approximate"]
    assert row["area_km2"] == pytest.approx(area_km2(expected), rel=0.005)
    for name, lat, lon in area.members:
        assert row.geometry.covers(shapely.Point(lon, lat)), name


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
    syria = shapely.union_all(briefing.provinces.geometry.to_numpy())
    assert shapely.difference(geometry, syria).area < 1e-9  # clipped to the country (OCHA's outline)
    lebanon = default_geodata().admin0("LB").geometry.iloc[0]
    assert shapely.intersection(geometry, lebanon).area < 0.001  # at most the slivers where the two outlines differ
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


def test_districts_and_subdistricts_are_whole_ocha_units(tmp_path):
    zones, briefing = zones_of(tmp_path, """\
        - id: d
          name: D
          districts: [Harim, إدلب]
        - id: s
          name: S
          subdistricts: [Duma, SY030105, حرستا]
        """)
    data = default_geodata()
    districts = data.admin_units("SY", 2).set_index("pcode")
    sub_districts = data.admin_units("SY", 3).set_index("pcode")
    expected_d = area_km2(districts.loc["SY0703"].geometry) + area_km2(districts.loc["SY0700"].geometry)
    expected_s = sum(area_km2(sub_districts.loc[p].geometry) for p in ("SY030200", "SY030105", "SY030201"))
    by_id = zones.set_index("id")
    assert by_id.loc["d", "area_km2"] == pytest.approx(expected_d, rel=0.005)
    assert by_id.loc["s", "area_km2"] == pytest.approx(expected_s, rel=0.005)
    assert not by_id.loc["d", "approximate"]
    assert by_id.loc["d", "province_codes"] == ("SY-ID",)


def test_a_subdistrict_name_two_units_share_needs_its_pcode(tmp_path):
    with pytest.raises(ScenarioError, match=r"ambiguous.*SY020405.*SY050101.*P-code"):
        zones_of(tmp_path, """\
            - id: s
              name: S
              subdistricts: [Suran]
            """)


def test_an_unknown_district_lists_the_closest(tmp_path):
    with pytest.raises(ScenarioError, match=r"unknown district 'Nowhereville' in SY"):
        zones_of(tmp_path, """\
            - id: d
              name: D
              districts: [Nowhereville]
            """)


SAMAD_ZONE = """\
    - id: border
      name: Border strip
      towns: [Sarmada, Atmeh, Qah, "Samad, Daraa"]
    """


def test_a_town_resolved_far_from_the_others_stops_the_build(tmp_path):
    # Samad in Daraa, 300 km from the Idlib border towns: the zone would cross Syria.
    with pytest.raises(ScenarioError, match=r"'Samad, Daraa' resolved to .*km from the zone's nearest other place"):
        zones_of(tmp_path, SAMAD_ZONE)


def test_lenient_turns_the_check_into_a_warning(tmp_path):
    from zonemap import Settings

    path = tmp_path / "s.yaml"
    path.write_text("title: T\nzones:\n" + textwrap.indent(textwrap.dedent(SAMAD_ZONE), "  "))
    briefing = prepare(path, settings=Settings(lenient=True))
    assert any("Samad, Daraa" in w and "km from the zone's nearest" in w for w in briefing.warnings)


def test_towns_chained_across_the_country_are_refused(tmp_path):
    # Each town lies within 60 km of another, but the chain runs from Idlib to Damascus.
    with pytest.raises(ScenarioError, match=r"towns span \d[\d,]* km, from 'Idlib' .* to 'Douma'"):
        zones_of(tmp_path, """\
            - id: chain
              name: Chain
              towns: [Idlib, Maarat al-Numan, Hama, Homs, An Nabk, Yabroud, Douma]
            """)


def test_a_zone_town_abroad_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match=r"'Mosul' resolved to Mosul .*outside SY"):
        zones_of(tmp_path, """\
            - id: t
              name: T
              towns: [Mosul, Tall Abyad]
            """)


def test_an_incident_far_from_every_town_of_its_zone_is_reported(tmp_path):
    from zonemap import Settings, geocode

    # Leniently built, the misread zone stretches from Idlib to Daraa; an incident halfway is "in" it.
    north, south = geocode("Qah"), geocode("Samad, Daraa")
    lat, lon = (north.lat + south.lat) / 2, (north.lon + south.lon) / 2
    path = tmp_path / "s.yaml"
    path.write_text("title: T\nzones:\n" + textwrap.indent(textwrap.dedent(SAMAD_ZONE), "  ")
                    + f"incidents:\n  - {{id: far, date: 2017-07-04, type: shelling, lat: {lat}, lon: {lon}}}\n")
    briefing = prepare(path, settings=Settings(lenient=True))
    assert briefing.zones.geometry.iloc[0].contains(shapely.Point(lon, lat))
    assert any("incident 'far'" in w and "counted in zone 'border' but lies" in w for w in briefing.warnings)


def _utm_buffer_area_km2(points, buffer_km):
    """The same strip computed independently: buffered in UTM zone 37N (EPSG:32637), area there."""
    import pyproj

    to_utm = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32637", always_xy=True)
    line = shapely.transform(shapely.LineString(points), lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))
    return line.buffer(buffer_km * 1000, quad_segs=32).area / 1e6


def test_a_corridor_along_a_bent_road_is_the_strip_either_side_of_it(tmp_path):
    bend = [(36.0, 35.0), (36.5, 35.0), (36.5, 35.4)]
    zones, _ = zones_of(tmp_path, f"""\
        - id: road
          name: Road
          corridor:
            through: [{list(bend[0])}, {{lat: {bend[1][1]}, lon: {bend[1][0]}, name: Bend}}, {list(bend[2])}]
            buffer_km: 6
        - id: hull
          name: Hull
          towns: [{list(bend[0])}, {list(bend[1])}, {list(bend[2])}]
          buffer_km: 6
        """)
    road, hull = zones.set_index("id").loc["road"], zones.set_index("id").loc["hull"]
    expected = _utm_buffer_area_km2(bend, 6)
    assert abs(road["area_km2"] - expected) / expected < 0.10
    assert not road["approximate"]
    assert hull["area_km2"] > 1.5 * road["area_km2"]  # a hull fills in the bend; the corridor does not
    assert road.geometry.contains(shapely.Point(36.25, 35.0)) and not road.geometry.contains(shapely.Point(36.25, 35.2))


def test_a_drawn_line_with_a_buffer_is_a_corridor(tmp_path):
    line = {"type": "LineString", "coordinates": [[36.0, 35.0], [36.5, 35.0], [36.5, 35.4]]}
    (tmp_path / "road.geojson").write_text(json.dumps(line))
    zones, _ = zones_of(tmp_path, """\
        - id: road
          name: Road
          geojson: road.geojson
          buffer_km: 6
        """)
    expected = _utm_buffer_area_km2(line["coordinates"], 6)
    assert abs(zones.iloc[0]["area_km2"] - expected) / expected < 0.10


def test_a_drawn_line_without_a_buffer_is_refused(tmp_path):
    (tmp_path / "road.geojson").write_text(json.dumps({"type": "LineString", "coordinates": [[36.0, 35.0], [36.5, 35.0]]}))
    with pytest.raises(ScenarioError, match=r"has no Polygon or MultiPolygon \(or a LineString, with the zone's buffer_km\)"):
        zones_of(tmp_path, """\
            - id: road
              name: Road
              geojson: road.geojson
            """)


def test_towns_given_by_coordinates_must_lie_in_the_country(tmp_path):
    with pytest.raises(ScenarioError, match=r"lies outside SY.*\[lon, lat\]"):
        zones_of(tmp_path, """\
            - id: t
              name: T
              towns: [Douma, [33.5, 36.4]]
            """)


def test_a_corridor_needs_two_places(tmp_path):
    with pytest.raises(ScenarioError, match=r"corridor"):
        zones_of(tmp_path, """\
            - id: road
              name: Road
              corridor: {through: [Douma]}
            """)
