"""What callers send to the exchange and what it answers, for pages and the API alike."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from interagency.exchange.codes import MessageKind, Priority, Status
from interagency.exchange.models import PreparedStatus
from interagency.i18n import lazy
from interagency.inputs import Input, PublicRef, Text
from interagency.markings import HandlingCode, InformationGrade, SourceGrade, Tlp

T = TypeVar("T")

SUBJECT_MAX = 300
BODY_MAX = 20_000
RESTRICTION_MAX = 500
REASON_MIN = 10


class Marking(Input):
    model_config = ConfigDict(extra="forbid")

    handling_code: HandlingCode = HandlingCode.H0
    restriction: Text | None = Field(
        default=None,
        max_length=RESTRICTION_MAX,
        description="Required with H3: the restriction in words.",
    )
    tlp: Tlp = Tlp.AMBER
    source_grade: SourceGrade = SourceGrade.B
    information_grade: InformationGrade = InformationGrade.TWO

    @model_validator(mode="after")
    def _h3_states_its_restriction(self) -> Marking:
        text = (self.restriction or "").strip()
        if self.handling_code is HandlingCode.H3 and not text:
            raise ValueError(lazy("H3 needs the restriction written out in words."))
        self.restriction = text or None
        return self


class RecipientIn(Input):
    model_config = ConfigDict(extra="forbid")

    agency: str = Field(min_length=1, max_length=32, description="Agency code, e.g. KZ-KNB.")
    desk: str | None = Field(default=None, max_length=32, description="Desk code of that agency.")
    user: str | None = Field(default=None, max_length=64, description="Login of a named user.")

    @model_validator(mode="after")
    def _desk_or_user(self) -> RecipientIn:
        self.desk = (self.desk or "").strip() or None
        self.user = (self.user or "").strip() or None
        if self.desk and self.user:
            raise ValueError(lazy("Address either a desk or a user of an agency, not both."))
        return self


class ThreadIn(Marking):
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX)
    body: Text = Field(min_length=1, max_length=BODY_MAX)
    kind: MessageKind = MessageKind.REQUEST
    priority: Priority = Priority.ROUTINE
    deadline: date | None = Field(
        default=None, description="For requests: the last day, in each recipient's own time zone."
    )
    recipients: list[RecipientIn] = Field(min_length=1, max_length=30)
    from_desk: str | None = Field(default=None, max_length=32, description="Sending desk code.")
    references: list[str] = Field(default_factory=list, max_length=20)
    case_numbers: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("subject", "body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(lazy("Write something here."))
        return value.strip()

    @field_validator("case_numbers", "references")
    @classmethod
    def _clean_list(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip() for v in values if v.strip()]
        if any(len(v) > 40 for v in cleaned):
            raise ValueError(lazy("Each entry may have at most 40 characters."))
        return list(dict.fromkeys(cleaned))

    @model_validator(mode="after")
    def _kind_rules(self) -> ThreadIn:
        if self.kind is MessageKind.REPLY:
            raise ValueError(lazy("A new thread is a request, a notification or an alert."))
        if self.kind is MessageKind.REQUEST and self.deadline is None:
            raise ValueError(lazy("A request for information needs a deadline."))
        if self.kind is not MessageKind.REQUEST and self.deadline is not None:
            raise ValueError(lazy("Only a request for information has a deadline: leave it empty."))
        if self.tlp is Tlp.RED and any(r.desk is None and r.user is None for r in self.recipients):
            raise ValueError(lazy("RED must name a desk or a user of every recipient agency."))
        return self


class ReplyIn(Marking):
    body: Text = Field(min_length=1, max_length=BODY_MAX)
    version: int | None = Field(
        default=None, description="The thread version the reply answers; a stale one gets 409."
    )

    @field_validator("body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(lazy("Write something here."))
        return value.strip()


class VersionIn(Input):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The thread version you saw; a stale one gets 409.")


class DisseminationIn(Input):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(default="recipient", pattern="^(recipient|export)$")
    agency: str | None = Field(default=None, max_length=32)
    desk: str | None = Field(default=None, max_length=32)
    third_party: PublicRef | None = Field(
        default=None,
        description="With purpose export: the registered third party the file would go to "
        "(its public id); without it, the consent is for the requesting agency's own use.",
    )
    reason: Text = Field(min_length=REASON_MIN, max_length=1000)

    @model_validator(mode="after")
    def _third_party_only_for_export(self) -> DisseminationIn:
        if self.third_party and self.purpose != "export":
            raise ValueError(
                lazy("A third party is named only when asking for consent to an export.")
            )
        return self


class DecisionIn(Input):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    note: Text | None = Field(default=None, max_length=1000)


class InspectionIn(Input):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=20, max_length=1000)
    minutes: int = Field(default=60, ge=5, le=240)


class RecipientOut(BaseModel):
    agency: str
    desk: str | None
    user: str | None
    status: Status
    deadline_at: datetime | None
    overdue: bool
    acknowledged_at: datetime | None
    read_at: datetime | None


class ThreadSummary(BaseModel):
    id: PublicRef
    reference: str
    subject: str | None = Field(description="Absent when the caller may see metadata only.")
    kind: MessageKind
    priority: Priority
    handling_code: HandlingCode
    tlp: Tlp
    status: Status
    originator: str
    recipients: list[str]
    deadline_at: datetime | None
    overdue: bool
    updated_at: datetime
    version: int


class MessageOut(BaseModel):
    id: PublicRef
    author: str
    agency: str
    kind: MessageKind
    handling_code: HandlingCode
    tlp: Tlp
    source_grade: SourceGrade
    information_grade: InformationGrade
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]


class AttachmentOut(BaseModel):
    id: PublicRef
    filename: str
    size: int
    media_type: str
    sha256: str
    status: str


class PreparedExportOut(BaseModel):
    """A long thread's export, made by a background job for the user who asked."""

    id: PublicRef
    thread: PublicRef
    format: str
    status: PreparedStatus
    created_at: datetime
    ready_at: datetime | None = None
    available_until: datetime | None = Field(
        default=None, description="The file is not served after this moment."
    )
    download: str | None = Field(
        default=None, description="Where the file is downloaded from, once it is ready."
    )
    problem: str | None = Field(default=None, description="Why the export was refused.")


class TimelineEvent(BaseModel):
    at: datetime
    kind: str
    agency: str
    detail: str | None = None


class ThreadOut(ThreadSummary):
    restriction: str | None
    case_numbers: list[str]
    references: list[str]
    recipient_states: list[RecipientOut]
    messages: list[MessageOut]
    timeline: list[TimelineEvent]


class Page(BaseModel, Generic[T]):
    items: list[T]
    # Counted up to a cap (1,000, or the end of the page asked for): `total_exact` is false
    # when there are more, and `total` is then the cap.
    total: int
    total_exact: bool = True
    page: int
    per_page: int


MessageOut.model_rebuild()
