"""The article's date and the time expressions of its sentences, resolved against it."""

from __future__ import annotations

import datetime as dt

import pytest

from zonemap.extract.dates import add_months, article_date, time_expressions

TUESDAY = dt.date(2017, 7, 4)


def _expressions(sentence: str, anchor: dt.date = TUESDAY):
    return [(sentence[t.start:t.end], t.kind, t.label, t.until) for t in time_expressions(sentence, 0, len(sentence), anchor)]


def test_published_beats_updated_beats_dateline():
    text = "Cairo, Sunday 21 July 2019\n\nHeadline here\n\nBody.\nUpdated: July 4, 2017 09:11 PM\n"
    found = article_date(text)
    assert (found.date, found.how) == (TUESDAY, "updated")
    assert text[found.start:found.end] == "July 4, 2017"
    assert article_date("Published on 3 July 2017. " + text).how == "published"
    assert article_date("Cairo, 21 July 2019\nBody only.").date == dt.date(2019, 7, 21)
    assert article_date("No date at all.") is None
    assert article_date(text, "2018-01-02").date == dt.date(2018, 1, 2)


@pytest.mark.parametrize("sentence, expected", [
    ("Air strikes hit Douma on Tuesday.", [("on Tuesday", "day", "2017-07-04", False)]),
    ("The army announced it on Monday.", [("on Monday", "day", "2017-07-03", False)]),
    ("The meeting is set to wrap up on Wednesday.", [("on Wednesday", "day", "2017-07-05", False)]),
    ("The guns were to fall silent until midnight on July 6.", [("July 6", "day", "2017-07-06", True)]),
    ("A truce was declared until July 20.", [("July 20", "day", "2017-07-20", True)]),
    ("They agreed in May to four zones.", [("May", "month", "2017-05", False)]),
    ("Hostilities should cease for six months.", [("for six months", "duration", "6 months", False)]),
    ("Fighting rose in recent weeks.", [("in recent weeks", "vague", "vague", False)]),
    ("The deal of 4 May 2017 holds.", [("4 May 2017", "day", "2017-05-04", False)]),
    ("Clashes on December 30 killed two.", [("December 30", "day", "2016-12-30", False)]),
])
def test_relative_expressions_resolve_against_the_article_date(sentence, expected):
    assert _expressions(sentence) == expected


def test_month_day_is_past_unless_the_sentence_looks_ahead_and_months_wrap():
    assert _expressions("On January 2 talks will resume.", dt.date(2017, 12, 28))[0][2] == "2018-01-02"
    assert _expressions("On January 2 talks resumed.", dt.date(2017, 12, 20))[0][2] == "2017-01-02"
    assert add_months(dt.date(2017, 8, 31), 6) == dt.date(2018, 2, 28)
