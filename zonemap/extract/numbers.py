"""Numbers written in words or figures, as news reports write counts and durations."""

from __future__ import annotations

import re

_UNITS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}

NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_SCALES)

NUMBER = (r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?:thousand|million))?"
          r"|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven"
          r"|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
          r"|sixteen|seventeen|eighteen|nineteen)(?:\s+(?:hundred|thousand|million))?|an?|single|both")
"""A regular expression for one count ("12", "1,200", "2.5 million", "twenty-one", "a")."""


def parse_number(text: str) -> float | None:
    """The value of a count written in figures or words.

    Parameters
    ----------
    text
        "12", "1,200", "2.5 million", "twenty-one", "a", "three hundred"…

    Returns
    -------
    float or None
        None when ``text`` is not a count.

    Examples
    --------
    >>> parse_number("twenty-one"), parse_number("2.5 million"), parse_number("a")
    (21.0, 2500000.0, 1.0)
    """
    words = re.split(r"[\s-]+", text.strip().lower())
    if not words or not words[0]:
        return None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", words[0]):
        value = float(words[0].replace(",", ""))
        for word in words[1:]:
            if word not in _SCALES:
                return None
            value *= _SCALES[word]
        return value
    total, current = 0.0, 0.0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] > 100:
                total, current = total + current, 0.0
        else:
            return None
    return total + current
