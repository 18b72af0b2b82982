from __future__ import annotations

import pytest

from interagency.matching.fields import (
    FieldError,
    PartialDate,
    normalise_country,
    normalise_document,
    normalise_sex,
    parse_birth_date,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1980-03-05", PartialDate(1980, 3, 5)),
        ("05.03.1980", PartialDate(1980, 3, 5)),
        ("5.3.1980", PartialDate(1980, 3, 5)),
        ("19800305", PartialDate(1980, 3, 5)),
        ("1980", PartialDate(1980)),
        ("1980-00-00", PartialDate(1980)),
        (" ", None),
    ],
)
def test_birth_date_formats(value: str, expected: PartialDate | None) -> None:
    assert parse_birth_date(value) == expected


@pytest.mark.parametrize("value", ["31.02.1980", "1980/03/05", "March 1980", "80", "1980-13-01"])
def test_unreadable_birth_dates_are_errors(value: str) -> None:
    with pytest.raises(FieldError, match=r"1980|80"):
        parse_birth_date(value)


def test_partial_date_has_no_iso_form() -> None:
    assert PartialDate(1980).iso is None
    assert PartialDate(1980, 3, 5).iso == "1980-03-05"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("AB 123456", "AB123456"), ("ab-123-456", "AB123456"), ("АВ123456", "AB123456"), ("", "")],
)
def test_document_numbers(value: str, expected: str) -> None:
    assert normalise_document(value) == expected


def test_sex_and_country() -> None:
    assert [normalise_sex(v) for v in ("M", "f", "Ж", "муж", "x", "")] == [
        "M",
        "F",
        "F",
        "M",
        "",
        "",
    ]
    assert normalise_country(" uzb ") == "UZB"
