"""Place names in the map's language, and the other script for the popup.

A scenario may name a place in either script ("Douma" or "دوما"). The map
labels it in its own language, using the gazetteer's name of the place it
was resolved to, and keeps the name in the other script for the popup: an
English map never shows an Arabic label, an Arabic map shows the Arabic name
wherever the gazetteer knows one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def is_arabic(text: str | None) -> bool:
    """Whether ``text`` is written mainly in Arabic script (more Arabic letters than Latin ones)."""
    if not text:
        return False
    arabic = len(_ARABIC.findall(text))
    latin = sum(1 for character in text if character.isascii() and character.isalpha())
    return arabic > latin


def names_by_script(written: str | None, english: str | None, arabic: str | None) -> tuple[str | None, str | None]:
    """The Latin-script and the Arabic-script name of a place.

    Parameters
    ----------
    written
        The name as the scenario wrote it (either script), or None.
    english, arabic
        The gazetteer's names of the place it resolved to (None where unknown).

    Returns
    -------
    (latin, arabic)
        The name as written wins in its own script; the gazetteer fills the other.
    """
    if written and is_arabic(written):
        return english or None, written
    return written or english or None, arabic or None


def label_in_language(lang: str, written: str | None, english: str | None, arabic: str | None) -> tuple[str, str | None]:
    """A place's label in ``lang`` and its name in the other script (None when unknown or the same).

    Falls back to whatever name exists when none is known in ``lang``.
    """
    latin, arabic_name = names_by_script(written, english, arabic)
    first, second = (arabic_name, latin) if lang == "ar" else (latin, arabic_name)
    label = first or second or written or ""
    other = second if first and second and second != first else None
    return label, other


def incident_labels_in_language(places: Iterable[str | None], labels: Iterable[str], resolved: Mapping[str, object],
                                lang: str) -> tuple[list[str], list[str | None]]:
    """Each incident's place label in ``lang`` and its name in the other script.

    Parameters
    ----------
    places
        The incidents' ``place`` as written (None for incidents given by coordinates).
    labels
        Their current labels (:func:`zonemap.incidents.join.incident_labels`), kept for coordinates.
    resolved
        Gazetteer place (with ``name`` and ``name_ar``) by name as written: a briefing's resolutions.
    lang
        The map's language.

    Returns
    -------
    (labels, others)
    """
    out_labels, others = [], []
    by_place: dict[str, tuple[str, str | None]] = {}  # event tables name the same few places many times
    for place, label in zip(places, labels):
        if place is None:
            out_labels.append(label)
            others.append(None)
            continue
        named = by_place.get(place)
        if named is None:
            found = resolved.get(place)
            named = by_place[place] = label_in_language(lang, place, getattr(found, "name", None),
                                                        getattr(found, "name_ar", None))
        out_labels.append(named[0])
        others.append(named[1])
    return out_labels, others
