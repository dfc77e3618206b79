"""Incidents as compact columns for the interactive map.

A page with one JavaScript object (or one DOM marker) per incident stops
loading somewhere past 10,000 incidents. The map's script instead reads the
incidents as typed arrays — coordinates, day numbers, type and fatalities,
and for each text field a code into a table of its distinct values — from one
binary block, built here with numpy and pandas, column by column. Popups are
put together in the browser, on click, from those columns.

The block is embedded as base64 (deflated when large; the browser inflates it
with its own ``DecompressionStream``). Base64 has no character that HTML or
JavaScript could read as markup or code, and the strings inside it reach the
page through ``JSON.parse`` and ``textContent`` only (see
:mod:`zonemap.escaping`).
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from ..incidents.formats import day_numbers
from .style import INCIDENT_STYLES

COORDINATE_SCALE = 100_000
"""Coordinates are sent as whole multiples of 1/COORDINATE_SCALE degree (about 1 m)."""

TYPE_ORDER = tuple(INCIDENT_STYLES)
"""Incident types in the order of the page's type codes."""

DEFLATE_ABOVE = 64 * 1024
"""Blocks larger than this many bytes are deflated; smaller pages then need no DecompressionStream."""

_JSON_ESCAPES = {character: json.dumps(character)[1:-1] for character in ["\\", '"', *map(chr, range(0x20))]}
"""What JSON writes for each character it escapes (all others are written as they are)."""
_JSON_ESCAPED = r'[\x00-\x1f"\\]'
"""The same characters, as a regular expression."""

_JS_ARRAY = {np.dtype("<i4"): "Int32Array", np.dtype("<u4"): "Uint32Array", np.dtype("<u2"): "Uint16Array",
             np.dtype("u1"): "Uint8Array"}


def _codes(values: Sequence[int] | np.ndarray, count: int) -> np.ndarray:
    """Codes 0..count-1 in the smallest unsigned type that holds them."""
    dtype = "u1" if count <= 0xFF else "<u2" if count <= 0xFFFF else "<u4"
    return np.asarray(values).astype(dtype)


def _factorized(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (0 for a missing value, then 1, 2… in order of first appearance) and the distinct values.

    Arrow-backed strings and categoricals are coded by pandas without a
    Python object per row; only the distinct values become Python objects.
    """
    codes, uniques = pd.factorize(values, sort=False)
    return codes + 1, np.asarray(uniques, dtype=object)


def _text(value) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def _text_column(values: pd.Series, order: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Codes of a text column, rows in ``order``, and its distinct values (missing values become "")."""
    codes, uniques = _factorized(values)
    return _codes(codes[order], len(uniques) + 1), ["", *map(_text, uniques)]


def _joined_column(values: pd.Series, order: np.ndarray, join) -> tuple[np.ndarray, list[str]]:
    """Codes of a column of tuples, rows in ``order``, and each distinct tuple made into text by ``join``."""
    codes, uniques = pd.factorize(values, sort=False)
    return _codes(codes[order], len(uniques)), [join(value) for value in uniques]


def _distinct_rows(columns: Sequence[pd.Series | np.ndarray], order: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Codes of the distinct rows of equal-length columns, rows in ``order``, and the columns' values in each distinct row.

    Fields that go together (a place with its coordinates, province and
    country; a source with its link) are coded once per distinct
    combination: they repeat as often as the places and sources do. The
    codes of each column are folded into those of the row one column at a
    time, which keeps every intermediate key below (number of rows)².
    """
    codes = np.zeros(len(order), dtype=np.int64)
    for values in columns:
        column_codes, uniques = _factorized(values)
        codes, _ = pd.factorize(codes * (len(uniques) + 1) + column_codes, sort=False)
    count = int(codes.max()) + 1 if len(codes) else 0
    first = np.empty(count, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write is the first occurrence
    return _codes(codes[order], count), [_taken(values, first) for values in columns]


def _taken(values: pd.Series | np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The values at ``rows``, as Python objects."""
    if isinstance(values, pd.Series):
        return values.iloc[rows].to_numpy(dtype=object)
    return np.asarray(values[rows], dtype=object)


def _place_text(label: str, matched: str, admin3: str, admin2: str, admin1: str, country: str,
                words: tuple[str, str] = ("{name} sub-district", "{name} district")) -> str:
    """"Douma (Duma), Duma sub-district, Duma district, Rif Dimashq, SY": the place and the units it lies in."""
    label, matched, admin3, admin2, admin1, country = map(_text, (label, matched, admin3, admin2, admin1, country))
    place = label if matched in ("", label) else f"{label} ({matched})"
    units = [words[0].format(name=admin3) if admin3 else "", words[1].format(name=admin2) if admin2 else "",
             admin1 if admin1 != label else ""]
    return ", ".join(part for part in (place, *units, country) if part)


def _string_array(values: pd.Series) -> pa.Array:
    """A column as Arrow strings (missing values as ""): arrow-backed text is shared, not copied."""
    strings = pa.array(values, from_pandas=True)
    if isinstance(strings, pa.ChunkedArray):  # a column pandas put together from several tables
        strings = strings.combine_chunks()
    if not pa.types.is_large_string(strings.type):
        strings = strings.cast(pa.large_string())
    return strings.fill_null("")


def json_strings(strings: pa.Array) -> bytes:
    """A JSON array of Arrow strings, as UTF-8, put together by Arrow without a Python object per string.

    Parameters
    ----------
    strings
        Arrow ``large_string`` values, none missing.

    Returns
    -------
    bytes
        The same text as ``json.dumps(list_of_strings, ensure_ascii=False, separators=(",", ":"))``.
    """
    if len(strings) == 0:
        return b"[]"
    if pc.any(pc.match_substring_regex(strings, _JSON_ESCAPED)).as_py():
        for character in _JSON_ESCAPES:  # the backslash first: the escapes added after it contain one
            strings = pc.replace_substring(strings, character, _JSON_ESCAPES[character])
    whole = pa.LargeListArray.from_arrays(pa.array([0, len(strings)], pa.int64()), strings)
    joined = pc.binary_join(whole, pa.scalar('","', pa.large_string()))[0]
    return b'["' + joined.as_buffer().to_pybytes() + b'"]'


def incident_columns(incidents: gpd.GeoDataFrame, links: pd.DataFrame, zone_names: Mapping[str, str],
                     unit_words: tuple[str, str] = ("{name} sub-district", "{name} district"),
                     ) -> tuple[dict[str, np.ndarray], dict[str, list | pa.Array]]:
    """The incidents as numeric columns and text tables, sorted by date.

    Every column is coded as it is stored (Arrow strings, categoricals,
    tuples) and only then put in date order: no column is turned into one
    Python object per incident, so a million incidents cost a few arrays of
    integers, not gigabytes of strings.

    Parameters
    ----------
    incidents
        A briefing's incidents (see :data:`zonemap.incidents.INCIDENT_COLUMNS`).
    links
        The briefing's zone/incident links (``zone_id``, ``incident_id``).
    zone_names
        Display name of each zone by id, in the map's order.
    unit_words
        How to write "X sub-district" and "X district" in the map's language (``{name}`` templates).

    Returns
    -------
    (columns, texts)
        ``columns``: equal-length arrays, one value per incident: ``site``
        (a code into the distinct places with their coordinates: ``siteLat``
        and ``siteLon`` in 1/:data:`COORDINATE_SCALE` degrees, texts
        ``label``, ``other`` (the place's name in the other script, from an
        optional ``label_other`` column) and ``place``), ``day`` (days since 1970), ``type``
        (index into :data:`TYPE_ORDER`), ``fatalities`` (-1 when unknown),
        ``sourceDay`` (-1 when unknown) and codes into text tables
        (``source`` into ``outlet`` and ``url``, ``actors``, ``zones``,
        ``description``); then the links, ``linkZone`` (index into
        ``zone_names``) and ``linkIncident`` (row). ``texts``: ``id`` (one
        per incident, as Arrow strings: see :func:`json_strings`) and the
        text tables (lists of str).
    """
    days = day_numbers(incidents["date"])
    order = np.argsort(days, kind="stable")

    columns: dict[str, np.ndarray] = {}
    ids = _string_array(incidents["id"])
    texts: dict[str, list | pa.Array] = {"id": ids.take(pa.array(order))}
    # Exports of events placed at towns repeat the same places and coordinates many times over.
    points = incidents.geometry.to_numpy()
    other_names = incidents["label_other"] if "label_other" in incidents else np.full(len(order), None, dtype=object)
    columns["site"], (lat, lon, label, other, matched, admin3, admin2, admin1, country) = _distinct_rows(
        [np.round(shapely.get_y(points) * COORDINATE_SCALE).astype(np.int64),
         np.round(shapely.get_x(points) * COORDINATE_SCALE).astype(np.int64), incidents["label"], other_names,
         *(incidents[name] for name in ("matched_place", "admin3", "admin2", "admin1", "country"))], order)
    columns["siteLat"], columns["siteLon"] = lat.astype("<i4"), lon.astype("<i4")
    texts["label"] = [_text(value) for value in label]
    texts["other"] = [_text(value) for value in other]
    texts["place"] = [_place_text(*row, words=unit_words) for row in zip(label, matched, admin3, admin2, admin1, country)]
    columns["day"] = days[order].astype("<i4")
    type_codes, kinds = pd.factorize(incidents["type"], sort=False)
    kind_codes = pd.Categorical(np.asarray(kinds, dtype=object), categories=TYPE_ORDER).codes
    kind_codes = np.append(np.where(kind_codes < 0, TYPE_ORDER.index("other"), kind_codes), TYPE_ORDER.index("other"))
    columns["type"] = kind_codes[type_codes[order]].astype("u1")
    fatalities = pd.array(incidents["fatalities"], dtype="Int64").to_numpy(dtype="int64", na_value=-1)[order]
    columns["fatalities"] = fatalities.astype("<i4")
    columns["sourceDay"] = day_numbers(incidents["source_date"])[order].astype("<i4")
    columns["source"], (outlet, url) = _distinct_rows([incidents["source_outlet"], incidents["source_url"]], order)
    texts["outlet"], texts["url"] = [_text(value) for value in outlet], [_text(value) for value in url]
    columns["actors"], texts["actors"] = _joined_column(incidents["actors"], order, ", ".join)
    columns["zones"], texts["zones"] = _joined_column(incidents["zones"], order,
                                                      lambda ids: ", ".join(zone_names[z] for z in ids))
    columns["description"], texts["description"] = _text_column(incidents["description"], order)

    row = np.empty(len(order), dtype=np.int64)
    row[order] = np.arange(len(order))  # each incident's row once sorted
    found = pc.index_in(_string_array(links["incident_id"]), value_set=ids).to_numpy(zero_copy_only=False)
    zone_of = pd.Index(list(zone_names)).get_indexer(links["zone_id"])
    columns["linkZone"] = _codes(zone_of, len(zone_names))
    columns["linkIncident"] = row[found.astype(np.int64)].astype("<u4")
    return columns, texts


def encode_columns(columns: Mapping[str, np.ndarray], texts: Mapping[str, list | pa.Array]) -> dict:
    """Pack columns and text tables into one base64 block with a table of contents.

    Parameters
    ----------
    columns
        Named numeric arrays (int32, uint32, uint16 or uint8).
    texts
        Named lists of strings, or Arrow string arrays (for tables as long
        as the incidents), stored as one UTF-8 JSON document.

    Returns
    -------
    dict
        JSON-ready: ``data`` (base64), ``deflate`` (whether ``data`` is
        zlib-compressed), ``arrays`` (name → [typed array name, byte offset,
        length]) and ``texts`` ([byte offset, byte length] of the JSON).
    """
    chunks, arrays, offset = [], {}, 0
    for name, values in columns.items():
        raw = np.ascontiguousarray(values).tobytes()
        arrays[name] = [_JS_ARRAY[values.dtype], offset, len(values)]
        padding = -len(raw) % 4  # typed arrays start at multiples of their element size
        chunks += [raw, b"\0" * padding]
        offset += len(raw) + padding
    members = []
    for name, values in texts.items():
        text = json_strings(values) if isinstance(values, pa.Array) else json.dumps(
            values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        members += [b"," if members else b"{", json.dumps(name).encode("utf-8"), b":", text]
    members.append(b"}" if members else b"{}")
    chunks += members
    text_length = sum(map(len, members))
    deflate = offset + text_length > DEFLATE_ABOVE
    if deflate:
        packer = zlib.compressobj(3)  # 6 and above take several times longer, for 5% less
        block = b"".join([*map(packer.compress, chunks), packer.flush()])
    else:
        block = b"".join(chunks)
    del chunks, members
    return {"data": base64.b64encode(block).decode("ascii"), "deflate": deflate, "arrays": arrays,
            "texts": [offset, text_length]}
