"""Large tables of made-up persons for the scale and screening benchmarks, cached.

The tables come from `crossscript_data.generate` (the same generator as the accuracy
benchmark), with enough persons that each table holds at least the asked number of
records; each table is then cut to exactly that many (its rows are already shuffled)
and the truth is kept for the records that remain. Generating a million records
takes about two minutes, so the tables are written once as Parquet and read back.

    .venv/bin/python benchmarks/scale_data.py [--records 1000000] [--seed 2] [--out DIR]

Run on its own (as the benchmarks do, in a child process) so that its memory does
not count in the benchmark's peak.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DEFAULT_OUT = Path(__file__).resolve().parent / "out"
# Share of the generated persons that land in the smaller table (A, about 0.776),
# with a margin so that both tables reach the asked size.
_SMALLER_TABLE_SHARE = 0.76


@dataclass(frozen=True)
class ScaleTables:
    a: Path
    b: Path
    truth: Path


def paths(out: Path, records: int, seed: int) -> ScaleTables:
    stem = out / f"persons-{records}-seed{seed}"
    return ScaleTables(
        a=stem.with_name(stem.name + "-a.parquet"),
        b=stem.with_name(stem.name + "-b.parquet"),
        truth=stem.with_name(stem.name + "-truth.parquet"),
    )


def ensure(records: int, seed: int, out: Path = DEFAULT_OUT) -> ScaleTables:
    """The cached tables, generated first in a child process when missing."""
    target = paths(out, records, seed)
    if not all(p.exists() for p in (target.a, target.b, target.truth)):
        command = [sys.executable, __file__, "--records", str(records), "--seed", str(seed)]
        subprocess.run([*command, "--out", str(out)], check=True)
    return target


def write(records: int, seed: int, out: Path) -> ScaleTables:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from crossscript_data import generate

    data = generate(seed=seed, n_persons=math.ceil(records / _SMALLER_TABLE_SHARE))
    a, b = data.a.iloc[:records], data.b.iloc[:records]
    if len(a) < records or len(b) < records:
        raise SystemExit(f"generated only {len(a)} and {len(b)} records")
    kept_a, kept_b = set(a["id"]), set(b["id"])
    truth = pd.DataFrame(
        sorted(p for p in data.truth if p[0] in kept_a and p[1] in kept_b),
        columns=["a_id", "b_id"],
    )
    target = paths(out, records, seed)
    out.mkdir(parents=True, exist_ok=True)
    a.to_parquet(target.a, index=False)
    b.to_parquet(target.b, index=False)
    truth.to_parquet(target.truth, index=False)
    print(f"{len(a)} + {len(b)} records, {len(truth)} true pairs -> {out}")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    write(args.records, args.seed, args.out)


if __name__ == "__main__":
    main()
