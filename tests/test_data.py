import hashlib
import re
from pathlib import Path

from zonemap.data import default_geodata, installed_geodata_dir

DEFAULT_GEODATA_DIR = installed_geodata_dir()

GOVERNORATES = {"SY-DI", "SY-RD", "SY-QU", "SY-DR", "SY-SU", "SY-HI", "SY-HM", "SY-TA", "SY-LA", "SY-ID", "SY-HL",
                "SY-RA", "SY-DY", "SY-HA"}


def test_syria_has_14_governorates_and_the_undof_strip():
    units = default_geodata().syria_admin1
    assert set(units.loc[units["is_governorate"], "iso_3166_2"]) == GOVERNORATES
    assert list(units.loc[~units["is_governorate"], "iso_3166_2"]) == ["SY-UNDOF"]
    assert units.geometry.is_valid.all()
    assert units["name_ar"].str.contains("[\u0600-\u06ff]").all()
    assert units["alternates"].str.len().gt(0).all()


def test_governorates_are_at_full_detail():
    units = default_geodata().syria_admin1
    # Natural Earth 10 m has 3,637 vertices for Syria's 15 units; a simplified copy would have far fewer.
    assert units.geometry.count_coordinates().sum() >= 3600


def test_neighbours_and_world_layers():
    data = default_geodata()
    assert set(data.region_admin0["iso_a2"]) == {"SY", "TR", "LB", "IL", "PS", "JO", "IQ"}
    assert len(data.world_admin0) > 200
    assert {"LY", "YE", "UA"} <= set(data.world_admin1["iso_a2"])
    assert (data.admin1("LY")["iso_3166_2"].str.startswith("LY-")).all()


def test_named_areas_are_defined_by_member_towns():
    areas = default_geodata().named_areas
    for wanted in ["eastern-ghouta", "western-ghouta", "qalamoun", "northern-homs-countryside", "jabal-al-zawiya",
                   "houla-plain"]:
        area = areas[wanted]
        assert len(area.members) >= 3
        assert area.source and area.note


def test_geodata_is_small_enough_for_git():
    total = sum(p.stat().st_size for p in DEFAULT_GEODATA_DIR.iterdir())
    assert total < 25 * 1024 * 1024
    assert all(p.stat().st_size < 5 * 1024 * 1024 for p in DEFAULT_GEODATA_DIR.iterdir())


def test_sources_md_checksums_match_the_files():
    sources = (DEFAULT_GEODATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"- `([\w.]+)`: `([0-9a-f]{64})` \(", sources))
    assert set(listed) == {p.name for p in DEFAULT_GEODATA_DIR.iterdir() if p.name != "SOURCES.md"}
    for name, digest in listed.items():
        assert hashlib.sha256(Path(DEFAULT_GEODATA_DIR, name).read_bytes()).hexdigest() == digest
    assert "CC BY 4.0" in sources and "public domain" in sources


def test_ocha_is_credited_only_where_syria_may_be_on_the_map():
    from zonemap.data import CREDITS, credits_for

    assert credits_for((35.7, 32.3, 42.4, 37.3)) == CREDITS  # Syria
    assert credits_for((11.0, 25.0, 25.0, 33.0)) == CREDITS[1:]  # Libya
    assert credits_for((42.5, 12.5, 44.5, 15.5)) == CREDITS[1:]  # Yemen's west coast
    assert credits_for((43.0, 33.0, 45.0, 36.0)) == CREDITS  # northern Iraq: Syria is next door
