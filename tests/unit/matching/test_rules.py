"""Candidate rules read as keys and a filter of missing values, for the screening index."""

from __future__ import annotations

import pytest

from interagency.matching.model import PREDICTION_BLOCKING_RULES
from interagency.matching.screen import Keys
from interagency.matching.screen.index import Rule, keys_from_row, parse_rule


def _keys(**values: object) -> Keys:
    return keys_from_row({"unique_id": "x", "given_is_init": False, **values})


def test_equalities_become_the_two_key_lists() -> None:
    rule = parse_rule("l.surname_bk = r.given_bk and l.given_bk = r.surname_bk")
    assert rule == Rule(("surname_bk", "given_bk"), ("given_bk", "surname_bk"))
    assert rule.is_symmetric


def test_a_rule_on_different_columns_is_not_symmetric() -> None:
    rule = parse_rule("l.surname_bk = r.given_bk")
    assert not rule.is_symmetric
    assert rule.swapped() == Rule(("given_bk",), ("surname_bk",))


def test_a_filter_of_missing_values_keeps_pairs_where_either_side_lacks_it() -> None:
    rule = parse_rule("l.surname_bkl = r.surname_bkl and (l.dob is null or r.dob is null)")
    assert rule.left == ("surname_bkl",)
    assert rule.either_missing == (("l", "dob"), ("r", "dob"))
    assert rule.is_symmetric
    full, partial = _keys(dob="1980-01-02"), _keys(dob=None)
    assert rule.keeps(full, partial)
    assert rule.keeps(partial, full)
    assert not rule.keeps(full, full)


@pytest.mark.parametrize(
    "rule",
    [
        "l.dob_y - r.dob_y <= 1",
        "l.surname_bk = r.surname_bk and (l.dob is null and r.dob is null)",
        "(l.dob is null or r.dob is null)",
        "levenshtein(l.surname_sp, r.surname_sp) <= 1",
    ],
)
def test_other_sql_is_refused(rule: str) -> None:
    with pytest.raises(ValueError, match=r"not a column equality|no column equality"):
        parse_rule(rule)


def test_every_rule_of_the_model_can_be_indexed() -> None:
    for rule in PREDICTION_BLOCKING_RULES:
        assert parse_rule(rule).left
