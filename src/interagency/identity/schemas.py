"""Request and response models of the identity feature."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from interagency.errors import InvalidInput
from interagency.i18n import lazy
from interagency.identity.models import AgencyKind, Role
from interagency.inputs import Input, PublicRef, Secret, Text
from interagency.outbox.addresses import normalise_address

LOGIN_PATTERN = r"^[a-z][a-z0-9._-]{2,63}$"
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{1,31}$"


def checked_email(value: str | None) -> str | None:
    """The address normalised, None for blank; a ValueError saying what to fix otherwise."""
    if value is None or not value.strip():
        return None
    try:
        return normalise_address(value)
    except InvalidInput as exc:
        raise ValueError(exc.message.format(**exc.params)) from None


class MemberStateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    iso_alpha2: str = Field(description="ISO 3166-1 alpha-2 code", examples=["KZ"])
    iso_alpha3: str = Field(description="ISO 3166-1 alpha-3 code", examples=["KAZ"])
    name_ru: str
    name_en: str
    timezone: str = Field(description="IANA time zone of the capital", examples=["Asia/Almaty"])


class MemberStateIn(Input):
    iso_alpha2: str = Field(pattern=r"^[A-Z]{2}$")
    iso_alpha3: str = Field(pattern=r"^[A-Z]{3}$")
    name_ru: str = Field(min_length=1, max_length=120)
    name_en: str = Field(min_length=1, max_length=120)
    timezone: str = Field(min_length=1, max_length=64)


class DeskIn(Input):
    code: str = Field(pattern=CODE_PATTERN, description="Short code, e.g. CT", examples=["CT"])
    name_ru: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)


class DeskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name_ru: str
    name_en: str


class AgencyIn(Input):
    code: str = Field(pattern=CODE_PATTERN, examples=["KZ-KNB"])
    kind: AgencyKind = AgencyKind.MEMBER_AGENCY
    member_state: str | None = Field(
        default=None, pattern=r"^[A-Z]{2}$", description="ISO code; required for member agencies"
    )
    name_ru: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    desks: list[DeskIn] = Field(default_factory=list, max_length=50)


class ListedUserOut(BaseModel):
    """A person their agency lists in the directory: other agencies may address them by name."""

    login: str
    full_name: str


class AgencyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    kind: AgencyKind
    member_state: str | None
    name_ru: str
    name_en: str
    desks: list[DeskOut]
    users: list[ListedUserOut] = Field(
        default_factory=list,
        description="Active people the agency lists in the directory, whom other agencies "
        "may address by name",
    )


PERSONNEL_NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$"


class AccountIn(Input):
    """A new account as it is asked for: it opens only when the agency's supervisor
    approves, and its user then sets the password through an enrolment link."""

    login: str = Field(pattern=LOGIN_PATTERN, description="Lower-case letters, digits, . _ -")
    full_name: str = Field(min_length=1, max_length=200)
    agency: str = Field(pattern=CODE_PATTERN, description="Code of the user's agency")
    # Before the personnel number, whose check depends on it.
    service: bool = Field(default=False, description="A system's account: no password, tokens only")
    personnel_number: str | None = Field(
        default=None,
        pattern=PERSONNEL_NUMBER_PATTERN,
        description="The agency's personnel number of the person (one account per number); "
        "none for a service account",
        examples=["0042-17"],
        validate_default=True,  # a person without one is refused, not let through
    )
    desks: list[str] = Field(min_length=1, max_length=20, description="Desk codes in the agency")
    roles: list[Role] = Field(min_length=1, max_length=len(Role))
    email: str | None = Field(
        default=None, max_length=254, description="Address for e-mail notifications"
    )

    @field_validator("login", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("personnel_number", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("email")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        return checked_email(value)

    @field_validator("personnel_number")
    @classmethod
    def _number_for_people_only(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A rule of this field (not of the whole account), so a form shows it beside it.
        if "service" not in info.data:
            return value  # the kind of account is wrong itself, and said so
        if info.data["service"] and value is not None:
            raise ValueError(lazy("A service account has no personnel number: leave it empty."))
        if not info.data["service"] and value is None:
            raise ValueError(lazy("Give the person's personnel number in the agency."))
        return value


class AccountRequestIn(AccountIn):
    reason: Text = Field(min_length=10, max_length=1000, description="Why the account is needed")


class UserIn(AccountIn):
    """An account loaded inside the installation with a known password (the demo)."""

    password: Secret = Field(min_length=12, max_length=256)
    listed_in_directory: bool = False


class ChangeRequestOut(BaseModel):
    id: PublicRef
    change: str
    status: str
    agency: str
    login: str | None
    requested_by: str | None = Field(description="Login of the asker; none for the operator")
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None


class UserOut(BaseModel):
    id: PublicRef
    login: str
    full_name: str
    agency: str
    personnel_number: str | None = None
    service: bool = False
    pending: bool = Field(default=False, description="Asked for, not approved yet")
    refused: bool = False
    desks: list[str]
    roles: list[Role]
    second_factor: bool
    disabled_at: datetime | None
    email: str | None = None
    listed_in_directory: bool = Field(
        default=False, description="Listed in the directory: other agencies may address by name"
    )


class DirectoryListingIn(Input):
    model_config = ConfigDict(extra="forbid")

    listed: bool = Field(
        description="True lists the person in the directory (other agencies may then address "
        "them by name); false takes them off"
    )


class TokenIn(Input):
    name: str = Field(min_length=1, max_length=100)
    days: int = Field(default=90, ge=1, le=365)


class TokenOut(BaseModel):
    id: PublicRef
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class IssuedTokenOut(TokenOut):
    secret: str = Field(description="Shown once: store it now, it cannot be shown again")


class WhoAmI(BaseModel):
    login: str
    full_name: str
    agency: str
    roles: list[Role]
    desks: list[str]
