"""Typed models of the audit trail: the hash-chained entries, their personal data kept aside,
and the signed chain heads (checkpoints).

Rows of `audit_entries` and `audit_checkpoints` are never updated or deleted: the migration
adds triggers that refuse it, and on PostgreSQL revokes those rights from the application
role. Only `audit_personal.data_sealed` may be cleared, which is how personal data is
erased without breaking the chain (the entry chains a salted digest, not the data).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from interagency.db import Base

HASH_LENGTH = 64  # hex SHA-256


class AuditEntry(Base):
    """One event in the chain; `entry_hash` covers every other column and `prev_hash`."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        CheckConstraint("seq >= 1", name="seq_positive"),
        CheckConstraint("outcome IN ('ok', 'denied', 'failed')", name="outcome_known"),
        Index(None, "object_kind", "object_ref"),
        {"comment": "Append-only, hash-chained audit trail; see interagency.audit.chain"},
    )

    # Sequence numbers are given by the appender under a lock (head + 1), never by the
    # database, so a gap always means a removed entry.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(100), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    # A snapshot: users can be renamed or removed, the trail must still say who it was.
    actor_login: Mapped[str | None] = mapped_column(String(200), index=True)
    actor_agency_id: Mapped[int | None] = mapped_column(Integer, index=True)
    object_kind: Mapped[str | None] = mapped_column(String(64))
    object_ref: Mapped[str | None] = mapped_column(String(200))
    client_address: Mapped[str | None] = mapped_column(String(64))
    # Canonical JSON text, hashed byte for byte; never personal data (see AuditPersonal).
    detail: Mapped[str] = mapped_column(Text)
    personal_digest: Mapped[str | None] = mapped_column(
        String(HASH_LENGTH), comment="salted SHA-256 of the personal data kept in audit_personal"
    )
    prev_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    entry_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))


class AuditPersonal(Base):
    """Personal data of one entry, sealed (`audit.personal`); erasure clears it and keeps
    salt and digest checkable."""

    __tablename__ = "audit_personal"

    seq: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("audit_entries.seq"), primary_key=True, autoincrement=False
    )
    # Random per entry, so that the digest of a short value (a name, a date) cannot be
    # found by trying every likely value.
    salt: Mapped[str] = mapped_column(String(32))
    data_sealed: Mapped[bytes | None] = mapped_column(
        LargeBinary, comment="personal data (canonical JSON), sealed; NULL once erased"
    )
    # The agency whose data key seals it: the acting user's, or the secretariat's.
    sealed_under_agency_id: Mapped[int] = mapped_column(Integer)
    erased_at: Mapped[datetime | None]
    erasure_reason: Mapped[str | None] = mapped_column(String(500))


class AuditCheckpoint(Base):
    """A chain head signed with the audit key; the same line goes to the witness file."""

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    signed_at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))


class RefusalTally(Base):
    """The refusals of one source (a user, or an address without one) in its current
    minute after the first. The first goes to the chain at once; the others only raise
    `repeated`, which is appended as one entry once the minute is over (`audit.refusals`).
    So a flood of refusals costs a row update each, never a chained entry each."""

    __tablename__ = "refusal_tallies"

    source_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    minute: Mapped[datetime] = mapped_column(index=True)
    repeated: Mapped[int] = mapped_column(Integer)
    # Who the appended entry names: the same snapshot an entry keeps, and kept only until
    # the count is appended.
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_login: Mapped[str | None] = mapped_column(String(200))
    actor_agency_id: Mapped[int | None] = mapped_column(Integer)
    client_address: Mapped[str | None] = mapped_column(String(64))
