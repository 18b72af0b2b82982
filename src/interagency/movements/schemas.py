"""Request and response models of fighters' profiles, border crossings and alerts.

A crossing has no field that selects travellers by nationality, religion or ethnicity,
and none is accepted: what an agency submits is chosen by crossing point, route or
carrier, on its side."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    model_validator,
)

from interagency.i18n import lazy
from interagency.inputs import Input, Line, Text
from interagency.movements.models import Direction, FighterStatus, Protection
from interagency.movements.policy import UN_1267_GROUPS
from interagency.records.particulars import PersonParticulars

Alpha3 = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")
]
BASIS_MIN = 20


class ProfileIn(Input):
    """What makes one of the agency's person records a fighter's profile."""

    status: FighterStatus
    conflict_zone: Alpha3 = Field(description="ISO 3166 alpha-3 of the conflict's country.")
    departed_on: date | None = None
    returned_on: date | None = None
    status_since: date
    basis: Text = Field(
        min_length=BASIS_MIN,
        max_length=4000,
        description="Specific acts or travel, with dates: never beliefs or associations.",
    )
    basis_dated: date = Field(description="The date of the latest act or travel stated.")
    un_group: str | None = Field(
        default=None, description="A group on the UN 1267 list, by its reference (QDe.115)."
    )

    @model_validator(mode="after")
    def _rules(self) -> ProfileIn:
        today = date.today()
        if self.un_group is not None and self.un_group not in UN_1267_GROUPS:
            raise ValueError(lazy("Choose a group of the UN 1267 list, or none."))
        for when in (self.departed_on, self.returned_on, self.status_since, self.basis_dated):
            if when is not None and when > today:
                raise ValueError(lazy("A date of the profile cannot be in the future."))
        if self.departed_on and self.returned_on and self.returned_on < self.departed_on:
            raise ValueError(lazy("The return cannot come before the departure."))
        returned = (FighterStatus.RETURNED, FighterStatus.DETAINED, FighterStatus.PROSECUTED)
        if self.status in returned and self.returned_on is None:
            raise ValueError(lazy("A returned, detained or prosecuted fighter has a return date."))
        return self


class ProfileOut(BaseModel):
    record_id: str
    title: str
    status: FighterStatus
    conflict_zone: str
    departed_on: date | None
    returned_on: date | None
    status_since: date
    basis: str
    basis_dated: date
    un_group: str | None
    review_due: date
    # Whether other states' borders screen against it now, and if not, what stops it.
    screened: bool
    waiting_for: str | None


class CrossingIn(Input):
    """One border-crossing event, as on the traveller's document. No other field is
    accepted: there is no selector by nationality, religion or ethnicity."""

    model_config = ConfigDict(extra="forbid")
    _traveller: PersonParticulars | None = PrivateAttr(default=None)

    surname: Line = Field(min_length=1, max_length=200)
    given_name: Line = Field(default="", max_length=200)
    patronymic: Line = Field(default="", max_length=200)
    birth_date: Line = Field(default="", max_length=10, description="YYYY-MM-DD or DD.MM.YYYY")
    sex: Annotated[str, StringConstraints(to_upper=True, pattern=r"^[MFmf]?$")] = ""
    document_number: Line = Field(min_length=1, max_length=40)
    document_country: Alpha3
    occurred_at: AwareDatetime
    crossing_point: Line = Field(min_length=1, max_length=120)
    direction: Direction
    carrier: Line = Field(default="", max_length=120)
    service: Line = Field(default="", max_length=40, description="Flight or train number.")
    protection: Protection = Protection.NONE
    protection_from: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{2,3}$",
        description="ISO code of the member state the traveller fled (asylum or refugee).",
    )

    @model_validator(mode="after")
    def _rules(self) -> CrossingIn:
        if (self.protection is Protection.NONE) != (self.protection_from is None):
            raise ValueError(
                lazy("Name the state the traveller fled exactly when asylum or refuge is given.")
            )
        if self.occurred_at > datetime.now(self.occurred_at.tzinfo):
            raise ValueError(lazy("A crossing cannot be in the future."))
        try:
            self.traveller()
        except ValidationError:
            raise ValueError(
                lazy("Write the date of birth as DD.MM.YYYY, YYYY-MM-DD or the year alone.")
            ) from None
        return self

    def traveller(self) -> PersonParticulars:
        """The traveller as the engine compares them: the document's number and country
        stand for a record's passport and nationality (made once: a manifest asks for it
        at each of its steps)."""
        if self._traveller is None:
            self._traveller = self._traveller_now()
        return self._traveller

    def _traveller_now(self) -> PersonParticulars:
        return PersonParticulars(
            surname=self.surname,
            given_name=self.given_name,
            patronymic=self.patronymic,
            birth_date=self.birth_date,
            sex=self.sex,
            passport=self.document_number,
            nationality=self.document_country,
        )


class JourneyIn(BaseModel):
    """The crossing's place and route, sealed apart from the traveller's particulars."""

    crossing_point: str
    document_country: str
    carrier: str = ""
    service: str = ""


class HitLine(BaseModel):
    reference: str
    owner_agency: str
    band: str


class CrossingOut(BaseModel):
    """What the submitting agency learns of a crossing it screened: its reference and,
    for each hit, the reference, the profile's holder and the band."""

    reference: str
    screened: bool
    hits: list[HitLine]


class AlertOut(BaseModel):
    hit: str
    profile_record: str
    title: str
    direction: Direction
    occurred_on: date
    raised_at: datetime
    due_at: datetime
    overdue: bool
    taken_up: bool
    submitted_by: str


class CountRow(BaseModel):
    state: str
    month: str  # YYYY-MM
    # None: fewer than 5.
    departures: int | None
    returns: int | None


class ReleaseIn(Input):
    note: Text = Field(default="", max_length=2000)
