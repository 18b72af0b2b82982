"""Request and response models of the council feature (the JSON API and the forms)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interagency.council.models import (
    DocumentKind,
    DocumentStatus,
    MeasureStatus,
    Stance,
    TaskStatus,
)
from interagency.i18n import lazy
from interagency.inputs import Input, PublicRef, Text
from interagency.markings import HandlingCode, Tlp

AGENCY_CODE = r"^[A-Z0-9][A-Z0-9-]{1,31}$"
# Row ids and small counts fit a 32-bit integer column on both databases.
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Marking(Input):
    """Handling code (H0–H3) and TLP 2.0 distribution; H3 states its restriction in words."""

    handling_code: HandlingCode = HandlingCode.H2
    tlp: Tlp = Tlp.AMBER
    handling_note: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def h3_states_restriction(self) -> Marking:
        if self.handling_note is not None and not self.handling_note.strip():
            self.handling_note = None
        if self.handling_code is HandlingCode.H3 and self.handling_note is None:
            raise ValueError(lazy("H3 needs its restriction stated in words."))
        return self

    @property
    def label(self) -> str:
        text = f"{self.handling_code.value} · TLP:{self.tlp.value}"
        return f"{text} · {self.handling_note}" if self.handling_note else text


class ParticipantIn(Input):
    agency: str = Field(pattern=AGENCY_CODE)
    delegates: Text = Field(default="", max_length=2000, description="Names, one a line")


class MeetingIn(Input):
    number: int = Field(ge=1, le=100_000)
    title: str = Field(min_length=1, max_length=300)
    held_on: date
    place: str = Field(min_length=1, max_length=200)
    chair: str = Field(min_length=1, max_length=200)
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=50)
    marking: Marking = Field(default_factory=Marking)


class AgendaItemIn(Input):
    title: str = Field(min_length=1, max_length=500)
    rapporteur: str | None = Field(default=None, pattern=AGENCY_CODE)
    document_ids: list[PublicRef] = Field(default_factory=list, max_length=20)


class DecisionIn(Input):
    text: Text = Field(min_length=1, max_length=20_000)
    item_number: int | None = Field(default=None, ge=1, le=1000)


class TaskIn(Input):
    agency: str = Field(pattern=AGENCY_CODE)
    description: Text = Field(min_length=1, max_length=5000)
    due_on: date


class TaskStatusIn(Input):
    status: TaskStatus


class DocumentIn(Input):
    kind: DocumentKind
    title: str = Field(min_length=1, max_length=500)
    parties: list[str] = Field(min_length=1, max_length=50)
    body: Text = Field(min_length=1, max_length=500_000)
    marking: Marking = Field(default_factory=Marking)


class VersionIn(Input):
    body: Text = Field(min_length=1, max_length=500_000)
    note: Text | None = Field(default=None, max_length=500)


class CommentIn(Input):
    body: Text = Field(min_length=1, max_length=20_000)


class PositionIn(Input):
    stance: Stance
    reason: Text | None = Field(default=None, max_length=20_000)

    @model_validator(mode="after")
    def objection_reasoned(self) -> PositionIn:
        if self.reason is not None and not self.reason.strip():
            self.reason = None
        if self.stance is Stance.OBJECT and self.reason is None:
            raise ValueError(lazy("An objection needs its reasons."))
        return self


class AdoptionIn(Input):
    meeting_id: PublicRef
    supersedes_id: PublicRef | None = None


class IndicatorIn(Input):
    name: str = Field(min_length=1, max_length=300)
    unit: str = Field(min_length=1, max_length=32)
    target: float = Field(gt=0, allow_inf_nan=False)


class ProgrammeIn(Input):
    code: str = Field(pattern=AGENCY_CODE)
    title: str = Field(min_length=1, max_length=500)
    first_year: int = Field(ge=1990, le=2100)
    last_year: int = Field(ge=1990, le=2100)
    marking: Marking = Field(default_factory=Marking)

    @model_validator(mode="after")
    def years_in_order(self) -> ProgrammeIn:
        if self.last_year < self.first_year:
            raise ValueError(lazy("The last year comes before the first."))
        return self


class MeasureIn(Input):
    number: str = Field(min_length=1, max_length=16)
    title: str = Field(min_length=1, max_length=500)
    due_on: date
    responsible: list[str] = Field(min_length=1, max_length=50)
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=20)


class StatusUpdateIn(Input):
    reported_on: date
    progress: int = Field(ge=0, le=100)
    status: MeasureStatus | None = None
    indicator_id: PublicRef | None = None
    value: Amount | None = None
    text: Text = Field(min_length=1, max_length=20_000)
    evidence: Text = Field(min_length=1, max_length=20_000, description="What shows it happened")

    @model_validator(mode="after")
    def value_with_indicator(self) -> StatusUpdateIn:
        if (self.indicator_id is None) != (self.value is None):
            raise ValueError(lazy("Give an indicator value together with its indicator."))
        return self


class ReportIn(Input):
    body: str = Field(min_length=1, max_length=200, examples=["Anti-Terrorism Centre"])
    year: int = Field(ge=1990, le=2100)
    title: str = Field(min_length=1, max_length=500)
    sections: list[str] = Field(min_length=1, max_length=50)
    marking: Marking = Field(default_factory=Marking)


class ContributionIn(Input):
    section_number: int = Field(ge=1, le=1000)
    body: Text = Field(min_length=1, max_length=100_000)


# --- responses ---------------------------------------------------------------------------


class Reference(BaseModel):
    id: PublicRef


class AgendaItemOut(BaseModel):
    number: int
    title: str
    rapporteur: str | None
    outcome: str | None
    document_ids: list[PublicRef]


class TaskOut(BaseModel):
    id: PublicRef
    agency: str
    description: str
    due_on: date
    status: TaskStatus
    overdue: bool


class DecisionOut(BaseModel):
    id: PublicRef
    number: str
    text: str
    item_number: int | None
    tasks: list[TaskOut]


class MeetingSummary(BaseModel):
    id: PublicRef
    number: int
    title: str
    held_on: date
    place: str
    status: str
    marking: str


class MeetingOut(MeetingSummary):
    chair: str
    participants: list[ParticipantIn]
    agenda: list[AgendaItemOut]
    minutes: str | None
    decisions: list[DecisionOut]


class VersionOut(BaseModel):
    number: int
    note: str | None
    created_at: datetime
    body: str


class PositionOut(BaseModel):
    agency: str
    version: int
    stance: Stance
    reason: str | None


class DocumentSummary(BaseModel):
    model_config = ConfigDict(use_enum_values=True)

    id: PublicRef
    kind: DocumentKind
    title: str
    status: DocumentStatus
    register_number: str | None
    adopted_on: date | None
    parties: list[str]
    superseded_by: str | None
    marking: str


class DocumentOut(DocumentSummary):
    versions: list[VersionOut]
    positions: list[PositionOut]


class DiffLineOut(BaseModel):
    kind: str = Field(description="same, added or removed")
    old_number: int | None
    new_number: int | None
    text: str


class AgencyResult(BaseModel):
    agency: str
    measures: int
    done: int
    average_progress: float
    updates: int


class PeriodResult(BaseModel):
    year: int
    updates: int
    measures_reported: int
    average_progress: float


class ProgrammeResultsOut(BaseModel):
    code: str
    title: str
    first_year: int
    last_year: int
    marking: str
    measures: int
    done: int
    average_progress: float
    by_period: list[PeriodResult]
    by_agency: list[AgencyResult]
