"""Reading incident tables from CSV, XLSX and GeoJSON files into columns of text.

Whatever the file, the result is a :class:`RawTable`: a header, the cells of
the columns wanted as arrays of text (``""`` for an empty cell), and where
each row was written (a CSV line, a sheet row, a feature number), so that
every later check can name the row. Only the columns a format uses are
kept, which keeps a million-row export within memory; the full original
rows of rejected events are read again on demand (:meth:`RawTable.originals`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, ScenarioError
from ..scenario.files import read_text_file
from ..settings import Settings

KINDS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".geojson": "geojson", ".json": "geojson"}
"""File name endings → kind of file."""

ROW_WORDS = {"csv": "line", "xlsx": "sheet row", "geojson": "feature"}
"""What the row numbers of each kind of file count."""


@dataclass
class RawTable:
    """An incident table as text columns, before any field is interpreted.

    Attributes
    ----------
    file
        The file's name, for messages.
    kind
        ``"csv"``, ``"xlsx"`` or ``"geojson"``.
    header
        Every column name, in order (GeoJSON: every property name, in order of first appearance).
    cells
        The wanted columns: name → object array of ``str``, one per row.
    lines
        Where each row was written: its first line (CSV), its sheet row
        (XLSX) or its feature number (GeoJSON), from 1.
    problems
        Per row, what makes the row unreadable as a whole (a CSV row with
        the wrong number of cells, a GeoJSON feature that is not a point),
        or None.
    points
        GeoJSON only: longitude and latitude of each feature's point (NaN
        for a feature without geometry), shape ``(rows, 2)``.
    """

    file: str
    kind: str
    header: list[str]
    cells: dict[str, np.ndarray]
    lines: np.ndarray
    problems: np.ndarray
    points: np.ndarray | None = None
    _originals: Callable[[np.ndarray], list[dict]] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def row_word(self) -> str:
        """What :attr:`lines` count ("line", "sheet row" or "feature")."""
        return ROW_WORDS[self.kind]

    def originals(self, rows: np.ndarray) -> list[dict]:
        """The full original cells (every column) of some rows.

        Parameters
        ----------
        rows
            Row positions (not line numbers), ascending.

        Returns
        -------
        list of dict
            Column → text, one per row.
        """
        return self._originals(np.asarray(rows, dtype=np.int64)) if len(rows) else []


def table_kind(path: Path) -> str:
    """The kind of an incident table file, from its name.

    Raises
    ------
    ScenarioError
        For a name that ends otherwise.
    """
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise ScenarioError(f"cannot read {path.suffix or 'files without an extension'} as an incident table; "
                            "expected .csv, .xlsx or .geojson", source=str(path))
    return kind


def read_raw_table(path: Path, wanted: Callable[[list[str]], Sequence[str]], settings: Settings) -> RawTable:
    """Read a CSV, XLSX or GeoJSON incident table, keeping the columns ``wanted`` picks from its header.

    Parameters
    ----------
    path
        The file (``.csv``, ``.xlsx``, ``.geojson`` or ``.json``).
    wanted
        Called with the header; returns the columns to keep (raises
        :class:`~zonemap.errors.InputError` if the header will not do).
    settings
        ``max_table_bytes`` and ``max_table_rows``.

    Returns
    -------
    RawTable

    Raises
    ------
    ScenarioError
        If the file is missing, too large, not UTF-8, malformed, empty or has too many rows.
    """
    kind = table_kind(path)
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "geojson": _read_geojson}[kind]
    return reader(path, wanted, settings)


def _too_many(file: str, settings: Settings, line: int, word: str) -> ScenarioError:
    return ScenarioError(f"more than {settings.max_table_rows:,} rows; split the table", source=file,
                         location=f"{word} {line}")


def _columns(rows: list[tuple], names: Sequence[str]) -> dict[str, np.ndarray]:
    columns = {}
    for position, name in enumerate(names):
        values = np.empty(len(rows), dtype=object)
        values[:] = [row[position] for row in rows]
        columns[name] = values
    return columns


def _checked_header(header: list[str], file: str, wanted: Callable[[list[str]], Sequence[str]],
                    word: str) -> tuple[list[str], list[str]]:
    header = [str(column).strip() for column in header]
    repeated = sorted({column for column in header if column and header.count(column) > 1})
    if repeated:
        raise ScenarioError(f"column {', '.join(map(repr, repeated))} appears twice", source=file, location=f"{word} 1")
    try:
        keep = list(wanted(header))
    except InputError as error:
        raise ScenarioError(error.message, source=file, location=error.location) from None
    return header, keep


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _physical_lines(text: str) -> list[str]:
    """The text's lines as the csv module counts them (``\\r\\n``, ``\\r`` or ``\\n`` ends one)."""
    return _LINE_BREAK.split(text) if "\r" in text else text.split("\n")


def _read_csv(path: Path, wanted, settings: Settings) -> RawTable:
    file = str(path)
    text = read_text_file(path, "incident table", settings.max_table_bytes)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader, None)
    except csv.Error as error:
        raise ScenarioError(f"malformed CSV: {error}", source=file, location="line 1") from None
    if first is None:
        raise ScenarioError("incident table is empty; expected a header row", source=file)
    header, keep = _checked_header(first, file, wanted, "line")
    regular = _read_regular_csv(text, header, keep) if reader.line_num == 1 else None
    if regular is None:
        columns, lines, problems = _read_any_csv(reader, file, header, keep, settings)
    else:
        columns, lines = regular
        problems = np.full(len(lines), None, dtype=object)
        if len(lines) > settings.max_table_rows:
            raise _too_many(file, settings, int(lines[settings.max_table_rows]), "line")

    def originals(selected: np.ndarray) -> list[dict]:
        wanted_lines = set(np.asarray(lines)[selected].tolist())
        if regular is not None:
            physical = _physical_lines(text)
            records = csv.reader([physical[line - 1] for line in sorted(wanted_lines)], strict=True)
            return [dict(zip(header, record)) for record in records]
        found = []
        again = csv.reader(io.StringIO(text, newline=""), strict=True)
        next(again)
        previous = again.line_num
        for record in again:
            start, previous = previous + 1, again.line_num
            if start in wanted_lines:
                found.append(dict(zip(header, record)))
        return found

    return RawTable(file, "csv", header, columns, lines, problems, _originals=originals)


def _read_regular_csv(text: str, header: list[str], keep: list[str]) -> tuple[dict, np.ndarray] | None:
    """The wanted columns of a CSV file whose rows are each one line with every cell, read by pandas' C parser.

    None for any other file (a cell spanning lines, a row with too few or too many cells, a line of empty
    cells): :func:`_read_any_csv` reads those row by row and says what is wrong with each.
    """
    physical = _physical_lines(text)
    lines = np.array([number for number, line in enumerate(physical[1:], start=2) if line.strip()], dtype=np.int64)
    if any(_separators(physical[number - 1]) != len(header) - 1 for number in lines.tolist()):
        return None
    del physical  # as large as the text itself: not kept while pandas reads it
    positions = [header.index(name) for name in keep]
    try:
        frame = pd.read_csv(io.StringIO(text, newline=""), header=None, skiprows=1, usecols=positions, dtype=str,
                            keep_default_na=False, skip_blank_lines=True,
                            engine="c", names=list(range(len(header))))
    except (pd.errors.ParserError, ValueError):
        return None
    if len(frame) != len(lines):
        return None
    columns = {}
    for position, name in zip(positions, keep):
        cells = np.empty(len(frame), dtype=object)
        cells[:] = [cell.strip() for cell in frame[position].to_numpy(dtype=object)]
        columns[name] = cells
    if columns and not np.logical_or.reduce([cells != "" for cells in columns.values()]).all():
        return None  # a line of empty cells, which the row-by-row reading skips
    return columns, lines


def _separators(line: str) -> int:
    """Commas between the cells of one line of CSV (those inside quotes, which come in pairs, do not count)."""
    return line.count(",") if '"' not in line else sum(part.count(",") for part in line.split('"')[::2])


def _read_any_csv(reader, file: str, header: list[str], keep: list[str],
                  settings: Settings) -> tuple[dict, np.ndarray, np.ndarray]:
    """The wanted columns of any CSV file, row by row: rows of the wrong width are kept with their problem."""
    positions = [header.index(name) for name in keep]
    width = len(header)
    rows, lines, problems = [], [], []
    last_line = reader.line_num
    try:
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) == settings.max_table_rows:
                raise _too_many(file, settings, start, "line")
            if len(record) != width:
                problems.append(f"has {len(record)} cells, the header has {width}")
                record = (record + [""] * width)[:width]
            else:
                problems.append(None)
            rows.append(tuple(record[p].strip() for p in positions))
            lines.append(start)
    except csv.Error as error:
        raise ScenarioError(f"malformed CSV: {error}", source=file, location=f"line {reader.line_num}") from None
    return _columns(rows, keep), np.array(lines, dtype=np.int64), np.array(problems, dtype=object)


def _cell_text(value) -> str:
    """An XLSX cell as the text a CSV export would hold: dates in ISO, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path, wanted, settings: Settings) -> RawTable:
    import zipfile

    from openpyxl import load_workbook

    file = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError("incident table not found", source=file) from None
    if size > settings.max_table_bytes:
        raise ScenarioError(f"incident table is {size:,} bytes; the limit is {settings.max_table_bytes:,}", source=file)
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it does not read; cell values are all that matter here.
        warnings.simplefilter("ignore", UserWarning)
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise ScenarioError(f"cannot read this XLSX workbook ({error})", source=file) from None
        try:
            sheet = workbook.worksheets[0]
            values = sheet.iter_rows(values_only=True)
            header_row, number = None, 0
            for number, row in enumerate(values, start=1):
                if any(_cell_text(v) for v in row):
                    header_row = row
                    break
            if header_row is None:
                raise ScenarioError("incident table is empty; expected a header row", source=file)
            header, keep = _checked_header([_cell_text(v) for v in header_row], file, wanted, "sheet row")
            width = len(header)
            positions = [header.index(name) for name in keep]
            rows, lines, full = [], [], []
            for number, row in enumerate(values, start=number + 1):
                texts = [_cell_text(v) for v in row][:width]
                if not any(texts):
                    continue
                if len(rows) == settings.max_table_rows:
                    raise _too_many(file, settings, number, "sheet row")
                texts += [""] * (width - len(texts))
                rows.append(tuple(texts[p] for p in positions))
                full.append(texts)
                lines.append(number)
        finally:
            workbook.close()
    return RawTable(file, "xlsx", header, _columns(rows, keep), np.array(lines, dtype=np.int64),
                    np.full(len(rows), None, dtype=object),
                    _originals=lambda selected: [dict(zip(header, full[i])) for i in selected.tolist()])


def _read_geojson(path: Path, wanted, settings: Settings) -> RawTable:
    file = str(path)
    text = read_text_file(path, "incident table", settings.max_table_bytes)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"malformed GeoJSON: {error.msg}", source=file,
                            location=f"line {error.lineno}, column {error.colno}") from None
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    if not isinstance(features, list):
        raise ScenarioError("expected a GeoJSON FeatureCollection of points", source=file)
    if len(features) > settings.max_table_rows:
        raise _too_many(file, settings, settings.max_table_rows + 1, "feature")
    properties, points, problems = [], np.full((len(features), 2), np.nan), []
    for number, feature in enumerate(features):
        problem = None
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            properties.append({})
            problems.append("is not a GeoJSON Feature")
            continue
        values = feature.get("properties") or {}
        properties.append(values if isinstance(values, dict) else {})
        geometry = feature.get("geometry")
        if geometry is not None:
            coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if not isinstance(geometry, dict) or geometry.get("type") != "Point":
                problem = f"has a {geometry.get('type') if isinstance(geometry, dict) else 'malformed'} geometry, not a Point"
            elif (not isinstance(coordinates, list) or len(coordinates) < 2
                  or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates[:2])):
                problem = "has malformed Point coordinates"
            else:
                points[number] = coordinates[:2]
        problems.append(problem)
    header_names = list(dict.fromkeys(key for values in properties for key in values))
    header, keep = _checked_header(header_names, file, wanted, "feature")
    texts = [{str(k).strip(): _cell_text(v) if not isinstance(v, (dict, list)) else json.dumps(v, ensure_ascii=False)
              for k, v in values.items()} for values in properties]
    rows = [tuple(values.get(name, "") for name in keep) for values in texts]
    return RawTable(file, "geojson", header, _columns(rows, keep), np.arange(1, len(features) + 1, dtype=np.int64),
                    np.array(problems, dtype=object), points,
                    _originals=lambda selected: [{name: texts[i].get(name, "") for name in header}
                                                 for i in selected.tolist()])
