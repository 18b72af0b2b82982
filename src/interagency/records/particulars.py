"""What identifies each kind of record, as entered, and the keys that cross-checking
compares.

Names are kept exactly as the officer typed them, in any script; the linkage engine
reads them in every standard. Numbers (documents, plates, phones, registrations) are
compared in a normalised form, so spaces, dashes and Cyrillic look-alike capitals do not
hide a match.
"""

from __future__ import annotations

import re
from typing import Annotated, Final

from pydantic import (
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from interagency.i18n import lazy
from interagency.inputs import STORED, Input
from interagency.matching.fields import (
    IN_THE_FUTURE,
    FieldError,
    document_key,
    normalise_document,
    parse_birth_date,
    placeholder_date_reason,
)
from interagency.records.models import RecordKind

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
# ISO 3166 alpha-3, in either case (pydantic checks the pattern before upper-casing).
CountryCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^([A-Za-z]{3})?$")
]
_DIGITS: Final = re.compile(r"\D")


class Particulars(Input):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def match_keys(self) -> dict[str, str]:
        """Normalised identifiers that are a hit when two records share one
        (names are never among them: a name alone is never a hit)."""
        return {}

    def title(self) -> str:
        """What names the record on a list of its agency's: a name or a number."""
        return ""


class PersonParticulars(Particulars):
    surname: Text = ""
    given_name: Text = ""
    patronymic: Text = ""
    full_name: Text = ""  # when the parts are not known apart
    birth_date: Text = ""  # YYYY-MM-DD, DD.MM.YYYY or YYYY
    sex: Annotated[str, StringConstraints(to_upper=True, pattern=r"^[MFmf]?$")] = ""
    nationality: CountryCode = ""
    passport: Text = ""

    @field_validator("birth_date")
    @classmethod
    def _readable_date(cls, value: str, info: ValidationInfo) -> str:
        try:
            birth = parse_birth_date(value)
        except FieldError:
            raise ValueError(
                lazy("Write the date as DD.MM.YYYY, YYYY-MM-DD or the year alone, a real date.")
            ) from None
        # Nobody is born tomorrow: a year like 2099 is a slip, refused where it is typed.
        # A value stored before this rule is shown as it is (cross-checking ignores it).
        to_come = birth is not None and placeholder_date_reason(birth) == IN_THE_FUTURE
        if to_come and info.context != STORED:
            raise ValueError(lazy("A date of birth cannot be in the future."))
        return value

    @model_validator(mode="after")
    def _named(self) -> PersonParticulars:
        if not (self.full_name or self.surname or self.given_name):
            raise ValueError(lazy("A person needs a surname, a given name or a full name."))
        return self

    def title(self) -> str:
        """The whole name as entered: the full name, or the parts in the usual order."""
        if self.full_name:
            return self.full_name
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)

    def as_person_row(self, row_id: str) -> dict[str, str]:
        """The columns of the linkage engine (`matching.features.INPUT_COLUMNS`)."""
        return {
            "id": row_id,
            "full_name": self.full_name,
            "given_name": self.given_name,
            "patronymic": self.patronymic,
            "surname": self.surname,
            "birth_date": self.birth_date,
            "sex": self.sex,
            "nationality": self.nationality,
            "passport": self.passport,
        }


class DocumentParticulars(Particulars):
    document_type: Annotated[
        str,
        StringConstraints(
            pattern=r"^(passport|id_card|travel_document|residence_permit|visa|other)$"
        ),
    ] = "passport"
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    issuing_country: CountryCode = ""
    holder_name: Text = ""

    def title(self) -> str:
        return f"{self.issuing_country} {self.number}".strip()

    def match_keys(self) -> dict[str, str]:
        # A placeholder number (000000) is no number: it would tie strangers together.
        number = document_key(self.number)
        return {"document": f"{self.issuing_country}:{number}"} if number else {}


class VehicleParticulars(Particulars):
    plate: Text = ""
    registration_country: CountryCode = ""
    vin: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] = ""
    make_model: Text = ""

    def title(self) -> str:
        plate = f"{self.registration_country} {self.plate}".strip()
        return plate if self.plate else self.vin

    def match_keys(self) -> dict[str, str]:
        keys = {}
        if vin := document_key(self.vin):
            keys["vin"] = vin
        if plate := normalise_document(self.plate):
            keys["plate"] = f"{self.registration_country}:{plate}"
        return keys


class PhoneParticulars(Particulars):
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=32)]
    imei: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""

    @field_validator("number")
    @classmethod
    def _dialable(cls, value: str) -> str:
        if not 7 <= len(_DIGITS.sub("", value)) <= 15:
            raise ValueError(lazy("A phone number has 7 to 15 digits, with its country code."))
        return value

    def title(self) -> str:
        return self.number

    def match_keys(self) -> dict[str, str]:
        keys = {"phone": normalise_phone(self.number)}
        if imei := _DIGITS.sub("", self.imei):
            keys["imei"] = imei[:14]  # the 15th digit is a check digit, often left out
        return keys


class OrganisationParticulars(Particulars):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    registration_number: Text = ""
    country: CountryCode = ""

    def title(self) -> str:
        return self.name

    def match_keys(self) -> dict[str, str]:
        number = document_key(self.registration_number)
        return {"registration": f"{self.country}:{number}"} if number else {}


PARTICULARS: Final[dict[RecordKind, type[Particulars]]] = {
    RecordKind.PERSON: PersonParticulars,
    RecordKind.DOCUMENT: DocumentParticulars,
    RecordKind.VEHICLE: VehicleParticulars,
    RecordKind.PHONE: PhoneParticulars,
    RecordKind.ORGANISATION: OrganisationParticulars,
}


def normalise_phone(number: str) -> str:
    """Digits in international form: 00 or + dropped, and the national trunk 8 of Russia
    and Kazakhstan (8 7xx ...) written as their country code 7."""
    digits = _DIGITS.sub("", number)
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    return digits
