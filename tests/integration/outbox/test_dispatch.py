"""The outbox against a real SMTP server: sent once after commit, never after rollback,
retried with back-off while the relay is down, and given up after the last attempt."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from interagency.bootstrap import bootstrap
from interagency.db import UnitOfWork, utcnow
from interagency.outbox.dispatch import dispatch_due
from interagency.outbox.mailer import OutgoingEmail
from interagency.outbox.models import OutboxEmail
from interagency.outbox.services import enqueue
from tests.integration.outbox.conftest import SENDER, SmtpSink
from tests.support.databases import settings_for

SUBJECT = "Запрос № 42: получен ответ (H2, TLP:AMBER)"
BODY = "Ответ на запрос № 42 ждёт вас в системе. Откройте его после входа.\n"


def add_email(
    session_factory: Callable[[], Session],
    recipient: str = "ivanov@fsb.demo.invalid",
    *,
    commit: bool = True,
) -> int:
    with UnitOfWork(session_factory) as uow:
        email_id = enqueue(
            uow.session,
            recipient=recipient,
            subject=SUBJECT,
            body=BODY,
            reference="exchange:thread:42",
        )
        if commit:
            uow.commit()
    return email_id


def row(session_factory: Callable[[], Session], email_id: int) -> OutboxEmail:
    with UnitOfWork(session_factory) as uow:
        found = uow.session.get(OutboxEmail, email_id)
        assert found is not None
        # Kept readable after the block ends, which rolls back and would expire it.
        uow.session.expunge(found)
        return found


def later(minutes: float) -> datetime:
    return utcnow() + timedelta(minutes=minutes)


def test_an_email_of_a_rolled_back_change_is_never_sent(
    session_factory: sessionmaker[Session], smtp_sink: SmtpSink
) -> None:
    email_id = add_email(session_factory, commit=False)

    report = dispatch_due(session_factory, smtp_sink.mailer(), now=later(60))

    assert report.handled == 0
    assert smtp_sink.received == []
    with UnitOfWork(session_factory) as uow:
        assert uow.session.get(OutboxEmail, email_id) is None


def test_a_committed_email_is_sent_once_with_its_headers(
    session_factory: sessionmaker[Session], smtp_sink: SmtpSink
) -> None:
    email_id = add_email(session_factory)
    moment = later(0.5)

    first = dispatch_due(session_factory, smtp_sink.mailer(), now=moment)
    second = dispatch_due(session_factory, smtp_sink.mailer(), now=later(600))

    assert (first.sent, first.retried, first.failed) == (1, 0, 0)
    assert second.handled == 0
    assert len(smtp_sink.received) == 1
    received = smtp_sink.received[0]
    assert received.mail_from == SENDER
    assert received.rcpt_tos == ("ivanov@fsb.demo.invalid",)
    # Headers are 7-bit on the wire: the Russian subject travels as RFC 2047 encoded words.
    head = received.raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert re.search(rb"^Subject: =\?utf-8\?", head, re.MULTILINE | re.IGNORECASE)
    message = received.message
    assert message["Subject"] == SUBJECT
    assert message["From"] == SENDER
    assert message["To"] == "ivanov@fsb.demo.invalid"
    assert message["Message-ID"].startswith(f"<outbox.{email_id}.")
    assert message["Message-ID"].endswith("@council.demo.invalid>")
    sent_date = parsedate_to_datetime(message["Date"])
    assert sent_date.tzinfo is not None
    assert abs(sent_date - datetime.now(UTC)) < timedelta(hours=1)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert message.get_content() == BODY
    stored = row(session_factory, email_id)
    assert (stored.status, stored.attempts, stored.sent_at) == ("sent", 1, moment)
    assert stored.last_error is None


def test_a_relay_that_is_down_gets_retries_with_growing_pauses_until_it_is_back(
    session_factory: sessionmaker[Session],
) -> None:
    sink = SmtpSink()  # not started: its port refuses connections
    mailer = sink.mailer()
    email_id = add_email(session_factory)
    start = later(0.5)

    first = dispatch_due(session_factory, mailer, now=start)
    after_first = row(session_factory, email_id)
    too_early = dispatch_due(session_factory, mailer, now=start + timedelta(seconds=59))
    second = dispatch_due(session_factory, mailer, now=start + timedelta(minutes=1))
    after_second = row(session_factory, email_id)
    sink.start()
    try:
        still_too_early = dispatch_due(
            session_factory, mailer, now=start + timedelta(minutes=2, seconds=59)
        )
        third = dispatch_due(session_factory, mailer, now=start + timedelta(minutes=3))
    finally:
        sink.stop()

    assert (first.retried, first.sent) == (1, 0)
    assert after_first.status == "pending"
    assert after_first.attempts == 1
    assert after_first.next_attempt_at == start + timedelta(minutes=1)
    assert after_first.last_error is not None
    assert "could not reach the relay" in after_first.last_error
    assert too_early.handled == 0
    assert second.retried == 1
    assert after_second.attempts == 2
    assert after_second.next_attempt_at == start + timedelta(minutes=1 + 2)
    assert still_too_early.handled == 0
    assert third.sent == 1
    assert len(sink.received) == 1
    assert row(session_factory, email_id).status == "sent"


def test_the_last_failed_attempt_marks_the_email_failed(
    database_url: str, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    container = bootstrap(
        settings_for(database_url, outbox_max_attempts=3),
        engine=engine,
        session_factory=session_factory,
    )
    mailer = SmtpSink().mailer()  # nothing listens
    email_id = add_email(session_factory)

    reports = [dispatch_due(container, mailer, now=later(60 * 24 * day)) for day in (1, 2, 3, 4)]

    assert [(r.retried, r.failed) for r in reports] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    stored = row(session_factory, email_id)
    assert (stored.status, stored.attempts, stored.sent_at) == ("failed", 3, None)
    assert stored.last_error is not None


def test_a_recipient_the_relay_refuses_fails_at_once(
    session_factory: sessionmaker[Session], smtp_sink: SmtpSink
) -> None:
    smtp_sink.handler.refused.add("nobody@fsb.demo.invalid")
    refused_id = add_email(session_factory, "nobody@fsb.demo.invalid")
    accepted_id = add_email(session_factory, "petrov@fsb.demo.invalid")

    report = dispatch_due(session_factory, smtp_sink.mailer(), now=later(1))

    assert (report.sent, report.retried, report.failed) == (1, 0, 1)
    refused = row(session_factory, refused_id)
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert refused.last_error is not None
    assert "550" in refused.last_error
    assert row(session_factory, accepted_id).status == "sent"
    assert [r.rcpt_tos for r in smtp_sink.received] == [("petrov@fsb.demo.invalid",)]


class StopsTheProcess:
    """A mailer during whose work the process ends (an interrupt is no ordinary failure)."""

    def send(self, email: OutgoingEmail) -> None:
        raise KeyboardInterrupt


def test_an_email_whose_dispatcher_stopped_is_sent_after_the_lease(
    session_factory: sessionmaker[Session], smtp_sink: SmtpSink
) -> None:
    email_id = add_email(session_factory)
    start = later(0.5)

    with pytest.raises(KeyboardInterrupt):
        dispatch_due(session_factory, StopsTheProcess(), now=start)
    during_lease = dispatch_due(
        session_factory, smtp_sink.mailer(), now=start + timedelta(minutes=9)
    )
    after_lease = dispatch_due(
        session_factory, smtp_sink.mailer(), now=start + timedelta(minutes=10)
    )

    assert during_lease.handled == 0
    assert after_lease.sent == 1
    assert len(smtp_sink.received) == 1
    assert row(session_factory, email_id).attempts == 2


def test_a_pass_sends_at_most_its_batch_oldest_first(
    session_factory: sessionmaker[Session], smtp_sink: SmtpSink
) -> None:
    for name in ("first", "second", "third"):
        add_email(session_factory, f"{name}@fsb.demo.invalid")

    one = dispatch_due(session_factory, smtp_sink.mailer(), now=later(1), batch=2)
    two = dispatch_due(session_factory, smtp_sink.mailer(), now=later(1), batch=2)

    assert (one.sent, two.sent) == (2, 1)
    assert [r.rcpt_tos[0] for r in smtp_sink.received] == [
        "first@fsb.demo.invalid",
        "second@fsb.demo.invalid",
        "third@fsb.demo.invalid",
    ]
