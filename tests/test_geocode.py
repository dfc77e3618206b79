import json
import subprocess
import sys

import re

import pytest
from geopy.distance import geodesic
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from zonemap import GeocodeError, OfflineGeocoder, UnknownPlaceError, geocode
from zonemap.geometry.admin import locate_point

# Town centres from each place's English Wikipedia infobox (an independent
# source: the gazetteer's coordinates come from GeoNames). Eastern Ghouta is an
# area: its reference point lies between Douma and Kafr Batna, inside the enclave.
SEED_PLACES = [
    ("Idlib", "SY-ID", "Idlib", (35.9300, 36.6319)),
    ("Homs", "SY-HI", "Homs", (34.7308, 36.7094)),
    ("Eastern Ghouta", "SY-RD", "Rif Dimashq", (33.5400, 36.3900)),
    ("Daraa", "SY-DR", "Daraa", (32.6167, 36.1000)),
    ("Quneitra", "SY-QU", "Quneitra", (33.1256, 35.8242)),
    ("Sweida", "SY-SU", "As-Suwayda", (32.7000, 36.5667)),
    ("Douma", "SY-RD", "Rif Dimashq", (33.5667, 36.4000)),
]

SPELLINGS = {
    "Daraa": ["Dar'a", "Deraa", "Dar‘ā", "درعا"],
    "Sweida": ["Suwayda", "As-Suwayda", "Swaida", "السويداء"],
    "Quneitra": ["Al-Qunaytirah", "Kuneitra"],
    "Homs": ["Hims"],
    "Idlib": ["Idleb", "إدلب"],
    "Douma": ["Duma", "Dūmā"],
    "Ghouta": ["Ghuta"],
    "Eastern Ghouta": ["Eastern Ghuta", "East Ghouta"],
}


def identity(result):
    return (result.kind, result.geonameid, result.ref, result.country)


@pytest.mark.parametrize("name, code, admin1, true_centre", SEED_PLACES)
def test_seed_names_resolve_to_their_governorate_near_the_true_centre(name, code, admin1, true_centre):
    result = geocode(name, country="SY")
    assert result.country == "SY"
    assert result.admin1_code == code
    assert result.admin1 == admin1
    assert geodesic((result.lat, result.lon), true_centre).km <= 10
    # The stored governorate agrees with the polygons.
    assert locate_point(result.lon, result.lat)["admin1_code"] == code


@pytest.mark.parametrize("canonical, variant", [(c, v) for c, vs in SPELLINGS.items() for v in vs])
def test_every_spelling_resolves_to_the_same_place(canonical, variant):
    assert identity(geocode(variant)) == identity(geocode(canonical))


def test_result_carries_the_documented_fields():
    result = geocode("Douma")
    assert result.name == "Dūmā"
    assert result.kind == "place" and result.kind_label == "populated place"
    assert result.geonameid == 170592
    assert result.population > 100_000
    assert result.score == 1.0 and result.match == "exact"
    assert result.query == "Douma"


def test_douma_without_bias_lists_the_lebanese_douma():
    result = geocode("Douma", country=None)
    countries = {result.country} | {c.country for c in result.candidates}
    assert {"SY", "LB"} <= countries
    assert result.ambiguous


def test_country_bias_picks_douma_in_rif_dimashq_and_reports_the_ambiguity():
    result = geocode("Douma", country="SY")
    assert (result.country, result.admin1) == ("SY", "Rif Dimashq")
    assert result.ambiguous
    assert any(c.country == "LB" for c in result.candidates)


def test_country_bias_lebanon_picks_the_lebanese_douma():
    result = geocode("Douma", country="LB")
    assert result.country == "LB"
    assert result.admin1_code.startswith("LB-")


def test_province_word_prefers_the_admin1_unit():
    assert geocode("Idlib province").kind == "admin1"
    assert geocode("Idlib").kind == "place"


def test_country_names_resolve_to_countries():
    result = geocode("Lebanon")
    assert (result.kind, result.country) == ("country", "LB")


def test_other_countries_work_too():
    result = geocode("Tripoli", country="LY")
    assert result.country == "LY"
    assert geocode("Sanaa", country="YE").country == "YE"
    assert geocode("Kharkiv", country=None).country == "UA"


def test_typo_is_matched_with_a_lower_score():
    result = geocode("Damscus")
    assert result.name == "Damascus" and result.country == "SY"
    assert result.score < 1.0


def test_unknown_name_fails_with_suggestions():
    with pytest.raises(UnknownPlaceError) as caught:
        geocode("Idlibxyz")
    assert caught.value.suggestions
    assert "Idlib" in caught.value.suggestions[0]
    assert "did you mean" in str(caught.value)


def test_nonsense_is_unknown_rather_than_a_weak_match():
    with pytest.raises(UnknownPlaceError):
        geocode("Zzzzz")


@pytest.mark.parametrize("bad, explanation", [
    (None, "must be text, got NoneType"), (42, "must be text, got int"), (3.5, "must be text, got float"),
    (b"Douma", "must be text, got bytes"), (["Douma"], "must be text, got list"), ("", "must not be empty"),
    ("   ", "must not be empty"), ("!!!", "has no letters or digits"), ("x" * 201, "at most 200 characters, got 201"),
])
def test_bad_input_gives_a_clear_error(bad, explanation):
    with pytest.raises(GeocodeError, match=re.escape(explanation)):
        geocode(bad)


@pytest.mark.parametrize("bad", ["Syria", "S", 7, "S1"])
def test_bad_country_bias_is_rejected(bad):
    with pytest.raises(GeocodeError, match="ISO 3166-1"):
        geocode("Douma", country=bad)


def test_geopy_interface():
    geocoder = OfflineGeocoder()
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Deraa")
    assert isinstance(location, Location)
    assert geodesic(location.point, (32.6167, 36.1)).km < 10
    assert "Daraa" in location.address
    assert geocoder.geocode("Zzzzz") is None
    several = geocoder.geocode("Douma", exactly_one=False, country=None)
    assert {loc.raw["country"] for loc in several} >= {"SY", "LB"}
    # Composes with geopy's own tools.
    limited = RateLimiter(geocoder.geocode, min_delay_seconds=0)
    assert limited("Homs").raw["admin1_code"] == "SY-HI"


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "zonemap", *args], capture_output=True, text=True, timeout=60)


def test_cli_json_keeps_the_order_given():
    done = run_cli("geocode", "--json", "Sweida", "Douma", "درعا")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [d["query"] for d in data] == ["Sweida", "Douma", "درعا"]
    assert [d["admin1_code"] for d in data] == ["SY-SU", "SY-RD", "SY-DR"]
    assert {"name", "lat", "lon", "kind", "admin1", "admin1_code", "country", "geonameid", "population", "score", "candidates"} <= set(data[0])


def test_cli_unknown_name_exits_2_with_suggestions():
    done = run_cli("geocode", "Idlibxyz")
    assert done.returncode == 2
    assert "did you mean" in done.stderr and "Idlib" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5000])
def test_cli_bad_input_exits_2_without_traceback(bad):
    done = run_cli("geocode", bad)
    assert done.returncode == 2
    assert "error" in done.stderr and "Traceback" not in done.stderr


def test_cli_human_output_lists_runners_up():
    done = run_cli("geocode", "--no-country", "Douma")
    assert done.returncode == 0
    assert "LB" in done.stdout and "ambiguous" in done.stdout
