"""Several dispatchers at once never send one e-mail twice (each on its own connections).

These tests commit for real, so each runs in a database of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from interagency import migrations
from interagency.db import UnitOfWork, make_engine, make_session_factory, utcnow
from interagency.outbox.dispatch import DispatchReport, dispatch_due
from interagency.outbox.mailer import OutgoingEmail
from interagency.outbox.models import OutboxEmail
from interagency.outbox.services import enqueue
from tests.support.databases import FreshDatabase, fresh_postgres_database

EMAILS = 30


@dataclass
class RecordingMailer:
    sent: list[int] = field(default_factory=list)
    during_send: Callable[[OutgoingEmail], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, email: OutgoingEmail) -> None:
        if self.during_send is not None:
            hook, self.during_send = self.during_send, None
            hook(email)
        with self._lock:
            self.sent.append(email.id)


def fill(session_factory: Callable[[], Session], count: int = EMAILS) -> list[int]:
    with UnitOfWork(session_factory) as uow:
        ids = [
            enqueue(
                uow.session,
                recipient=f"officer{number}@fsb.demo.invalid",
                subject=f"Уведомление {number}",
                body="Новое сообщение ждёт вас в системе.",
                reference=f"test:{number}",
            )
            for number in range(count)
        ]
        uow.commit()
    return ids


def statuses(session_factory: Callable[[], Session]) -> set[str]:
    with UnitOfWork(session_factory) as uow:
        return set(uow.session.scalars(select(OutboxEmail.status)))


@pytest.fixture
def own_engine(fresh_database: FreshDatabase) -> Iterator[Engine]:
    with fresh_database() as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def test_a_dispatcher_never_takes_the_email_another_one_is_sending(own_engine: Engine) -> None:
    factory = make_session_factory(own_engine)
    ids = fill(factory)
    later = utcnow()
    second = RecordingMailer()
    reports: list[DispatchReport] = []
    # While the first dispatcher is inside its first send, the second one runs to its end.
    first = RecordingMailer(
        during_send=lambda _email: reports.append(dispatch_due(factory, second, now=later))
    )

    first_report = dispatch_due(factory, first, now=later)

    assert first_report.sent == 1
    assert reports[0].sent == EMAILS - 1
    assert sorted(first.sent + second.sent) == sorted(ids)
    assert first.sent[0] not in second.sent
    assert statuses(factory) == {"sent"}


def test_dispatchers_in_parallel_threads_send_each_email_once(own_engine: Engine) -> None:
    factory = make_session_factory(own_engine)
    ids = fill(factory)
    mailer = RecordingMailer()
    start = threading.Barrier(3)
    reports: list[DispatchReport] = []
    failures: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            reports.append(dispatch_due(factory, mailer, batch=EMAILS))
        except BaseException as exc:  # noqa: BLE001 - surfaced in the test thread below
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(mailer.sent) == sorted(ids)
    assert sum(report.sent for report in reports) == EMAILS
    assert statuses(factory) == {"sent"}


def test_on_postgresql_a_row_locked_by_another_claim_is_skipped_not_awaited(
    postgres_url: str,
) -> None:
    with fresh_postgres_database(postgres_url) as url:
        migrations.upgrade(url)
        # A dispatcher that waited for the lock would fail after this, instead of hanging.
        engine = make_engine(url, connect_args={"options": "-c lock_timeout=10000"})
        try:
            factory = make_session_factory(engine)
            ids = fill(factory, 3)
            mailer = RecordingMailer()
            with engine.connect() as holder:
                holder.execute(
                    text("SELECT id FROM outbox_emails WHERE id = :id FOR UPDATE"), {"id": ids[0]}
                )
                report = dispatch_due(factory, mailer, now=utcnow())
                holder.rollback()
            assert report.sent == 2
            assert sorted(mailer.sent) == sorted(ids[1:])
        finally:
            engine.dispose()
