"""Dates in an article: the day it was written, and the expressions in its sentences resolved against that day.

News reports date events relative to the day they were written: "on
Tuesday", "until midnight on July 6", "in May", "for six months". So the
article's own date comes first: ``--date``, or the date the page says it was
published or updated, or a date at its top (a dateline). Every other
expression is resolved against it:

- a full date ("4 July 2017", "July 4, 2017", "2017-07-04") is itself;
- a month and day without a year ("July 6") is the last such day up to a
  week after the article's date, or the next one when the sentence speaks
  of the future or the day ends a period ("until July 6");
- a weekday ("on Tuesday") is the last such day on or before the article's
  date, or the next one after it when the sentence speaks of the future
  ("will", "is set to", "is due to"…); "yesterday", "today", "tomorrow"
  likewise;
- a month alone ("in May") is the last such month (the next one when the
  sentence speaks of the future), known to the month only;
- a duration ("for six months") is a number of days, weeks, months or years;
- "in recent weeks", "last week", "recently"… are vague: they date nothing.

An expression after "until", "till" or "through" ends a period rather than
dating an event.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .numbers import NUMBER, parse_number

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}

_MONTH_NAMES = ("January|February|March|April|May|June|July|August|September|October|November|December|"
                "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec")
_WEEKDAY_NAMES = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
MONTH = rf"(?:{_MONTH_NAMES})\.?"
WEEKDAY = rf"(?:{_WEEKDAY_NAMES})"
_ORDINAL = r"(?:st|nd|rd|th)?"

_DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>{MONTH})\s*,?\s+(?P<year>\d{{4}})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b(?P<month>{MONTH})\s+(?P<day>\d{{1,2}}){_ORDINAL}\s*,\s*(?P<year>\d{{4}})\b"
                             rf"|\b(?P<month2>{MONTH})\s+(?P<day2>\d{{1,2}}){_ORDINAL}\s+(?P<year2>\d{{4}})\b")
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_MONTH_DAY = re.compile(rf"\b(?P<month>{MONTH})\s+(?P<day>\d{{1,2}}){_ORDINAL}\b(?!\s*(?:,\s*)?\d)"
                        rf"|\b(?P<day2>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month2>{MONTH})(?![\w.]*\s*,?\s+\d{{4}})\b")
_MONTH_YEAR = re.compile(rf"\b(?P<month>{MONTH})\s+(?P<year>(?:19|20)\d{{2}})\b")
_MONTH_ALONE = re.compile(rf"\b(?i:in|since|during|from|until|till|by|before|after|of|early|late|mid-?|end of)\s+"
                          rf"(?i:early\s+|late\s+|mid-?)?(?P<month>{MONTH})(?![\w.]*\s+\d)")
_YEAR_ALONE = re.compile(r"\b(?:in|since|during|until|by|of)\s+(?P<year>(?:19|20)\d{2})\b")
_WEEKDAY_RE = re.compile(rf"\b(?:(?P<which>last|next|this|on)\s+)?(?P<weekday>{WEEKDAY})\b")
_RELATIVE_DAY = re.compile(r"\b(?P<word>today|tonight|yesterday|tomorrow|last night|this morning|this afternoon|"
                           r"this evening|earlier today|overnight)\b", re.I)
_DURATION = re.compile(rf"\b(?P<for>for\s+(?:(?:another|a\s+further|the\s+next|up\s+to)\s+)?)?"
                       rf"(?P<count>{NUMBER})[\s-]+(?P<unit>day|week|month|year)s?\b", re.I)
_VAGUE = re.compile(r"\b(?:in\s+recent\s+(?:days|weeks|months)|recently|last\s+(?:week|month|year)|"
                    r"earlier\s+this\s+(?:week|month|year)|this\s+(?:week|month|year)|in\s+the\s+past\s+\w+\s+"
                    r"(?:days|weeks|months)|in\s+(?:the\s+)?weeks\s+(?:after|before|since)|for\s+the\s+first\s+time\s+since)\b",
                    re.I)
_UNTIL = re.compile(r"\b(?:until|till|through|to\s+last\s+until|expires?\s+(?:on|at)|ending|ends\s+on)\s+"
                    r"(?:(?:midnight|noon|dawn|the\s+end\s+of|\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?)\s+(?:on\s+)?)?$",
                    re.I)
_FUTURE = re.compile(r"\b(?:will|shall|is\s+set\s+to|are\s+set\s+to|is\s+due\s+to|are\s+due\s+to|is\s+expected\s+to|"
                     r"are\s+expected\s+to|scheduled|plans?\s+to|planned|next|upcoming|would\s+begin|to\s+conclude|"
                     r"to\s+resume|to\s+restart|to\s+start)\b", re.I)
_ANY_TIME = re.compile(rf"\d|\b(?:{_MONTH_NAMES}|{_WEEKDAY_NAMES}|today|tonight|yesterday|tomorrow|overnight|morning|"
                       r"afternoon|evening|night|days?|weeks?|months?|years?|recently)\b", re.I)
"""Words without which a sentence holds no time expression: the other expressions are looked for only after it."""
_LABEL = re.compile(r"(?i)\b(?P<label>first\s+published|published|posted|last\s+updated|updated|date)\b\s*(?:on|at)?\s*:?\s*")


@dataclass(frozen=True)
class ArticleDate:
    """The day an article was written, and how it was found.

    Attributes
    ----------
    date
        The day.
    how
        ``"given"`` (``--date``), ``"published"``, ``"updated"`` (a labelled
        date in the page) or ``"dateline"`` (an unlabelled date at its top).
    start, end
        Offsets of the date in the article's text (``-1`` when given).
    """

    date: dt.date
    how: str
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class TimeExpression:
    """A date, month, year, duration or vague period written in a sentence.

    Attributes
    ----------
    start, end
        Offsets in the article's text.
    kind
        ``"day"``, ``"month"``, ``"year"``, ``"duration"`` or ``"vague"``.
    value
        The day (for a month or year, its first day); None for durations and
        vague periods.
    until
        True when it ends a period ("until midnight on July 6").
    days
        Length of a duration in days (months count 30, years 365); with
        ``months`` set for durations given in months or years.
    months
        Length of a duration in months (years count 12), or None.
    """

    start: int
    end: int
    kind: str
    value: dt.date | None = None
    until: bool = False
    days: int | None = None
    months: int | None = None

    @property
    def label(self) -> str:
        """The value as ISO text to its precision ("2017-07", "2017-07-06"), or the duration ("6 months")."""
        if self.kind == "day":
            return self.value.isoformat()
        if self.kind == "month":
            return self.value.isoformat()[:7]
        if self.kind == "year":
            return str(self.value.year)
        if self.kind == "duration":
            return f"{self.months} months" if self.months else f"{self.days} days"
        return "vague"


def _full_dates(text: str):
    """Yield ``(start, end, date)`` for each full date in ``text`` (real calendar dates only)."""
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO):
        for match in pattern.finditer(text):
            parts = {k: v for k, v in match.groupdict().items() if v}
            month = parts.get("month") or parts.get("month2")
            month_number = int(month) if month.isdigit() else _MONTHS[month.rstrip(".").lower()]
            try:
                day = dt.date(int(parts.get("year") or parts["year2"]), month_number, int(parts.get("day") or parts["day2"]))
            except ValueError:
                continue
            yield match.start(), match.end(), day


def has_full_date(text: str) -> bool:
    """True if ``text`` contains a full date (day, month and year)."""
    return next(_full_dates(text), None) is not None


def article_date(text: str, given: dt.date | str | None = None) -> ArticleDate | None:
    """The day the article was written.

    Parameters
    ----------
    text
        The article's text.
    given
        The date the analyst gave (``--date``); it wins.

    Returns
    -------
    ArticleDate or None
        ``given``; else the date labelled "published" (or "posted"), else
        "updated"; else the first full date in the article's first five
        lines; None when there is none of these.
    """
    if given is not None:
        return ArticleDate(dt.date.fromisoformat(given) if isinstance(given, str) else given, "given")
    dates = sorted(_full_dates(text))
    labelled: dict[str, ArticleDate] = {}
    for start, end, day in dates:
        before = text[max(0, start - 40):start]
        label = None
        for match in _LABEL.finditer(before):
            if match.end() == len(before):
                label = match["label"].lower()
        if label:
            how = "updated" if "updated" in label else "published"
            labelled.setdefault(how, ArticleDate(day, how, start, end))
    if labelled:
        return labelled.get("published") or labelled["updated"]
    top = len("\n".join(text.lstrip().splitlines()[:5])) + (len(text) - len(text.lstrip()))
    for start, end, day in dates:
        if start < top:
            return ArticleDate(day, "dateline", start, end)
    return None


def _day_in_year(anchor: dt.date, month: int, day: int, ahead: bool) -> dt.date | None:
    """The date of a month and day written without a year.

    The next such day on or after the article's date when ``ahead`` (the
    sentence speaks of the future, or the day ends a period); otherwise the
    last one up to a week after it (a report may name a day just ahead
    without saying "will").
    """
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    if ahead:
        later = [d for d in options if d >= anchor]
        return min(later) if later else None
    earlier = [d for d in options if d <= anchor + dt.timedelta(days=7)]
    return max(earlier) if earlier else None


def _month_start(anchor: dt.date, month: int, future: bool) -> dt.date:
    year = anchor.year
    if future:
        year += month < anchor.month
    else:
        year -= month > anchor.month
    return dt.date(year, month, 1)


def _weekday(anchor: dt.date, weekday: int, which: str | None, future: bool) -> dt.date:
    back = (anchor.weekday() - weekday) % 7
    ahead = (weekday - anchor.weekday()) % 7
    if which == "last":
        return anchor - dt.timedelta(days=back or 7)
    if which == "next" or (future and which != "this"):
        return anchor + dt.timedelta(days=ahead or (7 if which == "next" else 0))
    return anchor - dt.timedelta(days=back)


def time_expressions(text: str, start: int, end: int, anchor: dt.date) -> list[TimeExpression]:
    """The time expressions of one sentence, resolved against the article's date.

    Parameters
    ----------
    text
        The article's text.
    start, end
        The sentence's offsets.
    anchor
        The article's date.

    Returns
    -------
    list of TimeExpression
        In order of position; an expression inside a longer one is left out.
    """
    sentence = text[start:end]
    if not _ANY_TIME.search(sentence):
        return []
    future = _FUTURE.search(sentence) is not None
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []

    def add(a: int, b: int, kind: str, **values) -> None:
        if any(a < y and x < b for x, y in taken):
            return
        taken.append((a, b))
        until = _UNTIL.search(sentence[max(0, a - 40):a]) is not None
        found.append(TimeExpression(start + a, start + b, kind, until=until, **values))

    for a, b, day in _full_dates(sentence):
        add(a, b, "day", value=day)
    for match in _MONTH_DAY.finditer(sentence):
        month = match["month"] or match["month2"]
        ahead = future or _UNTIL.search(sentence[max(0, match.start() - 40):match.start()]) is not None
        day = _day_in_year(anchor, _MONTHS[month.rstrip(".").lower()], int(match["day"] or match["day2"]), ahead)
        if day is not None:
            add(match.start(), match.end(), "day", value=day)
    for match in _MONTH_YEAR.finditer(sentence):
        add(match.start("month"), match.end(), "month", value=dt.date(int(match["year"]), _MONTHS[match["month"].rstrip(".").lower()], 1))
    for match in _WEEKDAY_RE.finditer(sentence):
        which = (match["which"] or "").lower() or None
        day = _weekday(anchor, _WEEKDAYS[match["weekday"].lower()], which, future)
        add(match.start(), match.end(), "day", value=day)
    for match in _RELATIVE_DAY.finditer(sentence):
        word = match["word"].lower()
        shift = -1 if word in ("yesterday", "last night") else 1 if word == "tomorrow" else 0
        add(match.start(), match.end(), "day", value=anchor + dt.timedelta(days=shift))
    for match in _MONTH_ALONE.finditer(sentence):
        add(match.start("month"), match.end("month"), "month",
            value=_month_start(anchor, _MONTHS[match["month"].rstrip(".").lower()], future))
    for match in _YEAR_ALONE.finditer(sentence):
        add(match.start("year"), match.end("year"), "year", value=dt.date(int(match["year"]), 1, 1))
    for match in _DURATION.finditer(sentence):
        count = parse_number(match["count"])
        if count is None or count != int(count):
            continue
        unit = match["unit"].lower()
        months = int(count) * {"month": 1, "year": 12}.get(unit, 0) or None
        days = int(count) * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
        if match["for"] or months:
            add(match.start(), match.end(), "duration", days=days, months=months)
    for match in _VAGUE.finditer(sentence):
        add(match.start(), match.end(), "vague")
    return sorted(found, key=lambda t: t.start)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus a number of months (the last day of the month when the day does not exist there)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
