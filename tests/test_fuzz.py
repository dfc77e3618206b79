"""Property: any scenario either builds, or fails with exit code 2 and one message.

Hypothesis generates structured scenarios (right and wrong types, known and
unknown names, extreme numbers, hostile text) and byte-level corruptions of
valid ones. Each goes through the command line in process: a stray exception
(a traceback), a build that takes more than 10 s, or outputs left behind by a
failed build fail the test.
"""

import datetime
import json
import signal
import tempfile
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zonemap.cli import main

pytestmark = pytest.mark.slow

EXAMPLES = 1000  # about two minutes: builds now draw OCHA's full-detail boundaries
KNOWN_PLACES = ["Douma", "Harasta", "Daraa", "Idlib", "Homs", "Ar Rastan", "Talbiseh", "Quneitra", "Sweida", "Damascus"]
KNOWN_PROVINCES = ["Idlib", "Homs", "Daraa", "Quneitra", "Sweida", "Rif Dimashq", "Hama", "Aleppo"]

text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "{{ 7*7 }}", "${x}", "`", "\u202e", "\x00", "a" * 300,
                     "javascript:alert(1)", "https://example.org/", "2017-07-04", "NaN"]),
)
number = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0, -1, 33.5, 36.4, 1e308]))
anything = st.one_of(text, number, st.booleans(), st.none(), st.lists(text, max_size=3), st.dictionaries(text, text, max_size=2))
date = st.one_of(st.dates().map(str), st.sampled_from(["2017-02-30", "2017-7-4", "yesterday", "2017-07-04"]), anything)
places = st.one_of(st.sampled_from(KNOWN_PLACES), text)
provinces = st.one_of(st.sampled_from(KNOWN_PROVINCES), text)
slug = st.one_of(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True), text)


def maybe(strategy):
    return st.one_of(st.just(None), strategy)


@st.composite
def zones(draw):
    zone = {"id": draw(slug), "name": draw(maybe(text)), "status": draw(maybe(st.sampled_from(["agreed", "in force", "proposed", "collapsed", "maybe"])))}
    rule = draw(st.sampled_from(["provinces", "province_part", "area", "towns", "geojson", "none", "two"]))
    if rule in ("provinces", "two"):
        zone["provinces"] = draw(st.one_of(st.lists(provinces, max_size=3), anything))
    if rule in ("towns", "two"):
        zone["towns"] = draw(st.one_of(st.lists(places, max_size=4), anything))
        zone["buffer_km"] = draw(maybe(number))
    if rule == "province_part":
        zone["province_part"] = {"province": draw(provinces), "towns": draw(st.lists(places, max_size=4)), "buffer_km": draw(maybe(number))}
    if rule == "area":
        zone["area"] = draw(st.one_of(st.sampled_from(["Eastern Ghouta", "Qalamoun", "Houla plain"]), text))
    if rule == "geojson":
        zone["geojson"] = draw(st.sampled_from(["drawn.geojson", "missing.geojson", "", "../../etc/passwd"]))
    for key in ("guarantors", "valid_from", "valid_to", "notes", "name_ar", "approximate"):
        if draw(st.booleans()):
            zone[key] = draw(date if key.startswith("valid") else anything)
    if draw(st.integers(0, 9)) == 0:
        zone[draw(text)] = draw(anything)
    return {k: v for k, v in zone.items() if v is not None}


@st.composite
def incidents(draw):
    incident = {"date": draw(date), "type": draw(st.one_of(st.sampled_from(["air strike", "shelling", "talks"]), text))}
    if draw(st.booleans()):
        incident["place"] = draw(places)
    else:
        incident["lat"], incident["lon"] = draw(number), draw(number)
    for key in ("fatalities", "actors", "description", "source", "id"):
        if draw(st.booleans()):
            incident[key] = draw(number if key == "fatalities" else anything)
    return incident


safe_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40)


@st.composite
def plausible_zone(draw, index):
    zone = {"id": f"z{index}", "name": draw(safe_text), "status": draw(st.sampled_from(["agreed", "in force", "proposed", "collapsed"]))}
    rule = draw(st.sampled_from(["provinces", "province_part", "area", "towns", "geojson"]))
    if rule == "provinces":
        zone["provinces"] = draw(st.lists(st.sampled_from(KNOWN_PROVINCES), min_size=1, max_size=3))
    elif rule == "province_part":
        zone["province_part"] = {"province": "Homs", "towns": draw(st.lists(st.sampled_from(KNOWN_PLACES), min_size=1, max_size=3)),
                                 "buffer_km": draw(st.floats(0.5, 60))}
    elif rule == "area":
        zone["area"] = draw(st.sampled_from(["Eastern Ghouta", "Qalamoun", "Houla plain", "Jabal al-Zawiya"]))
    elif rule == "towns":
        zone["towns"] = draw(st.lists(st.sampled_from(KNOWN_PLACES), min_size=1, max_size=4))
        zone["buffer_km"] = draw(st.floats(0.1, 100))
    else:
        zone["geojson"] = "drawn.geojson"
    if draw(st.booleans()):
        zone["notes"] = draw(safe_text)
    return zone


@st.composite
def plausible_scenario(draw):
    """Mostly valid: known names, right types; hostile or odd only in free text."""
    zone_list = [draw(plausible_zone(i)) for i in range(draw(st.integers(1, 3)))]
    incident_list = []
    for _ in range(draw(st.integers(0, 3))):
        incident = {"date": str(draw(st.dates(min_value=datetime.date(1990, 1, 1)))),
                    "type": draw(st.sampled_from(["air strike", "shelling", "clashes", "ceasefire", "talks", "other"])),
                    "description": draw(safe_text)}
        if draw(st.booleans()):
            incident["place"] = draw(st.sampled_from(KNOWN_PLACES))
        else:
            incident["lat"], incident["lon"] = draw(st.floats(32.5, 37)), draw(st.floats(35.8, 42))
        if draw(st.booleans()):
            incident["fatalities"] = draw(st.integers(0, 1000))
        incident_list.append(incident)
    return {"title": draw(safe_text), "zones": zone_list, "incidents": incident_list}


@st.composite
def scenarios(draw):
    if draw(st.integers(0, 2)) > 0:
        data = draw(plausible_scenario())
        if draw(st.booleans()):
            data["as_of"] = "2017-07-04"
            data["sources"] = [{"id": "s", "outlet": draw(safe_text), "url": "https://example.org/a"}]
    else:
        data = {"title": draw(text), "zones": draw(st.lists(zones(), max_size=3)), "incidents": draw(st.lists(incidents(), max_size=3))}
        for key, strategy in (("as_of", date), ("country", st.sampled_from(["SY", "LB", "NO", "XX", "syria"])),
                              ("sources", st.lists(st.fixed_dictionaries({"id": slug, "outlet": text}), max_size=2)),
                              ("map", st.fixed_dictionaries({"tiles": st.sampled_from(["none", "nope"])}))):
            if draw(st.booleans()):
                data[key] = draw(strategy)
        if draw(st.integers(0, 4)) == 0:
            del data[draw(st.sampled_from(["title", "zones"]))]
    if draw(st.booleans()):
        content = yaml.safe_dump(data, allow_unicode=draw(st.booleans())).encode("utf-8", "surrogatepass")
        name = "s.yaml"
    else:
        content = json.dumps(data).encode()
        name = "s.json"
    mutation = draw(st.sampled_from(["none", "none", "none", "none", "truncate", "flip", "insert"]))
    if mutation == "truncate" and content:
        content = content[: draw(st.integers(0, len(content) - 1))]
    elif mutation == "flip" and content:
        at = draw(st.integers(0, len(content) - 1))
        content = content[:at] + bytes([draw(st.integers(0, 255))]) + content[at + 1:]
    elif mutation == "insert":
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(st.binary(min_size=1, max_size=8)) + content[at:]
    formats = draw(st.sampled_from(["html,geojson", "geojson,md", "geojson,md"]))
    return name, content, formats


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    def on_alarm(signum, frame):
        raise Hang(f"build took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


DRAWN = json.dumps({"type": "Polygon", "coordinates": [[[36.2, 33.4], [36.6, 33.4], [36.6, 33.7], [36.2, 33.4]]]})


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(scenarios())
def test_every_scenario_builds_or_fails_cleanly(case):
    name, content, formats = case
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / name).write_bytes(content)
        (folder / "drawn.geojson").write_text(DRAWN)
        output = folder / "out"
        err, out = StringIO(), StringIO()
        with time_limit(10), redirect_stderr(err), redirect_stdout(out):
            code = main(["build", str(folder / name), "-o", str(output), "--formats", formats, "-q"])
        entries = sorted(p.name for p in output.iterdir()) if output.exists() else []
        visible = [e for e in entries if not e.startswith(".")]
        if code == 0:
            assert visible == sorted(f"s.{fmt}" for fmt in formats.split(",")), entries
            assert all((output / name).stat().st_size > 0 for name in visible)
        else:
            assert code == 2
            errors = [line for line in err.getvalue().splitlines() if line.startswith("zonemap: error:")]
            assert len(errors) == 1, err.getvalue()
            assert entries == [], f"a failed build left {entries}"
