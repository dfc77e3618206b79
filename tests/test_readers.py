"""Reading incident tables into text columns: what a spreadsheet cell becomes."""

import csv
import datetime as dt
import io
import tracemalloc

import numpy as np
import pytest
from conftest import write_event_table

from zonemap.errors import ScenarioError
from zonemap.incidents import read_events
from zonemap.incidents.readers import _cell_text, read_raw_table
from zonemap.settings import Settings


def test_spreadsheet_cells_become_the_text_a_csv_export_holds():
    assert _cell_text(190101.0) == "190101"
    assert _cell_text(35.8137) == "35.8137"
    assert _cell_text(dt.datetime(2017, 7, 4)) == "2017-07-04"
    assert _cell_text(dt.datetime(2017, 7, 4, 13, 5)) == "2017-07-04T13:05:00"
    assert _cell_text(dt.date(2017, 7, 4)) == "2017-07-04"
    assert _cell_text(None) == "" and _cell_text("  Ariha ") == "Ariha"


def expected_rows(text: str) -> tuple[list[tuple], list[int]]:
    """What the csv module reads from a table: each non-blank row's stripped cells, and the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    rows, lines, last = [], [], reader.line_num
    for record in reader:
        start, last = last + 1, reader.line_num
        if any(cell.strip() for cell in record):
            rows.append(tuple(cell.strip() for cell in record))
            lines.append(start)
    return rows, lines


@pytest.mark.parametrize("break_", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("extra", ["", '   \n', '\u00a0\u2003\n', 'x,"a, ""quoted"" cell",z\n', 'x,"two\nlines",z\n'])
def test_csv_tables_read_as_the_csv_module_reads_them(tmp_path, break_, extra):
    text = "id,place,note\n" + "a, Douma ,é\n" + extra + "\n" + 'c,"Ariha, Idlib",\n' + "d,Harasta,x\n"
    text = text.replace("\n", break_)
    path = tmp_path / "table.csv"
    path.write_bytes(text.encode("utf-8"))
    raw = read_raw_table(path, lambda header: header, Settings())
    rows, lines = expected_rows(text)
    assert list(zip(*(raw.cells[column] for column in raw.header))) == rows
    assert raw.lines.tolist() == lines
    records = [record for record in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in record)]
    assert raw.originals(np.arange(len(raw))) == [dict(zip(raw.header, record)) for record in records[1:]]


def test_a_quote_left_open_at_the_end_is_malformed_csv(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text('id,place\na,Douma\nb,"Ariha\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="malformed CSV"):
        read_raw_table(path, lambda header: header, Settings())


def test_importing_100000_rows_holds_about_the_size_of_the_file(tmp_path):
    rows = 100_000
    path = tmp_path / "events.csv"
    size = write_event_table(path, rows)
    tracemalloc.start()
    try:
        table = read_events(path)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(table.events) == rows
    # Its cells read as text repeated on many rows are one Python string each; the text is not held twice.
    assert peak < 5 * size and held < 2 * size, (peak / size, held / size)
