"""Every refusal is audited by the one handler that answers it, and a flood of refusals
from one source costs one chained entry per minute, with the count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from interagency.audit.models import AuditEntry, RefusalTally
from interagency.bootstrap import Container
from tests.support.identity import Council, api_token, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A fixed moment, at the start of a minute, so that a run never straddles two minutes.
START = datetime(2026, 11, 2, 9, 30, 0, tzinfo=UTC)


def bearer(container: Container, council: Council, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(container, council, login)}"}


def attachment_path(client: TestClient, headers: dict[str, str]) -> str:
    """Where files of the first message of a new thread from RU-SVC to KZ-SVC are added."""
    thread = client.post(
        "/api/v1/exchange/threads",
        json={
            "subject": "Маршрут через перевал",
            "body": "Сведения о маршруте прилагаются.",
            "kind": "notification",
            "recipients": [{"agency": "KZ-SVC"}],
            "tlp": "AMBER",
            "handling_code": "H0",
        },
        headers=headers,
    )
    assert thread.status_code == 201, thread.text
    sent: dict[str, Any] = thread.json()
    return f"/api/v1/exchange/threads/{sent['id']}/messages/{sent['messages'][0]['id']}/attachments"


def entries(container: Container, action: str) -> list[AuditEntry]:
    with container.uow() as uow:
        found = list(
            uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            )
        )
        uow.session.expunge_all()
    return found


def chain_length(container: Container) -> int:
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_adding_a_file_to_another_authors_message_is_an_audited_refusal(
    client: TestClient, council: Council, container: Container
) -> None:
    path = attachment_path(client, bearer(container, council, "ru_liaison"))
    answer = client.post(
        path,
        params={"filename": "report.pdf"},
        content=PDF,
        headers=bearer(container, council, "kz_liaison"),
    )
    assert answer.status_code == 403
    [entry] = entries(container, "exchange:attachment:add")
    assert (entry.outcome, entry.actor_login, entry.object_kind) == (
        "denied",
        "kz_liaison",
        "message",
    )


def test_a_refusal_raised_without_its_event_is_audited_with_its_route(
    client: TestClient, council: Council, container: Container
) -> None:
    assert sign_in(client, council, "ru_liaison").status_code == 303
    forged = client.post("/account/password", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    [entry] = entries(container, "access:denied")
    assert (entry.outcome, entry.actor_login) == ("denied", "ru_liaison")
    assert orjson.loads(entry.detail) == {"method": "POST", "route": "/account/password"}


def test_a_flood_of_refusals_is_one_entry_per_source_and_minute_with_its_count(
    client: TestClient, council: Council, container: Container
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        path = attachment_path(client, bearer(container, council, "ru_liaison"))
        intruder = bearer(container, council, "kz_liaison")
        before = chain_length(container)
        for _ in range(30):
            refused = client.post(path, params={"filename": "a.pdf"}, content=PDF, headers=intruder)
            assert refused.status_code == 403
        # The first refusal of the minute is chained at once; the other 29 only counted.
        assert chain_length(container) == before + 1
        assert [e.actor_login for e in entries(container, "exchange:attachment:add")] == [
            "kz_liaison"
        ]
        # Another source in the same minute has its own first entry.
        other = bearer(container, council, "kz_admin")
        assert client.post(
            path, params={"filename": "b.pdf"}, content=PDF, headers=other
        ).status_code in (403, 404)
        assert chain_length(container) == before + 2

        clock.shift(timedelta(minutes=1, seconds=5))
        # Reading the audit appends the counts of the minutes that are over.
        assert sign_in(client, council, "ru_auditor").status_code == 303
        assert client.get("/audit").status_code == 200
    [repeated] = entries(container, "audit:refusals:repeated")
    assert (repeated.outcome, repeated.actor_login) == ("denied", "kz_liaison")
    assert orjson.loads(repeated.detail) == {"minute": START.isoformat(), "repeated": 29}
    with container.uow() as uow:
        assert uow.session.scalar(select(func.sum(RefusalTally.repeated))) == 0
