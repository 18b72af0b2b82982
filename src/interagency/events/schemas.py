"""Request and response models of major-event security (the JSON API and the forms)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from interagency.events.models import (
    EventKind,
    IncidentCategory,
    IncidentStatus,
    MeasureStatus,
    TaskStatus,
    ThreatCategory,
    Treatment,
)
from interagency.i18n import lazy
from interagency.inputs import Input, Line, PublicRef, Text

AGENCY_CODE = r"^[A-Z0-9][A-Z0-9-]{1,31}$"
STATE_CODE = r"^[A-Z]{2}$"
Score = Annotated[int, Field(ge=1, le=5)]
# A day's offset from the event's first day in a template: a year before to a year after.
Offset = Annotated[int, Field(ge=-730, le=365)]


class _In(Input):
    model_config = ConfigDict(extra="forbid")


class EventIn(_In):
    """An event's dossier. The host agency is the creating user's own (it leads the
    event's security); the host state is that agency's state."""

    kind: EventKind
    title: Line = Field(min_length=1, max_length=300)
    description: Text = Field(default="", max_length=20_000)
    starts_on: date
    ends_on: date
    expected_attendance: int | None = Field(default=None, ge=0, le=100_000_000)

    @model_validator(mode="after")
    def _dates(self) -> EventIn:
        if self.ends_on < self.starts_on:
            raise ValueError(lazy("The event cannot end before it starts."))
        return self


class VenueIn(_In):
    name: Line = Field(min_length=1, max_length=300)
    address: Line = Field(min_length=1, max_length=500)
    capacity: int | None = Field(default=None, ge=1, le=10_000_000)
    latitude: float = Field(ge=-90, le=90, allow_inf_nan=False, description="WGS 84 degrees")
    longitude: float = Field(ge=-180, le=180, allow_inf_nan=False, description="WGS 84 degrees")


class DelegationIn(_In):
    """An agency taking part, in its state's delegation (made when its first agency joins)."""

    agency: str = Field(pattern=AGENCY_CODE, description="The participating agency's code")
    size: int | None = Field(default=None, ge=1, le=100_000, description="People in the delegation")
    note: Text = Field(default="", max_length=2000)


class ShiftIn(_In):
    agency: str = Field(pattern=AGENCY_CODE, description="The agency the officer is on duty for")
    officer: Line = Field(min_length=1, max_length=200)
    contact: Line = Field(min_length=1, max_length=200, description="Phone, radio or address")
    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _times(self) -> ShiftIn:
        if self.ends_at <= self.starts_at:
            raise ValueError(lazy("A duty shift ends after it starts."))
        if (self.ends_at - self.starts_at).days >= 2:
            raise ValueError(lazy("A duty shift lasts less than two days: split it."))
        return self


class RiskIn(_In):
    category: ThreatCategory
    scenario: Text = Field(min_length=1, max_length=5000)
    venue: PublicRef | None = None
    likelihood: Score
    impact: Score
    treatment: Treatment
    treatment_note: Text = Field(default="", max_length=5000)
    owner: str = Field(
        pattern=AGENCY_CODE, description="The agency that owns the risk", examples=["RU-FSB"]
    )


class MeasureIn(_In):
    title: Line = Field(min_length=1, max_length=500)
    status: MeasureStatus = MeasureStatus.PLANNED
    evidence: Text = Field(default="", max_length=10_000)

    @model_validator(mode="after")
    def _evidence(self) -> MeasureIn:
        if self.status is MeasureStatus.DONE and not self.evidence.strip():
            raise ValueError(lazy("A measure done states its evidence."))
        return self


class PhaseIn(_In):
    name: Line = Field(min_length=1, max_length=200)


class TaskIn(_In):
    phase: PublicRef
    title: Line = Field(min_length=1, max_length=500)
    owner: str = Field(
        pattern=AGENCY_CODE, description="The agency that owns the task", examples=["RU-FSB"]
    )
    owner_user: Line | None = Field(default=None, max_length=64, description="A user's login")
    due_on: date


class TaskStatusIn(_In):
    status: TaskStatus


class TemplateStepIn(_In):
    phase: Line = Field(min_length=1, max_length=200)
    title: Line = Field(min_length=1, max_length=500)
    offset_days: Offset


class TemplateIn(_In):
    name: Line = Field(min_length=1, max_length=200)
    steps: list[TemplateStepIn] = Field(min_length=1, max_length=200)


# --- answers -------------------------------------------------------------------------------


class Reference(BaseModel):
    id: str


class VenueOut(BaseModel):
    id: str
    name: str
    address: str
    capacity: int | None
    latitude: float
    longitude: float


class DelegationOut(BaseModel):
    state: str
    size: int | None
    note: str | None
    agencies: list[str]


class ShiftOut(BaseModel):
    id: str
    agency: str
    officer: str
    contact: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class MeasureOut(BaseModel):
    id: str
    title: str
    status: MeasureStatus
    evidence: str | None


class RiskOut(BaseModel):
    id: str
    category: ThreatCategory
    scenario: str
    venue: str | None
    likelihood: int
    impact: int
    score: int
    band: str
    treatment: Treatment
    treatment_note: str | None
    owner: str
    measures: list[MeasureOut]


class TaskOut(BaseModel):
    id: str
    phase: str
    title: str
    owner: str
    owner_user: str | None
    due_on: date
    status: TaskStatus
    overdue: bool


class EventOut(BaseModel):
    id: str
    kind: EventKind
    title: str
    description: str | None
    host_state: str
    host_agency: str
    starts_on: date
    ends_on: date
    expected_attendance: int | None
    venues: list[VenueOut]
    delegations: list[DelegationOut]
    roster: list[ShiftOut]
    tasks: list[TaskOut]
    risks: list[RiskOut]


# --- operations --------------------------------------------------------------------------

THREAD_REFERENCE = r"^[A-Za-z]{2}-\d{4}-[0-9A-Fa-f]{8}$"
ThreadReference = Annotated[
    str, Field(pattern=THREAD_REFERENCE, description="An exchange thread's reference")
]


class IncidentIn(_In):
    occurred_at: AwareDatetime
    venue: PublicRef = Field(description="One of the event's venues")
    category: IncidentCategory
    severity: int = Field(ge=1, le=4, description="1 minor, 2 moderate, 3 serious, 4 critical")
    description: Text = Field(min_length=1, max_length=10_000)
    threads: list[ThreadReference] = Field(default_factory=list, max_length=10)


class IncidentStatusIn(_In):
    status: IncidentStatus


class IncidentThreadIn(_In):
    thread: ThreadReference


class ReportIn(_In):
    """The host's findings after the event; each may be left empty until it is written."""

    worked: Text = Field(default="", max_length=20_000, description="What worked")
    failed: Text = Field(default="", max_length=20_000, description="What did not")
    recommendations: Text = Field(default="", max_length=20_000)


class LessonIn(_In):
    """A lesson learned at an event: shared with every member agency, or with the member
    agencies named by their codes."""

    title: Line = Field(min_length=1, max_length=300)
    text: Text = Field(min_length=1, max_length=20_000)
    threats: list[ThreatCategory] = Field(default_factory=list, max_length=len(ThreatCategory))
    shared_with_all: bool = True
    agencies: list[Annotated[str, Field(pattern=AGENCY_CODE)]] = Field(
        default_factory=list, max_length=50
    )
