"""Names alone: the calibrated name-only score against two references, in the same run.

Never part of `make test`. Run from the repository root:

    .venv/bin/python benchmarks/names.py [--persons 20000] [--negatives 1000000]
        [--hard 1000000] [--json results.json] [--refit]

Scores compared, each on one pair of whole names (no date, no document):

- engine: `interagency.matching.name_similarity`, the calibrated probability of
  `matching.names_alone`;
- anyascii + Jaro-Winkler: both names folded to ASCII by `anyascii`, lower-cased and
  punctuation dropped, then Jaro-Winkler (rapidfuzz) of the two strings with the words
  of either in the order that suits the other best (names of up to five words);
- rigour + Jaro-Winkler: the same with `rigour.text.ascii_text` (OpenSanctions'
  current transliteration of names) in place of anyascii.

The best word order is the fairest simple variant of the references, measured on the
same data (seed 2, 300,000 random non-pairs, anyascii): ROC AUC 0.935 and recall at
1% false positives 0.692 for the names as written, 0.963 and 0.793 with the words
sorted, 0.986 and 0.879 as written or reversed, 0.995 and 0.944 in the best order.

What is measured, for each score: ROC AUC; recall at 1%, 0.1% and 0.01% false
positives (the lowest threshold that lets at most that share of non-pairs through;
tied scores pass or fail together); the best F1 over all thresholds.

1. Cross-script data (`crossscript_data.generate`, seed 2; the calibration is fitted
   on seed 1): positives are the truth pairs; negatives are (a) `--negatives`
   non-pairs of A x B drawn at random, an honest sample of the names a search meets,
   and (b), reported apart, `--hard` non-pairs drawn at random among those that share
   a surname key or a given-name group (the engine's `surname_bkl` and `given_grp`:
   namesakes, relatives, and strangers of one family name). Each record's name is its
   `full_name`, or its parts joined when it has only parts: the name-only case.
2. The hand-written `data/hard_pairs.csv`: the two full names of each case only.
   With 162 non-pairs, a rate of 0.1% or less means no non-pair above the threshold.

Calibration: the reliability of the engine's probability on the cross-script data
(positives and random negatives, each class weighed as half, which is what the
probability means: see `matching.names_alone`), per bin of predicted probability,
with the Brier score (0.25 for a score that knows nothing). `--refit` first fits the
calibration on seed 1 and writes it to `names_alone.CALIBRATION`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from anyascii import anyascii
from rapidfuzz.distance import JaroWinkler
from rigour.text import ascii_text

from interagency.matching import name_similarity, names_alone
from interagency.matching.features import name_features
from interagency.matching.names.parse import parse_name

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crossscript_data import generate

TRAIN_SEED = 1
TEST_SEED = 2
SAMPLING_SEED = 20261207
RATES = (0.01, 0.001, 0.0001)
HARD_PAIRS = Path(__file__).resolve().parent / "data" / "hard_pairs.csv"
# Bins of predicted probability for the reliability table: finer near 0 and 1, where
# almost all pairs are.
BINS = (0.0, 0.001, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999, 1.0)

Scorer = Callable[[str, str], float]
Pair = tuple[int, int]

# --------------------------------------------------------------------------- scores

_NOT_LETTERS = re.compile(r"[^a-z]+")
# Names of more words (rare) are compared in their written order only: 6! orders of
# each would cost more than the rest of the run.
_MOST_WORDS_REORDERED = 5


def _words(ascii_name: str) -> str:
    return " ".join(_NOT_LETTERS.sub(" ", ascii_name.lower()).split())


@lru_cache(maxsize=1 << 17)
def _orders(words: str) -> tuple[str, ...]:
    split = words.split()
    if len(split) > _MOST_WORDS_REORDERED:
        return (words,)
    return tuple(dict.fromkeys(" ".join(order) for order in itertools.permutations(split)))


def best_order_jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler of two names (ASCII words) with the words of either in the order
    that suits the other best."""
    return max(
        max(JaroWinkler.similarity(a, order) for order in _orders(b)),
        max(JaroWinkler.similarity(b, order) for order in _orders(a)),
    )


@lru_cache(maxsize=1 << 17)
def _anyascii_form(name: str) -> str:
    return _words(anyascii(name))


@lru_cache(maxsize=1 << 17)
def _rigour_form(name: str) -> str:
    return _words(ascii_text(name))


def anyascii_jaro_winkler(a: str, b: str) -> float:
    return best_order_jaro_winkler(_anyascii_form(a), _anyascii_form(b))


def rigour_jaro_winkler(a: str, b: str) -> float:
    return best_order_jaro_winkler(_rigour_form(a), _rigour_form(b))


SCORERS: dict[str, Scorer] = {
    "engine": name_similarity,
    "anyascii + Jaro-Winkler": anyascii_jaro_winkler,
    "rigour + Jaro-Winkler": rigour_jaro_winkler,
}

# --------------------------------------------------------------------------- pairs


def full_names(table: pd.DataFrame) -> list[str]:
    """Each record's whole name: its full_name, or its parts joined."""
    text = table.astype("string").fillna("")
    out = []
    for row in text.to_dict("records"):
        full = row.get("full_name", "").strip()
        parts = (row.get(c, "").strip() for c in ("given_name", "patronymic", "surname"))
        out.append(full or " ".join(p for p in parts if p))
    return out


@dataclass
class Pairs:
    """Names of tables A and B, and pairs of their indices."""

    a: list[str]
    b: list[str]
    positives: list[Pair]
    negatives: list[Pair]
    hard: list[Pair]


def cross_script_pairs(seed: int, persons: int, negatives: int, hard: int) -> Pairs:
    data = generate(seed=seed, n_persons=persons)
    index_a = {rid: i for i, rid in enumerate(data.a["id"])}
    index_b = {rid: i for i, rid in enumerate(data.b["id"])}
    positives = sorted((index_a[x], index_b[y]) for x, y in data.truth)
    truth = set(positives)
    a, b = full_names(data.a), full_names(data.b)
    rng = random.Random(SAMPLING_SEED + seed)
    random_pairs: list[Pair] = []
    while len(random_pairs) < negatives:
        pair = (rng.randrange(len(a)), rng.randrange(len(b)))
        if pair not in truth:
            random_pairs.append(pair)
    return Pairs(a, b, positives, random_pairs, _hard_negatives(a, b, truth, hard, rng))


def _name_keys(name: str) -> tuple[str, str]:
    features = name_features(parse_name(name))
    return features.surname_bkl, features.given_grp


def _hard_negatives(
    a: list[str], b: list[str], truth: set[Pair], count: int, rng: random.Random
) -> list[Pair]:
    """Non-pairs drawn uniformly from those that share a surname key or a given-name
    group: a block is drawn by its number of pairs, a pair within it at random, and
    a pair that shares both keys (found from either side) is kept half the time."""
    keys_a, keys_b = [_name_keys(n) for n in a], [_name_keys(n) for n in b]
    blocks: list[tuple[list[int], list[int]]] = []
    for field in (0, 1):
        by_key: dict[str, tuple[list[int], list[int]]] = {}
        for i, keys in enumerate(keys_a):
            if keys[field]:
                by_key.setdefault(keys[field], ([], []))[0].append(i)
        for j, keys in enumerate(keys_b):
            if keys[field] in by_key:
                by_key[keys[field]][1].append(j)
        blocks += [block for block in by_key.values() if block[1]]
    sizes = np.array([len(x) * len(y) for x, y in blocks], dtype=float)
    cumulative = np.cumsum(sizes / sizes.sum())
    out: list[Pair] = []
    while len(out) < count:
        block_a, block_b = blocks[int(np.searchsorted(cumulative, rng.random(), side="right"))]
        pair = (rng.choice(block_a), rng.choice(block_b))
        if pair in truth:
            continue
        surname_a, given_a = keys_a[pair[0]]
        surname_b, given_b = keys_b[pair[1]]
        both = bool(surname_a) and surname_a == surname_b and bool(given_a) and given_a == given_b
        if both and rng.random() < 0.5:
            continue
        out.append(pair)
    return out


def scores(scorer: Scorer, a: list[str], b: list[str], pairs: Sequence[Pair]) -> np.ndarray:
    return np.fromiter((scorer(a[i], b[j]) for i, j in pairs), dtype=float, count=len(pairs))


# --------------------------------------------------------------------------- figures


def roc_auc(positives: np.ndarray, negatives: np.ndarray) -> float:
    """The chance that a positive scores above a negative, ties counting half."""
    ranks = pd.Series(np.concatenate([positives, negatives])).rank(method="average").to_numpy()
    n_pos, n_neg = len(positives), len(negatives)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _passing(positives: np.ndarray, negatives: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each distinct score as the threshold (highest first), how many positives
    and negatives score at or above it."""
    thresholds = np.unique(np.concatenate([positives, negatives]))[::-1]
    ascending = thresholds[::-1]
    pos = len(positives) - np.searchsorted(np.sort(positives), ascending, side="left")
    neg = len(negatives) - np.searchsorted(np.sort(negatives), ascending, side="left")
    return thresholds, pos[::-1], neg[::-1]


def recall_at(positives: np.ndarray, negatives: np.ndarray, rate: float) -> float:
    """Recall at the lowest threshold that passes at most `rate` of the negatives."""
    _, pos, neg = _passing(positives, negatives)
    allowed = neg <= rate * len(negatives)
    return float(pos[allowed].max() / len(positives)) if allowed.any() else 0.0


def best_f1(positives: np.ndarray, negatives: np.ndarray) -> float:
    _, pos, neg = _passing(positives, negatives)
    f1 = 2 * pos / (2 * pos + neg + (len(positives) - pos))
    return float(f1.max())


def figures(positives: np.ndarray, negatives: np.ndarray) -> dict[str, float]:
    out = {"auc": round(roc_auc(positives, negatives), 5)}
    for rate in RATES:
        out[f"recall@{rate:g}"] = round(recall_at(positives, negatives, rate), 4)
    out["best_f1"] = round(best_f1(positives, negatives), 4)
    return out


def balanced(positives: np.ndarray, negatives: np.ndarray) -> tuple[np.ndarray, ...]:
    """Scores, labels and weights with each class weighing one half."""
    x = np.concatenate([positives, negatives])
    y = np.concatenate([np.ones(len(positives)), np.zeros(len(negatives))])
    w = np.concatenate(
        [
            np.full(len(positives), 0.5 / len(positives)),
            np.full(len(negatives), 0.5 / len(negatives)),
        ]
    )
    return x, y, w


def reliability(positives: np.ndarray, negatives: np.ndarray) -> dict[str, Any]:
    """Predicted probability against the observed share of positives, per bin, each
    class weighing one half; and the Brier score."""
    p, y, w = balanced(positives, negatives)
    rows = []
    for low, high in itertools.pairwise(BINS):
        inside = (p >= low) & ((p < high) if high < 1.0 else (p <= high))
        if not inside.any():
            continue
        weight = w[inside].sum()
        rows.append(
            {
                "bin": f"[{low:g}, {high:g}{']' if high == 1.0 else ')'}",
                "pairs": int(inside.sum()),
                "positives": int(y[inside].sum()),
                "predicted": round(float((w[inside] * p[inside]).sum() / weight), 4),
                "observed": round(float((w[inside] * y[inside]).sum() / weight), 4),
            }
        )
    brier = float((w * (p - y) ** 2).sum() / w.sum())
    return {"bins": rows, "brier": round(brier, 5)}


# --------------------------------------------------------------------------- calibration


def fit_calibration(positives: np.ndarray, negatives: np.ndarray) -> tuple[float, float]:
    """Logistic regression of the label on the weight, each class weighing one half
    (Newton's method): slope and intercept in log2 odds."""
    x, y, w = balanced(positives, negatives)
    x = x * math.log(2)
    slope, intercept = 1.0, 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(slope * x + intercept)))
        gradient = np.array([(w * (p - y) * x).sum(), (w * (p - y)).sum()])
        h = w * p * (1 - p)
        hessian = np.array([[(h * x * x).sum(), (h * x).sum()], [(h * x).sum(), h.sum()]])
        step = np.linalg.solve(hessian, gradient)
        slope, intercept = slope - step[0], intercept - step[1]
        if np.abs(step).max() < 1e-12:
            break
    return float(slope), float(intercept / math.log(2))


def weights_of(pairs: Pairs, chosen: Sequence[Pair]) -> np.ndarray:
    out = [names_alone.name_match_weight(pairs.a[i], pairs.b[j]) for i, j in chosen]
    # A name with no letter is never a match: below any weight a pair can have.
    floor = min((w for w in out if w is not None), default=0.0) - 1.0
    return np.array([floor if w is None else w for w in out])


def refit(persons: int, negatives: int) -> dict[str, Any]:
    pairs = cross_script_pairs(TRAIN_SEED, persons, negatives, 0)
    slope, intercept = fit_calibration(
        weights_of(pairs, pairs.positives), weights_of(pairs, pairs.negatives)
    )
    fitted = {
        "about": (
            "Calibration of matching.names_alone: probability = 1 / (1 + 2 ** -(slope * "
            "weight + intercept)), a logistic regression of same person on the weight, "
            "each class weighing one half, fitted on the cross-script benchmark data "
            f"(seed {TRAIN_SEED}, {persons} persons: {len(pairs.positives)} true pairs "
            f"and {negatives} random non-pairs) by benchmarks/names.py --refit."
        ),
        "slope": round(slope, 6),
        "intercept": round(intercept, 6),
    }
    names_alone.CALIBRATION.write_text(json.dumps(fitted, indent=2) + "\n", encoding="utf-8")
    names_alone.calibration.cache_clear()
    print(f"calibration refitted: slope {slope:.4f}, intercept {intercept:+.4f}")
    return fitted


# --------------------------------------------------------------------------- reports


def print_figures(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n### {title}\n")
    labels = [f"recall at {rate:.2%} FP" for rate in RATES]
    print(f"| score | ROC AUC | {' | '.join(labels)} | best F1 |")
    print("|---|---:|" + "---:|" * len(RATES) + "---:|")
    for name, row in rows.items():
        recalls = " | ".join(f"{row[f'recall@{rate:g}']:.4f}" for rate in RATES)
        print(f"| {name} | {row['auc']:.5f} | {recalls} | {row['best_f1']:.4f} |")


def cross_script(args: argparse.Namespace, results: dict[str, Any]) -> None:
    started = time.perf_counter()
    pairs = cross_script_pairs(TEST_SEED, args.persons, args.negatives, args.hard)
    print(
        f"\n## Cross-script data: {args.persons} persons, seed {TEST_SEED} "
        f"(A {len(pairs.a)} names, B {len(pairs.b)} names): {len(pairs.positives)} true "
        f"pairs, {len(pairs.negatives)} random non-pairs, {len(pairs.hard)} hard non-pairs "
        f"({time.perf_counter() - started:.0f} s to generate and sample)"
    )
    random_rows, hard_rows, timing = {}, {}, {}
    for name, scorer in SCORERS.items():
        positives = scores(scorer, pairs.a, pairs.b, pairs.positives)
        started = time.perf_counter()
        negatives = scores(scorer, pairs.a, pairs.b, pairs.negatives)
        timing[name] = (time.perf_counter() - started) / len(pairs.negatives) * 1e6
        hard = scores(scorer, pairs.a, pairs.b, pairs.hard)
        random_rows[name] = figures(positives, negatives)
        hard_rows[name] = figures(positives, hard)
        if name == "engine":
            calibration = reliability(positives, negatives)
    print_figures("True pairs against random non-pairs", random_rows)
    print_figures(
        "True pairs against hard non-pairs (a shared surname key or given-name group)", hard_rows
    )
    print("\n### Time per pair (random non-pairs, names already read once)\n")
    for name, micros in timing.items():
        print(f"- {name}: {micros:.1f} µs")
    print("\n### Calibration of the engine's probability (classes weighing one half each)\n")
    print("| predicted | pairs | true pairs | mean predicted | observed share |")
    print("|---|---:|---:|---:|---:|")
    for row in calibration["bins"]:
        print(
            f"| {row['bin']} | {row['pairs']} | {row['positives']} | {row['predicted']:.4f} "
            f"| {row['observed']:.4f} |"
        )
    print(f"\nBrier score {calibration['brier']:.5f} (0.25 for a score that knows nothing)")
    results["cross_script"] = {
        "persons": args.persons,
        "true_pairs": len(pairs.positives),
        "random_non_pairs": len(pairs.negatives),
        "hard_non_pairs": len(pairs.hard),
        "random": random_rows,
        "hard": hard_rows,
        "microseconds_per_pair": {k: round(v, 2) for k, v in timing.items()},
        "calibration": calibration,
    }


def hard_pairs(results: dict[str, Any]) -> None:
    cases = pd.read_csv(HARD_PAIRS, dtype=str, keep_default_na=False)
    a, b = cases["a_full_name"].tolist(), cases["b_full_name"].tolist()
    label = (cases["label"].str.strip().str.lower() == "match").to_numpy()
    rows = {}
    for name, scorer in SCORERS.items():
        values = np.array([scorer(x, y) for x, y in zip(a, b, strict=True)])
        rows[name] = figures(values[label], values[~label])
    print(
        f"\n## Hard pairs ({len(cases)} cases: {int(label.sum())} pairs, "
        f"{int((~label).sum())} non-pairs; names only)"
    )
    print_figures("Hard pairs", rows)
    results["hard_pairs"] = rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--negatives", type=int, default=1_000_000)
    parser.add_argument("--hard", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--refit", action="store_true", help=f"first refit the calibration on seed {TRAIN_SEED}"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    results: dict[str, Any] = {}
    if args.refit:
        results["calibration_fit"] = refit(args.persons, args.negatives)
    cross_script(args, results)
    hard_pairs(results)
    print(f"\nTotal {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
