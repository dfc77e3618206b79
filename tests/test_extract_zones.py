"""Zones: the sentences that list what de-escalation zones include."""

from __future__ import annotations

from zonemap.extract.draft import extract_scenario


def _zones(text):
    draft = extract_scenario(text, date="2017-07-04")
    return [(z.id, z.rule, list(getattr(z, z.rule)) if z.rule != "area" else [z.area], bool(z.approximate))
            for z in draft.scenario.zones]


def test_a_list_of_zones_with_parts_references_and_a_placeholder_filled_later():
    text = ("Negotiators settled on four de-escalation zones. The four areas include Idlib province, the "
            "northern part of Homs province, Eastern Ghouta outside the capital and a stretch of the south. "
            "The army stopped fighting in the Daraa, Quneitra and Sweida provinces, which make up one of the zones.")
    assert _zones(text) == [
        ("idlib", "provinces", ["Idlib"], False),
        ("northern-homs", "provinces", ["Homs"], True),
        ("eastern-ghouta", "area", ["Eastern Ghouta"], False),
        ("daraa-quneitra-and-sweida", "provinces", ["Daraa", "Quneitra", "As-Suwayda"], False),
    ]


def test_a_unit_noun_spanning_two_names_and_towns_that_name_their_governorate():
    text = ("The safe zones include the Rastan and Talbiseh pocket north of Homs, and parts of Homs and Hama "
            "provinces. A truce covers Daraa, Quneitra and Sweida, which together form the southern zone.")
    assert _zones(text) == [
        ("rastan-and-talbiseh", "towns", ["Rastan", "Talbiseh"], False),
        ("homs-and-hama", "provinces", ["Homs", "Hama"], False),
        ("daraa-quneitra-and-sweida", "provinces", ["Daraa", "Quneitra", "As-Suwayda"], False),
    ]


def test_a_list_without_a_comma_before_and():
    assert _zones("The safe zones include Idlib and Eastern Ghouta. Other safe zones include parts of Homs and Hama "
                  "provinces.") == [
        ("idlib", "provinces", ["Idlib"], False),
        ("eastern-ghouta", "area", ["Eastern Ghouta"], False),
        ("homs-and-hama", "provinces", ["Homs", "Hama"], False),
    ]


def test_an_article_naming_no_zone_gets_one_placeholder_to_replace():
    draft = extract_scenario("Shelling hit Harasta and Douma on Monday.", date="2017-07-04")
    (zone,) = draft.scenario.zones
    assert (zone.id, zone.provinces, zone.status) == ("places-named", ("Rif Dimashq",), "proposed")
    assert draft.zone_provenance[0].confidence < 0.5
