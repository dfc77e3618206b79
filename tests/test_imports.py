"""Placing imported events: coordinates kept, names geocoded once, rejects, province agreement, the build's files."""

import csv
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import zonemap
from zonemap.cli import main
from zonemap.data import default_geodata
from zonemap.errors import ScenarioError
from zonemap.geocoding import PlaceResolver, geocode
from zonemap.incidents import admin1_agreement, place_events, province_codes, read_events

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "tests" / "data" / "events"
EXAMPLE = ROOT / "examples" / "astana-2017.yaml"
sys.path.insert(0, str(ROOT / "bench"))
from event_exports import write_acled  # noqa: E402


def test_coordinates_are_kept_and_names_placed_by_the_geocoder():
    resolver = PlaceResolver("SY")
    table, points = place_events(read_events(EVENTS / "acled-syria.csv"), resolver)
    assert len(points) == 15 and len(table.rejects) == 0
    by_id = points.set_index("id")
    assert (by_id.loc["SYR21030"].geometry.x, by_id.loc["SYR21030"].geometry.y) == (36.609, 35.8137)
    arbin = geocode("Arbin")
    assert (by_id.loc["SYR21041"].geometry.x, by_id.loc["SYR21041"].geometry.y) == (arbin.lon, arbin.lat)
    assert by_id.loc["SYR21041", "matched_place"] == arbin.name
    assert points["matched_place"].notna().sum() == 1
    assert by_id.loc["SYR21030", "category"] == "Air/drone strike" and by_id.loc["SYR21030", "dataset_admin1"] == "Idleb"
    assert resolver.resolutions == []


def test_unknown_places_of_an_export_are_rejected_and_of_a_zonemap_table_refused(tmp_path):
    table, points = place_events(read_events(EVENTS / "acled-bad-rows.csv"), PlaceResolver("SY"))
    assert list(table.rejects["line"]) == [4, 5, 7, 8, 9]
    assert table.rejects["reason"].iloc[0].startswith("place 'Qaryat Zzyzx Fawqani' cannot be placed: unknown place")
    assert list(points["id"]) == ["SYR21030", "SYR21031", "SYR21032", "SYR21033"]
    (tmp_path / "own.csv").write_text("date,type,place\n2017-07-04,shelling,Douma\n2017-07-05,shelling,Zzyzx Fawqani\n",
                                      encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"own.csv: line 3, row 2.place: unknown place 'Zzyzx Fawqani'"):
        place_events(read_events(tmp_path / "own.csv"), PlaceResolver("SY"))


def test_events_without_ids_are_numbered_from_where_they_start(tmp_path):
    (tmp_path / "log.csv").write_text("Day,Town\n2017-07-04,Douma\n2017-07-05,Ariha\n", encoding="utf-8")
    _, points = place_events(read_events(tmp_path / "log.csv", mapping={"date": "Day", "place": "Town"}),
                             PlaceResolver("SY"), first_number=8)
    assert list(points["id"]) == ["incident-8", "incident-9"]


def test_province_names_in_the_datasets_spellings():
    provinces = default_geodata().admin1("SY")
    names = np.array(["Rural Damascus", "Dar'a", "Al Hasakah", "Idleb", "Rif Dimashq governorate", "Damascus",
                      "Dayr az Zawr governorate", "Hamah governorate", "Halab governorate", "Deir-ez-Zor", "As-Sweida",
                      "Lattakia", "Tartous", "Ar-Raqqa", "Atlantis", None], dtype=object)
    codes = province_codes(names, provinces, PlaceResolver("SY"))
    assert list(codes) == ["SY-RD", "SY-DR", "SY-HA", "SY-ID", "SY-RD", "SY-DI", "SY-DY", "SY-HM", "SY-HL", "SY-DY",
                           "SY-SU", "SY-LA", "SY-TA", "SY-RA", None, None]
    assert admin1_agreement(codes, np.array(["SY-RD"] * 15 + [None], dtype=object)) == (14, 2)


def test_a_synthetic_export_of_thousands_of_events_is_placed_and_agrees(tmp_path):
    source = write_acled(tmp_path / "acled.csv", 5000, seed=11)
    briefing = zonemap.prepare(EXAMPLE, incident_files=[tmp_path / "acled.csv"])
    (report,) = briefing.imports
    assert report.rows == 5000 and report.placed + report.rejected == 5000
    assert report.placed >= 0.99 * 5000
    assert report.geocoded == int((source["latitude"] == "").sum()) - report.rejected
    assert report.admin1_compared == report.placed
    assert report.admin1_agreeing >= 0.95 * report.admin1_compared
    placed = source[source["event_id_cnty"].isin(briefing.incidents["id"])]
    imported = briefing.incidents[briefing.incidents["id"].isin(source["event_id_cnty"])]
    assert len(imported) == report.placed == len(placed)
    assert report.fatalities == placed["fatalities"].astype(int).sum() == imported["fatalities"].sum()
    assert len(briefing.rejects) == report.rejected
    assert briefing.rejects["reason"].str.contains("cannot be placed").all()


def test_build_writes_rejects_reports_them_and_keeps_extra_columns_out_of_the_page(tmp_path, capsys):
    output = tmp_path / "out"
    code = main(["build", str(EXAMPLE), "-o", str(output), "--formats", "html,geojson,gpkg",
                 "--incidents", str(EVENTS / "acled-bad-rows.csv"), "--incidents", str(EVENTS / "ucdp-ged-syria.csv")])
    assert code == 0
    log = capsys.readouterr().out
    assert "acled-bad-rows.csv (ACLED): 9 rows, 4 placed (0 by place name), 5 rejected" in log
    assert "ucdp-ged-syria.csv (UCDP GED): 10 rows, 10 placed (1 by place name), 0 rejected, 41 fatalities" in log
    assert "province agrees with the dataset's own for 10 of 10 (100.0%)" in log
    assert "5 row(s) of incident tables could not be placed" in log
    with open(output / "astana-2017.rejects.csv", newline="", encoding="utf-8") as f:
        rejects = list(csv.DictReader(f))
    assert [(r["line"], r["event_id_cnty"]) for r in rejects] == [
        ("4", "SYR21050"), ("5", "SYR21051"), ("7", "SYR21052"), ("8", "SYR21053"), ("9", "SYR21054")]
    assert all(r["file"].endswith("acled-bad-rows.csv") and r["reason"] for r in rejects)
    features = json.loads((output / "astana-2017.geojson").read_text(encoding="utf-8"))["features"]
    strike = next(f["properties"] for f in features if f["properties"].get("id") == "SYR21030")
    assert strike["category"] == "Air/drone strike" and strike["notes"].startswith("On 4 July 2017")
    assert strike["dataset_admin1"] == "Idleb" and strike["geo_precision"] == 1
    layer = gpd.read_file(output / "astana-2017.gpkg", layer="incidents", engine="pyogrio")
    assert layer.set_index("id").loc["190101", "category"] == "state-based conflict"
    page = (output / "astana-2017.html").read_text(encoding="utf-8")
    assert "Air raids on Ariha" not in page and "A latitude off the globe" not in page


def test_build_says_it_skipped_an_hdx_hashtag_row(tmp_path, capsys):
    table = tmp_path / "acled-hdx.csv"
    lines = (EVENTS / "acled-syria.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    tags = ",".join({"event_date": "#date+occurred", "latitude": "#geo+lat", "longitude": "#geo+lon"}.get(c, "")
                    for c in header)
    table.write_text(lines[0] + tags + "\n" + "".join(lines[1:]), encoding="utf-8")
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path / "out"), "--formats", "html", "--incidents", str(table)]) == 0
    log = capsys.readouterr().out
    assert "acled-hdx.csv (ACLED): 15 rows, 15 placed" in log and "0 rejected" in log
    assert "its HXL hashtag row (line 2) is not an event and was skipped" in log
    assert not (tmp_path / "out" / "astana-2017.rejects.csv").exists()


def test_cli_format_and_mapping_options(tmp_path, capsys):
    (tmp_path / "log.csv").write_text("Day,Town,Killed\n2017-07-04,Douma,3\n2017-07-05,Zzyzx Fawqani,1\n",
                                      encoding="utf-8")
    args = ["validate", str(EXAMPLE), "--incidents", str(tmp_path / "log.csv")]
    assert main(args) == 2
    assert "cannot tell the format" in capsys.readouterr().err
    assert main(args + ["--incidents-mapping", "date=Day,place=Town,fatalities=Killed"]) == 0
    assert "(mapped columns): 2 rows, 1 placed (1 by place name), 1 rejected, 3 fatalities" in capsys.readouterr().out
    assert main(args + ["--incidents-format", "ucdp"]) == 2
    assert "no 'date_start' column" in capsys.readouterr().err


def test_scenario_names_tables_with_a_format_or_a_mapping(tmp_path):
    (tmp_path / "log.csv").write_text("Day,Town\n2017-07-04,Douma\n", encoding="utf-8")
    (tmp_path / "acled.csv").write_bytes((EVENTS / "acled-syria.csv").read_bytes())
    text = EXAMPLE.read_text(encoding="utf-8")
    text += "\nincident_files:\n  - {path: acled.csv, format: acled}\n  - {path: log.csv, mapping: {date: Day, place: Town}}\n"
    assert "incident_files" not in EXAMPLE.read_text(encoding="utf-8")
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    briefing = zonemap.prepare(tmp_path / "s.yaml")
    assert [(r.format, r.placed) for r in briefing.imports] == [("ACLED", 15), ("mapped columns", 1)]
    with open(EVENTS / "acled-syria.csv", newline="", encoding="utf-8") as f:
        assert briefing.imports[0].fatalities == sum(int(row["fatalities"] or 0) for row in csv.DictReader(f))
    assert pd.Series(briefing.incidents["id"]).is_unique
    (tmp_path / "bad.yaml").write_text(EXAMPLE.read_text(encoding="utf-8")
                                       + "\nincident_files:\n  - {path: log.csv, format: acled, mapping: {date: Day}}\n",
                                       encoding="utf-8")
    with pytest.raises(ScenarioError, match="incident_files"):
        zonemap.prepare(tmp_path / "bad.yaml")
