"""Screening one record against an index: the same candidates and probabilities as
Splink's batch prediction, explanations, and records added and removed in place."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from interagency.matching.batch import build_linker, link
from interagency.matching.features import person_features
from interagency.matching.screen import Keys, ModelError, ScreeningIndex
from interagency.matching.screen.index import keys_from_row

from .people import population

pytestmark = pytest.mark.slow

TF_COLUMNS = ("surname_bk", "given_grp", "father_bk")


@pytest.fixture(scope="module")
def trained() -> dict[str, Any]:
    a, b, _ = population(seed=21, persons=300)
    return link(person_features(a), person_features(b)).model


@pytest.fixture(scope="module")
def people() -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    """Some birth dates missing or reduced to the year, so that the candidate rules
    that apply only then are exercised too."""
    a, b, truth = population(seed=22, persons=250)
    a.loc[a.index % 5 == 2, "birth_date"] = ""
    b.loc[b.index % 4 == 1, "birth_date"] = b["birth_date"].str[-4:]
    return a, b, truth


def _splink_probabilities(
    queries: pd.DataFrame, indexed: pd.DataFrame, model: dict[str, Any]
) -> dict[tuple[str, str], float]:
    """Every candidate pair scored by Splink, with term frequencies taken from the
    indexed table alone, as the index takes them."""
    linker = build_linker(queries, indexed, model)
    db_api = linker._db_api
    for column in TF_COLUMNS:
        counts = indexed[column].dropna().value_counts()
        table = pd.DataFrame(
            {column: counts.index, f"tf_{column}": counts.to_numpy() / counts.sum()}
        )
        linker.table_management.register_term_frequency_lookup(db_api.register(table), column)
    frame = linker.inference.predict(warning_mode="never").as_pandas_dataframe()  # type: ignore[no-untyped-call]
    found = {}
    for left, right, source, probability in zip(
        frame["unique_id_l"], frame["unique_id_r"], frame["source_dataset_l"],
        frame["match_probability"], strict=True,
    ):  # fmt: skip
        found[(left, right) if source == "a" else (right, left)] = float(probability)
    return found


def _queries(features: pd.DataFrame) -> list[Keys]:
    return [keys_from_row(row) for row in features.to_dict("records")]


def test_scores_agree_with_splink_on_every_candidate_pair(
    trained: dict[str, Any], people: tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]
) -> None:
    a, b, _ = people
    queries, indexed = person_features(a), person_features(b)
    expected = _splink_probabilities(queries, indexed, trained)
    index = ScreeningIndex.from_features(indexed, trained)
    screened = {
        (query.unique_id, candidate.id): candidate.probability
        for query in _queries(queries)
        for candidate in index.screen(query, threshold=0.0, limit=None)
    }
    assert len(expected) > len(a)  # namesakes too, not only the true pairs
    assert screened.keys() == expected.keys()
    assert max(abs(screened[p] - expected[p]) for p in expected) < 1e-9


def test_the_same_person_ranks_first_with_an_explanation(
    trained: dict[str, Any], people: tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]
) -> None:
    a, b, truth = people
    index = ScreeningIndex.from_records(b, trained)
    first = a.iloc[0].to_dict()
    (b_id,) = [pair[1] for pair in truth if pair[0] == first["id"]]
    ranked = index.screen_record(first)
    assert ranked[0].id == b_id
    assert ranked[0].probability >= 0.5
    assert [c.probability for c in ranked] == sorted((c.probability for c in ranked), reverse=True)
    fields = {f.field: f for f in ranked[0].fields}
    assert set(fields) == {
        "surname", "given_name", "patronymic", "birth_date", "passport", "sex", "nationality"
    }  # fmt: skip
    # A's date is ISO and B's dotted, but it is the same day.
    assert fields["birth_date"].level == "Exact match on dob"
    assert fields["birth_date"].agrees
    assert fields["patronymic"].weight == 0  # neither record has one


def test_records_are_added_and_removed_without_rebuilding(
    trained: dict[str, Any], people: tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]
) -> None:
    a, b, _ = people
    features = person_features(b)
    index = ScreeningIndex.from_features(features.iloc[1:], trained)
    rebuilt_without = ScreeningIndex.from_features(features.iloc[1:], trained)
    query = _queries(person_features(a.iloc[:1]))[0]
    before = index.screen(query, threshold=0.0, limit=None)

    newcomer = person_features(b.iloc[:1].assign(id="NEW-1"))
    index.add(keys_from_row(newcomer.iloc[0].to_dict()))
    assert "NEW-1" in index
    assert len(index) == len(features)
    index.remove("NEW-1")
    assert "NEW-1" not in index
    # Back to the same state: term frequencies included, the scores are unchanged.
    assert index.screen(query, threshold=0.0, limit=None) == before
    assert rebuilt_without.screen(query, threshold=0.0, limit=None) == before


def test_an_added_record_is_found_and_a_removed_one_is_not(
    trained: dict[str, Any], people: tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]
) -> None:
    a, b, truth = people
    first = a.iloc[0].to_dict()
    (b_id,) = [pair[1] for pair in truth if pair[0] == first["id"]]
    others = b[b["id"] != b_id]
    index = ScreeningIndex.from_records(others, trained)
    assert b_id not in {c.id for c in index.screen_record(first)}
    index.add_record(b[b["id"] == b_id].iloc[0].to_dict())
    assert index.screen_record(first)[0].id == b_id
    index.remove(b_id)
    assert b_id not in {c.id for c in index.screen_record(first)}
    with pytest.raises(KeyError):
        index.remove(b_id)


def test_a_model_of_other_comparisons_is_refused(trained: dict[str, Any]) -> None:
    fewer = dict(trained, comparisons=trained["comparisons"][:-1])
    with pytest.raises(ModelError, match="compares"):
        ScreeningIndex(fewer)
    relabelled = dict(trained, comparisons=[dict(c) for c in trained["comparisons"]])
    levels = [dict(level) for level in relabelled["comparisons"][0]["comparison_levels"]]
    levels[2]["label_for_charts"] = "something else"
    relabelled["comparisons"][0]["comparison_levels"] = levels
    with pytest.raises(ModelError, match="surname"):
        ScreeningIndex(relabelled)
