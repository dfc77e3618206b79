"""Files a scenario names stay in its folder, unless the user allows more."""

import json
import textwrap

import pytest

import zonemap
from zonemap.cli import main

SQUARE = {"type": "Polygon", "coordinates": [[[36.2, 33.4], [36.6, 33.4], [36.6, 33.7], [36.2, 33.7], [36.2, 33.4]]]}
TABLE = "date,type,lat,lon\n2017-07-05,shelling,33.55,36.36\n"


def scenario(folder, *, geojson="shapes/zone.geojson", table=None):
    folder.mkdir(parents=True, exist_ok=True)
    extra = f"incident_files: [{json.dumps(table)}]\n" if table else ""
    path = folder / "s.yaml"
    path.write_text(textwrap.dedent(f"""\
        title: T
        zones:
          - id: z
            name: Z
            geojson: {json.dumps(geojson)}
        """) + extra, encoding="utf-8")
    return path


def test_files_in_the_scenario_folder_and_below_are_read(tmp_path):
    (tmp_path / "brief" / "shapes").mkdir(parents=True)
    (tmp_path / "brief" / "shapes" / "zone.geojson").write_text(json.dumps(SQUARE))
    (tmp_path / "brief" / "t.csv").write_text(TABLE)
    briefing = zonemap.prepare(scenario(tmp_path / "brief", table="t.csv"))
    assert len(briefing.incidents) == 1 and briefing.zones.loc[0, "area_km2"] > 100


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.geojson", "shapes/../../outside.geojson", "~/.ssh/id_rsa"])
def test_a_drawn_shape_outside_the_folder_is_refused(tmp_path, name, capsys):
    (tmp_path / "outside.geojson").write_text(json.dumps(SQUARE))
    path = scenario(tmp_path / "brief", geojson=name)
    assert main(["validate", str(path)]) == 2
    error = capsys.readouterr().err
    assert "outside the scenario's folder" in error and "--allow-path" in error and "zones[0].geojson" in error
    assert "root:" not in error  # nothing of the file was read into the message


def test_an_incident_table_outside_the_folder_is_refused(tmp_path, capsys):
    (tmp_path / "private.csv").write_text(TABLE)
    (tmp_path / "brief" / "shapes").mkdir(parents=True)
    (tmp_path / "brief" / "shapes" / "zone.geojson").write_text(json.dumps(SQUARE))
    assert main(["validate", str(scenario(tmp_path / "brief", table="../private.csv"))]) == 2
    assert "incident_files[0]" in capsys.readouterr().err


def test_a_link_inside_the_folder_pointing_outside_is_refused(tmp_path):
    (tmp_path / "outside.geojson").write_text(json.dumps(SQUARE))
    (tmp_path / "brief" / "shapes").mkdir(parents=True)
    (tmp_path / "brief" / "shapes" / "zone.geojson").symlink_to(tmp_path / "outside.geojson")
    with pytest.raises(zonemap.ScenarioError, match="outside the scenario's folder"):
        zonemap.prepare(scenario(tmp_path / "brief"))


def test_allowed_folders_are_read(tmp_path, capsys):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "zone.geojson").write_text(json.dumps(SQUARE))
    path = scenario(tmp_path / "brief", geojson=str(tmp_path / "shared" / "zone.geojson"))
    assert main(["validate", str(path), "--allow-path", str(tmp_path / "shared")]) == 0
    briefing = zonemap.prepare(path, settings=zonemap.Settings(allowed_paths=[tmp_path / "shared"]))
    assert briefing.zones.loc[0, "rule"] == "geojson"


def test_tables_given_by_the_user_are_not_confined(tmp_path):
    (tmp_path / "elsewhere.csv").write_text(TABLE)
    (tmp_path / "brief" / "shapes").mkdir(parents=True)
    (tmp_path / "brief" / "shapes" / "zone.geojson").write_text(json.dumps(SQUARE))
    briefing = zonemap.prepare(scenario(tmp_path / "brief"), incident_files=[tmp_path / "elsewhere.csv"])
    assert len(briefing.incidents) == 1
