"""Request and response models of the export gate's own rows: third parties, consents and
subscriptions (the JSON API and the forms), and the overview of doors and rules."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Final

from babel import Locale
from pydantic import BaseModel, Field, field_validator

from interagency.egress.doors import DOORS, Door, Leaves
from interagency.i18n import lazy
from interagency.identity.schemas import CODE_PATTERN
from interagency.inputs import Input, PublicRef, Refused, Text

# "No single country": an international organisation, say.
NO_COUNTRY: Final = "XX"
# Codes Babel names that are no country: groupings, pseudo-territories, "unknown".
_NOT_COUNTRIES: Final = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
# A subscription lifts the daily limit, never without bound.
MAX_DAILY_LIMIT: Final = 1_000_000
BULK_DOORS: Final = tuple(door for door in Door if DOORS[door].leaves is Leaves.BULK_READ)


class ObjectKind(StrEnum):
    """The kinds of object an agency consents to let go to a third party: the `kind` of
    the items the features hand to the gate."""

    THREAD = "thread"
    RECORD = "record"
    MEETING = "meeting"
    DOCUMENT = "document"
    PROGRAMME = "programme"


class Verdict(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"


@cache
def countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of countries and territories (CLDR, through Babel)."""
    named = [str(code) for code in Locale("en").territories]
    return frozenset(
        code for code in named if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def country_name(code: str, language: str) -> str:
    if code == NO_COUNTRY:
        return str(lazy("no single country"))
    return str(Locale(language).territories.get(code) or code)


class ThirdPartyIn(Input):
    name: str = Field(min_length=1, max_length=200, description="The body's official name")
    country: str = Field(
        pattern=r"^[A-Z]{2}$",
        description='ISO 3166-1 alpha-2 code of its country, or "XX" for none',
        examples=["FR"],
    )
    legal_basis: Text = Field(
        min_length=1,
        max_length=5000,
        description="The agreement or law under which data may go there",
    )

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value != NO_COUNTRY and value not in countries():
            raise Refused(
                lazy("{code} is no ISO 3166-1 country code: write one, such as FR, or XX."),
                code=value,
            )
        return value


class ThirdPartyOut(BaseModel):
    id: PublicRef
    name: str
    country: str
    legal_basis: str | None = Field(
        default=None, description="Shown to the secretariat, supervisors and DPOs only"
    )
    entered_at: datetime
    withdrawn_at: datetime | None = None


class ConsentIn(Input):
    third_party: PublicRef
    object_kind: ObjectKind
    object_ref: PublicRef | None = Field(
        default=None, description="One object's public id; none: every object of the kind"
    )
    agency: str | None = Field(
        default=None,
        pattern=CODE_PATTERN,
        description="The consenting agency's code: only one's own (the default)",
    )


class ConsentOut(BaseModel):
    id: PublicRef
    agency: str
    third_party: PublicRef
    third_party_name: str
    object_kind: ObjectKind
    object_ref: str | None
    granted_by: str
    granted_at: datetime
    withdrawn_at: datetime | None = None


class SubscriptionIn(Input):
    reader: str = Field(
        min_length=1,
        max_length=64,
        description="Login of the reader: oneself, or a service account of one's agency",
    )
    door: Door = Field(description="A door through which objects are read in bulk")
    daily_limit: int = Field(ge=1, le=MAX_DAILY_LIMIT, description="Objects a day")
    purpose: Text = Field(min_length=1, max_length=2000)
    valid_until: date
    third_party: PublicRef | None = Field(
        default=None, description="When set, every read under the subscription goes there"
    )

    @field_validator("door")
    @classmethod
    def _bulk_door(cls, value: Door) -> Door:
        if value not in BULK_DOORS:
            raise Refused(
                lazy("A subscription is for a door read in bulk: {doors}."),
                doors=", ".join(BULK_DOORS),
            )
        return value


class DecisionIn(Input):
    decision: Verdict


class SubscriptionOut(BaseModel):
    id: PublicRef
    agency: str
    reader: str | None = Field(description="Shown within the reading agency only")
    door: Door
    daily_limit: int
    purpose: str
    valid_until: date
    third_party: PublicRef | None
    third_party_name: str | None
    status: str
    asked_by: str | None = Field(description="Shown within the reading agency only")
    asked_at: datetime
    decided_at: datetime | None
    reached: list[str] = Field(description="Codes of the agencies whose data it has read")
    may_decide: bool = Field(description="Whether the caller may approve or refuse it")
    may_end: bool = Field(description="Whether the caller may end it")


class DoorOut(BaseModel):
    door: Door
    leaves: Leaves
    formats: list[str]
    summary: str


class RuleOut(BaseModel):
    leaves: list[Leaves]
    destinations: list[str]
    tlp: list[str]
    outcome: str
    why: str


class RulesOut(BaseModel):
    doors: list[DoorOut]
    rules: list[RuleOut]
    daily_limit: int = Field(description="Objects of one door a reader may read a day")
