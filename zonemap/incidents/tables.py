"""Incident tables: CSV files of incidents, checked row by row.

Each row is checked like an incident written in a scenario; errors give the
file, row, line and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..errors import Origin, ScenarioError
from ..scenario.files import read_text_file
from ..scenario.io import CSV_COLUMNS, incident_from_record, incident_schema_validator, schema_message
from ..scenario.model import Incident, Source
from ..settings import Settings


def _cell_value(column: str, text: str, origin: Origin):
    if column in ("lat", "lon"):
        try:
            value = float(text)
        except ValueError:
            raise origin.error(f"{text!r} is not a number") from None
        if not np.isfinite(value):
            raise origin.error(f"{text!r} is not a finite number")
        return value
    if column == "fatalities":
        try:
            return int(text)
        except ValueError:
            raise origin.error(f"{text!r} is not a whole number") from None
    if column == "actors":
        return [actor.strip() for actor in text.split(";") if actor.strip()]
    return text


def read_incident_table(path: str | Path, sources: Mapping[str, Source] | None = None, *,
                        settings: Settings | None = None) -> list[Incident]:
    """Read and validate a CSV table of incidents.

    The table is UTF-8 (a byte-order mark is accepted) with a header row of
    :data:`CSV_COLUMNS`; ``actors`` are separated by ``;``; empty cells are
    missing values. Each row is checked like an incident of a scenario file.

    Parameters
    ----------
    path
        The CSV file.
    sources
        Source ids that the ``source`` column may cite.
    settings
        Size and row limits; defaults to ``Settings()``.

    Returns
    -------
    list of Incident

    Raises
    ------
    ScenarioError
        With the file, row, line and column of the first problem.
    """
    settings = settings or Settings()
    path = Path(path)
    file = str(path)
    text = read_text_file(path, "incident table", settings.max_table_bytes)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ScenarioError(f"incident table is empty; expected a header row with {', '.join(CSV_COLUMNS)}", source=file)
        header = [column.strip() for column in header]
        unknown = [column for column in header if column not in CSV_COLUMNS]
        if unknown:
            raise ScenarioError(f"unknown column {', '.join(map(repr, unknown))}; allowed columns: {', '.join(CSV_COLUMNS)}",
                                source=file, location="line 1")
        repeated = sorted({column for column in header if header.count(column) > 1})
        if repeated:
            raise ScenarioError(f"column {', '.join(map(repr, repeated))} appears twice", source=file, location="line 1")
        missing = [column for column in ("date", "type") if column not in header]
        if missing:
            raise ScenarioError(f"missing column {', '.join(map(repr, missing))}", source=file, location="line 1")
        validator = incident_schema_validator()
        incidents = []
        for number, row in enumerate(reader, start=1):
            origin = Origin(file, f"row {number}", reader.line_num)
            if number > settings.max_table_rows:
                raise origin.error(f"more than {settings.max_table_rows:,} rows; split the table")
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise origin.error(f"has {len(row)} cells, the header has {len(header)}")
            record = {column: _cell_value(column, cell.strip(), origin.child(column))
                      for column, cell in zip(header, row) if cell.strip()}
            error = next(iter(sorted(validator.iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))), None)
            if error is not None:
                where = origin.child(str(error.absolute_path[0])) if error.absolute_path else origin
                raise where.error(schema_message(error))
            incidents.append(incident_from_record(record, origin, sources or {}))
    except csv.Error as error:
        raise ScenarioError(f"malformed CSV: {error}", source=file, location=f"line {reader.line_num}") from None
    return incidents
