"""An article's text: reading it (plain text or a saved web page), its sentences and its headline.

Every position the extractor reports is a character offset into the file the
analyst gave: for plain text, offsets into its text (after a byte-order mark);
for a saved web page, offsets into the HTML source, found through a map kept
while the page is turned into text.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from ..errors import ArticleError, ScenarioError
from ..scenario.files import read_text_file

MAX_ARTICLE_BYTES = 2 * 1024 * 1024
"""Largest article read: far more than any news article, small enough to answer in well under a second."""


@dataclass(frozen=True)
class Article:
    """The text of an article and where it came from.

    Attributes
    ----------
    text
        The text the extractor reads (for a web page, its visible text, one
        block a line).
    name
        The file it was read from, ``"<stdin>"``, or ``"<text>"``.
    positions
        For a web page, the offset in the HTML source of each character of
        ``text`` (with one more entry for the end); empty for plain text,
        whose offsets are the source's own.
    """

    text: str
    name: str = "<text>"
    positions: tuple[int, ...] = field(default=(), repr=False)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the source file of ``text[start:end]``.

        Parameters
        ----------
        start, end
            Offsets into :attr:`text`.

        Returns
        -------
        (int, int)
            Offsets into the file the article was read from.
        """
        if not self.positions:
            return start, end
        last = self.positions[max(end - 1, start)] + 1 if end > start else self.positions[start]
        return self.positions[start], last


_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article header footer aside nav blockquote "
    "figure figcaption time dd dt main title pre hr".split()
)
_HIDDEN_TAGS = frozenset("script style noscript template svg head iframe object".split())


class _TextCollector(HTMLParser):
    """Collects the visible text of a page with the source offset of every character."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.chars: list[str] = []
        self.positions: list[int] = []
        self._hidden = 0
        self._title = False

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _newline(self) -> None:
        if self.chars and self.chars[-1] != "\n":
            self.chars.append("\n")
            self.positions.append(self._offset())

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN_TAGS and tag != "head":
            self._hidden += 1
        if tag in _BLOCK_TAGS:
            self._newline()

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag):
        if tag in _HIDDEN_TAGS and tag != "head":
            self._hidden = max(0, self._hidden - 1)
        if tag in _BLOCK_TAGS:
            self._newline()

    def _add(self, text: str, offsets: list[int]) -> None:
        if self._hidden:
            return
        for ch, offset in zip(text, offsets):
            if ch.isspace():
                if not self.chars or self.chars[-1].isspace():
                    continue
                ch = " "
            self.chars.append(ch)
            self.positions.append(offset)

    def handle_data(self, data):
        start = self._offset()
        self._add(data, list(range(start, start + len(data))))

    def _reference(self, text: str) -> None:
        value = unescape(text)
        self._add(value, [self._offset()] * len(value))

    def handle_entityref(self, name):
        self._reference(f"&{name};")

    def handle_charref(self, name):
        self._reference(f"&#{name};")


def looks_like_html(text: str) -> bool:
    """True if ``text`` is a web page rather than plain text (it opens with markup and has paragraph or body tags)."""
    head = text.lstrip()[:1000].lower()
    return head.startswith("<") and re.search(r"<(?:html|body|p|div|article|!doctype)\b", text[:200_000], re.I) is not None


def article_from_html(source: str, name: str = "<html>") -> Article:
    """The visible text of a saved web page, with a map back to the HTML source.

    Scripts, styles and other invisible parts are left out; block elements
    (paragraphs, headings, list items, line breaks…) end a line; runs of white
    space become one space; entities are decoded.

    Parameters
    ----------
    source
        The HTML.
    name
        Where it came from, for messages.

    Returns
    -------
    Article
    """
    collector = _TextCollector(source)
    collector.feed(source)
    collector.close()
    chars, positions = collector.chars, collector.positions
    lines, kept = [], []
    for ch, position in zip(chars, positions):
        if ch == " " and (not lines or lines[-1] == "\n"):
            continue
        if ch == "\n" and lines and lines[-1] == " ":
            lines.pop()
            kept.pop()
        lines.append(ch)
        kept.append(position)
    text = "".join(lines)
    return Article(text, name, tuple(kept) + ((kept[-1] + 1,) if kept else (0,)))


def read_article(source: str | Path) -> Article:
    """Read an article from a file (plain text or a saved web page), or from standard input for ``"-"``.

    Parameters
    ----------
    source
        A path, or ``"-"`` for standard input; at most
        :data:`MAX_ARTICLE_BYTES`.

    Returns
    -------
    Article

    Raises
    ------
    ArticleError
        If the file is missing, unreadable, too large, not UTF-8 text, or empty.
    """
    if str(source) == "-":
        name = "<stdin>"
        raw = sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1)
        if len(raw) > MAX_ARTICLE_BYTES:
            raise ArticleError(f"article is more than {MAX_ARTICLE_BYTES:,} bytes", source=name)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ArticleError(f"article is not UTF-8 text (byte {error.start})", source=name) from None
        if "\x00" in text:
            raise ArticleError("article contains NUL characters; expected text", source=name)
    else:
        name = str(source)
        try:
            text = read_text_file(Path(source), "article", MAX_ARTICLE_BYTES)
        except ScenarioError as error:
            raise ArticleError(error.message, source=error.source, location=error.location) from None
    if not text.strip():
        raise ArticleError("article is empty; expected the text of a news report", source=name)
    if looks_like_html(text):
        return article_from_html(text, name)
    return Article(text, name)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article: its offsets in :attr:`Article.text`, its paragraph and its text."""

    start: int
    end: int
    paragraph: int
    text: str


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen col lt maj capt sgt st no vs etc jan feb mar apr jun jul aug sep sept oct nov dec "
    "u.s u.n u.k e.g i.e approx prof rev sen rep gov".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9\u0600-\u06ff])")
_DATELINE = re.compile(r"(?m)^[ \t]*[A-Z][A-Z'.\- ]{1,40}(?:,[ \t]*[A-Z][A-Za-z'.\- ]{1,40})?[ \t]*(?:\([^)\n]{1,40}\)[ \t]*)?"
                       r"(?:—|–|--|-|//)[ \t]+")
_LINE_END = re.compile(r"[.!?:\"'”’)\]]\s*$")
_SHORT_LINE = 0.6
_WRAP_WIDTH = 50
"""A line shorter than this share of the article's usual line length ends its sentence (a headline, a byline)."""


def _line_breaks(text: str) -> set[int]:
    """Offsets where a line ends a sentence.

    Text written one paragraph (or one headline) a line ends a sentence at
    every line end. Text wrapped at a fixed width (lines of 50 characters or
    more, most of them ending mid-sentence) continues its sentences on the
    next line: there a line ends one only before a blank line, after closing
    punctuation, or when it is much shorter than the others (a headline).
    """
    lines = [m for m in re.finditer(r"[^\n]*\n?", text) if m.group().strip()]
    lengths = sorted(len(m.group().strip()) for m in lines)
    usual = lengths[int(0.75 * (len(lengths) - 1))] if lengths else 0
    continued = [m for m in lines if m.group().endswith("\n") and not re.match(r"[ \t\r]*(?:\n|$)", text[m.end():])]
    open_ended = sum(1 for m in continued if not _LINE_END.search(m.group().rstrip("\n")))
    wrapped = usual >= _WRAP_WIDTH and continued and open_ended >= len(continued) / 2
    breaks = set()
    for line in lines:
        end = line.end()
        body = line.group().rstrip("\n")
        blank_after = re.match(r"[ \t\r]*(?:\n|$)", text[end:]) is not None
        if not wrapped or blank_after or _LINE_END.search(body) or len(body.strip()) < _SHORT_LINE * usual:
            breaks.add(end)
    return breaks


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences: at a full stop, question or exclamation mark followed by a capital, and at line ends.

    Abbreviations ("Gen.", "U.S."), initials and decimal numbers do not end a
    sentence. A line end ends one only where the line is not wrapped text
    (see :func:`_line_breaks`), and a dateline ("ASTANA, KAZAKHSTAN // ",
    "DAMASCUS — ") is a sentence of its own. A blank line starts a new
    paragraph.

    Parameters
    ----------
    text
        The article's text.

    Returns
    -------
    list of Sentence
        Non-empty sentences in order, without surrounding white space.
    """
    sentences: list[Sentence] = []
    bounds = sorted(_line_breaks(text) | {m.end() for m in _DATELINE.finditer(text)} | {len(text)})
    chunk_start = 0
    for chunk_end in bounds:
        start = chunk_start
        for match in _SENTENCE_END.finditer(text, chunk_start, chunk_end):
            word = re.search(r"(\S+)$", text[start:match.start()])
            last = word.group(1).lower().rstrip(".") if word else ""
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            _add_sentence(sentences, text, start, match.end())
            start = match.end()
        _add_sentence(sentences, text, start, chunk_end)
        chunk_start = chunk_end
    return _renumber_paragraphs(sentences, text)


def _add_sentence(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + chunk.index(stripped)
        sentences.append(Sentence(offset, offset + len(stripped), 0, stripped))


def _renumber_paragraphs(sentences: list[Sentence], text: str) -> list[Sentence]:
    """Paragraph numbers from blank lines between sentences."""
    out, paragraph = [], 0
    for index, sentence in enumerate(sentences):
        if index and "\n\n" in text[sentences[index - 1].end:sentence.start].replace("\r", ""):
            paragraph += 1
        out.append(Sentence(sentence.start, sentence.end, paragraph, sentence.text))
    return out


def headline(text: str, sentences: list[Sentence]) -> Sentence | None:
    """The article's headline: its first line of three to twenty-five words that is not a date, byline or site name.

    Parameters
    ----------
    text
        The article's text.
    sentences
        Its sentences (:func:`split_sentences`).

    Returns
    -------
    Sentence or None
    """
    from .dates import has_full_date

    for sentence in sentences[:12]:
        words = sentence.text.split()
        if not 3 <= len(words) <= 25 or has_full_date(sentence.text) or sentence.text.endswith((".", ":")):
            continue
        if re.match(r"(?i)(by|updated|published|posted|share|home|menu)\b", sentence.text):
            continue
        return sentence
    return None
