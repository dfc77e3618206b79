"""Incidents in an article: one sentence at a time, a cue word, the place it happened, its date and its dead.

A sentence is an incident when it holds an incident cue (:data:`CUES`: "air
strikes", "shelling", "clashes", "halt to fighting"…) and names a place in
the scenario's country. Places abroad never make an incident: talks in
Astana are context, not an event in Syria.

- **Place.** The most specific place the sentence names (a town before the
  area and the governorate around it), the first one named among equals;
  a place written as a reference ("near Damascus", "outside Damascus") only
  when nothing else is named. A ceasefire that names several governorates
  ("in Daraa, Quneitra and Sweida provinces") makes one incident each.
- **Date.** The first day the sentence gives that does not end a period;
  else a month ("in May", dated to its first day, less surely); else the
  date of the incident of the sentence before (news paragraphs are often
  one sentence long); else
  the article's date, least surely. A sentence dated only vaguely ("in
  recent weeks") makes no incident: there is no day to put it on. A day
  after "until" is kept as the end of the period ("until midnight on July
  6"); so is the end of a ceasefire's duration ("a truce for six months").
- **Fatalities.** "12 people were killed", "killing three civilians", "a
  woman and a boy died" (2), "left five dead". A sentence with
  fatalities but no incident of its own, or one that refers back ("… were
  killed in the raid"), adds them to an incident of the two sentences
  before: the one at a place it names, else the first.
- A sentence with a cue and no place of its own that speaks of "the city"
  or "the town" happened at the most specific place of the sentence before.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .article import Sentence
from .dates import TimeExpression, add_months
from .numbers import NUMBER, parse_number
from .places import Mention, Place

CUES: dict[str, str] = {
    "other": r"car\s+bombs?|suicide\s+(?:bomb(?:er|ing)s?|attacks?)|roadside\s+bombs?|explosive\s+devices?|"
             r"land\s*mines?",
    "air strike": r"air\s*-?\s*strikes?|air\s+raids?|airstrikes?|air\s+attacks?|warplanes?|barrel\s+bombs?|"
                  r"bombard(?:ed|ment|ing)|bomb(?:ed|ing|ings)|jets?\s+(?:struck|hit|pounded)|(?:drone\s+)?strikes?",
    "shelling": r"shell(?:ing|ed|s)|artillery|mortars?|rockets?|missiles?",
    "ceasefire": r"cease\s*-?\s*fire|truce|halt\s+to\s+(?:the\s+)?fighting|cessation\s+of\s+hostilities|"
                 r"cease\s+hostilities|halted\s+(?:the\s+)?fighting",
    "clashes": r"clash(?:es|ed)?|fighting|battles?|fought|offensive|assault|ambush(?:ed)?|attack(?:s|ed)?|raids?",
    "talks": r"talks|negotiations|peace\s+conference",
}
"""Incident types and the words that announce them, most specific first (a sentence takes the first type that matches)."""

_CUE_RES = {kind: re.compile(rf"\b(?:{pattern})\b", re.I) for kind, pattern in CUES.items()}
_AIR = re.compile(r"\b(?:air|aircraft|planes?|jets?|warplanes?|helicopters?)\b", re.I)
_MAX_FATALITIES = 5000
"""Counts above this are war totals ("a war that has claimed 320,000 lives"), not an incident's dead."""

_VICTIM = (r"(?:people|persons?|civilians?|children|child|kids?|babies|baby|infants?|women|woman|men|man|boys?|girls?|"
           r"fighters?|soldiers?|troops|rebels?|militants?|members?|residents?|villagers?|family\s+members|relatives|"
           r"medics?|doctors?|nurses?|journalists?|workers?|students?|others|policemen|officers?|guards?)")
_COUNTED = rf"(?:at\s+least\s+|more\s+than\s+|over\s+|nearly\s+|about\s+|some\s+|around\s+)?(?P<n>{NUMBER})" \
           rf"(?:\s+(?:more|other|further|[a-z]+(?:-[a-z]+)?)){{0,2}}?\s+{_VICTIM}\b"
_LIST = rf"{_COUNTED}(?:\s*(?:,|,?\s+and|,?\s+including)\s+{_COUNTED.replace('(?P<n>', '(?:')})*"
_KILLED = r"(?:were|was|have\s+been|had\s+been|are|being)?\s*(?:killed|dead|died|slain|lost\s+their\s+lives)"
_FATALITY_RES = (
    re.compile(rf"\b(?P<list>{_LIST})\s+{_KILLED}\b", re.I),
    re.compile(rf"\b(?:killed|killing|kills|left|leaving)\s+(?P<list>{_LIST})(?:\s+dead)?\b", re.I),
    re.compile(rf"\bdeath\s+toll\s+(?:\w+\s+){{0,3}}?(?:to|of|at)\s+(?:at\s+least\s+)?(?P<n>{NUMBER})\b", re.I),
    re.compile(rf"\b(?:at\s+least\s+)?(?P<n>{NUMBER})\s+(?:dead|deaths|fatalities)\b", re.I),
)
_COUNT_RE = re.compile(_COUNTED, re.I)
_DEATH_WORDS = re.compile(r"\b(?:kill\w*|dead|died|deaths?|slain|lives|fatalities|left|leaving)\b", re.I)


def fatalities_in(sentence: str) -> int | None:
    """The number of dead a sentence reports, or None.

    Parameters
    ----------
    sentence
        One sentence.

    Returns
    -------
    int or None
        The sum of the counts listed as killed ("a woman and a boy
        died" → 2); None when the sentence reports no death, or only a war
        total.

    Examples
    --------
    >>> fatalities_in("Air strikes killed at least 12 civilians."), fatalities_in("A woman and two children died.")
    (12, 3)
    """
    if not _DEATH_WORDS.search(sentence):
        return None
    for pattern in _FATALITY_RES:
        match = pattern.search(sentence)
        if not match:
            continue
        if "list" in match.groupdict() and match["list"]:
            counts = [parse_number(m["n"]) for m in _COUNT_RE.finditer(match["list"])]
        else:
            counts = [parse_number(match["n"])]
        counts = [c for c in counts if c is not None]
        total = int(sum(counts))
        if counts and 0 < total <= _MAX_FATALITIES:
            return total
    return None


@dataclass(frozen=True)
class FoundIncident:
    """An incident read from one sentence.

    Attributes
    ----------
    type
        One of :data:`zonemap.scenario.model.INCIDENT_TYPES`.
    place
        Where it happened.
    date
        The day it happened.
    date_how
        ``"day"``, ``"month"``, ``"previous sentence"`` or ``"article date"``.
    until
        The day a ceasefire or other period ends, if the sentence gives it.
    fatalities
        The dead, if reported.
    sentence
        Index of its sentence; ``fatality_sentence`` the one that gave the
        dead, when another.
    start, end
        Offsets of the sentence in the article's text (to the end of the
        fatality sentence, when another).
    confidence
        From 0 to 1: the place's confidence times how surely it is dated.
    """

    type: str
    place: Place
    date: dt.date
    date_how: str
    until: dt.date | None
    fatalities: int | None
    sentence: int
    start: int
    end: int
    confidence: float
    fatality_sentence: int | None = None


_DATE_CONFIDENCE = {"day": 1.0, "month": 0.7, "previous sentence": 0.8, "article date": 0.6}
_SPECIFIC = {"neighbourhood": 0, "place": 1, "named_area": 2, "admin3": 3, "admin2": 4, "admin1": 5}
_NEEDS_DATE = ("ceasefire", "talks")
"""Types that are background, not events, unless the sentence dates them ("a truce covers Daraa")."""
_ANAPHOR = re.compile(r"\b(?:in|during|by|from)\s+(?:the|that|this)\s+(?:air\s*strikes?|strikes?|raids?|attacks?|shelling|"
                      r"clashes|fighting|bombings?|blasts?|explosions?|bombardment|assault|ambush)\b", re.I)
_COREFERENCE = re.compile(r"\b(?:the\s+(?:city|town|village|area|neighbourhood|neighborhood|district|camp)(?!\s+of\b)|"
                          r"there)\b", re.I)
_LIST_GLUE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)")
_LOOK_BACK = 2
"""Sentences back that a report of the dead ("… were killed in the raid") may refer to."""


def incident_type(sentence: str) -> str | None:
    """The incident type a sentence announces (the first of :data:`CUES` that matches), or None."""
    for kind, pattern in _CUE_RES.items():
        match = pattern.search(sentence)
        if match:
            if kind == "clashes" and match.group().lower().startswith("raid") and _AIR.search(sentence):
                return "air strike"
            return kind
    return None


def _rank(place: Place) -> int:
    return _SPECIFIC.get(place.kind, 6)


def _targets(text: str, places: list[tuple[Place, Mention]]) -> list[Place]:
    """The places an incident of this sentence happened at: the most specific, with those listed beside it."""
    rank = min(_rank(p) for p, _ in places)
    best = next(i for i, (p, _) in enumerate(places) if _rank(p) == rank)
    chosen = [places[best]]
    for place, mention in places[best + 1:]:
        if _rank(place) != rank or not _LIST_GLUE.fullmatch(text[chosen[-1][1].end:mention.start]):
            break
        chosen.append((place, mention))
    return list({p.key: p for p, _ in chosen}.values())


def find_incidents(text: str, sentences: list[Sentence], places: list[Place], times: list[list[TimeExpression]],
                   anchor: dt.date) -> list[FoundIncident]:
    """The incidents of an article.

    Parameters
    ----------
    text
        The article's text.
    sentences
        Its sentences.
    places
        Its places (those abroad are ignored).
    times
        The time expressions of each sentence.
    anchor
        The article's date.

    Returns
    -------
    list of FoundIncident
        In article order; never at a place outside the scenario's country.
    """
    by_sentence: dict[int, list[tuple[Place, Mention]]] = {}
    for place in places:
        if place.outside:
            continue
        for mention in place.mentions:
            by_sentence.setdefault(mention.sentence, []).append((place, mention))
    found: list[FoundIncident] = []
    made_in: dict[int, list[int]] = {}
    for index, sentence in enumerate(sentences):
        body = sentence.text
        kind = incident_type(body)
        dead = fatalities_in(body)
        here = sorted(by_sentence.get(index, []), key=lambda item: item[1].start)
        recent = next((made_in[i] for i in range(index - 1, max(-1, index - 1 - _LOOK_BACK), -1)
                       if i in made_in and sentences[i].paragraph >= sentence.paragraph - 1), None)
        if dead is not None and recent and (kind is None or _ANAPHOR.search(body)):
            named = [k for k in recent if any(p.key == found[k].place.key for p, _ in here)]
            target = (named or recent)[0]
            if found[target].fatalities is None:
                found[target] = _with_fatalities(found[target], dead, index, sentence.end)
            continue
        if kind is None:
            continue
        factor = 1.0
        if not here:
            before = by_sentence.get(index - 1, [])
            if not (before and _COREFERENCE.search(body) and sentences[index - 1].paragraph == sentence.paragraph):
                continue
            here, factor = [min(before, key=lambda item: (_rank(item[0]), item[1].start))], 0.8
        expressions = times[index]
        until = next((t.value for t in expressions if t.until and t.kind == "day"), None)
        dated = [t for t in expressions if not t.until and t.kind in ("day", "month")]
        day = next((t for t in dated if t.kind == "day"), None) or next(iter(dated), None)
        duration = next((t for t in expressions if t.kind == "duration"), None)
        if day is not None:
            date, how = day.value, day.kind
        elif kind in _NEEDS_DATE or any(t.kind == "vague" for t in expressions):
            continue
        elif index - 1 in made_in and sentences[index - 1].paragraph >= sentence.paragraph - 1:
            date, how = found[made_in[index - 1][0]].date, "previous sentence"
        else:
            date, how = anchor, "article date"
        if until is None and duration is not None and kind in _NEEDS_DATE:
            until = add_months(date, duration.months) if duration.months else date + dt.timedelta(days=duration.days)
        made = []
        for place in _targets(text, here):
            confidence = round(place.confidence * _DATE_CONFIDENCE[how] * factor, 3)
            # the dead go to the first place of a list: the sentence does not say how they were shared
            found.append(FoundIncident(kind, place, date, how, until, None if made else dead, index,
                                       sentence.start, sentence.end, confidence))
            made.append(len(found) - 1)
        made_in[index] = made
    return found


def _with_fatalities(incident: FoundIncident, dead: int, sentence: int, end: int) -> FoundIncident:
    """The incident with the dead a later sentence reports; its span then runs to the end of that sentence."""
    return FoundIncident(incident.type, incident.place, incident.date, incident.date_how, incident.until, dead,
                         incident.sentence, incident.start, end, incident.confidence, sentence)
