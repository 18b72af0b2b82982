"""The exchange's JSON API: a RED request across three agencies, versions and problems."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.exchange.models import Thread
from tests.support.identity import Council, api_token
from tests.support.ids import key_of

SUBJECT = "Серия поддельных паспортов: запрос сведений"
BODY = "Просим сообщить, выявлялись ли паспорта серии 45 17 с признаками подделки."


def _auth(container: Container, council: Council, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(container, council, login)}"}


def _red_request() -> dict[str, Any]:
    return {
        "subject": SUBJECT,
        "body": BODY,
        "kind": "request",
        "priority": "urgent",
        "handling_code": "H2",
        "tlp": "RED",
        "source_grade": "B",
        "information_grade": "2",
        "deadline": (date.today() + timedelta(days=7)).isoformat(),
        "recipients": [{"agency": "KZ-SVC", "desk": "CT"}],
    }


def test_a_red_request_reaches_the_named_desk_and_nobody_else(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    receiver = _auth(container, council, "kz_liaison")
    outsider = _auth(container, council, "sec_officer")

    sent = client.post("/api/v1/exchange/threads", json=_red_request(), headers=sender)
    assert sent.status_code == 201, sent.text
    thread = sent.json()
    assert thread["subject"] == SUBJECT
    assert thread["recipient_states"][0]["deadline_at"] is not None

    seen = client.get(f"/api/v1/exchange/threads/{thread['id']}", headers=receiver)
    assert seen.status_code == 200
    assert seen.json()["messages"][0]["body"] == BODY

    answered = client.post(
        f"/api/v1/exchange/threads/{thread['id']}/messages",
        json={"body": "Выявлены два паспорта этой серии.", "tlp": "RED", "handling_code": "H2"},
        headers=receiver,
    )
    assert answered.status_code == 201, answered.text
    assert answered.json()["status"] == "answered"

    guessed = client.get(f"/api/v1/exchange/threads/{thread['id']}", headers=outsider)
    assert guessed.status_code == 404
    listed = client.get("/api/v1/exchange/threads", headers=outsider).json()
    assert listed["total"] == 0
    found = client.get("/api/v1/exchange/search", params={"q": "паспорта"}, headers=outsider)
    assert found.json()["total"] == 0
    assert (
        client.get("/api/v1/exchange/search", params={"q": "паспорт"}, headers=receiver).json()[
            "total"
        ]
        == 1
    )

    with container.uow() as uow:
        refused = uow.session.scalars(
            select(AuditEntry.actor_login).where(
                AuditEntry.outcome == "denied",
                AuditEntry.object_ref == str(key_of(container, Thread, thread["id"])),
            )
        ).all()
    assert list(refused) == ["sec_officer"]


def test_a_stale_version_gets_409_and_a_lower_marking_422(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    receiver = _auth(container, council, "kz_liaison")
    thread = client.post("/api/v1/exchange/threads", json=_red_request(), headers=sender).json()
    path = f"/api/v1/exchange/threads/{thread['id']}"

    acknowledged = client.post(
        f"{path}/acknowledge", json={"version": thread["version"]}, headers=receiver
    )
    assert acknowledged.status_code == 200, acknowledged.text
    stale = client.post(f"{path}/close", json={"version": thread["version"]}, headers=sender)
    assert stale.status_code == 409
    assert stale.headers["content-type"].startswith("application/problem+json")

    lower = client.post(f"{path}/messages", json={"body": "ok", "tlp": "AMBER"}, headers=receiver)
    assert lower.status_code == 422
    assert "RED" in lower.json()["detail"]


def test_a_malformed_agency_or_desk_filter_is_refused_with_what_to_fix(
    client: TestClient, council: Council, container: Container
) -> None:
    reader = _auth(container, council, "kz_liaison")
    sender = _auth(container, council, "ru_liaison")
    client.post("/api/v1/exchange/threads", json=_red_request(), headers=sender)

    for name, value in (("agency", "¯"), ("desk", "C T")):
        refused = client.get("/api/v1/exchange/threads", params={name: value}, headers=reader)
        assert refused.status_code == 422, refused.text
        assert f"{name} filter must be" in refused.json()["detail"]
    # A control character is refused before the filter is read, as in every text.
    refused = client.get("/api/v1/exchange/threads", params={"agency": "\x00¯"}, headers=reader)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "query.agency"
    assert "U+0000" in refused.json()["errors"][0]["problem"]

    by_code = client.get("/api/v1/exchange/threads", params={"agency": "ru-svc"}, headers=reader)
    assert by_code.status_code == 200
    assert by_code.json()["total"] == 1


def test_a_new_thread_is_answered_as_reading_it_back_would_show_it(
    client: TestClient, council: Council, container: Container
) -> None:
    """The answer to a post is built from what was written, not read back: it must say
    exactly what the thread then reads as, for an H3 thread with a restriction, case
    numbers, a reference, a named desk and a second agency."""
    sender = _auth(container, council, "ru_liaison")
    earlier = client.post("/api/v1/exchange/threads", json=_red_request(), headers=sender).json()
    request = {
        **_red_request(),
        "tlp": "AMBER",
        "handling_code": "H3",
        "restriction": "Только для пограничных служб",
        "case_numbers": ["УД-2026-17"],
        "references": [earlier["reference"]],
        "recipients": [{"agency": "KZ-SVC", "desk": "CT"}, {"agency": "TEST-SEC"}],
    }
    sent = client.post("/api/v1/exchange/threads", json=request, headers=sender)
    assert sent.status_code == 201, sent.text
    read = client.get(f"/api/v1/exchange/threads/{sent.json()['id']}", headers=sender)
    assert read.status_code == 200, read.text
    assert sent.json() == read.json()
    assert sent.json()["references"] == [earlier["reference"]]
    assert {s["desk"] for s in sent.json()["recipient_states"]} == {"CT", None}
