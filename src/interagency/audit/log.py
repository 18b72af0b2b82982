"""Appending to the chain: `record` in the caller's transaction, `record_refusal` even when
that transaction is rolled back.

Appends are serialised, so that two writers can never both extend the same head and fork
the chain: on PostgreSQL by a transaction-level advisory lock held until commit or
rollback, on SQLite by the write lock every transaction takes at BEGIN IMMEDIATE. The
primary key on `seq` is the last guard: a second entry with the same number is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from interagency.audit import chain, personal
from interagency.audit.events import AuditEvent
from interagency.audit.models import AuditEntry, AuditPersonal
from interagency.db import UnitOfWork, lock_for_transaction, utcnow

# Any fixed number: it names the audit trail's lock among PostgreSQL advisory locks.
APPEND_LOCK_KEY = 0x6175646974  # "audit"

# Set by `attach_signer`: the session factory's sessions carry the signer in `Session.info`.
SIGNER_INFO_KEY = "interagency.audit.signer"
_SIGN_PENDING_KEY = "interagency.audit.sign_pending"
# Events recorded in a unit of work and appended when it commits.
_PENDING_KEY = "interagency.audit.pending"


# Built once: every request appends, and building a statement costs more than running it.
_INSERT_ENTRY = insert(AuditEntry)
_INSERT_PERSONAL = insert(AuditPersonal)
_HEAD = select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)


def lock_chain(session: Session) -> None:
    """Takes the append lock until the end of the session's transaction."""
    lock_for_transaction(session, APPEND_LOCK_KEY)


def chain_head(session: Session) -> tuple[int, str] | None:
    """The newest entry's sequence number and hash, or None for an empty chain."""
    row = session.connection().execute(_HEAD).first()
    return None if row is None else (row[0], row[1])


def append(session: Session, event: AuditEvent, *, at: datetime | None = None) -> int:
    """Adds `event` after the current head in the session's transaction; returns its seq."""
    return append_all(session, [event], at=at)[-1]


def append_all(
    session: Session, events: Sequence[AuditEvent], *, at: datetime | None = None
) -> list[int]:
    """Adds `events`, in order, after the current head in the session's transaction, under
    one lock and one read of the head; returns their seqs.

    The rows are written with plain inserts rather than through the ORM's unit of work:
    every request appends, and the ORM's bookkeeping cost more than the append itself.
    """
    lock_chain(session)
    head = chain_head(session)
    seq, prev_hash = (0, chain.GENESIS_HASH) if head is None else head
    moment = at or utcnow()
    entries: list[dict[str, object]] = []
    personal_rows: list[dict[str, object]] = []
    seqs: list[int] = []
    for event in events:
        seq += 1
        detail_json = chain.canonical_json(dict(event.detail)).decode()
        digest: str | None = None
        if event.personal is not None:
            salt = secrets.token_hex(chain.SALT_BYTES)
            personal_json = chain.canonical_json(dict(event.personal)).decode()
            digest = chain.personal_digest(salt, personal_json)
            personal_rows.append(personal.row(session, seq, salt, event, personal_json, moment))
        canonical = chain.entry_bytes(
            seq=seq,
            at=chain.canonical_time(moment),
            action=event.action,
            outcome=event.outcome,
            actor_user_id=event.actor_user_id,
            actor_login=event.actor_login,
            actor_agency_id=event.actor_agency_id,
            object_kind=event.object_kind,
            object_ref=event.object_ref,
            client_address=event.client_address,
            detail_json=detail_json,
            personal_digest=digest,
            prev_hash=prev_hash,
        )
        entry_hash = hashlib.sha256(canonical).hexdigest()
        entries.append(
            {
                "seq": seq,
                "at": moment,
                "action": event.action,
                "outcome": event.outcome,
                "actor_user_id": event.actor_user_id,
                "actor_login": event.actor_login,
                "actor_agency_id": event.actor_agency_id,
                "object_kind": event.object_kind,
                "object_ref": event.object_ref,
                "client_address": event.client_address,
                "detail": detail_json,
                "personal_digest": digest,
                "prev_hash": prev_hash,
                "entry_hash": entry_hash,
            }
        )
        seqs.append(seq)
        prev_hash = entry_hash
    # Entries before their personal rows (foreign key); flushed ORM work stays first.
    session.flush()
    connection = session.connection()
    connection.execute(_INSERT_ENTRY, entries)
    if personal_rows:
        connection.execute(_INSERT_PERSONAL, personal_rows)
    return seqs


def record(uow: UnitOfWork, event: AuditEvent) -> None:
    """Records `event` in the caller's transaction, atomic with the change it describes.

    The entry is appended when the unit of work commits, just before the commit itself:
    appending takes the audit trail's lock, which is held until the commit, and holding
    it only for the append and the commit lets concurrent requests do their own work in
    parallel. A transaction that is rolled back records nothing. If a signer is attached
    and an entry completes a batch of `audit_sign_every`, the head is signed once the
    transaction has committed (never a head that may still be rolled back).
    """
    pending: list[AuditEvent] | None = uow.session.info.get(_PENDING_KEY)
    if pending is None:
        pending = uow.session.info[_PENDING_KEY] = []
        uow.before_commit(lambda: _append_pending(uow))
    pending.append(event)


def _append_pending(uow: UnitOfWork) -> None:
    events = uow.session.info.pop(_PENDING_KEY, [])
    if events:
        seqs = append_all(uow.session, events)
        _sign_after_commit_if_due(uow, seqs[0], seqs[-1])


def record_refusal(uow: UnitOfWork, event: AuditEvent) -> None:
    """Records a failure (a malware verdict) whether or not the caller's transaction
    commits. Refusals of access take the other way: they are raised (`audit.refusals`).

    The entry is appended in the current transaction (inside a savepoint, so a failing
    append cannot spoil the caller's work); if that transaction is rolled back instead,
    the entry is appended again in a transaction of its own after the rollback.
    """
    try:
        with uow.session.begin_nested():
            # What the transaction recorded before the refusal goes first, in order.
            _append_pending(uow)
            seq: int | None = append(uow.session, event)
    except SQLAlchemyError:
        # The transaction is already failed (e.g. after a constraint violation): the
        # append after the rollback below is the one that counts.
        seq = None
    if seq is not None:
        _sign_after_commit_if_due(uow, seq, seq)

    def append_after_rollback() -> None:
        with uow.new() as fresh:
            record(fresh, event)
            fresh.commit()

    uow.after_rollback(append_after_rollback)


def _sign_after_commit_if_due(uow: UnitOfWork, first: int, last: int) -> None:
    """Signs the head after the commit when entries `first` to `last` complete a batch."""
    session = uow.session
    signer = session.info.get(SIGNER_INFO_KEY)
    if signer is None or session.info.get(_SIGN_PENDING_KEY):
        return
    if last // signer.sign_every > (first - 1) // signer.sign_every:
        session.info[_SIGN_PENDING_KEY] = True
        uow.after_commit(signer.sign_head)
