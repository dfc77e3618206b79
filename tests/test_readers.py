"""Reading incident tables into text columns: what a spreadsheet cell becomes."""

import datetime as dt

from zonemap.incidents.readers import _cell_text


def test_spreadsheet_cells_become_the_text_a_csv_export_holds():
    assert _cell_text(190101.0) == "190101"
    assert _cell_text(35.8137) == "35.8137"
    assert _cell_text(dt.datetime(2017, 7, 4)) == "2017-07-04"
    assert _cell_text(dt.datetime(2017, 7, 4, 13, 5)) == "2017-07-04T13:05:00"
    assert _cell_text(dt.date(2017, 7, 4)) == "2017-07-04"
    assert _cell_text(None) == "" and _cell_text("  Ariha ") == "Ariha"
