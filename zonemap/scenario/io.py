"""Reading and writing scenario files (YAML or JSON).

A scenario file is checked against the JSON Schema shipped as
``zonemap/scenario/scenario.schema.json`` (types, required fields, limits),
then turned into the model of :mod:`zonemap.scenario.model`, whose classes
check what a schema cannot say (exactly one geometry rule per zone, real
calendar dates, known source ids…). Every error names the file, the line and
the field.

The format, with every field, is documented in the README and in the schema;
``examples/astana-2017.yaml`` is a complete example.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from ..errors import Origin, ScenarioError
from ..escaping import safe_url
from ..export.publish import write_atomically
from ..settings import Settings
from .files import read_text_file
from .model import (Corridor, FixedPoint, Incident, IncidentFile, MapOptions, ProvincePart, Scenario, Source, StatusChange,
                    Zone, field_names,
                    parse_date)

CSV_COLUMNS = ("id", "date", "type", "place", "lat", "lon", "fatalities", "actors", "description", "source")
"""Columns of an incident table; ``date`` and ``type`` are required, and ``place`` or ``lat`` and ``lon``."""


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
    text = resources.files("zonemap.scenario").joinpath("scenario.schema.json").read_text(encoding="utf-8")
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
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError("a mapping key must be a plain name, not a list or mapping (YAML's '?' keys)",
                                    source=origin, location=f"line {key_node.start_mark.line + 1}, {_path_text(path)}")
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
    if error.validator == "oneOf":
        kinds = " or ".join(dict.fromkeys(branch.get("type", "value") for branch in error.validator_value))
        return f"expected a {kinds}, got {type(error.instance).__name__} {error.instance!r:.60}"
    if error.validator in ("maxLength", "maxItems"):
        return f"too long ({len(error.instance)}; at most {error.validator_value})"
    if error.validator in ("minLength", "minItems"):
        if len(error.instance) and error.validator_value > 1:
            return f"too short ({len(error.instance)}; at least {error.validator_value})"
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


def _dates_as_text(data: Any) -> Any:
    """Dates as ISO text: a dict from ``yaml.safe_load`` holds :class:`datetime.date` objects."""
    if isinstance(data, dt.date) and not isinstance(data, dt.datetime):
        return data.isoformat()
    if isinstance(data, Mapping):
        return {key: _dates_as_text(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_dates_as_text(value) for value in data]
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
        Folder that file names in the scenario are relative to.
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
    if not isinstance(data, Mapping):
        raise ctx.error(f"expected a mapping with title, zones, incidents…; got {type(data).__name__}")
    data = _dates_as_text(data)
    for path in _finite_numbers(data):
        raise ctx.error("must be a finite number (NaN and infinity are not coordinates)", *path)
    data = _fix_text(data, ctx)
    check_schema(data, ctx)
    sources = []
    for i, s in enumerate(data.get("sources", [])):
        where = ctx.at("sources", i)
        if "url" in s and safe_url(s["url"]) is None:
            raise where.child("url").error(f"{s['url']!r} is not an http(s) URL")
        sources.append(Source(id=s["id"], outlet=s["outlet"], title=s.get("title", ""), url=s.get("url"),
                              date=parse_date(s.get("date"), where.child("date"))))
    by_id = {}
    for i, source in enumerate(sources):
        if source.id in by_id:
            raise ctx.error(f"id {source.id!r} is used twice (also at sources[{by_id[source.id][0]}])", "sources", i, "id")
        by_id[source.id] = (i, source)
    zones = [_zone(z, ctx.at("zones", i), data.get("as_of")) for i, z in enumerate(data["zones"])]
    incidents = [incident_from_record(x, ctx.at("incidents", i), {k: v for k, (_, v) in by_id.items()})
                 for i, x in enumerate(data.get("incidents", []))]
    options = data.get("map", {})
    top = ctx.at()
    return Scenario(
        data["title"], tuple(zones), subtitle=data.get("subtitle", ""),
        as_of=parse_date(data.get("as_of"), ctx.at("as_of")), country=data.get("country", "SY"),
        sources=tuple(sources), incidents=tuple(incidents),
        incident_files=tuple(_incident_file(item, ctx.at("incident_files", i))
                             for i, item in enumerate(data.get("incident_files", []))),
        map=MapOptions(tiles=options.get("tiles", "none"), lang=options.get("lang", "en")),
        name=name, base_dir=base_dir, path=Path(top.file) if top.file else None,
    )


def _most_specific(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For "valid under none of" (a name or a point…), the error of the alternative the value was meant as.

    That is the alternative of the value's own type ({lat: 95, lon: 36} was meant as a point, so the
    problem is its latitude), and within it the deepest error.
    """
    while error.validator in ("oneOf", "anyOf") and error.context:
        meant = [e for e in error.context if e.validator != "type"]
        if not meant:  # a value of a type no alternative takes: the message lists the types that would do
            break
        error = min(meant, key=lambda e: (-len(e.absolute_path), e.validator in ("oneOf", "anyOf")))
    return error


def check_schema(data: Mapping, ctx: _Context | None = None) -> None:
    """Check plain scenario data against the JSON Schema.

    Parameters
    ----------
    data
        The parsed document.
    ctx
        File and line map for messages; none for data that did not come from a file.

    Raises
    ------
    ScenarioError
        For the most specific schema error, with its field (and line).
    """
    ctx = ctx or _Context(None, {})
    validator = _validator()
    errors = sorted((_most_specific(error) for error in validator.iter_errors(data)),
                    key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        error = min(errors, key=lambda e: (-len(e.absolute_path), e.validator != "additionalProperties"))
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            path.append(next(k for k in error.instance if k not in allowed))
        raise ctx.error(schema_message(error), *path)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(scenario_schema())


def _history_status(history: list[dict], as_of: str | None) -> str:
    """The status a history gives on ``as_of`` (or its last one): a zone's status when the file gives none.

    Dates are compared as ISO text; the model checks them, and their order, when the zone is made.
    """
    reached = [change["status"] for change in history if as_of is None or change["date"] <= as_of]
    return reached[-1] if reached else history[0]["status"]


def _incident_file(item: str | dict, origin: Origin) -> str | IncidentFile:
    if isinstance(item, str):
        return item
    return IncidentFile(item["path"], item.get("format", "auto"), tuple(item.get("mapping", {}).items()), origin=origin)


def _zone(z: dict, origin: Origin, as_of: str | None) -> Zone:
    part = z.get("province_part")
    history = z.get("history", [])
    status = z.get("status") or (_history_status(history, as_of) if history else "agreed")
    return Zone(
        z["id"], z["name"], origin=origin,
        provinces=tuple(z.get("provinces", ())), districts=tuple(z.get("districts", ())),
        subdistricts=tuple(z.get("subdistricts", ())), area=z.get("area"), towns=tuple(z.get("towns", ())),
        corridor=Corridor(tuple(z["corridor"]["through"]), z["corridor"].get("buffer_km")) if z.get("corridor") else None,
        geojson=z.get("geojson"), buffer_km=z.get("buffer_km"), side=z.get("side"),
        province_part=ProvincePart(part["province"], tuple(part["towns"]), part.get("buffer_km")) if part else None,
        name_ar=z.get("name_ar"), status=status, guarantors=tuple(z.get("guarantors", ())),
        valid_from=z.get("valid_from"), valid_to=z.get("valid_to"), history=history, notes=z.get("notes", ""),
        approximate=z.get("approximate"),
    )


@lru_cache(maxsize=1)
def incident_schema_validator() -> jsonschema.Draft202012Validator:
    """Validator for one incident (the ``incident`` definition of the scenario schema)."""
    schema = scenario_schema()
    return jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/incident"})


def incident_from_record(x: Mapping, origin: Origin, sources: Mapping[str, Source]) -> Incident:
    """Build an :class:`Incident` from a schema-valid record (from YAML, JSON or a CSV row).

    Parameters
    ----------
    x
        The record.
    origin
        Where it was written.
    sources
        The scenario's sources by id, which ``source`` may cite.

    Returns
    -------
    Incident

    Raises
    ------
    ScenarioError
        For what the schema cannot check: a place or coordinates for each incident,
        unknown source ids, impossible dates.
    """
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
        x["date"], x["type"], origin=origin, id=x.get("id"), place=x.get("place"), lat=x.get("lat"), lon=x.get("lon"),
        fatalities=x.get("fatalities"), actors=tuple(x.get("actors", ())), description=x.get("description", ""),
        source=source,
    )


def load_scenario(source: str | Path | Mapping, *, settings: Settings | None = None,
                  base_dir: str | Path | None = None) -> Scenario:
    """Read and validate a scenario from a file or from plain data.

    Parameters
    ----------
    source
        A ``.yaml``/``.yml`` or ``.json`` file, or a dict with the same
        content (as ``yaml.safe_load`` or ``json.load`` would give).
    settings
        Limits (``settings.max_scenario_bytes``); defaults to ``Settings()``.
    base_dir
        For a dict: the folder that file names in it are relative to (and
        confined to); the current folder when not given. A file's own folder
        is always used for a file.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        If the file is missing, unreadable, malformed or invalid; the message
        names the file, line and field.

    Examples
    --------
    >>> scenario = load_scenario({"title": "Idlib", "zones": [{"id": "idlib", "name": "Idlib", "provinces": ["Idlib"]}]})
    >>> scenario.zones[0].rule
    'provinces'
    """
    if isinstance(source, Mapping):
        return parse_scenario(source, base_dir=Path(base_dir) if base_dir is not None else None)
    if not isinstance(source, (str, Path)):
        raise ScenarioError(f"expected a scenario file path or a dict, got {type(source).__name__}")
    settings = settings or Settings()
    path = Path(source)
    text = read_text_file(path, "scenario file", settings.max_scenario_bytes)
    if not text.strip():
        raise ScenarioError("file is empty; expected a scenario with at least a title and zones", source=str(path))
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    data, lines = parse_text(text, origin=str(path), fmt=fmt)
    return parse_scenario(data, origin=str(path), lines=lines, base_dir=path.parent, name=_output_name(path))


def _output_name(path: Path) -> str:
    """A safe file stem for outputs: the scenario's stem with odd characters replaced."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip(".-")
    return stem or "scenario"


def scenario_to_dict(scenario: Scenario) -> dict:
    """The scenario as plain data in the file format (what :func:`load_scenario` reads).

    Parameters
    ----------
    scenario
        Any scenario, read from a file or built in code.

    Returns
    -------
    dict
        Only fields that differ from their defaults; dates as ISO strings;
        incidents cite their source by id where the scenario lists it.
    """
    def plain(obj, skip=()) -> dict:
        out = {}
        for name in field_names(type(obj)):
            value = getattr(obj, name)
            if name in skip or value in (None, "", ()):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple) and name == "mapping":
                value = dict(value)
            elif isinstance(value, tuple):
                value = [plain(item) if isinstance(item, (StatusChange, FixedPoint, IncidentFile)) else item for item in value]
            elif isinstance(value, (ProvincePart, Corridor)):
                value = plain(value)
            out[name] = value
        return out

    data: dict[str, Any] = {"title": scenario.title}
    top = plain(scenario, skip=("title", "zones", "sources", "incidents", "map"))
    if top.get("country") == "SY":
        del top["country"]
    data |= top
    if scenario.sources:
        data["sources"] = [plain(s) for s in scenario.sources]
    data["zones"] = [plain(z) | ({} if z.status != "agreed" else {"status": "agreed"}) for z in scenario.zones]
    cited = {s.id: s for s in scenario.sources}
    incidents = []
    for incident in scenario.incidents:
        record = plain(incident, skip=("source",))
        if incident.source is not None:
            listed = cited.get(incident.source.id)
            record["source"] = incident.source.id if listed == incident.source else incident.source.url
        incidents.append(record)
    if incidents:
        data["incidents"] = incidents
    if scenario.map != MapOptions():
        data["map"] = {"tiles": scenario.map.tiles, "lang": scenario.map.lang}
    return data


def check_scenario(scenario: Scenario) -> Scenario:
    """Check a scenario built in code as strictly as one read from a file.

    The model's classes check their own fields when made; this adds the
    file format's rules (lengths, id patterns, limits) by validating
    :func:`scenario_to_dict` against the schema.

    Parameters
    ----------
    scenario
        A scenario.

    Returns
    -------
    Scenario
        The same scenario.

    Raises
    ------
    ScenarioError
        Naming the field of the first problem.
    """
    check_schema(scenario_to_dict(scenario))
    return scenario


def dump_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario as a YAML (or, for ``.json``, JSON) file that :func:`load_scenario` reads back.

    Parameters
    ----------
    scenario
        The scenario.
    path
        Destination; written atomically (a temporary file renamed into place).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    data = scenario_to_dict(scenario)
    if path.suffix.lower() == ".json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    write_atomically(path, text)
    return path
