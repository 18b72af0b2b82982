"""Tables of outbox: e-mail written in the business transaction and sent afterwards."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from interagency.db import Base, created_at, intpk

# RFC 5321 limits a forward path to 256 octets, so an address is at most 254 characters.
ADDRESS_LENGTH = 254
SUBJECT_LENGTH = 200
REFERENCE_LENGTH = 200
ERROR_LENGTH = 500


class EmailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxEmail(Base):
    """One e-mail to one recipient: pending until sent, or failed after the last attempt."""

    __tablename__ = "outbox_emails"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_iff_sent_at"),
        # The dispatcher's query: pending rows whose next attempt is due, oldest first.
        Index(None, "status", "next_attempt_at"),
        {"comment": "Transactional outbox of e-mail notifications; no message content"},
    )

    id: Mapped[intpk]
    recipient: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), comment="e-mail address")
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    # What the e-mail is about (e.g. "exchange:thread:42"), for operators and for `list`.
    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), index=True)
    status: Mapped[str] = mapped_column(String(16), default=EmailStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))
    created_at: Mapped[created_at]
    sent_at: Mapped[datetime | None]
