"""Place names in running text: matching every name variant, refusing common words, people and groups, resolving by context."""

from __future__ import annotations

import pytest

from zonemap.extract.article import split_sentences
from zonemap.extract.places import PlaceFinder, tokenize


@pytest.fixture(scope="module")
def finder():
    from zonemap.geocoding.gazetteer import load_gazetteer

    return PlaceFinder(load_gazetteer(), "SY")


def _find(finder, text):
    places, unresolved = finder.find(text, split_sentences(text))
    home = {p.mentions[0].text: p for p in places if not p.outside}
    abroad = {p.mentions[0].text: p for p in places if p.outside}
    return home, abroad, unresolved


def test_tokens_fold_possessives_and_arabic_articles():
    tokens = tokenize("Idlib's al-Bab and درعا")
    assert [(t.text, t.norm, t.article) for t in tokens] == [
        ("Idlib", "idlib", False), ("al", "al", True), ("Bab", "bab", False), ("and", "and", False),
        ("درعا", tokens[-1].norm, False)]


def test_spelling_variants_and_multi_word_names(finder):
    home, _, _ = _find(finder, "Shelling hit Deraa, Idleb's outskirts and the town of Hamouriyeh in Eastern Ghouta, in Rif Dimashq, "
                               "and the countryside of Daraa province.")
    assert {text: (p.display, p.kind, p.admin1) for text, p in home.items()} == {
        "Deraa": ("Dar'a", "place", "Daraa"),
        "Idleb": ("Idleb", "place", "Idlib"),
        "Hamouriyeh": ("Hammura", "place", "Rif Dimashq"),
        "Eastern Ghouta": ("Eastern Ghouta", "named_area", "Rif Dimashq"),
        "Rif Dimashq": ("Rif Dimashq", "admin1", "Rif Dimashq"),
        "Daraa": ("Daraa", "admin1", "Daraa"),
    }
    assert home["Hamouriyeh"].how == "transliteration"


def test_arabic_script_names(finder):
    home, _, _ = _find(finder, "Clashes broke out near درعا and in بصرى الشام on Monday.")
    assert {p.display for p in home.values()} == {"Dar'a", "Busra Esh-Sham"}
    assert {p.admin1 for p in home.values()} == {"Daraa"}


def test_names_that_are_common_words_people_or_groups_are_not_places(finder):
    text = ("Tell me what you saw, said Ali, a resident of Harasta. Hayat Tahrir al-Sham and Ahrar al-Sham fighters "
            "met President Bashar al-Assad's envoys. Russian jets and the Syrian army hit rebels near Harasta. "
            "Adam Jones said so.")
    home, abroad, unresolved = _find(finder, text)
    assert set(home) == {"Harasta"}
    assert not abroad
    refused = {u.text: u.reason for u in unresolved}
    assert refused["Tell"] == "a common word"
    assert "armed group" in refused["al-Sham"]


def test_a_common_word_with_a_place_cue_is_a_place(finder):
    home, _, _ = _find(finder, "Shelling hit the town of Harem, near the Turkish border, and Harasta.")
    assert home["Harem"].admin1 == "Idlib"
    home, _, unresolved = _find(finder, "The harem of the palace was shown. Harem scenes, Harasta, Damascus.")
    assert "Harem" not in home


def test_an_ambiguous_name_is_resolved_by_the_places_around_it(finder):
    near_damascus, _, _ = _find(finder, "Air strikes hit Duma and Harasta in Eastern Ghouta.")
    in_hama, _, _ = _find(finder, "Troops entered Duma, a village east of Salamiyah in Hama province.")
    assert near_damascus["Duma"].admin1 == "Rif Dimashq"
    assert (in_hama["Duma"].admin1, in_hama["Duma"].how) == ("Hama", "context")


def test_places_abroad_are_context(finder):
    home, abroad, _ = _find(finder, "Delegations from Moscow and Tehran met in Astana, Kazakhstan, and later in Geneva "
                                    "to discuss Idlib.")
    assert set(home) == {"Idlib"}
    assert {text: p.country for text, p in abroad.items()} == {
        "Moscow": "RU", "Tehran": "IR", "Astana": "KZ", "Kazakhstan": "KZ", "Geneva": "CH"}
    assert all(p.outside for p in abroad.values())


def test_a_small_place_far_from_everything_else_is_left_out(finder):
    home, _, unresolved = _find(finder, "Officials in Damascus spoke of the village of Hammam Turkman.")
    assert set(home) == {"Damascus"}
    assert [u.reason for u in unresolved if u.text == "Hammam Turkman"] == [
        "a small place with no other place of the article within 60 km"]
    home, _, _ = _find(finder, "Officials in Raqqa province spoke of the village of Hammam Turkman.")
    assert home["Hammam Turkman"].admin1 == "Raqqa"


def test_a_name_several_places_bear_is_left_out_when_nothing_tells_them_apart(finder):
    home, _, unresolved = _find(finder, "Officials in Damascus spoke of the village of Tal Dahab.")
    assert "Tal Dahab" not in home
    assert any(u.text == "Tal Dahab" and "several places" in u.reason for u in unresolved)
