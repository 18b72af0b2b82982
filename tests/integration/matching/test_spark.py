"""The same saved model on DuckDB and on Spark (PySpark in local mode) gives the same
pairs and probabilities. Spark is slow to start, so the module shares one session
and keeps its data small."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from interagency.matching.batch import build_linker, link
from interagency.matching.cli import xcheck
from interagency.matching.engines import DuckDBEngine, Engine, SparkEngine
from interagency.matching.features import person_features
from interagency.matching.model import load_model, save_model
from interagency.matching.spark import spark_session

from .people import population

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    session = spark_session("local[2]", checkpoint_dir=str(tmp_path_factory.mktemp("spark")))
    yield session
    session.stop()


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained on DuckDB and saved as JSON, as an operator would keep it."""
    a, b, _ = population(seed=31, persons=200)
    path = tmp_path_factory.mktemp("model") / "model.json"
    save_model(link(person_features(a), person_features(b)).model, path)
    return path


def _probabilities(
    a: pd.DataFrame, b: pd.DataFrame, model: dict[str, Any], engine: Engine
) -> dict[tuple[str, str], float]:
    """Every candidate pair with its probability, unrounded."""
    linker = build_linker(a, b, model, engine=engine)
    frame = linker.inference.predict(warning_mode="never").as_pandas_dataframe()  # type: ignore[no-untyped-call]
    found = {}
    for left, right, source, probability in zip(
        frame["unique_id_l"], frame["unique_id_r"], frame["source_dataset_l"],
        frame["match_probability"], strict=True,
    ):  # fmt: skip
        found[(left, right) if source == "a" else (right, left)] = float(probability)
    return found


def test_one_model_scores_the_same_on_duckdb_and_spark(spark: Any, saved_model: Path) -> None:
    a, b, truth = population(seed=32, persons=60)
    features_a, features_b = person_features(a), person_features(b)
    model = load_model(saved_model, "link_only")
    on_duckdb = _probabilities(features_a, features_b, model, DuckDBEngine())
    on_spark = _probabilities(features_a, features_b, model, SparkEngine(spark))
    assert on_spark.keys() == on_duckdb.keys()
    assert max(abs(on_spark[p] - on_duckdb[p]) for p in on_duckdb) <= 1e-6
    # Not vacuous: the pairs compared include the true ones, found as matches.
    matches = {pair for pair, probability in on_spark.items() if probability >= 0.5}
    assert len(matches & truth) >= 0.9 * len(truth)


def test_xcheck_runs_on_spark(spark: Any, saved_model: Path, tmp_path: Path) -> None:
    app = typer.Typer()
    app.command("xcheck")(xcheck)
    app.callback()(lambda: None)
    a, b, _ = population(seed=33, persons=40)
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    outputs = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.csv"
        args = ["xcheck", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--out", str(out)]
        args += ["--model", str(saved_model), "--engine", engine, "--spark-master", "local[2]"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output + result.stderr
        outputs[engine] = pd.read_csv(out, dtype={"a_id": str, "b_id": str})
    duck, spark_pairs = outputs["duckdb"], outputs["spark"]
    assert len(duck) >= 36
    assert list(spark_pairs[["a_id", "b_id"]].itertuples(index=False)) == list(
        duck[["a_id", "b_id"]].itertuples(index=False)
    )
    assert (spark_pairs["probability"] - duck["probability"]).abs().max() <= 1e-6
