"""Counts written in figures or words."""

from __future__ import annotations

import pytest

from zonemap.extract.numbers import parse_number


@pytest.mark.parametrize("text, value", [
    ("12", 12), ("1,200", 1200), ("2.5 million", 2_500_000), ("twenty-one", 21), ("a", 1), ("An", 1),
    ("three hundred", 300), ("two thousand five hundred", 2500), ("both", 2),
])
def test_counts(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "dozens", "12 people", "million"])
def test_not_counts(text):
    assert parse_number(text) in (None, 1_000_000) if text == "million" else parse_number(text) is None
