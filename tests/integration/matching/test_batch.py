"""Linking, deduplicating and clustering on DuckDB, and reusing a saved model."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from interagency.matching.batch import EngineLimits, LinkResult, clusters, link
from interagency.matching.features import person_features
from interagency.matching.model import load_model, save_model

from .people import population

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    return population(seed=7, persons=300)


@pytest.fixture(scope="module")
def trained(
    tables: tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]],
    tmp_path_factory: pytest.TempPathFactory,
) -> LinkResult:
    a, b, _ = tables
    limits = EngineLimits(memory_limit="1GB", temp_directory=tmp_path_factory.mktemp("duckdb"))
    return link(person_features(a), person_features(b), limits=limits)


def _found(result: LinkResult) -> set[tuple[str, str]]:
    return set(zip(result.pairs["a_id"], result.pairs["b_id"], strict=True))


def test_cross_script_pairs_are_found_without_labels(
    tables: tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]], trained: LinkResult
) -> None:
    _, _, truth = tables
    found = _found(trained)
    assert len(found & truth) / len(truth) >= 0.95
    assert len(found & truth) / len(found) >= 0.95
    assert list(trained.pairs.columns) == ["a_id", "b_id", "probability"]
    assert trained.pairs["probability"].between(0.5, 1.0).all()


def test_a_saved_model_scores_new_data_without_retraining(
    trained: LinkResult, tmp_path: Path
) -> None:
    path = tmp_path / "model.json"
    save_model(trained.model, path)
    a, b, truth = population(seed=8, persons=120)
    reused = link(person_features(a), person_features(b), model=load_model(path, "link_only"))
    found = _found(reused)
    assert len(found & truth) / len(truth) >= 0.95
    # The parameters are the saved ones: nothing was re-estimated.
    assert _parameters(reused.model) == pytest.approx(_parameters(trained.model))


def test_deduplicating_one_table_finds_its_repeated_persons(trained: LinkResult) -> None:
    a, b, truth = population(seed=9, persons=80)
    both = pd.concat([a, b], ignore_index=True)
    result = link(person_features(both), model=load_model_dict(trained, "dedupe_only"))
    found = {tuple(sorted(p)) for p in _found(result)}
    assert len(found & {tuple(sorted(p)) for p in truth}) / len(truth) >= 0.95


def test_clusters_join_one_person_across_agencies(trained: LinkResult) -> None:
    frame = clusters(trained)
    by_id = dict(zip(frame["id"], frame["cluster_id"], strict=True))
    assert by_id["A0000"] == by_id["B0000"]
    assert by_id["A0000"] != by_id["A0001"] or by_id["B0000"] == by_id["B0001"]


def _parameters(model: dict[str, object]) -> list[float]:
    values: list[float] = []
    for comparison in model["comparisons"]:  # type: ignore[attr-defined]
        for level in comparison["comparison_levels"]:
            values += [level.get("m_probability", -1.0), level.get("u_probability", -1.0)]
    return values


def load_model_dict(result: LinkResult, link_type: str) -> dict[str, object]:
    model = dict(result.model)
    model["link_type"] = link_type
    return model


@pytest.mark.parametrize("dropped", [["passport"], ["birth_date"], ["passport", "birth_date"]])
def test_training_copes_with_missing_fields(dropped: list[str]) -> None:
    a, b, truth = population(seed=13, persons=150)
    result = link(
        person_features(a.drop(columns=dropped)), person_features(b.drop(columns=dropped))
    )
    found = _found(result)
    # Without dates and documents the name is all there is; namesakes cost precision.
    assert len(found & truth) / len(truth) >= 0.8


def test_one_person_is_one_cluster_across_three_agencies(trained: LinkResult) -> None:
    from interagency.matching.batch import cluster_agencies
    from interagency.matching.names import transliterate

    a, b, _ = population(seed=14, persons=60)
    # A third agency writes A's Cyrillic names under ISO 9, given name first.
    c = a.assign(
        id=[f"C{n:04d}" for n in range(len(a))],
        full_name=[transliterate(" ".join(n.split()[::-1]), "iso9") for n in a["full_name"]],
    )
    frames = {name: person_features(t) for name, t in (("a", a), ("b", b), ("c", c))}
    clustered = cluster_agencies(frames, model=trained.model)
    assert len(clustered) == 180
    records = zip(clustered["source"], clustered["id"], strict=True)
    by_record = dict(zip(records, clustered["cluster_id"], strict=True))
    same = sum(
        by_record[("a", f"A{n:04d}")]
        == by_record[("b", f"B{n:04d}")]
        == by_record[("c", f"C{n:04d}")]
        for n in range(60)
    )
    assert same >= 57
