"""Rejects tables: where each rejected row came from, why, and its original cells."""

import csv
import io

import numpy as np

from zonemap.incidents.rejects import REJECT_COLUMNS, combine_rejects, reject_rows, rejects_csv


def test_rejects_of_several_files_keep_each_file_columns_and_a_clashing_name():
    first = reject_rows("a.csv", np.array([3]), np.array(["no date"], dtype=object),
                        [{"event_date": "", "reason": "own column", "notes": "x"}])
    second = reject_rows("b.csv", np.array([7, 9]), np.array(["bad", "worse"], dtype=object),
                         [{"date_start": "2017-13-01"}, {"date_start": "soon"}])
    table = combine_rejects([first, reject_rows("c.csv", np.array([], dtype=np.int64), np.array([]), []), second])
    assert list(table.columns[:3]) == REJECT_COLUMNS
    assert list(table.columns[3:]) == ["event_date", "reason (original)", "notes", "date_start"]
    rows = list(csv.DictReader(io.StringIO(rejects_csv(table))))
    assert [(r["file"], r["line"], r["reason"]) for r in rows] == [("a.csv", "3", "no date"), ("b.csv", "7", "bad"),
                                                                  ("b.csv", "9", "worse")]
    assert rows[0]["reason (original)"] == "own column" and rows[0]["date_start"] == ""
    assert rows[2]["date_start"] == "soon"
