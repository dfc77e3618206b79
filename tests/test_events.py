"""Reading event tables: ACLED and UCDP GED exports with no options, mapped tables, XLSX and GeoJSON, bad rows."""

import csv
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from zonemap.errors import ScenarioError
from zonemap.incidents import read_events

EVENTS = Path(__file__).parent / "data" / "events"


def rows_of(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_acled_export_reads_with_no_options():
    table = read_events(EVENTS / "acled-syria.csv")
    rows = rows_of(EVENTS / "acled-syria.csv")
    events = table.events
    assert table.format == "acled" and table.label == "ACLED" and len(table.rejects) == 0
    assert list(events["id"]) == [row["event_id_cnty"] for row in rows]
    assert list(events["category"]) == [row["sub_event_type"] for row in rows]
    assert events["fatalities"].sum() == sum(int(row["fatalities"] or 0) for row in rows)
    first = events.iloc[0]
    assert (first["date"], first["type"], first["place"], first["dataset_admin1"]) == (
        "2017-07-04", "air strike", "Ariha", "Idleb")
    assert (first["lat"], first["lon"]) == (35.8137, 36.609)
    assert first["actors"] == ("Military Forces of Russia (2000-)", "Civilians (Syria)")
    assert first["notes"].startswith("On 4 July 2017") and first["source_outlet"] == "SOHR"
    by_id = events.set_index("id")
    assert by_id.loc["SYR21033", "type"] == "ceasefire"
    assert pd.isna(by_id.loc["SYR21040", "fatalities"])
    assert pd.isna(by_id.loc["SYR21041", "lat"]) and by_id.loc["SYR21041", "place"] == "Arbin"


def test_ucdp_export_reads_with_no_options():
    table = read_events(EVENTS / "ucdp-ged-syria.csv")
    rows = rows_of(EVENTS / "ucdp-ged-syria.csv")
    events = table.events
    assert table.format == "ucdp" and len(table.rejects) == 0
    assert list(events["id"]) == [row["id"] for row in rows]
    assert events["fatalities"].sum() == sum(int(row["best"]) for row in rows)
    assert list(events["category"][:3]) == ["state-based conflict", "state-based conflict", "non-state conflict"]
    assert list(events["type"][:4]) == ["clashes", "clashes", "clashes", "other"]
    assert events.iloc[4]["date"] == "2017-08-01"
    assert events.iloc[0]["actors"] == ("Government of Syria", "Syrian insurgents")
    assert events.iloc[3]["dataset_admin1"] == "Dayr az Zawr governorate"


def test_bad_rows_are_rejected_with_their_reason_and_the_rest_read():
    table = read_events(EVENTS / "acled-bad-rows.csv")
    rejects = table.rejects
    assert list(rejects["line"]) == [5, 7, 8, 9]
    reasons = list(rejects["reason"])
    assert reasons[0] == "latitude 95.0000 is outside -90 to 90"
    assert reasons[1] == "fatalities 'several' is not a whole number"
    assert reasons[2] == "date '31 June 2017' is not a real calendar date"
    assert reasons[3] == "date '2017-13-02' is not a real calendar date"
    assert list(rejects["event_id_cnty"]) == ["SYR21051", "SYR21052", "SYR21053", "SYR21054"]
    assert list(rejects["notes"])[0] == "A latitude off the globe."
    assert list(table.events["line"]) == [2, 3, 4, 6, 10]


def test_a_table_read_row_by_row_gives_the_same_as_a_regular_one(tmp_path):
    rows = rows_of(EVENTS / "acled-syria.csv")
    rows[2]["notes"] = "Fighting on the Ain Tarma front,\nreported over two lines."
    rows[5]["fatalities"] = "three"
    path = tmp_path / "multiline.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    regular = read_events(EVENTS / "acled-syria.csv").events.drop(index=5).reset_index(drop=True)
    table = read_events(path)
    spanning = table.events
    assert list(spanning["line"]) == [2, 3, 4, 6, 7] + list(range(9, 18))
    assert spanning["notes"].iloc[2] == rows[2]["notes"]
    pd.testing.assert_frame_equal(spanning.drop(columns=["line", "notes", "row"]),
                                  regular.drop(columns=["line", "notes", "row"]))
    assert list(table.rejects["line"]) == [8]
    assert table.rejects.iloc[0][list(rows[5])].to_dict() == rows[5]


def test_rows_of_the_wrong_width_are_rejected(tmp_path):
    text = (EVENTS / "acled-syria.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].rsplit(",", 5)[0]
    (tmp_path / "short.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    table = read_events(tmp_path / "short.csv")
    assert list(table.rejects["line"]) == [4]
    cells = len(next(csv.reader([text[3]])))
    assert cells < 31 and table.rejects["reason"].iloc[0] == f"the row has {cells} cells, the header has 31"
    assert len(table.events) == 14


def test_repeated_ids_are_rejected_after_the_first(tmp_path):
    lines = (EVENTS / "ucdp-ged-syria.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "twice.csv").write_text("\n".join(lines + lines[1:3]) + "\n", encoding="utf-8")
    table = read_events(tmp_path / "twice.csv")
    assert list(table.rejects["reason"]) == ["id '190101' repeats that of line 2", "id '190102' repeats that of line 3"]


def test_any_table_through_a_column_mapping(tmp_path):
    (tmp_path / "log.csv").write_text("Day,Town,Killed,What\n2017-07-04,Douma,3,Shelling\n"
                                      "2017-07-05,Ariha,x,Air strike\n", encoding="utf-8")
    table = read_events(tmp_path / "log.csv", mapping={"date": "Day", "place": "Town", "fatalities": "Killed",
                                                       "type": "What"})
    assert table.format == "generic"
    assert list(table.events["type"]) == ["shelling"] and list(table.events["category"]) == ["Shelling"]
    assert list(table.rejects["reason"]) == ["fatalities 'x' is not a whole number"]
    with pytest.raises(ScenarioError, match="cannot tell the format"):
        read_events(tmp_path / "log.csv")


def test_xlsx_export_reads_like_its_csv(tmp_path):
    from openpyxl import Workbook

    rows = rows_of(EVENTS / "ucdp-ged-syria.csv")
    numeric = {"id", "latitude", "longitude", "best", "where_prec"}
    book = Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        cells = [float(v) if k in numeric and v else v for k, v in row.items()]
        cells[list(row).index("date_start")] = dt.datetime.fromisoformat(row["date_start"][:10])
        sheet.append(cells)
    book.save(tmp_path / "ged.xlsx")
    table = read_events(tmp_path / "ged.xlsx")
    expected = read_events(EVENTS / "ucdp-ged-syria.csv").events
    assert table.format == "ucdp" and table.raw.row_word == "sheet row"
    assert list(table.events["id"]) == [row["id"] for row in rows]
    pd.testing.assert_frame_equal(table.events, expected)


def test_geojson_points_read_with_their_properties(tmp_path):
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.609, 35.8137]},
         "properties": {"event_id_cnty": "SYR1", "event_date": "04 July 2017", "sub_event_type": "Air/drone strike",
                        "location": "Ariha", "fatalities": 2}},
        {"type": "Feature", "geometry": None,
         "properties": {"event_id_cnty": "SYR2", "event_date": "05 July 2017", "sub_event_type": "Armed clash",
                        "location": "Saraqib", "fatalities": 0}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[36, 35], [37, 35]]},
         "properties": {"event_id_cnty": "SYR3", "event_date": "05 July 2017", "sub_event_type": "Armed clash",
                        "location": "Idlib", "fatalities": 1}},
    ]
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    table = read_events(path, "acled")
    assert list(table.events["id"]) == ["SYR1", "SYR2"]
    assert (table.events["lon"].iloc[0], table.events["lat"].iloc[0]) == (36.609, 35.8137)
    assert table.events["place"].iloc[1] == "Saraqib" and pd.isna(table.events["lat"].iloc[1])
    assert list(table.rejects["line"]) == [3] and "LineString" in table.rejects["reason"].iloc[0]


def test_zonemap_tables_stay_strict(tmp_path):
    (tmp_path / "own.csv").write_text("date,type,place\n2017-07-04,shelling,Douma\n2017-07-05,shellng,Ariha\n",
                                      encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"own.csv: line 3, row 2.type: 'shellng' is not one of"):
        read_events(tmp_path / "own.csv")


def test_blank_lines_and_lines_of_empty_cells_are_skipped(tmp_path):
    lines = (EVENTS / "acled-syria.csv").read_text(encoding="utf-8").splitlines()
    lines[3:3] = ["", "," * 30]
    (tmp_path / "gaps.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_events(tmp_path / "gaps.csv")
    assert len(table.events) == 15 and len(table.rejects) == 0
    assert list(table.events["line"][:4]) == [2, 3, 6, 7]


HXL_TAGS = {"event_id_cnty": "#event+code", "event_date": "#date+occurred", "event_type": "#event+type",
            "sub_event_type": "#event+type+sub", "admin1": "#adm1+name", "location": "#loc+name",
            "latitude": "#geo+lat", "longitude": "#geo+lon", "notes": "#description", "fatalities": "#affected+killed"}


def hdx_rows(path: Path) -> list[list[str]]:
    """A table's rows as the Humanitarian Data Exchange serves it: HXL hashtags under the header (some columns untagged)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return [rows[0], [HXL_TAGS.get(column, "") for column in rows[0]], *rows[1:]]


@pytest.mark.parametrize("name", ["acled-syria.csv", "acled-bad-rows.csv"])
def test_an_hdx_download_reads_as_its_export_without_the_hashtag_row(tmp_path, name):
    with open(tmp_path / name, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(hdx_rows(EVENTS / name))
    tagged, plain = read_events(tmp_path / name), read_events(EVENTS / name)
    assert (tagged.raw.tag_line, plain.raw.tag_line) == (2, None)
    assert tagged.rows == plain.rows
    pd.testing.assert_frame_equal(tagged.events.drop(columns="line"), plain.events.drop(columns="line"))
    assert (tagged.events["line"] == plain.events["line"] + 1).all()
    # Rejected rows keep their reasons and original cells, each on the line it is on in the tagged file.
    pd.testing.assert_frame_equal(tagged.rejects.drop(columns=["file", "line"]), plain.rejects.drop(columns=["file", "line"]))
    assert (tagged.rejects["line"] == plain.rejects["line"] + 1).all()


def test_an_hdx_spreadsheet_loses_its_hashtag_row_too(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for row in hdx_rows(EVENTS / "acled-syria.csv"):
        book.active.append(row)
    book.save(tmp_path / "acled.xlsx")
    table = read_events(tmp_path / "acled.xlsx")
    assert table.raw.tag_line == 2 and table.rows == read_events(EVENTS / "acled-syria.csv").rows
    assert table.rejects.empty


def test_a_first_event_with_a_hash_in_some_cells_is_an_event(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("id,date,type,lat,lon,description\na1,2017-07-04,shelling,33.57,36.40,#Douma #shelling\n",
                    encoding="utf-8")
    table = read_events(path)
    assert table.raw.tag_line is None and list(table.events["description"]) == ["#Douma #shelling"]
