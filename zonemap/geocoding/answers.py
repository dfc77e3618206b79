"""How ``zonemap geocode`` reports its answers: a JSON array or text, one entry per name given.

A batch repeats names (an event table names a few places many times), so each
distinct answer is formatted once and its text reused for every repeat.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring
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
                text = "  " + indented_json(answer_record(name, answer), "  ")  # as it reads inside the array
            else:
                text = describe_answer(name, answer)
            formatted[key] = text
        pieces.append(text)
    if as_json:
        stream.write("[\n" + ",\n".join(pieces) + "\n]\n" if pieces else "[]\n")
    else:
        stream.write("\n".join(pieces) + "\n")


def indented_json(value: object, indent: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, twice as fast for plain records; nested at ``indent``.

    The standard library writes indented JSON in Python, one generator step per value; this joins each
    container's items at once, strings escaped by the same C function.

    Parameters
    ----------
    value
        Plain data: dicts with string keys, lists, tuples, strings, numbers, booleans, None.
    indent
        The indentation of the line ``value`` starts on (its inner lines get two more spaces).

    Returns
    -------
    str

    Raises
    ------
    TypeError
        For anything else.
    """
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, dict):
        inner = indent + "  "
        items = ",\n".join(f"{inner}{encode_basestring(key)}: {indented_json(item, inner)}" for key, item in value.items())
        return "{\n" + items + "\n" + indent + "}" if items else "{}"
    if isinstance(value, (list, tuple)):
        inner = indent + "  "
        items = ",\n".join(inner + indented_json(item, inner) for item in value)
        return "[\n" + items + "\n" + indent + "]" if items else "[]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value) if math.isfinite(value) else json.dumps(value)  # NaN, Infinity
    raise TypeError(f"not plain data: {type(value).__name__}")


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
