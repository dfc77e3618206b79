"""Scenario files: zones and incidents described by place names.

A scenario is YAML (or JSON) checked against the JSON Schema shipped as
``zonemap/schema/scenario.schema.json`` and then for what a schema cannot say
(exactly one geometry rule per zone, real calendar dates, known source ids…).
Every error names the file, the line and the field.

The format, with every field, is documented in the README and in the schema;
``examples/astana-2017.yaml`` is a complete example.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .errors import Origin, ScenarioError
from .escaping import safe_url

MAX_FILE_BYTES = 5 * 1024 * 1024
GEOMETRY_RULES = ("provinces", "province_part", "area", "towns", "geojson")
STATUSES = ("proposed", "agreed", "in force", "collapsed")
INCIDENT_TYPES = ("air strike", "shelling", "clashes", "ceasefire", "talks", "displacement", "aid", "other")
DEFAULT_BUFFER_KM = 5.0
CSV_COLUMNS = ("id", "date", "type", "place", "lat", "lon", "fatalities", "actors", "description", "source")
"""Columns of an incident table; ``date`` and ``type`` are required, and ``place`` or ``lat`` and ``lon``."""


@dataclass(frozen=True)
class Source:
    """A cited source (outlet, URL, date)."""

    id: str
    outlet: str
    title: str = ""
    url: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class GeometryRule:
    """How a zone's shape is built; exactly one kind per zone.

    Attributes
    ----------
    kind
        ``"provinces"`` (whole provinces), ``"province_part"`` (a province
        clipped to the buffered hull of member towns), ``"area"`` (a named
        area's buffered hull), ``"towns"`` (the buffered hull of towns) or
        ``"geojson"`` (a drawn shape).
    provinces, towns
        Names, as written.
    province, area
        Name, as written.
    geojson
        Path of the drawn shape, resolved against the scenario's folder.
    buffer_km
        Buffer around hulls; ``None`` for the default.
    """

    kind: str
    provinces: tuple[str, ...] = ()
    province: str | None = None
    towns: tuple[str, ...] = ()
    area: str | None = None
    geojson: Path | None = None
    buffer_km: float | None = None


@dataclass(frozen=True)
class Zone:
    """A de-escalation zone as described in a scenario."""

    id: str
    name: str
    rule: GeometryRule
    origin: Origin
    name_ar: str | None = None
    status: str = "agreed"
    guarantors: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    notes: str = ""
    approximate: bool | None = None


@dataclass(frozen=True)
class Incident:
    """An incident (strike, clashes, ceasefire, talks…) at a named place or coordinates."""

    date: dt.date
    type: str
    origin: Origin
    id: str | None = None
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    fatalities: int | None = None
    actors: tuple[str, ...] = ()
    description: str = ""
    source: Source | None = None


@dataclass(frozen=True)
class MapOptions:
    """Rendering options that belong to the scenario (the CLI may override them)."""

    tiles: str = "none"
    lang: str = "en"


@dataclass(frozen=True)
class Scenario:
    """A parsed, validated scenario.

    Attributes
    ----------
    name
        Short name used for output files (the file's stem).
    path
        The file it was read from, if any; drawn-shape paths are relative to its folder.
    """

    title: str
    zones: tuple[Zone, ...]
    name: str = "scenario"
    subtitle: str = ""
    as_of: dt.date | None = None
    country: str = "SY"
    sources: tuple[Source, ...] = ()
    incidents: tuple[Incident, ...] = ()
    incident_files: tuple[Path, ...] = ()
    map: MapOptions = field(default_factory=MapOptions)
    path: Path | None = None


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 surprises: dates stay strings, and only true/false are booleans
    (so ``country: NO`` is Norway, not False)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@lru_cache(maxsize=1)
def scenario_schema() -> dict:
    """The JSON Schema of scenario files (draft 2020-12)."""
    text = resources.files("zonemap").joinpath("schema/scenario.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def _path_text(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line_map(node: yaml.Node, origin: str | None, path: tuple = (), lines: dict | None = None,
              seen_nodes: set | None = None) -> dict[tuple, int]:
    """Line (1-based) of every mapping key and sequence item; rejects duplicate keys and aliases."""
    lines = {} if lines is None else lines
    seen_nodes = set() if seen_nodes is None else seen_nodes
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        # An alias is the same node again; allowing them lets a few lines expand
        # into billions of entries ("billion laughs").
        if id(node) in seen_nodes:
            raise ScenarioError("YAML anchors and aliases (& and *) are not supported; write the values out",
                                source=origin, location=f"line {node.start_mark.line + 1}, {_path_text(path)}")
        seen_nodes.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise ScenarioError(f"duplicate key {key!r}", source=origin,
                                    location=f"line {key_node.start_mark.line + 1}, {_path_text(path + (key,))}")
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, origin, path + (key,), lines, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, origin, path + (index,), lines, seen_nodes)
    return lines


def read_text_file(path: Path, kind: str, max_bytes: int) -> str:
    """Read a user's UTF-8 text file (a byte-order mark is accepted), or fail clearly.

    Parameters
    ----------
    path
        The file.
    kind
        What it is, for messages ("scenario file", "incident table"…).
    max_bytes
        Largest size accepted.

    Raises
    ------
    ScenarioError
        If the file is missing, a folder, unreadable, too large, not UTF-8 or
        contains NUL characters.
    """
    file = str(path)
    try:
        if path.is_dir():
            raise ScenarioError(f"is a folder, expected a {kind}", source=file)
        size = path.stat().st_size
        if size > max_bytes:
            raise ScenarioError(f"{kind} is {size:,} bytes; the limit is {max_bytes:,}", source=file)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{kind} not found", source=file) from None
    except OSError as error:
        raise ScenarioError(f"cannot read {kind}: {error.strerror}", source=file) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ScenarioError(f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the {kind} as UTF-8",
                            source=file, location=f"line {line}") from None
    if "\x00" in text:
        raise ScenarioError(f"{kind} contains NUL characters; expected UTF-8 text", source=file)
    return text


def parse_text(text: str, *, origin: str | None = None, fmt: str = "yaml") -> tuple[Any, dict[tuple, int]]:
    """Parse scenario text into plain data and a map from field path to line.

    Parameters
    ----------
    text
        The file's content.
    origin
        File name for error messages.
    fmt
        ``"yaml"`` or ``"json"``.

    Returns
    -------
    (data, lines)
        The parsed document and the line of each field (empty for JSON).

    Raises
    ------
    ScenarioError
        On malformed YAML/JSON or duplicate keys.
    """
    if fmt == "json":
        def no_duplicates(pairs):
            keys = [k for k, _ in pairs]
            for key in keys:
                if keys.count(key) > 1:
                    raise ScenarioError(f"duplicate key {key!r}", source=origin)
            return dict(pairs)

        def no_constant(name):
            raise ScenarioError(f"{name} is not a number; coordinates and counts must be finite", source=origin)

        try:
            return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant), {}
        except json.JSONDecodeError as error:
            raise ScenarioError(f"malformed JSON: {error.msg}", source=origin,
                                location=f"line {error.lineno}, column {error.colno}") from None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise ScenarioError("file has no content; expected a scenario with at least a title and zones", source=origin)
            lines = _line_map(node, origin)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = " ".join(p for p in (error.context, error.problem) if p)
        raise ScenarioError(f"malformed YAML: {problem}", source=origin, location=where) from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"malformed YAML: {error}", source=origin) from None
    except RecursionError:
        raise ScenarioError("malformed YAML: nested too deeply", source=origin) from None
    return data, lines


def schema_message(error: jsonschema.ValidationError) -> str:
    """A one-line, user-facing message for a JSON Schema error."""
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        return f"unknown field {', '.join(repr(e) for e in extra)}; allowed fields: {', '.join(allowed)}"
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(repr(v) for v in error.validator_value)}"
    if error.validator == "pattern" and error.schema.get("pattern", "").startswith("^[0-9]{4}"):
        return f"{error.instance!r} is not a date; expected YYYY-MM-DD"
    if error.validator == "pattern" and "a-z0-9" in error.schema.get("pattern", ""):
        return f"{error.instance!r} is not a valid id; use lower-case letters, digits and hyphens"
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        article = "an" if expected[0] in "aeiou" else "a"
        return f"expected {article} {expected}, got {type(error.instance).__name__} {error.instance!r:.60}"
    if error.validator in ("maxLength", "maxItems"):
        return f"too long ({len(error.instance)}; at most {error.validator_value})"
    if error.validator in ("minLength", "minItems"):
        return "must not be empty"
    return error.message


_SURROGATE = re.compile("[\ud800-\udfff]")


def _fix_text(data: Any, ctx: "_Context", path: tuple = ()) -> Any:
    """Join surrogate pairs (YAML's "\\ud83d\\ude42" escapes) and reject lone surrogates."""
    if isinstance(data, str):
        if not _SURROGATE.search(data):
            return data
        try:
            return data.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            raise ctx.error("contains an unpaired UTF-16 surrogate escape (\\uD800-\\uDFFF); write the character itself",
                            *path) from None
    if isinstance(data, dict):
        return {key: _fix_text(value, ctx, path + (key,)) for key, value in data.items()}
    if isinstance(data, list):
        return [_fix_text(value, ctx, path + (index,)) for index, value in enumerate(data)]
    return data


def _finite_numbers(data: Any, path: tuple = ()):
    """Yield the path of every NaN or infinite number (YAML's .nan, .inf)."""
    if isinstance(data, float) and not math.isfinite(data):
        yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _finite_numbers(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _finite_numbers(value, path + (index,))


class _Context:
    """File name and line map, for pointing errors at fields."""

    def __init__(self, origin: str | None, lines: dict[tuple, int]):
        self.origin = origin
        self.lines = lines

    def at(self, *path) -> Origin:
        line = None
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line:
                break
        return Origin(self.origin, _path_text(tuple(path)), line, tuple(path), self.lines)

    def error(self, message: str, *path) -> ScenarioError:
        return self.at(*path).error(message)

    def date(self, value: str | None, *path) -> dt.date | None:
        return parse_date(value, self.at(*path))


def parse_scenario(data: Any, *, origin: str | None = None, lines: dict[tuple, int] | None = None,
                   base_dir: Path | None = None, name: str = "scenario") -> Scenario:
    """Validate plain data (as parsed from YAML/JSON) and build a :class:`Scenario`.

    Parameters
    ----------
    data
        The parsed document.
    origin
        File name for error messages.
    lines
        Field path → line map from :func:`parse_text`.
    base_dir
        Folder that drawn-shape paths are relative to.
    name
        Short name for output files.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With file, line and field, for the first problem found.
    """
    ctx = _Context(origin, lines or {})
    if not isinstance(data, dict):
        raise ctx.error(f"expected a mapping with title, zones, incidents…; got {type(data).__name__}")
    for path in _finite_numbers(data):
        raise ctx.error("must be a finite number (NaN and infinity are not coordinates)", *path)
    data = _fix_text(data, ctx)
    validator = jsonschema.Draft202012Validator(scenario_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        error = min(errors, key=lambda e: (-len(e.absolute_path), e.validator != "additionalProperties"))
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            path.append(next(k for k in error.instance if k not in allowed))
        raise ctx.error(schema_message(error), *path)

    sources = []
    for i, s in enumerate(data.get("sources", [])):
        if "url" in s and safe_url(s["url"]) is None:
            raise ctx.error(f"{s['url']!r} is not an http(s) URL", "sources", i, "url")
        sources.append(Source(id=s["id"], outlet=s["outlet"], title=s.get("title", ""), url=s.get("url"),
                              date=ctx.date(s.get("date"), "sources", i, "date")))
    _unique([s.id for s in sources], ctx, "sources")
    by_id = {s.id: s for s in sources}

    zones = [_zone(z, i, ctx, base_dir) for i, z in enumerate(data["zones"])]
    _unique([z.id for z in zones], ctx, "zones")
    incidents = [incident_from_record(x, ctx.at("incidents", i), by_id) for i, x in enumerate(data.get("incidents", []))]
    options = data.get("map", {})
    return Scenario(
        title=data["title"], subtitle=data.get("subtitle", ""), as_of=ctx.date(data.get("as_of"), "as_of"),
        country=data.get("country", "SY").upper(), sources=tuple(sources), zones=tuple(zones),
        incidents=tuple(incidents), incident_files=tuple(_relative(Path(p), base_dir) for p in data.get("incident_files", [])),
        map=MapOptions(tiles=options.get("tiles", "none"), lang=options.get("lang", "en")),
        name=name,
    )


def _relative(path: Path, base_dir: Path | None) -> Path:
    return path if path.is_absolute() or base_dir is None else base_dir / path


def _unique(ids: list[str], ctx: _Context, section: str) -> None:
    seen = {}
    for index, value in enumerate(ids):
        if value in seen:
            raise ctx.error(f"id {value!r} is used twice (also at {section}[{seen[value]}])", section, index, "id")
        seen[value] = index


def _zone(z: dict, i: int, ctx: _Context, base_dir: Path | None) -> Zone:
    rules = [r for r in GEOMETRY_RULES if r in z]
    if not rules:
        raise ctx.error(f"zone {z['id']!r} has no geometry rule; give exactly one of: {', '.join(GEOMETRY_RULES)}", "zones", i)
    if len(rules) > 1:
        raise ctx.error(f"zone {z['id']!r} has {len(rules)} geometry rules ({', '.join(rules)}); give exactly one", "zones", i, rules[1])
    kind = rules[0]
    buffer_km = z.get("buffer_km")
    if kind == "provinces":
        if buffer_km is not None:
            raise ctx.error("buffer_km applies to hulls of towns or areas, not to whole provinces", "zones", i, "buffer_km")
        rule = GeometryRule(kind, provinces=tuple(z["provinces"]))
    elif kind == "province_part":
        part = z["province_part"]
        if buffer_km is not None:
            raise ctx.error("give buffer_km inside province_part", "zones", i, "buffer_km")
        rule = GeometryRule(kind, province=part["province"], towns=tuple(part["towns"]), buffer_km=part.get("buffer_km"))
    elif kind == "area":
        rule = GeometryRule(kind, area=z["area"], buffer_km=buffer_km)
    elif kind == "towns":
        rule = GeometryRule(kind, towns=tuple(z["towns"]), buffer_km=buffer_km)
    else:
        if buffer_km is not None:
            raise ctx.error("buffer_km does not apply to a drawn shape", "zones", i, "buffer_km")
        rule = GeometryRule(kind, geojson=_relative(Path(z["geojson"]), base_dir))
    valid_from = ctx.date(z.get("valid_from"), "zones", i, "valid_from")
    valid_to = ctx.date(z.get("valid_to"), "zones", i, "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise ctx.error(f"valid_to {valid_to} is before valid_from {valid_from}", "zones", i, "valid_to")
    return Zone(
        id=z["id"], name=z["name"], name_ar=z.get("name_ar"), status=z.get("status", "agreed"),
        guarantors=tuple(z.get("guarantors", [])), valid_from=valid_from, valid_to=valid_to, notes=z.get("notes", ""),
        approximate=z.get("approximate"), rule=rule, origin=ctx.at("zones", i),
    )


def incident_schema_validator() -> jsonschema.Draft202012Validator:
    """Validator for one incident (the ``incident`` definition of the scenario schema)."""
    schema = scenario_schema()
    return jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/incident"})


def parse_date(value: str | None, origin: Origin) -> dt.date | None:
    """An ISO ``YYYY-MM-DD`` date, or a :class:`ScenarioError` at ``origin``."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise origin.error(f"{value!r} is not a real calendar date; expected YYYY-MM-DD") from None


def incident_from_record(x: dict, origin: Origin, sources: dict[str, Source]) -> Incident:
    """Build an :class:`Incident` from a schema-valid record (from YAML, JSON or a CSV row).

    Raises
    ------
    ScenarioError
        For what the schema cannot check: place or coordinates (exactly one),
        unknown source ids, impossible dates.
    """
    has_place, has_lat, has_lon = "place" in x, "lat" in x, "lon" in x
    if has_lat != has_lon:
        raise origin.child("lat" if has_lat else "lon").error("give both lat and lon, or neither")
    if has_place == has_lat:
        raise origin.error("give either a place name or lat and lon (exactly one)")
    source = None
    if "source" in x:
        ref = x["source"]
        if ref in sources:
            source = sources[ref]
        elif safe_url(ref):
            source = Source(id="", outlet=ref, url=ref)
        else:
            known = ", ".join(sorted(sources)) or "none defined"
            raise origin.child("source").error(f"source {ref!r} is neither a source id (known: {known}) nor an http(s) URL")
    return Incident(
        date=parse_date(x["date"], origin.child("date")), type=x["type"], origin=origin,
        id=x.get("id"), place=x.get("place"), lat=x.get("lat"), lon=x.get("lon"), fatalities=x.get("fatalities"),
        actors=tuple(x.get("actors", [])), description=x.get("description", ""), source=source,
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path
        A ``.yaml``/``.yml`` or ``.json`` file.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If the file is missing, unreadable, malformed or invalid; the message
        names the file, line and field.
    """
    path = Path(path)
    text = read_text_file(path, "scenario file", MAX_FILE_BYTES)
    if not text.strip():
        raise ScenarioError("file is empty; expected a scenario with at least a title and zones", source=str(path))
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    data, lines = parse_text(text, origin=str(path), fmt=fmt)
    scenario = parse_scenario(data, origin=str(path), lines=lines, base_dir=path.parent, name=_output_name(path))
    return replace(scenario, path=path)


def _output_name(path: Path) -> str:
    """A safe file stem for outputs: the scenario's stem with odd characters replaced."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip(".-")
    return stem or "scenario"
