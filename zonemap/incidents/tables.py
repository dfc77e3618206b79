"""zonemap's own incident tables, checked as strictly as incidents written in a scenario.

A table with zonemap's columns (:data:`zonemap.scenario.CSV_COLUMNS`) is the
analyst's own writing: any bad row is an error naming the file, line, row
and column, and nothing is built. (Exports from ACLED, UCDP or other
datasets are read by :mod:`zonemap.incidents.events`, which sets bad rows
aside instead.) The checks are those of the scenario schema, made on whole
columns at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import Origin, ScenarioError
from ..scenario.io import CSV_COLUMNS, scenario_schema
from ..scenario.model import INCIDENT_TYPES, Source
from .cells import (RowProblems, actor_lists, coded_texts, no_numbers, numbers, source_fields, texts_or_none,
                    whole_numbers)
from .formats import parse_dates
from .readers import RawTable

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def zonemap_columns(header: Sequence[str], *, file: str | None = None) -> list[str]:
    """Check the header of a zonemap table and return its columns.

    Raises
    ------
    ScenarioError
        For an unknown column, or no ``date`` or ``type`` column.
    """
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown:
        raise ScenarioError(f"unknown column {', '.join(map(repr, unknown))}; allowed columns: {', '.join(CSV_COLUMNS)}",
                            source=file, location="line 1")
    missing = [column for column in ("date", "type") if column not in header]
    if missing:
        raise ScenarioError(f"missing column {', '.join(map(repr, missing))}", source=file, location="line 1")
    return list(header)


def _limits() -> dict[str, int]:
    """Lengths the scenario schema allows, so that a table is held to the same limits."""
    definitions = scenario_schema()["$defs"]
    incident = definitions["incident"]["properties"]
    return {"name": definitions["name"]["maxLength"], "text": definitions["text"]["maxLength"],
            "actors": incident["actors"]["maxItems"], "fatalities": incident["fatalities"]["maximum"]}


def zonemap_events(raw: RawTable, sources: Mapping[str, Source]) -> pd.DataFrame:
    """The rows of a zonemap table as events, or the error of its first bad row.

    Parameters
    ----------
    raw
        The table, read with every column of its header.
    sources
        The scenario's sources, which the ``source`` column may cite by id.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`zonemap.incidents.events.EVENT_COLUMNS`.

    Raises
    ------
    ScenarioError
        For the first bad row: file, line, row and column, and what was expected.
    """
    rows = len(raw)
    limits = _limits()

    def cells(column: str) -> np.ndarray:
        return raw.cells[column] if column in raw.cells else np.full(rows, "", dtype=object)

    problems = RowProblems(rows)
    problems.add(pd.notna(raw.problems), "{text}", text=raw.problems)
    ids = cells("id")
    problems.add((ids != "") & ~np.array([bool(_ID.match(i)) or not i for i in ids], dtype=bool),
                 "{text!r} is not a valid id; use lower-case letters, digits and hyphens", "id", text=ids)
    written = cells("date")
    dates, date_problems = parse_dates(written)
    problems.add(written == "", "'date' is required", "date")
    iso = np.array([bool(_ISO_DAY.match(d)) for d in written], dtype=bool)
    problems.add(~iso, "{text!r} is not a date; expected YYYY-MM-DD", "date", text=written)
    problems.add(pd.notna(date_problems), "{text!r} is not a real calendar date; expected YYYY-MM-DD", "date",
                 text=written)
    types = cells("type")
    problems.add(types == "", "'type' is required", "type")
    problems.add(~pd.Series(types).isin(INCIDENT_TYPES).to_numpy(),
                 "{text!r} is not one of " + ", ".join(repr(t).replace("{", "{{") for t in INCIDENT_TYPES), "type",
                 text=types)
    places = cells("place")
    lengths = np.array([len(p) for p in places])
    problems.add(lengths > limits["name"], f"too long ({{length}}; at most {limits['name']})", "place", length=lengths)
    coordinates = {}
    for name, limit in (("lat", 90), ("lon", 180)):
        text = cells(name)
        values, number_problems = numbers(text)
        problems.add(pd.notna(number_problems), "{text!r} is {problem}", name, text=text, problem=number_problems)
        problems.add(values > limit, f"{{value}} is greater than the maximum of {limit}", name, value=values)
        problems.add(values < -limit, f"{{value}} is less than the minimum of {-limit}", name, value=values)
        coordinates[name] = values
    if raw.points is not None:
        on_map = ~np.isnan(raw.points[:, 0])
        coordinates["lon"] = np.where(on_map, raw.points[:, 0], coordinates["lon"])
        coordinates["lat"] = np.where(on_map, raw.points[:, 1], coordinates["lat"])
    has_lat, has_lon = ~np.isnan(coordinates["lat"]), ~np.isnan(coordinates["lon"])
    problems.add(has_lat & ~has_lon, "give both lat and lon, or neither", "lat")
    problems.add(has_lon & ~has_lat, "give both lat and lon, or neither", "lon")
    problems.add((places != "") == has_lat, "give either a place name or lat and lon (exactly one)")
    text = cells("fatalities")
    fatalities, count_problems = whole_numbers(text)
    problems.add(count_problems == "not a whole number", "{text!r} is not a whole number", "fatalities", text=text)
    problems.add(pd.notna(count_problems), "{text} is less than the minimum of 0", "fatalities", text=text)
    problems.add(fatalities.to_numpy(dtype=np.float64, na_value=0) > limits["fatalities"],
                 f"{{text}} is greater than the maximum of {limits['fatalities']}", "fatalities", text=text)
    actors = actor_lists(raw.cells, ["actors"] if "actors" in raw.cells else [], rows)
    counts = np.array([len(a) for a in actors])
    problems.add(counts > limits["actors"], f"too long ({{count}}; at most {limits['actors']})", "actors", count=counts)
    longest = np.array([max(map(len, a), default=0) for a in actors])
    problems.add(longest > limits["name"], f"an actor's name is too long ({{length}}; at most {limits['name']})",
                 "actors", length=longest)
    descriptions = cells("description")
    lengths = np.array([len(d) for d in descriptions])
    problems.add(lengths > limits["text"], f"too long ({{length}}; at most {limits['text']})", "description",
                 length=lengths)
    outlet, url, source_date, kind = source_fields(cells("source"), sources)
    known = (", ".join(sorted(sources)) or "none defined").replace("{", "{{").replace("}", "}}")
    problems.add(kind == "name", f"source {{text!r}} is neither a source id (known: {known}) nor an http(s) URL",
                 "source", text=cells("source"))
    first = problems.first()
    if first is not None:
        origin = Origin(raw.file, f"row {first + 1}", int(raw.lines[first]))
        field = problems.field[first]
        raise (origin.child(field) if field else origin).error(problems.reason[first])
    return pd.DataFrame({
        "row": np.arange(rows), "line": raw.lines, "id": texts_or_none(ids), "date": dates, "type": coded_texts(types),
        "category": None, "place": texts_or_none(places), "dataset_admin1": None,
        "lat": coordinates["lat"], "lon": coordinates["lon"], "fatalities": fatalities, "actors": actors,
        "description": coded_texts(descriptions), "notes": None, "source_outlet": outlet, "source_url": url,
        "source_date": source_date,
        "geo_precision": no_numbers(rows),
    }, copy=False)  # the columns as made, not gathered into one block of a copy each (a million rows: ~100 MB)
