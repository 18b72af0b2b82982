"""Reading a whole file's person fields: unusable values become missing and are listed."""

from __future__ import annotations

import pandas as pd
import pytest

from interagency.matching.cleaning import DateColumn, Why, clean_people
from interagency.matching.features import InputError, person_features

# A column written mostly in the CIS habit, with the other formats of real extracts.
MIXED = ["11.03.1987", "02.10.1990", "1975-06-30", "19620115", "1987-03-11 00:00:00", "25.12.1970"]


@pytest.mark.parametrize(
    ("value", "expected", "kind"),
    [
        ("11.03.1987", "1987-03-11", None),
        ("1975-06-30", "1975-06-30", None),
        ("19620115", "1962-01-15", None),
        ("1987-03-11 00:00:00", "1987-03-11", None),
        ("1987", "1987", None),
        ("1980-00-00", "1980", None),
        ("05.1987", "1987", None),
        ("", "", None),
        ("19450493", "", Why.UNREADABLE),
        ("31.02.1980", "", Why.UNREADABLE),
        ("12.03.87", "", Why.UNREADABLE),
        ("yesterday", "", Why.UNREADABLE),
        ("2099-05-06", "", Why.UNREADABLE),
        ("0000-00-00", "", Why.PLACEHOLDER),
        ("00.00.0000", "", Why.PLACEHOLDER),
        ("1900-01-01", "", Why.PLACEHOLDER),
        ("N/A", "", Why.PLACEHOLDER),
        ("01.01.1980", "1980-01-01", None),  # a birthday: the column has no such habit
    ],
)
def test_dates_of_a_mixed_column(value: str, expected: str, kind: Why | None) -> None:
    reading = DateColumn.learn([*MIXED, value]).read(value)
    assert (reading.value, reading.kind) == (expected, kind)
    assert bool(reading.why) == (kind is not None)


def test_slashed_dates_follow_the_order_the_column_shows() -> None:
    day_first = DateColumn.learn(["25/04/1987", "03/04/1990", "13/12/2001"])
    assert day_first.read("03/04/1990").value == "1990-04-03"
    month_first = DateColumn.learn(["04/25/1987", "03/04/1990", "12/13/2001"])
    assert month_first.read("03/04/1990").value == "1990-03-04"
    # An unambiguous one is read whichever order the column prefers.
    assert month_first.read("25/04/1987").value == "1987-04-25"


def test_an_ambiguous_slashed_date_keeps_its_year_when_the_column_does_not_say() -> None:
    unsettled = DateColumn.learn(["03/04/1990", "1987-03-11"])
    reading = unsettled.read("03/04/1990")
    assert (reading.value, reading.kind) == ("1990", Why.PARTIAL)
    # Day and month equal: no ambiguity.
    assert unsettled.read("04/04/1990").value == "1990-04-04"


def test_a_column_that_writes_1_january_for_year_only_keeps_only_the_year() -> None:
    # 4 of 40 births on 1 January, thirty times a day's share: a registry's habit.
    days = [f"{day:02d}.{month:02d}.19{60 + day}" for day in range(2, 28) for month in (3, 7)]
    habit = DateColumn.learn(
        [*days[:36], *["01.01.1971", "01.01.1984", "01.01.1990", "01.01.1966"]]
    )
    reading = habit.read("01.01.1984")
    assert (reading.value, reading.kind) == ("1984", Why.PARTIAL)
    assert habit.read("02.03.1962").value == "1962-03-02"
    # The same four among two thousand dates are a day's share: birthdays.
    many = [
        f"{day:02d}.{month:02d}.19{50 + n % 40}"
        for n in range(80)
        for day in range(2, 27)
        for month in (n % 12 + 1,)
    ]
    usual = DateColumn.learn([*many, "01.01.1971", "01.01.1984", "01.01.1990", "01.01.1966"])
    assert usual.read("01.01.1984").value == "1984-01-01"


def _table(**columns: list[str]) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    return pd.DataFrame({"id": [str(i) for i in range(1, size + 1)], **columns}, dtype="string")


def test_a_file_with_every_kind_of_dirty_value_keeps_every_row() -> None:
    table = _table(
        full_name=["Иванов Иван", "N/A", "FNU Petrov", "Ким Ирина"],
        birth_date=["19450493", "1987-03-11", "0000-00-00", "01.01.1980"],
        sex=["M", "X", "female", "?!"],
        nationality=["RUS", "XXX", "Russia", "kaz"],
        passport=["000000", "AB1234567", "n/a", "123456789"],
    )
    cleaned = clean_people(table)
    assert len(cleaned.table) == 4
    aside = {(e.row, e.column): (e.value, e.kind, e.kept) for e in cleaned.set_aside}
    assert aside == {
        (1, "birth_date"): ("19450493", Why.UNREADABLE, ""),
        (1, "passport"): ("000000", Why.PLACEHOLDER, ""),
        (2, "full_name"): ("N/A", Why.PLACEHOLDER, ""),
        (2, "sex"): ("X", Why.PLACEHOLDER, ""),
        (2, "nationality"): ("XXX", Why.PLACEHOLDER, ""),
        (3, "birth_date"): ("0000-00-00", Why.PLACEHOLDER, ""),
        (3, "nationality"): ("Russia", Why.UNREADABLE, ""),
        (3, "passport"): ("n/a", Why.PLACEHOLDER, ""),
        (4, "sex"): ("?!", Why.UNREADABLE, ""),
        (4, "passport"): ("123456789", Why.PLACEHOLDER, ""),
    }
    assert cleaned.counts()["birth_date"] == {"unreadable": 1, "placeholder": 1}
    # What is left is what the engine reads, and it reads all of it.
    features = person_features(cleaned.table)
    assert features["dob"].tolist()[:3] == [None, "1987-03-11", None]
    assert features["dob"].tolist()[3] == "1980-01-01"
    assert features["passport"].tolist() == [None, "AB1234567", None, None]
    assert features["nationality"].tolist() == ["RUS", None, None, "KAZ"]
    assert features["sex"].tolist() == ["M", None, "F", None]
    assert features["surname_sp"].tolist()[2] is not None  # Petrov, without FNU


def test_strict_refuses_what_cannot_be_read_but_not_placeholders() -> None:
    placeholders = _table(full_name=["Ivan Ivanov"], birth_date=["1900-01-01"], passport=["0000"])
    assert len(clean_people(placeholders, strict=True).set_aside) == 2
    impossible = _table(full_name=["Ivan Ivanov", "Petr Petrov"], birth_date=["1980", "19450493"])
    with pytest.raises(InputError) as refused:
        clean_people(impossible, strict=True)
    assert (refused.value.row, refused.value.column, refused.value.value) == (
        2,
        "birth_date",
        "19450493",
    )
    assert "day 93" in str(refused.value)


def test_two_placeholder_passports_are_not_the_same_document() -> None:
    features = person_features(
        clean_people(_table(full_name=["Ali Karimov", "Oleg Orlov"], passport=["000000"] * 2)).table
    )
    assert features["passport"].isna().all()
