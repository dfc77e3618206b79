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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as csv_arrow

from ..errors import InputError, ScenarioError
from ..memory import release_unused_memory
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
        The wanted columns: name → object array of ``str``, one per row
        (empty once interpreted: :meth:`without_cells`).
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
    tag_line
        The line (CSV) or sheet row (XLSX) of an HXL hashtag row under the
        header, which is not an event and was skipped; None if there was none.
    """

    file: str
    kind: str
    header: list[str]
    cells: dict[str, np.ndarray]
    lines: np.ndarray
    problems: np.ndarray
    points: np.ndarray | None = None
    tag_line: int | None = None
    _originals: Callable[[np.ndarray], list[dict]] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def row_word(self) -> str:
        """What :attr:`lines` count ("line", "sheet row" or "feature")."""
        return ROW_WORDS[self.kind]

    def without_originals(self) -> RawTable:
        """This table without the means to give its original rows (:meth:`originals`), for a table that sets none aside.

        A CSV table keeps its bytes for them; a million rows are over 100 MB.
        """
        return replace(self, _originals=None)

    def without_cells(self) -> RawTable:
        """This table once its cells have been interpreted: its rows and originals, not its columns of text."""
        return replace(self, cells={})

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
    return _without_tag_row(reader(path, wanted, settings))


def is_hxl_tag(text: str) -> bool:
    """True if a cell holds an HXL hashtag (``#adm1+name``), as the second row of HDX downloads does."""
    return bool(_HXL_TAG.fullmatch(text.strip()))


_HXL_TAG = re.compile(r"#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*")


def _without_tag_row(table: RawTable) -> RawTable:
    """The table without its first row if that row is HXL hashtags (every cell a tag or empty), not an event.

    Tables from the Humanitarian Data Exchange carry such a row under their header (``#date+occurred``,
    ``#geo+lat``…).
    """
    if table.kind == "geojson" or not len(table) or table._originals is None:
        return table
    first = [cells[0] for cells in table.cells.values()]
    if not any(first) or not all(cell == "" or is_hxl_tag(cell) for cell in first):
        return table
    row = table.originals(np.array([0])).pop().values()
    if not all(cell.strip() == "" or is_hxl_tag(cell) for cell in row):
        return table
    originals = table._originals
    return replace(table, cells={name: cells[1:] for name, cells in table.cells.items()}, lines=table.lines[1:],
                   problems=table.problems[1:], tag_line=int(table.lines[0]),
                   _originals=lambda selected: originals(np.asarray(selected) + 1))


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


_LINE_END = re.compile(r"\r\n|\r|\n")

_SOLID_BYTES = np.ones(256, dtype=bool)
_SOLID_BYTES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = False
_SOLID_BYTES[128:] = False
"""ASCII characters :meth:`str.strip` keeps: neither whitespace nor part of a non-ASCII character."""


_CODED_TEXT = pa.dictionary(pa.int32(), pa.string())
"""How Arrow reads each column: its distinct texts once, and a code per row."""


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, as ``io.StringIO(text, newline="")`` gives them.

    A StringIO holds four bytes per character: a million-row table would take four times its size again.
    """
    start = 0
    for end in _LINE_END.finditer(text):
        yield text[start:end.end()]
        start = end.end()
    if start < len(text):
        yield text[start:]


def _line_spans(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Where each line of UTF-8 text starts and ends (its line break left out), lines as the csv module counts them.

    Like ``_LINE_END.split(text)``, a text ending with a line break has a last, empty line.
    """
    octets = np.frombuffer(data, dtype=np.uint8)
    feeds = np.flatnonzero(octets == 10)
    if b"\r" in data:
        returns = np.flatnonzero(octets == 13)
        lone_feeds = feeds[(feeds == 0) | (octets[feeds - 1] != 13)]
        ends = np.union1d(returns, lone_feeds)
        pairs = (octets[ends] == 13) & (ends + 1 < len(octets))
        pairs[pairs] = octets[ends[pairs] + 1] == 10
        next_starts = ends + 1 + pairs
    else:
        ends, next_starts = feeds, feeds + 1
    return np.concatenate([[0], next_starts]), np.concatenate([ends, [len(octets)]])


def _regular_lines(data: bytes, separators: int) -> np.ndarray | None:
    """Line numbers of the rows (non-blank lines after the first), or None if one has not ``separators`` commas.

    Counted on the bytes, a mask at a time, without a Python string per line; lines with quotes
    (:func:`_separators`) or with only non-ASCII characters besides whitespace (which may be Unicode
    whitespace) are looked at as text.
    """
    starts, ends = _line_spans(data)
    numbers = np.arange(2, len(starts) + 1)
    starts, ends = starts[1:], ends[1:]
    filled = ends > starts
    numbers, starts, ends = numbers[filled], starts[filled], ends[filled]
    if len(starts) == 0:
        return numbers
    octets = np.frombuffer(data, dtype=np.uint8)
    # Each span runs from a line's start to the next filled line's: only whitespace (breaks, empty lines) is added.
    solid = np.logical_or.reduceat(_SOLID_BYTES[octets], starts)
    unsure = ~solid & np.logical_or.reduceat(octets >= 128, starts)
    quoted = np.logical_or.reduceat(octets == 34, starts)
    body = octets[starts[0]:]
    commas = np.bincount(np.searchsorted(starts, starts[0] + np.flatnonzero(body == 44), side="right") - 1,
                         minlength=len(starts))
    for k in np.flatnonzero(unsure | quoted).tolist():
        line = data[starts[k]:ends[k]].decode("utf-8")
        solid[k] = bool(line.strip())
        commas[k] = _separators(line)
    rows = numbers[solid]
    return rows if (commas[solid] == separators).all() else None


def _read_csv(path: Path, wanted, settings: Settings) -> RawTable:
    file = str(path)
    text = read_text_file(path, "incident table", settings.max_table_bytes)
    reader = csv.reader(_lines(text), strict=True)
    try:
        first = next(reader, None)
    except csv.Error as error:
        raise ScenarioError(f"malformed CSV: {error}", source=file, location="line 1") from None
    if first is None:
        raise ScenarioError("incident table is empty; expected a header row", source=file)
    header, keep = _checked_header(first, file, wanted, "line")
    regular = None
    if reader.line_num == 1:
        data = text.encode("utf-8")
        del text, reader  # the bytes are read from now on: a million rows' text is not held twice
        regular = _read_regular_csv(data, header, keep)
        if regular is None:
            text = data.decode("utf-8")
            reader = csv.reader(_lines(text), strict=True)
            next(reader)
    if regular is None:
        data = None
        columns, lines, problems = _read_any_csv(reader, file, header, keep, settings)
    else:
        columns, lines, data = regular
        del regular  # the bytes give the original rows of rejects; the columns are not kept with them
        problems = np.full(len(lines), None, dtype=object)
        if len(lines) > settings.max_table_rows:
            raise _too_many(file, settings, int(lines[settings.max_table_rows]), "line")

    def originals(selected: np.ndarray) -> list[dict]:
        wanted_lines = set(np.asarray(lines)[selected].tolist())
        if data is not None:
            starts, ends = _line_spans(data)
            texts = [data[starts[line - 1]:ends[line - 1]].decode("utf-8") for line in sorted(wanted_lines)]
            records = csv.reader(texts, strict=True)
            return [dict(zip(header, record)) for record in records]
        found = []
        again = csv.reader(_lines(text), strict=True)
        next(again)
        previous = again.line_num
        for record in again:
            start, previous = previous + 1, again.line_num
            if start in wanted_lines:
                found.append(dict(zip(header, record)))
        return found

    return RawTable(file, "csv", header, columns, lines, problems, _originals=originals)


def _read_regular_csv(data: bytes, header: list[str], keep: list[str]) -> tuple[dict, np.ndarray, bytes] | None:
    """The wanted columns of a CSV file whose rows are each one line with every cell, read by Arrow's parser.

    ``data`` is the file's text in UTF-8. Each column is read as codes into its distinct texts, which
    become Python strings once each: a text repeated on many rows is one string. Returns the columns,
    the rows' line numbers and ``data``; None for any other file (a cell spanning lines, a row with too
    few or too many cells, a line of empty cells): :func:`_read_any_csv` reads those row by row and says
    what is wrong with each.
    """
    lines = _regular_lines(data, len(header) - 1)
    if lines is None:
        return None
    names = [str(position) for position in range(len(header))]
    try:
        table = csv_arrow.read_csv(io.BytesIO(data),
                                   read_options=csv_arrow.ReadOptions(skip_rows=1, column_names=names),
                                   convert_options=csv_arrow.ConvertOptions(
                                       include_columns=[names[header.index(name)] for name in keep],
                                       column_types=dict.fromkeys(names, _CODED_TEXT), strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    if table.num_rows != len(lines):
        return None
    columns = {}
    for name in keep:
        coded = table.column(names[header.index(name)]).unify_dictionaries().combine_chunks()
        if pc.any(pc.match_substring_regex(coded.dictionary, "[\r\n]")).as_py():
            return None  # a quote left open at the end of the file: Arrow reads on to the end
        distinct = np.empty(len(coded.dictionary), dtype=object)
        distinct[:] = [text.strip() for text in coded.dictionary.to_pylist()]
        columns[name] = distinct[coded.indices.to_numpy()]
    del table
    release_unused_memory()  # the parse's hundreds of MB, for the steps that follow
    if columns and not np.logical_or.reduce([cells != "" for cells in columns.values()]).all():
        return None  # a line of empty cells, which the row-by-row reading skips
    return columns, lines, data


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
