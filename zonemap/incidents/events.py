"""Reading event tables (zonemap's own, ACLED, UCDP GED, or any table with a column mapping) into one form.

:func:`read_events` reads a CSV, XLSX or GeoJSON file, tells its format from
its header (:mod:`zonemap.incidents.formats`), and gives an
:class:`EventTable`: the events in :data:`EVENT_COLUMNS`, whatever the
dataset called them, and the rows it set aside with their reasons. Every
column is interpreted at once for the whole table (each distinct date,
number or actor list once), so a 100,000-row export reads in about a second.

A zonemap table is strict (a bad row is an error); in an imported dataset a
row whose date, coordinates or fatalities cannot be read, or that has
neither coordinates nor a place name, is rejected with the reason instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..scenario.model import Source
from ..settings import Settings
from .cells import (RowProblems, actor_lists, coded_texts, first_filled, numbers, source_fields, texts_or_none,
                    whole_numbers)
from .formats import (IMPORTED_FORMATS, UCDP_VIOLENCE, check_format_name, detect_format, incident_types,
                      mapped_columns, parse_dates, resolve_columns)
from .readers import RawTable, read_raw_table
from .rejects import empty_rejects, reject_rows
from .tables import zonemap_columns, zonemap_events

EVENT_COLUMNS = ["row", "line", "id", "date", "type", "category", "place", "dataset_admin1", "lat", "lon", "fatalities",
                 "actors", "description", "notes", "source_outlet", "source_url", "source_date", "geo_precision"]
"""Columns of :attr:`EventTable.events`: ``row`` (position in the file) and ``line`` (line, sheet row or
feature number), ``id`` (None when the table has none), ``date`` (ISO), ``type`` (zonemap's; categorical), ``category``
(the dataset's own), ``place`` and ``dataset_admin1`` (as written), ``lat``/``lon`` (NaN without
coordinates), ``fatalities`` (``Int64``), ``actors`` (tuples), ``description`` (categorical), ``notes`` (the dataset's own account; None for zonemap tables), ``source_outlet``,
``source_url``, ``source_date``, ``geo_precision`` (the dataset's precision code, ``Int64``)."""

FORMAT_LABELS = {"zonemap": "zonemap", "generic": "mapped columns"} | {f.name: f.label for f in IMPORTED_FORMATS.values()}


@dataclass
class EventTable:
    """One incident table, read: its events in zonemap's columns, and its rejected rows.

    Attributes
    ----------
    file
        The file.
    format
        ``"zonemap"``, ``"acled"``, ``"ucdp"`` or ``"generic"``.
    events
        The rows that were read: :data:`EVENT_COLUMNS`.
    rejects
        The rows set aside: see :mod:`zonemap.incidents.rejects`.
    raw
        The table as read (for the original cells of rows rejected later, when they are placed).
    """

    file: str
    format: str
    events: pd.DataFrame
    rejects: pd.DataFrame
    raw: RawTable

    @property
    def label(self) -> str:
        """The format's name for people ("ACLED", "UCDP GED"…)."""
        return FORMAT_LABELS[self.format]

    @property
    def rows(self) -> int:
        """Rows read (events and rejects)."""
        return len(self.raw)

    def reject(self, positions: np.ndarray, reasons: np.ndarray) -> EventTable:
        """This table with more of its events rejected.

        Parameters
        ----------
        positions
            Positions in :attr:`events` of the events to reject.
        reasons
            Why, one per event.

        Returns
        -------
        EventTable
        """
        if len(positions) == 0:
            return self
        rows = self.events["row"].to_numpy()[positions]
        more = reject_rows(self.file, self.events["line"].to_numpy()[positions], reasons, self.raw.originals(rows))
        rejects = pd.concat([self.rejects, more], ignore_index=True) if len(self.rejects) else more
        kept = np.ones(len(self.events), dtype=bool)
        kept[positions] = False
        return EventTable(self.file, self.format, self.events[kept].reset_index(drop=True),
                          rejects.sort_values("line", kind="stable").reset_index(drop=True), self.raw)


def read_events(path: str | Path, format: str = "auto", mapping: Mapping[str, str] | None = None, *,
                sources: Mapping[str, Source] | None = None, settings: Settings | None = None) -> EventTable:
    """Read an incident table: zonemap's own, an ACLED or UCDP GED export, or any table through a mapping.

    Parameters
    ----------
    path
        A ``.csv``, ``.xlsx`` (first sheet) or ``.geojson`` file (points;
        properties are the columns).
    format
        ``"auto"`` (tell from the header), ``"zonemap"``, ``"acled"``,
        ``"ucdp"`` or ``"generic"`` (with ``mapping``).
    mapping
        For a generic table: field → column, e.g. ``{"date": "Day",
        "place": "Town", "fatalities": "Killed"}`` (see
        :data:`zonemap.incidents.formats.MAPPABLE_FIELDS`).
    sources
        The scenario's sources, which a ``source`` column may cite by id.
    settings
        Size and row limits; defaults to ``Settings()``.

    Returns
    -------
    EventTable

    Raises
    ------
    ScenarioError
        If the file cannot be read, its header fits no format, or (for a
        zonemap table) a row is bad; with file, line and column.

    Examples
    --------
    >>> table = read_events("acled-syria.csv")  # doctest: +SKIP
    >>> table.format, len(table.events), len(table.rejects)  # doctest: +SKIP
    ('acled', 4980, 20)
    """
    settings = settings or Settings()
    sources = sources or {}
    path = Path(path)
    file = str(path)
    check_format_name(format)
    if mapping and format not in ("auto", "generic"):
        raise InputError(f"a column mapping is for generic tables, not {format!r} ones", source=file)
    if format == "generic" and not mapping:
        raise InputError("a generic table needs a column mapping (date=COLUMN, place=COLUMN…)", source=file)
    chosen: dict = {}

    def wanted(header: list[str]) -> list[str]:
        name = "generic" if mapping else format if format != "auto" else detect_format(header, file=file)
        chosen["format"] = name
        if name == "zonemap":
            return zonemap_columns(header, file=file)
        columns = (mapped_columns(mapping, header, file=file) if name == "generic"
                   else resolve_columns(IMPORTED_FORMATS[name], header, file=file))
        chosen["columns"] = columns
        return list(dict.fromkeys(column for group in columns.values() for column in group))

    raw = read_raw_table(path, wanted, settings)
    # The table is kept for the original cells of rejects; its columns of text (a million rows: hundreds of MB) are not.
    if chosen["format"] == "zonemap":
        # A bad row of a zonemap table is an error, not a reject: no original row is ever asked for.
        raw = raw.without_originals()
        return EventTable(file, "zonemap", zonemap_events(raw, sources), empty_rejects(), raw.without_cells())
    events, problems = _imported_events(raw, chosen["columns"], sources, chosen["format"])
    raw = raw.without_cells()
    bad = np.flatnonzero(~problems.ok)
    rejects = reject_rows(file, raw.lines[bad], problems.reason[bad], raw.originals(bad))
    return EventTable(file, chosen["format"], events[problems.ok].reset_index(drop=True), rejects, raw)


def _imported_events(raw: RawTable, columns: Mapping[str, list[str]], sources: Mapping[str, Source],
                     format_name: str) -> tuple[pd.DataFrame, RowProblems]:
    """Every row of an imported table in :data:`EVENT_COLUMNS`, and each row's first problem."""
    rows = len(raw)

    def field(name: str) -> np.ndarray:
        return first_filled(raw.cells, columns.get(name, []), rows)

    problems = RowProblems(rows)
    problems.add(pd.notna(raw.problems), "the row {text}", text=raw.problems)
    written = field("date")
    dates, date_problems = parse_dates(written)
    problems.add(pd.notna(date_problems), "{text}", "date", text=date_problems)
    coordinates = {}
    for name, word, limit in (("lat", "latitude", 90), ("lon", "longitude", 180)):
        text = field(name)
        values, number_problems = numbers(text)
        problems.add(pd.notna(number_problems), f"{word} {{text!r}} is {{problem}}", name, text=text,
                     problem=number_problems)
        problems.add(np.abs(values) > limit, f"{word} {{text}} is outside -{limit} to {limit}", name, text=text)
        coordinates[name] = values
    if raw.points is not None:
        on_map = ~np.isnan(raw.points[:, 0])
        coordinates["lon"] = np.where(on_map, raw.points[:, 0], coordinates["lon"])
        coordinates["lat"] = np.where(on_map, raw.points[:, 1], coordinates["lat"])
        problems.add(on_map & ((np.abs(raw.points[:, 1]) > 90) | (np.abs(raw.points[:, 0]) > 180)),
                     "its point is not a WGS 84 longitude and latitude", "geometry")
    has_lat, has_lon = ~np.isnan(coordinates["lat"]), ~np.isnan(coordinates["lon"])
    problems.add(has_lat & ~has_lon, "has a latitude but no longitude", "lon")
    problems.add(has_lon & ~has_lat, "has a longitude but no latitude", "lat")
    places = field("place")
    problems.add(~has_lat & ~has_lon & (places == ""), "no coordinates and no place name", "place")
    text = field("fatalities")
    fatalities, count_problems = whole_numbers(text)
    problems.add(pd.notna(count_problems), "fatalities {text!r} is {problem}", "fatalities", text=text,
                 problem=count_problems)
    ids = field("id")
    _reject_repeated_ids(ids, raw.lines, problems)
    categories = field("category")
    if format_name == "ucdp":
        categories = np.array([UCDP_VIOLENCE.get(c, c) for c in categories], dtype=object)
    categories = texts_or_none(categories)
    precision, _ = whole_numbers(field("precision"))
    outlet, url, source_date, _ = source_fields(field("source"), sources)
    events = pd.DataFrame({
        "row": np.arange(rows), "line": raw.lines, "id": texts_or_none(ids), "date": dates,
        "type": coded_texts(incident_types(categories)), "category": categories, "place": texts_or_none(places),
        "dataset_admin1": texts_or_none(field("admin1")), "lat": coordinates["lat"], "lon": coordinates["lon"],
        "fatalities": fatalities, "actors": actor_lists(raw.cells, columns.get("actors", []), rows),
        "description": coded_texts(field("description")), "notes": texts_or_none(field("notes")), "source_outlet": outlet,
        "source_url": url, "source_date": source_date,
        "geo_precision": precision,
    }, copy=False)  # the columns as made, not gathered into one block of a copy each
    return events, problems


def _reject_repeated_ids(ids: np.ndarray, lines: np.ndarray, problems: RowProblems) -> None:
    """Reject a row whose id an earlier usable row of the file already has (an export downloaded twice over)."""
    usable = pd.Series(ids).where(problems.ok & (ids != ""))
    repeated = usable.duplicated(keep="first").to_numpy() & usable.notna().to_numpy()
    if repeated.any():
        first_line = pd.Series(lines).groupby(usable).transform("first").fillna(0).astype(np.int64).to_numpy()
        problems.add(repeated, "id {text!r} repeats that of line {line}", "id", text=ids, line=first_line)
