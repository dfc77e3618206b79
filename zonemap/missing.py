"""Missing values stay missing: one rule for every page and export.

pandas writes a missing value as ``NaN``, ``pd.NA`` or ``None`` depending on
a column's type; none of those may reach a reader as the text "nan" or break
a JSON encoder. Every renderer and exporter passes table values through
:func:`plain` on their way out.
"""

from __future__ import annotations

import math


def is_missing(value: object) -> bool:
    """True for None, NaN, ``pd.NA`` and ``pd.NaT``.

    Parameters
    ----------
    value
        Any value.

    Returns
    -------
    bool
    """
    if value is None or type(value).__name__ in ("NAType", "NaTType"):  # pd.NA, pd.NaT, without importing pandas
        return True
    if hasattr(value, "item") and not isinstance(value, (list, tuple)):
        value = value.item()  # numpy scalars
    return isinstance(value, float) and math.isnan(value)


def plain(value: object) -> object:
    """A value as plain Python data for JSON, HTML or a file: missing → None, numpy scalars → Python, tuples → lists.

    Parameters
    ----------
    value
        A table cell.

    Returns
    -------
    object
        None, bool, int, float, str, or a list of those.
    """
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (str, bool, int)) and not hasattr(value, "item"):
        return value
    if is_missing(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
