"""Identifiers written in each state's habits resolve to one key.

Expected keys are written by hand from the numbering plans and plate formats, not
computed by the code under test."""

from __future__ import annotations

import pytest

from interagency.channels.identifiers import (
    document_key,
    document_series,
    phone_key,
    plate_key,
    transfer_key,
)

# --- Phones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "agency"),
    [
        ("8 (916) 123-45-67", "RUS"),  # trunk prefix 8
        ("+7 916 123 45 67", "RUS"),
        ("9161234567", "RUS"),  # national number without trunk prefix
        ("79161234567", "RUS"),  # country code without "+"
        ("007 916 123-45-67", "RUS"),  # "00" in place of "+"
        ("8 10 7 916 1234567", "RUS"),  # Russia's own international prefix
        ("+7 916 123 45 67", "KAZ"),  # a Russian number written in Kazakhstan
    ],
)
def test_russian_phone_writings_give_one_e164(raw: str, agency: str) -> None:
    assert phone_key(raw, agency) == "+79161234567"


@pytest.mark.parametrize(
    ("raw", "agency"),
    [
        ("8 (701) 123-45-67", "KAZ"),
        ("87011234567", "KAZ"),
        ("+7 701 123 45 67", "KAZ"),
        ("00 7 701 1234567", "KAZ"),
        ("701.123.45.67", "KAZ"),
        ("+7 (701) 123-45-67", "UZB"),  # a Kazakh number written in Uzbekistan
        ("8 701 123 45 67", "RUS"),  # Russia and Kazakhstan share +7 and the trunk 8
    ],
)
def test_kazakh_phone_writings_give_one_e164(raw: str, agency: str) -> None:
    assert phone_key(raw, agency) == "+77011234567"


@pytest.mark.parametrize(
    ("raw", "agency"),
    [
        ("90 123 45 67", "UZB"),
        ("(90) 123-45-67", "UZB"),
        ("+998 90 123-45-67", "UZB"),
        ("00998901234567", "UZB"),
        ("998 90 1234567", "UZB"),
        ("+998901234567", "KAZ"),
        ("00 998 90 123 45 67", "RUS"),
    ],
)
def test_uzbek_phone_writings_give_one_e164(raw: str, agency: str) -> None:
    assert phone_key(raw, agency) == "+998901234567"


@pytest.mark.parametrize(
    ("raw", "agency"),
    [
        ("050 123 45 67", "AZE"),  # trunk prefix 0
        ("(050) 123-45-67", "AZE"),
        ("+994 50 123 45 67", "AZE"),
        ("00994 50 123 45 67", "AZE"),
        ("+994501234567", "GEO"),
    ],
)
def test_azerbaijani_phone_writings_give_one_e164(raw: str, agency: str) -> None:
    assert phone_key(raw, agency) == "+994501234567"


@pytest.mark.parametrize(
    ("raw", "agency"),
    [
        ("555 12 34 56", "GEO"),
        ("0 555 12 34 56", "GEO"),  # the former trunk prefix 0
        ("+995 555 12-34-56", "GEO"),
        ("00995555123456", "GEO"),
        ("+995 555 123 456", "AZE"),
    ],
)
def test_georgian_phone_writings_give_one_e164(raw: str, agency: str) -> None:
    assert phone_key(raw, agency) == "+995555123456"


@pytest.mark.parametrize(
    ("raw", "agency"),
    [
        ("", "KAZ"),
        ("   ", "KAZ"),
        ("12", "RUS"),  # too short
        ("8 701", "KAZ"),
        ("+7 916 123", "RUS"),
        ("+7 916 123 45 67 +7", "RUS"),  # a second "+"
        ("8-800-FLOWERS", "RUS"),  # letters are a note, not a vanity number
        ("тел. 8 701 123 45 67", "KAZ"),
        ("A123BC77", "RUS"),  # a plate typed into the phone column
        ("87011234567", "XXX"),  # no state to read a national number by
    ],
)
def test_what_is_not_a_possible_phone_has_no_key(raw: str, agency: str) -> None:
    assert phone_key(raw, agency) is None


def test_a_number_with_its_country_code_needs_no_reporting_state() -> None:
    assert phone_key("+77011234567", "XXX") == "+77011234567"


# --- Plates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("А123ВС 77", "RUS"),  # Cyrillic look-alikes
        ("А 123 ВС 77 RUS", "RUS"),  # with the mark of the plate's band
        ("a123bc-77", "KAZ"),  # Latin, lower case
        ("а123вс|77", "UZB"),  # Cyrillic lower case, "|" for the band's line
        ("A.123.BC.77", "GEO"),
        ("A123BC77RUS", "KAZ"),  # mark glued on
        ("A123BC77 RU", "BLR"),
    ],
)
def test_a_russian_plate_in_cyrillic_and_latin_gives_one_key(raw: str, country: str) -> None:
    assert plate_key(raw, country) == "A123BC77"


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("01 A 123 BC", "UZB"),
        ("01 A 123 BC UZ", "UZB"),
        ("01 А 123 ВС", "KAZ"),  # typed in Kazakhstan with Cyrillic letters
        ("01A123BC UZ", "KAZ"),
        ("01A123BCUZ", "KAZ"),  # mark glued on: the rest is an Uzbek plate
        ("UZ 01-A-123-BC", "RUS"),
    ],
)
def test_an_uzbek_car_reported_by_two_states_gives_one_key(raw: str, country: str) -> None:
    assert plate_key(raw, country) == "01A123BC"


@pytest.mark.parametrize(
    ("raw", "country", "key"),
    [
        ("KZ 123 ABC 02", "KAZ", "123ABC02"),
        ("123АВС02 KZ", "RUS", "123ABC02"),
        ("BY 1234 AB-7", "BLR", "1234AB7"),
        ("1234 АВ-7", "RUS", "1234AB7"),
        ("10-AB-123 AZ", "GEO", "10AB123"),
        # A Georgian plate that begins with the letters of Azerbaijan's mark keeps them.
        ("AZ-123-BC", "AZE", "AZ123BC"),
        ("AZ-123-BC", "GEO", "AZ123BC"),
        # A mark written apart is taken off even from a plate of an unlisted format.
        ("123D456 RUS", "KAZ", "123D456"),
        ("RUS", "RUS", "RUS"),  # nothing but a mark: nothing to take it off from
    ],
)
def test_country_marks_are_taken_off_plates(raw: str, country: str, key: str) -> None:
    assert plate_key(raw, country) == key


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " - . | ",
        "Б123ВГ77",  # Cyrillic letters that are no Latin letter's look-alike
        "A123BC77/",
        "Ä123BC77",
        "A１２３BC77",  # full-width digits
    ],
)
def test_what_cannot_be_compared_as_a_plate_has_no_key(raw: str) -> None:
    assert plate_key(raw, "RUS") is None


# --- Documents and transfers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("AB 1234567", "AB1234567"),
        ("АВ № 123-45-67", "AB1234567"),  # Cyrillic look-alikes and the numero sign
        ("ab/1234567", "AB1234567"),
        ("45 12 345678", "4512345678"),
        ("ІІ-АГ 123456", "IIAГ123456"),  # "Г" has no Latin look-alike and stays
    ],
)
def test_document_numbers_are_normalised(raw: str, key: str) -> None:
    assert document_key(raw) == key


@pytest.mark.parametrize("raw", ["", " № - / "])
def test_a_document_without_letter_or_digit_has_no_key(raw: str) -> None:
    assert document_key(raw) is None


@pytest.mark.parametrize(
    ("raw", "series"),
    [
        ("AB 1234567", "AB12345"),
        ("АВ 1234599", "AB12345"),  # the same batch, written in Cyrillic
        ("45 12 345678", "45123456"),
        ("C 123456", "C1234"),  # six digits: the least that makes a series
        ("X-12-Y-3456", "XY1234"),  # letters in order, then digits in order
    ],
)
def test_a_documents_series_drops_the_last_two_digits(raw: str, series: str) -> None:
    assert document_series(raw) == series


@pytest.mark.parametrize("raw", ["AB 12345", "ABC", "", "123"])
def test_short_numbers_have_no_series(raw: str) -> None:
    assert document_series(raw) is None


def test_two_forged_copies_of_one_batch_share_a_series_not_a_key() -> None:
    first, second = "AB 1234501", "АВ1234577"
    assert document_key(first) != document_key(second)
    assert document_series(first) == document_series(second) == "AB12345"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("123-456-7890", "1234567890"),
        ("mtcn 123 456 7890", "MTCN1234567890"),
        ("ВК 0042", "BK0042"),
    ],
)
def test_transfer_references_are_upper_case_alphanumeric(raw: str, key: str) -> None:
    assert transfer_key(raw) == key


@pytest.mark.parametrize("raw", ["", "--", "ДЕ-12", "É12"])
def test_what_is_not_a_transfer_reference_has_no_key(raw: str) -> None:
    assert transfer_key(raw) is None
