"""Rejected rows: events an import could not put on the map, with the reason, never dropped silently.

A rejects table has one row per rejected event: the file, the row's line
(CSV), sheet row (XLSX) or feature number (GeoJSON), the reason, then the
row's original cells under its original column names, so that the rows can
be fixed and imported again. :func:`rejects_csv` writes it as the
``<scenario>.rejects.csv`` the build publishes beside the map.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

REJECT_COLUMNS = ["file", "line", "reason"]
"""The first columns of a rejects table; the rejected rows' own columns follow."""


def empty_rejects() -> pd.DataFrame:
    """A rejects table with no rows."""
    return pd.DataFrame({"file": pd.Series(dtype=object), "line": pd.Series(dtype="int64"),
                         "reason": pd.Series(dtype=object)})


def reject_rows(file: str, lines: np.ndarray, reasons: np.ndarray, originals: Sequence[dict]) -> pd.DataFrame:
    """A rejects table for some rows of one file.

    Parameters
    ----------
    file
        The file the rows come from.
    lines
        Each row's line (or sheet row, or feature number).
    reasons
        Why each row was rejected.
    originals
        Each row's original cells, column → text.

    Returns
    -------
    pandas.DataFrame
        :data:`REJECT_COLUMNS`, then the original columns (one named like those is suffixed " (original)").
    """
    if len(lines) == 0:
        return empty_rejects()
    frame = pd.DataFrame({"file": file, "line": np.asarray(lines, dtype=np.int64),
                          "reason": np.asarray(reasons, dtype=object)})
    cells = pd.DataFrame(list(originals), dtype=object)
    cells.columns = [f"{c} (original)" if c in REJECT_COLUMNS else c for c in cells.columns]
    return pd.concat([frame, cells], axis=1)


def combine_rejects(tables: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Several files' rejects in one table (columns of later files after those of earlier ones).

    Parameters
    ----------
    tables
        Rejects tables, e.g. from :func:`reject_rows`.

    Returns
    -------
    pandas.DataFrame
    """
    tables = [t for t in tables if len(t)]
    if not tables:
        return empty_rejects()
    return pd.concat(tables, ignore_index=True, sort=False)


def rejects_csv(rejects: pd.DataFrame) -> str:
    """A rejects table as CSV text (UTF-8, a header row, empty cells for missing values).

    Parameters
    ----------
    rejects
        A briefing's :attr:`~zonemap.briefing.Briefing.rejects`.

    Returns
    -------
    str
    """
    return rejects.to_csv(index=False, lineterminator="\n")
