"""Measuring the extractor against reports annotated by hand (``tests/data/extract/reports.yaml``).

Used by ``bench/extract.py`` and the test suite. Places are compared by the
name as written and the governorate: an extracted place in the country is
*right* when one of its mentions is written as an annotated place and it lies
in that place's governorate. Places abroad are compared by the name as
written. An incident is *right* when its type, place (as written) and date
are the annotated ones; its fatalities are scored among the right incidents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import ArticleError
from ..geocoding.gazetteer import Gazetteer, load_gazetteer
from ..geocoding.text import name_key
from .draft import Draft, extract_scenario


@dataclass
class Counts:
    """Right answers, answers given and answers expected, with precision and recall."""

    right: int = 0
    given: int = 0
    expected: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        """Right ÷ given (1 when nothing was given)."""
        return self.right / self.given if self.given else 1.0

    @property
    def recall(self) -> float:
        """Expected items found ÷ expected (1 when nothing was expected)."""
        return self.found / self.expected if self.expected else 1.0


@dataclass
class Scores:
    """The extractor's scores on a set of annotated reports.

    Attributes
    ----------
    places, abroad, incidents
        Counts for places in the country, places abroad and incidents.
    fatalities_right
        Right incidents whose fatalities are the annotated ones.
    zones_right
        Reports whose number of zones is the annotated one.
    reports
        Number of reports.
    incidents_abroad
        Incidents placed at a place the annotation puts abroad (must be 0).
    refusals_right
        Reports naming no place in the country that were refused, as they
        should be (their other counts are left out).
    errors
        One line per mistake, for reading.
    """

    places: Counts = field(default_factory=Counts)
    abroad: Counts = field(default_factory=Counts)
    incidents: Counts = field(default_factory=Counts)
    fatalities_right: int = 0
    zones_right: int = 0
    reports: int = 0
    incidents_abroad: int = 0
    refusals_right: int = 0
    errors: list[str] = field(default_factory=list)


def load_reports(path: str | Path) -> list[dict]:
    """The annotated reports of a YAML file (see ``tests/data/extract/reports.yaml`` for the format)."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["reports"]


def _written(place) -> set[str]:
    return {name_key(m.text) for m in place.mentions}


def score_report(report: dict, draft: Draft | None, scores: Scores) -> None:
    """Add one report's comparison to ``scores`` (``draft`` is None when extraction refused the report)."""
    rid = report["id"]
    scores.reports += 1
    if draft is None and not report["places"]:
        scores.refusals_right += 1  # names no place in the country: refusing it is right
        return
    home = list(draft.places) if draft else []
    abroad = list(draft.context) if draft else []
    incidents = list(draft.incidents) if draft else []
    expected = [(name_key(name), admin1) for name, admin1 in report["places"]]
    expected_abroad = {name_key(name) for name in report["abroad"]}

    scores.places.expected += len(expected)
    scores.places.given += len(home)
    for place in home:
        if any(key in _written(place) and place.admin1 == admin1 for key, admin1 in expected):
            scores.places.right += 1
        else:
            scores.errors.append(f"{rid}: wrong place {place.mentions[0].text!r} -> {place.display} ({place.admin1})")
    for (key, admin1), (name, _) in zip(expected, report["places"]):
        if any(key in _written(p) and p.admin1 == admin1 for p in home):
            scores.places.found += 1
        else:
            scores.errors.append(f"{rid}: missed place {name!r} ({admin1})")

    scores.abroad.expected += len(expected_abroad)
    scores.abroad.given += len(abroad)
    scores.abroad.right += sum(1 for p in abroad if _written(p) & expected_abroad)
    scores.abroad.found += sum(1 for key in expected_abroad if any(key in _written(p) for p in abroad))

    scores.incidents.expected += len(report["incidents"])
    scores.incidents.given += len(incidents)
    matched: set[int] = set()
    for incident in incidents:
        if _written(incident.place) & expected_abroad:
            scores.incidents_abroad += 1
        hit = next((n for n, want in enumerate(report["incidents"]) if n not in matched
                    and want["type"] == incident.type and name_key(want["place"]) in _written(incident.place)
                    and dt.date.fromisoformat(str(want["date"])) == incident.date), None)
        if hit is None:
            scores.errors.append(f"{rid}: wrong incident {incident.type} at {incident.place.display} on {incident.date}")
            continue
        matched.add(hit)
        scores.incidents.right += 1
        if report["incidents"][hit]["fatalities"] == incident.fatalities:
            scores.fatalities_right += 1
        else:
            scores.errors.append(f"{rid}: fatalities {incident.fatalities} at {incident.place.display}, expected "
                                 f"{report['incidents'][hit]['fatalities']}")
    scores.incidents.found += len(matched)
    for n, want in enumerate(report["incidents"]):
        if n not in matched:
            scores.errors.append(f"{rid}: missed incident {want['type']} at {want['place']} on {want['date']}")
    zones = len(draft.zones) if draft else 0
    if zones == report["zones"]:
        scores.zones_right += 1
    else:
        scores.errors.append(f"{rid}: {zones} zones, expected {report['zones']}")


def evaluate(reports: list[dict], *, gazetteer: Gazetteer | None = None) -> Scores:
    """Extract every report and score it against its annotation.

    Parameters
    ----------
    reports
        Annotated reports (:func:`load_reports`).
    gazetteer
        The gazetteer; the embedded one by default.

    Returns
    -------
    Scores
    """
    g = gazetteer or load_gazetteer()
    scores = Scores()
    for report in reports:
        try:
            draft = extract_scenario(report["text"], date=str(report["date"]), gazetteer=g)
        except ArticleError:
            draft = None
        score_report(report, draft, scores)
    return scores
