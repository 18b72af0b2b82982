"""Benchmark: what the export gate adds to a bulk read, and whether it grows with history.

An API page of the inbox (`GET /api/v1/exchange/threads`) passes the gate: one `Item` per
thread, the daily count, the subscription lookup, an `exports` row and an audit entry.
The reference is the same page read without the gate (`queries.inbox`, which the route
calls first), in the same process, on the same database, alternating call by call. Each
call runs in its own unit of work on one pinned connection, so the CPU of the server
process (this one) and of its PostgreSQL backend are read apart, from `/proc`.

It measures twice: after seeding, and again once the gate has recorded `--history`
earlier exports, so that a cost which grows with the number of exports shows.

    .venv/bin/python benchmarks/export_gate.py --threads 2000 --calls 300
    .venv/bin/python benchmarks/export_gate.py --server-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, insert, select, text

import exchange_seed
from exchange_load import database, issue_tokens, scratch_platform
from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.egress.models import Export
from interagency.exchange import exporting, queries
from interagency.exchange.queries import InboxFilter
from interagency.exchange.web_context import exchange_context
from interagency.identity.models import User
from interagency.identity.principals import Caller, principal_of

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    """User plus system CPU seconds of one process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(
    container: Container, backend: int, calls: int, read: Callable[[UnitOfWork], object]
) -> dict[str, float]:
    wall: list[float] = []
    app_cpu = db_cpu = 0.0
    for _ in range(calls):
        db_before, app_before, began = cpu_of(backend), time.process_time(), time.perf_counter()
        with container.uow() as uow:
            read(uow)
            uow.commit()
        wall.append(time.perf_counter() - began)
        app_cpu += time.process_time() - app_before
        db_cpu += cpu_of(backend) - db_before
    wall.sort()
    return {
        "median_ms": statistics.median(wall) * 1000,
        "p95_ms": wall[int(len(wall) * 0.95) - 1] * 1000,
        "app_cpu_ms": app_cpu / calls * 1000,
        "db_cpu_ms": db_cpu / calls * 1000,
    }


def compare(container: Container, backend: int, caller: Caller, calls: int) -> dict[str, object]:
    ctx = exchange_context(container)
    filters = InboxFilter(page=1, per_page=25)
    reference = lambda uow: queries.inbox(uow, caller, ctx, filters)  # noqa: E731
    gated = lambda uow: exporting.read_threads(uow, caller, ctx, filters)  # noqa: E731
    # Alternate in rounds of ten so both see the same state of the machine.
    plain: list[dict[str, float]] = []
    through: list[dict[str, float]] = []
    for _ in range(calls // 10):
        plain.append(measure(container, backend, 10, reference))
        through.append(measure(container, backend, 10, gated))
    merged = {name: {key: statistics.mean(r[key] for r in runs) for key in runs[0]}
              for name, runs in (("inbox", plain), ("inbox_through_gate", through))}  # fmt: skip
    a, b = merged["inbox"], merged["inbox_through_gate"]
    ratio = (b["app_cpu_ms"] + b["db_cpu_ms"]) / (a["app_cpu_ms"] + a["db_cpu_ms"])
    return {**merged, "cpu_ratio": ratio}


def add_history(container: Container, reader_id: int, agency_id: int, count: int) -> None:
    """`count` earlier exports, as the gate would have recorded them."""
    rows = [
        {"door": "exchange:thread-list", "format": "json", "reader_user_id": reader_id,
         "reader_agency_id": agency_id, "destination": "reader",
         "items": [{"kind": "thread", "ref": f"t{n}-{i}"} for i in range(25)],
         "public_id": f"bench{n:021d}"}
        for n in range(count)
    ]  # fmt: skip
    with container.uow() as uow:
        for start in range(0, count, 5000):
            uow.session.execute(insert(Export), rows[start : start + 5000])
        uow.commit()


def analyse(container: Container) -> None:
    """Fresh statistics for the planner, as autovacuum would gather them."""
    with container.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def report(title: str, figures: dict[str, object]) -> None:
    print(f"\n{title}")
    for name in ("inbox", "inbox_through_gate"):
        f = figures[name]
        assert isinstance(f, dict)
        times = f"median {f['median_ms']:6.2f} ms  p95 {f['p95_ms']:6.2f} ms"
        cpu = f"CPU app {f['app_cpu_ms']:5.2f} ms + PostgreSQL {f['db_cpu_ms']:5.2f} ms"
        print(f"  {name:20} {times}  {cpu}")
    print(f"  CPU ratio (through the gate / reference): {figures['cpu_ratio']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--history", type=int, default=200_000)
    parser.add_argument(
        "--server-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server where the run may create and drop a database",
    )
    args = parser.parse_args()
    # One token reads thousands of pages: the daily limit is lifted, as a subscription would.
    os.environ["INTERAGENCY_BULK_READ_DAILY_LIMIT"] = str(10**9)
    from interagency.demo import load_demo

    with database(args.server_url, None, keep=False) as db:
        # One connection for the whole run, so one PostgreSQL backend does all the work.
        container = scratch_platform(db.url, db.folder, most_connections=1)
        load_demo(container)
        fixture = issue_tokens(container)
        exchange_seed.seed_threads(container, args.threads, random.Random(20261206))
        login = next(iter(fixture.tokens))
        with container.uow() as uow:
            user = uow.session.scalar(select(User).where(User.login == login))
            assert user is not None
            caller = Caller(principal_of(user))
            agency_id = user.agency_id
        analyse(container)
        with container.engine.connect() as probe:
            backend = int(probe.execute(text("SELECT pg_backend_pid()")).scalar_one())
        print(f"seeded {args.threads:,} threads; reader {login}; backend {backend}")
        first = compare(container, backend, caller, args.calls)
        report("after seeding", first)
        add_history(container, caller.principal.user_id if caller.principal else 0, agency_id,
                    args.history)  # fmt: skip
        with container.uow() as uow:
            exports = uow.session.scalar(select(func.count()).select_from(Export))
        analyse(container)
        second = compare(container, backend, caller, args.calls)
        report(f"with {exports:,} exports recorded", second)


if __name__ == "__main__":
    main()
