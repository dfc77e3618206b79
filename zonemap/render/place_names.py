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

import numpy as np
import pandas as pd

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
                                lang: str) -> tuple[pd.Categorical, pd.Categorical]:
    """Each incident's place label in ``lang`` and its name in the other script.

    Event tables name the same few places many times: each distinct place is
    worked out once, and the results are categoricals (a code per incident).

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
        One value per incident; ``others`` is missing where no other name is known.
    """
    place_codes, distinct_places = pd.factorize(_as_series(places), sort=False)
    label_codes, distinct_labels = pd.factorize(_as_series(labels), sort=False)
    named = []
    for place in distinct_places:
        found = resolved.get(place)
        named.append(label_in_language(lang, place, getattr(found, "name", None), getattr(found, "name_ar", None)))
    names = list(dict.fromkeys([*distinct_labels, *(label for label, _ in named),
                                *(other for _, other in named if other is not None)]))
    position = {name: index for index, name in enumerate(names)}
    # A last entry of -1 (missing) for the code -1 of a missing place or label.
    label_of_place = np.array([position[label] for label, _ in named] + [-1], dtype=np.int64)
    other_of_place = np.array([-1 if other is None else position[other] for _, other in named] + [-1], dtype=np.int64)
    kept_label = np.array([position[label] for label in distinct_labels] + [-1], dtype=np.int64)
    label_codes = np.where(place_codes >= 0, label_of_place[place_codes], kept_label[label_codes])
    return (pd.Categorical.from_codes(label_codes, categories=names),
            pd.Categorical.from_codes(other_of_place[place_codes], categories=names))


def _as_series(values: Iterable) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
