"""A corpus of malformed scenarios, incident tables and drawn shapes.

Each case is run through the command line (in process, so a stray exception
would fail the test instead of printing a traceback) and must exit with its
expected code and message, writing nothing when it fails.
"""

import json
from dataclasses import dataclass, field

import pytest

from zonemap import Settings, cli
from zonemap.cli import main

BASE = """\
title: Malformed input test
zones:
  - id: z
    name: Zone
{rule}
incidents:
  - date: 2017-07-04
    lat: 33.57
    lon: 36.40
    type: air strike
{extra}"""

PROVINCES = "    provinces: [Rif Dimashq]"
DRAWN = "    geojson: drawn.geojson"
WITH_TABLE = "incident_files: [table.csv]\n"

SQUARE = {"type": "Polygon", "coordinates": [[[36.2, 33.4], [36.6, 33.4], [36.6, 33.7], [36.2, 33.7], [36.2, 33.4]]]}
BOW_TIE = {"type": "Polygon", "coordinates": [[[36.2, 33.4], [36.6, 33.7], [36.6, 33.4], [36.2, 33.7], [36.2, 33.4]]]}
CSV_HEADER = "date,type,lat,lon,fatalities,description\n"
CSV_ROW = "2017-07-05,shelling,33.55,36.36,1,ok\n"


@dataclass
class Case:
    files: dict
    code: int
    words: list
    args: list = field(default_factory=list)
    limits: dict = field(default_factory=dict)


def scenario(rule=PROVINCES, extra=""):
    return BASE.format(rule=rule, extra=extra).encode()


def with_table(table: bytes) -> dict:
    return {"s.yaml": scenario(extra=WITH_TABLE), "table.csv": table}


def with_drawn(drawn: bytes) -> dict:
    return {"s.yaml": scenario(rule=DRAWN), "drawn.geojson": drawn}


CASES = {
    # Scenario files (YAML and JSON).
    "yaml empty": Case({"s.yaml": b""}, 2, ["s.yaml", "file is empty"]),
    "yaml only comments": Case({"s.yaml": b"# nothing here\n"}, 2, ["file has no content"]),
    "yaml truncated": Case({"s.yaml": scenario()[: scenario().index(b"Dimashq")]}, 2, ["s.yaml", "malformed YAML", "line"]),
    "yaml tab indentation": Case({"s.yaml": b"title: T\nzones:\n\t- id: z\n"}, 2, ["malformed YAML", "line 3"]),
    "yaml zones not a list": Case({"s.yaml": b"title: T\nzones: Idlib\n"}, 2, ["line 2, zones", "expected an array"]),
    "yaml title a number": Case({"s.yaml": scenario().replace(b"title: Malformed input test", b"title: 42")}, 2, ["line 1, title", "expected a string"]),
    "yaml latin-1": Case({"s.yaml": scenario().replace(b"Zone", "Zoné".encode("latin-1"))}, 2, ["not UTF-8", "line 4"]),
    "yaml utf-16": Case({"s.yaml": scenario().decode().encode("utf-16")}, 2, ["not UTF-8"]),
    "yaml utf-8 bom": Case({"s.yaml": b"\xef\xbb\xbf" + scenario()}, 0, ["valid"]),
    "yaml nan latitude": Case({"s.yaml": scenario().replace(b"lat: 33.57", b"lat: .nan")}, 2, ["incidents[0].lat", "finite number"]),
    "yaml infinite longitude": Case({"s.yaml": scenario().replace(b"lon: 36.40", b"lon: -.inf")}, 2, ["incidents[0].lon", "finite number"]),
    "yaml latitude out of range": Case({"s.yaml": scenario().replace(b"lat: 33.57", b"lat: 95")}, 2, ["line 8, incidents[0].lat", "maximum"]),
    "yaml huge": Case({"s.yaml": scenario() + b"# " + b"x" * (6 * 1024 * 1024) + b"\n"}, 2, ["scenario file is", "the limit is"]),
    "yaml alias bomb": Case({"s.yaml": b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                             b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: T\nzones: [*c]\n"}, 2, ["anchors and aliases"]),
    "yaml nested too deeply": Case({"s.yaml": b"title: " + b"[" * 5000 + b"]" * 5000 + b"\n"}, 2, ["nested too deeply"]),
    "yaml duplicate key": Case({"s.yaml": scenario().replace(b"title: Malformed input test\n", b"title: A\ntitle: B\n")}, 2, ["line 2", "duplicate key 'title'"]),
    "yaml nul byte": Case({"s.yaml": scenario().replace(b"Zone", b"Zo\x00ne")}, 2, ["NUL"]),
    "yaml binary garbage": Case({"s.yaml": bytes(range(256)) * 4}, 2, ["not UTF-8"]),
    "yaml lone surrogate escape": Case({"s.yaml": scenario().replace(b"name: Zone", b'name: "Zone \\ud83d"')}, 2, ["zones[0].name", "surrogate"]),
    "json truncated": Case({"s.json": b'{"title": "T", "zones": [{"id": "z"'}, 2, ["s.json", "malformed JSON", "line 1"]),
    "json nan": Case({"s.json": b'{"title": "T", "zones": [{"id": "z", "name": "Z", "towns": ["Douma"], "buffer_km": NaN}]}'}, 2, ["NaN is not a number"]),
    "json top-level list": Case({"s.json": b'[{"title": "T"}]'}, 2, ["expected a mapping"]),
    "json with bom": Case({"s.json": b'\xef\xbb\xbf{"title": "T", "zones": [{"id": "z", "name": "Z", "provinces": ["Idlib"]}]}'}, 0, ["valid"]),
    # Incident tables (CSV).
    "csv empty": Case(with_table(b""), 2, ["table.csv", "incident table is empty"]),
    "csv header only": Case(with_table(CSV_HEADER.encode()), 0, ["valid"]),
    "csv unknown column": Case(with_table(b"date,type,lat,lon,colour\n2017-07-05,shelling,33.5,36.3,red\n"), 2, ["line 1", "unknown column 'colour'"]),
    "csv missing date column": Case(with_table(b"type,lat,lon\nshelling,33.5,36.3\n"), 2, ["missing column 'date'"]),
    "csv ragged row": Case(with_table((CSV_HEADER + "2017-07-05,shelling,33.5\n").encode()), 2, ["line 2, row 1", "has 3 cells"]),
    "csv truncated": Case(with_table((CSV_HEADER + CSV_ROW + CSV_ROW[:15]).encode()), 2, ["line 3, row 2", "has 2 cells"]),
    "csv bad date": Case(with_table((CSV_HEADER + CSV_ROW + CSV_ROW.replace("2017-07-05", "2017-02-30")).encode()), 2, ["line 3, row 2.date", "not a real calendar date"]),
    "csv latitude not a number": Case(with_table((CSV_HEADER + CSV_ROW.replace("33.55", "abc")).encode()), 2, ["row 1.lat", "'abc' is not a number"]),
    "csv nan latitude": Case(with_table((CSV_HEADER + CSV_ROW.replace("33.55", "NaN")).encode()), 2, ["row 1.lat", "not a finite number"]),
    "csv infinite longitude": Case(with_table((CSV_HEADER + CSV_ROW.replace("36.36", "-Infinity")).encode()), 2, ["row 1.lon", "not a finite number"]),
    "csv negative fatalities": Case(with_table((CSV_HEADER + CSV_ROW.replace(",1,", ",-3,")).encode()), 2, ["row 1.fatalities", "minimum"]),
    "csv fatalities as words": Case(with_table((CSV_HEADER + CSV_ROW.replace(",1,", ",two,")).encode()), 2, ["row 1.fatalities", "not a whole number"]),
    "csv unknown type": Case(with_table((CSV_HEADER + CSV_ROW.replace("shelling", "bombing")).encode()), 2, ["row 1.type", "'bombing' is not one of"]),
    "csv latin-1": Case(with_table((CSV_HEADER + CSV_ROW.replace("ok", "café")).encode("latin-1")), 2, ["table.csv", "not UTF-8", "line 2"]),
    "csv with bom": Case(with_table(b"\xef\xbb\xbf" + (CSV_HEADER + CSV_ROW).encode()), 0, ["valid"]),
    "csv unterminated quote": Case(with_table((CSV_HEADER + '2017-07-05,shelling,33.5,36.3,1,"never closed\n').encode()), 2, ["malformed CSV"]),
    "csv nul byte": Case(with_table((CSV_HEADER + CSV_ROW).encode().replace(b"ok", b"o\x00k")), 2, ["NUL"]),
    "csv huge": Case(with_table((CSV_HEADER + CSV_ROW * 2000).encode()), 2, ["bytes; the limit is"], limits={"max_table_bytes": 10_000}),
    "csv missing file": Case({"s.yaml": scenario(extra=WITH_TABLE)}, 2, ["table.csv", "not found"]),
    # Drawn zones (GeoJSON).
    "geojson missing": Case({"s.yaml": scenario(rule=DRAWN)}, 2, ["line 5, zones[0].geojson", "GeoJSON file not found", "drawn.geojson"]),
    "geojson empty": Case(with_drawn(b""), 2, ["drawn.geojson is malformed"]),
    "geojson truncated": Case(with_drawn(json.dumps(SQUARE).encode()[:40]), 2, ["drawn.geojson is malformed"]),
    "geojson latin-1": Case(with_drawn(json.dumps({"type": "Feature", "properties": {"n": "é"}, "geometry": SQUARE}, ensure_ascii=False).encode("latin-1")), 2, ["not UTF-8"]),
    "geojson point": Case(with_drawn(json.dumps({"type": "Point", "coordinates": [36.4, 33.5]}).encode()), 2, ["no Polygon or MultiPolygon"]),
    "geojson nan coordinate": Case(with_drawn(json.dumps(SQUARE).replace("36.6, 33.4]", "NaN, 33.4]", 1).encode()), 2, ["not finite WGS 84"]),
    "geojson infinite coordinate": Case(with_drawn(json.dumps(SQUARE).replace("36.6, 33.7]", "Infinity, 33.7]", 1).encode()), 2, ["not finite WGS 84"]),
    "geojson self-intersecting": Case(with_drawn(json.dumps(BOW_TIE).encode()), 0, ["warning", "not a valid polygon", "Self-intersection"]),
    "geojson ring too short": Case(with_drawn(b'{"type": "Polygon", "coordinates": [[[36.2, 33.4], [36.6, 33.4]]]}'), 2, ["malformed Polygon"]),
    "geojson coordinates as text": Case(with_drawn(b'{"type": "Polygon", "coordinates": "36.2 33.4"}'), 2, ["malformed Polygon"]),
    "geojson outside the country": Case(with_drawn(json.dumps({"type": "Polygon", "coordinates": [[[2, 48], [3, 48], [3, 49], [2, 48]]]}).encode()), 2, ["lies entirely outside SY"]),
    "geojson huge": Case(with_drawn(json.dumps(SQUARE).encode() + b" " * 20_000), 2, ["GeoJSON file is", "the limit is"], limits={"max_shape_bytes": 10_000}),
    "geojson with bom": Case(with_drawn(b"\xef\xbb\xbf" + json.dumps(SQUARE).encode()), 0, ["valid"]),
}


def test_corpus_is_big_enough():
    assert len([c for c in CASES.values() if c.code == 2]) >= 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_input_gets_its_message(name, tmp_path, capsys, monkeypatch):
    case = CASES[name]
    for file_name, content in case.files.items():
        (tmp_path / file_name).write_bytes(content)
    if case.limits:
        monkeypatch.setattr(cli, "_settings", lambda args: Settings(**case.limits))
    target = next(tmp_path / n for n in case.files if n.startswith("s."))
    command = ["validate", str(target)]
    code = main(command)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert code == case.code, output
    for words in case.words:
        assert words in output, output
    if case.code == 2:
        errors = [line for line in captured.err.splitlines() if line.startswith("zonemap: error:")]
        assert len(errors) == 1 and str(target.parent) in errors[0]
