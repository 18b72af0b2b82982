"""Batch cross-check at scale: 1,000,000 x 1,000,000 made-up persons on DuckDB.

Never part of `make test`. Run from the repository root:

    .venv/bin/python benchmarks/scale.py [--records 1000000] [--json results.json]

1. Tables A and B of `scale_data` (seed 2; generated once and cached) and a model
   trained without labels on the cross-script training data (seed 1, 20,000
   persons), saved as JSON: the same comparisons and candidate rules as the
   accuracy benchmark `crossscript.py`.
2. Timed: `interagency xcheck A B --model M --out pairs.csv` in a child process,
   as an operator would run it (reading, name features, blocking, scoring,
   writing). Wall time; peak memory as the largest sum of the resident memory of
   the child and its worker processes (sampled every 0.2 s) and as the largest
   single process (getrusage).
3. Not timed: precision, recall and F1 of the pairs against the generator's truth;
   name features again in this process, to count the candidate pairs
   of each rule with DuckDB, the largest block (the rule key with the most pairs),
   and the share of the true pairs that some rule keeps.
4. Reference, in the same run: a fixed DuckDB workload of the same size (A joined
   to B on surname key and birth year, Jaro-Winkler on every pair), so that the
   ratio can be compared between machines.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psutil

from interagency.matching.batch import EngineLimits, link
from interagency.matching.features import person_features
from interagency.matching.model import PREDICTION_BLOCKING_RULES, save_model
from interagency.matching.screen.index import parse_rule

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scale_data
from crossscript_data import generate

TRAIN_PERSONS = 20_000
THRESHOLD = 0.5
# The command the operator runs, without importing the web application.
XCHECK = "import typer; from interagency.matching.cli import xcheck; typer.run(xcheck)"


def train_and_save(path: Path, workers: int) -> None:
    data = generate(seed=1, n_persons=TRAIN_PERSONS)
    a, b = person_features(data.a, workers), person_features(data.b, workers)
    save_model(link(a, b, limits=EngineLimits(memory_limit="6GB")).model, path)


class TreeMemory:
    """Largest sum of resident memory of a process and its descendants."""

    def __init__(self, pid: int, every: float = 0.2):
        self.peak = 0
        self._root = psutil.Process(pid)
        self._every = every
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            try:
                processes = [self._root, *self._root.children(recursive=True)]
                total = 0
                for process in processes:
                    try:
                        total += process.memory_info().rss
                    except psutil.Error:
                        continue  # ended between listing and reading
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            self._done.wait(self._every)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def timed_xcheck(tables: scale_data.ScaleTables, model: Path, out: Path) -> dict[str, Any]:
    command = [sys.executable, "-c", XCHECK, str(tables.a), str(tables.b)]
    command += ["--model", str(model), "--out", str(out)]
    started = time.perf_counter()
    child = subprocess.Popen(command)
    memory = TreeMemory(child.pid)
    code = child.wait()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if code:
        raise SystemExit(f"xcheck failed with exit code {code}")
    # ru_maxrss is in KiB on Linux: the largest single descendant, not their sum.
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    pairs = sum(1 for _ in out.open(encoding="utf-8")) - 1
    return {
        "seconds": round(seconds, 1),
        "peak_gib_process_tree": round(peak / 2**30, 2),
        "peak_gib_largest_process": round(largest / 2**30, 2),
        "pairs_at_threshold": pairs,
    }


def accuracy(pairs: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Precision, recall and F1 of the pairs xcheck wrote, against the truth."""
    found = set(zip(pairs["a_id"], pairs["b_id"], strict=True))
    real = set(zip(truth["a_id"], truth["b_id"], strict=True))
    hits = len(found & real)
    precision, recall = hits / max(len(found), 1), hits / max(len(real), 1)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def blocking_figures(
    con: duckdb.DuckDBPyConnection, truth: pd.DataFrame, rules: tuple[str, ...]
) -> dict[str, Any]:
    """Candidate pairs (each counted once, under the first rule that admits it),
    the largest block, and the share of true pairs some rule admits. Tables a and b
    of `con` hold the features."""
    per_rule: list[dict[str, Any]] = []
    earlier: list[str] = []
    for rule in rules:
        # A pair is counted under the first rule that admits it, as Splink scores it once.
        not_earlier = " and ".join(f"not coalesce(({r}), false)" for r in earlier) or "true"
        # The SQL is assembled from the model's own candidate rules, never from input.
        sql = f"select count(*) from a as l join b as r on {rule} where {not_earlier}"  # noqa: S608
        (count,) = con.execute(sql).fetchall()
        largest = _largest_block(con, rule)
        per_rule.append({"rule": rule, "new_pairs": int(count[0]), **largest})
        earlier.append(rule)
    con.register("truth", truth)
    kept_condition = " or ".join(f"coalesce(({r}), false)" for r in rules)
    (kept,) = con.execute(
        f"select count(*) filter (where {kept_condition}), count(*) from truth t "  # noqa: S608
        "join a as l on l.unique_id = t.a_id join b as r on r.unique_id = t.b_id"
    ).fetchall()
    largest_rule = max(per_rule, key=lambda r: r["largest_block_pairs"])
    return {
        "candidate_pairs": sum(r["new_pairs"] for r in per_rule),
        "largest_block": {
            "rule": largest_rule["rule"],
            "key": largest_rule["largest_block_key"],
            "pairs": largest_rule["largest_block_pairs"],
        },
        "true_pairs": int(kept[1]),
        "blocking_recall": round(kept[0] / kept[1], 5),
        "rules": per_rule,
    }


def _largest_block(con: duckdb.DuckDBPyConnection, rule: str) -> dict[str, Any]:
    # The block of the rule's key; a filter of missing values thins it out further.
    parsed = parse_rule(rule)
    left, right = list(parsed.left), list(parsed.right)
    left_key = ", ".join(left)
    right_key = ", ".join(f"{c} as {name}" for c, name in zip(right, left, strict=True))
    not_null_l = " and ".join(f"{c} is not null" for c in left)
    not_null_r = " and ".join(f"{c} is not null" for c in right)
    key_text = ", ".join(f"l.{c}" for c in left)
    # Columns of the model's own candidate rules, never input.
    sql = f"""
        with l as (select {left_key}, count(*) as n from a where {not_null_l} group by all),
             r as (select {right_key}, count(*) as n from b where {not_null_r} group by all)
        select concat_ws(' | ', {key_text}) as key, l.n * r.n as pairs
        from l join r using ({left_key})
        order by pairs desc limit 1
    """  # noqa: S608
    rows = con.execute(sql).fetchall()
    row = rows[0] if rows else None
    return {
        "largest_block_key": row[0] if row else "",
        "largest_block_pairs": int(row[1]) if row else 0,
    }


def reference_join(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    started = time.perf_counter()
    ((pairs, _),) = con.execute(
        "select count(*), sum(jaro_winkler_similarity(l.surname_sp, r.surname_sp)) "
        "from a as l join b as r on l.surname_bkl = r.surname_bkl and l.dob_y = r.dob_y"
    ).fetchall()
    return {"seconds": round(time.perf_counter() - started, 1), "pairs": int(pairs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records in each table")
    parser.add_argument("--seed", type=int, default=2, help="generator seed of the tables")
    parser.add_argument("--workers", type=int, default=2, help="processes for name features")
    parser.add_argument("--out", type=Path, default=scale_data.DEFAULT_OUT)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--train-model", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.train_model:
        train_and_save(args.train_model, args.workers)
        return
    tables = scale_data.ensure(args.records, args.seed, args.out)
    model = args.out / "scale-model.json"
    # Trained afresh every run (the candidate rules may have changed), in a child
    # process, so that training counts in neither time nor memory.
    command = [sys.executable, __file__, "--train-model", str(model)]
    subprocess.run([*command, "--workers", str(args.workers)], check=True)
    results: dict[str, Any] = {"records": args.records}
    pairs_file = args.out / f"pairs-{args.records}.csv"
    results["xcheck"] = timed_xcheck(tables, model, pairs_file)
    print(json.dumps(results["xcheck"], indent=2), flush=True)
    truth = pd.read_parquet(tables.truth)
    results["accuracy"] = accuracy(pd.read_csv(pairs_file, dtype=str), truth)

    a = person_features(pd.read_parquet(tables.a), args.workers)
    b = person_features(pd.read_parquet(tables.b), args.workers)
    con = duckdb.connect(config={"memory_limit": "8GB"})
    con.register("a", a)
    con.register("b", b)
    results["blocking"] = blocking_figures(con, truth, PREDICTION_BLOCKING_RULES)
    results["reference"] = reference_join(con)
    results["xcheck_over_reference"] = round(
        results["xcheck"]["seconds"] / results["reference"]["seconds"], 1
    )
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
