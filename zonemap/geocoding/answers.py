"""How ``zonemap geocode`` reports its answers: a JSON array or text, one entry per name given.

A batch repeats names (an event table names a few places many times), so each
distinct answer is formatted once and its text reused for every repeat.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from ..errors import GeocodeError
from .geocoder import GeocodeResult

FAILURES_LISTED = 5
"""How many unknown names the failure summary quotes."""

Answer = GeocodeResult | GeocodeError


def answer_record(name: object, answer: Answer) -> dict:
    """The JSON object of one answer: the result's fields, or ``found: false`` with suggestions.

    Parameters
    ----------
    name
        The name as given.
    answer
        Its result, or the error geocoding it raised.

    Returns
    -------
    dict
        Plain data (:meth:`GeocodeResult.to_dict` for a result).
    """
    if not isinstance(answer, GeocodeError):
        return answer.to_dict()
    return {"query": name if isinstance(name, str) else repr(name), "found": False, "error": answer.message,
            "ambiguous": getattr(answer, "ambiguous", False), "suggestions": getattr(answer, "suggestions", [])}


def describe_answer(name: object, answer: Answer) -> str:
    """The text report of one answer: the place, where it is, how it was found, the runners-up.

    Parameters
    ----------
    name
        The name as given.
    answer
        Its result, or the error geocoding it raised.

    Returns
    -------
    str
        One or more lines (no trailing line break).
    """
    if isinstance(answer, GeocodeError):
        return f"{name} -> NOT FOUND: {answer.message}"
    where = answer.where()
    how = answer.tier if answer.provider == "offline" else f"{answer.tier} via {answer.provider}"
    facts = [f"{answer.lat:.5f}, {answer.lon:.5f}", f"{how}, confidence {answer.confidence:.2f}"]
    codes = [c for c in (answer.pcode, answer.admin3_code, answer.admin1_code) if c]
    if codes:
        facts.append("codes " + " ".join(codes))
    if answer.geonameid:
        facts.append(f"GeoNames {answer.geonameid}")
    if answer.population:
        facts.append(f"population {answer.population:,}")
    lines = [f"{answer.query} -> {answer.name} ({answer.kind_label}{', ' + where if where else ''})", "    " + "; ".join(facts)]
    if answer.outside_country:
        lines.append("    outside the requested country: nothing there matches this name")
    if answer.low_confidence:
        lines.append("    low confidence: check it, or write the name as the gazetteer does")
    if answer.ambiguous:
        lines.append("    other places bear this name; the country, the context or prominence decided")
    for other in answer.candidates:
        lines.append(f"    also: {other.name} ({other.kind_label}, {other.where()}) {other.tier} {other.score:.2f}")
    return "\n".join(lines)


def write_answers(names: Sequence[object], answers: Sequence[Answer], stream: TextIO, *, as_json: bool = False) -> None:
    """Write the report of every name, in order: one JSON array (indented by 2) or text blocks, one line break after.

    Parameters
    ----------
    names
        The names as given.
    answers
        For each name, its result or error (as :func:`~zonemap.geocoding.geocode_all` returns them).
    stream
        Where to write.
    as_json
        A JSON array of :func:`answer_record` objects rather than :func:`describe_answer` text.
    """
    formatted: dict[tuple[object, int], str] = {}
    pieces = []
    for name, answer in zip(names, answers):
        # A repeated name shares its answer object (each distinct name is geocoded once).
        key = (name if isinstance(name, str) else repr(name), id(answer))
        text = formatted.get(key)
        if text is None:
            if as_json:
                # The object as it reads inside the array: indented one level.
                text = "  " + json.dumps(answer_record(name, answer), ensure_ascii=False, indent=2).replace("\n", "\n  ")
            else:
                text = describe_answer(name, answer)
            formatted[key] = text
        pieces.append(text)
    if as_json:
        stream.write("[\n" + ",\n".join(pieces) + "\n]\n" if pieces else "[]\n")
    else:
        stream.write("\n".join(pieces) + "\n")


def failure_summary(names: Sequence[object], answers: Sequence[Answer]) -> str | None:
    """One line saying how many names were not found, quoting the first few reasons; None if all were found.

    Parameters
    ----------
    names
        The names as given.
    answers
        For each name, its result or error.

    Returns
    -------
    str or None
    """
    failed = [answer for answer in answers if isinstance(answer, GeocodeError)]
    if not failed:
        return None
    quoted = "; ".join(error.message for error in failed[:FAILURES_LISTED])
    more = "; ..." if len(failed) > FAILURES_LISTED else ""
    return f"{len(failed)} of {len(names)} name(s) not found: {quoted}{more}"
