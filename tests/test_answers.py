import io
import json
from dataclasses import asdict

import pytest

from zonemap import geocode_all
from zonemap.geocoding.answers import answer_record, describe_answer, failure_summary, write_answers

# Repeats, an unknown name, an ambiguous one and a name with runners-up abroad (no country).
NAMES = ["Douma", "Zzzzz", "Deir Sunbul", "Saqba", "Douma", "Zzzzz", "Idlib"]


def test_json_report_is_the_indented_array_of_every_record_in_order():
    answers = geocode_all(NAMES, "SY")
    stream = io.StringIO()
    write_answers(NAMES, answers, stream, as_json=True)
    records = [answer_record(name, answer) for name, answer in zip(NAMES, answers)]
    assert stream.getvalue() == json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    assert [r["found"] for r in json.loads(stream.getvalue())] == [True, False, False, True, True, False, True]


def test_text_report_has_a_block_per_name_in_order():
    answers = geocode_all(NAMES, "SY")
    stream = io.StringIO()
    write_answers(NAMES, answers, stream)
    assert stream.getvalue() == "\n".join(describe_answer(n, a) for n, a in zip(NAMES, answers)) + "\n"
    assert stream.getvalue().count("Zzzzz -> NOT FOUND") == 2


def test_a_result_record_is_every_field_with_its_kind_label_and_runners_up():
    result = geocode_all(["Douma"], None)[0]
    assert result.candidates
    expected = asdict(result) | {"found": True, "kind": result.kind_label,
                                 "candidates": [asdict(c) | {"kind": c.kind_label} for c in result.candidates]}
    record = answer_record("Douma", result)
    assert record == expected and list(record) == list(expected)
    assert list(record["candidates"][0]) == list(expected["candidates"][0])


def test_failure_summary_counts_the_names_not_found():
    answers = geocode_all(NAMES, "SY")
    summary = failure_summary(NAMES, answers)
    assert summary.startswith(f"3 of {len(NAMES)} name(s) not found: ")
    assert "Zzzzz" in summary and "Deir Sunbul" in summary
    assert failure_summary(["Douma"], geocode_all(["Douma"], "SY")) is None


def test_indented_json_is_what_the_json_module_writes():
    from zonemap.geocoding.answers import indented_json

    values = [{"a": [], "b": {}, "c": [1, 2.5, -0.0, 1e-07, 12345678901234567890], "d": None, "e": True, "f": False},
              ["quote \" backslash \\ tab \t newline \n bell \x07", "دوما", "Dār‘ā", "\u2028", ""],
              {"nested": [{"x": [[], [{}]]}], "nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")},
              (1, "tuple"), 0, "", None, 3.0]
    for value in values:
        assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)
    assert indented_json({"k": [1]}, "    ") == json.dumps({"k": [1]}, indent=2).replace("\n", "\n    ")
    with pytest.raises(TypeError):
        indented_json({"set": {1}})
