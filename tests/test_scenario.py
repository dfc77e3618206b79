import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from zonemap import ScenarioError
from zonemap.scenario import load_scenario, scenario_schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "astana-2017.yaml"

VALID = """\
title: Test map
as_of: 2017-07-04
country: SY
sources:
  - id: src
    outlet: Some outlet
    url: https://example.org/story
zones:
  - id: idlib
    name: Idlib zone
    provinces: [Idlib]
incidents:
  - date: 2017-07-04
    place: Douma
    type: air strike
    fatalities: 2
    source: src
"""


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_example_scenario_loads():
    scenario = load_scenario(EXAMPLE)
    assert scenario.name == "astana-2017"
    assert [z.id for z in scenario.zones] == ["idlib", "northern-homs", "eastern-ghouta", "southern-syria"]
    assert [z.rule for z in scenario.zones] == ["provinces", "subdistricts", "subdistricts", "provinces"]
    douma = next(i for i in scenario.incidents if i.place == "Douma")
    assert (douma.date, douma.type, douma.fatalities) == (dt.date(2017, 7, 4), "air strike", 2)
    assert douma.source.outlet.startswith("The National")


def test_valid_minimal_scenario(tmp_path):
    scenario = load_scenario(write(tmp_path, VALID))
    assert scenario.as_of == dt.date(2017, 7, 4)
    assert scenario.incidents[0].source.url == "https://example.org/story"


def test_json_is_accepted(tmp_path):
    path = write(tmp_path, '{"title": "T", "zones": [{"id": "z", "name": "Z", "provinces": ["Homs"]}]}', "s.json")
    assert load_scenario(path).zones[0].provinces == ("Homs",)


def test_schema_ships_with_the_package():
    schema = scenario_schema()
    assert schema["$defs"]["zone"]["properties"]["status"]["enum"] == ["proposed", "agreed", "in force", "collapsed"]


# (mutation of VALID, expected words in the message, expected line or field)
BAD = {
    "bad date": (VALID.replace("as_of: 2017-07-04", "as_of: 2017-02-30"), "not a real calendar date", "line 2"),
    "date format": (VALID.replace("as_of: 2017-07-04", "as_of: 4 July 2017"), "expected YYYY-MM-DD", "line 2"),
    "missing rule": (VALID.replace("    provinces: [Idlib]\n", ""), "no geometry rule", "line 9"),
    "two rules": (VALID.replace("    provinces: [Idlib]\n", "    provinces: [Idlib]\n    towns: [Douma]\n"), "2 geometry rules", "line 12"),
    "unknown field": (VALID.replace("    name: Idlib zone\n", "    name: Idlib zone\n    colour: red\n"), "unknown field 'colour'", "line 11, zones[0].colour"),
    "unknown top field": (VALID + "extra: 1\n", "unknown field 'extra'", "line 18, extra"),
    "malformed yaml": (VALID.replace("    name: Idlib zone", "    name: [Idlib zone"), "malformed YAML", "line"),
    "bad status": (VALID.replace("    name: Idlib zone\n", "    name: Idlib zone\n    status: maybe\n"), "'maybe' is not one of", "line 11"),
    "wrong type": (VALID.replace("fatalities: 2", "fatalities: two"), "expected an integer", "line 16"),
    "lat without lon": (VALID.replace("    place: Douma\n", "    lat: 33.5\n"), "both lat and lon", "line 14"),
    "neither place nor coordinates": (VALID.replace("    place: Douma\n", ""), "a place name, or lat and lon", "line 13"),
    "unknown source": (VALID.replace("source: src", "source: nowhere"), "neither a source id", "line 17"),
    "javascript url": (VALID.replace("https://example.org/story", "javascript:alert(1)"), "not an http(s) URL", "line 7"),
    "duplicate zone id": (VALID.replace("incidents:", "  - id: idlib\n    name: Again\n    provinces: [Homs]\nincidents:"), "used twice", "zones[1].id"),
    "duplicate key": (VALID.replace("country: SY", "country: SY\ncountry: LB"), "duplicate key 'country'", "line 4"),
    "nan coordinate": (VALID.replace("    place: Douma\n", "    lat: .nan\n    lon: 36.4\n"), "finite number", "incidents[0].lat"),
    "no zones": ("title: T\nzones: []\n", "must not be empty", "zones"),
    "not a mapping": ("- just\n- a list\n", "expected a mapping", ""),
    "valid_to before from": (VALID.replace("    provinces: [Idlib]\n", "    provinces: [Idlib]\n    valid_from: 2017-05-06\n    valid_to: 2017-01-01\n"), "before valid_from", "line 13"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenarios_name_the_file_line_and_field(tmp_path, case):
    text, words, where = BAD[case]
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert words in message
    assert where in message
    assert str(path) in message


def test_empty_file(tmp_path):
    with pytest.raises(ScenarioError, match="file is empty"):
        load_scenario(write(tmp_path, "   \n"))


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.yaml")


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID.replace("Some outlet", "Caf\xe9").encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8.*line 6|line 6.*not UTF-8"):
        load_scenario(path)


def test_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    assert load_scenario(path).title == "Test map"


def test_norway_is_not_false(tmp_path):
    scenario = load_scenario(write(tmp_path, VALID.replace("country: SY", "country: NO")))
    assert scenario.country == "NO"


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "zonemap", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


BUILD_ERRORS = {
    "unknown place": (VALID.replace("place: Douma", "place: Xqzzyville"), "unknown place 'Xqzzyville'", "line 14, incidents[0].place"),
    "unknown province": (VALID.replace("provinces: [Idlib]", "provinces: [Narnia]"), "unknown province 'Narnia'", "line 11, zones[0].provinces"),
    "bad date": BAD["bad date"],
    "missing rule": BAD["missing rule"],
    "two rules": BAD["two rules"],
    "unknown field": BAD["unknown field"],
    "malformed yaml": BAD["malformed yaml"],
    "missing geojson": (VALID.replace("provinces: [Idlib]", "geojson: shapes/missing.geojson"), "GeoJSON file not found", "line 11, zones[0].geojson"),
}


@pytest.mark.parametrize("case", sorted(BUILD_ERRORS))
def test_build_errors_exit_2_and_leave_output_untouched(tmp_path, case):
    text, words, where = BUILD_ERRORS[case]
    path = write(tmp_path, text)
    output = tmp_path / "output"
    output.mkdir()
    (output / "scenario.html").write_text("previous good map")
    before = sorted((p.name, p.read_bytes()) for p in output.iterdir())
    done = run_cli("build", path, "-o", output)
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("zonemap: error:")]
    assert len(errors) == 1
    assert words in errors[0] and where in errors[0] and str(path) in errors[0]
    assert "Traceback" not in done.stderr
    assert sorted((p.name, p.read_bytes()) for p in output.iterdir()) == before


def test_validate_accepts_the_example():
    done = run_cli("validate", EXAMPLE)
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout and "Douma" in done.stdout


SEED_ARTICLE = ROOT.parent / "shared" / "seed" / "astana-talks-article.txt"


@pytest.mark.skipif(not SEED_ARTICLE.exists(), reason="the seed article (../shared/seed/) is not beside this checkout")
def test_example_covers_the_places_of_the_seed_article():
    from zonemap import geocode

    article = SEED_ARTICLE.read_text(encoding="utf-8")
    scenario = load_scenario(EXAMPLE)
    written = {z.name for z in scenario.zones} | {p for z in scenario.zones for p in z.provinces}
    written |= {i.place for i in scenario.incidents}
    for name in ["Idlib", "Homs", "Eastern Ghouta", "Daraa", "Quneitra", "Sweida", "Douma", "Astana"]:
        assert name in article, name
        assert any(name in text for text in written), f"the example scenario does not use {name}"
        assert geocode(name).score == 1.0
    douma = next(i for i in scenario.incidents if i.place == "Douma")
    assert "woman and a child" in article and douma.fatalities == 2
    assert "July 6" in article and any("6 July" in i.description for i in scenario.incidents)


def test_corridors_points_and_sides_survive_a_round_trip(tmp_path):
    from zonemap.scenario import Corridor, FixedPoint, Scenario, Zone, dump_scenario

    scenario = Scenario("T", zones=(
        Zone("road", "Road", corridor=Corridor(("Saraqib", FixedPoint(35.75, 36.05, "Bend")), 6), side="opposition"),
        Zone("pts", "Points", towns=(FixedPoint(35.9, 36.6), "Ariha")),
    ))
    for suffix in (".yaml", ".json"):
        again = load_scenario(dump_scenario(scenario, tmp_path / f"again{suffix}"))
        assert again == scenario
        assert again.zones[0].corridor.through[1] == FixedPoint(35.75, 36.05, "Bend")
        assert again.zones[0].side == "opposition"


@pytest.mark.parametrize("towns, words", [
    ('[{lat: 95, lon: 36}]', r"towns\[0\]\.lat: 95 is greater than the maximum of 90"),
    ('[[36.4]]', "towns"),
    ('[{lat: 33.5, lon: 36.4, colour: red}]', "towns"),
])
def test_bad_points_are_named(tmp_path, towns, words):
    path = write(tmp_path, f"""\
        title: T
        zones:
          - id: z
            name: Z
            towns: {towns}
        """)
    with pytest.raises(ScenarioError, match=words) as caught:
        load_scenario(path)
    assert "line 5" in str(caught.value)


INCIDENT_FILE_BASE = {"title": "T", "zones": [{"id": "z", "name": "Z", "provinces": ["Idlib"]}]}


def test_incident_files_take_a_format_or_a_mapping_and_round_trip():
    from zonemap.scenario import IncidentFile, parse_scenario, scenario_to_dict

    files = ["a.csv", {"path": "b.xlsx", "format": "ucdp"}, {"path": "c.csv", "mapping": {"date": "Day", "place": "Town"}}]
    scenario = parse_scenario(INCIDENT_FILE_BASE | {"incident_files": files})
    assert scenario.incident_files == ("a.csv", IncidentFile("b.xlsx", "ucdp"),
                                       IncidentFile("c.csv", "generic", (("date", "Day"), ("place", "Town"))))
    assert parse_scenario(scenario_to_dict(scenario)).incident_files == scenario.incident_files


@pytest.mark.parametrize("item, message", [
    ({"path": "a.csv", "format": "acledd"}, "incident_files[0].format: 'acledd' is not one of"),
    ({"path": "a.csv", "mapping": {"when": "Day"}}, "incident_files[0].mapping.when: unknown field 'when'"),
    ({"path": "a.csv", "format": "acled", "mapping": {"date": "Day"}}, "only a generic table takes one"),
    ({"format": "acled"}, "incident_files[0]: 'path' is required"),
    (3, "incident_files[0]: expected a string or object, got int 3"),
])
def test_bad_incident_files_say_what_is_expected(item, message):
    from zonemap.scenario import parse_scenario

    with pytest.raises(ScenarioError) as error:
        parse_scenario(INCIDENT_FILE_BASE | {"incident_files": [item]})
    assert message in str(error.value)
