"""Screening latency over a million indexed persons, and recall against the batch engine.

Never part of `make test`. Run from the repository root:

    .venv/bin/python benchmarks/screen.py [--records 1000000] [--queries 2000] [--json F]

1. A model is trained without labels on the cross-script training data (seed 1,
   20,000 persons), as in `crossscript.py`.
2. Reference, in the same run: `--queries` records drawn at random from table A of
   `scale_data` (made-up persons, seed 2) are linked against the whole of table B by
   the batch engine (`batch.link` on DuckDB, the model above, its prior estimated on
   these tables). Its pairs at probability 0.5 are what screening should find, and
   its time per query is the reference that the latency is divided by.
3. Table B is indexed (`ScreeningIndex.from_features`, with the batch run's model);
   the build time and the memory the index takes are reported.
4. The same query records are screened one at a time (`screen_record`: the query's
   own name features, candidates, scoring, ranking); each call is timed, and p50,
   p95 and p99 are reported, with the recall of the batch pairs.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import psutil

from interagency.matching.batch import EngineLimits, link
from interagency.matching.features import given_name_hints, person_features, record_features
from interagency.matching.screen import ScreeningIndex
from interagency.matching.screen.index import keys_from_row

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale_data
from crossscript_data import generate

THRESHOLD = 0.5
TRAIN_PERSONS = 20_000
LIMITS = EngineLimits(memory_limit="6GB")


def trained_model(workers: int) -> dict[str, Any]:
    data = generate(seed=1, n_persons=TRAIN_PERSONS)
    a, b = person_features(data.a, workers), person_features(data.b, workers)
    return link(a, b, limits=LIMITS).model


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="persons indexed")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2, help="generator seed of the tables")
    parser.add_argument("--workers", type=int, default=2, help="processes for name features")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    process = psutil.Process()
    tables = scale_data.ensure(args.records, args.seed)

    started = time.perf_counter()
    model = trained_model(args.workers)
    print(f"model trained in {time.perf_counter() - started:.0f} s")

    b = pd.read_parquet(tables.b)
    started = time.perf_counter()
    b_features = person_features(b, args.workers)
    hints = given_name_hints(b.astype("string").fillna("").to_dict("records"))
    features_seconds = time.perf_counter() - started
    a = pd.read_parquet(tables.a).sample(n=args.queries, random_state=args.seed)
    rows = a.astype("string").fillna("").to_dict("records")

    # The reference, first: its model carries the prior estimated on these queries
    # against the indexed persons, which the index then uses too.
    started = time.perf_counter()
    batch = link(person_features(a), b_features, model=model, threshold=THRESHOLD, limits=LIMITS)
    batch_seconds = time.perf_counter() - started
    batch_pairs = set(zip(batch.pairs["a_id"], batch.pairs["b_id"], strict=True))
    screening_model = batch.model
    del batch
    gc.collect()

    rss_before = process.memory_info().rss
    started = time.perf_counter()
    index = ScreeningIndex.from_features(b_features, screening_model, hints)
    build_seconds = time.perf_counter() - started
    gc.collect()
    index_bytes = process.memory_info().rss - rss_before
    print(
        f"indexed {len(index)} persons: features {features_seconds:.0f} s, "
        f"index {build_seconds:.0f} s, about {index_bytes / 2**30:.1f} GiB"
    )

    index.screen_record(rows[0])  # the first call loads the name tables
    latencies: list[float] = []
    screened: set[tuple[str, str]] = set()
    for row in rows:
        started = time.perf_counter()
        found = index.screen_record(row, threshold=THRESHOLD, limit=None)
        latencies.append(time.perf_counter() - started)
        screened |= {(row["id"], c.id) for c in found}
    candidates = [
        len(index.candidates(keys_from_row(record_features(row, index.hints)))) for row in rows
    ]
    truth = pd.read_parquet(tables.truth)
    queried = set(a["id"])
    true_pairs = {(x, y) for x, y in zip(truth["a_id"], truth["b_id"], strict=True) if x in queried}

    p50, p95, p99 = (percentile(latencies, s) * 1000 for s in (0.5, 0.95, 0.99))
    per_query_batch = batch_seconds / len(rows) * 1000
    recall_batch = len(screened & batch_pairs) / len(batch_pairs) if batch_pairs else 1.0
    results = {
        "indexed": len(index),
        "queries": len(rows),
        "index_build_seconds": round(build_seconds, 1),
        "index_gib": round(index_bytes / 2**30, 2),
        "latency_ms": {
            "p50": round(p50, 2),
            "p95": round(p95, 2),
            "p99": round(p99, 2),
            "mean": round(statistics.fmean(latencies) * 1000, 2),
        },
        "candidates_per_query": {
            "mean": round(statistics.fmean(candidates), 1),
            "p95": percentile([float(c) for c in candidates], 0.95),
            "max": max(candidates),
        },
        "reference_batch_ms_per_query": round(per_query_batch, 2),
        "p95_over_reference": round(p95 / per_query_batch, 3),
        "batch_pairs": len(batch_pairs),
        "screened_pairs": len(screened),
        "recall_of_batch_pairs": round(recall_batch, 4),
        "screened_not_in_batch": len(screened - batch_pairs),
        "recall_of_true_pairs": round(len(screened & true_pairs) / len(true_pairs), 4),
    }
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
