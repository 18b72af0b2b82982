"""Where a request's time goes: its SQL statements, counted and timed in-process, and the
plan of the slowest one.

The application is built as a server process builds it and called through Starlette's
test client, whole (authentication, middleware, audit and commit included); every
statement any engine of the process sends is recorded with its parameters and time.
The slowest read of a request is then explained (`EXPLAIN (ANALYZE, BUFFERS)`) with the
same parameters on a connection of its own, in a transaction rolled back.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

EXPLAINED_STATEMENTS = 1
PLAN_WIDTH = 240


@dataclass
class Statement:
    sql: str
    parameters: Any
    seconds: float


@dataclass
class Profiled:
    operation: str
    status: int
    wall_ms: float
    cpu_ms: float
    statements: list[Statement] = field(default_factory=list)
    plans: list[tuple[Statement, str]] = field(default_factory=list)

    @property
    def sql_ms(self) -> float:
        return sum(s.seconds for s in self.statements) * 1000

    def slowest(self, count: int = 3) -> list[Statement]:
        return sorted(self.statements, key=lambda s: s.seconds, reverse=True)[:count]


@dataclass(frozen=True)
class Call:
    operation: str
    method: str
    path: str
    headers: Mapping[str, str]
    payload: Any = None


@contextmanager
def recorded() -> Iterator[list[Statement]]:
    """Every statement any engine executes while the block runs."""
    found: list[Statement] = []

    def before(_conn: Any, cursor: Any, _sql: str, _params: Any, context: Any, _many: bool) -> None:
        context._benchmark_began = time.perf_counter()

    def after(_conn: Any, _cursor: Any, sql: str, params: Any, context: Any, _many: bool) -> None:
        began = getattr(context, "_benchmark_began", None)
        if began is not None:
            found.append(Statement(sql, params, time.perf_counter() - began))

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "after_cursor_execute", after)


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def profile(env: Mapping[str, str], calls: Sequence[Call]) -> list[Profiled]:
    """Each call sent twice in-process; the second is recorded (the first warms caches,
    plans and connections)."""
    from starlette.testclient import TestClient

    from interagency.web.app import app_from_environment

    found = []
    with _environment(env):
        app = app_from_environment()
        with TestClient(app, base_url="http://127.0.0.1") as client:
            for call in calls:
                _send(client, call)
                with recorded() as statements:
                    wall, cpu = time.perf_counter(), time.process_time()
                    status = _send(client, call)
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                found.append(
                    Profiled(call.operation, status, wall * 1000, cpu * 1000, list(statements))
                )
        app.state.container.engine.dispose()
    return found


def _send(client: Any, call: Call) -> int:
    response = client.request(call.method, call.path, headers=dict(call.headers), json=call.payload)
    return int(response.status_code)


def explain(database_url: str, statement: Statement) -> str:
    """The plan of one recorded statement, run again with its parameters."""
    url = make_url(database_url)
    with psycopg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password,
        dbname=url.database,
    ) as connection:  # fmt: skip
        try:
            rows = connection.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters
            ).fetchall()
        finally:
            connection.rollback()
    return "\n".join(row[0] for row in rows)


def explain_slowest(database_url: str, profiled: Profiled) -> None:
    """Adds the plans of the request's slowest reads."""
    reads = [s for s in profiled.slowest(len(profiled.statements)) if _is_read(s)]
    for statement in reads[:EXPLAINED_STATEMENTS]:
        profiled.plans.append((statement, explain(database_url, statement)))


def _is_read(statement: Statement) -> bool:
    return statement.sql.lstrip().upper().startswith(("SELECT", "WITH")) and isinstance(
        statement.parameters, Mapping | tuple | list
    )


def report(profiled: Sequence[Profiled]) -> None:
    print(
        f"  {'request':<28}{'status':>7}{'statements':>11}{'SQL ms':>9}{'wall ms':>9}{'CPU ms':>8}"
    )
    for p in profiled:
        print(
            f"  {p.operation:<28}{p.status:>7}{len(p.statements):>11}{p.sql_ms:>9.1f}"
            f"{p.wall_ms:>9.1f}{p.cpu_ms:>8.1f}"
        )
    for p in profiled:
        for statement, plan in p.plans:
            print(f"\n  the slowest read of {p.operation} ({statement.seconds * 1000:.1f} ms):")
            print("    " + " ".join(statement.sql.split())[:600])
            # Long lists of ids would fill pages: each line is cut short.
            print("\n".join(f"    {line[:PLAN_WIDTH]}" for line in plan.splitlines()))
