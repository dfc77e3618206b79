"""The extractor on the project's hand-annotated reports: floors on precision and recall, nothing abroad as an incident."""

from __future__ import annotations

from pathlib import Path

import pytest

from zonemap.extract.evaluation import Scores, evaluate, load_reports, score_report

DATA = Path(__file__).parent / "data" / "extract"


@pytest.fixture(scope="module")
def tuning() -> Scores:
    return evaluate(load_reports(DATA / "reports.yaml"))


@pytest.fixture(scope="module")
def heldout() -> Scores:
    return evaluate(load_reports(DATA / "heldout.yaml"))


def test_places_on_the_annotated_reports(tuning):
    assert tuning.places.precision >= 0.97, tuning.errors
    assert tuning.places.recall >= 0.9, tuning.errors
    assert tuning.abroad.precision == 1.0 and tuning.abroad.recall >= 0.9


def test_incidents_on_the_annotated_reports(tuning):
    assert tuning.incidents.precision >= 0.95, tuning.errors
    assert tuning.incidents.recall >= 0.85, tuning.errors
    assert tuning.fatalities_right == tuning.incidents.right
    assert tuning.zones_right == tuning.reports - tuning.refusals_right
    assert tuning.refusals_right == 1


def test_nothing_abroad_is_ever_an_incident(tuning, heldout):
    assert tuning.incidents_abroad == 0
    assert heldout.incidents_abroad == 0
    assert heldout.abroad.precision == 1.0


def test_held_out_reports_stay_precise(heldout):
    assert heldout.places.precision >= 0.7, heldout.errors


def test_scoring_counts_a_wrong_governorate_as_wrong():
    report = {"id": "r", "text": "", "places": [["Duma", "Hama"]], "abroad": [], "incidents": [], "zones": 1}
    from zonemap.extract.draft import extract_scenario

    draft = extract_scenario("Shelling hit Duma and Harasta on Monday.", date="2018-01-01")
    scores = Scores()
    score_report(report, draft, scores)
    assert (scores.places.right, scores.places.given, scores.places.found) == (0, 2, 0)
    assert any("wrong place 'Duma'" in line for line in scores.errors)
