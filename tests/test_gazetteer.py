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
