"""The agency's own records as its people read them: each line names its record (a name
or a number), with its reference, kind, marking, review date and live hits; only the
page shown is opened, and each record opened is audited; the hits list and a record's
page say which of our records each hit is about."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, select, update

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.records import services
from interagency.records.models import Record
from interagency.web.app import create_app
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, Records, person
from tests.support.identity import Council, sign_in


def _client(container: Container, council: Council, login: str) -> TestClient:
    client = TestClient(create_app(container))
    assert sign_in(client, council, login).status_code == 303
    return client


def _other(kind: str, particulars: dict[str, str]) -> Any:
    return person(particulars, kind=kind, offence_article=None, offence_category=None)


def _row(page: str, public_id: str) -> str:
    """The table row of the record `public_id`."""
    start = page.index(f'<a href="/records/{public_id}">')
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


@contextmanager
def _statements(container: Container) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(container.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(container.engine, "before_cursor_execute", note)


def _views(container: Container) -> list[dict[str, Any]]:
    with container.uow() as uow:
        rows = uow.session.execute(
            select(AuditEntry.object_ref, AuditEntry.detail).where(
                AuditEntry.action == "records:record:view"
            )
        ).all()
    return [{"ref": ref, **json.loads(detail)} for ref, detail in rows]


def test_each_line_names_its_record_and_counts_its_hits(
    container: Container, council: Council, records: Records
) -> None:
    rashad = records.save("ru_liaison", person(RASHAD_RU)).record.public_id
    passport = records.save(
        "ru_liaison", _other("document", {"number": "AK 1234567", "issuing_country": "AZE"})
    ).record.public_id
    phone = records.save(
        "ru_liaison", _other("phone", {"number": "+7 701 555 12 34"})
    ).record.public_id
    records.save("kz_liaison", person(RASHAD_LATIN))  # finds Rashad: one hit
    client = _client(container, council, "ru_liaison")

    with _statements(container) as statements:
        page = client.get("/records")
    assert page.status_code == 200
    person_row = _row(page.text, rashad)
    assert "Гусейнов Рашад" in person_row
    assert f"R-{rashad}" in person_row
    assert "TLP:AMBER" in person_row
    assert "H0" in person_row
    assert ">person<" in person_row
    assert f'<a href="/records/{rashad}#hits">1</a>' in person_row
    assert "AZE AK 1234567" in _row(page.text, passport)
    assert "+7 701 555 12 34" in _row(page.text, phone)
    assert _row(page.text, phone).rstrip().endswith('<td class="count">0</td>')
    # The hit counts of the whole page: one query, not one a record.
    assert len([s for s in statements if "record_hits" in s]) == 1
    # Opening a name is reading the record: each record shown is audited as read.
    assert sorted(v["ref"] for v in _views(container) if v.get("shown") == "title") == sorted(
        str(_key(container, ref)) for ref in (rashad, passport, phone)
    )
    # The name search is one form away, and finds the Cyrillic name from Latin letters.
    assert 'action="/records/search"' in page.text
    assert "Гусейнов" in client.get("/records/search", params={"name": "Rashad Huseynov"}).text


def _key(container: Container, public_id: str) -> int:
    with container.uow() as uow:
        key = uow.session.scalar(select(Record.id).where(Record.public_id == public_id))
    assert key is not None
    return key


def test_fifty_a_page_and_only_the_page_shown_is_opened(
    container: Container, council: Council, records: Records
) -> None:
    with container.uow() as uow:
        caller = council.caller(uow, "ru_liaison")
        for n in range(51):
            phone = _other("phone", {"number": f"+7 701 555 {n:04d}"})
            services.create(uow, caller, records.context(), phone)
        uow.commit()
    client = _client(container, council, "ru_liaison")
    first = client.get("/records")
    assert first.text.count('<td class="ref">') == 50
    assert "Page 1 of 2" in first.text
    assert 'href="/records?page=2"' in first.text
    # The first saved is the last changed: alone on page 2.
    second = client.get("/records", params={"page": 2})
    assert second.text.count('<td class="ref">') == 1
    assert "+7 701 555 0000" in second.text
    assert "+7 701 555 0000" not in first.text
    assert 'href="/records?page=1"' in second.text
    opened = [v for v in _views(container) if v.get("shown") == "title"]
    assert len(opened) == 51  # 50 for the first page, 1 for the second


def test_the_records_due_for_review_have_a_page_of_their_own(
    container: Container, council: Council, records: Records
) -> None:
    overdue = records.save("ru_liaison", person(RASHAD_RU)).record.public_id
    records.save("ru_liaison", person({"surname": "Алиев", "given_name": "Эльнур"}))
    with container.uow() as uow:
        uow.session.execute(
            update(Record)
            .where(Record.public_id == overdue)
            .values(review_due=date.today() - timedelta(days=3))
        )
        uow.commit()
    dpo = _client(container, council, "ru_dpo")
    page = dpo.get("/records/due")
    assert page.status_code == 200, page.text[:300]
    assert "Гусейнов Рашад" in _row(page.text, overdue)
    assert "Алиев" not in page.text
    assert _client(container, council, "ru_liaison").get("/records/due").status_code == 403


def test_a_record_lists_its_hits_and_the_hits_list_names_our_record(
    container: Container, council: Council, records: Records
) -> None:
    ours = records.save("ru_liaison", person(RASHAD_RU)).record.public_id
    saved = records.save("kz_liaison", person(RASHAD_LATIN))
    theirs = saved.record.public_id
    reference = saved.screening.hits[0].reference
    owner = _client(container, council, "ru_liaison")

    record_page = owner.get(f"/records/{ours}").text
    listed = record_page.split('id="record-hits"')[1].split("</table>")[0]
    assert f'<a href="/records/hits/{reference}">{reference}</a>' in listed
    assert "KZ-SVC" in listed
    assert "our record was found" in listed
    assert "not checked yet" in listed

    own_hits = owner.get("/records/hits").text
    row = own_hits[own_hits.rindex("<tr>", 0, own_hits.index(reference)) :]
    row = row[: row.index("</tr>")]
    assert f'<a href="/records/{ours}">Гусейнов Рашад</a>' in row

    searcher = _client(container, council, "kz_liaison").get("/records/hits").text
    assert f'<a href="/records/{theirs}">Huseynov Rashad</a>' in searcher
    assert "Гусейнов" not in searcher  # the other agency's particulars never
    assert ours not in searcher
