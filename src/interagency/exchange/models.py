"""Tables of the secure exchange.

Subjects, bodies and H3 restrictions are content: they are stored sealed under the
originating agency's data key (see `interagency.vault`) and searched through blind-index
terms, never as plaintext. Everything else here is metadata that auditors may see.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from interagency.db import Base, HasPublicId, created_at, intpk
from interagency.exchange.codes import MessageKind, Priority, Status
from interagency.identity.models import user_agency_id
from interagency.markings import HandlingCode, InformationGrade, SourceGrade, Tlp
from interagency.vault.columns import Sealed, SealedText


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Thread(HasPublicId, Base):
    __tablename__ = "exchange_threads"
    __table_args__ = (
        CheckConstraint(_in("kind", MessageKind), name="kind_known"),
        CheckConstraint(_in("priority", Priority), name="priority_known"),
        CheckConstraint(_in("handling_code", HandlingCode), name="handling_known"),
        CheckConstraint(_in("tlp", Tlp), name="tlp_known"),
        CheckConstraint(_in("status", Status), name="status_known"),
        Index("ix_exchange_threads_originator_updated", "originator_agency_id", "updated_at"),
    )

    id: Mapped[intpk]
    # Shown to people and used in e-mail: says nothing of the content.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    originator_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    originator_desk_id: Mapped[int | None] = mapped_column(ForeignKey("desks.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16))
    # The strictest marking of any message on the thread.
    handling_code: Mapped[str] = mapped_column(String(2))
    tlp: Mapped[str] = mapped_column(String(16))
    subject_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    restriction_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default=Status.NEW.value)
    case_numbers: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    recipients: Mapped[list[Recipient]] = relationship(
        back_populates="thread", order_by="Recipient.id", lazy="selectin"
    )


class Recipient(Base):
    """An agency on the thread, addressed as a whole, through one desk or one named user."""

    __tablename__ = "exchange_recipients"
    __table_args__ = (
        CheckConstraint(_in("status", Status), name="status_known"),
        CheckConstraint("desk_id IS NULL OR user_id IS NULL", name="desk_or_user"),
        Index("ix_exchange_recipients_agency_thread", "agency_id", "thread_id"),
    )

    id: Mapped[intpk]
    thread_id: Mapped[int] = mapped_column(ForeignKey("exchange_threads.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("desks.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default=Status.NEW.value)
    # Ends in the recipient's own time zone on the day the originator set.
    deadline_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    dissemination_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_disseminations.id"))
    created_at: Mapped[created_at]

    thread: Mapped[Thread] = relationship(back_populates="recipients")


class Message(HasPublicId, Base):
    __tablename__ = "exchange_messages"
    __table_args__ = (
        CheckConstraint(_in("kind", MessageKind), name="kind_known"),
        CheckConstraint(_in("handling_code", HandlingCode), name="handling_known"),
        CheckConstraint(_in("tlp", Tlp), name="tlp_known"),
        CheckConstraint(_in("source_grade", SourceGrade), name="source_known"),
        CheckConstraint(_in("information_grade", InformationGrade), name="information_known"),
    )

    id: Mapped[intpk]
    thread_id: Mapped[int] = mapped_column(ForeignKey("exchange_threads.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(16))
    handling_code: Mapped[str] = mapped_column(String(2))
    tlp: Mapped[str] = mapped_column(String(16))
    source_grade: Mapped[str] = mapped_column(String(1))
    information_grade: Mapped[str] = mapped_column(String(1))
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[created_at]


class Attachment(HasPublicId, Base):
    __tablename__ = "exchange_attachments"

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("exchange_messages.id"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    filename_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[created_at]


class ThreadLink(Base):
    """A reference from one thread to another."""

    __tablename__ = "exchange_thread_links"

    thread_id: Mapped[int] = mapped_column(ForeignKey("exchange_threads.id"), primary_key=True)
    linked_thread_id: Mapped[int] = mapped_column(
        ForeignKey("exchange_threads.id"), primary_key=True
    )


class ReadReceipt(Base):
    """When an agency first opened the thread, and who did."""

    __tablename__ = "exchange_read_receipts"

    thread_id: Mapped[int] = mapped_column(ForeignKey("exchange_threads.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    read_at: Mapped[created_at]


class DisseminationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class DisseminationPurpose(StrEnum):
    RECIPIENT = "recipient"  # add another agency (or desk) to the thread
    EXPORT = "export"  # take the thread out of the platform as a file


class Dissemination(Sealed, Base):
    """A request to the originator: share the thread onward, or export it."""

    __tablename__ = "exchange_disseminations"
    sealed_under = "requesting_agency_id"
    __table_args__ = (
        CheckConstraint(_in("status", DisseminationStatus), name="status_known"),
        CheckConstraint(_in("purpose", DisseminationPurpose), name="purpose_known"),
    )

    id: Mapped[intpk]
    thread_id: Mapped[int] = mapped_column(ForeignKey("exchange_threads.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requesting_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    target_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    target_desk_id: Mapped[int | None] = mapped_column(ForeignKey("desks.id"))
    # An export consent for one registered third party; none: for the requesting
    # agency's own use.
    third_party_id: Mapped[int | None] = mapped_column(ForeignKey("third_parties.id"))
    reason_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    reason = SealedText[str]()
    status: Mapped[str] = mapped_column(String(16), default=DisseminationStatus.PENDING.value)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    decision_note = SealedText[str | None]()
    created_at: Mapped[created_at]


class Inspection(Sealed, Base):
    """A data protection officer's time-limited look at a thread's content."""

    __tablename__ = "exchange_inspections"

    id: Mapped[intpk]
    thread_id: Mapped[int] = mapped_column(ForeignKey("exchange_threads.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    reason = SealedText[str]()
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime]

    def sealing_agency_id(self, session: Session) -> int:
        return user_agency_id(session, self.user_id)


class PreparedStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"  # no longer served; its file was released


class PreparedExport(Sealed, Base):
    """A long thread's file, made by a background job for the one user who asked, and kept
    sealed in the file store under their agency's key until `deliver_until`."""

    __tablename__ = "exchange_prepared_exports"
    sealed_under = "agency_id"
    __table_args__ = (
        CheckConstraint(_in("status", PreparedStatus), name="status_known"),
        CheckConstraint("format IN ('pdf', 'csv')", name="format_known"),
        Index(None, "status", "deliver_until"),
    )

    id: Mapped[intpk]
    thread_id: Mapped[int] = mapped_column(ForeignKey("exchange_threads.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The reader's agency: its key seals the file and the texts below.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    format: Mapped[str] = mapped_column(String(8))
    # The public id of the registered third party the file is for; none: the reader's agency.
    third_party: Mapped[str | None] = mapped_column(String(26))
    # The file is written in the language and time zone of the request that asked for it.
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=PreparedStatus.QUEUED.value)
    # The gate's export id, set once the job let the thread out: a job run again after a
    # failure makes the file under it rather than exporting a second time.
    export_id: Mapped[str | None] = mapped_column(String(26), unique=True)
    # H3's restriction as the file's marking carries it (the export keeps no words).
    restriction_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    restriction = SealedText[str | None]()
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    filename_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    filename = SealedText[str | None]()
    media_type: Mapped[str | None] = mapped_column(String(100))
    # Why the job refused, as the message and its parameters (JSON), for the reader's page.
    problem_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    problem = SealedText[str | None]()
    created_at: Mapped[created_at]
    ready_at: Mapped[datetime | None]
    deliver_until: Mapped[datetime | None]


# The columns `listing.granted` reads from an inbox row.
GRANT_COLUMNS = ["relation", "tlp", "agency_id", "expires_at"]


class InboxEntry(Base):
    """One party's way onto a thread, with the columns the inbox filters and orders by.

    Derived from the thread, its recipients and the running inspections, and written in
    the same transaction as they are (`listing.py`); never edited by hand. A reader's
    inbox reads only the rows of its own holders (its user, agency and desks), newest
    first, so a page costs the same whatever the number of threads in the database.
    """

    __tablename__ = "exchange_inbox_entries"
    __table_args__ = (
        # A page walks one of these per holder, newest first; what the policy's clause
        # reads is included, so that the walk need not visit the table.
        Index(
            "ix_exchange_inbox_entries_page",
            "holder",
            "updated_at",
            "thread_id",
            postgresql_include=GRANT_COLUMNS,
        ),
        Index(
            "ix_exchange_inbox_entries_status",
            "holder",
            "status",
            "updated_at",
            "thread_id",
            postgresql_include=GRANT_COLUMNS,
        ),
        # What is still owed or unacknowledged is short whatever the history: those rows
        # are indexed apart, for the overdue count and the navigation badge.
        Index(
            "ix_exchange_inbox_entries_owed",
            "holder",
            postgresql_where=text("earliest_deadline IS NOT NULL"),
            sqlite_where=text("earliest_deadline IS NOT NULL"),
        ),
        Index(
            "ix_exchange_inbox_entries_unacknowledged",
            "holder",
            postgresql_where=text("unacknowledged"),
            sqlite_where=text("unacknowledged"),
        ),
        Index("ix_exchange_inbox_entries_thread", "thread_id"),
    )

    id: Mapped[intpk]
    # No foreign keys: the writer derives every row from rows it has just written, and a
    # test walks the table against them; a check per row would cost more than the row.
    thread_id: Mapped[int]
    # Who: "u:<user id>", "d:<desk id>" or "a:<agency id>"; how: a `policy.Relation`.
    holder: Mapped[str] = mapped_column(String(24))
    relation: Mapped[str] = mapped_column(String(24))
    # The agency the holder belongs to (for a named user or desk, the recipient agency).
    agency_id: Mapped[int]
    # A DPO's inspection is listed until it ends.
    expires_at: Mapped[datetime | None]
    # The thread's columns the inbox filters on, copied whenever the thread changes.
    tlp: Mapped[str] = mapped_column(String(16))
    handling_code: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    originator_agency_id: Mapped[int]
    updated_at: Mapped[datetime]
    # Whether the holder's agency is among the recipients (the "incoming" box).
    received: Mapped[bool]
    # The holder's agency has not acknowledged this open thread yet (the navigation badge).
    unacknowledged: Mapped[bool]
    # While the thread is open, the earliest deadline of a recipient that still owes its
    # answer: "overdue" compares it with the clock.
    earliest_deadline: Mapped[datetime | None]


class IndexTerm(Base):
    """A blind-index term: a keyed hash of one stemmed word, under one agency's index key.

    No foreign keys: a post writes a hundred rows and checking three keys each cost more
    than the post's other statements together. The writer takes the ids from rows it has
    just written in the same transaction; a test walks the table for orphans.
    """

    __tablename__ = "exchange_index_terms"
    __table_args__ = (
        UniqueConstraint("agency_id", "term", "message_id"),
        Index("ix_exchange_index_terms_thread", "thread_id"),
        # A search reads only this index: agency and term find the rows, and the thread
        # and subject flag they carry are all the ranking needs.
        Index("ix_exchange_index_terms_lookup", "agency_id", "term", "thread_id", "in_subject"),
    )

    id: Mapped[intpk]
    agency_id: Mapped[int]
    term: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[int]
    thread_id: Mapped[int]
    # Subject words weigh more in the ranking than body words.
    in_subject: Mapped[bool] = mapped_column(default=False)
