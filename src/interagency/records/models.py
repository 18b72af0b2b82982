"""Tables of shared records: persons, documents, vehicles, phones and organisations that
member agencies hold, and the hits that cross-checking finds between them.

A record's identifying particulars (names, numbers) are sealed under its owning agency's
data key (`records/sealing.py`), and so is every free text about it (purpose, legal
basis, reasons, notes: `vault.columns`): a database dump shows that a record exists,
never whom or what it is about or why it is kept. The codes the safeguards decide on
(category, offence, review date, neutrality, markings) are plain, so the policy can
filter in SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from interagency.db import Base, created_at, intpk
from interagency.markings import Marked, marking_checks, one_of
from interagency.vault.columns import Sealed, SealedText


class RecordKind(StrEnum):
    PERSON = "person"
    DOCUMENT = "document"
    VEHICLE = "vehicle"
    PHONE = "phone"
    ORGANISATION = "organisation"


class SubjectCategory(StrEnum):
    """Categories of data subjects (Europol's rules): what the agency holds the record as."""

    SUSPECT = "suspect"
    CONVICTED = "convicted"
    POTENTIAL_OFFENDER = "potential_offender"
    CONTACT = "contact"  # contact or associate
    VICTIM = "victim"
    WITNESS = "witness"
    MISSING = "missing"  # missing person


class OffenceCategory(StrEnum):
    TERRORISM = "terrorism"
    TERRORIST_FINANCING = "terrorist_financing"
    FOREIGN_FIGHTERS = "foreign_fighters"
    MIGRANT_SMUGGLING = "migrant_smuggling"
    HUMAN_TRAFFICKING = "human_trafficking"
    DOCUMENT_FRAUD = "document_fraud"
    ARMS_TRAFFICKING = "arms_trafficking"
    DRUG_TRAFFICKING = "drug_trafficking"
    ORGANISED_CRIME = "organised_crime"
    CYBERCRIME = "cybercrime"
    MONEY_LAUNDERING = "money_laundering"
    EXTREMISM = "extremism"
    SEPARATISM = "separatism"
    RELIGIOUS_ASSOCIATION = "religious_association"
    UNAUTHORISED_ASSEMBLY = "unauthorised_assembly"
    INSULT_DEFAMATION = "insult_defamation"
    OTHER = "other"


class Neutrality(StrEnum):
    """Where the record stands with the independent review board (INTERPOL Article 3)."""

    NOT_REQUIRED = "not_required"
    PENDING = "pending"
    CLEARED = "cleared"  # not predominantly political, military, religious or racial
    REFUSED = "refused"  # predominantly so: it stays with its owner


class LinkKind(StrEnum):
    HOLDS_DOCUMENT = "holds_document"
    USES_PHONE = "uses_phone"
    DRIVES_VEHICLE = "drives_vehicle"
    BELONGS_TO = "belongs_to"  # a person belongs to an organisation


class Band(StrEnum):
    """What the searching agency learns of a hit's strength; the score stays with the owner."""

    STRONG = "strong"
    POSSIBLE = "possible"


class HitStatus(StrEnum):
    NEW = "new"
    CONFIRMED = "confirmed"  # a person checked it and recorded how
    DISMISSED = "dismissed"  # a person checked it: not the same


class DetailsStatus(StrEnum):
    """Where the searching agency's request for the details behind a hit stands."""

    NONE = "none"
    REQUESTED = "requested"  # an exchange request went to the owner
    PROPOSED = "proposed"  # one of the owner's officers proposes to release them
    RELEASED = "released"  # a second person, a supervisor, approved: they were sent
    REFUSED = "refused"
    # The hit expired before the request was answered (the safeguards forbid it now).
    WITHDRAWN = "withdrawn"


class Record(Sealed, Marked, Base):
    __tablename__ = "records"
    sealed_under = "owner_agency_id"
    __table_args__ = (
        CheckConstraint(one_of("kind", RecordKind), name="kind_known"),
        CheckConstraint(one_of("subject_category", SubjectCategory), name="category_known"),
        CheckConstraint(
            f"offence_category IS NULL OR {one_of('offence_category', OffenceCategory)}",
            name="offence_known",
        ),
        CheckConstraint(one_of("neutrality", Neutrality), name="neutrality_known"),
        CheckConstraint("source_grade IN ('A', 'B', 'C', 'X')", name="source_grade_known"),
        CheckConstraint("information_grade IN ('1', '2', '3', '4')", name="information_known"),
        # A potential offender is held on facts, never on a hunch.
        CheckConstraint(
            "subject_category <> 'potential_offender' OR factual_indications_sealed IS NOT NULL",
            name="potential_offender_has_indications",
        ),
        # Smuggled migrants are victims or witnesses of the smuggling, never suspects.
        CheckConstraint(
            "NOT smuggled_migrant OR subject_category IN ('victim', 'witness')",
            name="smuggled_migrant_is_protected",
        ),
        CheckConstraint(
            "necessity_approved_by_id IS NULL"
            " OR necessity_approved_by_id <> necessity_requested_by_id",
            name="necessity_four_eyes",
        ),
        *marking_checks(),
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(16))
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The bulk upload that stored the record, if any: its job finds its records again
    # after a crash, and stores no row twice.
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("record_uploads.id"), index=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Names and numbers as entered, in any script, sealed as one JSON document.
    particulars_sealed: Mapped[bytes | None] = mapped_column(
        LargeBinary, comment="personal data, sealed under the owning agency's key"
    )
    subject_category: Mapped[str] = mapped_column(String(24))
    purpose_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    purpose = SealedText[str]()
    legal_basis_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    legal_basis = SealedText[str]()
    offence_article: Mapped[str | None] = mapped_column(String(200))
    offence_category: Mapped[str | None] = mapped_column(String(32))
    source_grade: Mapped[str] = mapped_column(String(1))
    information_grade: Mapped[str] = mapped_column(String(1))
    is_minor: Mapped[bool] = mapped_column(Boolean, default=False)
    smuggled_migrant: Mapped[bool] = mapped_column(Boolean, default=False)
    factual_indications_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    factual_indications = SealedText[str | None]()
    review_due: Mapped[date] = mapped_column(Date, index=True)
    # Every agency that allows it may receive hits, unless the owner names some.
    hits_to_all: Mapped[bool] = mapped_column(Boolean, default=True)
    # Refugee or asylum status in the holding state: never matched towards this state.
    refuge_from_state_id: Mapped[int | None] = mapped_column(ForeignKey("member_states.id"))
    # A user's flag for review.
    flagged_reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    flagged_reason = SealedText[str | None]()
    neutrality: Mapped[str] = mapped_column(String(16), default=Neutrality.NOT_REQUIRED.value)
    neutrality_reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    neutrality_reason = SealedText[str | None]()
    neutrality_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    neutrality_decided_at: Mapped[datetime | None]
    # A victim's or witness's record is matched only when a supervisor approves why.
    necessity_reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    necessity_reason = SealedText[str | None]()
    necessity_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    necessity_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # SHA-256 of the particulars and markings the approving supervisor saw: a change to
    # either withdraws the approval (`services.update`).
    necessity_digest: Mapped[str | None] = mapped_column(String(64))
    screen_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    # Erasure is four eyes: a DPO asks, a supervisor or another DPO carries it out.
    erasure_reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    erasure_reason = SealedText[str | None]()
    erasure_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    erased_at: Mapped[datetime | None]

    hit_agencies: Mapped[list[RecordHitAgency]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RecordHitAgency.agency_id"
    )


class AccessRequestStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class AccessRequest(Sealed, Base):
    """A data subject's request to know what the agency holds on them, kept by its DPO."""

    __tablename__ = "record_access_requests"
    sealed_under = "agency_id"
    __table_args__ = (CheckConstraint(one_of("status", AccessRequestStatus), name="status_known"),)

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    # Who asked, sealed like a record's particulars.
    particulars_sealed: Mapped[bytes | None] = mapped_column(
        LargeBinary, comment="personal data, sealed under the agency's key"
    )
    status: Mapped[str] = mapped_column(String(16), default=AccessRequestStatus.OPEN.value)
    answer_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    answer = SealedText[str | None]()
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    answered_at: Mapped[datetime | None]


class UploadStatus(StrEnum):
    QUEUED = "queued"  # the file is stored, sealed; its job has not started
    RUNNING = "running"
    DONE = "done"
    REJECTED = "rejected"  # rows are wrong and the user did not accept the valid ones only
    FAILED = "failed"  # the file could not be read, or the job died: see the report


class UploadStage(StrEnum):
    QUEUED = "queued"
    CHECKING = "checking"
    STORING = "storing"
    CROSS_CHECKING = "cross-checking"
    FINISHED = "finished"


class BulkUpload(Sealed, Base):
    """A bulk upload: its file, stored sealed until its job has read it, and how far the
    job has come. The report (the file's name, the problems found, a refusal) is sealed:
    a problem may quote what a row holds."""

    __tablename__ = "record_uploads"
    __table_args__ = (
        CheckConstraint(one_of("status", UploadStatus), name="status_known"),
        CheckConstraint(one_of("kind", RecordKind), name="kind_known"),
        CheckConstraint(one_of("stage", UploadStage), name="stage_known"),
    )
    sealed_under = "agency_id"

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    # The file, until the job is over (then it is released and deleted).
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    accept_valid_only: Mapped[bool] = mapped_column(Boolean, default=False)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_checked: Mapped[int] = mapped_column(Integer, default=0)
    problems_found: Mapped[int] = mapped_column(Integer, default=0)
    # Rows of the file the storing pass is past (stored, or skipped as invalid), in the
    # same transaction as their records: a job run again goes on from here.
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_stored: Mapped[int] = mapped_column(Integer, default=0)
    hits_found: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=UploadStatus.QUEUED.value)
    stage: Mapped[str] = mapped_column(String(32), default=UploadStage.QUEUED.value)
    report_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    report = SealedText[str | None]()
    created_at: Mapped[created_at]
    finished_at: Mapped[datetime | None]


class RecordHitAgency(Base):
    """An agency the owner lets receive hits on the record (when not `hits_to_all`)."""

    __tablename__ = "record_hit_agencies"

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)


class RecordLink(Base):
    """Person holds document, uses phone, drives vehicle, belongs to organisation."""

    __tablename__ = "record_links"
    __table_args__ = (
        UniqueConstraint("from_record_id", "to_record_id", "kind"),
        CheckConstraint(one_of("kind", LinkKind), name="kind_known"),
        CheckConstraint("from_record_id <> to_record_id", name="not_to_itself"),
    )

    id: Mapped[intpk]
    from_record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    to_record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[created_at]

    from_record: Mapped[Record] = relationship(foreign_keys=[from_record_id], lazy="select")
    to_record: Mapped[Record] = relationship(foreign_keys=[to_record_id], lazy="select")


class RecordNameTerm(Base):
    """A blind-index term of a person record's name: a keyed hash, under the owning
    agency's index key, of one search key of the name (`matching.names.search`), so
    that the agency finds its records by name in any script without a readable name in
    the database. Removed with the name when the record is erased."""

    __tablename__ = "record_name_terms"
    __table_args__ = (Index("ix_record_name_terms_lookup", "agency_id", "term", "record_id"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))


class ReviewExtension(Sealed, Base):
    """A review date moved later, and why: the reason is what a DPO audits."""

    __tablename__ = "record_review_extensions"

    id: Mapped[intpk]
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    previous_due: Mapped[date] = mapped_column(Date)
    new_due: Mapped[date] = mapped_column(Date)
    reason_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    reason = SealedText[str]()
    extended_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    def sealing_agency_id(self, session: Session) -> int:
        record = session.get(Record, self.record_id)
        if record is None:
            raise RuntimeError(f"review extension of a missing record {self.record_id}")
        return record.owner_agency_id


class Screening(Base):
    """One screening of a subject (`screening.service`): at most three a day, the rest
    are probing."""

    __tablename__ = "record_screenings"

    id: Mapped[intpk]
    subject_id: Mapped[int] = mapped_column(ForeignKey("screening_subjects.id"), index=True)
    # The record screened, when the subject is a record.
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    screened_at: Mapped[datetime] = mapped_column(index=True)
    hits_found: Mapped[int] = mapped_column(Integer, default=0)


class Hit(Sealed, Base):
    """A possible match between a searching agency's subject (a record, or a subject of
    another kind of the screening service) and another agency's subject.

    The searching agency sees the reference, the owner and the band; the owner sees the
    score and its explanation. Neither sees the other's particulars from the hit.
    """

    __tablename__ = "record_hits"
    sealed_under = "owner_agency_id"
    __table_args__ = (
        UniqueConstraint("searching_subject_id", "found_subject_id"),
        CheckConstraint(one_of("band", Band), name="band_known"),
        CheckConstraint(one_of("status", HitStatus), name="status_known"),
        CheckConstraint(
            "status = 'new' OR (checked_by_id IS NOT NULL AND check_note_sealed IS NOT NULL)",
            name="checked_by_a_person",
        ),
        CheckConstraint("searching_agency_id <> owner_agency_id", name="across_agencies"),
        CheckConstraint(one_of("details_status", DetailsStatus), name="details_status_known"),
        CheckConstraint(
            "release_decided_by_id IS NULL OR release_proposed_by_id IS NULL"
            " OR release_decided_by_id <> release_proposed_by_id",
            name="release_four_eyes",
        ),
    )

    id: Mapped[intpk]
    # Random, so that a reference reveals neither how many hits there are nor their order.
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    searching_subject_id: Mapped[int] = mapped_column(
        ForeignKey("screening_subjects.id"), index=True
    )
    found_subject_id: Mapped[int] = mapped_column(ForeignKey("screening_subjects.id"), index=True)
    # The subjects' records, when they are records: what the records' own pages, lists
    # and requests for details read.
    searching_record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    found_record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    searching_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    band: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=HitStatus.NEW.value)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    check_note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    check_note = SealedText[str | None]()
    # The request for details travels as an exchange thread; so does the release.
    details_status: Mapped[str] = mapped_column(String(16), default=DetailsStatus.NONE.value)
    details_thread_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_threads.id"))
    details_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    release_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    release_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    release_note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    release_note = SealedText[str | None]()
    release_thread_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_threads.id"))
    # SHA-256 of the found record's particulars and markings when the release was proposed:
    # the approval sends exactly what the proposal saw, or nothing.
    release_digest: Mapped[str | None] = mapped_column(String(64))
    # Set when a change made the safeguards forbid the pair: nothing moves through the hit
    # any more. Only the agency whose change it was sees that; for the other agency the hit
    # expires in the daily sweep (`expired_at`), as hits past their review date do.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    expired_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime]
