"""Tables of the council secretariat: meetings, joint documents, programmes, annual reports.

Every top-level object (meeting, document, programme, report) carries a marking: its
handling code (H0–H3, H3 with its restriction in words) and its TLP 2.0 distribution.
Every text written in the council's work is sealed under the secretariat's data key.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from interagency.db import Base, created_at, intpk
from interagency.markings import Marked, marking_checks, one_of
from interagency.vault.columns import Sealed, SealedText, platform_agency_id


class SealedBySecretariat(Sealed):
    """The council's texts are the council's: sealed under the secretariat's data key,
    whichever agency wrote them."""

    def sealing_agency_id(self, session: Session) -> int:
        return platform_agency_id(session)


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class DocumentKind(StrEnum):
    AGREEMENT = "agreement"
    RECOMMENDATION = "recommendation"
    ASSESSMENT = "assessment"
    DECISION = "decision"
    REPORT = "report"


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    UNDER_REVIEW = "under_review"
    ADOPTED = "adopted"
    SUPERSEDED = "superseded"


class Stance(StrEnum):
    APPROVE = "approve"
    OBJECT = "object"


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


class ProgrammeStatus(StrEnum):
    ACTIVE = "active"
    FINISHED = "finished"


# --- meetings ----------------------------------------------------------------------------


class Meeting(SealedBySecretariat, Marked, Base):
    __tablename__ = "council_meetings"
    __table_args__ = (
        CheckConstraint(one_of("status", MeetingStatus), name="status_known"),
        *marking_checks(),
    )

    id: Mapped[intpk]
    # The council numbers its meetings in order ("the 45th meeting").
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str]()
    held_on: Mapped[date] = mapped_column(Date)
    place_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    place = SealedText[str]()
    chair_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    chair = SealedText[str]()
    status: Mapped[str] = mapped_column(String(16), default=MeetingStatus.PLANNED.value)
    minutes_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    minutes = SealedText[str | None]()
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    participants: Mapped[list[MeetingParticipant]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MeetingParticipant.agency_id"
    )
    items: Mapped[list[AgendaItem]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AgendaItem.number"
    )
    decisions: Mapped[list[Decision]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Decision.id"
    )


class MeetingParticipant(SealedBySecretariat, Base):
    """A participating agency and its delegates (names, one a line)."""

    __tablename__ = "council_meeting_participants"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    delegates_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    delegates = SealedText[str]()


class AgendaItem(SealedBySecretariat, Base):
    __tablename__ = "council_agenda_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str]()
    rapporteur_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    outcome_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    outcome = SealedText[str | None]()

    documents: Mapped[list[Document]] = relationship(
        secondary="council_agenda_documents", lazy="selectin", order_by="Document.id"
    )


class AgendaDocument(Base):
    __tablename__ = "council_agenda_documents"

    item_id: Mapped[int] = mapped_column(ForeignKey("council_agenda_items.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("council_documents.id"), primary_key=True)


class Decision(SealedBySecretariat, Base):
    __tablename__ = "council_decisions"

    id: Mapped[intpk]
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("council_agenda_items.id"))
    # "45/3": the meeting's number and the decision's place in it.
    number: Mapped[str] = mapped_column(String(32), unique=True)
    text_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    text = SealedText[str]()
    created_at: Mapped[created_at]

    tasks: Mapped[list[FollowUpTask]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="FollowUpTask.due_on"
    )


class FollowUpTask(SealedBySecretariat, Base):
    __tablename__ = "council_tasks"
    __table_args__ = (CheckConstraint(one_of("status", TaskStatus), name="status_known"),)

    id: Mapped[intpk]
    decision_id: Mapped[int] = mapped_column(ForeignKey("council_decisions.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    description_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    description = SealedText[str]()
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.OPEN.value)
    done_at: Mapped[datetime | None]


# --- joint documents ---------------------------------------------------------------------


class Document(SealedBySecretariat, Marked, Base):
    __tablename__ = "council_documents"
    __table_args__ = (
        CheckConstraint(one_of("kind", DocumentKind), name="kind_known"),
        CheckConstraint(one_of("status", DocumentStatus), name="status_known"),
        # Adopted (or later superseded) documents have their register number and date.
        CheckConstraint(
            "status IN ('draft', 'under_review')"
            " OR (register_number IS NOT NULL AND adopted_on IS NOT NULL)",
            name="adopted_is_registered",
        ),
        *marking_checks(),
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(32))
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str](searchable=True)
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.DRAFT.value)
    register_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    adopted_on: Mapped[date | None] = mapped_column(Date)
    adopted_at_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("council_meetings.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("council_documents.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    parties: Mapped[list[DocumentParty]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DocumentParty.agency_id"
    )
    versions: Mapped[list[DocumentVersion]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DocumentVersion.number"
    )


class DocumentParty(Base):
    __tablename__ = "council_document_parties"

    document_id: Mapped[int] = mapped_column(ForeignKey("council_documents.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)


class DocumentVersion(SealedBySecretariat, Base):
    __tablename__ = "council_document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[intpk]
    document_id: Mapped[int] = mapped_column(ForeignKey("council_documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    body = SealedText[str]()
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    note = SealedText[str | None]()
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    comments: Mapped[list[DocumentComment]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DocumentComment.id"
    )
    positions: Mapped[list[DocumentPosition]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DocumentPosition.agency_id"
    )


class DocumentComment(SealedBySecretariat, Base):
    __tablename__ = "council_document_comments"

    id: Mapped[intpk]
    version_id: Mapped[int] = mapped_column(ForeignKey("council_document_versions.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    body = SealedText[str]()
    created_at: Mapped[created_at]


class DocumentPosition(SealedBySecretariat, Base):
    """A member agency's approval of a version, or its recorded objection with reasons."""

    __tablename__ = "council_document_positions"
    __table_args__ = (
        UniqueConstraint("version_id", "agency_id"),
        CheckConstraint(one_of("stance", Stance), name="stance_known"),
        CheckConstraint(
            "stance = 'approve' OR reason_sealed IS NOT NULL", name="objection_reasoned"
        ),
    )

    id: Mapped[intpk]
    version_id: Mapped[int] = mapped_column(ForeignKey("council_document_versions.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    stance: Mapped[str] = mapped_column(String(16))
    reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    reason = SealedText[str | None]()
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[created_at]


# --- cooperation programmes --------------------------------------------------------------


class Programme(SealedBySecretariat, Marked, Base):
    __tablename__ = "council_programmes"
    __table_args__ = (
        CheckConstraint(one_of("status", ProgrammeStatus), name="status_known"),
        CheckConstraint("last_year >= first_year", name="years_in_order"),
        *marking_checks(),
    )

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str]()
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ProgrammeStatus.ACTIVE.value)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    measures: Mapped[list[Measure]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Measure.id"
    )


class Measure(SealedBySecretariat, Base):
    __tablename__ = "council_measures"
    __table_args__ = (
        UniqueConstraint("programme_id", "number"),
        CheckConstraint(one_of("status", MeasureStatus), name="status_known"),
    )

    id: Mapped[intpk]
    programme_id: Mapped[int] = mapped_column(ForeignKey("council_programmes.id"), index=True)
    number: Mapped[str] = mapped_column(String(16))
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str]()
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=MeasureStatus.PLANNED.value)

    responsible: Mapped[list[MeasureAgency]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MeasureAgency.agency_id"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Indicator.id"
    )
    updates: Mapped[list[StatusUpdate]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="StatusUpdate.id"
    )


class MeasureAgency(Base):
    __tablename__ = "council_measure_agencies"

    measure_id: Mapped[int] = mapped_column(ForeignKey("council_measures.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)


class Indicator(SealedBySecretariat, Base):
    __tablename__ = "council_indicators"
    __table_args__ = (CheckConstraint("target > 0", name="target_positive"),)

    id: Mapped[intpk]
    measure_id: Mapped[int] = mapped_column(ForeignKey("council_measures.id"), index=True)
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    name = SealedText[str]()
    unit: Mapped[str] = mapped_column(String(32))
    target: Mapped[float] = mapped_column(Float)


class StatusUpdate(SealedBySecretariat, Base):
    """A responsible agency's report on a measure: progress, an indicator value, evidence."""

    __tablename__ = "council_status_updates"
    __table_args__ = (
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        CheckConstraint("(indicator_id IS NULL) = (value IS NULL)", name="value_with_indicator"),
    )

    id: Mapped[intpk]
    measure_id: Mapped[int] = mapped_column(ForeignKey("council_measures.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_on: Mapped[date] = mapped_column(Date)
    progress: Mapped[int] = mapped_column(Integer)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("council_indicators.id"))
    value: Mapped[float | None] = mapped_column(Float)
    text_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    text = SealedText[str]()
    evidence_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    evidence = SealedText[str]()
    created_at: Mapped[created_at]


# --- annual reports of council bodies ----------------------------------------------------


class AnnualReport(SealedBySecretariat, Marked, Base):
    """A council body's annual report, compiled from agencies' contributions into a joint
    document, which is then reviewed and adopted like any other."""

    __tablename__ = "council_reports"
    __table_args__ = (UniqueConstraint("body", "year"), *marking_checks())

    id: Mapped[intpk]
    body: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str]()
    document_id: Mapped[int | None] = mapped_column(ForeignKey("council_documents.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    # The joint document compiled from the contributions, once it is compiled.
    document: Mapped[Document | None] = relationship(lazy="select")
    sections: Mapped[list[ReportSection]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ReportSection.number"
    )


class ReportSection(SealedBySecretariat, Base):
    __tablename__ = "council_report_sections"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[intpk]
    report_id: Mapped[int] = mapped_column(ForeignKey("council_reports.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    heading_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    heading = SealedText[str]()

    contributions: Mapped[list[ReportContribution]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ReportContribution.agency_id"
    )


class ReportContribution(SealedBySecretariat, Base):
    """One agency's text for one section; the agency may revise it until the compilation."""

    __tablename__ = "council_report_contributions"
    __table_args__ = (UniqueConstraint("section_id", "agency_id"),)

    id: Mapped[intpk]
    section_id: Mapped[int] = mapped_column(ForeignKey("council_report_sections.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    body = SealedText[str]()
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None]
