"""What the records compare: numbers normalised, names never."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from interagency.records.particulars import (
    DocumentParticulars,
    OrganisationParticulars,
    PersonParticulars,
    PhoneParticulars,
    VehicleParticulars,
    normalise_phone,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("+7 701 555 12 34", "77015551234"), ("8 (701) 555-12-34", "77015551234"),
     ("00996 555 123 456", "996555123456"), ("+996555123456", "996555123456")],
)  # fmt: skip
def test_phone_numbers_are_compared_in_international_form(written: str, expected: str) -> None:
    assert normalise_phone(written) == expected


def test_document_numbers_ignore_spacing_and_cyrillic_look_alikes() -> None:
    a = DocumentParticulars(number="АК 123-4567", issuing_country="aze")
    b = DocumentParticulars(number="ak1234567", issuing_country="AZE")
    assert a.match_keys() == b.match_keys() == {"document": "AZE:AK1234567"}
    other_country = DocumentParticulars(number="AK1234567", issuing_country="KAZ")
    assert other_country.match_keys() != a.match_keys()


def test_names_are_never_match_keys() -> None:
    assert PersonParticulars(surname="Гусейнов", given_name="Рашад").match_keys() == {}
    assert OrganisationParticulars(name="ООО «Транзит»").match_keys() == {}
    assert VehicleParticulars(make_model="Sprinter").match_keys() == {}


def test_bad_particulars_say_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match="surname, a given name or a full name"):
        PersonParticulars(birth_date="1985")
    with pytest.raises(ValidationError, match="a real date"):
        PersonParticulars(surname="X", birth_date="31.02.1985")
    with pytest.raises(ValidationError, match="7 to 15 digits"):
        PhoneParticulars(number="12-34")
    with pytest.raises(ValidationError, match="Extra inputs"):
        PersonParticulars.model_validate({"surname": "X", "shoe_size": "44"})


def test_a_birth_date_to_come_is_refused_where_it_is_typed() -> None:
    with pytest.raises(ValidationError, match="cannot be in the future"):
        PersonParticulars(surname="Гусейнов", birth_date="2099-01-01")
    with pytest.raises(ValidationError, match="cannot be in the future"):
        PersonParticulars(surname="Гусейнов", birth_date="2099")
    assert PersonParticulars(surname="Гусейнов", birth_date="14.03.1985").birth_date


def test_a_birth_date_to_come_stored_before_the_rule_is_still_read() -> None:
    from interagency.inputs import STORED

    stored = '{"surname": "Гусейнов", "birth_date": "2099-01-01"}'
    read = PersonParticulars.model_validate_json(stored, context=STORED)
    assert read.birth_date == "2099-01-01"
