"""A small labelled population for end-to-end tests: each person written by one
agency in Cyrillic and by another under a romanisation standard."""

from __future__ import annotations

import random

import pandas as pd

from interagency.matching.names import transliterate

SURNAMES = (
    "Абдуллаев",
    "Алиев",
    "Мамедов",
    "Гусейнов",
    "Каримов",
    "Юсупов",
    "Рахимов",
    "Ахметов",
    "Хасанов",
    "Шарипов",
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Соколов",
    "Попов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Волков",
    "Васильев",
    "Зайцев",
    "Павлов",
    "Семёнов",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Фёдоров",
    "Орлов",
)
GIVEN = (
    "Мухаммад",
    "Рустам",
    "Тимур",
    "Фарид",
    "Шамиль",
    "Джамшид",
    "Ильхам",
    "Рашид",
    "Анвар",
    "Ахмед",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Юрий",
    "Евгений",
    "Михаил",
    "Иван",
    "Николай",
    "Александр",
    "Олег",
    "Игорь",
)
STANDARDS = ("icao", "bgn", "gost-b", "de", "fr", "uz")


def population(seed: int, persons: int) -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    """Tables A (Cyrillic) and B (romanised, other order, other date format), and the
    true pairs. Every person is in both tables; names repeat across persons."""
    rng = random.Random(seed)
    a_rows, b_rows, truth = [], [], set()
    for n in range(persons):
        surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
        year, month, day = rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)
        passport = f"{rng.choice('ABCKMN')}{rng.choice('ABCKMN')}{rng.randint(1000000, 9999999)}"
        a_id, b_id = f"A{n:04d}", f"B{n:04d}"
        a_rows.append(
            {
                "id": a_id,
                "full_name": f"{surname} {given}",
                "birth_date": f"{year}-{month:02d}-{day:02d}",
                "sex": "M",
                "passport": passport,
            }
        )
        written = transliterate(f"{given} {surname}", rng.choice(STANDARDS))
        b_rows.append(
            {
                "id": b_id,
                "full_name": written,
                "birth_date": f"{day:02d}.{month:02d}.{year}",
                "sex": "M",
                "passport": passport if rng.random() > 0.1 else "",
            }
        )
        truth.add((a_id, b_id))
    return pd.DataFrame(a_rows), pd.DataFrame(b_rows), truth
