"""Place names in running text: found by multi-pattern matching over the gazetteer, kept only when the text says so.

The gazetteer knows a quarter of a million names, and thousands of Syrian
village names are also English words, given names or parts of the names of
armed groups ("Sham", "Tell", "Ali", "Harem"). A wrong place is worse than no
place, so finding a name is the easy half:

1. **Matching.** The article is cut into words, each folded as the gazetteer
   folds names (case, accents, apostrophes, the Arabic article: "al-Bab",
   "Idlib's", "درعا"), and every name of a place of the scenario's country,
   and the own names of well-known places abroad, is looked for in one pass
   of an Aho-Corasick automaton (``pyahocorasick``), on word boundaries,
   longest names first ("Eastern Ghouta" before "Ghouta"). Names of three
   letters or fewer that are not a city's own name, and words without a
   vowel (airport codes), are not looked for.
2. **Reading the context.** A match is a place only if it is capitalised;
   not part of a person's name or title ("President …", "… said", a longer
   capitalised name around it), of an organisation's ("… Front", "Ahrar
   al-…"), a demonym or a calendar word. Names that are also common words
   (:data:`~zonemap.extract.lexicon.COMMON_WORDS`), names the article also
   writes in lower case, and single names that open a sentence need a place
   cue: "in", "near", "the town of", "… province", "rebel-held …", or being
   listed with other places.
3. **Resolving.** A name is resolved as :func:`~zonemap.geocoding.geocode`
   resolves it (exact names only), with the kind the text gives ("Daraa
   province" is the governorate). A name that is the own name of a
   well-known place abroad (a country, a province, a city of 100,000 or more)
   and only of an obscure place at home is the place abroad (Geneva, Doha).
   Cities, provinces and named areas are accepted on their own; a village
   or a name shared by several places also needs to lie within
   :data:`NEAR_KM` of a place the article names with confidence, or in a
   governorate it names: co-mentioned places decide between namesakes.
4. **Spelling variants** that are no name in the gazetteer ("Hamouriyeh")
   are tried last, only for capitalised names after a place cue, through
   the geocoder's transliteration tier, and kept only when confident and
   near the article's other places.

Places outside the scenario's country are kept apart as context; the
scenario's country itself ("Syria") is neither.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from ..errors import GeocodeError
from ..geocoding.gazetteer import Gazetteer
from ..geocoding.geocoder import candidate as gazetteer_candidate, geocode
from ..geocoding.text import LATIN_ARTICLES, fold_words, is_arabic, name_key
from ..geometry.distance import EARTH_RADIUS_KM
from .article import Sentence
from .lexicon import (ATTACK_VERBS, CALENDAR_WORDS, COMMON_WORDS, CONTROL_WORDS, DEMONYMS, DIRECTIONS, FUNCTION_WORDS, GROUP_WORDS,
                      LOCATIVE_WORDS, ORGANISATION_WORDS, PERSON_TITLES, PLACE_NOUNS, SPEECH_VERBS)

NEAR_KM = 60.0
"""A village is taken for a place only within this distance of a place the article names with confidence."""
PROMINENT = 5.0
"""Prominence of provinces and cities (see :class:`~zonemap.geocoding.index.PlaceRecord`): named alone, they are places."""
TOWN_PROMINENCE = 3.0
"""Prominence of district centres: once a name has passed the context filters, one that resolves surely (0.8 or
more) to such a town is accepted without another place of the article nearby ("Ras al-Ain", "Tal Abyad")."""
WELL_KNOWN_POPULATION = 100_000
"""Places abroad are looked for by their own name when they are countries, admin-1 units or cities this populous."""
MIN_LETTERS = 4
"""Latin names shorter than this are looked for only when they are a city's own name ("Al-Bab")."""


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km between two points (scalar haversine: the numpy one costs more per pair)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (lon1, lat1, lon2, lat2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


_TOKEN = re.compile(r"[^\W_](?:[^\W_]|['’‘](?=[^\W_]))*")
_POSSESSIVE = re.compile(r"['’]s$")
_KIND_HINTS = {"province": "province", "provinces": "province", "governorate": "governorate",
               "governorates": "governorate", "countryside": "countryside", "district": "district",
               "subdistrict": "sub-district", "town": "town", "village": "village", "city": "city"}


class Token(NamedTuple):
    """A word of the article: offsets, text, folded form; whether it is an article ("al-"), Arabic, capitalised.

    A named tuple rather than a dataclass: an article makes thousands, and
    tuples are the cheapest to make.
    """

    start: int
    end: int
    text: str
    norm: str
    article: bool = False
    arabic: bool = False
    capitalised: bool = False


def tokenize(text: str) -> list[Token]:
    """The words of a text, folded for matching ("Idlib's" → ``idlib``, "al-Bab" → ``al`` (an article), ``bab``).

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    list of Token
    """
    tokens = []
    folded: dict[str, tuple[str, bool]] = {}
    for match in _TOKEN.finditer(text):
        word, start, end = match.group(), match.start(), match.end()
        if len(word) > 3 and _POSSESSIVE.search(word):
            word, end = word[:-2], end - 2
        if word not in folded:
            norm = " ".join(fold_words(word))
            if norm.startswith("ال") and len(norm) > 3 and is_arabic(norm):
                norm = norm[2:]
            folded[word] = norm, not word.isascii() and is_arabic(word)
        norm, arabic = folded[word]
        article = norm in LATIN_ARTICLES and (text[end:end + 1] in "-‐" and end < len(text) or norm in ("al", "el"))
        tokens.append(Token(start, end, word, norm, article, arabic,
                            not word[0].isalpha() or word[0].isupper() or arabic))
    return tokens


@dataclass(frozen=True)
class Mention:
    """One mention of a place in the article.

    Attributes
    ----------
    start, end
        Offsets of the name in the article's text.
    sentence
        Index of its sentence.
    text
        The name as written.
    cue
        The words that say it is a place ("in", "town of", "province"…), or "".
    kind_hint
        The kind of unit the text gives it ("province", "city"…), or None.
    """

    start: int
    end: int
    sentence: int
    text: str
    cue: str = ""
    kind_hint: str | None = None


@dataclass
class Place:
    """A place the article names, resolved in the gazetteer, with every mention of it.

    Attributes
    ----------
    name
        How the draft writes it: a name that geocodes back to this very place
        ("Douma", "Tal Dahab, Homs").
    display
        The gazetteer's name of the place.
    kind
        Gazetteer kind: ``"place"``, ``"neighbourhood"``, ``"admin1"``…,
        ``"named_area"``, ``"country"``.
    country, admin1, admin1_code, admin2, admin3, pcode
        Where it is (names and codes).
    lat, lon
        Its coordinates.
    confidence
        From 0 to 1: how sure the resolution is, times how clearly the text
        makes it a place.
    outside
        True for a place outside the scenario's country (context, never mapped).
    how
        How it was resolved: ``"exact"``, ``"context"`` (co-mentioned places
        chose between namesakes), ``"transliteration"``, ``"abroad"``.
    mentions
        Every mention, in order.
    prominence
        The gazetteer's prominence of the place.
    """

    name: str
    display: str
    kind: str
    country: str
    admin1: str | None
    admin1_code: str | None
    admin2: str | None
    admin3: str | None
    pcode: str | None
    lat: float
    lon: float
    confidence: float
    outside: bool
    how: str
    prominence: float
    mentions: list[Mention] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        """What makes two places the same: kind and coordinates."""
        return (self.kind, round(self.lat, 4), round(self.lon, 4))


@dataclass(frozen=True)
class Unresolved:
    """A name the article gives that looked like a place but was left out, and why."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class _Patterns:
    automaton: object
    abroad: dict[str, list[int]]
    home: frozenset[str]


def _has_vowels(key: str) -> bool:
    return all(re.search(r"[aeiouy]", word) for word in key.split()) if key.isascii() else True


def _letters(key: str) -> int:
    return len(key.replace(" ", ""))


# English words that name admin-1 units somewhere ("West", "Northern", "Capital") but say nothing of a place in a text.
_NOT_NAMES = FUNCTION_WORDS | DIRECTIONS | PLACE_NOUNS | frozenset(
    "international national federal capital coast coastal central centre center middle greater island islands "
    "district eastern western northern southern".split())


def _well_known_abroad(g: Gazetteer, country: str) -> list[int]:
    """Countries, admin-1 units and cities of 100,000 or more outside ``country``."""
    import numpy as np

    population = np.asarray(g.population)
    kinds = np.asarray(g.kind)
    mask = ((population >= WELL_KNOWN_POPULATION) | (kinds == "country") | (kinds == "admin1")) & (
        np.asarray(g.country) != country)
    return np.flatnonzero(mask).tolist()


def _build_patterns(g: Gazetteer, country: str) -> _Patterns:
    import ahocorasick

    home: set[str] = set()
    for keys, _ in g.keys_of_country(country).values():
        for key in keys:
            indices = [i for i in g.exact[key] if g.country[i] == country and g.kind[i] != "country"]
            if not indices or not _has_vowels(key):
                continue
            if key.isascii() and _letters(key) < MIN_LETTERS and not any(
                    name_key(g.names[i]) == key and g.prominence[i] >= PROMINENT for i in indices):
                continue
            home.add(key)
    abroad: dict[str, list[int]] = {}
    for index in _well_known_abroad(g, country):
        keys = set(g.spellings(index)) if g.kind[index] == "country" else {name_key(g.names[index])}
        for key in keys:
            if key and _has_vowels(key) and _letters(key) >= 3 and not set(key.split()) <= _NOT_NAMES:
                abroad.setdefault(key, []).append(index)
    automaton = ahocorasick.Automaton()
    for key in home | set(abroad):
        automaton.add_word(f" {key} ", key)
    automaton.make_automaton()
    return _Patterns(automaton, abroad, frozenset(home))


def patterns(g: Gazetteer, country: str) -> _Patterns:
    """The names looked for in articles about ``country`` (built once per gazetteer and country)."""
    cache = g.memo("extract-patterns")
    if country not in cache:
        cache[country] = _build_patterns(g, country)
    return cache[country]


@dataclass(frozen=True)
class _Match:
    first: int
    last: int
    key: str


def _matches(tokens: list[Token], found: _Patterns) -> list[_Match]:
    """Longest non-overlapping matches of gazetteer names, over the non-article words."""
    stream = [i for i, t in enumerate(tokens) if not t.article and t.norm]
    starts, pieces, position = {}, [" "], 1
    for n, i in enumerate(stream):
        starts[position] = n
        pieces.append(tokens[i].norm + " ")
        position += len(tokens[i].norm) + 1
    text = "".join(pieces)
    hits = []
    for end, key in found.automaton.iter(text):
        begin = end - len(key)
        first = starts.get(begin)
        if first is None:
            continue
        last = first + key.count(" ")
        hits.append(_Match(stream[first], stream[last], key))
    hits.sort(key=lambda m: (-(m.last - m.first), m.first))
    taken: set[int] = set()
    chosen = []
    for hit in hits:
        span = set(range(hit.first, hit.last + 1))
        if span & taken:
            continue
        taken |= span
        chosen.append(hit)
    return sorted(chosen, key=lambda m: m.first)


class _Reader:
    """The context of a match: its sentence, the words around it, what they say."""

    def __init__(self, text: str, tokens: list[Token], sentences: list[Sentence]):
        self.text = text
        self.tokens = tokens
        self.sentence_starts = [s.start for s in sentences]
        self.sentences = sentences
        self.token_sentence = self._sentence_of_tokens()
        self.lowercase = {t.norm for t in tokens if t.text.islower()}
        self.title_case = self._title_case_sentences()

    def _sentence_of_tokens(self) -> list[int]:
        """The sentence of each token, in one pass over both (tokens and sentences are in text order)."""
        out, current, starts = [], 0, self.sentence_starts
        for token in self.tokens:
            while current + 1 < len(starts) and starts[current + 1] <= token.start:
                current += 1
            out.append(current)
        return out

    def _title_case_sentences(self) -> set[int]:
        """Sentences (headlines) in which most words are capitalised: capitals say nothing there."""
        counts: dict[int, list[int]] = {}
        for index, token in enumerate(self.tokens):
            if token.text[0].isalpha() and not token.arabic:
                entry = counts.setdefault(self.token_sentence[index], [0, 0])
                entry[0] += token.text[0].isupper() or token.norm in FUNCTION_WORDS
                entry[1] += 1
        return {s for s, (upper, total) in counts.items() if total >= 3 and upper / total >= 0.8}

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect_right(self.sentence_starts, offset) - 1)

    def joined(self, a: int, b: int) -> bool:
        """True if tokens a and b (a < b) are adjacent with only spaces, a hyphen or one line end between them."""
        return re.fullmatch(r"[ \t\-‐]*(?:\r?\n)?[ \t\-‐]*", self.text[self.tokens[a].end:self.tokens[b].start]) is not None

    def starts_sentence(self, i: int) -> bool:
        sentence = self.sentences[self.token_sentence[i]]
        return re.fullmatch(r"[\W_]*", self.text[sentence.start:self.tokens[i].start]) is not None

    def before(self, i: int, skip=frozenset()) -> int | None:
        """Index of the word before token i in its sentence, skipping articles and words in ``skip``."""
        sentence = self.token_sentence[i]
        j = i - 1
        while j >= 0 and self.token_sentence[j] == sentence:
            if not (self.tokens[j].article or self.tokens[j].norm in skip):
                return j
            j -= 1
        return None

    def after(self, i: int) -> int | None:
        sentence = self.token_sentence[i]
        j = i + 1
        if j < len(self.tokens) and self.token_sentence[j] == sentence:
            return j
        return None

    def cue(self, first: int, last: int) -> str:
        """Words that say the match is a place, or ""."""
        skip = FUNCTION_WORDS - LOCATIVE_WORDS - {"of"} | DIRECTIONS | CONTROL_WORDS | {"the", "key", "strategic"}
        j = self.before(first, skip)
        if j is not None:
            word = self.tokens[j].norm
            if word in LOCATIVE_WORDS or word in ATTACK_VERBS:
                return word
            if word == "of":
                k = self.before(j, skip)
                if k is not None and self.tokens[k].norm in PLACE_NOUNS:
                    return f"{self.tokens[k].norm} of"
        k = self.before(first)
        if k is not None and self.tokens[k].norm in CONTROL_WORDS:
            return self.tokens[k].norm
        j = self.after(last)
        if j is not None and self.tokens[j].norm in PLACE_NOUNS and self.joined(last, j):
            return self.tokens[j].norm
        return ""

    def kind_hint(self, first: int, last: int) -> str | None:
        j = self.after(last)
        if j is not None and self.joined(last, j) and self.tokens[j].norm in _KIND_HINTS:
            return _KIND_HINTS[self.tokens[j].norm]
        k = self.before(first, frozenset({"the"}))
        if k is not None and self.tokens[k].norm == "of":
            noun = self.before(k, frozenset({"the"}))
            if noun is not None and self.tokens[noun].norm in _KIND_HINTS:
                return _KIND_HINTS[self.tokens[noun].norm]
        return None

    def refusal(self, first: int, last: int, prominent: bool) -> str | None:
        """Why the words first..last are not a place name here, or None."""
        tokens = self.tokens
        words = [t for t in tokens[first:last + 1] if not t.article]
        in_title = self.token_sentence[first] in self.title_case
        if not all(t.capitalised or (t.norm in DIRECTIONS and t is not words[-1]) for t in words):
            return "not capitalised"
        single = len(words) == 1
        if single and words[0].norm in DEMONYMS | CALENDAR_WORDS:
            return "a demonym or calendar word"
        previous = self.before(first)
        if previous is not None:
            word = tokens[previous].norm
            if word in PERSON_TITLES and tokens[previous].capitalised and self.joined(previous, first):
                return "part of a person's name or title"
            if word in GROUP_WORDS and tokens[previous].capitalised:
                return "part of an armed group's name"
        nxt = self.after(last)
        if nxt is not None and tokens[nxt].article and self.joined(last, nxt):
            following = self.after(nxt)
            if following is not None and self.joined(nxt, following) and tokens[following].text[0].isupper():
                return "part of a longer name"
        if nxt is not None and self.joined(last, nxt):
            word = tokens[nxt].norm
            if word in ORGANISATION_WORDS:
                return "part of an organisation's name"
            if single and word in SPEECH_VERBS and not prominent and not (
                    previous is not None and tokens[previous].norm in LOCATIVE_WORDS):
                return "a person speaking"
            if (tokens[nxt].capitalised and tokens[nxt].text[0].isalpha() and not in_title
                    and word not in PLACE_NOUNS and word not in FUNCTION_WORDS and not tokens[nxt].arabic):
                return "part of a longer name"
        if previous is not None and self.joined(previous, first) and not in_title:
            token = tokens[previous]
            linked_by_article = first > 0 and tokens[first - 1].article or tokens[first].article
            if (token.capitalised and token.text[0].isalpha() and token.norm not in FUNCTION_WORDS | DIRECTIONS
                    and not self.starts_sentence(previous) and not token.arabic
                    and (linked_by_article or not prominent)):
                return "part of a longer name"
        return None

    def needs_cue(self, first: int, last: int, prominent: bool) -> str | None:
        """Why a match needs a place cue to count, or None."""
        words = [t for t in self.tokens[first:last + 1] if not t.article]
        if len(words) == 1:
            word = words[0].norm
            if word in COMMON_WORDS:
                return "a common word"
            if word in self.lowercase:
                return "written in lower case elsewhere in the article"
            if not prominent and (self.starts_sentence(first) or self.sentence_of(words[0].start) in self.title_case):
                return "capitalised only because it opens a sentence or headline"
        return None


_LIST_GLUE = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)")


def _share_list_context(text: str, candidates: list[list]) -> None:
    """Places listed together ("Daraa, Quneitra and Sweida provinces") share their cue and kind.

    Each candidate is ``[first, match, mention, …]``; mentions are replaced in place.
    """
    groups: list[list[list]] = []
    for candidate in candidates:
        mention = candidate[2]
        if groups and groups[-1][-1][2].sentence == mention.sentence and _LIST_GLUE.fullmatch(
                text[groups[-1][-1][2].end:mention.start]):
            groups[-1].append(candidate)
        else:
            groups.append([candidate])
    for group in groups:
        if len(group) < 2:
            continue
        hint = next((c[2].kind_hint for c in reversed(group) if c[2].kind_hint), None)
        cue = next((c[2].cue for c in group if c[2].cue), "") or "listed with other places"
        for candidate in group:
            mention = candidate[2]
            candidate[2] = replace(mention, cue=mention.cue or cue, kind_hint=mention.kind_hint or hint)


def _runs(reader: _Reader, covered: set[int]) -> list[tuple[int, int]]:
    """Capitalised word runs (articles allowed inside) that no gazetteer name matched."""
    runs, i, tokens = [], 0, reader.tokens
    while i < len(tokens):
        token = tokens[i]
        if i in covered or not (token.capitalised and token.text[0].isalpha()) or token.norm in FUNCTION_WORDS:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and j + 1 not in covered and reader.joined(j, j + 1) and (
                tokens[j + 1].article or (tokens[j + 1].capitalised and tokens[j + 1].text[0].isalpha())):
            j += 1
        while j > i and tokens[j].article:
            j -= 1
        first = i - 1 if i > 0 and tokens[i - 1].article and reader.joined(i - 1, i) else i
        if j - first < 4:
            runs.append((first, j))
        i = j + 1
    return runs


class PlaceFinder:
    """Finds, filters and resolves the places of one article (see the module docstring).

    Parameters
    ----------
    gazetteer
        The gazetteer.
    country
        ISO alpha-2 code of the scenario's country.
    """

    def __init__(self, gazetteer: Gazetteer, country: str):
        self.g = gazetteer
        self.country = country
        self.patterns = patterns(gazetteer, country)
        self._resolved: dict[tuple, object] = gazetteer.memo(f"extract-resolved:{country}")

    def _geocode(self, query: str):
        cached = self._resolved.get(query)
        if cached is None:
            try:
                cached = geocode(query, self.country, gazetteer=self.g, min_confidence=0)
            except GeocodeError as error:
                cached = error
            self._resolved[query] = cached
        return cached

    def _place(self, result, name: str, confidence: float, how: str, outside: bool, prominence: float) -> Place:
        return Place(name, result.name, result.kind, result.country, result.admin1, result.admin1_code, result.admin2,
                     result.admin3, result.pcode, result.lat, result.lon, round(confidence, 3), outside, how, prominence)

    def _abroad_place(self, key: str, surface: str) -> Place | None:
        indices = self.patterns.abroad.get(key, [])
        if not indices:
            return None
        g = self.g
        best = max(indices, key=lambda i: ({"country": 3, "admin1": 1}.get(g.kind[i], 2), g.prominence[i]))
        if g.kind[best] == "admin1":
            # "Astana": the city and its province share the name; the city is what a text means.
            cities = [i for i in indices if g.kind[i] == "place" and g.country[i] == g.country[best]]
            best = max(cities, key=lambda i: g.population[i]) if cities else best
        found = gazetteer_candidate(g, best)
        rivals = {g.country[i] for i in indices if g.kind[i] != "country"} - {g.country[best]}
        confidence = 0.9 if not rivals or g.kind[best] == "country" else 0.7
        return self._place(found, surface, confidence, "abroad", True, g.prominence[best])

    def _home_prominence(self, key: str) -> float:
        indices = [i for i in self.g.exact[key] if self.g.country[i] == self.country]
        return max((self.g.prominence[i] for i in indices), default=-1.0)

    def find(self, text: str, sentences: list[Sentence]) -> tuple[list[Place], list[Unresolved]]:
        """The places of an article.

        Parameters
        ----------
        text
            The article's text.
        sentences
            Its sentences.

        Returns
        -------
        (list of Place, list of Unresolved)
            The places (home and abroad, in order of first mention) and the
            names left out, with why.
        """
        tokens = tokenize(text)
        reader = _Reader(text, tokens, sentences)
        unresolved: list[Unresolved] = []
        pending: list[tuple[_Match, Mention, object, float]] = []
        places: dict[tuple, Place] = {}
        covered: set[int] = set()

        def mention_of(first: int, last: int) -> Mention:
            start = tokens[first].start
            hint = reader.kind_hint(first, last)
            return Mention(start, tokens[last].end, reader.sentence_of(start), text[start:tokens[last].end],
                           reader.cue(first, last), hint)

        def refuse(first: int, last: int, reason: str) -> None:
            unresolved.append(Unresolved(tokens[first].start, tokens[last].end, text[tokens[first].start:tokens[last].end],
                                         reason))

        def keep(place: Place, mention: Mention) -> None:
            existing = places.setdefault(place.key, place)
            existing.mentions.append(mention)
            existing.confidence = max(existing.confidence, place.confidence)

        candidates = []
        for match in _matches(tokens, self.patterns):
            first = match.first - 1 if match.first and tokens[match.first - 1].article and reader.joined(
                match.first - 1, match.first) else match.first
            covered.update(range(first, match.last + 1))
            if match.key in self._country_keys() or not tokens[match.last].capitalised:
                continue
            home = match.key in self.patterns.home
            home_prominence = self._home_prominence(match.key) if home else -1.0
            abroad = self._abroad_place(match.key, text[tokens[first].start:tokens[match.last].end])
            prominent = home_prominence >= PROMINENT or (abroad is not None and not home)
            reason = reader.refusal(first, match.last, prominent)
            if reason:
                refuse(first, match.last, reason)
                continue
            candidates.append([first, match, mention_of(first, match.last), home, home_prominence, abroad, prominent])
        _share_list_context(text, candidates)
        for first, match, mention, home, home_prominence, abroad, prominent in candidates:
            needs = reader.needs_cue(first, match.last, prominent)
            if needs and not mention.cue:
                refuse(first, match.last, needs)
                continue
            if abroad is not None and (not home or home_prominence < PROMINENT):
                keep(abroad, mention)
                continue
            pending.append((match, mention, self._resolve_home(match.key, mention), home_prominence))

        anchors = self._accept(pending, places, unresolved, keep, anchors_only=True)
        self._accept(pending, places, unresolved, keep, anchors=anchors)
        self._variants(reader, covered, places, unresolved, keep)
        ordered = sorted(places.values(), key=lambda p: p.mentions[0].start)
        for place in ordered:
            place.mentions.sort(key=lambda m: m.start)
        return ordered, unresolved

    def _country_keys(self) -> set[str]:
        cache = self.g.memo("extract-country-keys")
        if self.country not in cache:
            cache[self.country] = {key for i in self.g.country_places(self.country).tolist()
                                   if self.g.kind[i] == "country" for key in self.g.spellings(i)}
        return cache[self.country]

    def _resolve_home(self, key: str, mention: Mention):
        hint = mention.kind_hint
        if hint == "countryside":
            result = self._geocode(f"{key} countryside")
            rural = [c for c in ([result] if not isinstance(result, GeocodeError) else []) +
                     (list(result.candidates) if not isinstance(result, GeocodeError) else [])
                     if c.kind == "admin1" and re.match(r"(?i)(rif|rural|reef)\b", c.name)]
            if rural:
                return rural[0]
            return result
        return self._geocode(f"{key} {hint}" if hint in ("province", "governorate", "district", "sub-district") else key)

    def _accept(self, pending, places, unresolved, keep, *, anchors_only: bool = False, anchors=None):
        """Accept pending home mentions: prominent ones first (the anchors), then the rest near them."""
        chosen: list[Place] = []
        held = []
        by_context: dict[tuple, tuple] = {}  # a name written several times is decided once
        for match, mention, result, prominence in pending:
            if isinstance(result, GeocodeError):
                if not anchors_only:
                    unresolved.append(Unresolved(mention.start, mention.end, mention.text, result.message))
                continue
            options = [c for c in [result, *result.candidates] if c.country == self.country]
            decided = result.confidence >= 0.5 and not result.outside_country
            prominent = (prominence >= PROMINENT or result.kind in ("admin1", "named_area")
                         or (prominence >= TOWN_PROMINENCE and result.confidence >= 0.8))
            if anchors_only:
                if decided and prominent:
                    held.append((result, mention, prominence, options))
                continue
            if decided and prominent:
                continue  # accepted in the first pass
            context_key = (id(result), decided)
            if context_key not in by_context:
                by_context[context_key] = self._by_context(options, anchors or [], result if decided else None)
            pick, how, confidence = by_context[context_key]
            if pick is None:
                reason = ("several places bear this name and the article's other places do not tell them apart"
                          if len(options) > 1 and not decided else
                          f"a small place with no other place of the article within {NEAR_KM:.0f} km")
                unresolved.append(Unresolved(mention.start, mention.end, mention.text, reason))
                continue
            factor = 1.0 if mention.cue else 0.85
            keep(self._place(pick, self._name_for(mention.text, pick), confidence * factor, how, False, prominence),
                 mention)
        for result, mention, prominence, options in held:
            pick = self._namesake_near(result, options, [r for r, m, _, _ in held if m.sentence == mention.sentence
                                                         and m is not mention
                                                         and (r.lat, r.lon) != (result.lat, result.lon)])
            if pick is result:
                place = self._place(result, mention.text, result.confidence, "exact", False, prominence)
            else:
                place = self._place(pick, self._name_for(mention.text, pick), 0.75, "context", False, prominence)
            keep(place, mention)
            chosen.append(place)
        return list({place.key: place for place in chosen}.values())

    @staticmethod
    def _namesake_near(result, options, others):
        """The namesake of a well-known place that the other places of its sentence surround, or the well-known place.

        "Duma, east of Salamiyah in Hama province" is the village in Hama,
        not the city near Damascus: an option within :data:`NEAR_KM` of the
        sentence's other places (or in a governorate they name), when the
        first answer is more than twice as far from all of them.
        """
        if len(options) < 2 or not others or result.kind != "place":
            return result

        def nearest(c) -> float:
            return min(0.0 if o.kind == "admin1" and o.admin1_code == c.admin1_code else
                       _km(c.lon, c.lat, o.lon, o.lat) for o in others)

        best = min(options, key=nearest)
        return best if best is not result and nearest(best) <= NEAR_KM and nearest(result) > 2 * NEAR_KM else result

    def _by_context(self, options, anchors: list[Place], decided):
        """The option near the article's confident places: ``(candidate, how, confidence)`` or ``(None, "", 0)``."""
        if not anchors:
            return None, "", 0.0

        def nearest(c) -> float:
            return min(_km(c.lon, c.lat, a.lon, a.lat) if a.kind != "admin1" or a.admin1_code != c.admin1_code
                       else 0.0 for a in anchors)

        ranked = sorted(((nearest(c), index, c) for index, c in enumerate(options)), key=lambda item: item[:2])
        best_km, _, best = ranked[0]
        if best_km > NEAR_KM:
            return None, "", 0.0
        if decided is not None and best is decided:
            return best, "exact", decided.confidence
        rivals = [km for km, _, c in ranked[1:] if _km(c.lon, c.lat, best.lon, best.lat) > 10]
        if rivals and rivals[0] < max(2 * best_km, 30.0):
            return None, "", 0.0
        return best, "context", 0.75

    def _name_for(self, surface: str, place) -> str:
        """A name for the draft that geocodes back to ``place``: as written, else with its governorate."""
        for name in (surface, f"{surface}, {place.admin1}", f"{place.name}, {place.admin1}",
                     f"{place.name}, {place.admin2}"):
            result = self._geocode(name)
            if not isinstance(result, GeocodeError) and result.confidence >= 0.5 and (
                    round(result.lat, 4), round(result.lon, 4)) == (round(place.lat, 4), round(place.lon, 4)):
                return name
        return place.pcode or place.name

    def _variants(self, reader: _Reader, covered: set[int], places, unresolved, keep) -> None:
        """Spelling variants that no gazetteer name matched, tried by transliteration (see the module docstring)."""
        anchors = [p for p in places.values() if not p.outside]
        ends = {m.end for p in anchors for m in p.mentions}
        for first, last in _runs(reader, covered):
            words = [t for t in reader.tokens[first:last + 1] if not t.article]
            if len(words) == 1 and (words[0].norm in COMMON_WORDS | DEMONYMS | CALENDAR_WORDS | FUNCTION_WORDS
                                    or words[0].norm in reader.lowercase or _letters(words[0].norm) < MIN_LETTERS):
                continue
            before = reader.text[max(0, reader.tokens[first].start - 8):reader.tokens[first].start]
            glue = re.search(r"(?:,\s*(?:and\s+)?|\s+and\s+)$", before)
            listed = glue is not None and reader.tokens[first].start - len(glue.group()) in ends
            if reader.refusal(first, last, False) or not (reader.cue(first, last) or listed):
                continue
            if any(t.norm in PERSON_TITLES | ORGANISATION_WORDS | GROUP_WORDS | PLACE_NOUNS for t in words):
                continue
            tokens = reader.tokens
            surface = reader.text[tokens[first].start:tokens[last].end]
            result = self._geocode(surface)
            if isinstance(result, GeocodeError) or result.tier != "transliteration" or result.outside_country:
                continue
            if result.confidence < 0.75 or result.kind not in ("place", "neighbourhood", "named_area"):
                continue
            mention = Mention(tokens[first].start, tokens[last].end, reader.sentence_of(tokens[first].start), surface,
                              reader.cue(first, last), reader.kind_hint(first, last))
            pick, how, _ = self._by_context([result], anchors, result)
            if pick is None:
                unresolved.append(Unresolved(mention.start, mention.end, surface,
                                             f"a spelling of {result.name} ({result.admin1}) far from the article's "
                                             "other places"))
                continue
            keep(self._place(result, self._name_for(surface, result), result.confidence * 0.9, "transliteration",
                             False, 0.0), mention)
