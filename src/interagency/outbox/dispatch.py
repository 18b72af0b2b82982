"""Sending due e-mail from the outbox: claimed safely, sent at least once, retried with back-off.

Each e-mail is handled in three steps, none of which holds a lock while the mail system
is talking:

1. claim, in a short transaction: the oldest due pending row is locked (PostgreSQL:
   `FOR UPDATE SKIP LOCKED`, so parallel dispatchers pass over each other's rows; SQLite:
   every transaction holds the single write lock), its attempt is counted and its next
   attempt is pushed `CLAIM_LEASE` ahead, so no other dispatcher takes it meanwhile;
2. send, outside any transaction;
3. record the outcome, in a short transaction: sent; or failed for good; or pending
   again with the next attempt after an exponential back-off.

A dispatcher that stops between steps 1 and 3 leaves the row pending: it is claimed
again once the lease has run out. So an e-mail is never lost, and may be sent twice if
the stop came after the mail system accepted it (delivery is at least once; the repeated
Message-ID marks the copy).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interagency.config import Settings
from interagency.db import UnitOfWork, utcnow

from .mailer import Mailer, MailerError, OutgoingEmail
from .models import ERROR_LENGTH, EmailStatus, OutboxEmail

logger = logging.getLogger(__name__)

# Longer than one e-mail can take with every SMTP operation at its timeout, so a row is
# only claimed again when its dispatcher has certainly stopped.
CLAIM_LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
DEFAULT_MAX_ATTEMPTS = 8
INTERRUPTED = "the dispatcher stopped while sending; the e-mail may have been delivered"


@runtime_checkable
class OutboxContext(Protocol):
    """What dispatching needs from the application: `bootstrap.Container` provides it."""

    @property
    def settings(self) -> Settings: ...

    @property
    def session_factory(self) -> sessionmaker[Session]: ...


@dataclass(frozen=True)
class DispatchReport:
    """What one dispatch pass did: e-mail sent, put back for a retry, and given up."""

    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def retry_delay(attempts: int) -> timedelta:
    """The pause after the `attempts`-th failed attempt: 1 minute, doubling, at most an hour."""
    if attempts < 1:
        raise ValueError("attempts counts from 1")
    # Capping the exponent first keeps the multiplication small for any attempt count.
    return min(FIRST_RETRY * (1 << min(attempts - 1, 16)), LONGEST_RETRY)


def dispatch_due(
    source: OutboxContext | Callable[[], Session],
    mailer: Mailer,
    *,
    now: datetime | None = None,
    batch: int = 50,
    max_attempts: int | None = None,
    stop: threading.Event | None = None,
) -> DispatchReport:
    """Sends up to `batch` e-mail whose next attempt is due at `now` (default: the clock).

    `source` is the application's container (its settings give `outbox_max_attempts`) or
    a bare session factory (then `max_attempts`, default 8). Safe to run in several
    processes at once. Returns the counts; failures are recorded on the rows (see
    `outbox list`), never raised. Setting `stop` ends the pass after the e-mail in hand.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if isinstance(source, OutboxContext):
        session_factory: Callable[[], Session] = source.session_factory
        limit = max_attempts or source.settings.outbox_max_attempts
    else:
        session_factory = source
        limit = max_attempts or DEFAULT_MAX_ATTEMPTS
    clock: Callable[[], datetime] = utcnow if now is None else (lambda: now)
    sent = retried = failed = 0
    for _ in range(batch):
        if stop is not None and stop.is_set():
            break
        email = _claim(session_factory, clock(), limit)
        if email is None:
            break
        try:
            mailer.send(email)
        except Exception as exc:  # noqa: BLE001 - any failure of a mailer is recorded on the row
            permanent = isinstance(exc, MailerError) and exc.permanent
            error = str(exc) if isinstance(exc, MailerError) else f"{type(exc).__name__}: {exc}"
            if _record_failure(session_factory, email.id, error, clock(), limit, permanent):
                failed += 1
            else:
                retried += 1
            logger.warning("outbox e-mail %s not sent: %s", email.id, error)
        else:
            _record_sent(session_factory, email.id, clock())
            sent += 1
    return DispatchReport(sent=sent, retried=retried, failed=failed)


def _claim(
    session_factory: Callable[[], Session], now: datetime, max_attempts: int
) -> OutgoingEmail | None:
    with UnitOfWork(session_factory) as uow:
        while True:
            row = uow.session.scalars(
                select(OutboxEmail)
                .where(
                    OutboxEmail.status == EmailStatus.PENDING.value,
                    OutboxEmail.next_attempt_at <= now,
                )
                .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            if row.attempts < max_attempts:
                break
            # Claimed as often as allowed and never recorded: every dispatcher that took it
            # stopped while sending. Trying again could stop the next one too.
            row.status = EmailStatus.FAILED.value
            row.last_error = INTERRUPTED
            uow.session.flush()
        row.attempts += 1
        row.next_attempt_at = now + CLAIM_LEASE
        email = OutgoingEmail(
            id=row.id,
            recipient=row.recipient,
            subject=row.subject,
            body=row.body,
            reference=row.reference,
            created_at=row.created_at,
        )
        uow.commit()
    return email


def _record_sent(session_factory: Callable[[], Session], email_id: int, now: datetime) -> None:
    with UnitOfWork(session_factory) as uow:
        row = uow.session.get(OutboxEmail, email_id, with_for_update=True)
        if row is None:
            return
        row.status = EmailStatus.SENT.value
        row.sent_at = now
        row.last_error = None
        uow.commit()


def _record_failure(
    session_factory: Callable[[], Session],
    email_id: int,
    error: str,
    now: datetime,
    max_attempts: int,
    permanent: bool,
) -> bool:
    """Puts the row back for a retry, or marks it failed; True when it failed for good."""
    with UnitOfWork(session_factory) as uow:
        row = uow.session.get(OutboxEmail, email_id, with_for_update=True)
        if row is None:
            return False
        row.last_error = error[:ERROR_LENGTH]
        gave_up = permanent or row.attempts >= max_attempts
        if gave_up:
            row.status = EmailStatus.FAILED.value
        else:
            row.next_attempt_at = now + retry_delay(row.attempts)
        uow.commit()
    return gave_up
