"""Event table formats: telling ACLED, UCDP GED and zonemap tables apart, column mappings, dates, types."""

import numpy as np
import pytest

from zonemap.errors import InputError
from zonemap.incidents.formats import (ACLED, UCDP, detect_format, incident_files_from_options, incident_types,
                                       mapped_columns, parse_dates, parse_mapping, resolve_columns)

ACLED_HEADER = ["event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1", "actor2", "admin1",
                "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"]
UCDP_HEADER = ["id", "date_start", "date_end", "type_of_violence", "side_a", "side_b", "where_coordinates", "where_prec",
               "adm_1", "adm_2", "latitude", "longitude", "best", "low", "high", "deaths_civilians"]


def test_exports_are_told_apart_by_their_header():
    assert detect_format(ACLED_HEADER) == "acled"
    assert detect_format([c.upper() for c in UCDP_HEADER]) == "ucdp"
    assert detect_format(["date", "type", "place"]) == "zonemap"
    with pytest.raises(InputError, match="mapping"):
        detect_format(["Day", "Town", "Killed"], file="events.csv")


def test_a_subset_with_the_key_columns_is_enough_and_one_without_is_refused():
    columns = resolve_columns(UCDP, ["id", "date_start", "type_of_violence", "where_coordinates", "best"])
    assert columns["place"] == ["where_coordinates"] and columns["fatalities"] == ["best"] and "lat" not in columns
    with pytest.raises(InputError, match="'latitude' or 'location'"):
        resolve_columns(ACLED, ["event_date", "sub_event_type", "fatalities"])


def test_acled_columns_give_zonemap_fields_in_the_header_own_case():
    columns = resolve_columns(ACLED, [c.title() for c in ACLED_HEADER])
    assert columns["category"] == ["Sub_Event_Type", "Event_Type"]
    assert columns["actors"] == ["Actor1", "Actor2"] and columns["notes"] == ["Notes"]


def test_dates_in_export_forms_and_impossible_ones():
    written = np.array(["04 July 2017", "2017-07-04", "4-Jul-2017", "July 4, 2017", "2017-07-04 00:00:00.000",
                        "31 June 2017", "2017-13-02", "soon", ""], dtype=object)
    dates, reasons = parse_dates(written)
    assert list(dates[:5]) == ["2017-07-04"] * 5
    assert list(dates[5:]) == [None] * 4
    assert "not a real calendar date" in reasons[5] and "not a real calendar date" in reasons[6]
    assert "not a date" in reasons[7] and reasons[8] == "no date"
    assert list(reasons[:5]) == [None] * 5


def test_dataset_categories_map_onto_incident_types():
    categories = np.array(["Air/drone strike", "Shelling/artillery/missile attack", "Armed clash", "Agreement",
                           "state-based conflict", "one-sided violence", "Peaceful protest", None], dtype=object)
    assert list(incident_types(categories)) == ["air strike", "shelling", "clashes", "ceasefire", "clashes", "other",
                                               "other", "other"]


def test_mappings_are_checked_against_the_header():
    header = ["Day", "Town", "Killed", "Kind"]
    assert mapped_columns({"date": "Day", "place": "Town", "type": "Kind"}, header) == {
        "date": ["Day"], "place": ["Town"], "type": ["Kind"], "category": ["Kind"]}
    with pytest.raises(InputError, match="does not have"):
        mapped_columns({"date": "Day", "place": "City"}, header)
    with pytest.raises(InputError, match="unknown field 'when'"):
        mapped_columns({"when": "Day"}, header)
    with pytest.raises(InputError, match="place column, or lat and lon"):
        mapped_columns({"date": "Day"}, header)


def test_command_line_mapping_and_format():
    assert parse_mapping("date=Day, place=Town,fatalities=Killed") == {"date": "Day", "place": "Town",
                                                                      "fatalities": "Killed"}
    with pytest.raises(InputError, match="FIELD=COLUMN"):
        parse_mapping("date")
    (table,) = incident_files_from_options(["e.csv"], "auto", "date=Day,place=Town")
    assert table.format == "generic" and dict(table.mapping) == {"date": "Day", "place": "Town"}
    assert incident_files_from_options(["e.csv"], "ucdp")[0].format == "ucdp"
    with pytest.raises(InputError, match="--incidents-mapping is for generic tables, not --incidents-format acled"):
        incident_files_from_options(["e.csv"], "acled", "date=Day")
    with pytest.raises(InputError, match="needs --incidents-mapping"):
        incident_files_from_options(["e.csv"], "generic")
