"""A connection taken from the pool is checked without a round trip, and a dead one is
replaced before anything is sent on it (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, func, select, text

from interagency.db import make_engine


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture
def statements(engine: Engine) -> list[str]:
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    return sent


@pytest.fixture
def pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    # A ping runs on a cursor of its own, out of sight of the statement events.
    made: list[object] = []
    real = engine.dialect.do_ping

    def ping(dbapi_connection: Any) -> bool:
        made.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    return made


BACKEND = select(func.pg_backend_pid())


def backend_of(engine: Engine) -> int:
    with engine.connect() as connection:
        pid = connection.scalar(BACKEND)
    assert isinstance(pid, int)
    return pid


def test_a_pooled_connection_is_taken_without_a_round_trip(
    engine: Engine, statements: list[str], pings: list[object]
) -> None:
    first = backend_of(engine)
    statements.clear()
    assert backend_of(engine) == first  # the same connection, from the pool
    assert len(statements) == 1  # only the query itself
    assert "select 1" not in statements[0].lower()
    assert pings == []


def test_a_connection_whose_server_ended_it_is_replaced_before_use(
    engine: Engine, postgres_url: str, statements: list[str]
) -> None:
    killed = backend_of(engine)  # now idle in the pool
    admin = create_engine(postgres_url)
    try:
        with admin.connect() as connection:
            # Waits (up to five seconds) until the server process has ended.
            ended = connection.scalar(
                text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": killed}
            )
        assert ended is True
    finally:
        admin.dispose()
    statements.clear()
    with engine.connect() as connection:
        replacement = connection.scalar(BACKEND)
        assert connection.scalar(text("SELECT 41 + 1")) == 42
    assert replacement != killed
    # Nothing was sent on the dead connection, so nothing could have been sent twice.
    assert len(statements) == 2
