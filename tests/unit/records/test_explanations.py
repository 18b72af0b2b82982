"""A hit's explanation in words: every level the engine can store has a phrase, weights
read as bands with the number beside them, and what the words do not know shows as
stored."""

from __future__ import annotations

import math
from typing import Any

import pytest

from interagency import i18n
from interagency.matching.compare import person_comparisons
from interagency.matching.model import shipped_model
from interagency.records.comparison import _KEY_LEVELS  # the identifier hits' levels
from interagency.records.explanations import FIELDS, LEVELS, Row, explain, weighed


def _shipped_levels() -> set[tuple[str, str]]:
    return {
        (comparison["output_column_name"], level["label_for_charts"])
        for comparison in shipped_model()["comparisons"]
        for level in comparison["comparison_levels"]
    }


def _coded_levels() -> set[tuple[str, str]]:
    levels = set()
    for creator in person_comparisons():
        comparison = creator.get_comparison("duckdb").as_dict()  # type: ignore[no-untyped-call]
        for level in comparison["comparison_levels"]:
            levels.add((comparison["output_column_name"], level["label_for_charts"]))
    return levels


def test_every_level_the_engine_can_store_has_words() -> None:
    shipped = _shipped_levels()
    # Null and else levels included: seven comparisons, 38 levels when this was written.
    assert len(shipped) > 30
    engine = shipped | _coded_levels() | set(_KEY_LEVELS.items())
    assert sorted(engine - LEVELS.keys()) == []
    assert sorted({field for field, _level in engine} - FIELDS.keys()) == []


@pytest.mark.parametrize(
    ("weight", "words", "shown"),
    [
        (14.35, "counts strongly for the match", "+14.3"),
        (4.96, "counts strongly for the match", "+5.0"),
        (4.94, "counts for the match", "+4.9"),
        (2.0, "counts for the match", "+2.0"),
        (0.99, "counts slightly for the match", "+1.0"),
        (0.5, "counts slightly for the match", "+0.5"),
        (0.44, "counts neither for nor against", "+0.4"),
        (0, "counts neither for nor against", "0.0"),
        (-0.04, "counts neither for nor against", "0.0"),
        (-0.14, "counts neither for nor against", "-0.1"),
        (-1.09, "counts slightly against the match", "-1.1"),
        (-3.28, "counts against the match", "-3.3"),
        (-5.0, "counts strongly against the match", "-5.0"),
        (-10.98, "counts strongly against the match", "-11.0"),
    ],
)
def test_a_weight_reads_as_its_band_with_the_rounded_number(
    weight: float, words: str, shown: str
) -> None:
    with i18n.language("en"):
        assert weighed(weight) == (words, shown)


@pytest.mark.parametrize("weight", [None, "high", True, math.nan, math.inf])
def test_what_is_no_weight_is_not_weighed(weight: object) -> None:
    with i18n.language("en"):
        assert weighed(weight) == ("not weighed", None)


def test_a_person_hit_reads_field_by_field() -> None:
    stored = [
        {"field": "surname", "level": "same surname in another standard", "weight": 6.76},
        {"field": "birth_date", "level": "All other comparisons", "weight": -10.98},
        {"field": "sex", "level": "sex is NULL", "weight": 0.0},
    ]
    with i18n.language("en"):
        assert explain(stored) == [
            Row(
                "Surname",
                "same surname in another standard",
                "counts strongly for the match",
                "+6.8",
            ),
            Row(
                "Date of birth", "birth dates differ", "counts strongly against the match", "-11.0"
            ),
            Row(
                "Sex", "sex not known on one side or both", "counts neither for nor against", "0.0"
            ),
        ]


def test_an_identifier_hit_reads_without_a_weight() -> None:
    stored = [{"field": "phone", "level": "same phone number", "weight": None}]
    with i18n.language("en"):
        assert explain(stored) == [Row("Phone number", "same phone number", "not weighed", None)]


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (
            {"field": "surname", "level": "a level of an older engine", "weight": 1.2},
            Row("Surname", "a level of an older engine", "counts slightly for the match", "+1.2"),
        ),
        (
            {"field": "eye_colour", "level": "same colour", "weight": -2.5},
            Row("eye_colour", "same colour", "counts against the match", "-2.5"),
        ),
        ({}, Row("—", "—", "not weighed", None)),
    ],
)
def test_what_the_words_do_not_know_shows_as_stored(stored: dict[str, Any], expected: Row) -> None:
    with i18n.language("en"):
        assert explain([stored]) == [expected]


def test_no_explanation_has_no_rows() -> None:
    assert explain(None) == []
    assert explain([]) == []
