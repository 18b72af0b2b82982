"""Benchmark: how well the channels engine finds planted smuggling channels, against
connected components over exact shared values as the reference in the same run (issue 29
target: adjusted Rand index at least 0.85, and at least 0.30 above the reference).

Never part of `make test`. Run from the repository root:

    .venv/bin/python benchmarks/channels.py [--reports 20000] [--seed 3] [--detect-seed 7]
        [--engine duckdb] [--out DIR] [--json F]
    .venv/bin/python benchmarks/channels.py --smoke    # 2,000 reports

1. The reports come from `channels_data` (planted channels with their routes, rotating
   phones, facilitators written by each state in its own script, reports that share only
   route, place, time and modus, brokers serving two channels, lone reports). They are
   generated in a child process into `--out` (default `benchmarks/out/channels-N-seedS`)
   and reused when already there.
2. They are read as the command line reads them (`channels.reading.read_reports`); the
   rejects are counted (the generator means to write none).
3. The engine: `channels.detection.detect(reports, seed=...)`. Reported: the adjusted Rand
   index of its channels against the truth (a report in no channel is a cluster of its
   own), the pairs of reports it puts together that are together in the truth (precision)
   and the other way round (recall), its seconds and peak resident memory, and per kind of
   report (linked, weak-only, broker, lone) the share whose placement agrees with the truth.
4. The reference, in the same run: reports linked when they share a phone, plate, document,
   transfer or facilitator name exactly as written; its connected components are the
   channels, a component of one report is no channel. Reported the same way, with the
   difference of the indexes and the ratio of the times.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from interagency.channels.reports import Report

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

# Beside this file, not a package.
from accreditation import timed  # noqa: E402

DEFAULT_OUT = BENCHMARKS / "out"
TARGET_ARI = 0.85
TARGET_MARGIN = 0.30
SMOKE_REPORTS = 2_000
T = TypeVar("T")


# -- the data ---------------------------------------------------------------------------


def ensure_data(reports: int, seed: int, out: Path | None) -> Path:
    """The generator's folder, written first in a child process when missing (so that its
    memory is not the benchmark's)."""
    folder = out or DEFAULT_OUT / f"channels-{reports}-seed{seed}"
    wanted = ("REPORTS.csv", "TRUTH.csv", "META.csv")
    if not all((folder / name).exists() for name in wanted):
        command = [sys.executable, str(BENCHMARKS / "channels_data.py")]
        command += ["--reports", str(reports), "--seed", str(seed), "--out", str(folder)]
        subprocess.run(command, check=True)
    return folder


def read_column(path: Path, column: str) -> dict[str, str | None]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["report_id"]: row[column] or None for row in csv.DictReader(handle)}


# -- the reference: exact shared values ---------------------------------------------------


def exact_value_components(reports: Sequence[Report]) -> dict[str, str | None]:
    """Connected components of reports sharing a phone, plate, document, transfer or
    facilitator name exactly as written; a component of one report is no channel."""
    parent = list(range(len(reports)))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    first_seen: dict[tuple[str, str], int] = {}
    for position, report in enumerate(reports):
        values = [
            *(("phone", v) for v in report.phones),
            *(("plate", v) for v in report.vehicle_plates),
            *(("document", v) for v in report.documents),
            *(("transfer", v) for v in report.transfers),
            *(("facilitator", v) for v in report.facilitators),
        ]
        for value in values:
            seen = first_seen.setdefault(value, position)
            if seen != position:
                parent[root(position)] = root(seen)
    roots = [root(position) for position in range(len(reports))]
    sizes = Counter(roots)
    return {
        report.report_id: (f"R{found}" if sizes[found] > 1 else None)
        for report, found in zip(reports, roots, strict=True)
    }


# -- scores -----------------------------------------------------------------------------


def pair_precision_recall(
    truth: Mapping[str, str | None], found: Mapping[str, str | None]
) -> tuple[float, float]:
    """Of the pairs of reports put together, the share together in the truth; of the
    pairs together in the truth, the share put together."""

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    cells = Counter(
        (truth[i], found.get(i)) for i in truth if truth[i] is not None and found.get(i)
    )
    both = sum(pairs(n) for n in cells.values())
    found_channels = [found.get(i) for i in truth]
    in_found = sum(pairs(n) for n in Counter(c for c in found_channels if c).values())
    in_truth = sum(pairs(n) for n in Counter(c for c in truth.values() if c).values())
    return (both / in_found if in_found else 1.0), (both / in_truth if in_truth else 1.0)


def agreement_by_kind(
    truth: Mapping[str, str | None],
    found: Mapping[str, str | None],
    kinds: Mapping[str, str | None],
) -> dict[str, float]:
    """Per kind of report, the share placed as the truth places it: a lone report in no
    channel; a planted report in a found channel whose most common true channel is its own."""
    members: dict[str, Counter[str | None]] = {}
    for report_id, channel in found.items():
        if channel is not None and report_id in truth:
            members.setdefault(channel, Counter())[truth[report_id]] += 1
    majority = {channel: counts.most_common(1)[0][0] for channel, counts in members.items()}
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for report_id, true_channel in truth.items():
        kind = kinds.get(report_id) or "?"
        seen[kind] += 1
        channel = found.get(report_id)
        if true_channel is None:
            right[kind] += channel is None
        elif channel is not None and majority[channel] == true_channel:
            right[kind] += 1
    return {kind: round(right[kind] / seen[kind], 4) for kind in sorted(seen)}


def scored(
    name: str,
    truth: Mapping[str, str | None],
    found: Mapping[str, str | None],
    kinds: Mapping[str, str | None],
    seconds: float,
    memory: Mapping[str, int],
) -> dict[str, Any]:
    from interagency.channels.scoring import adjusted_rand_index

    precision, recall = pair_precision_recall(truth, found)
    return {
        "name": name,
        "ari": round(adjusted_rand_index(truth, found), 4),
        "pair_precision": round(precision, 4),
        "pair_recall": round(recall, 4),
        "channels": len({c for c in found.values() if c}),
        "reports_in_channels": sum(1 for c in found.values() if c),
        "by_kind": agreement_by_kind(truth, found, kinds),
        "seconds": round(seconds, 2),
        "peak_mib": round(memory["peak"] / 2**20),
        "added_mib": round((memory["peak"] - memory["before"]) / 2**20),
    }


# -- the run ----------------------------------------------------------------------------


def run(reports: int, seed: int, detect_seed: int, engine: str, out: Path | None) -> dict[str, Any]:
    from interagency.channels.reading import read_reports

    folder = ensure_data(reports, seed, out)
    truth = read_column(folder / "TRUTH.csv", "channel_id")
    kinds = read_column(folder / "META.csv", "kind")
    read, read_seconds, _ = timed(lambda: read_reports(folder / "REPORTS.csv"))
    print(f"read {len(read.reports)} reports in {read_seconds:.1f} s, {len(read.rejects)} rejects")

    def detect_channels() -> dict[str, str | None]:
        from interagency.channels.detection import detect

        return dict(detect(read.reports, engine=engine, seed=detect_seed).assignment)

    found, seconds, memory = timed(detect_channels)
    engine_result = scored("engine", truth, found, kinds, seconds, memory)
    reference, ref_seconds, ref_memory = timed(lambda: exact_value_components(read.reports))
    reference_result = scored("reference", truth, reference, kinds, ref_seconds, ref_memory)
    difference = round(engine_result["ari"] - reference_result["ari"], 4)
    return {
        "reports": reports,
        "seed": seed,
        "detect_seed": detect_seed,
        "engine_name": engine,
        "planted_channels": len({c for c in truth.values() if c}),
        "lone_reports": sum(1 for c in truth.values() if c is None),
        "rejects": len(read.rejects),
        "read_seconds": round(read_seconds, 2),
        "engine": engine_result,
        "reference": reference_result,
        "ari_difference": difference,
        "time_ratio": round(seconds / ref_seconds, 1) if ref_seconds else None,
        "target_met": engine_result["ari"] >= TARGET_ARI and difference >= TARGET_MARGIN,
    }


def show(result: Mapping[str, Any]) -> None:
    print(
        f"{result['reports']} reports (seed {result['seed']}): "
        f"{result['planted_channels']} planted channels, {result['lone_reports']} lone reports"
    )
    for side in ("engine", "reference"):
        r = result[side]
        print(
            f"  {side:<9} ARI {r['ari']:.4f}  pairs P {r['pair_precision']:.3f} "
            f"R {r['pair_recall']:.3f}  {r['channels']} channels, {r['reports_in_channels']} "
            f"reports in them  {r['seconds']:.1f} s  peak {r['peak_mib']} MiB "
            f"(+{r['added_mib']})"
        )
        print(f"            placed as planted, by kind: {r['by_kind']}")
    verdict = "met" if result["target_met"] else "NOT met"
    print(
        f"  ARI difference {result['ari_difference']:+.4f}; engine time / reference time "
        f"{result['time_ratio']}; target (ARI >= {TARGET_ARI}, >= {TARGET_MARGIN} above the "
        f"reference) {verdict}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=3, help="the generator's seed")
    parser.add_argument("--detect-seed", type=int, default=7, help="the engine's seed")
    parser.add_argument("--engine", default="duckdb", choices=("duckdb", "spark"))
    parser.add_argument("--out", type=Path, help="folder of the generated data")
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_REPORTS} reports")
    parser.add_argument("--json", type=Path, help="write the figures there as JSON")
    args = parser.parse_args(argv)
    reports = SMOKE_REPORTS if args.smoke else args.reports
    result = run(reports, args.seed, args.detect_seed, args.engine, args.out)
    show(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
