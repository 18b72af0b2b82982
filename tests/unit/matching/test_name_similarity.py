"""`name_similarity`: hand-written hard pairs and non-pairs."""

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
]
DIFFERENT = [
    ("Ivanov Ivan", "Petrov Petr"),
    ("Aliyev Rashad", "Guliyev Elvin"),
    ("Beridze Nino", "Kapanadze Tamar"),
]


@pytest.mark.parametrize(("a", "b"), SAME_PERSON)
def test_same_name_in_other_scripts_and_spellings_scores_high(a: str, b: str) -> None:
    assert name_similarity(a, b) >= 0.9


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_score_low(a: str, b: str) -> None:
    assert name_similarity(a, b) < 0.6


def test_one_different_word_lowers_the_score() -> None:
    same = name_similarity("Ivanov Sergey", "Ivanov Sergey")
    other_given = name_similarity("Ivanov Sergey", "Ivanov Pavel")
    assert same == 1.0
    assert other_given < 0.8


def test_empty_names_are_not_similar() -> None:
    assert name_similarity("", "Ivanov") == 0.0
    assert name_similarity("...", "---") == 0.0
