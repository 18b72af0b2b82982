"""Tables of major-event security: the event and its dossier, its plan, its risk register,
and the planning templates the council keeps.

Every free text of an event is sealed under its host agency's data key (the host keeps
the dossier; participants read it through the platform); the templates are the
council's, sealed under the secretariat's key.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
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
from interagency.events.across_scripts import latin_spelling
from interagency.markings import one_of
from interagency.vault.columns import Sealed, SealedText, platform_agency_id


class EventKind(StrEnum):
    SPORTS_COMPETITION = "sports_competition"
    SUMMIT = "summit"
    CULTURAL_FESTIVAL = "cultural_festival"
    OTHER = "other"


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class ThreatCategory(StrEnum):
    """What could happen, named by the violent act: never by a belief, a religion, a
    nationality or any group of people (those are not threats; acts are)."""

    ARMED_ATTACK = "armed_attack"
    EXPLOSIVE_ATTACK = "explosive_attack"
    VEHICLE_RAMMING = "vehicle_ramming"
    ARSON = "arson"
    HOSTAGE_TAKING = "hostage_taking"
    ATTACK_ON_PROTECTED_PERSON = "attack_on_protected_person"
    CBRN_ATTACK = "cbrn_attack"
    UNMANNED_AIRCRAFT_ATTACK = "unmanned_aircraft_attack"
    SABOTAGE = "sabotage"
    CROWD_VIOLENCE = "crowd_violence"


class Treatment(StrEnum):
    AVOID = "avoid"
    REDUCE = "reduce"
    TRANSFER = "transfer"
    ACCEPT = "accept"


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class IncidentCategory(StrEnum):
    """What happened at a venue during the event: the register's violent acts and the
    other things that need a response. Named by the event, never by a group of people."""

    ARMED_ATTACK = ThreatCategory.ARMED_ATTACK.value
    EXPLOSIVE_ATTACK = ThreatCategory.EXPLOSIVE_ATTACK.value
    VEHICLE_RAMMING = ThreatCategory.VEHICLE_RAMMING.value
    ARSON = ThreatCategory.ARSON.value
    HOSTAGE_TAKING = ThreatCategory.HOSTAGE_TAKING.value
    ATTACK_ON_PROTECTED_PERSON = ThreatCategory.ATTACK_ON_PROTECTED_PERSON.value
    CBRN_ATTACK = ThreatCategory.CBRN_ATTACK.value
    UNMANNED_AIRCRAFT_ATTACK = ThreatCategory.UNMANNED_AIRCRAFT_ATTACK.value
    SABOTAGE = ThreatCategory.SABOTAGE.value
    CROWD_VIOLENCE = ThreatCategory.CROWD_VIOLENCE.value
    CROWD_SAFETY = "crowd_safety"
    MEDICAL = "medical"
    LOST_PERSON = "lost_person"
    SUSPICIOUS_ITEM = "suspicious_item"
    SERVICE_DISRUPTION = "service_disruption"


class IncidentStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class SealedByHost(Sealed):
    """A part of an event: sealed under the event's host agency's key."""

    def sealing_agency_id(self, session: Session) -> int:
        event: Event = self.event  # type: ignore[attr-defined]
        return event.host_agency_id


class SealedBySecretariat(Sealed):
    """The council's planning templates: sealed under the secretariat's key."""

    def sealing_agency_id(self, session: Session) -> int:
        return platform_agency_id(session)


# --- the dossier -------------------------------------------------------------------------


class Event(Sealed, Base):
    """A major international event. The host agency leads its security and keeps its
    dossier; it cannot be handed to another agency (its texts are sealed under its key)."""

    __tablename__ = "events"
    sealed_under = "host_agency_id"
    __table_args__ = (
        CheckConstraint(one_of("kind", EventKind), name="kind_known"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("expected_attendance >= 0", name="attendance_not_negative"),
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(32))
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str]()
    description_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    description = SealedText[str | None]()
    host_state_id: Mapped[int] = mapped_column(ForeignKey("member_states.id"))
    host_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    expected_attendance: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None]

    venues: Mapped[list[Venue]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Venue.id"
    )
    delegations: Mapped[list[Delegation]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Delegation.id"
    )
    participants: Mapped[list[Participant]] = relationship(
        cascade="all, delete-orphan", order_by="Participant.agency_id"
    )
    shifts: Mapped[list[LiaisonShift]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="LiaisonShift.starts_at"
    )
    phases: Mapped[list[PlanPhase]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="PlanPhase.position"
    )
    risks: Mapped[list[Risk]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Risk.id"
    )
    incidents: Mapped[list[Incident]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Incident.occurred_at"
    )


class Venue(SealedByHost, Base):
    """A place of the event. Later parts (accreditation zones, incidents, the map) refer to
    a venue by its id."""

    __tablename__ = "event_venues"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
    )

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    name = SealedText[str]()
    address_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    address = SealedText[str]()
    capacity: Mapped[int | None] = mapped_column(Integer)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)

    event: Mapped[Event] = relationship(back_populates="venues")


class Delegation(SealedByHost, Base):
    """A member state's delegation to the event; its agencies are the event's participants."""

    __tablename__ = "event_delegations"
    __table_args__ = (
        UniqueConstraint("event_id", "state_id"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("member_states.id"))
    size: Mapped[int | None] = mapped_column(Integer)
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    note = SealedText[str | None]()

    event: Mapped[Event] = relationship(back_populates="delegations")


class Participant(Base):
    """An agency taking part in the event's security (with its state's delegation): it
    reads the whole of the event (`policy`)."""

    __tablename__ = "event_participants"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("event_delegations.id"))


class LiaisonShift(SealedByHost, Base):
    """Who is on duty for an agency, from when to when (stored in UTC, shown in each
    reader's zone): together the shifts make the 24/7 liaison roster."""

    __tablename__ = "event_liaison_shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_event_liaison_shifts_event_starts", "event_id", "starts_at"),
    )

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    officer_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    officer = SealedText[str]()
    contact_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    contact = SealedText[str]()
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    event: Mapped[Event] = relationship(back_populates="shifts")


# --- the plan ----------------------------------------------------------------------------


class PlanPhase(SealedByHost, Base):
    __tablename__ = "event_plan_phases"
    __table_args__ = (UniqueConstraint("event_id", "position"),)

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    position: Mapped[int] = mapped_column(Integer)
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    name = SealedText[str]()

    event: Mapped[Event] = relationship(back_populates="phases")
    tasks: Mapped[list[PlanTask]] = relationship(
        back_populates="phase", cascade="all, delete-orphan", order_by="PlanTask.due_on"
    )


class PlanTask(Sealed, Base):
    """A task of a phase, owned by an agency and, if named, one of its users."""

    __tablename__ = "event_plan_tasks"
    __table_args__ = (
        CheckConstraint(one_of("status", TaskStatus), name="status_known"),
        Index("ix_event_plan_tasks_event_due", "event_id", "due_on"),
    )

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("event_plan_phases.id"), index=True)
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str]()
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.OPEN.value)
    done_at: Mapped[datetime | None]

    phase: Mapped[PlanPhase] = relationship(back_populates="tasks")

    def sealing_agency_id(self, session: Session) -> int:
        return self.phase.event.host_agency_id


class PlanTemplate(SealedBySecretariat, Base):
    """An editable checklist the council keeps (seeded from the planning model)."""

    __tablename__ = "event_plan_templates"

    id: Mapped[intpk]
    name_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    name = SealedText[str]()
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None]

    steps: Mapped[list[TemplateStep]] = relationship(
        back_populates="template",
        cascade="all, delete-orphan",
        order_by=lambda: [TemplateStep.phase_position, TemplateStep.id],
    )


class TemplateStep(SealedBySecretariat, Base):
    """One checklist item of a template, in its phase, due a number of days before (less
    than zero) or after the event's first day."""

    __tablename__ = "event_template_steps"
    __table_args__ = (CheckConstraint("phase_position >= 1", name="phase_position_positive"),)

    id: Mapped[intpk]
    template_id: Mapped[int] = mapped_column(ForeignKey("event_plan_templates.id"), index=True)
    phase_position: Mapped[int] = mapped_column(Integer)
    phase_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    phase = SealedText[str]()
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str]()
    offset_days: Mapped[int] = mapped_column(Integer)

    template: Mapped[PlanTemplate] = relationship(back_populates="steps")


# --- the risk register -------------------------------------------------------------------


class Risk(SealedByHost, Base):
    """A scenario of the register: a violent act that could happen at the event, scored
    by likelihood and impact (1-5 each; the band follows from the score, `policy.band`)."""

    __tablename__ = "event_risks"
    __table_args__ = (
        CheckConstraint(one_of("category", ThreatCategory), name="category_known"),
        CheckConstraint(one_of("treatment", Treatment), name="treatment_known"),
        CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood_range"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_range"),
    )

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    scenario_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    scenario = SealedText[str]()
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("event_venues.id"))
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    treatment: Mapped[str] = mapped_column(String(16))
    treatment_note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    treatment_note = SealedText[str | None]()
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship(back_populates="risks")
    measures: Mapped[list[RiskMeasure]] = relationship(
        back_populates="risk", cascade="all, delete-orphan", order_by="RiskMeasure.id"
    )


class RiskMeasure(Sealed, Base):
    __tablename__ = "event_risk_measures"
    __table_args__ = (CheckConstraint(one_of("status", MeasureStatus), name="status_known"),)

    id: Mapped[intpk]
    risk_id: Mapped[int] = mapped_column(ForeignKey("event_risks.id"), index=True)
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str]()
    status: Mapped[str] = mapped_column(String(16), default=MeasureStatus.PLANNED.value)
    evidence_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    evidence = SealedText[str | None]()
    updated_at: Mapped[datetime | None]

    risk: Mapped[Risk] = relationship(back_populates="measures")

    def sealing_agency_id(self, session: Session) -> int:
        return self.risk.event.host_agency_id


# --- operations --------------------------------------------------------------------------


class Incident(SealedByHost, Base):
    """Something that happened at one of the event's venues during the event, logged by
    the host or an agency taking part; its severity runs from 1 (minor) to 4 (critical)."""

    __tablename__ = "event_incidents"
    __table_args__ = (
        CheckConstraint(one_of("category", IncidentCategory), name="category_known"),
        CheckConstraint(one_of("status", IncidentStatus), name="status_known"),
        CheckConstraint("severity BETWEEN 1 AND 4", name="severity_range"),
        Index("ix_event_incidents_event_occurred", "event_id", "occurred_at"),
    )

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    venue_id: Mapped[int] = mapped_column(ForeignKey("event_venues.id"))
    occurred_at: Mapped[datetime]
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=IncidentStatus.OPEN.value)
    description_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    description = SealedText[str]()
    author_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship(back_populates="incidents")
    threads: Mapped[list[IncidentThread]] = relationship(
        cascade="all, delete-orphan", order_by="IncidentThread.thread_id"
    )


class IncidentThread(Base):
    """An exchange thread linked to an incident: shown only to a reader who may see the
    thread itself."""

    __tablename__ = "event_incident_threads"

    incident_id: Mapped[int] = mapped_column(ForeignKey("event_incidents.id"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("exchange_threads.id"), primary_key=True)
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[created_at]


# --- after the event -----------------------------------------------------------------------


class AfterActionReport(SealedByHost, Base):
    """The host's after-action report on an event: its written findings, and once final
    the figures as they stood then (the incident log and the register, sealed as JSON),
    after which it no longer changes."""

    __tablename__ = "event_reports"

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), unique=True)
    worked_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    worked = SealedText[str | None]()  # what worked
    failed_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    failed = SealedText[str | None]()  # what did not
    recommendations_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    recommendations = SealedText[str | None]()
    figures_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    figures = SealedText[str | None]()  # JSON of the figures when it was made final
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[datetime | None]
    final_at: Mapped[datetime | None]
    final_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    event: Mapped[Event] = relationship()


class Lesson(Sealed, Base):
    """A lesson learned at an event, for the next host: written by the host or an agency
    taking part, sealed under the author's agency's key, searchable through the blind
    index, tagged by the event's type and by threat categories, and shared with every
    member agency or with the agencies its author chose."""

    __tablename__ = "event_lessons"
    sealed_under = "author_agency_id"
    __table_args__ = (CheckConstraint(one_of("event_kind", EventKind), name="event_kind_known"),)

    id: Mapped[intpk]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    event_kind: Mapped[str] = mapped_column(String(32))  # the event's type, as a tag
    # Indexed across scripts: the library is searched for places and names that agencies
    # write in Russian, Kazakh, Uzbek, Azerbaijani, Armenian, Georgian or Latin letters.
    title_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    title = SealedText[str](searchable=True, across_scripts=latin_spelling)
    text_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    text = SealedText[str](searchable=True, across_scripts=latin_spelling)
    shared_with_all: Mapped[bool] = mapped_column(Boolean)
    author_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    event: Mapped[Event] = relationship()
    threats: Mapped[list[LessonThreat]] = relationship(
        cascade="all, delete-orphan", order_by="LessonThreat.category"
    )
    shares: Mapped[list[LessonShare]] = relationship(
        cascade="all, delete-orphan", order_by="LessonShare.agency_id"
    )


class LessonThreat(Base):
    """A threat category a lesson is tagged with."""

    __tablename__ = "event_lesson_threats"
    __table_args__ = (CheckConstraint(one_of("category", ThreatCategory), name="category_known"),)

    lesson_id: Mapped[int] = mapped_column(ForeignKey("event_lessons.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)


class LessonShare(Base):
    """A member agency a lesson is shared with (when it is not shared with all)."""

    __tablename__ = "event_lesson_shares"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("event_lessons.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True, index=True)
