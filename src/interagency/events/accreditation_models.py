"""Tables of accreditation screening: what the event declares (an applicant quota and the
offences screened for), the records other agencies opt in for it, and the host's batches
of applicants, sealed under the host's key and deleted, when they hit nothing, once the
host has decided on their batch."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from interagency.db import Base, HasPublicId, created_at, intpk
from interagency.markings import one_of
from interagency.vault.columns import Sealed, SealedText


class ApplicantRole(StrEnum):
    STAFF = "staff"
    VOLUNTEER = "volunteer"
    MEDIA = "media"
    CONTRACTOR = "contractor"


class BatchStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"  # the job screens it
    SCREENED = "screened"
    DECIDED = "decided"  # applicants without a hit are gone


class Decision(StrEnum):
    ACCREDITED = "accredited"
    REFUSED = "refused"


class AccreditationTerms(Base):
    """What the host declares for the event's accreditation: how many applicants it may
    screen in all, and the offences a record must concern to be screened against."""

    __tablename__ = "event_accreditation_terms"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    quota: Mapped[int] = mapped_column(Integer)
    # `records.models.OffenceCategory` values, never a sensitive one (`accreditation_policy`).
    offences: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]


class OptIn(Base):
    """A record its agency lets the event's applicants be screened against. Whether it may
    still be is judged again at every screening."""

    __tablename__ = "event_accreditation_optins"
    __table_args__ = (UniqueConstraint("event_id", "record_id"),)

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    opted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]


class ApplicantBatch(HasPublicId, Base):
    """Applicants the host uploaded together; screened once a supervisor of the host other
    than the uploader approved them. Keeps counts, never a value of a row."""

    __tablename__ = "event_applicant_batches"
    __table_args__ = (CheckConstraint(one_of("status", BatchStatus), name="status_known"),)

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    host_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    status: Mapped[str] = mapped_column(String(24), default=BatchStatus.AWAITING_APPROVAL.value)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    screened_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    # Applicants accredited without a hit and deleted with the decision.
    cleared: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[created_at]


class Applicant(Sealed, HasPublicId, Base):
    """One applicant for accreditation. The particulars screened (name, birth date, sex,
    document) and the rest (role, employer, nationality) are sealed apart under the host's
    key: only the first are ever opened for a screening."""

    __tablename__ = "event_applicants"
    sealed_under = "host_agency_id"
    __table_args__ = (CheckConstraint(one_of("decision", Decision), name="decision_known"),)

    id: Mapped[intpk]
    batch_id: Mapped[int] = mapped_column(ForeignKey("event_applicant_batches.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    host_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    line: Mapped[int] = mapped_column(Integer)  # in the uploaded file
    # `PersonParticulars` as JSON: what is screened.
    particulars_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    particulars = SealedText[str]()
    # Role (`ApplicantRole`), employer and nationality as JSON: shown to the host, never
    # screened, never told to the owner of a record hit.
    profile_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    profile = SealedText[str]()
    decision: Mapped[str | None] = mapped_column(String(16))
    reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    reason = SealedText[str | None]()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    # The applicant's contest of a refusal, as the host recorded it; decided again after.
    contest_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    contest = SealedText[str | None]()
    contested_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
