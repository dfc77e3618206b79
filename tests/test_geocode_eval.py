"""The geocoder against the project's evaluation set (tests/data/eval, written without zonemap).

Floors, not targets: they are what the geocoder measured when this file was
written (see bench/eval_geocode.py for the full tables), so that a change
that makes it guess more, or wrongly, fails here. The issue's target for
the right sub-district (90%) is above the floor and not yet met.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zonemap import geocode
from zonemap.geocoding.evaluation import evaluate, read_rows

EVAL = Path(__file__).parent / "data" / "eval"


@pytest.fixture(scope="module")
def syrian_places():
    return evaluate(read_rows(EVAL / "syria_places.csv"), group="style")


def test_the_evaluation_set_is_large_enough_and_checked():
    rows = read_rows(EVAL / "syria_places.csv")
    assert len(rows) >= 300
    assert all(row["admin3_pcode"].startswith("SY") and row["source"] for row in rows)


def test_no_syrian_place_is_ever_answered_with_a_place_abroad(syrian_places):
    assert syrian_places.outside("SY") == []


def test_right_sub_district_and_precision_do_not_regress(syrian_places):
    assert syrian_places.right_sub_district >= 0.90
    assert syrian_places.precision >= 0.97


def test_arabic_and_romanised_spellings_are_nearly_always_right(syrian_places):
    groups = syrian_places.by_group()
    assert groups["arabic"].right_sub_district >= 0.95
    assert groups["romanized"].right_sub_district >= 0.95


def test_places_abroad_that_look_syrian_are_seldom_answered_as_syrian():
    abroad = evaluate([row | {"lat": 0, "lon": 0} for row in read_rows(EVAL / "not_in_syria.csv")])
    syrian = [f"{o.query} -> {o.answer}" for o in abroad.outcomes if o.given and o.country == "SY"]
    # The few left are real Syrian namesakes (Tal Aafar, Nahr al-Bared) or near-spellings of places
    # the gazetteer does not hold abroad (Cairo's Zamalek).
    assert len(syrian) <= 4, syrian


@pytest.mark.parametrize("query", ["Kafrouma", "Kafr Ruma", "Busayrah", "Thaala", "Sukayk", "Jamla", "Kodana", "Iblin",
                                   "Bayanoun", "Babbila", "al-Dabaa", "Umm al-Kaif", "Al-Habit"])
def test_vowels_and_articles_settle_between_places_sharing_a_consonant_skeleton(query):
    # Each of these was answered with a look-alike elsewhere in Syria (a wrong place), or refused as
    # ambiguous, before the spelling's vowels and articles were read against the places' Arabic names.
    row = next(r for r in read_rows(EVAL / "syria_places.csv") if r["query"] == query)
    result = geocode(query)
    assert (result.pcode, result.admin3_code) == (row["expected_pcode"], row["admin3_pcode"])
