"""Benchmark: one subject screened end to end by the screening service against 1,000,000
persons held by nine agencies, on PostgreSQL, with today's path before the service as
the reference in the same run (issue target: p95 under 100 ms at a million, decrypting
at most the candidates).

Never part of `make test`. Run from the repository root:

    .venv/bin/python benchmarks/screening_service.py [--held 1000000] [--queries 500]
        [--reference-sizes 10000,50000] [--reference-queries 20] [--workers 2]
        [--keep | --reuse NAME] [--json F]

1. Made-up persons come from `scale_data` (seed 2): the first `--held` rows of table B
   are held by the nine member agencies of the demo council in turn (`HOLDERS`: the
   eight of `records_crosscheck.HELD_BY` and KZ-KNB), written as `records_crosscheck`
   writes them: particulars, purpose and legal basis sealed under the agency's key, each
   record with its screening subject and candidate keys (`seed_held`), checked against
   the service's own writer on a sample, then analysed.
2. The subjects screened are persons of table A submitted by KZ-KNB (`nurlanov`, a
   liaison officer): most of them held by another agency in another script or
   standard (table B's version of the same person), some held by nobody. KZ-KNB's own
   records are never candidates of its own subjects.
3. Measured, at each size: every subject entered as the service enters a record, one
   transaction each (`records.services.create` and the commit: sealed, enrolled, its
   name indexed, screened by `crosscheck.screen` with the safeguards, candidates from
   the keyed hashes, scoring, hits written with their notices and audit entries).
   Reported: the whole transaction and the screening within it (p50/p95/p99), the
   candidate subjects the keys found and those the safeguards let it meet
   (`Outcome.compared`), the hits, the decryptions (`Vault.open`) of each screening
   (checked: never more than the candidates met and the subject's own particulars),
   the time of each step of the screening, and the CPU of this process and of
   PostgreSQL's backends.
4. Reference, in the same run, on databases of `--reference-sizes` held persons: for
   each of `--reference-queries` subjects, today's path before the service (every live
   person record of the other agencies read and opened, then
   `records.comparison.person_matches`, which indexes them all), the service's own
   lookup (candidates, opened, `compare`) on the same subject, and step 3 on the same
   subjects. The pairs found and their scores are compared; the ratio of the service
   at `--held` to the old path at the largest reference size is reported.

`--keep` keeps the million-person database (and its keys, under benchmarks/out/NAME/)
for another run with `--reuse NAME`; the subjects a run enters are removed at its end
and at the start of the next. The reference databases are always dropped.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select, text

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

# Beside this file, not a package.
import exchange_cpu  # noqa: E402
import scale_data  # noqa: E402
from exchange_load import (  # noqa: E402
    database,
    percentile,
    postmaster_pid,
    scratch_platform,
    source_note,
)
from records_crosscheck import (  # noqa: E402
    HELD_BY,
    UPLOADER,
    clear_records,
    particulars_of,
    seed_held,
)

TARGET_MS = 100.0
SEARCHING = "KZ-KNB"  # UPLOADER's agency, which submits every subject
HOLDERS = (*HELD_BY, SEARCHING)  # the nine member agencies of the demo council
UNMATCHED_SHARE = 0.2  # of the subjects, persons held by nobody
WARM_UP = 5  # subjects entered before the measured ones, not counted
PURPOSE = "Screening of arrivals for the regional games"
LEGAL_BASIS = "Agreement on cooperation against terrorism, art. 5"


# -- the subjects ----------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    row_id: str  # table A's id
    particulars: dict[str, str]
    partner: int | None  # the record holding the same person, when another agency's


def holder_of(record_id: int) -> str:
    """The agency `seed_held` gives a record to (its agencies in turn, by record id)."""
    return HOLDERS[record_id % len(HOLDERS)]


def draw_queries(
    a: pd.DataFrame, truth: pd.DataFrame, held_ids: Sequence[str], count: int, seed: int
) -> list[Query]:
    """`count` persons of table A, in a random order: a share held by another agency
    (their partner in table B is held, not by KZ-KNB), the rest held by nobody."""
    from interagency.records.particulars import PersonParticulars

    record_of = {b_id: number for number, b_id in enumerate(held_ids, start=1)}
    partners: dict[str, int] = {}
    paired: set[str] = set()
    for a_id, b_id in zip(truth["a_id"], truth["b_id"], strict=True):
        paired.add(a_id)
        if b_id in record_of and holder_of(record_of[b_id]) != SEARCHING:
            partners[a_id] = record_of[b_id]
    rows = a.to_dict("records")
    rng = random.Random(seed)
    rng.shuffle(rows)
    unmatched = round(count * UNMATCHED_SHARE)
    wanted = {True: count - unmatched, False: unmatched}
    chosen: list[Query] = []
    for row in rows:
        matched = row["id"] in partners
        if not matched and row["id"] in paired:
            continue  # its partner is held by KZ-KNB or beyond the size: neither kind
        if wanted[matched] == 0:
            continue
        values = particulars_of(row)
        try:
            PersonParticulars.model_validate(values)
        except ValueError:
            continue  # a row the form would refuse
        chosen.append(Query(row["id"], values, partners.get(row["id"])))
        wanted[matched] -= 1
        if not any(wanted.values()):
            break
    rng.shuffle(chosen)
    return chosen


# -- counting what the service does ----------------------------------------------------


@dataclass
class Tally:
    """What the current screening did, gathered by the wrappers of `instrumented`."""

    opened: int = 0
    candidates: int = 0
    steps: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    screening_seconds: float = 0.0
    screening_opened: int = 0

    def reset(self) -> None:
        self.opened = self.candidates = self.screening_opened = 0
        self.steps = defaultdict(float)
        self.screening_seconds = 0.0


# The steps of `screening.service.screen` timed apart: (module, attribute, step).
STEPS = (
    ("interagency.screening.service", "candidates", "candidates"),
    ("interagency.screening.subjects", "safeguards_of", "safeguards"),
    ("interagency.screening.subjects", "opened", "opening"),
    ("interagency.screening.service", "compare", "scoring"),
    ("interagency.screening.service", "store_hit", "hits"),
    ("interagency.screening.service", "check_near_identical", "probing check"),
)


@contextmanager
def instrumented(vault: Any) -> Iterator[Tally]:
    """Counts the vault's decryptions and the candidates, and times the steps of each
    screening, by wrapping them here for the run (the service is not changed)."""
    import importlib

    from interagency.records import crosscheck

    tally = Tally()
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, wrapper: Callable[[Any], Any]) -> None:
        original = getattr(owner, name)
        saved.append((owner, name, original))
        setattr(owner, name, wrapper(original))

    def counting_open(original: Any) -> Any:
        def open_(*args: Any, **kwargs: Any) -> Any:
            tally.opened += 1
            return original(*args, **kwargs)

        return open_

    def timed(step: str) -> Callable[[Any], Any]:
        def wrapper(original: Any) -> Any:
            def call(*args: Any, **kwargs: Any) -> Any:
                began = time.perf_counter()
                try:
                    result = original(*args, **kwargs)
                finally:
                    tally.steps[step] += time.perf_counter() - began
                if step == "candidates":
                    tally.candidates += len(result)
                return result

            return call

        return wrapper

    def screening(original: Any) -> Any:
        def screen(*args: Any, **kwargs: Any) -> Any:
            opened, began = tally.opened, time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                tally.screening_seconds += time.perf_counter() - began
                tally.screening_opened += tally.opened - opened

        return screen

    wrap(vault, "open", counting_open)
    for module, name, step in STEPS:
        wrap(importlib.import_module(module), name, timed(step))
    wrap(crosscheck, "screen", screening)
    try:
        yield tally
    finally:
        for owner, name, original in reversed(saved):
            if owner is vault:
                delattr(vault, name)  # the class's method again
            else:
                setattr(owner, name, original)


# -- measured: subjects entered and screened through the service ------------------------


@dataclass
class Screened:
    """One subject entered and screened."""

    total_ms: float  # services.create and the commit
    screening_ms: float  # crosscheck.screen within it
    candidates: int  # subjects the keys found
    compared: int  # of them, those the safeguards let it meet (each opened)
    opened: int  # decryptions during the screening
    opened_total: int  # decryptions during the whole transaction
    hits: int
    found_partner: bool | None  # None: the person is held by nobody else
    steps: dict[str, float]  # ms by step of the screening
    screened: bool


def caller_of(container: Any) -> Any:
    from interagency.identity.models import User
    from interagency.identity.principals import Caller, principal_of

    with container.uow(read_only=True) as uow:
        user = uow.session.scalar(select(User).where(User.login == UPLOADER))
        assert user is not None
        return Caller(principal_of(user), "127.0.0.1")


def record_in(query: Query) -> Any:
    from interagency.records.models import RecordKind, SubjectCategory
    from interagency.records.schemas import RecordIn

    return RecordIn(
        kind=RecordKind.PERSON,
        particulars=query.particulars,
        subject_category=SubjectCategory.SUSPECT,
        purpose=PURPOSE,
        legal_basis=LEGAL_BASIS,
    )


def enter(container: Any, caller: Any, tally: Tally, query: Query) -> Screened:
    """One subject as the form enters it: its own transaction, committed."""
    from interagency.records import services

    tally.reset()
    began = time.perf_counter()
    with container.uow() as uow:
        saved = services.create(uow, caller, services.Context(container.vault), record_in(query))
        found = {hit.found_record_id for hit in saved.screening.hits}
        hits, compared, screened = (
            len(saved.screening.hits), saved.screening.compared, saved.screening.screened
        )  # fmt: skip
        uow.commit()
    total = time.perf_counter() - began
    return Screened(
        total_ms=total * 1000,
        screening_ms=tally.screening_seconds * 1000,
        candidates=tally.candidates,
        compared=compared,
        opened=tally.screening_opened,
        opened_total=tally.opened,
        hits=hits,
        found_partner=None if query.partner is None else query.partner in found,
        steps={step: seconds * 1000 for step, seconds in tally.steps.items()},
        screened=screened,
    )


def enter_all(
    container: Any, queries: Sequence[Query], label: str, cpu: bool = False
) -> tuple[list[Screened], dict[str, float]]:
    """The subjects entered one after the other (after WARM_UP not counted), each
    checked to decrypt no more than it may; the CPU of this process and PostgreSQL's."""
    caller = caller_of(container)
    warm, measured = queries[:WARM_UP], queries[WARM_UP:]
    results: list[Screened] = []
    use = exchange_cpu.CpuUse()
    with instrumented(container.vault) as tally:
        for query in warm:
            enter(container, caller, tally, query)
        with cpu_measured(container, cpu) as use:
            for number, query in enumerate(measured, start=1):
                done = enter(container, caller, tally, query)
                if done.opened > done.compared + 1:
                    raise RuntimeError(
                        f"{label}: a screening decrypted {done.opened} values for "
                        f"{done.compared} candidates met"
                    )
                results.append(done)
                if number % 100 == 0:
                    print(f"  {label}: {number} of {len(measured)} subjects screened")
    if not cpu:
        return results, {}
    return results, {"benchmark process": use.client_seconds, **use.seconds}


@contextmanager
def cpu_measured(container: Any, wanted: bool) -> Iterator[exchange_cpu.CpuUse]:
    url = container.engine.url
    postmaster = postmaster_pid(url.render_as_string(hide_password=False)) if wanted else None
    if postmaster is None:
        yield exchange_cpu.CpuUse()
        return
    with exchange_cpu.measured(exchange_cpu.postgres_groups(postmaster, url.database)) as use:
        yield use


def summary(results: Sequence[Screened], cpu: Mapping[str, float]) -> dict[str, Any]:
    def spread(values: Sequence[float]) -> dict[str, float]:
        return {
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
            "mean": statistics.fmean(values),
        }

    def counts(values: Sequence[int]) -> dict[str, float]:
        return {
            "mean": statistics.fmean(values),
            "p95": percentile([float(v) for v in values], 95),
            "max": max(values),
        }

    partnered = [r.found_partner for r in results if r.found_partner is not None]
    steps = sorted({s for r in results for s in r.steps})
    return {
        "subjects": len(results),
        "screened": sum(r.screened for r in results),
        "transaction_ms": spread([r.total_ms for r in results]),
        "screening_ms": spread([r.screening_ms for r in results]),
        "steps_mean_ms": {s: statistics.fmean(r.steps.get(s, 0.0) for r in results) for s in steps},
        "candidates": counts([r.candidates for r in results]),
        "compared": counts([r.compared for r in results]),
        "decryptions": counts([r.opened for r in results]),
        "decryptions_in_transaction": counts([r.opened_total for r in results]),
        "most_decryptions_over_compared": max(r.opened - r.compared for r in results),
        "hits": sum(r.hits for r in results),
        "subjects_with_hits": sum(r.hits > 0 for r in results),
        "partners": len(partnered),
        "partners_found": sum(partnered),
        "cpu_seconds": dict(cpu),
        "cpu_ms_per_subject": {k: v * 1000 / len(results) for k, v in cpu.items()},
        # Each subject's figures, in the order entered: what the tail is made of.
        "each": [
            [round(r.total_ms, 2), round(r.screening_ms, 2), r.candidates, r.opened, r.hits]
            for r in results
        ],
        "each_columns": ["transaction_ms", "screening_ms", "candidates", "decryptions", "hits"],
    }


# -- reference: today's path before the service ------------------------------------------


def old_path(uow: Any, vault: Any, agency_id: int, query: Any, today: date) -> dict[int, float]:
    """What a screening compared before the service: every live person record of the
    other agencies, read and opened, then indexed and scored by `person_matches`. By
    record id: the probability."""
    from interagency.records import comparison
    from interagency.records.models import Record, RecordKind
    from interagency.records.sealing import open_particulars

    records = uow.session.scalars(
        select(Record).where(
            Record.kind == RecordKind.PERSON.value,
            Record.owner_agency_id != agency_id,
            Record.erased_at.is_(None),
            Record.particulars_sealed.is_not(None),
            Record.review_due >= today,
        )
    ).all()
    opened = {r.id: p for r in records if (p := open_particulars(uow, vault, r)) is not None}
    return {m.found_id: m.probability for m in comparison.person_matches(query, opened)}


def service_lookup(
    uow: Any, vault: Any, agency_id: int, query: Any
) -> tuple[dict[int, float], int]:
    """The service's own matching of the same subject, without writing: candidates from
    the keys, opened, `compare`. By record id: the probability; and the candidates."""
    from interagency.records.screened import RECORDS
    from interagency.screening import service, subjects
    from interagency.screening.models import Subject

    subject = Subject(kind=RECORDS.name, ref=0, owner_agency_id=agency_id, matches_as="person")
    found = service.candidates(uow, vault, subject, query)
    refs = {s.id: s.ref for s in found}
    matches = service.compare(query, subjects.compared(uow, vault, found))
    return {refs[m.found_id]: m.probability for m in matches}, len(found)


def reference(container: Any, queries: Sequence[Query]) -> dict[str, Any]:
    """The old path and the service's lookup on the same subjects, timed one by one, and
    the pairs each found."""
    from interagency.db import utcnow
    from interagency.identity.models import Agency
    from interagency.records import comparison
    from interagency.records.particulars import PersonParticulars

    with container.uow(read_only=True) as uow:
        agency_id = uow.session.scalar(select(Agency.id).where(Agency.code == SEARCHING))
    today = utcnow().date()
    persons = [PersonParticulars.model_validate(q.particulars) for q in queries]
    comparison.person_matches(persons[0], {1: persons[0]})  # the model and name tables
    old_ms: list[float] = []
    new_ms: list[float] = []
    old: dict[tuple[str, int], float] = {}
    new: dict[tuple[str, int], float] = {}
    for query, person in zip(queries, persons, strict=True):
        with container.uow(read_only=True) as uow:
            began = time.perf_counter()
            found, _ = service_lookup(uow, container.vault, agency_id, person)
            new_ms.append((time.perf_counter() - began) * 1000)
        new.update(((query.row_id, ref), p) for ref, p in found.items())
        with container.uow(read_only=True) as uow:
            began = time.perf_counter()
            found = old_path(uow, container.vault, agency_id, person, today)
            old_ms.append((time.perf_counter() - began) * 1000)
        old.update(((query.row_id, ref), p) for ref, p in found.items())
    differing = sorted(k for k in old.keys() & new.keys() if abs(old[k] - new[k]) > 1e-6)
    return {
        "queries": len(queries),
        "old_path_ms": {"p50": percentile(old_ms, 50), "p95": percentile(old_ms, 95),
                        "mean": statistics.fmean(old_ms)},
        "service_lookup_ms": {"p50": percentile(new_ms, 50), "p95": percentile(new_ms, 95),
                              "mean": statistics.fmean(new_ms)},
        "pairs_old": len(old),
        "pairs_service": len(new),
        "pairs_same_score": len(old.keys() & new.keys()) - len(differing),
        "only_old": [[*k, old[k]] for k in sorted(old.keys() - new.keys())],
        "only_service": [[*k, new[k]] for k in sorted(new.keys() - old.keys())],
        "score_differs": [[*k, old[k], new[k]] for k in differing],
    }  # fmt: skip


# -- databases -------------------------------------------------------------------------


def prepared(container: Any, held: pd.DataFrame, workers: int) -> float:
    """The demo council and the held persons; the seconds seeding took."""
    from interagency.demo import load_demo

    began = time.perf_counter()
    load_demo(container)
    clear_records(container)
    seeded = seed_held(container, held, HOLDERS, workers=workers)
    seconds = time.perf_counter() - began
    print(f"seeded {seeded:,} sealed records with their subjects and keys in {seconds:.0f} s")
    return seconds


def forget_entered(container: Any, held: int) -> None:
    """Removes the subjects a run entered (records beyond the seeded ones) with their
    hits, screenings, subjects and keys: a kept database stays as it was seeded."""
    with container.uow() as uow:
        for statement in (
            "DELETE FROM record_hits WHERE searching_record_id > :n OR found_record_id > :n",
            "DELETE FROM record_screenings WHERE record_id > :n",
            "DELETE FROM screening_keys WHERE subject_id IN"
            " (SELECT id FROM screening_subjects WHERE kind = 'record' AND ref > :n)",
            "DELETE FROM screening_subjects WHERE kind = 'record' AND ref > :n",
            "DELETE FROM record_name_terms WHERE record_id > :n",
            "DELETE FROM record_hit_agencies WHERE record_id > :n",
            "DELETE FROM records WHERE id > :n",
        ):
            uow.session.execute(text(statement), {"n": held})
        uow.commit()


def count_records(container: Any) -> int:
    from interagency.records.models import Record

    with container.uow(read_only=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Record)) or 0)


def run_reference(
    args: argparse.Namespace, b: pd.DataFrame, a: pd.DataFrame, truth: pd.DataFrame, size: int
) -> dict[str, Any]:
    held = b.iloc[:size]
    queries = draw_queries(a, truth, list(held["id"]), args.reference_queries + WARM_UP, size)
    print(f"\nreference at {size:,} held persons, {args.reference_queries} subjects")
    with database(args.server_url, None, keep=False) as db:
        container = scratch_platform(db.url, db.folder)
        seeding = prepared(container, held, args.workers)
        compared = reference(container, queries[WARM_UP:])
        results, cpu = enter_all(container, queries, f"{size:,} held")
        container.engine.dispose()
    service = summary(results, cpu)
    ratio = service["screening_ms"]["p95"] / compared["old_path_ms"]["p95"]
    return {"held": size, "seeding_seconds": seeding, **compared, "service": service,
            "ratio": ratio}  # fmt: skip


def run_main(
    args: argparse.Namespace, b: pd.DataFrame, a: pd.DataFrame, truth: pd.DataFrame
) -> dict[str, Any]:
    held = b.iloc[: args.held]
    queries = draw_queries(a, truth, list(held["id"]), args.queries + WARM_UP, args.seed)
    print(f"\n{args.held:,} held persons, {args.queries} subjects")
    with database(args.server_url, args.reuse, args.keep) as db:
        container = scratch_platform(db.url, db.folder)
        seeding = None
        if db.fresh:
            seeding = prepared(container, held, args.workers)
        else:
            forget_entered(container, args.held)
            if (found := count_records(container)) != args.held:
                raise SystemExit(f"the kept database {db.name} holds {found:,} records")
        try:
            results, cpu = enter_all(container, queries, f"{args.held:,} held", cpu=True)
        finally:
            if args.keep or args.reuse:
                forget_entered(container, args.held)
            container.engine.dispose()
    return {"held": args.held, "database": db.name, "seeding_seconds": seeding,
            "service": summary(results, cpu)}  # fmt: skip


# -- report ----------------------------------------------------------------------------


def report(found: Mapping[str, Any]) -> None:
    main = found["main"]
    service = main["service"]
    print(f"\n{found['source']}; {found['held']:,} persons held by {len(HOLDERS)} agencies")
    rows: list[tuple[str, str]] = []

    def ms(spread: Mapping[str, float]) -> str:
        return f"{spread['p50']:.1f} / {spread['p95']:.1f} / {spread['p99']:.1f} ms"

    def count(spread: Mapping[str, float]) -> str:
        return f"{spread['mean']:.1f} / {spread['p95']:.0f} / {spread['max']:.0f}"

    rows += [
        ("subjects screened", f"{service['screened']} of {service['subjects']}"),
        ("entered and screened, one transaction, p50 / p95 / p99", ms(service["transaction_ms"])),
        ("the screening within it, p50 / p95 / p99", ms(service["screening_ms"])),
        ("candidate subjects the keys found, mean / p95 / max", count(service["candidates"])),
        ("candidates met and opened, mean / p95 / max", count(service["compared"])),
        ("decryptions a screening, mean / p95 / max", count(service["decryptions"])),
        ("hits written (subjects with a hit)",
         f"{service['hits']} ({service['subjects_with_hits']})"),
        ("persons held by another agency found",
         f"{service['partners_found']} of {service['partners']}"),
    ]  # fmt: skip
    for step, value in service["steps_mean_ms"].items():
        rows.append((f"  step: {step}, mean", f"{value:.2f} ms"))
    for group, value in service["cpu_ms_per_subject"].items():
        rows.append((f"CPU a subject: {group}", f"{value:.1f} ms"))
    for ref in found["references"]:
        size = f"{ref['held']:,}"
        rows += [
            (f"reference at {size}: old path, p50 / p95",
             f"{ref['old_path_ms']['p50']:.0f} / {ref['old_path_ms']['p95']:.0f} ms"),
            (f"reference at {size}: service lookup, p50 / p95",
             f"{ref['service_lookup_ms']['p50']:.1f} / {ref['service_lookup_ms']['p95']:.1f} ms"),
            (f"reference at {size}: service, entered and screened",
             ms(ref["service"]["transaction_ms"])),
            (f"reference at {size}: service, the screening", ms(ref["service"]["screening_ms"])),
            (f"reference at {size}: pairs old / service / same score",
             f"{ref['pairs_old']} / {ref['pairs_service']} / {ref['pairs_same_score']}"),
        ]  # fmt: skip
    for ref in found["references"]:
        rows.append((f"service screening p95 / old path p95, both at {ref['held']:,}",
                     f"{ref['ratio']:.4f}"))  # fmt: skip
    if found["ratio"] is not None:
        rows.append(("service p95 at the full size / old path p95 at the largest reference",
                     f"{found['ratio']:.4f}"))  # fmt: skip
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    p95 = service["transaction_ms"]["p95"]
    verdict = "met" if p95 < TARGET_MS else "missed"
    print(f"target: p95 under {TARGET_MS:.0f} ms end to end: {verdict} ({p95:.1f} ms)")
    for ref in found["references"]:
        for name in ("only_old", "only_service", "score_differs"):
            for pair in ref[name]:
                print(f"  at {ref['held']:,}: {name.replace('_', ' ')}: {pair}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--held", type=int, default=1_000_000, help="persons held by the nine agencies")
    add("--queries", type=int, default=500, help="subjects screened at that size")
    add("--reference-sizes", default="10000,50000", help="held persons of the old path; none: ''")
    add("--reference-queries", type=int, default=20, help="subjects of each reference")
    add("--seed", type=int, default=2, help="generator seed of the tables")
    add("--workers", type=int, default=2, help="processes for the keys' texts when seeding")
    add("--server-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    add("--keep", action="store_true", help="keep the database and its keys for --reuse")
    add("--reuse", metavar="NAME", help="run on the database a --keep run kept")
    add("--json", type=Path)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    logging.basicConfig(level=logging.ERROR, format="%(asctime)s %(message)s")
    sizes = [int(s) for s in args.reference_sizes.split(",") if s.strip()]
    tables = scale_data.ensure(max([args.held, *sizes]), args.seed)
    b = pd.read_parquet(tables.b)
    a = pd.read_parquet(tables.a)
    truth = pd.read_parquet(tables.truth)
    # The reference databases first: each is dropped before the next is made.
    references = [run_reference(args, b, a, truth, size) for size in sizes]
    found: dict[str, Any] = {
        "source": source_note(),
        "held": args.held,
        "references": references,
        "main": run_main(args, b, a, truth),
    }
    largest = max(references, key=lambda r: r["held"], default=None)
    found["ratio"] = (
        found["main"]["service"]["transaction_ms"]["p95"] / largest["old_path_ms"]["p95"]
        if largest
        else None
    )
    report(found)
    if args.json:
        args.json.write_text(json.dumps(found, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
