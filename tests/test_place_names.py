"""Place names in the map's language, with the other script kept for the popup."""

import pytest

from zonemap.render.place_names import incident_labels_in_language, is_arabic, label_in_language


def test_is_arabic_looks_at_the_script_not_the_language():
    assert is_arabic("دوما") and is_arabic("حي الميدان (Midan)")
    assert not is_arabic("Douma") and not is_arabic("") and not is_arabic(None)


@pytest.mark.parametrize("lang, written, expected", [
    ("en", "Douma", ("Douma", "دوما")),        # the spelling written is kept in its own script
    ("en", "دوما", ("Duma", "دوما")),          # an Arabic name on an English map: the gazetteer's English name
    ("ar", "Douma", ("دوما", "Douma")),
    ("ar", "دوما", ("دوما", "Duma")),
])
def test_label_in_the_map_language_and_the_other_script(lang, written, expected):
    assert label_in_language(lang, written, "Duma", "دوما") == expected


def test_a_name_known_in_one_script_only_is_used_as_it_is():
    assert label_in_language("ar", "Al Hudaydah", "Al Hudaydah", None) == ("Al Hudaydah", None)
    assert label_in_language("en", "الحديدة", None, None) == ("الحديدة", None)


def test_incident_labels_keep_coordinate_labels_and_use_what_each_name_resolved_to():
    class Place:
        name, name_ar = "Duma", "دوما"

    labels, others = incident_labels_in_language(["دوما", None, "دوما", "Kafr Nabl"], ["دوما", "near Duma", "دوما", "Kafr Nabl"],
                                                 {"دوما": Place()}, "en")
    assert list(labels) == ["Duma", "near Duma", "Duma", "Kafr Nabl"]
    assert list(others.isna()) == [False, True, False, True] and others[0] == others[2] == "دوما"
