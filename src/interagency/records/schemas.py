"""Request and response models of shared records and hits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from interagency.i18n import lazy
from interagency.inputs import Input, PublicRef, Text
from interagency.markings import HandlingCode, InformationGrade, SourceGrade, Tlp
from interagency.records.models import LinkKind, OffenceCategory, RecordKind, SubjectCategory

AGENCY_CODE = r"^[A-Z0-9][A-Z0-9-]{1,31}$"
REASON_MIN = 10


def _blank_to_none(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


class RecordIn(Input):
    """A record as its owner enters it. `particulars` are checked against the kind's
    fields (see `records.particulars`)."""

    kind: RecordKind
    particulars: dict[str, str] = Field(description="Names and numbers as entered, any script.")
    subject_category: SubjectCategory
    purpose: Text = Field(min_length=1, max_length=2000)
    legal_basis: Text = Field(min_length=1, max_length=2000)
    offence_article: str | None = Field(default=None, max_length=200)
    offence_category: OffenceCategory | None = None
    handling_code: HandlingCode = HandlingCode.H0
    handling_note: str | None = Field(default=None, max_length=500)
    tlp: Tlp = Tlp.AMBER
    source_grade: SourceGrade = SourceGrade.B
    information_grade: InformationGrade = InformationGrade.TWO
    is_minor: bool = False
    smuggled_migrant: bool = Field(
        default=False, description="A smuggled migrant is recorded as a victim or witness."
    )
    factual_indications: Text | None = Field(
        default=None, max_length=4000, description="Required for a potential offender."
    )
    refuge_from: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{2,3}$",
        description="ISO code of the member state the person fled (refugee or asylum status).",
    )
    hit_agencies: list[str] | None = Field(
        default=None,
        max_length=30,
        description="Agency codes that may receive hits; leave out for every member agency.",
    )

    @model_validator(mode="after")
    def _rules(self) -> RecordIn:
        self.purpose = self.purpose.strip()
        self.legal_basis = self.legal_basis.strip()
        if not self.purpose or not self.legal_basis:
            raise ValueError(lazy("Both the purpose and the legal basis are required."))
        self.offence_article = _blank_to_none(self.offence_article)
        self.handling_note = _blank_to_none(self.handling_note)
        self.factual_indications = _blank_to_none(self.factual_indications)
        if (self.offence_article is None) != (self.offence_category is None):
            raise ValueError(
                lazy("An offence needs both its legal article and its category from the list.")
            )
        if self.handling_code is HandlingCode.H3 and self.handling_note is None:
            raise ValueError(lazy("H3 needs the restriction written out in words."))
        potential = self.subject_category is SubjectCategory.POTENTIAL_OFFENDER
        if potential and self.factual_indications is None:
            raise ValueError(lazy("A potential offender needs the factual indications recorded."))
        protected = (SubjectCategory.VICTIM, SubjectCategory.WITNESS)
        if self.smuggled_migrant and self.subject_category not in protected:
            raise ValueError(
                lazy("A smuggled migrant is recorded as a victim or a witness, never a suspect.")
            )
        return self


class RecordUpdate(RecordIn):
    version: int = Field(ge=1, description="The version last seen: a stale one gets 409.")


class ReasonIn(Input):
    reason: Text = Field(min_length=REASON_MIN, max_length=4000)


class VersionedReasonIn(ReasonIn):
    version: int = Field(ge=1)


class ExtensionIn(VersionedReasonIn):
    review_due: date


class NeutralityIn(Input):
    cleared: bool = Field(
        description="True when the case is not predominantly political, military, "
        "religious or racial in character (INTERPOL Article 3)."
    )
    reason: Text = Field(min_length=REASON_MIN, max_length=4000)


class LinkIn(Input):
    to_record: PublicRef
    kind: LinkKind


class DetailsRequestIn(Input):
    justification: Text = Field(
        min_length=REASON_MIN,
        max_length=4000,
        description="Why the details are needed: the owner decides on it.",
    )


class ReleaseIn(Input):
    note: Text = Field(min_length=REASON_MIN, max_length=4000)


class AccessRequestIn(Input):
    received_on: date
    particulars: dict[str, str] = Field(description="Who asks: a person's particulars.")


class AnswerIn(Input):
    answer: Text = Field(min_length=REASON_MIN, max_length=4000)


class AccessRequestOut(BaseModel):
    id: PublicRef
    received_on: date
    status: str
    requester: dict[str, Any] | None
    answer: str | None
    candidates: list[PublicRef]


class HitCheckIn(Input):
    confirmed: bool = Field(description="True: the same; false: not the same.")
    how: Text = Field(
        min_length=REASON_MIN, max_length=4000, description="How a person checked the hit."
    )


class RecordOut(BaseModel):
    id: PublicRef
    kind: RecordKind
    owner_agency: str
    version: int
    particulars: dict[str, Any] | None  # None once erased
    subject_category: SubjectCategory
    purpose: str
    legal_basis: str
    offence_article: str | None
    offence_category: OffenceCategory | None
    handling_code: HandlingCode
    handling_note: str | None
    tlp: Tlp
    source_grade: SourceGrade
    information_grade: InformationGrade
    is_minor: bool
    smuggled_migrant: bool
    factual_indications: str | None
    refuge_from: str | None
    hit_agencies: list[str] | None
    review_due: date
    neutrality: str
    matchable: bool
    not_matchable_because: str | None
    screen_pending: bool
    created_at: datetime
    updated_at: datetime


class RecordSummary(BaseModel):
    """A line of the owner's list: no particulars, so lists leak nothing if misused."""

    id: PublicRef
    kind: RecordKind
    subject_category: SubjectCategory
    review_due: date
    neutrality: str
    tlp: Tlp
    updated_at: datetime


class HitOut(BaseModel):
    """A hit as one side sees it. The searching agency gets the reference, the owner's
    name and the band; only the owner gets the score and the explanation."""

    reference: str
    side: str  # "searcher" or "owner"
    owner_agency: str
    searching_agency: str
    record_id: PublicRef  # the viewer's own record: the one searched with, or the one found
    kind: RecordKind
    band: str
    status: str
    score: float | None = None
    explanation: list[dict[str, Any]] | None = None
    check_note: str | None = None
    details_status: str = "none"
    # Told only to the agency whose change to its record made the safeguards forbid the
    # pair; for the other agency the hit expires in the daily sweep, with no reason given.
    withdrawn: bool = False
    details_thread: str | None = None  # the exchange request for the details
    release_thread: str | None = None  # the exchange thread that carried them
    created_at: datetime
    notice: str = "A hit is a possible match, not an identification."
