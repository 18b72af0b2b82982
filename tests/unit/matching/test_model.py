"""The training plan adapts to the fields a data set actually fills."""

from __future__ import annotations

from typing import Any

import pytest

from interagency.matching.model import (
    PREDICTION_BLOCKING_RULES,
    for_dialect,
    person_settings,
    training_plan,
)


def test_documents_and_dates_train_on_clean_blocks() -> None:
    plan = training_plan(frozenset({"passport", "dob"}))
    assert plan.em_blocks == (("passport",), ("surname_bk", "given_grp", "dob"))
    assert all("passport" in r or "dob" in r for r in plan.deterministic_rules)


def test_without_documents_names_and_dates_teach_each_other() -> None:
    plan = training_plan(frozenset({"dob"}))
    assert plan.em_blocks == (("dob",), ("surname_bk", "given_bk"))
    assert not any("passport" in r for r in plan.deterministic_rules)


def test_without_dates_no_rule_needs_a_date() -> None:
    plan = training_plan(frozenset({"passport"}))
    assert not any("dob" in r for r in plan.deterministic_rules)
    assert not any("dob" in block for block in plan.em_blocks)


def test_names_alone_still_give_a_plan() -> None:
    plan = training_plan(frozenset())
    assert plan.deterministic_rules
    assert plan.em_blocks == (("surname_bk", "given_bk"),)


def test_every_candidate_rule_pairs_a_name_key_with_a_second_field() -> None:
    for rule in PREDICTION_BLOCKING_RULES:
        if "passport" in rule:
            continue
        assert " and " in rule
        assert "_bk" in rule or "_grp" in rule or "_init" in rule


def test_rules_on_names_alone_keep_only_pairs_without_a_full_birth_date() -> None:
    """Namesakes abound; only the rare swapped given name and surname may pair on
    names alone whatever the dates say."""
    on_names_alone = 0
    for rule in PREDICTION_BLOCKING_RULES:
        terms = rule.split(" and ")
        keys = [t.split(" = ") for t in terms if not t.startswith("(")]
        same_fields = all(left[2:] == right[2:] for left, right in keys)
        if same_fields and not any("dob" in k[0] or "passport" in k[0] for k in keys):
            on_names_alone += 1
            assert "(l.dob is null or r.dob is null)" in terms
    assert on_names_alone >= 1


def _duckdb_model() -> dict[str, Any]:
    model: dict[str, Any] = person_settings("link_only").get_settings("duckdb").as_dict()
    model["probability_two_random_records_match"] = 0.001
    model["comparisons"][0]["comparison_levels"][1]["m_probability"] = 0.8
    model["comparisons"][0]["comparison_levels"][1]["u_probability"] = 0.01
    return model


def test_a_model_saved_on_duckdb_is_rewritten_for_spark_with_its_parameters() -> None:
    spark = for_dialect(_duckdb_model(), "spark")
    exact_surname = spark["comparisons"][0]["comparison_levels"][1]
    assert exact_surname["sql_condition"] == "`surname_sp_l` = `surname_sp_r`"
    assert (exact_surname["m_probability"], exact_surname["u_probability"]) == (0.8, 0.01)
    assert spark["probability_two_random_records_match"] == 0.001
    assert spark["sql_dialect"] == "spark"


def test_a_model_of_other_comparisons_is_not_rewritten() -> None:
    model = _duckdb_model()
    model["comparisons"] = model["comparisons"][1:]
    with pytest.raises(ValueError, match="comparisons"):
        for_dialect(model, "spark")
