from __future__ import annotations

from datetime import date

import pytest

from interagency.matching.fields import (
    FieldError,
    PartialDate,
    document_key,
    is_unknown_name_word,
    normalise_country,
    normalise_document,
    normalise_sex,
    parse_birth_date,
    usable_birth_date,
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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AB1234567", "AB1234567"),
        ("ab 123 4567", "AB1234567"),
        ("000000", ""),
        ("XXXXXXXX", ""),
        ("123456789", ""),
        ("1234567890", ""),
        ("N/A", ""),
        ("нет", ""),
        ("AB1", ""),
        ("", ""),
    ],
)
def test_placeholder_documents_have_no_key(value: str, expected: str) -> None:
    assert document_key(value) == expected


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (PartialDate(1987, 3, 11), PartialDate(1987, 3, 11)),
        (PartialDate(1987), PartialDate(1987)),
        (PartialDate(1987, 1, 1), PartialDate(1987, 1, 1)),  # only a file's habit says more
        (PartialDate(1900, 1, 1), None),
        (PartialDate(1901, 1, 1), None),
        (PartialDate(1970, 1, 1), PartialDate(1970, 1, 1)),  # a birthday, and Unix time 0
        (PartialDate(1899, 12, 30), None),
        (PartialDate(0), None),
        (PartialDate(2099, 5, 6), None),
        (None, None),
    ],
)
def test_placeholder_birth_dates_are_not_matched(
    birth: PartialDate | None, expected: PartialDate | None
) -> None:
    assert usable_birth_date(birth, today=date(2026, 12, 6)) == expected


def test_unknown_name_words_are_only_the_unambiguous_ones() -> None:
    assert [is_unknown_name_word(w) for w in ("FNU", "lnu", "N/A", "неизвестно")] == [True] * 4
    # Real names that also spell "none" somewhere else.
    assert [is_unknown_name_word(w) for w in ("Nil", "Nan", "Na", "Ivan")] == [False] * 4


def test_unspecified_nationality_is_missing() -> None:
    assert normalise_country("XXX") == ""
    assert normalise_country("n/a") == ""
