"""Zones in an article: sentences that list what de-escalation or safe zones include become draft zones.

A zone sentence names zones ("de-escalation zones", "safe zones", or "the
four areas" in an article that speaks of such zones) and lists their parts
after a word of membership ("include", "including", "cover", "comprise"…):
"the zones include Aleppo province, the north of Hama province, the
Qalamoun and parts of eastern Syria". Each item of the list is a
zone:

- governorates become a zone of whole ``provinces`` (drawn approximate when
  the text gives only a part of them: "northern parts of Homs province");
  so do towns whose names are also their governorates' ("Daraa, Quneitra
  and Sweida"), when every member of the item is one;
- a named area ("Eastern Ghouta") becomes an ``area`` zone;
- towns become a ``towns`` zone (the buffered hull of the towns);
- a place written as a reference ("near Damascus") is not a member.

A list of places that "together cover one of the zones" or "form a zone"
makes a zone too, after the listed ones: it is often what an item of the
list that names no place stands for ("areas of southern Syria"). Items
without a place are left out: there is nothing to draw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..geocoding.gazetteer import Gazetteer
from ..geocoding.text import name_key
from .article import Sentence
from .places import Place

_ZONE_WORDS = re.compile(r"\b(?:de-?\s?escalation|safe|buffer|security|demilitari[sz]ed|no-fly)\s+(?:zones?|areas?)\b",
                         re.I)
_AREA_WORDS = re.compile(r"\b(?:zones?|areas?|regions?)\b", re.I)
_MEMBERSHIP = re.compile(r"\b(?:include|includes|included|including|cover|covers|covering|comprise|comprises|"
                         r"comprising|consist\s+of|consists\s+of|encompass(?:es)?|span|spans)\b\s*:?\s*", re.I)
_FORMS_A_ZONE = re.compile(r"\b(?:together\s+)?(?:cover|covers|form|forms|make\s+up|makes\s+up|constitute)\s+"
                           r"(?:one\s+of\s+the|an?|one|another|the)\s+(?:[\w-]+\s+){0,3}?(?:zones?|areas?)\b", re.I)
_ITEM_SPLIT = re.compile(r"\s*(?:;|,\s*and\s+|,)\s*")
_REFERENCE = re.compile(r"\b(?:near|outside|close\s+to|around|(?:north|south|east|west)\s+of)\s*$", re.I)
_PART = re.compile(r"\b(?P<direction>(?:north|south|east|west)(?:ern)?|central)\b", re.I)


@dataclass(frozen=True)
class FoundZone:
    """A zone read from the article.

    Attributes
    ----------
    name
        A name for it ("Idlib", "Northern Homs", "Daraa, Quneitra and Sweida").
    rule
        ``"provinces"``, ``"area"`` or ``"towns"``.
    places
        Its member places.
    part
        The direction of the part the text gives ("northern"), if any: the
        zone is then only part of its provinces, drawn approximate.
    start, end
        Offsets of the words that name it in the article's text.
    sentence
        Index of its sentence.
    confidence
        From 0 to 1: its places' least confidence, less when it is a part.
    """

    name: str
    rule: str
    places: tuple[Place, ...]
    part: str | None
    start: int
    end: int
    sentence: int
    confidence: float


def _mentions_in(places: list[Place], start: int, end: int) -> list[tuple[int, Place]]:
    return sorted((m.start, p) for p in places if not p.outside for m in p.mentions if start <= m.start < end)


def _as_province(g: Gazetteer, place: Place, offset: int) -> Place | None:
    """The governorate a listed town's name also names ("Daraa, Quneitra and Sweida" in a zone's list), or None."""
    mention = next(m for m in place.mentions if m.start == offset)
    units = [i for i in g.exact[name_key(mention.text)] if g.kind[i] == "admin1" and g.country[i] == place.country]
    if len(units) != 1 or g.names[units[0]] != place.admin1:
        return None
    return Place(place.name, place.admin1, "admin1", place.country, place.admin1, place.admin1_code, None, None, None,
                 g.lat[units[0]], g.lon[units[0]], place.confidence, False, place.how, g.prominence[units[0]],
                 [mention])


def _zone_of(text: str, members: list[tuple[int, Place]], start: int, end: int, sentence: int,
             part: str | None, g: Gazetteer) -> FoundZone | None:
    members = [(offset, p) for offset, p in members if not _REFERENCE.search(text[max(start, offset - 20):offset])]
    if not members:
        return None
    provinces = [p if p.kind == "admin1" else _as_province(g, p, offset) for offset, p in members]
    if all(provinces):
        members = [(offset, p) for (offset, _), p in zip(members, provinces)]
    places = tuple({p.key: p for _, p in members}.values())
    kinds = {p.kind for p in places}
    if kinds <= {"admin1"}:
        rule = "provinces"
    elif "named_area" in kinds:
        places, rule = tuple(p for p in places if p.kind == "named_area")[:1], "area"
    else:
        places, rule = tuple(p for p in places if p.kind in ("place", "neighbourhood")), "towns"
        if not places:
            return None
    names = [p.name for p in places]
    label = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if part:
        label = f"{part.capitalize()} {label}"
    confidence = min(p.confidence for p in places) * (0.8 if part else 1.0)
    return FoundZone(label, rule, places, part, start, end, sentence, round(confidence, 3))


def find_zones(text: str, sentences: list[Sentence], places: list[Place], gazetteer: Gazetteer) -> list[FoundZone]:
    """The zones an article describes.

    Parameters
    ----------
    text
        The article's text.
    sentences
        Its sentences.
    places
        Its places (from :class:`~zonemap.extract.places.PlaceFinder`).
    gazetteer
        The gazetteer (a listed town whose name is also a governorate's
        stands for the governorate).

    Returns
    -------
    list of FoundZone
        In article order, each set of places once.
    """
    speaks_of_zones = _ZONE_WORDS.search(text) is not None
    listed: list[FoundZone] = []
    extra: list[FoundZone] = []
    for index, sentence in enumerate(sentences):
        body = sentence.text
        named = _ZONE_WORDS.search(body) or (speaks_of_zones and _AREA_WORDS.search(body))
        if not named:
            continue
        forms = _FORMS_A_ZONE.search(body)
        if forms:
            members = _mentions_in(places, sentence.start, sentence.start + forms.start())
            tail = members[-1:] and _list_tail(text, members)
            zone = _zone_of(text, tail, tail[0][0], sentence.start + forms.start(), index, None, gazetteer) if tail else None
            if zone is not None:
                extra.append(zone)
            continue
        membership = _MEMBERSHIP.search(body, named.start())
        if not membership:
            continue
        offset = sentence.start + membership.end()
        end_of_list = sentence.start + len(body.rstrip(". "))
        for start, end in _merge_plurals(text, _items(text, offset, end_of_list)):
            piece = text[start:end]
            members = _mentions_in(places, start, end)
            part = _PART.search(piece)
            if part and (not members or start + part.start() >= members[0][0]):
                part = None  # the direction belongs to a name ("Eastern Ghouta") or places one ("north of Homs")
            zone = _zone_of(text, members, start, end, index, part["direction"].lower() if part else None, gazetteer)
            if zone is not None:
                listed.append(zone)
    zones = listed + extra
    unique: dict[tuple, FoundZone] = {}
    for zone in zones:
        unique.setdefault((zone.rule, tuple(p.key for p in zone.places)), zone)
    return list(unique.values())


def _list_tail(text: str, members: list[tuple[int, Place]]) -> list[tuple[int, Place]]:
    """The last run of places written as one list ("Daraa, Quneitra and Sweida") among a sentence's places."""
    run = [members[-1]]
    for offset, place in reversed(members[:-1]):
        previous_end = next(m.end for m in place.mentions if m.start == offset)
        if re.fullmatch(r"\s*(?:,|,?\s*and|,?\s*or)\s*", text[previous_end:run[0][0]]):
            run.insert(0, (offset, place))
        else:
            break
    return run


_PLURAL_UNIT = re.compile(r"(?i)^[\w' -]+\s+(?:provinces|governorates|districts)$")


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Offsets of the items of a list written in ``text[start:end]``: "A, B and C", "A, B, and C", "A; B".

    Only the last item splits at "and" (when no comma comes before it), so
    that an item may join two names ("the Rastan and Talbiseh pocket").
    """
    spans, position = [], start
    for glue in _ITEM_SPLIT.finditer(text, start, end):
        if glue.start() > position:
            spans.append((position, glue.start()))
        position = glue.end()
    if end > position:
        spans.append((position, end))
    if spans and not re.search(r",\s*and\s", text[start:end]):
        last_start, last_end = spans.pop()
        conjunction = None
        for conjunction in re.finditer(r"\s+and\s+", text[last_start:last_end]):
            pass
        if conjunction:
            spans += [(last_start, last_start + conjunction.start()), (last_start + conjunction.end(), last_end)]
        else:
            spans.append((last_start, last_end))
    return spans


def _merge_plurals(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Items split at "and" joined again where a plural unit noun spans them ("Homs", "Hama provinces" → one item)."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        joined_by_and = merged and re.fullmatch(r"\s+and\s+", text[merged[-1][1]:start])
        if joined_by_and and _PLURAL_UNIT.match(text[start:end]) and not re.search(
                r"(?i)\b(?:province|governorate|district)s?$", text[slice(*merged[-1])]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
