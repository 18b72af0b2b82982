"""The m and u parameters of a saved model, as match weights for scoring in memory.

The arithmetic is Splink's (Fellegi-Sunter in log2 space): a level adds log2(m/u), a
null level adds nothing, a level with a term-frequency adjustment replaces the
level's u by the frequency of the value in the indexed data, and the probability is
2^w / (1 + 2^w) of the prior weight plus the sum of the levels' weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

from splink.internals.settings_creator import SettingsCreator

from interagency.matching.compare import person_comparisons
from interagency.matching.screen.levels import LEVEL_OF, Level

# The floor Splink puts under m and u before taking their ratio.
_CLAMP: Final = 1e-300


class ModelError(ValueError):
    """A saved model the screening index cannot use, and why."""


@dataclass(frozen=True, slots=True)
class LevelWeight:
    label: str
    is_null: bool
    weight: float  # log2(m / u); 0 for the null level
    tf_column: str | None = None
    tf_log2_u: float = 0.0  # log2 of the u that the term frequency replaces
    tf_weight: float = 1.0
    tf_minimum_u: float = 0.0


@dataclass(frozen=True, slots=True)
class ComparisonWeights:
    field: str  # the comparison's output column name: surname, birth_date...
    level_of: Level
    levels: tuple[LevelWeight, ...]


@dataclass(frozen=True, slots=True)
class ModelParameters:
    prior_weight: float
    comparisons: tuple[ComparisonWeights, ...]

    @property
    def tf_columns(self) -> frozenset[str]:
        return frozenset(
            level.tf_column
            for comparison in self.comparisons
            for level in comparison.levels
            if level.tf_column
        )


def expected_labels() -> dict[str, list[str]]:
    """Level labels of `compare.person_comparisons`, by comparison output column."""
    expected: dict[str, list[str]] = {}
    for creator in person_comparisons():
        comparison = creator.get_comparison("duckdb").as_dict()  # type: ignore[no-untyped-call]
        labels = [level["label_for_charts"] for level in comparison["comparison_levels"]]
        expected[comparison["output_column_name"]] = labels
    return expected


def model_parameters(model: dict[str, Any]) -> ModelParameters:
    """Weights of a saved model (`model.trained_model`) of this engine's comparisons.

    Splink reads the model, so that levels left untrained (too few pairs to learn
    from) get the same default m it would give them when scoring.
    Raises ModelError for a model of other comparisons (another version of the
    engine, or another project's).
    """
    expected = expected_labels()
    try:
        settings = SettingsCreator.from_path_or_dict(model).get_settings("duckdb")
    except (KeyError, TypeError, ValueError) as error:
        raise ModelError(f"not a saved linkage model: {error}") from None
    comparisons: list[ComparisonWeights] = []
    for comparison in settings.comparisons:
        field = comparison.output_column_name
        labels = [level.label_for_charts for level in comparison.comparison_levels]
        if field not in LEVEL_OF or labels != expected.get(field):
            raise ModelError(f"comparison {field!r} is not this engine's: levels {labels}")
        weights = tuple(_level_weight(level, field) for level in comparison.comparison_levels)
        comparisons.append(ComparisonWeights(field, LEVEL_OF[field], weights))
    fields = [c.field for c in comparisons]
    if fields != list(expected):
        raise ModelError(f"the model compares {fields}, not {list(expected)}")
    prior = float(settings.core_model_settings.probability_two_random_records_match)
    return ModelParameters(math.log2(prior / (1.0 - prior)), tuple(comparisons))


def _level_weight(level: Any, field: str) -> LevelWeight:
    label = str(level.label_for_charts)
    if level.is_null_level:
        return LevelWeight(label, is_null=True, weight=0.0)
    m, u = level.m_probability, level.u_probability
    if m is None or u is None:
        raise ModelError(f"{field}: {label}: neither trained nor given a default")
    m, u = max(float(m), _CLAMP), max(float(u), _CLAMP)
    written = level.as_dict()
    tf_column = written.get("tf_adjustment_column")
    if tf_column and not written.get("disable_tf_exact_match_detection"):
        # Splink would then borrow the u of another level; ours never ask for that.
        raise ModelError(f"{field}: {label}: term frequencies need their own u")
    return LevelWeight(
        label,
        is_null=False,
        weight=math.log2(m / u),
        tf_column=tf_column or None,
        tf_log2_u=math.log2(u),
        # A level read from JSON without a weight adjusts fully (Splink's default).
        tf_weight=float(written.get("tf_adjustment_weight", 1.0)),
        tf_minimum_u=float(written.get("tf_minimum_u_value", 0.0)),
    )


def match_probability(weight: float) -> float:
    """2^w / (1 + 2^w), computed without overflow either way."""
    if weight >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -weight))
    power = math.pow(2.0, weight)
    return power / (1.0 + power)
