"""Measuring the geocoder against a table of names with known answers.

Used by ``bench/eval_geocode.py`` and the test suite, on the project's own
evaluation sets in ``tests/data/eval/`` (see the README there). An answer is
*right* when it lies within :data:`RIGHT_KM` of the expected point (and, when
the table gives one, in the expected sub-district); *given* when the
geocoder answered at all. Precision is right ÷ given: the share of answers a
user can trust.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UnknownPlaceError
from ..geometry.distance import distance_km
from .gazetteer import Gazetteer, load_gazetteer
from .geocoder import geocode

RIGHT_KM = 10.0


@dataclass
class Outcome:
    """What the geocoder did with one row."""

    query: str
    expected: tuple[float, float]
    expected_admin3: str | None
    answer: str | None = None
    answer_admin3: str | None = None
    country: str | None = None
    km: float | None = None
    tier: str | None = None
    confidence: float | None = None
    refused: str | None = None
    group: str = ""

    @property
    def given(self) -> bool:
        """The geocoder answered."""
        return self.answer is not None

    @property
    def within(self) -> bool:
        """The answer lies within :data:`RIGHT_KM` of the expected point."""
        return self.km is not None and self.km <= RIGHT_KM

    @property
    def right_admin3(self) -> bool:
        """The answer lies in the expected sub-district."""
        return self.given and self.expected_admin3 is not None and self.answer_admin3 == self.expected_admin3


@dataclass
class Report:
    """Outcomes of an evaluation, with its headline numbers."""

    outcomes: list[Outcome] = field(default_factory=list)

    def _share(self, flags: list[bool]) -> float:
        return sum(flags) / len(flags) if flags else 0.0

    @property
    def answered(self) -> float:
        """Share of rows answered."""
        return self._share([o.given for o in self.outcomes])

    @property
    def within_10km(self) -> float:
        """Share of rows answered within 10 km of the right place (recall)."""
        return self._share([o.within for o in self.outcomes])

    @property
    def right_sub_district(self) -> float:
        """Share of rows answered in the right sub-district."""
        return self._share([o.right_admin3 for o in self.outcomes])

    @property
    def precision(self) -> float:
        """Answers within 10 km ÷ answers given."""
        given = [o for o in self.outcomes if o.given]
        return self._share([o.within for o in given])

    def outside(self, country: str) -> list[Outcome]:
        """Answers that lie outside ``country``."""
        return [o for o in self.outcomes if o.given and o.country != country]

    def wrong(self) -> list[Outcome]:
        """Answers more than 10 km from the right place, farthest first."""
        return sorted((o for o in self.outcomes if o.given and not o.within), key=lambda o: -(o.km or 0))

    def by_group(self) -> dict[str, Report]:
        """One report per group (e.g. spelling style)."""
        groups: dict[str, Report] = {}
        for outcome in self.outcomes:
            groups.setdefault(outcome.group, Report()).outcomes.append(outcome)
        return groups


def evaluate(rows: list[dict], country: str = "SY", *, gazetteer: Gazetteer | None = None, group: str = "") -> Report:
    """Geocode every row and compare with its expected place.

    Parameters
    ----------
    rows
        Dicts with ``query``, ``lat``, ``lon`` and optionally ``admin3_pcode``
        and the ``group`` column.
    country
        The country asked for.
    gazetteer
        Index to search; defaults to the embedded one.
    group
        Name of the column to group outcomes by.

    Returns
    -------
    Report
    """
    g = gazetteer or load_gazetteer()
    report = Report()
    for row in rows:
        outcome = Outcome(row["query"], (float(row["lat"]), float(row["lon"])), row.get("admin3_pcode") or None,
                          group=row.get(group, "") if group else "")
        try:
            result = geocode(row["query"], country, gazetteer=g)
        except UnknownPlaceError as error:
            outcome.refused = "ambiguous" if error.ambiguous else "unknown"
        else:
            outcome.answer, outcome.answer_admin3, outcome.country = result.name, result.admin3_code, result.country
            outcome.tier, outcome.confidence = result.tier, result.confidence
            outcome.km = float(distance_km(result.lon, result.lat, outcome.expected[1], outcome.expected[0]))
        report.outcomes.append(outcome)
    return report


def read_rows(path: str | Path) -> list[dict]:
    """The rows of an evaluation CSV."""
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def refusals(report: Report) -> Counter:
    """How many rows were refused as unknown and as ambiguous."""
    return Counter(o.refused for o in report.outcomes if o.refused)
