"""Two agencies entering the same person at the same moment still get their hit.

Each pair of records is entered by RU and KZ on separate connections, started together;
whichever screening comes second must meet the other's record, on both databases.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from interagency import migrations
from interagency.bootstrap import Container, bootstrap
from interagency.records import services
from interagency.records.models import Hit
from tests.integration.records.conftest import person
from tests.support.databases import FreshDatabase, settings_for
from tests.support.identity import Council, build_council

# (Cyrillic, Latin) spellings; pairs differ in name and birth date from each other.
SURNAMES = [
    ("Гусейнов", "Huseynov"),
    ("Абдуллаев", "Abdullaev"),
    ("Петросян", "Petrosyan"),
    ("Садыков", "Sadykov"),
    ("Бекмуратов", "Bekmuratov"),
    ("Арутюнян", "Harutyunyan"),
]
GIVEN = [("Рашад", "Rashad"), ("Тимур", "Timur")]
PAIRS = len(SURNAMES) * len(GIVEN)  # fmt: skip


def pair(n: int) -> tuple[dict[str, str], dict[str, str]]:
    (surname_ru, surname_lat), (given_ru, given_lat) = SURNAMES[n % 6], GIVEN[n // 6]
    year, month, day = 1950 + 3 * n, 1 + n, 1 + 2 * n
    return (
        {"surname": surname_ru, "given_name": given_ru, "sex": "M",
         "birth_date": f"{day:02d}.{month:02d}.{year}"},
        {"surname": surname_lat, "given_name": given_lat,
         "birth_date": f"{year}-{month:02d}-{day:02d}"},
    )  # fmt: skip


def enter(
    container: Container, council: Council, login: str, particulars: dict[str, str],
    start: threading.Barrier,
) -> None:  # fmt: skip
    start.wait()
    with container.uow() as uow:
        services.create(
            uow, council.caller(uow, login), services.Context(container.vault), person(particulars)
        )
        uow.commit()


def test_records_entered_together_by_two_agencies_meet(fresh_database: FreshDatabase) -> None:
    with fresh_database() as url:
        migrations.upgrade(url)
        container = bootstrap(settings_for(url))
        try:
            with container.uow() as uow:
                council = build_council(uow, container)
                uow.commit()
            with ThreadPoolExecutor(max_workers=2) as pool:
                for n in range(PAIRS):
                    start = threading.Barrier(2, timeout=60)
                    ru, latin = pair(n)
                    entered = [
                        pool.submit(enter, container, council, "ru_liaison", ru, start),
                        pool.submit(enter, container, council, "kz_liaison", latin, start),
                    ]
                    for future in entered:
                        future.result()  # an error in either thread fails the test here
            with container.uow() as uow:
                hits = uow.session.scalar(select(func.count()).select_from(Hit))
            assert hits == PAIRS
        finally:
            container.engine.dispose()
