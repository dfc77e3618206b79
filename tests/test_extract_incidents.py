"""Incidents: cue words, their place and date, and the dead."""

from __future__ import annotations

import datetime as dt

import pytest

from zonemap.extract.draft import extract_scenario
from zonemap.extract.incidents import fatalities_in, incident_type


@pytest.mark.parametrize("sentence, dead", [
    ("Doctors said the bombing killed a woman and a child.", 2),
    ("Air strikes killed at least 12 civilians on Monday.", 12),
    ("Three children and a man were killed in Hamouriyeh.", 4),
    ("Shelling left four dead.", 4),
    ("The death toll rose to 31.", 31),
    ("Six rebels and two soldiers died in the clashes.", 8),
    ("Since 2011 the conflict is thought to have cost some 320,000 lives.", None),
    ("A dozen people were wounded.", None),
    ("Rebels killed the ceasefire.", None),
])
def test_fatalities(sentence, dead):
    assert fatalities_in(sentence) == dead


@pytest.mark.parametrize("sentence, kind", [
    ("Air strikes pounded the town.", "air strike"),
    ("Helicopters carried out raids on the town.", "air strike"),
    ("Ten people were killed in strikes on the town.", "air strike"),
    ("Troops carried out raids on the town.", "clashes"),
    ("Artillery shelled the town.", "shelling"),
    ("The army announced a halt to fighting.", "ceasefire"),
    ("Clashes broke out.", "clashes"),
    ("A car bomb went off in the market.", "other"),
    ("Talks resumed.", "talks"),
    ("Aid arrived.", None),
])
def test_incident_types(sentence, kind):
    assert incident_type(sentence) == kind


def _incidents(text, date="2018-02-21"):
    draft = extract_scenario(text, date=date)
    return [(i.type, i.place.display, i.date.isoformat(), i.fatalities, i.until) for i in draft.incidents]


def test_one_incident_per_listed_place_and_the_dead_where_the_text_puts_them():
    text = ("Government forces shelled Hamouriyeh and Kafr Batna in Eastern Ghouta on Tuesday. Rescuers said three "
            "children were killed in Kafr Batna.")
    assert _incidents(text) == [
        ("shelling", "Hammura", "2018-02-20", None, None),
        ("shelling", "Kafr Batna", "2018-02-20", 3, None),
    ]


def test_a_ceasefire_with_its_end_and_no_incident_abroad():
    text = ("The army declared a truce in Daraa and Quneitra provinces on Monday until midnight on February 25. "
            "Talks in Astana and Geneva resumed on Tuesday.")
    assert _incidents(text) == [
        ("ceasefire", "Daraa", "2018-02-19", None, dt.date(2018, 2, 25)),
        ("ceasefire", "Quneitra", "2018-02-19", None, dt.date(2018, 2, 25)),
    ]


def test_vague_or_undated_background_makes_no_incident():
    text = ("Daraa has in recent weeks seen heavy fighting. A ceasefire covers Quneitra. "
            "Shelling hit Harasta, killing two people.")
    assert _incidents(text) == [("shelling", "Harasta", "2018-02-21", 2, None)]
    draft = extract_scenario(text, date="2018-02-21")
    assert draft.incidents[0].date_how == "article date"
    assert draft.incidents[0].confidence < draft.places[-1].confidence


def test_the_city_refers_to_the_place_before():
    text = "The mayor of Latakia spoke on Thursday. He said a car bomb had hit the centre of the city on Wednesday."
    assert _incidents(text, "2019-05-02") == [("other", "Lattakia", "2019-05-01", None, None)]


def test_a_ceasefire_for_a_duration_ends_that_long_after_it_starts():
    text = "A truce for six months took effect in Idlib province on 6 May 2017."
    assert _incidents(text, "2017-05-07") == [("ceasefire", "Idlib", "2017-05-06", None, dt.date(2017, 11, 6))]


def test_an_undated_sentence_takes_the_date_of_the_incident_just_before_even_across_a_paragraph():
    text = ("Warplanes struck rebel-held towns in Daraa province on Sunday.\n\n"
            "At least 10 civilians were killed in strikes on Nahta, monitors said.")
    assert _incidents(text, "2018-06-25") == [
        ("air strike", "Daraa", "2018-06-24", None, None),
        ("air strike", "Nahta", "2018-06-24", 10, None),
    ]
