"""The zone summary of a report, as CSV and as a Markdown table."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from ..missing import plain

if TYPE_CHECKING:
    from ..briefing import Briefing


def summary_csv(briefing: Briefing) -> str:
    """The zone summary (:attr:`Briefing.summary`) as CSV: UTF-8, a header row, ISO dates, empty cells for missing values.

    Parameters
    ----------
    briefing
        A prepared briefing.

    Returns
    -------
    str
    """
    return briefing.summary.to_csv(index=False, lineterminator="\n")


def _markdown_cell(value) -> str:
    value = plain(value)
    text = "" if value is None else str(value)
    text = html.escape(" ".join(text.split()), quote=False)
    return re.sub(r"([\\|`*_\[\]#])", r"\\\1", text)


def summary_markdown(briefing: Briefing) -> str:
    """The zone summary as a Markdown table under the scenario's title.

    Every cell is escaped: no markup from scenario text survives.

    Parameters
    ----------
    briefing
        A prepared briefing.

    Returns
    -------
    str
    """
    headers = ["Zone", "Status", "Guarantors", "Provinces", "Area (km²)", "Incidents", "Fatalities", "Valid from", "Valid to"]
    lines = [f"# {_markdown_cell(briefing.scenario.title)}", ""]
    lines += ["| " + " | ".join(headers) + " |", "|" + "---|" * 2 + "---|" * 2 + "---:|" * 3 + "---|" * 2]
    for row in briefing.summary.itertuples(index=False):
        cells = [row.name, row.status, row.guarantors, row.provinces, f"{row.area_km2:,.0f}", row.incidents,
                 row.fatalities, row.valid_from, row.valid_to]
        lines.append("| " + " | ".join(_markdown_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
