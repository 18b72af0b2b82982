"""Link two tables of person records, or deduplicate one, on DuckDB or Spark.

Features are computed before the engine (see `features.py`); here they are handed to
Splink on an engine (`engines.py`: DuckDB with a memory limit and a spill directory
by default, or a Spark session), scored, and returned as pairs or as clusters of one
person across agencies.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from splink import Linker

# EngineLimits and connect are re-exported: callers configure DuckDB through batch.
from interagency.matching.engines import DuckDBEngine, Engine, EngineLimits, connect
from interagency.matching.explain import EXPLANATION_PREFIXES, explanation_columns
from interagency.matching.model import (
    LinkType,
    estimate_prior,
    for_dialect,
    person_settings,
    train,
    trained_model,
)

__all__ = [
    "EngineLimits",
    "LinkResult",
    "build_linker",
    "cluster_agencies",
    "clusters",
    "connect",
    "filled_fields",
    "link",
]

Progress = Callable[[str], None]


@dataclass
class LinkResult:
    """Scored pairs (a_id, b_id, probability) and the model that scored them."""

    pairs: pd.DataFrame
    model: dict[str, Any]
    linker: Linker


def build_linker(
    a: pd.DataFrame,
    b: pd.DataFrame | None,
    model: dict[str, Any] | None = None,
    limits: EngineLimits | None = None,
    engine: Engine | None = None,
    *,
    explain: bool = False,
) -> Linker:
    """A Splink linker over feature tables; untrained unless `model` is given. The
    engine is DuckDB within `limits` unless another is given. With `explain`, its
    predictions keep each field's level and Bayes factor (`explain.py`)."""
    link_type: LinkType = "dedupe_only" if b is None else "link_only"
    engine = engine or DuckDBEngine(limits or EngineLimits())
    db_api = engine.database_api()
    tables = [db_api.register(engine.table(a), dataset_display_name="a", table_name=_fresh())]
    if b is not None:
        tables.append(
            db_api.register(engine.table(b), dataset_display_name="b", table_name=_fresh())
        )
    settings: Any = person_settings(link_type)
    if model is not None:
        settings = for_dialect(model, db_api.sql_dialect.sql_dialect_str)
    # Set either way: a saved model must not carry one run's choice into the next.
    # Splink keeps the levels (gamma) only with the matching columns.
    retained = {
        "retain_intermediate_calculation_columns": explain,
        "retain_matching_columns": explain,
    }
    if isinstance(settings, dict):
        settings = dict(settings, **retained)
    else:
        for key, value in retained.items():
            setattr(settings, key, value)
    return Linker(tables if b is not None else tables[0], settings, log_level=logging.ERROR)


def link(
    a: pd.DataFrame,
    b: pd.DataFrame | None = None,
    *,
    model: dict[str, Any] | None = None,
    threshold: float = 0.5,
    limits: EngineLimits | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
    keep_prior: bool = False,
    explain: bool = False,
) -> LinkResult:
    """Pairs of records of `a` and `b` (or within `a`) at or above `threshold`.

    Without `model`, the model is trained on the inputs first (no labels needed);
    with one, its m and u are used as saved and only the prior is estimated on the
    inputs (`model.estimate_prior`), unless `keep_prior` keeps the model's own: a
    few uploaded records against the records held do not say how often two records
    are one person. The returned model carries the prior used. The engine is DuckDB
    within `limits` unless another is given. With `explain`, each pair also has, per
    field, the level it met and its weight (`explain.explanation_columns`).
    """
    step = progress or (lambda _: None)
    linker = build_linker(a, b, model, limits, engine, explain=explain)
    if model is None:
        step("training")
        train(linker, filled_fields(a, b))
    elif not keep_prior:
        step("estimating the prior")
        estimate_prior(linker, filled_fields(a, b))
    step("scoring")
    predictions = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    frame: pd.DataFrame = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    pairs = _pairs(frame, threshold, linked=b is not None)
    used = trained_model(linker)
    if explain:
        predicted = pairs.pop("_predicted") if "_predicted" in pairs else pd.Series([])
        pairs = pd.concat([pairs, explanation_columns(predicted, used)], axis=1)
    return LinkResult(pairs=pairs, model=used, linker=linker)


def _fresh() -> str:
    """A table name no earlier run used: a Spark session keeps its tables between
    linkers, so a second run would find the first one's "a" and "b"."""
    return f"input_{uuid.uuid4().hex}"


def filled_fields(a: pd.DataFrame, b: pd.DataFrame | None) -> frozenset[str]:
    """Which of document and birth date are filled often enough, on every side, to
    train on (see `model.training_plan`)."""
    sides = [a] if b is None else [a, b]
    return frozenset(
        field
        for field in ("passport", "dob")
        if all(side[field].notna().mean() >= 0.2 for side in sides)
    )


def _pairs(frame: pd.DataFrame, threshold: float, *, linked: bool) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame({"a_id": [], "b_id": [], "probability": []})
    explained = [c for c in frame.columns if str(c).startswith(EXPLANATION_PREFIXES)]
    frame = frame[frame["match_probability"] >= threshold]
    left, right = frame["unique_id_l"].astype(str), frame["unique_id_r"].astype(str)
    if linked:
        # Splink puts either table on the left; put table a's id first.
        a_on_left = frame["source_dataset_l"] == "a"
        a_ids = left.where(a_on_left, right)
        b_ids = right.where(a_on_left, left)
    else:
        a_ids, b_ids = left, right
    pairs = pd.DataFrame(
        {"a_id": a_ids, "b_id": b_ids, "probability": frame["match_probability"].round(6)}
    )
    if explained:
        # Carried whole in one column so that sorting keeps each pair's explanation.
        pairs["_predicted"] = frame[explained].to_dict("records")
    return pairs.sort_values(["a_id", "b_id"]).reset_index(drop=True)


def cluster_agencies(
    tables: Mapping[str, pd.DataFrame],
    *,
    model: dict[str, Any] | None = None,
    threshold: float = 0.5,
    limits: EngineLimits | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """One row per record of every agency's feature table: (source, id, cluster_id),
    where a cluster is one person across all the agencies (records of one agency are
    not compared with each other). Without `model`, the model is trained first."""
    if len(tables) < 2:
        raise ValueError("clustering across agencies needs at least two tables")
    engine = engine or DuckDBEngine(limits or EngineLimits())
    db_api = engine.database_api()
    registered = [
        db_api.register(engine.table(t), dataset_display_name=name, table_name=_fresh())
        for name, t in tables.items()
    ]
    settings: Any = person_settings("link_only")
    if model:
        settings = for_dialect(
            dict(model, link_type="link_only"), db_api.sql_dialect.sql_dialect_str
        )
    linker = Linker(registered, settings, log_level=logging.ERROR)
    if model is None:
        frames = list(tables.values())
        train(linker, filled_fields(frames[0], pd.concat(frames[1:], ignore_index=True)))
    return clusters(LinkResult(pd.DataFrame(), {}, linker), threshold)


def clusters(result: LinkResult, threshold: float = 0.5) -> pd.DataFrame:
    """One row per record: (source, id, cluster_id); a cluster is one person across
    the tables, by connected components of the pairs at or above `threshold`."""
    predictions = result.linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    clustered = result.linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    ).as_pandas_dataframe()  # type: ignore[no-untyped-call]
    columns = {"unique_id": "id", "source_dataset": "source"}
    kept = [c for c in ("source_dataset", "unique_id", "cluster_id") if c in clustered.columns]
    return clustered[kept].rename(columns=columns)
