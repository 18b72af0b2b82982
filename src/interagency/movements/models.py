"""Tables of the fighters' feature: profiles beside their person records, border
crossings (sealed, and kept only behind a confirmed hit), the days' manifests they came
in, and the alerts that tell a profile's owner of a confirmed crossing."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from interagency.db import Base, HasPublicId, created_at, intpk
from interagency.markings import one_of
from interagency.vault.columns import Sealed, SealedText


class FighterStatus(StrEnum):
    SUSPECTED_DEPARTURE = "suspected_departure"
    IN_CONFLICT_ZONE = "in_conflict_zone"
    RETURNED = "returned"
    DETAINED = "detained"
    PROSECUTED = "prosecuted"
    DECEASED = "deceased"


class Direction(StrEnum):
    ENTRY = "entry"
    EXIT = "exit"


class Protection(StrEnum):
    """What the traveller has asked for, or holds, and from which state (never screened
    against that state's profiles)."""

    NONE = "none"
    ASYLUM_SEEKER = "asylum_seeker"
    REFUGEE = "refugee"


class ManifestStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class FighterProfile(Sealed, Base):
    """What makes a person record a fighter's profile. The record keeps the particulars,
    the markings and every safeguard of records; the profile adds the status, the zone, the
    dates and the factual basis, and the rule that decides whether another state's
    borders may screen against it (`policy.needs_review`)."""

    __tablename__ = "fighter_profiles"
    sealed_under = "owner_agency_id"
    __table_args__ = (
        CheckConstraint(one_of("status", FighterStatus), name="status_known"),
        CheckConstraint("length(conflict_zone) = 3", name="zone_is_alpha3"),
    )

    id: Mapped[intpk]
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), unique=True)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(24))
    # ISO 3166 alpha-3 of the country of the conflict.
    conflict_zone: Mapped[str] = mapped_column(String(3))
    departed_on: Mapped[date | None] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    status_since: Mapped[date] = mapped_column(Date)
    # Specific acts or travel, with the date of the latest: never beliefs or associations.
    basis_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    basis = SealedText[str]()
    basis_dated: Mapped[date] = mapped_column(Date)
    # A group on the UN Security Council's 1267 list (`policy.UN_1267_GROUPS`), if named.
    un_group: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime]


class Crossing(Sealed, Base):
    """One border-crossing event as an agency submitted it. The traveller's particulars
    and the journey are sealed under the submitting agency's key; the row, its screening
    keys and every trace of it are deleted unless a hit on it was confirmed."""

    __tablename__ = "border_crossings"
    sealed_under = "agency_id"
    __table_args__ = (
        CheckConstraint(one_of("direction", Direction), name="direction_known"),
        CheckConstraint(one_of("protection", Protection), name="protection_known"),
        CheckConstraint(
            "(protection = 'none') = (protection_from_state_id IS NULL)",
            name="protection_names_its_state",
        ),
        Index("ix_border_crossings_agency_occurred", "agency_id", "occurred_at"),
    )

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    manifest_id: Mapped[int | None] = mapped_column(ForeignKey("crossing_manifests.id"), index=True)
    # The row of the manifest it came from (a job run again stores no row twice).
    manifest_row: Mapped[int | None] = mapped_column(Integer)
    occurred_at: Mapped[datetime]
    direction: Mapped[str] = mapped_column(String(5))
    protection: Mapped[str] = mapped_column(String(16), default=Protection.NONE.value)
    protection_from_state_id: Mapped[int | None] = mapped_column(ForeignKey("member_states.id"))
    # The traveller as on the document (`PersonParticulars` as JSON).
    particulars_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    particulars = SealedText[str]()
    # Crossing point, document country, carrier, flight or train (`JourneyIn` as JSON).
    journey_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    journey = SealedText[str]()
    created_at: Mapped[created_at]


class CrossingManifest(HasPublicId, Base):
    """A day's passenger manifest, received as a file and screened by a job. The file is
    deleted when the job ends; the report keeps counts and the rows' problems, never a
    value of a row."""

    __tablename__ = "crossing_manifests"
    __table_args__ = (CheckConstraint(one_of("status", ManifestStatus), name="status_known"),)

    id: Mapped[intpk]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    status: Mapped[str] = mapped_column(String(16), default=ManifestStatus.QUEUED.value)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    screened: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    # Problems by row and column, with messages and never the values: [[row, column, code]].
    problems: Mapped[list[list[object]]] = mapped_column(JSON, default=list)
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    refusal: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]
    finished_at: Mapped[datetime | None]


class ManifestPart(Base):
    """A range of a manifest's rows that one job screens, so that the worker's processes
    screen a day's file side by side. `rows` is how far the part has come: run again
    after a crash, its job goes on from there."""

    __tablename__ = "crossing_manifest_parts"
    __table_args__ = (UniqueConstraint("manifest_id", "number"),)

    id: Mapped[intpk]
    manifest_id: Mapped[int] = mapped_column(ForeignKey("crossing_manifests.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # The part's rows: `row_count` of them after the first `first_row` below the header.
    first_row: Mapped[int] = mapped_column(Integer)
    row_count: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None]


class FighterAlert(Base):
    """A confirmed hit of a crossing on a profile, told to the profile's owner with a
    deadline by which a person there takes it up."""

    __tablename__ = "fighter_alerts"

    id: Mapped[intpk]
    hit_id: Mapped[int] = mapped_column(ForeignKey("record_hits.id"), unique=True)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("fighter_profiles.id"), index=True)
    crossing_id: Mapped[int] = mapped_column(ForeignKey("border_crossings.id"))
    direction: Mapped[str] = mapped_column(String(5))
    occurred_on: Mapped[date] = mapped_column(Date)
    raised_at: Mapped[datetime]
    due_at: Mapped[datetime]
    taken_up_at: Mapped[datetime | None]
    taken_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The crossing's place and route, released to the owner under four eyes: an officer
    # of the submitting agency proposes, a supervisor there approves (`release`).
    release_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    release_digest: Mapped[str | None] = mapped_column(String(64))
    release_thread_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_threads.id"))
