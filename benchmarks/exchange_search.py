"""Search part of the exchange benchmark: made-up texts, bulk seeding and the search timing.

`exchange_load.py` runs it after the load test; it is not a command of its own. Texts
are Russian and English words drawn with a Zipf-like law, so that queries range from a
word in nearly every thread to a document number that occurs once.

Bulk seeding does what `services.send` and `services.reply` store, without the requests:
threads, recipients and messages sealed by the vault under the right contexts, and the
blind-index terms the vault makes, for both agencies on each thread. Rows go in with
COPY, one transaction per batch (PostgreSQL only: ids are taken from the sequences first,
because every ciphertext is bound to its row's id).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text

from interagency.bootstrap import Container
from interagency.exchange.codes import Status
from interagency.exchange.models import IndexTerm, Message, Recipient, Thread
from interagency.exchange.sealing import body_context, subject_context


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
MESSAGES_PER_THREAD = 4
BATCH_THREADS = 1_000


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


@dataclass(frozen=True)
class Sender:
    user_id: int
    agency_id: int


def _ids(connection: Any, table: str, count: int) -> list[int]:
    rows = connection.execute(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table, "n": count},
    )
    return [int(row[0]) for row in rows]


def _copy(cursor: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed_messages(
    container: Container, senders: list[Sender], messages: int, rng: random.Random
) -> int:
    """Adds threads of four messages between two agencies until `messages` more exist."""
    vault = container.vault
    added = 0
    start = datetime.now(UTC) - timedelta(days=400)
    by_agency: dict[int, list[Sender]] = {}
    for sender in senders:
        by_agency.setdefault(sender.agency_id, []).append(sender)
    agencies = sorted(by_agency)
    while added < messages:
        count = min(BATCH_THREADS, -(-(messages - added) // MESSAGES_PER_THREAD))
        with container.session_factory() as session, session.begin():
            connection = session.connection()
            thread_ids = _ids(connection, Thread.__tablename__, count)
            message_ids = _ids(connection, Message.__tablename__, count * MESSAGES_PER_THREAD)
            threads, recipients, bodies, terms = [], [], [], []
            for number, thread_id in enumerate(thread_ids):
                a, b = rng.sample(agencies, 2)
                people = (rng.choice(by_agency[a]), rng.choice(by_agency[b]))
                at = start + timedelta(minutes=rng.randrange(400 * 24 * 60))
                title = subject(rng)
                sealed_subject = vault.seal_text(
                    session, a, title, context=subject_context(thread_id)
                )
                tlp = rng.choice(("GREEN", "AMBER"))
                threads.append((
                    thread_id, f"EX-BENCH-{thread_id:09d}", a, people[0].user_id, "notification",
                    "routine", "H0", tlp, sealed_subject, Status.ANSWERED.value, "", at, at, 2,
                ))  # fmt: skip
                recipients.append((thread_id, b, Status.ANSWERED.value, at, at, at))
                for turn in range(MESSAGES_PER_THREAD):
                    message_id = message_ids[number * MESSAGES_PER_THREAD + turn]
                    author = people[turn % 2]
                    text_ = body(rng)
                    bodies.append((
                        message_id, thread_id, author.user_id, author.agency_id,
                        "notification" if turn == 0 else "reply", "H0", tlp, "B", "2",
                        vault.seal_text(session, author.agency_id, text_,
                                        context=body_context(message_id)),
                        at + timedelta(minutes=turn),
                    ))  # fmt: skip
                    for agency_id in (a, b):
                        in_subject = (
                            vault.index_terms(session, agency_id, title) if turn == 0 else set()
                        )
                        for term in in_subject | vault.index_terms(session, agency_id, text_):
                            terms.append(
                                (agency_id, term, message_id, thread_id, term in in_subject)
                            )
            driver: Any = connection.connection.driver_connection
            cursor = driver.cursor()
            _copy(cursor, Thread.__tablename__, [
                "id", "reference", "originator_agency_id", "author_id", "kind", "priority",
                "handling_code", "tlp", "subject_sealed", "status", "case_numbers",
                "created_at", "updated_at", "version",
            ], threads)  # fmt: skip
            _copy(cursor, Recipient.__tablename__, [
                "thread_id", "agency_id", "status", "acknowledged_at", "answered_at",
                "created_at",
            ], recipients)  # fmt: skip
            _copy(cursor, Message.__tablename__, [
                "id", "thread_id", "author_id", "author_agency_id", "kind", "handling_code",
                "tlp", "source_grade", "information_grade", "body_sealed", "created_at",
            ], bodies)  # fmt: skip
            _copy(cursor, IndexTerm.__tablename__, [
                "agency_id", "term", "message_id", "thread_id", "in_subject",
            ], terms)  # fmt: skip
        added += count * MESSAGES_PER_THREAD
    with container.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return added


def count_messages(container: Container) -> int:
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(Message)) or 0)


def count_index_terms(container: Container) -> int:
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(IndexTerm)) or 0)


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
