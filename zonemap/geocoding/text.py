"""Normalisation of place names for matching.

Place names in conflict reporting arrive in many transliterations of the same
Arabic original (Daraa, Dar'a, Deraa, Dar‘ā, درعا). Matching works on two keys
computed here, for the gazetteer at build time and for every query:

* :func:`name_key` folds case, diacritics, punctuation, Arabic articles and
  generic words such as "province"; two spellings that differ only in those
  share a key.
* :func:`skeleton_key` further reduces a Latin name to a consonant skeleton
  with common transliteration digraphs merged (ou/u, kh/x, q/k, sh/ch…), so
  that Sweida, Swaida and Suwayda meet. It is deliberately lossy and only
  consulted when the exact key finds nothing.
"""

from __future__ import annotations

import re
import unicodedata

# Hamza and ayn are written with many apostrophe-like marks, or not at all.
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʿʾʼʻ′‛"), None)

# Letters NFKD does not decompose into a base letter.
_LATIN_EXTRA = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"})

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ء": None, "ک": "ك", "ی": "ي"})

# Transliterations of the Arabic definite article, written as a separate word
# once hyphens become spaces ("As-Suwayda" -> "as suwayda").
LATIN_ARTICLES = frozenset(
    "al el ul il ar er as es ad ed az ez at et an en ash esh ech adh ath ed dh".split()
)

# Generic words that say what kind of place a name is rather than which.
GENERIC_WORDS = frozenset(
    "governorate province muhafazat muhafazah mohafazat region district countryside محافظه".split()
)
ADMIN_HINT_WORDS = frozenset("governorate province muhafazat muhafazah محافظه".split())

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)

_SKELETON_DIGRAPHS = [
    ("tch", "c"), ("sch", "s"), ("dj", "j"), ("dh", "d"), ("kh", "x"), ("gh", "g"),
    ("sh", "s"), ("ch", "s"), ("th", "t"), ("ph", "f"), ("zh", "j"), ("ou", "u"),
    ("q", "k"), ("c", "k"), ("z", "s"),
]
_SKELETON_DROP = re.compile("[aeiouwy]")
_DOUBLED = re.compile(r"(.)\1+")


def fold_words(text: str) -> list[str]:
    """The words of :func:`fold`, as a list."""
    if text.isascii():
        text = text.lower().translate(_APOSTROPHES)
    else:
        text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
        text = text.translate(_LATIN_EXTRA)
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
        text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    return _NON_WORD.sub(" ", text).replace("_", " ").split()


def fold(text: str) -> str:
    """Return ``text`` lower-cased, without diacritics or apostrophes.

    Arabic script is normalised too: short vowels and tatweel removed, the
    alef, ta marbuta and alef maqsura variants unified.

    Parameters
    ----------
    text
        Any string.

    Returns
    -------
    str
        The folded string, words separated by single spaces.
    """
    return " ".join(fold_words(text))


def _strip_article(word: str) -> str:
    if word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


def name_words(text: str) -> list[str]:
    """Split a name into folded words without articles or generic words.

    Parameters
    ----------
    text
        A place name in any script.

    Returns
    -------
    list of str
        The significant words; if stripping would leave nothing, the folded
        words themselves.
    """
    return _significant(fold_words(text))


def _significant(words: list[str]) -> list[str]:
    kept = []
    for i, word in enumerate(words):
        if word in LATIN_ARTICLES and i + 1 < len(words):
            continue
        word = _strip_article(word)
        if word in GENERIC_WORDS:
            continue
        kept.append(word)
    return kept or words


def name_key(text: str) -> str:
    """Return the exact-match key of a place name.

    Parameters
    ----------
    text
        A place name in any script.

    Returns
    -------
    str
        The key; empty if ``text`` has no letters or digits.

    Examples
    --------
    >>> name_key("As-Suwayda'") == name_key("al Suwayda")
    True
    >>> name_key("محافظة إدلب") == name_key("ادلب")
    True
    """
    return " ".join(name_words(text))


def skeleton_key(text: str) -> str:
    """Return the transliteration-tolerant key of a place name.

    Latin names lose vowels, w and y, doubled letters and a final h, and common
    digraphs are merged; an initial vowel is kept as ``a`` because it is often
    all that tells two short names apart. Names in other scripts keep their
    :func:`name_key`.

    Parameters
    ----------
    text
        A place name, or a key from :func:`name_key`.

    Returns
    -------
    str
        The skeleton, words joined by spaces.
    """
    skeletons = []
    for word in name_key(text).split():
        if not word.isascii():
            skeletons.append(word)
            continue
        if len(word) > 2 and word.endswith("h") and word[-2] in "aeiou":
            word = word[:-1]
        initial = "a" if word[0] in "aeiouy" else ""
        for digraph, replacement in _SKELETON_DIGRAPHS:
            word = word.replace(digraph, replacement)
        word = _DOUBLED.sub(r"\1", _SKELETON_DROP.sub("", word))
        skeletons.append(initial + word)
    return " ".join(skeletons)


def analyse_name(text: str) -> tuple[str, bool]:
    """Return ``(name_key(text), has_admin_hint(text))`` with one pass of folding."""
    words = fold_words(text)
    return " ".join(_significant(words)), not ADMIN_HINT_WORDS.isdisjoint(words)


def has_admin_hint(text: str) -> bool:
    """Tell whether a name says it means a province ("Idlib province").

    Parameters
    ----------
    text
        A place name.

    Returns
    -------
    bool
        True if one of its words names an administrative division.
    """
    return not ADMIN_HINT_WORDS.isdisjoint(fold_words(text))
