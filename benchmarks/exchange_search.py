"""Texts and queries of the exchange benchmark (not a command of its own).

Texts are Russian and English words drawn with a Zipf-like law, so that queries range
from a word in nearly every thread to a document number that occurs once. The bulk
seeder (`exchange_seed.py`) writes its threads with them, and `exchange_load.py` posts
and searches with them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator


def _words(text: str) -> list[str]:
    return text.split()


RUSSIAN = _words("""
паспорт паспорта паспортов граница границы пункт пропуска маршрут маршрута контрабанда
перевозчик перевозчика сведения сведений запрос ответ поездка поездки гражданин
гражданина гражданка документ документы подделка подделки признаки серия серии номер
выдан выданы выявлено задержан задержаны автомобиль автомобиля грузовик рейс рейса
аэропорт вокзал соревнования соревнований стадион делегация делегации аккредитация
болельщики охрана безопасность мероприятие мероприятия угроза угрозы оценка лицо лица
розыск розыска боевик боевики возвращение вернулся лагерь лагеря вербовка вербовщик
финансирование перевод переводы счет счета телефон телефона переписка связи контакты
родственники брат сестра отец мать жена адрес проживание регистрация миграционный учет
въезд выезд таможня таможенный досмотр груз партия оружие боеприпасы взрывчатка
наркотики мигранты переправка организатор группа группы участник участники операция
наблюдение проверка подтверждение уточнение срок сроки просьба сообщить направить копии
фотографии отпечатки
""")

ENGLISH = _words("""
passport passports border crossing route smuggling carrier request reply travel citizen
document forgery forged series number issued detected detained vehicle truck flight
airport station competition stadium delegation accreditation supporters security event
threat assessment person wanted fighter returnee camp recruitment funding transfer
account phone contacts relatives address residence registration entry exit customs
inspection cargo weapons explosives narcotics migrants organiser group member operation
surveillance check confirmation deadline please share copies photographs fingerprints
""")

VOCABULARY = tuple(dict.fromkeys(RUSSIAN + ENGLISH))
# Rank r (from 0) is drawn with weight 1 / (r + 1): a handful of words are everywhere.
WEIGHTS = tuple(1 / (rank + 1) for rank in range(len(VOCABULARY)))
BODY_WORDS = 40


def document_number(rng: random.Random) -> str:
    """A made-up passport number: letters and digits, indexed whole (never stemmed)."""
    letters = "".join(rng.choice("ABCEHKMPTX") for _ in range(2))
    return f"{letters}{rng.randrange(10**6, 10**7)}"


def subject(rng: random.Random) -> str:
    return " ".join(rng.choices(VOCABULARY, weights=WEIGHTS, k=6)).capitalize()


def body(rng: random.Random, count: int = BODY_WORDS) -> str:
    """`count` vocabulary words and one document number, in sentences of ten words."""
    chosen = [*rng.choices(VOCABULARY, weights=WEIGHTS, k=count), document_number(rng)]
    rng.shuffle(chosen)
    sentences = [" ".join(chosen[i : i + 10]) for i in range(0, len(chosen), 10)]
    return ". ".join(s.capitalize() for s in sentences) + "."


def queries(rng: random.Random, count: int) -> Iterator[tuple[str, str]]:
    """(kind, query) pairs of varied selectivity, in a fixed mix, shuffled."""
    common = VOCABULARY[:10]
    middle = VOCABULARY[40:120]
    rare = VOCABULARY[-60:]
    mix: list[tuple[str, str]] = []
    for number in range(count):
        kind = ("common word", "middle word", "rare word", "two words", "absent number")[number % 5]
        if kind == "common word":
            query = rng.choice(common)
        elif kind == "middle word":
            query = rng.choice(middle)
        elif kind == "rare word":
            query = rng.choice(rare)
        elif kind == "two words":
            query = f"{rng.choice(common)} {rng.choice(middle)}"
        else:
            query = document_number(rng)  # made up afresh: found nowhere, or nearly
        mix.append((kind, query))
    rng.shuffle(mix)
    yield from mix
