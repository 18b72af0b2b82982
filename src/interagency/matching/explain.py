"""Why the batch engine scored a pair as it did: per field, the comparison level the
pair met and the weight it added (log2 of its Bayes factor, term frequencies
included), so that a person can check each step of the sum.

Splink numbers the levels of a comparison in its predictions (its gamma values): -1
for the null level, then the other levels counting down to 0 for the last ("else").
It keeps them, and each field's match weight (mw_) and term-frequency adjustment
(mw_tf_adj_), when the linker retains its matching and intermediate columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import pandas as pd

EXPLANATION_PREFIXES: Final = ("gamma_", "mw_")
_NULL_GAMMA: Final = -1


def level_labels(model: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    """Each comparison's levels by their gamma value, as the model labels them."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        valued = [level for level in levels if not level.get("is_null_level")]
        by_gamma = {
            len(valued) - 1 - i: str(level["label_for_charts"]) for i, level in enumerate(valued)
        }
        by_gamma[_NULL_GAMMA] = "no value on one side"
        labels[comparison["output_column_name"]] = by_gamma
    return labels


def explanation_columns(
    predicted: Iterable[Mapping[str, Any]], model: Mapping[str, Any]
) -> pd.DataFrame:
    """`<field>_level` and `<field>_weight` for each field of the model, one row per
    prediction (its gamma_ and mw_ values)."""
    labels = level_labels(model)
    rows = []
    for prediction in predicted:
        row: dict[str, object] = {}
        for field, by_gamma in labels.items():
            gamma = int(prediction[f"gamma_{field}"])
            row[f"{field}_level"] = by_gamma.get(gamma, str(gamma))
            row[f"{field}_weight"] = round(_weight(prediction, field), 2)
        rows.append(row)
    columns = [f"{field}_{part}" for field in labels for part in ("level", "weight")]
    return pd.DataFrame(rows, columns=columns)


def _weight(prediction: Mapping[str, Any], field: str) -> float:
    weight = float(prediction[f"mw_{field}"])
    adjustment = prediction.get(f"mw_tf_adj_{field}")
    if adjustment is not None and not pd.isna(adjustment):
        weight += float(adjustment)
    return weight
