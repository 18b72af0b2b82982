"""Splitting names into parts: orders, commas, patronymics and Turkic markers."""

from __future__ import annotations

import pytest

from interagency.matching.names import NameParts, name_from_parts, parse_name

CASES = [
    ("Абдуллаев Мухаммад Ахмедович", NameParts("Мухаммад", "Ахмедович", "Абдуллаев", "m")),
    ("Muhammad Abdullaev", NameParts("Muhammad", "", "Abdullaev")),
    ("ABDULLAEV, Mukhammad", NameParts("Mukhammad", "", "ABDULLAEV")),
    ("Abdoullaev Mouhammad", NameParts("Mouhammad", "", "Abdoullaev")),
    (
        "Abdullayev Məhəmməd Əhməd oğlu",
        NameParts("Məhəmməd", "Əhməd oğlu", "Abdullayev", "m"),
    ),
    (
        "Abdullaev Muhammad Ahmad oʻgʻli",
        NameParts("Muhammad", "Ahmad oʻgʻli", "Abdullaev", "m"),
    ),
    ("Aliyeva Leyla Kamal qizi", NameParts("Leyla", "Kamal qizi", "Aliyeva", "f")),
    ("Иванова Марина Петровна", NameParts("Марина", "Петровна", "Иванова", "f")),
    ("Marina Ivanova", NameParts("Marina", "", "Ivanova")),
    ("Abdullaev M.A.", NameParts("M", "A", "Abdullaev")),
    ("Ali Hasanov Akhmed-ogly", NameParts("Ali", "Akhmed ogly", "Hasanov", "m")),
    ("Yerzhan Nurlanuly Bekov", NameParts("Yerzhan", "Nurlanuly", "Bekov", "m")),
    ("Нурлан Ержанұлы", NameParts("Нурлан", "", "Ержанұлы", "m")),
    ("Giorgi Shevardnadze", NameParts("Giorgi", "", "Shevardnadze")),
    ("Հարությունյան Արամ", NameParts("Արամ", "", "Հարությունյան")),
    ("Ter-Petrosyan Levon", NameParts("Levon", "", "Ter-Petrosyan")),
    ("RƏHIMOV ELVIN QUSEYNOVIÇ", NameParts("ELVIN", "QUSEYNOVIÇ", "RƏHIMOV", "m")),
    ("Иван Петрович", NameParts("Иван", "Петрович", "", "m")),
    ("ABDULLAEV, Mukhammad Akhmedovich", NameParts("Mukhammad", "Akhmedovich", "ABDULLAEV", "m")),
    ("Абдуллаев", NameParts("", "", "Абдуллаев")),
    ("", NameParts()),
]


@pytest.mark.parametrize(("entered", "parts"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_parse_name(entered: str, parts: NameParts) -> None:
    assert parse_name(entered) == parts


def test_hints_from_the_data_settle_an_order_the_endings_cannot() -> None:
    # A typo hides the -ov ending; the data shows Serik is a given name.
    assert parse_name("Sultancw Serik").surname == "Serik"
    hinted = parse_name("Sultancw Serik", given_hints=frozenset({"serik"}))
    assert (hinted.given, hinted.surname) == ("Serik", "Sultancw")


def test_separate_columns_read_the_gender_of_the_patronymic() -> None:
    assert name_from_parts("Leyla", "Kamal qızı", "Aliyeva").patronymic_gender == "f"
    assert name_from_parts("Ivan", "Petrovich", "Ivanov").patronymic_gender == "m"
    assert name_from_parts(" Ivan ", "", "Ivanov") == NameParts("Ivan", "", "Ivanov")
