import random

from zonemap.geocoding import load_gazetteer


def test_only_place_is_the_place_of_a_key_no_other_place_has():
    g = load_gazetteer()
    keys = random.Random(3).sample([k for k in g.exact.keys if k], 3000)
    shared = 0
    for key in keys:
        places = g.exact[key]
        shared += len(places) > 1
        assert g.exact.only_place(key) == (places[0] if len(places) == 1 else None), key
    assert 0 < shared < len(keys)  # the sample has keys of one place and keys of several
    assert g.exact.only_place("zzzz no such place zzzz") is None


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
