"""Writing e-mail into the outbox, in the caller's transaction.

Contract for callers: an outbox e-mail carries a reference and a marking, never content.
The exchange puts only what lets the recipient find the item after signing in (a thread
number, the handling code, the TLP marking) in the subject and body; subjects, message
texts, names and attachments never leave the platform by e-mail, because mail servers
and mailboxes are outside the platform's protection. Bodies longer than `MAX_BODY_CHARS`
are refused as a sign that content is being sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from interagency.db import utcnow
from interagency.errors import InvalidInput
from interagency.i18n import lazy

from .addresses import normalise_address
from .models import REFERENCE_LENGTH, SUBJECT_LENGTH, EmailStatus, OutboxEmail

# A notification is a few lines: a greeting, a reference, a marking and a link.
MAX_BODY_CHARS = 2000
MAX_LISTED = 1000


@dataclass(frozen=True)
class Email:
    """One e-mail for the outbox: a plain address, a one-line subject and reference, and
    a short plain-text body of references and markings (see the module's docstring)."""

    recipient: str
    subject: str
    body: str
    reference: str


def enqueue(session: Session, *, recipient: str, subject: str, body: str, reference: str) -> int:
    """Adds one e-mail to the outbox in `session`'s transaction and returns its id.

    Nothing is sent here: the row exists only if the caller's transaction commits, and
    the dispatcher sends it afterwards (at least once, retried on failure). So an e-mail
    is never sent about a change that was rolled back, and never lost for one that
    committed.

    `recipient` is one plain address (`name@domain.tld`); `subject` one line of at most
    200 characters (UTF-8, Russian is fine); `body` plain text of at most
    `MAX_BODY_CHARS` characters; `reference` one line of at most 200 characters naming
    what the e-mail is about, such as `exchange:thread:42`. Only references and markings
    belong in subject and body, never content (see the module's docstring).

    Raises InvalidInput, saying what to fix, for a malformed address, an empty or
    multi-line subject or reference, an empty body, or anything too long.
    """
    email = OutboxEmail(**_checked(Email(recipient, subject, body, reference)))
    session.add(email)
    session.flush()
    return email.id


def enqueue_all(session: Session, emails: Sequence[Email]) -> None:
    """`enqueue` of several e-mails with one insert; all are checked before any is written."""
    rows = [_checked(email) for email in emails]
    if rows:
        session.flush()
        session.connection().execute(insert(OutboxEmail), rows)


def _checked(email: Email) -> dict[str, object]:
    """The outbox row of `email`, or InvalidInput saying what to fix."""
    if not email.body.strip():
        raise InvalidInput(lazy("An e-mail needs a body."))
    if len(email.body) > MAX_BODY_CHARS:
        raise InvalidInput(
            lazy(
                "An e-mail body may have at most {limit} characters; a notification "
                "carries a reference and a marking, never content."
            ),
            limit=MAX_BODY_CHARS,
        )
    return {
        "recipient": normalise_address(email.recipient),
        "subject": _one_line(email.subject, "subject", SUBJECT_LENGTH),
        "body": email.body,
        "reference": _one_line(email.reference, "reference", REFERENCE_LENGTH),
        "status": EmailStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": utcnow(),
    }


def _one_line(value: str, field: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(lazy("The e-mail's {field} is empty."), field=field)
    # A line break in a header would let the text add headers of its own.
    if any(char in text for char in "\r\n\x00"):
        raise InvalidInput(lazy("The e-mail's {field} must be one line."), field=field)
    if len(text) > limit:
        raise InvalidInput(
            lazy("The e-mail's {field} may have at most {limit} characters."),
            field=field,
            limit=limit,
        )
    return text


@dataclass(frozen=True)
class OutboxEntryView:
    """One outbox row for operators: where it goes and how sending went, never the body."""

    id: int
    recipient: str
    reference: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def recent(
    session: Session, *, limit: int = 50, status: EmailStatus | None = None
) -> list[OutboxEntryView]:
    """The newest `limit` rows, newest first, optionally only those with `status`."""
    if not 1 <= limit <= MAX_LISTED:
        raise InvalidInput(lazy("List between 1 and {most} e-mails at a time."), most=MAX_LISTED)
    query = select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxEmail.status == status.value)
    return [
        OutboxEntryView(
            id=row.id,
            recipient=row.recipient,
            reference=row.reference,
            status=row.status,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
            created_at=row.created_at,
            sent_at=row.sent_at,
        )
        for row in session.scalars(query)
    ]
