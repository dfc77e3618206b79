"""The zone summary of a report, as CSV and as Markdown tables, with each zone before and after its start."""

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
    return "\n".join(lines + _before_after_markdown(briefing)) + "\n"


def before_after_csv(briefing: Briefing) -> str:
    """The before/after table (:attr:`Briefing.before_after`) as CSV: one row per zone and week.

    Weeks that the briefing's date window does not cover have empty
    ``incidents`` and ``fatalities`` cells.

    Parameters
    ----------
    briefing
        A prepared briefing.

    Returns
    -------
    str
    """
    return briefing.before_after.to_csv(index=False, lineterminator="\n")


def _change(before, after) -> str:
    """``after``, with its change from ``before`` in per cent where that means something."""
    before, after = plain(before), plain(after)
    if after is None:
        return ""
    if before is None or before == 0:
        return f"{after:,}"
    return f"{after:,} ({(after - before) / before:+.0%})".replace("-", "−")


def _before_after_markdown(briefing: Briefing) -> list[str]:
    """The zones before and after they came into force: totals, then week by week."""
    from ..incidents.analysis import before_after_totals

    table = briefing.before_after
    days = briefing.before_after_days
    lines = ["", "## Before and after", ""]
    if table.empty:
        return lines + ["No zone has a start date (an `in force` change in its history, or `valid_from`) to compare "
                        "before and after."]
    lines += [f"Incidents of violence (air strikes, shelling, clashes and other; not ceasefires, talks, displacement or "
              f"aid) inside each zone, and their fatalities, in the {days} days before it came into force and the "
              f"{days} days from that day on.", ""]
    if table["incidents"].isna().any():
        lines += ["Empty cells: the map's date window does not cover those days.", ""]
    headers = ["Zone", "Start", "Start taken from", "Incidents before", "Incidents after", "Fatalities before", "Fatalities after"]
    lines += ["| " + " | ".join(headers) + " |", "|---|---|---|" + "---:|" * 4]
    for row in before_after_totals(table).itertuples(index=False):
        cells = [row.name, row.start, row.start_basis.replace("_", " "), row.incidents_before,
                 _change(row.incidents_before, row.incidents_after), row.fatalities_before,
                 _change(row.fatalities_before, row.fatalities_after)]
        lines.append("| " + " | ".join(_markdown_cell(c) for c in cells) + " |")
    lines += ["", "### Week by week", "", "| Zone | Week | Days | Incidents | Fatalities |", "|---|---:|---|---:|---:|"]
    for row in table.itertuples(index=False):
        cells = [row.name, f"{row.week:+d}".replace("-", "−"), f"{row.first_day} – {row.last_day}", row.incidents,
                 row.fatalities]
        lines.append("| " + " | ".join(_markdown_cell(c) for c in cells) + " |")
    return lines
