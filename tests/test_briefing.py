"""The briefing model: one prepare, real list columns, the same map from every kind of input, custom data used everywhere."""

import re
import textwrap

import pytest
import yaml
from conftest import EXAMPLE, write_event_table

import zonemap
from zonemap import Briefing, GeoData, Incident, ProvincePart, Scenario, Source, Zone
from zonemap.data import geodata as geodata_module
from zonemap.data import installed_geodata_dir
from zonemap.export.formats import FORMATS
from zonemap.geocoding.index import GazetteerBuilder, PlaceRecord

MIXED_SOURCES = """\
title: Mixed sources
sources:
  - id: linked
    outlet: Outlet with a link
    url: https://example.org/a
  - id: unlinked
    outlet: Outlet without a link
zones:
  - id: idlib
    name: Idlib
    provinces: [Idlib]
incidents:
  - date: 2017-07-04
    place: Idlib
    type: air strike
    source: linked
  - date: 2017-07-05
    place: Saraqib
    type: shelling
    source: unlinked
  - id: by-coordinates
    date: 2017-07-06
    lat: 35.8420
    lon: 36.8059
    type: shelling
  - id: in-the-desert
    date: 2017-07-06
    lat: 34.0
    lon: 38.5
    type: clashes
"""


def write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_mixed_sources_build_every_format(tmp_path):
    """Some sources with a URL and some without used to crash the HTML build ("Out of range float values")."""
    outputs = zonemap.build(write(tmp_path, MIXED_SOURCES), tmp_path / "out", formats=list(FORMATS)).outputs
    assert set(outputs) == set(FORMATS)
    texts = {fmt: outputs[fmt].read_text(encoding="utf-8") for fmt in ("geojson", "kml", "csv", "md")}
    html = outputs["html"].read_text(encoding="utf-8")
    texts["html panels"] = html[html.index('<div id="zm-title"'):html.index("</body>")]
    for fmt, text in texts.items():
        assert not re.search(r"\b(nan|NaN|<NA>|None)\b", text), fmt
    unlinked = zonemap.prepare(write(tmp_path, MIXED_SOURCES)).incidents.iloc[1]
    assert (unlinked["source_outlet"], unlinked["source_url"]) == ("Outlet without a link", None)


def test_incidents_by_coordinates_get_a_readable_label(tmp_path):
    from zonemap.geocoding import load_gazetteer

    briefing = zonemap.prepare(write(tmp_path, MIXED_SOURCES))
    incidents = briefing.incidents.set_index("id")
    (name, km), = load_gazetteer().nearest_places([36.8059], [35.8420], "SY", max_km=15)
    assert name is not None and km < 15
    assert incidents.loc["by-coordinates", "label"] == (name if km < 1 else f"near {name}")
    assert incidents.loc["in-the-desert", "label"] == "34.0000, 38.5000"  # nothing within 15 km: the coordinates
    assert all(isinstance(label, str) and label and label.lower() != "nan" for label in incidents["label"])


def test_a_named_point_is_placed_by_its_coordinates_not_by_its_name():
    scenario = Scenario("t", [Zone(id="z", name="Z", provinces=("Idlib",))], incidents=[
        Incident("2020-01-01", "clashes", place="Damascus", lat=35.9, lon=36.6)])  # the name would be far away
    incident = zonemap.prepare(scenario).incidents.iloc[0]
    assert (round(incident.geometry.y, 3), round(incident.geometry.x, 3)) == (35.9, 36.6)
    assert incident["label"] == "Damascus" and incident["admin1_code"] == "SY-ID"
    with pytest.raises(zonemap.ScenarioError, match="place name, or lat and lon"):
        Incident("2020-01-01", "clashes")


def example_in_code() -> Scenario:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    sources = {s["id"]: Source(**s) for s in data["sources"]}
    zones = []
    for z in data["zones"]:
        part = z.pop("province_part", None)
        zones.append(Zone(**z, province_part=ProvincePart(**part) if part else None))
    incidents = [Incident(**{**x, "source": sources[x["source"]]}) for x in data["incidents"]]
    return Scenario(data["title"], zones, subtitle=data["subtitle"], as_of=data["as_of"], country=data["country"],
                    sources=list(sources.values()), incidents=incidents)


def test_yaml_dict_and_dataclasses_give_byte_identical_maps():
    from_yaml = zonemap.prepare(EXAMPLE).to_html()
    from_dict = zonemap.prepare(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))).to_html()
    from_code = zonemap.prepare(example_in_code()).to_html()
    assert from_yaml == from_dict == from_code


def test_scenario_written_back_reads_the_same(tmp_path):
    scenario = zonemap.load_scenario(EXAMPLE)
    again = zonemap.load_scenario(zonemap.dump_scenario(scenario, tmp_path / "again.yaml"))
    assert again == scenario
    assert zonemap.load_scenario(zonemap.dump_scenario(scenario, tmp_path / "again.json")) == scenario


def test_code_built_scenarios_are_checked_like_files():
    with pytest.raises(zonemap.ScenarioError, match="zones\\[0\\].id.*not a valid id"):
        zonemap.prepare(Scenario("T", [Zone("Not An Id!", "Z", provinces=["Idlib"])]))
    with pytest.raises(ValueError, match="exactly one"):
        Zone("z", "Z", provinces=["Idlib"], towns=["Douma"])
    with pytest.raises(ValueError, match="not a real calendar date"):
        Incident("2017-02-30", "shelling", place="Douma")
    with pytest.raises(ValueError, match="expected a list of names"):
        Zone("z", "Z", provinces="Idlib")


def test_briefing_columns_are_real_lists_and_the_link_table_agrees(example_briefing):
    briefing = example_briefing
    zones = briefing.zones.set_index("id")
    assert zones.loc["southern-syria", "province_codes"] == ("SY-DR", "SY-QU", "SY-SU")
    assert zones.loc["idlib", "guarantors"] == ("Russia", "Iran", "Turkey")
    incidents = briefing.incidents.set_index("id")
    assert incidents.loc["douma-air-strike", "zones"] == ("eastern-ghouta",)
    assert incidents.loc["astana-round-five", "zones"] == ()
    links = set(map(tuple, briefing.zone_incidents[["zone_id", "incident_id"]].to_numpy()))
    assert links == {(z, i) for i, zs in incidents["zones"].items() for z in zs}
    counted = briefing.zone_incidents.groupby("zone_id").size()
    assert all(zones.loc[z, "incidents"] == counted.get(z, 0) for z in zones.index)
    assert set(briefing.provinces.set_index("iso_3166_2").loc["SY-ID", "zones"]) == {"idlib"}
    assert list(briefing.summary.columns)[:3] == ["zone", "name", "status"]
    assert "Natural Earth" in " ".join(briefing.credits) and "The National" in " ".join(briefing.credits)


def test_to_map_plot_and_save_read_the_same_briefing(example_briefing, tmp_path):
    import folium

    fmap = example_briefing.to_map()
    assert isinstance(fmap, folium.Map)
    assert "zonemap.zone(" in example_briefing._repr_html_() or "srcdoc" in example_briefing._repr_html_()
    outputs = example_briefing.save(tmp_path, formats=["md", "csv"])
    assert outputs["md"].read_text(encoding="utf-8").startswith("# Syria's four de-escalation zones")


def custom_geodata(folder) -> GeoData:
    """A copy of the embedded data whose gazetteer knows one invented town and the country's provinces."""
    real = GeoData(installed_geodata_dir())
    folder.mkdir()
    for path in installed_geodata_dir().iterdir():
        if path.name != "gazetteer.npz":
            (folder / path.name).symlink_to(path)
    builder = GazetteerBuilder()
    builder.add(PlaceRecord(name="Testville", names=["Tistfil"], transliterated=["Tistfil"], lat=35.05, lon=36.70,
                            kind="place", country="SY", admin1="SY-HM"))
    builder.add(PlaceRecord(name="Syria", lat=35.0, lon=38.5, kind="country", country="SY", ref="SY"))
    for unit in real.admin1("SY").itertuples():
        point = unit.geometry.representative_point()
        builder.add(PlaceRecord(name=unit.name_en, lat=point.y, lon=point.x, kind="admin1", country="SY",
                                admin1=unit.iso_3166_2, ref=unit.iso_3166_2))
        builder.add_admin_unit(unit.iso_3166_2, unit.name_en, unit.name_ar, 1, "SY")
    builder.save(folder / "gazetteer.npz")
    return GeoData(folder)


def test_custom_geodata_is_used_everywhere(tmp_path, monkeypatch):
    scenario = write(tmp_path, """\
        title: Invented town
        zones:
          - id: around
            name: Around Testville
            towns: [Testville]
            buffer_km: 10
          - id: hama
            name: Hama
            provinces: [Hama]
        incidents:
          - date: 2020-01-01
            place: Tistfil
            type: shelling
        """)
    with pytest.raises(zonemap.ScenarioError, match="unknown place 'Testville'"):
        zonemap.prepare(scenario)  # the embedded gazetteer has no Testville
    custom = custom_geodata(tmp_path / "custom")

    def no_default_data():
        raise AssertionError("the default geodata was used although custom geodata was given")

    monkeypatch.setattr(geodata_module, "installed_geodata_dir", no_default_data)
    result = zonemap.build(scenario, tmp_path / "out", formats=list(FORMATS), geodata=custom)
    assert isinstance(result.briefing, Briefing)
    assert result.briefing.incidents.loc[0, "matched_place"] == "Testville"
    assert result.briefing.incidents.loc[0, "zones"] == ("around", "hama")
    assert set(result.outputs) == set(FORMATS)


@pytest.mark.parametrize("path", sorted(EXAMPLE.parent.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_scenario_prepares_without_doubtful_names(path):
    briefing = zonemap.prepare(path)
    assert len(briefing.zones) >= 3 and (briefing.zones["area_km2"] > 0).all()
    low = [r.describe() for r in briefing.resolutions if r.low_confidence]
    assert not low, low


def test_a_100000_row_table_is_held_in_less_than_twice_its_file_size(tmp_path, example_briefing):
    import gc
    import tracemalloc

    import pyarrow as pa

    rows = 100_000
    path = tmp_path / "events.csv"
    size = write_event_table(path, rows)
    gc.collect()
    tracemalloc.start()
    try:
        python_before, arrow_before = tracemalloc.get_traced_memory()[0], pa.total_allocated_bytes()
        briefing = zonemap.prepare(EXAMPLE, incident_files=[path], settings=zonemap.Settings(lenient=True))
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - python_before + pa.total_allocated_bytes() - arrow_before
    finally:
        tracemalloc.stop()
    assert len(briefing.incidents) == rows + len(example_briefing.incidents)
    # Places, units, types and wordings repeat: each is held once, with a code per incident, and incidents at
    # one spot share one point (as plain text and a point each, the same briefing held four times the file).
    assert held < 2 * size, held / size
