import random

from zonemap.geocoding import load_gazetteer


def test_every_key_is_found_at_its_position_and_no_other_string_is():
    from zonemap.data import GeoData
    from zonemap.geocoding import Gazetteer

    g = Gazetteer(GeoData())  # its own: the per-letter dicts are made as keys are asked for
    assert [g.exact.position(key) for key in g.exact.keys] == list(range(len(g.exact.keys)))
    for absent in ["zzzz no such place zzzz", "douma x", "\U0010ffff", "\u0600", g.exact.keys[-1] + "a"]:
        assert g.exact.position(absent) is None, absent
    assert g.exact.position("") == (0 if g.exact.keys[0] == "" else None)


def test_an_unrivalled_place_is_one_that_alone_bears_its_key_without_namesakes_and_is_no_admin_unit():
    g = load_gazetteer()
    keys = random.Random(4).sample([k for k in g.exact.keys if k], 5000)
    kinds = {"unrivalled": 0, "admin": 0, "namesakes": 0, "shared": 0}
    for key in keys:
        places = g.exact[key]
        plain = len(places) == 1 and not g.namesakes(places[0]) and not g.kind[places[0]].startswith("admin")
        assert g.unrivalled_place(key) == (places[0] if plain else None), key
        if plain:
            kinds["unrivalled"] += 1
        elif len(places) > 1:
            kinds["shared"] += 1
        else:
            kinds["namesakes" if g.namesakes(places[0]) else "admin"] += 1
    assert all(kinds.values()), kinds  # the sample has keys of each kind
    assert g.unrivalled_place("zzzz no such place zzzz") is None


def test_a_record_holds_what_the_gazetteer_says_of_a_place_field_by_field():
    g = load_gazetteer()
    for index in random.Random(5).sample(range(len(g)), 3000):
        admin1, admin2, admin3 = g.admin_codes(index)
        assert g.record(index) == (g.names[index], g.name_ar(index), g.lat[index], g.lon[index], g.kind[index],
                                   g.country[index], g.admin_name(admin1), admin1, g.admin_name(admin2), admin2,
                                   g.admin_name(admin3), admin3, g.pcode(index), g.geonameid(index),
                                   g.population[index])


def _block_keys(blocks):
    for letter, (keys, lengths) in blocks.items():
        assert all(key[0] == letter for key in keys)
        assert keys == sorted(keys, key=lambda key: (len(key), key))  # by length, then as the index sorts them
        assert lengths == [len(key) for key in keys]
        yield from keys


def test_keys_of_the_world_are_every_key_by_first_letter_and_length():
    g = load_gazetteer()
    assert sorted(_block_keys(g.keys_of_country(None))) == [key for key in g.exact.keys if key]


def test_keys_of_a_country_are_those_of_its_places():
    from zonemap.geocoding.text import name_key

    g = load_gazetteer()
    keys = set(_block_keys(g.keys_of_country("LB")))
    assert all(any(g.country[i] == "LB" for i in g.exact[key]) for key in keys)
    assert {name_key(g.names[i]) for i in g.country_places("LB").tolist()} - {""} <= keys
    assert g.keys_of_country("ZZ") == {}


def test_codes_decode_as_numpy_converts_them():
    import numpy as np

    from zonemap.data import GeoData
    from zonemap.geocoding.gazetteer import decode_codes

    arrays = GeoData().gazetteer_arrays
    columns = [arrays[name] for name in arrays.files if arrays[name].dtype.kind == "S"]
    columns += [np.array([b"", b"SY", b"", b"SY-RD"], dtype="S12"), np.array([], dtype="S2")]
    for column in columns:
        assert decode_codes(column) == column.astype(str).tolist()
