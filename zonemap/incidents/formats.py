"""Event table formats: recognising ACLED, UCDP GED and zonemap's own tables, and mapping their columns.

An incident table is read in one of these formats:

* ``zonemap``: zonemap's own columns (:data:`zonemap.scenario.CSV_COLUMNS`),
  checked as strictly as a scenario: any bad row is an error;
* ``acled``: an ACLED export (``event_id_cnty``, ``event_date``,
  ``sub_event_type``, ``admin1``, ``location``, ``latitude``, ``longitude``,
  ``fatalities``…);
* ``ucdp``: a UCDP Georeferenced Event Dataset export (``id``,
  ``date_start``, ``type_of_violence``, ``side_a``, ``adm_1``,
  ``where_coordinates``, ``latitude``, ``longitude``, ``best``…);
* ``generic``: any other table, with a column mapping the user writes
  (``{date: Day, place: Town, fatalities: Killed}``).

Imported formats (all but ``zonemap``) keep going past bad rows: those go to
the rejects file with their reason. Each format says which of its columns
give each of zonemap's fields (:data:`FIELDS`), and how its own categories
map onto zonemap's incident types, so that the rest of the import is the
same for all of them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..scenario.io import CSV_COLUMNS
from ..scenario.model import INCIDENT_TABLE_FORMATS, INCIDENT_TYPES, IncidentFile

FIELDS = ("id", "date", "type", "category", "place", "admin1", "lat", "lon", "fatalities", "actors", "description",
          "notes", "source", "precision")
"""zonemap's fields an imported row can give. ``category`` is the dataset's own event category, ``type`` one
of zonemap's incident types, ``admin1`` the dataset's own province (governorate) name, ``notes`` the
dataset's own account of the event (kept for exports, left out of the interactive page: ACLED's notes of
100,000 events would weigh tens of megabytes there), ``precision`` its location precision code."""

MAPPABLE_FIELDS = ("id", "date", "type", "place", "admin1", "lat", "lon", "fatalities", "actors", "description",
                   "source")
"""Fields a column mapping of a generic table may name (its ``type`` column is kept as the category too)."""


@dataclass(frozen=True)
class TableFormat:
    """One kind of event table: how to recognise it and which of its columns give which field.

    Attributes
    ----------
    name
        Its name in ``incident_files`` and ``--incidents-format``.
    label
        Its name for people ("ACLED").
    columns
        Field of :data:`FIELDS` → the table's columns that give it, lower
        case. For ``actors`` every column is used; for the others, the first
        non-empty one in each row.
    signature
        Columns whose presence marks a table as this format.
    required
        Groups of columns: each group needs at least one present.
    """

    name: str
    label: str
    columns: Mapping[str, tuple[str, ...]]
    signature: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]


ACLED = TableFormat(
    "acled", "ACLED",
    columns={"id": ("event_id_cnty",), "date": ("event_date",), "category": ("sub_event_type", "event_type"),
             "place": ("location",), "admin1": ("admin1",), "lat": ("latitude",), "lon": ("longitude",),
             "fatalities": ("fatalities",), "actors": ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2"),
             "notes": ("notes",), "source": ("source",), "precision": ("geo_precision",)},
    signature=("event_date",),
    required=(("event_date",), ("sub_event_type", "event_type"), ("latitude", "location"), ("longitude", "location")),
)

UCDP = TableFormat(
    "ucdp", "UCDP GED",
    columns={"id": ("id",), "date": ("date_start",), "category": ("type_of_violence",),
             "place": ("where_coordinates",), "admin1": ("adm_1",), "lat": ("latitude",), "lon": ("longitude",),
             "fatalities": ("best",), "actors": ("side_a", "side_b"), "notes": ("source_headline",),
             "source": ("source_office",), "precision": ("where_prec",)},
    signature=("date_start", "type_of_violence"),
    required=(("date_start",), ("type_of_violence",), ("latitude", "where_coordinates"),
              ("longitude", "where_coordinates")),
)

IMPORTED_FORMATS = {f.name: f for f in (ACLED, UCDP)}
"""The formats recognised from their header, by name."""

UCDP_VIOLENCE = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
"""UCDP GED's ``type_of_violence`` codes."""

CATEGORY_TYPES = {
    # ACLED sub-event types (and event types, for exports without sub-event types).
    "air/drone strike": "air strike",
    "shelling/artillery/missile attack": "shelling",
    "armed clash": "clashes",
    "government regains territory": "clashes",
    "non-state actor overtakes territory": "clashes",
    "battles": "clashes",
    "agreement": "ceasefire",
    # UCDP GED's types of violence: fighting between two armed sides, or violence against civilians.
    "state-based conflict": "clashes",
    "non-state conflict": "clashes",
    "one-sided violence": "other",
}
"""Datasets' own event categories (lower case) → zonemap incident type; any other category is ``other``.
ACLED's "Agreement" is mostly ceasefires and local truces in Syria's data; the original category is kept
beside the type."""

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_WRITTEN_DATE = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4})$")
_MONTH_FIRST_DATE = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$")
DATE_FORMS = "YYYY-MM-DD, '04 July 2017' or 'July 4, 2017'"
"""How dates may be written in imported tables, for messages."""


def _date(text: str) -> tuple[str | None, str | None]:
    """ISO date of one written date, or the reason it is not one."""
    iso, written, month_first = _ISO_DATE.match(text), _WRITTEN_DATE.match(text), _MONTH_FIRST_DATE.match(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif written and written[2].lower() in _MONTHS:
        year, month, day = int(written[3]), _MONTHS[written[2].lower()], int(written[1])
    elif month_first and month_first[1].lower() in _MONTHS:
        year, month, day = int(month_first[3]), _MONTHS[month_first[1].lower()], int(month_first[2])
    else:
        return None, f"date {text!r} is not a date; expected {DATE_FORMS}"
    try:
        return dt.date(year, month, day).isoformat(), None
    except ValueError:
        return None, f"date {text!r} is not a real calendar date"


def parse_dates(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ISO dates from the date forms exports use, each distinct text parsed once.

    Parameters
    ----------
    texts
        Written dates (object array of str; ``""`` for a missing date): ISO
        (``2017-07-04``, with or without a time), ACLED's ``04 July 2017``
        (or ``4-Jul-2017``), or ``July 4, 2017``.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ISO dates (None where there is none) and, per row, the reason the
        text is not a date (None where it is).
    """
    codes, distinct = pd.factorize(texts, sort=False)
    parsed = [_date(text) if text else (None, "no date") for text in distinct]
    iso = np.array([p[0] for p in parsed] + [None], dtype=object)
    reasons = np.array([p[1] for p in parsed] + ["no date"], dtype=object)
    return iso[codes], reasons[codes]


def day_numbers(dates: pd.Series | np.ndarray | Sequence) -> np.ndarray:
    """Days since 1970-01-01 of ISO dates (or date objects); -1 for a missing date.

    Each distinct date is parsed once: a million events fall on a few thousand days.

    Parameters
    ----------
    dates
        ISO dates (``YYYY-MM-DD``) as text or date objects, or None.

    Returns
    -------
    numpy.ndarray
        ``int64`` day numbers.
    """
    if not isinstance(dates, (pd.Series, pd.Index, pd.api.extensions.ExtensionArray)):
        dates = np.asarray(dates, dtype=object)
    codes, uniques = pd.factorize(dates, sort=False)  # each distinct date parsed once
    days = pd.to_datetime(pd.Series(np.asarray(uniques, dtype=object), dtype=object),
                          format="ISO8601").to_numpy().astype("datetime64[D]")
    table = np.append(np.where(np.isnat(days), -1, days.astype(np.int64)), -1)
    return table[codes]


def incident_types(categories: np.ndarray) -> np.ndarray:
    """zonemap's incident type for each of a dataset's categories (``other`` when it has no counterpart).

    Parameters
    ----------
    categories
        The dataset's categories (object array; None where missing).

    Returns
    -------
    numpy.ndarray
        One of :data:`zonemap.scenario.INCIDENT_TYPES` per row.
    """
    codes, distinct = pd.factorize(categories, sort=False)
    known = {t: t for t in INCIDENT_TYPES} | CATEGORY_TYPES
    types = np.array([known.get(str(c).strip().lower(), "other") for c in distinct] + ["other"], dtype=object)
    return types[codes]


def detect_format(header: Sequence[str], *, file: str | None = None) -> str:
    """Which format a table is in, from its header.

    Parameters
    ----------
    header
        The column names.
    file
        The table's name, for the message.

    Returns
    -------
    str
        ``"acled"``, ``"ucdp"`` or ``"zonemap"``.

    Raises
    ------
    InputError
        If the header is none of them; the message says how to give a mapping.
    """
    names = {column.strip().lower() for column in header}
    for table_format in IMPORTED_FORMATS.values():
        if set(table_format.signature) <= names:
            return table_format.name
    if "date" in names and "type" in names or names <= set(CSV_COLUMNS):
        return "zonemap"
    shown = ", ".join(list(header)[:12]) + (", …" if len(header) > 12 else "")
    raise InputError(
        f"cannot tell the format of this table from its header ({shown}): it is neither zonemap's own "
        f"({', '.join(CSV_COLUMNS)}), an ACLED export (event_date, sub_event_type, latitude, longitude…) nor a "
        "UCDP GED export (date_start, type_of_violence, latitude, longitude…); give a column mapping, "
        "e.g. {path: events.csv, mapping: {date: Day, place: Town}} in the scenario or "
        "--incidents-mapping date=Day,place=Town", source=file, location="line 1")


def resolve_columns(table_format: TableFormat, header: Sequence[str], *, file: str | None = None) -> dict[str, list[str]]:
    """The columns of this header that give each field, for a recognised format.

    Parameters
    ----------
    table_format
        One of :data:`IMPORTED_FORMATS`.
    header
        The table's column names (any case).
    file
        The table's name, for messages.

    Returns
    -------
    dict
        Field → the header's own column names (present ones only, in the format's order).

    Raises
    ------
    InputError
        If a required column is missing.
    """
    by_lower = {}
    for column in header:
        by_lower.setdefault(column.strip().lower(), column)
    for group in table_format.required:
        if not any(name in by_lower for name in group):
            raise InputError(f"this {table_format.label} table has no {' or '.join(map(repr, group))} column",
                             source=file, location="line 1")
    return {field: [by_lower[c] for c in columns if c in by_lower] for field, columns in table_format.columns.items()
            if any(c in by_lower for c in columns)}


def mapped_columns(mapping: Mapping[str, str], header: Sequence[str], *, file: str | None = None) -> dict[str, list[str]]:
    """The columns a user's mapping names, checked against the header.

    Parameters
    ----------
    mapping
        Field (of :data:`MAPPABLE_FIELDS`) → column name, e.g. ``{"date": "Day", "place": "Town"}``.
    header
        The table's column names.
    file
        The table's name, for messages.

    Returns
    -------
    dict
        Field → ``[column]``; a ``type`` column also gives the ``category``.

    Raises
    ------
    InputError
        For an unknown field, a column the table does not have, or a mapping
        with no date or with neither a place nor coordinates.
    """
    unknown = [field for field in mapping if field not in MAPPABLE_FIELDS]
    if unknown:
        raise InputError(f"unknown field {', '.join(map(repr, unknown))} in the column mapping; "
                         f"map any of: {', '.join(MAPPABLE_FIELDS)}", source=file)
    stripped = [column.strip() for column in header]
    missing = [f"{field}={column}" for field, column in mapping.items() if column.strip() not in stripped]
    if missing:
        raise InputError(f"the column mapping names columns the table does not have ({', '.join(missing)}); its "
                         f"columns are {', '.join(stripped)}", source=file, location="line 1")
    if "date" not in mapping:
        raise InputError("the column mapping needs a date column (date=COLUMN)", source=file)
    if "place" not in mapping and not {"lat", "lon"} <= set(mapping):
        raise InputError("the column mapping needs a place column, or lat and lon columns", source=file)
    if ("lat" in mapping) != ("lon" in mapping):
        raise InputError("the column mapping needs both lat and lon, or neither", source=file)
    columns = {field: [header[stripped.index(column.strip())]] for field, column in mapping.items()}
    if "type" in columns:
        columns["category"] = columns["type"]
    return columns


def parse_mapping(text: str) -> dict[str, str]:
    """A column mapping written on the command line: ``date=Day,place=Town,fatalities=Killed``.

    Parameters
    ----------
    text
        Comma-separated ``field=column`` pairs.

    Returns
    -------
    dict

    Raises
    ------
    InputError
        If a pair has no ``=``, or a field is given twice.
    """
    mapping: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        field, equals, column = pair.partition("=")
        if not equals or not field.strip() or not column.strip():
            raise InputError(f"--incidents-mapping: {pair!r} is not FIELD=COLUMN")
        if field.strip() in mapping:
            raise InputError(f"--incidents-mapping: field {field.strip()!r} is given twice")
        mapping[field.strip()] = column.strip()
    return mapping


def check_format_name(name: str) -> str:
    """``name`` if it is one of :data:`zonemap.scenario.model.INCIDENT_TABLE_FORMATS`.

    Raises
    ------
    InputError
        Otherwise.
    """
    if name not in INCIDENT_TABLE_FORMATS:
        raise InputError(f"unknown incident table format {name!r}; choose from {', '.join(INCIDENT_TABLE_FORMATS)}")
    return name


def incident_files_from_options(paths: Sequence[str], format: str = "auto",
                                mapping: str | None = None) -> list[IncidentFile]:
    """The tables of ``--incidents``, with ``--incidents-format`` and ``--incidents-mapping`` applied to each.

    Parameters
    ----------
    paths
        The tables.
    format
        One of :data:`zonemap.scenario.model.INCIDENT_TABLE_FORMATS`.
    mapping
        A column mapping as :func:`parse_mapping` reads it (makes the format ``generic``).

    Returns
    -------
    list of IncidentFile

    Raises
    ------
    InputError
        For an unknown format, a malformed mapping, or a mapping with a format other than ``generic``.
    """
    check_format_name(format)
    columns = parse_mapping(mapping) if mapping else {}
    if columns and format not in ("auto", "generic"):
        raise InputError(f"--incidents-mapping is for generic tables, not --incidents-format {format}")
    if format == "generic" and not columns:
        raise InputError("--incidents-format generic needs --incidents-mapping, e.g. date=Day,place=Town")
    return [IncidentFile(path, format, columns) for path in paths]
