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
    "Douma": ["Duma", "Dūmā", "دوما"],
    "Eastern Ghouta": ["Eastern Ghuta", "East Ghouta", "الغوطة الشرقية"],
    "Hammura": ["Hammouriyeh, Rif Dimashq", "Hamouriyah, Rural Damascus", "حمورة"],
    "Ein Terma": ["Ain Tarma", "Ayn Tarma", "عين ترما"],
    "Kafr Nobol": ["Kafranbel", "Kafr Nabl", "Kafr Nubl", "كفرنبل"],
    "Jisrein": ["Jisreen", "Jisrin", "جسرين"],
    "Foah": ["Fua", "Al-Fu'ah", "الفوعة"],
    "Khan Shaykhun": ["Khan Sheikhoun", "Khān Shaykhūn", "خان شيخون"],
    "Zamalka": ["زملكا"],
    "Saqba": ["سقبا"],
    "Misraba": ["مسرابا"],
}


def identity(result):
    return (result.kind, result.pcode, result.geonameid, result.ref, result.country)


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
    result = geocode("Harasta")
    assert (result.name, result.name_ar) == ("Harasta", "حرستا")
    assert result.kind == "place" and result.kind_label == "populated place"
    assert (result.admin1_code, result.admin2_code, result.admin3_code) == ("SY-RD", "SY0302", "SY030201")
    assert (result.admin1, result.admin2, result.admin3) == ("Rif Dimashq", "Duma", "Harasta")
    assert result.pcode.startswith("C") and result.geonameid
    assert result.score == 1.0 and result.tier == "exact" and result.confidence == 1.0
    assert not result.outside_country and not result.low_confidence
    assert result.query == "Harasta"


def test_eastern_ghouta_towns_missing_from_geonames_are_found_in_any_spelling():
    douma = geocode("Douma")
    for name in ["Zamalka", "Saqba", "Ein Terma", "Ain Tarma", "Misraba", "Jisreen", "Kafr Batna", "Hazzeh, Rif Dimashq",
                 "Hammouriyeh, Rif Dimashq", "Harasta", "Irbin", "Arbin"]:
        result = geocode(name)
        assert (result.country, result.admin1_code) == ("SY", "SY-RD"), name
        assert geodesic((result.lat, result.lon), (douma.lat, douma.lon)).km < 15, name


def test_neighbourhoods_are_places_too():
    for name in ["Qaboun", "Tadamon", "Jobar", "Barzeh"]:
        result = geocode(name)
        assert (result.kind, result.admin1_code) == ("neighbourhood", "SY-DI"), name


def test_douma_without_a_country_lists_the_lebanese_douma():
    result = geocode("Douma", country=None)
    countries = {result.country} | {c.country for c in result.candidates}
    assert result.country == "SY" and {"SY", "LB"} <= countries
    assert result.ambiguous


def test_douma_in_syria_is_the_city_and_its_namesakes_are_listed():
    result = geocode("Douma", country="SY")
    assert (result.country, result.admin1) == ("SY", "Rif Dimashq")
    assert result.ambiguous and result.confidence < 1.0  # prominence decided between Syrian Doumas
    assert all(c.country == "SY" for c in result.candidates)
    assert {c.admin1 for c in result.candidates} >= {"As-Suwayda"}


def test_spellings_of_places_abroad_are_never_syrian_villages():
    for name, country in [("Mosul", "IQ"), ("Astana", "KZ"), ("Erbil", "IQ"), ("Gaziantep", "TR")]:
        result = geocode(name)
        assert (result.country, result.outside_country) == (country, True), name
        assert result.confidence < 1.0


def test_a_well_known_place_abroad_outweighs_a_look_alike_village():
    # Hebron and Karbala are also, by transliteration, the Syrian villages Habrun and Kharabal.
    for name, country in [("Hebron", "PS"), ("Karbala", "IQ"), ("Antakya", "TR"), ("Fallujah", "IQ")]:
        result = geocode(name)
        assert (result.country, result.outside_country) == (country, True), name


def test_a_lesser_place_abroad_leaves_a_near_spelling_at_home_in_doubt():
    with pytest.raises(UnknownPlaceError) as caught:
        geocode("Beit Jann")  # a Druze village in Israel, and the usual spelling of Beit Jinn's neighbour
    assert caught.value.ambiguous
    assert any("(Northern, IL)" in s for s in caught.value.suggestions)
    assert any(", SY)" in s for s in caught.value.suggestions)
    assert geocode("Beit Jinn").country == "SY"


def test_an_obscure_village_does_not_outweigh_a_capital_abroad():
    with pytest.raises(UnknownPlaceError) as caught:
        geocode("Sanaa")
    assert caught.value.ambiguous and any("YE)" in s for s in caught.value.suggestions)


def test_a_city_abroad_known_by_another_name_is_in_doubt_when_that_name_is_a_places_own():
    # "as-Salif" is an old name of Chlef (Algeria); As Salif is a Yemeni port.
    with pytest.raises(UnknownPlaceError) as caught:
        geocode("Salif")
    assert caught.value.ambiguous and any("YE)" in s for s in caught.value.suggestions)
    assert geocode("Salif", "YE").admin1 == "Al Hudaydah"


def test_a_big_citys_common_other_name_is_not_a_look_alike_village():
    with pytest.raises(UnknownPlaceError) as caught:
        geocode("Kiev")  # Kyiv, and by transliteration the Idlib village Al-Khifah
    assert caught.value.ambiguous and any("UA)" in s for s in caught.value.suggestions)


def test_villages_of_conflict_countries_are_found_at_home():
    for name, country, admin1 in [("Waddan", "LY", "Jufra"), ("Sokna", "LY", "Jufra"), ("Hays", "YE", "Al Hudaydah"),
                                  ("Ad Durayhimi", "YE", "Al Hudaydah")]:
        result = geocode(name, country)
        assert (result.country, result.admin1, result.outside_country) == (country, admin1, False), name


def test_a_small_town_abroad_is_not_an_answer_but_says_how_to_ask_for_it():
    with pytest.raises(UnknownPlaceError) as caught:
        geocode("Reyhanli")
    assert caught.value.abroad == "Reyhanli, Turkey"
    assert "TR" in str(caught.value)
    result = geocode("Reyhanli, Turkey")
    assert (result.country, result.admin1, result.outside_country) == ("TR", "Hatay", False)
    assert geocode("Reyhanli", min_confidence=0).outside_country


def test_inexact_spellings_never_leave_the_country():
    for name in ["Misrata", "Samalka", "Madang", "Barnsley", "Chlef"]:
        try:
            result = geocode(name)
        except UnknownPlaceError:
            continue
        assert result.country == "SY" or (result.tier == "exact" and result.outside_country), name


def test_an_ambiguous_name_is_refused_with_the_places_it_could_be():
    with pytest.raises(UnknownPlaceError) as caught:
        geocode("Deir Sunbul")
    assert caught.value.ambiguous and len(caught.value.suggestions) == 2
    assert "Idlib" in str(caught.value) and "Hama" in str(caught.value) and "add where it is" in str(caught.value)
    assert geocode("Deir Sunbul, Idlib").admin1_code == "SY-ID"
    assert geocode("Deir Sunbul (Hama)").admin1_code == "SY-HM"
    assert geocode("Deir Sunbul", min_confidence=0).country == "SY"


def test_an_exact_latin_spelling_does_not_choose_between_places_of_one_arabic_name():
    # OCHA writes خالدية "Khaldiyeh" in Aleppo and "Khalidiyah" in Homs: a query that happens to match one
    # transliteration says nothing about which of the two is meant.
    with pytest.raises(UnknownPlaceError) as caught:
        geocode("Khaldiyeh")
    assert caught.value.ambiguous
    assert "Aleppo" in str(caught.value) and "Homs" in str(caught.value)
    assert geocode("Khaldiyeh, Aleppo").admin1_code == "SY-HL"


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


@pytest.mark.parametrize("nonsense", ["Zzzzz", "ab", "abc", "x y", "Ĳ", "qqqq"])
def test_nonsense_is_unknown_rather_than_a_weak_match(nonsense):
    # Short strings share a skeleton, or a big city's abbreviation ("ABC"), with something somewhere.
    with pytest.raises(UnknownPlaceError):
        geocode(nonsense)


def test_a_short_name_still_matches_a_near_identical_spelling():
    assert geocode("Fua").name == "Foah"


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
    geocoder = OfflineGeocoder()  # Syria by default
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
    assert {"name", "lat", "lon", "kind", "admin1", "admin1_code", "country", "geonameid", "population", "score", "tier",
            "confidence", "candidates"} <= set(data[0])


def test_cli_unknown_name_exits_2_with_suggestions_after_printing_every_name():
    done = run_cli("geocode", "Idlibxyz", "Homs")
    assert done.returncode == 2
    assert "did you mean" in done.stderr and "Idlib" in done.stderr
    assert "Traceback" not in done.stderr
    assert "Idlibxyz -> NOT FOUND" in done.stdout and "Homs -> Homs" in done.stdout


def test_cli_batch_from_standard_input_as_json(tmp_path):
    names = ["Douma", "Zzzzz", "Deir Sunbul", "Saqba", "Douma"]
    done = subprocess.run([sys.executable, "-m", "zonemap", "geocode", "--json", "--file", "-"], input="\n".join(names) + "\n\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    data = json.loads(done.stdout)
    assert [d["query"] for d in data] == names and [d["found"] for d in data] == [True, False, False, True, True]
    assert data[2]["ambiguous"] and len(data[2]["suggestions"]) == 2 and not data[1]["ambiguous"]
    assert {"tier", "confidence", "outside_country", "admin3_code", "pcode"} <= set(data[0])


def test_cli_geocode_starts_without_the_map_and_table_libraries():
    code = ("import sys; from zonemap.cli import main; main(['geocode', 'Douma']); "
            "print(sorted(m for m in ('pandas', 'geopandas', 'folium', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5000])
def test_cli_bad_input_exits_2_without_traceback(bad):
    done = run_cli("geocode", bad)
    assert done.returncode == 2
    assert "error" in done.stderr and "Traceback" not in done.stderr


def test_cli_human_output_lists_runners_up():
    done = run_cli("geocode", "--no-country", "Douma")
    assert done.returncode == 0
    assert "LB" in done.stdout and "other places bear this name" in done.stdout


@pytest.mark.parametrize("kurdish, arabic", [("Kobani", "Ayn al-Arab"), ("Serêkaniyê", "Ras al-Ain"),
                                             ("Tirbespiye", "Qahtaniyah"), ("Derik", "Al-Malikiyah")])
def test_kurdish_names_of_north_eastern_towns_resolve(kurdish, arabic):
    assert geocode(kurdish).pcode == geocode(arabic).pcode


PLAIN_KINDS = ("place", "neighbourhood", "named_area", "country")


def test_a_name_only_one_place_bears_is_answered_with_every_field_of_that_place():
    from zonemap.geocoding import load_gazetteer
    from zonemap.geocoding.geocoder import GeocodeResult, candidate
    from zonemap.geocoding.text import name_key

    g = load_gazetteer()
    syrian = g.country_places("SY").tolist()
    checked = 0
    for index in syrian[::20] + [i for i in syrian if g.ref(i)]:  # a sample of places, and every area
        name = g.names[index]
        if g.unrivalled_place(name_key(name)) == index and g.kind[index] in PLAIN_KINDS:
            checked += 1
            assert geocode(name, "SY") == candidate(g, index, cls=GeocodeResult, query=name)
    assert checked > 50


def test_a_name_asked_again_gets_an_equal_answer_of_its_own():
    first = geocode("Douma", None)  # several Doumas: ranked, and kept for the next asker
    expected = first.to_dict()
    first.name, first.candidates[0].name = "changed", "changed too"
    again = geocode("Douma", None)
    assert again.to_dict() == expected


def test_a_refused_name_asked_again_is_refused_alike_with_an_error_of_its_own():
    import traceback

    errors = []
    for _ in range(3):
        with pytest.raises(UnknownPlaceError) as caught:
            geocode("Idlibxyz")
        errors.append(caught.value)
        if len(errors) == 1:
            suggested = list(errors[0].suggestions)
            errors[0].suggestions.append("changed by its catcher")
    assert suggested and errors[1].suggestions == errors[2].suggestions == suggested
    assert len({id(error) for error in errors}) == 3
    assert vars(errors[1]) == vars(errors[2]) and errors[1].args == errors[2].args == errors[0].args
    depth = [len(list(traceback.walk_tb(error.__traceback__))) for error in errors]
    assert depth[2] == depth[0]


@pytest.mark.parametrize("name", ["Reyhanli, Turkey", "Baalbek, Lebanon"])  # ranked there; the only Baalbek
def test_a_name_with_its_country_asked_again_gets_an_equal_answer_of_its_own(name):
    from zonemap.data import GeoData
    from zonemap.geocoding import Gazetteer

    g = Gazetteer(GeoData())
    first = geocode(name, gazetteer=g)
    expected = first.to_dict()
    assert first.query == name.split(",")[0] and first.country != "SY"
    first.name, first.candidates = "changed", ()
    again = geocode(name, gazetteer=g)
    assert again is not first and again.to_dict() == expected


def test_answers_kept_for_names_asked_again_are_bounded(monkeypatch):
    from zonemap.data import GeoData
    from zonemap.geocoding import Gazetteer
    from zonemap.geocoding import geocoder

    monkeypatch.setattr(geocoder, "ANSWERS_KEPT", 2)
    g = Gazetteer(GeoData())
    for name in ["Douma", "Idlibxyz", "Hamouriyeh", "Deir Sunbul", "Homsx"]:
        try:
            geocode(name, gazetteer=g)
        except UnknownPlaceError:
            pass
    assert 0 < len(g.memo("ranked_answers")) <= 2
