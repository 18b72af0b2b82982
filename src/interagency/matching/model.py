"""The person linkage model: Splink settings, training without labels, saving.

Fellegi-Sunter with the comparisons of `compare.py`. u probabilities come from
random sampling of record pairs (almost all random pairs are different people), m
probabilities from expectation maximisation on blocks that hold almost only the same
person (see `training_plan`), and the prior from near-certain deterministic rules.
No labels are needed, so an agency can train on its own data. A trained model is a
JSON document that any backend can load.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from splink import Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.exceptions import EMTrainingException

from interagency.matching.compare import person_comparisons

LinkType = Literal["link_only", "dedupe_only"]

# Candidate pairs: any rule may admit a pair. Each pairs a phonetic name key with a
# second field, so popular names do not explode into all-pairs blocks. The surname
# key used is the one tolerant of Russian г for h (Гусейнов/Hüseynov). Measured on
# 1,000,000 x 1,000,000 persons (docs/performance.md): the same surname and given
# name alone made 97 million candidate pairs, most of them namesakes whose full birth
# dates differ; the rules on dates catch the same person there, so the name-only
# rules keep just the pairs where one record lacks a full birth date.
PREDICTION_BLOCKING_RULES: Final = (
    "l.surname_bkl = r.surname_bkl and l.given_bk = r.given_bk "
    "and (l.dob is null or r.dob is null)",
    "l.surname_bkl = r.surname_bkl and l.given_grp = r.given_grp "
    "and (l.dob is null or r.dob is null)",
    # Another given name (a variant outside its group, a typo) in the same year; the
    # initial keeps popular surnames from pairing every namesake born that year.
    "l.surname_bkl = r.surname_bkl and l.dob_y = r.dob_y and l.given_init = r.given_init",
    # The same day and month: a year one off or mistyped.
    "l.surname_bkl = r.surname_bkl and l.dob_m = r.dob_m and l.dob_d = r.dob_d",
    "l.given_grp = r.given_grp and l.dob = r.dob",
    # A typo in the given name outside its group, and another in the surname.
    "l.given_bk = r.given_bk and l.dob = r.dob",
    # Both names changed (a typo in the surname, a variant of the given name): the
    # whole birth date, sex, citizenship and initial must agree.
    "l.dob = r.dob and l.sex = r.sex and l.nationality = r.nationality "
    "and l.given_init = r.given_init",
    "l.surname_bk = r.given_bk and l.given_bk = r.surname_bk",
    "l.passport = r.passport",
    # A document number with its last character mistyped, or the next one issued.
    "l.passport_stem = r.passport_stem",
)

_DETERMINISTIC_RECALL: Final = 0.7
_U_SAMPLE_PAIRS: Final = 2e6
_SEED: Final = 20261128

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrainingPlan:
    """Rules for the prior (pairs that are almost always one person) and the blocks
    on which expectation maximisation estimates m."""

    deterministic_rules: tuple[str, ...]
    em_blocks: tuple[tuple[str, ...], ...]


def training_plan(fields: frozenset[str]) -> TrainingPlan:
    """The plan for data in which `fields` ("passport", "dob") are mostly filled.

    m is estimated on pairs that are almost surely the same person, because
    expectation maximisation takes whatever agrees on most fields for a match: on
    pairs blocked by birth date it learns twins, on pairs blocked by name it learns
    namesakes, and then believes the same person often has another given name or
    birth date. Pairs sharing a document number are clean of both, so they teach the
    name and date comparisons; pairs sharing the whole name and the birth date teach
    the document comparison. Without documents, names and dates teach each other.
    """
    documents, dates = "passport" in fields, "dob" in fields
    rules: list[str] = []
    blocks: list[tuple[str, ...]] = []
    if documents:
        second = "l.dob = r.dob" if dates else "l.surname_bk = r.surname_bk"
        rules.append(f"l.passport = r.passport and {second}")
        blocks.append(("passport",))
    if dates:
        rules.append("l.surname_sp = r.surname_sp and l.given_sp = r.given_sp and l.dob = r.dob")
        blocks.append(("surname_bk", "given_grp", "dob") if documents else ("dob",))
    if not documents:
        blocks.append(("surname_bk", "given_bk"))
    if not rules:
        rules.append("l.surname_sp = r.surname_sp and l.given_sp = r.given_sp")
    return TrainingPlan(tuple(rules), tuple(blocks))


def person_settings(link_type: LinkType) -> SettingsCreator:
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=list[ComparisonCreator | dict[str, Any]](person_comparisons()),
        blocking_rules_to_generate_predictions=[
            block_on_sql(rule) for rule in PREDICTION_BLOCKING_RULES
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def block_on_sql(rule: str) -> CustomRule:
    """A blocking rule written in portable SQL over the l and r records."""
    return CustomRule(rule)


def estimate_prior(linker: Linker, fields: frozenset[str] = frozenset({"passport", "dob"})) -> None:
    """Estimate the share of record pairs that are one person on the linker's data.

    Unlike m and u, this prior depends on the size of the tables: a model trained on
    20,000 persons and applied to a million would otherwise take each pair to be 50
    times more likely a match than it is. A saved model is therefore applied with the
    prior of the data it scores (see `batch.link`).
    """
    plan = training_plan(fields)
    linker.training.estimate_probability_two_random_records_match(
        list(plan.deterministic_rules), recall=_DETERMINISTIC_RECALL
    )


def train(linker: Linker, fields: frozenset[str] = frozenset({"passport", "dob"})) -> None:
    """Estimate the prior, u and m of a linker built with `person_settings`."""
    plan = training_plan(fields)
    estimate_prior(linker, fields)
    linker.training.estimate_u_using_random_sampling(max_pairs=_U_SAMPLE_PAIRS, seed=_SEED)
    for columns in plan.em_blocks:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(*columns))
        except EMTrainingException as error:
            # Too few pairs in this block (small or sparse data): the levels it
            # would train keep their previous or default m.
            logger.warning("skipped training on %s: %s", "+".join(columns), error)


def trained_model(linker: Linker) -> dict[str, Any]:
    model: dict[str, Any] = linker.misc.save_model_to_json()
    return model


def save_model(model: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(model, indent=2, ensure_ascii=False), encoding="utf-8")


# What a level carries from training; everything else is rebuilt from the code.
_PARAMETERS: Final = ("m_probability", "u_probability", "fix_m_probability", "fix_u_probability")


def for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The saved model with its SQL written for `dialect` ("duckdb", "spark").

    A model saved by one engine holds that engine's SQL (DuckDB quotes names with
    ", Spark reads "..." as a string). The comparisons and candidate rules are
    rebuilt from this code for the other engine and the trained parameters copied
    level by level, so one JSON scores the same on both.
    Raises ValueError for a model of other comparisons.
    """
    if model.get("sql_dialect") == dialect:
        return model
    settings = person_settings(model["link_type"]).get_settings(dialect)
    rebuilt: dict[str, Any] = settings.as_dict()  # type: ignore[no-untyped-call]
    saved = model.get("comparisons", [])
    fresh = rebuilt["comparisons"]
    if [_labels(c) for c in saved] != [_labels(c) for c in fresh]:
        raise ValueError("the model's comparisons are not this engine's")
    for saved_comparison, comparison in zip(saved, fresh, strict=True):
        levels = zip(
            saved_comparison["comparison_levels"], comparison["comparison_levels"], strict=True
        )
        for saved_level, level in levels:
            level.update({k: saved_level[k] for k in _PARAMETERS if k in saved_level})
    rebuilt["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    return rebuilt


def _labels(comparison: dict[str, Any]) -> tuple[str, list[str]]:
    levels = comparison.get("comparison_levels", [])
    return comparison.get("output_column_name", ""), [
        lv.get("label_for_charts", "") for lv in levels
    ]


def load_model(path: Path, link_type: LinkType) -> dict[str, Any]:
    """A saved model, set up for this run's link type (a model trained to link two
    tables deduplicates one just as well: the parameters are the same)."""
    model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(model, dict) or "comparisons" not in model:
        raise ValueError(f"{path} is not a saved linkage model")
    model["link_type"] = link_type
    return model


# Trained without labels on made-up persons by scripts/train-person-model.py.
SHIPPED_MODEL: Final = Path(__file__).parent / "data" / "person-model.json"


def shipped_model() -> dict[str, Any]:
    """The model the platform screens records with (see `SHIPPED_MODEL`)."""
    return load_model(SHIPPED_MODEL, "link_only")
