"""One request, one transaction: authentication and the route's work share it, and no round
trip is spent checking the connection (PostgreSQL, counted with SQLAlchemy's events).

What authentication writes (the end of an expired session, the touch of a live one) is
saved even when the page commits nothing or the request is refused; and no connection is
held while a request's body is still coming in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select, update
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interagency import migrations
from interagency.bootstrap import Container, bootstrap
from interagency.identity import sessions
from interagency.identity.models import ApiToken, AuthSession
from interagency.web.app import create_app
from tests.support.databases import fresh_postgres_database, settings_for
from tests.support.identity import Council, api_token, build_council, csrf_token, sign_in


@dataclass
class Live:
    """The application on a database of its own, with a pool of real connections."""

    container: Container
    council: Council

    @property
    def engine(self) -> Engine:
        return self.container.engine


@pytest.fixture(scope="module")
def live(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("live")
    with fresh_postgres_database(postgres_url) as url:
        migrations.upgrade(url)
        settings = settings_for(
            url, key_dir=folder / "keys", audit_witness_file=folder / "witness.jsonl"
        )
        container = bootstrap(settings)
        try:
            with container.uow() as uow:
                council = build_council(uow, container)
                uow.commit()
            yield Live(container, council)
        finally:
            container.engine.dispose()


class Traffic:
    """What one engine sends: statements, transactions begun and ended, checkouts, pings."""

    def __init__(self, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: Counter[str] = Counter()
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._statement)
        for name in ("begin", "commit", "rollback"):
            event.listen(engine, name, self._counter(name))
        event.listen(engine.pool, "checkout", self._counter("checkout"))
        real_ping = engine.dialect.do_ping

        def ping(dbapi_connection: Any) -> bool:
            self.counts["ping"] += 1
            return real_ping(dbapi_connection)

        # A ping runs on a cursor of its own, out of sight of the statement events.
        monkeypatch.setattr(engine.dialect, "do_ping", ping)

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(" ".join(statement.split()).lower())

    def _counter(self, name: str) -> Any:
        def count(*_args: Any) -> None:
            self.counts[name] += 1

        return count

    def clear(self) -> None:
        self.counts.clear()
        self.statements.clear()

    def select_ones(self) -> list[str]:
        return [s for s in self.statements if s.startswith("select 1")]


@pytest.fixture
def traffic(live: Live, monkeypatch: pytest.MonkeyPatch) -> Iterator[Traffic]:
    watched = Traffic(live.engine, monkeypatch)
    yield watched
    event.remove(live.engine, "before_cursor_execute", watched._statement)


# Seen a moment from now: no touch (due once a minute) falls within the test, however
# slow the machine, so the request writes only what it writes itself.
def not_due() -> datetime:
    return datetime.now(UTC) + timedelta(minutes=5)


def session_of(client: TestClient) -> Any:
    return AuthSession.id_hash == sessions.digest(client.cookies["session"])


def signed_in_as(live: Live, login: str) -> TestClient:
    client = TestClient(create_app(live.container))
    answer = sign_in(client, live.council, login)
    assert answer.status_code == 303, answer.text
    return client


def test_an_api_request_is_one_transaction_with_no_ping(live: Live, traffic: Traffic) -> None:
    token = api_token(live.container, live.council, "ru_liaison")
    with live.engine.begin() as connection:
        connection.execute(
            update(ApiToken).where(ApiToken.user_id == live.council.users["ru_liaison"]),
            {"last_used_at": not_due()},
        )
    bearer = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(live.container)) as client:
        assert client.get("/api/v1/exchange/threads", headers=bearer).status_code == 200
        traffic.clear()
        assert client.get("/api/v1/exchange/threads", headers=bearer).status_code == 200
        counts = dict(traffic.counts)  # before the app's shutdown signs the audit's head
    assert counts.get("checkout") == 1
    assert counts.get("begin") == counts.get("commit") == 1
    assert "rollback" not in counts
    assert "ping" not in counts
    assert traffic.select_ones() == []
    # Authentication (the token's user) and the route's work, in that one transaction.
    assert any("from users" in s for s in traffic.statements)
    assert any("insert into audit_entries" in s for s in traffic.statements)


def test_a_page_is_one_transaction_with_no_ping(live: Live, traffic: Traffic) -> None:
    client = signed_in_as(live, "ru_analyst")
    with client, live.engine.begin() as connection:
        connection.execute(
            update(AuthSession).where(session_of(client)), {"last_seen_at": not_due()}
        )
    with client:
        traffic.clear()
        assert client.get("/exchange").status_code == 200  # a page that commits
        assert traffic.counts["checkout"] == traffic.counts["begin"] == 1
        assert traffic.counts["commit"] == 1
        assert traffic.counts["rollback"] == 0
        assert any("from auth_sessions" in s for s in traffic.statements)
        traffic.clear()
        assert client.get("/").status_code == 200  # a page that commits nothing
        assert traffic.counts["checkout"] == traffic.counts["begin"] == 1
        assert traffic.counts["rollback"] == 1
        assert traffic.counts["commit"] == 0
    assert traffic.counts["ping"] == 0
    assert traffic.select_ones() == []


def test_a_page_that_commits_nothing_still_saves_the_sessions_touch(live: Live) -> None:
    client = signed_in_as(live, "kz_liaison")
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    with live.engine.begin() as connection:
        connection.execute(
            update(AuthSession).where(session_of(client)), {"last_seen_at": long_ago}
        )
    with client:
        assert client.get("/").status_code == 200
    with live.engine.connect() as connection:
        seen = connection.scalar(select(AuthSession.last_seen_at).where(session_of(client)))
    assert seen is not None
    assert seen > long_ago + timedelta(minutes=5)


def test_an_expired_session_is_ended_by_the_request_it_turns_away(live: Live) -> None:
    client = signed_in_as(live, "ru_dpo")
    expired = datetime.now(UTC) - timedelta(seconds=1)
    with live.engine.begin() as connection:
        connection.execute(update(AuthSession).where(session_of(client)), {"expires_at": expired})
    with client:
        answer = client.get("/exchange", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")
    with live.engine.connect() as connection:
        reason = connection.scalar(select(AuthSession.ended_reason).where(session_of(client)))
    assert reason == "expired"


def holding_watch(app: ASGIApp, engine: Engine, held: list[int]) -> ASGIApp:
    """The app, noting how many connections are out of the pool as each part of a
    request's body is read."""

    async def watched(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def noting() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                held.append(engine.pool.checkedout())  # type: ignore[attr-defined]
            return message

        await app(scope, noting, send)

    return watched


def test_no_connection_is_held_while_a_body_comes_in(live: Live, tmp_path: Path) -> None:
    signed = signed_in_as(live, "ru_supervisor")
    held: list[int] = []
    app = holding_watch(create_app(live.container), live.engine, held)
    with TestClient(app, cookies=signed.cookies) as client:
        token = csrf_token(client.get("/account").text)
        held.clear()
        # A form the route does not declare: the CSRF check reads it after authentication.
        answer = client.post(
            "/notifications/read", data={"csrf_token": token}, follow_redirects=False
        )
    assert answer.status_code == 303
    assert held
    assert set(held) == {0}
