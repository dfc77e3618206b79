"""Text cells into typed columns, a whole column at a time, with a reason for every cell that will not do.

Each function takes object arrays of text (``""`` for an empty cell, as
:mod:`zonemap.incidents.readers` gives them) and interprets each distinct
text once: exports repeat the same dates, places, actors and coordinates
thousands of times. :class:`RowProblems` keeps the first problem of each
row, which is what a rejected row's reason, or a strict table's error, says.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..escaping import safe_url
from ..scenario.model import Source


class RowProblems:
    """The first problem found in each row of a table, and the field it concerns.

    Parameters
    ----------
    rows
        Number of rows.
    """

    def __init__(self, rows: int):
        self.reason = np.full(rows, None, dtype=object)
        self.field = np.full(rows, None, dtype=object)
        self.ok = np.ones(rows, dtype=bool)

    def add(self, bad: np.ndarray, message: str, field: str | None = None, **values: np.ndarray) -> None:
        """Record a problem for the rows in ``bad`` that had none yet.

        Parameters
        ----------
        bad
            Boolean mask of the rows with this problem.
        message
            What is wrong; a :meth:`str.format` template filled, row by
            row, from ``values`` (e.g. ``"{text!r} is not a number"``, ``text=cells``).
        field
            The field (column) concerned, or None for the row as a whole.
        **values
            Arrays (one item per row) that ``message`` refers to.
        """
        new = np.asarray(bad, dtype=bool) & self.ok
        if not new.any():
            return
        picked = {name: array[new] for name, array in values.items()}
        self.reason[new] = [message.format(**{name: array[k] for name, array in picked.items()})
                            for k in range(int(new.sum()))] if values else message
        self.field[new] = field
        self.ok[new] = False

    def first(self) -> int | None:
        """Position of the first row with a problem, or None."""
        return None if self.ok.all() else int(np.argmin(self.ok))


def _per_distinct(texts: np.ndarray, interpret) -> tuple[np.ndarray, ...]:
    """Apply ``interpret`` (text → tuple of values) to each distinct text; one array per value, one item per row."""
    codes, distinct = pd.factorize(texts, sort=False)
    results = [interpret(text) for text in distinct]
    width = len(interpret(""))
    columns = []
    for k in range(width):
        values = np.empty(len(distinct) + 1, dtype=object)
        values[:-1] = [result[k] for result in results]
        values[-1] = interpret("")[k]
        columns.append(values[codes])
    return tuple(columns)


def _number(text: str) -> tuple[float, str | None]:
    if not text:
        return math.nan, None
    try:
        value = float(text)
    except ValueError:
        return math.nan, "not a number"
    return (value, None) if math.isfinite(value) else (math.nan, "not a finite number")


def numbers(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numbers from text cells.

    Parameters
    ----------
    texts
        Object array of text.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Float values (NaN for empty and bad cells), and per row the problem
        (``"not a number"``, ``"not a finite number"``) or None.
    """
    values, problems = _per_distinct(texts, _number)
    return values.astype(np.float64), problems


def whole_numbers(texts: np.ndarray) -> tuple[pd.arrays.IntegerArray, np.ndarray]:
    """Counts (whole numbers ≥ 0) from text cells, e.g. fatalities.

    Returns
    -------
    (pandas.arrays.IntegerArray, numpy.ndarray)
        ``Int64`` values (NA for empty and bad cells), and per row the
        problem (``"not a whole number"``, ``"less than the minimum of 0"``) or None.
    """
    values, problems = numbers(texts)
    fraction = np.isfinite(values) & (values != np.floor(values))
    problems = np.where(pd.notna(problems) | fraction, "not a whole number", None)
    problems = np.where(pd.isna(problems) & (values < 0), "less than the minimum of 0", problems)
    usable = np.isfinite(values) & pd.isna(problems)
    counts = pd.array(np.where(usable, values, 0).astype(np.int64), dtype="Int64")
    counts[~usable] = pd.NA
    return counts, problems.astype(object)


def first_filled(cells: Mapping[str, np.ndarray], columns: Sequence[str], rows: int) -> np.ndarray:
    """Per row, the first non-empty cell among ``columns`` (``""`` when all are empty or there are none).

    Parameters
    ----------
    cells
        Column name → object array of text.
    columns
        Columns to look at, in order.
    rows
        Number of rows.

    Returns
    -------
    numpy.ndarray
    """
    result = np.full(rows, "", dtype=object)
    for column in columns:
        empty = result == ""
        result[empty] = cells[column][empty]
    return result


def actor_lists(cells: Mapping[str, np.ndarray], columns: Sequence[str], rows: int) -> np.ndarray:
    """Per row, the actors named in ``columns`` (each cell may list several, separated by ``;``), as tuples.

    Returns
    -------
    numpy.ndarray
        Object array of tuples of names, without repeats, in column order.
    """
    if not columns:
        result = np.empty(rows, dtype=object)
        result[:] = [()] * rows
        return result
    joined = np.array(["\x1f".join(parts) for parts in zip(*(cells[c] for c in columns))], dtype=object)
    (actors,) = _per_distinct(joined, lambda text: (
        tuple(dict.fromkeys(name.strip() for cell in text.split("\x1f") for name in cell.split(";") if name.strip())),))
    return actors


def source_fields(texts: np.ndarray, sources: Mapping[str, Source]) -> tuple[np.ndarray, ...]:
    """Outlet, URL and date of each row's source: a scenario source id, an http(s) URL, or an outlet's name.

    Parameters
    ----------
    texts
        Object array of text.
    sources
        The scenario's sources by id.

    Returns
    -------
    (outlet, url, date, kind)
        Object arrays (None where missing); ``date`` ISO; ``kind`` says how
        each text was read: ``"id"``, ``"url"``, ``"name"`` or None for an empty cell.
    """
    def interpret(text: str) -> tuple:
        if not text:
            return None, None, None, None
        if text in sources:
            source = sources[text]
            return source.outlet, source.url, source.date.isoformat() if source.date else None, "id"
        if safe_url(text):
            return text, text, None, "url"
        return text, None, None, "name"

    return _per_distinct(texts, interpret)


def texts_or_none(texts: np.ndarray) -> np.ndarray:
    """The cells with ``""`` made None (missing)."""
    return np.where(texts == "", None, texts).astype(object)


def coded_texts(texts: np.ndarray) -> pd.Categorical:
    """Text cells as a categorical: each distinct text once, in order of first appearance, and a code per row.

    Factorized on the cells' own objects: ``pd.Categorical(texts)`` would
    first copy every row's text into Arrow (a million descriptions: over 100 MB).
    """
    codes, distinct = pd.factorize(np.asarray(texts, dtype=object), sort=False)
    return pd.Categorical.from_codes(codes, categories=pd.Index(distinct, dtype="str"))


def no_numbers(rows: int) -> pd.arrays.IntegerArray:
    """A nullable integer column of ``rows`` missing values."""
    return pd.arrays.IntegerArray(np.zeros(rows, dtype=np.int64), np.ones(rows, dtype=bool))
