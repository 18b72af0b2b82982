"""Appending to the chain: `record` in the caller's transaction, `record_refusal` even when
that transaction is rolled back.

Appends are serialised, so that two writers can never both extend the same head and fork
the chain: on PostgreSQL by a transaction-level advisory lock held until commit or
rollback, on SQLite by the write lock every transaction takes at BEGIN IMMEDIATE. The
primary key on `seq` is the last guard: a second entry with the same number is refused.

Every request appends, and the lock is held from the append to the commit, so the append
sends the server as little as the chain allows, and nothing it can do before taking the
lock is left until after: on PostgreSQL one round trip takes the lock and reads the head,
and one more writes each entry together with its personal values.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, cast, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from interagency.audit import chain, personal
from interagency.audit.events import AuditEvent
from interagency.audit.models import AuditEntry, AuditPersonal
from interagency.db import UnitOfWork, utcnow

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
# An entry and its personal values, if it has any, in one statement (PostgreSQL), run
# once for each entry of an append (psycopg sends them all before it waits for an
# answer). The foreign key is checked at the end of the statement, once both rows are in.
_PERSONAL_VALUES = {
    column.name: cast(bindparam(column.name), column.type)
    for column in AuditPersonal.__table__.columns
}
_NO_PERSONAL_VALUES = dict.fromkeys(_PERSONAL_VALUES)
_INSERT_ENTRY_AND_PERSONAL = (
    insert(AuditPersonal)
    .from_select(
        list(_PERSONAL_VALUES),
        select(*_PERSONAL_VALUES.values()).where(_PERSONAL_VALUES["salt"].is_not(None)),
    )
    .add_cte(
        insert(AuditEntry)
        .values({column.name: bindparam(column.name) for column in AuditEntry.__table__.columns})
        .cte("entry")
    )
)
# Two statements in one message: PostgreSQL gives each statement of a simple query a
# snapshot of its own, so the second reads the head as it is once the lock is held (in
# one statement it would read the head as it was before the wait, and fork the chain).
# No parameters in it: only a query without them goes as a simple query.
_LOCK_THEN_HEAD = (
    f"SELECT pg_advisory_xact_lock({APPEND_LOCK_KEY:d});"  # noqa: S608 (a constant number)
    " SELECT seq, entry_hash FROM audit_entries ORDER BY seq DESC LIMIT 1"
)


def locked_head(session: Session) -> tuple[int, str] | None:
    """Takes the append lock until the end of the session's transaction and returns the
    newest entry's sequence number and hash then, or None for an empty chain."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        # SQLite: the transaction holds the write lock since BEGIN IMMEDIATE.
        row = connection.execute(_HEAD).first()
        return None if row is None else (row[0], row[1])
    result = connection.exec_driver_sql(_LOCK_THEN_HEAD)
    try:
        cursor = result.cursor
        cursor.nextset()  # past the lock's empty answer
        head = cursor.fetchone()
    finally:
        result.close()
    return None if head is None else (head[0], head[1])


@dataclass(frozen=True)
class _Prepared:
    """What an entry is before it has a place in the chain."""

    event: AuditEvent
    detail_json: str
    personal: personal.Pending | None


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
    prepared = [_prepared(session, event) for event in events]
    # Pending ORM work goes first, before the lock: the entries may name rows it adds.
    session.flush()
    head = locked_head(session)
    seq, prev_hash = (0, chain.GENESIS_HASH) if head is None else head
    moment = at or utcnow()
    entries: list[dict[str, object]] = []
    personal_rows: list[dict[str, object]] = []
    seqs: list[int] = []
    for item in prepared:
        seq += 1
        event = item.event
        digest = None if item.personal is None else item.personal.digest
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
            detail_json=item.detail_json,
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
                "detail": item.detail_json,
                "personal_digest": digest,
                "prev_hash": prev_hash,
                "entry_hash": entry_hash,
            }
        )
        if item.personal is not None:
            personal_rows.append(personal.row(session, seq, item.personal, moment))
        seqs.append(seq)
        prev_hash = entry_hash
    _insert(session, entries, personal_rows)
    return seqs


def _prepared(session: Session, event: AuditEvent) -> _Prepared:
    detail_json = chain.canonical_json(dict(event.detail)).decode()
    if event.personal is None:
        return _Prepared(event, detail_json, None)
    personal_json = chain.canonical_json(dict(event.personal)).decode()
    salt = secrets.token_hex(chain.SALT_BYTES)
    return _Prepared(event, detail_json, personal.prepare(session, event, personal_json, salt))


def _insert(
    session: Session, entries: list[dict[str, object]], personal_rows: list[dict[str, object]]
) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        by_seq = {row["seq"]: row for row in personal_rows}
        rows = [
            {**_NO_PERSONAL_VALUES, **entry, **by_seq.get(entry["seq"], {})} for entry in entries
        ]
        connection.execute(_INSERT_ENTRY_AND_PERSONAL, rows)
        return
    # Entries before their personal rows (foreign key).
    connection.execute(_INSERT_ENTRY, entries)
    if personal_rows:
        connection.execute(_INSERT_PERSONAL, personal_rows)


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
