"""Benchmark: a flood of refusals from one source, and what it costs everybody else.

A refusal is audited in a transaction of its own, as the web's error handler does. The
reference records each refusal as a chained entry (`audit.record`), as the platform did
before refusals were counted; the measured run records them with `audit.refusals`, which
chains the first of each source and minute and counts the others. Both run in the same
process against the same database, one after the other, and each reports:

- the cost of one refused request's audit, alone;
- the chain's growth;
- the latency of other users' ordinary audited writes (`audit.record`, one thread)
  while the flood runs in other threads.

    .venv/bin/python benchmarks/refusal_flood.py --refusals 5000
    .venv/bin/python benchmarks/refusal_flood.py --server-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select

from exchange_load import database, scratch_platform
from interagency import audit
from interagency.audit.events import AuditEvent
from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.db import UnitOfWork

Recorder = Callable[[UnitOfWork, AuditEvent], None]

FLOODER = AuditEvent(
    action="exchange:thread:metadata",
    outcome="denied",
    actor_user_id=999,
    actor_login="intruder",
    actor_agency_id=2,
    object_kind="thread",
    object_ref="17",
    client_address="203.0.113.5",
)


def ordinary(n: int) -> AuditEvent:
    return AuditEvent(
        action="exchange:message:read",
        actor_user_id=n % 50,
        actor_login=f"user{n % 50}",
        actor_agency_id=1,
        object_kind="thread",
        object_ref=str(n),
    )


def chain_length(container: Container) -> int:
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def refuse(container: Container, recorder: Recorder) -> None:
    with container.uow() as uow:
        recorder(uow, FLOODER)
        uow.commit()


def alone(container: Container, recorder: Recorder, refusals: int) -> tuple[float, int]:
    """Seconds per refusal, and entries the chain grew by."""
    before = chain_length(container)
    began = time.perf_counter()
    for _ in range(refusals):
        refuse(container, recorder)
    seconds = (time.perf_counter() - began) / refusals
    return seconds, chain_length(container) - before


def under_flood(
    container: Container, recorder: Recorder, seconds: float, flooders: int
) -> tuple[list[float], int]:
    """Latencies (s) of ordinary audited writes while `flooders` threads send refusals,
    and how many refusals they sent."""
    stop = threading.Event()
    sent = [0] * flooders

    def flood(index: int) -> None:
        while not stop.is_set():
            refuse(container, recorder)
            sent[index] += 1

    threads = [threading.Thread(target=flood, args=(i,)) for i in range(flooders)]
    for thread in threads:
        thread.start()
    latencies = []
    deadline = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        with container.uow() as uow:
            audit.record(uow, ordinary(n))
            uow.commit()
        latencies.append(time.perf_counter() - began)
        n += 1
        time.sleep(0.005)  # a user's pace, not a second flood
    stop.set()
    for thread in threads:
        thread.join()
    return latencies, sum(sent)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refusals", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=10.0, help="of each flood run")
    parser.add_argument("--flooders", type=int, default=2, help="threads sending refusals")
    parser.add_argument(
        "--server-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    runs: dict[str, Recorder] = {
        "reference (each refusal chained)": audit.record,
        "counted (audit.refusals)": audit.record_refused,
    }
    with database(args.server_url, None, keep=False) as db:
        container = scratch_platform(db.url, db.folder)
        results = {}
        for name, recorder in runs.items():
            per_refusal, grown = alone(container, recorder, args.refusals)
            latencies, flood = under_flood(container, recorder, args.seconds, args.flooders)
            results[name] = (per_refusal, grown, latencies)
            print(
                f"{name}: {per_refusal * 1000:.2f} ms a refusal, chain +{grown:,} for "
                f"{args.refusals:,} refusals; others' writes under a flood of "
                f"{flood / args.seconds:,.0f} refusals/s: "
                f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
                f"p95 {p95(latencies) * 1000:.1f} ms ({len(latencies)} writes)"
            )
        (ref_cost, _, ref_lat), (cost, _, lat) = results.values()
        print(
            f"ratio counted/reference: {cost / ref_cost:.2f} per refusal, "
            f"{p95(lat) / p95(ref_lat):.2f} for others' p95 under a flood"
        )


if __name__ == "__main__":
    main()
