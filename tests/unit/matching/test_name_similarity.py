"""`name_similarity`: the probability that two names alone are one person's, on
hand-written pairs and non-pairs.

The score is calibrated at even prior odds (see `matching.names_alone`): identical
names are no longer 1.0, because namesakes share them, and a name that agrees on
its surname only still leans towards one person. The expectations below say what a
reader of names would: the same person's spellings are near certain, other people
and most relatives are unlikely, and a weak signal stays near the middle.
"""

from __future__ import annotations

import pytest

from interagency.matching import name_similarity

SAME_PERSON = [
    ("Абдуллаев Мухаммад Ахмедович", "Muhammad Abdullaev"),
    ("ABDULLAEV, Mukhammad", "Abdoullaev Mouhammad"),
    ("Abdullayev Məhəmməd Əhməd oğlu", "Abdullaev Muhammad Ahmad oʻgʻli"),
    ("Абдуллаев Мухаммад", "Abdullajew Muchammad"),
    ("Հարությունյան", "Арутюнян"),
    ("Harutyunyan", "Арутюнян"),
    ("Magomed", "Muhammad"),
    ("Yevgeniy", "Eugene"),
    ("A. Ivanov", "Aleksandr Ivanov"),
    ("Шеварднадзе Эдуард", "Eduard Shevardnadze"),
    ("Qodirov Oʻktam", "Кадыров Уктам"),
    # Turkic patronymics against the Russian form, and the marker joined (Kazakh).
    ("Abdullayev Məhəmməd Əhməd oğlu", "Абдуллаев Мухаммад Ахмедович"),
    ("Гусейнова Гюнель Рашад кызы", "Hüseynova Günel Rəşad qızı"),
    ("Омаров Нурлан Ержанұлы", "Nurlan Erzhanovich Omarov"),
    # Initials, particles and double surnames.
    ("Abdullaev M.A.", "Абдуллаев Мухаммад Ахмедович"),
    ("Ter-Petrosyan Levon", "Levon Petrosyan"),
    ("Mohammed al-Hashimi", "Hashimi Mohammed"),
    ("Petrov-Vodkin Kuzma Sergeyevich", "Kuzma Petrov"),
    ("Ludwig van Beethoven", "BEETHOVEN, Ludwig"),
]
DIFFERENT = [
    ("Ivanov Ivan", "Petrov Petr"),
    ("Aliyev Rashad", "Guliyev Elvin"),
    ("Beridze Nino", "Kapanadze Tamar"),
    ("Hakobyan Tigran", "Muhammad Abdullaev"),
]
RELATIVES = [
    # sister: female forms of the surname and the patronymic
    ("Абдуллаева Мадина Ахмедовна", "Абдуллаев Мухаммад Ахмедович"),
    # spouses: male and female surname, other given names
    ("Nazarov Farhod", "Nazarova Feruza"),
    # father and son: each one's given name is the other's patronymic
    ("Абдуллаев Ахмед Мухаммадович", "Абдуллаев Мухаммад Ахмедович"),
    ("Оспанов Серік Бауыржанұлы", "Ospanov Bauyrzhan Serikuly"),
    # twins of the two sexes: Евгений, Евгения
    ("Морозов Евгений Олегович", "Morozova Evgeniia Olegovna"),
]


@pytest.mark.parametrize(("a", "b"), SAME_PERSON)
def test_same_person_in_other_scripts_and_spellings_scores_high(a: str, b: str) -> None:
    assert name_similarity(a, b) >= 0.95


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_people_score_low(a: str, b: str) -> None:
    assert name_similarity(a, b) < 0.05


@pytest.mark.parametrize(("a", "b"), RELATIVES)
def test_relatives_score_low(a: str, b: str) -> None:
    assert name_similarity(a, b) < 0.25


def test_a_brother_scores_below_the_same_person() -> None:
    # Same surname and patronymic, another given name: the names cannot tell a
    # brother from a misspelt record, but they lean less to one person.
    brother = name_similarity("Абдуллаев Юсуф Ахмедович", "Абдуллаев Мухаммад Ахмедович")
    same = name_similarity("Abdullaev Muhammad Akhmedovich", "Абдуллаев Мухаммад Ахмедович")
    assert 1 - brother > 100 * (1 - same)


def test_one_different_word_lowers_the_score() -> None:
    same = name_similarity("Ivanov Sergey", "Иванов Сергей")
    other_given = name_similarity("Ivanov Sergey", "Ivanov Pavel")
    assert same > 0.999
    # A shared surname is strong evidence and another given name only moderate
    # evidence against: the same person's records disagree on it now and then.
    assert other_given < 0.9
    assert 1 - other_given > 1000 * (1 - same)


def test_the_female_form_of_a_surname_is_a_weak_signal() -> None:
    female = name_similarity("Ivanov", "Ivanova")
    assert name_similarity("Ivanov", "Petrov") < female < name_similarity("Ivanov", "Иванов")
    assert 0.2 < female < 0.8


def test_a_diminutive_is_a_weak_signal() -> None:
    full = name_similarity("Aleksandr", "Александр")
    diminutive = name_similarity("Саша", "Aleksandr")
    other = name_similarity("Pavel", "Aleksandr")
    assert other < diminutive < full
    assert diminutive < name_similarity("Magomed", "Muhammad")  # another form: stronger
    with_surname = name_similarity("Саша Иванов", "Ivanov Aleksandr Sergeyevich")
    assert name_similarity("Pavel Ivanov", "Ivanov Aleksandr") < with_surname


def test_initials_that_differ_speak_against() -> None:
    assert name_similarity("M. Abdullaev", "N. Abdullaev") < name_similarity(
        "M. Abdullaev", "Muhammad Abdullaev"
    )


@pytest.mark.parametrize(
    "written",
    ["Abdullaev Muhammad", "Muhammad Abdullaev", "ABDULLAEV, Muhammad", "MUHAMMAD ABDULLAEV"],
)
def test_the_order_of_the_words_does_not_matter(written: str) -> None:
    expected = name_similarity("Muhammad Abdullaev", "Абдуллаев Мухаммад Ахмедович")
    assert name_similarity(written, "Абдуллаев Мухаммад Ахмедович") == expected


@pytest.mark.parametrize(("a", "b"), SAME_PERSON[:6] + DIFFERENT + RELATIVES)
def test_the_score_is_symmetric(a: str, b: str) -> None:
    assert name_similarity(a, b) == name_similarity(b, a)


def test_empty_names_are_not_similar() -> None:
    assert name_similarity("", "Ivanov") == 0.0
    assert name_similarity("...", "---") == 0.0
