"""The details behind a hit: asked for through the exchange, released with four eyes or
refused, and read by the officer who asked and nobody else."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from interagency.bootstrap import Container
from interagency.records.models import Hit, Record
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, Records
from tests.integration.records.test_api import _person
from tests.support.identity import Council, api_token


class Side:
    def __init__(self, client: TestClient, container: Container, council: Council, login: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {api_token(container, council, login)}"}

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, json=body or {}, headers=self.headers)

    def get(self, path: str) -> Any:
        return self.client.get(path, headers=self.headers)

    def thread_id(self, reference: str) -> str:
        threads = self.get("/api/v1/exchange/threads").json()["items"]
        return next(t["id"] for t in threads if t["reference"] == reference)


def _hit(client: TestClient, container: Container, council: Council) -> str:
    owner = Side(client, container, council, "ru_liaison")
    searcher = Side(client, container, council, "kz_liaison")
    assert owner.post("/api/v1/records", _person(RASHAD_RU, tlp="RED")).status_code == 201
    found = searcher.post("/api/v1/records", _person(RASHAD_LATIN))
    reference: str = found.json()["hits"][0]
    return reference


def test_details_are_released_by_four_eyes_to_the_officer_who_asked(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    reference = _hit(client, container, council)
    searcher = Side(client, container, council, "kz_liaison")
    officer = Side(client, container, council, "ru_liaison")
    supervisor = Side(client, container, council, "ru_supervisor")
    base = f"/api/v1/records/hits/{reference}"

    asked = searcher.post(f"{base}/details", {"justification": "Planned attack: we must know"})
    assert asked.status_code == 200, asked.text
    assert asked.json()["details_status"] == "requested"
    request_thread = asked.json()["details_thread"]
    # The request reached the owner agency through the exchange.
    assert officer.thread_id(request_thread)
    # Nobody releases what was not proposed; the searching side cannot propose.
    assert supervisor.post(f"{base}/release/approve").status_code == 409
    assert (
        searcher.post(f"{base}/release/propose", {"note": "Release it, please"}).status_code == 403
    )
    # Nothing is released on an automated hit alone: the owner's officer confirms it first,
    # and only the owner's side may (the searching side has nothing to compare).
    unconfirmed = officer.post(f"{base}/release/propose", {"note": "Same person: release"})
    assert unconfirmed.status_code == 409
    check = {"confirmed": True, "how": "Compared the birth date and the passport"}
    assert searcher.post(f"{base}/check", check).status_code == 403
    assert officer.post(f"{base}/check", check).is_success
    assert officer.post(f"{base}/release/propose", {"note": "Same person: release"}).is_success
    # Four eyes: the proposer's own approval is refused even where the role would allow it.
    assert officer.post(f"{base}/release/approve").status_code == 403
    released = supervisor.post(f"{base}/release/approve")
    assert released.status_code == 200, released.text
    assert released.json()["details_status"] == "released"
    release_thread = released.json()["release_thread"]

    thread = searcher.get(f"/api/v1/exchange/threads/{searcher.thread_id(release_thread)}").json()
    assert thread["tlp"] == "RED"  # marked as the record is
    body = thread["messages"][0]["body"]
    assert "Гусейнов" in body
    assert "14.03.1985" in body
    assert "possible match" in body
    # Another officer of the searching agency is outside the RED release.
    colleague = Side(client, container, council, "kz_supervisor")
    assert release_thread not in colleague.get("/api/v1/exchange/threads").text
    assert "Гусейнов" not in colleague.get(f"/api/v1/exchange/threads/{thread['id']}").text
    assert records.audit("records:details") == [
        ("records:details:request", "ok", "kz_liaison"),
        ("records:details:propose", "denied", "kz_liaison"),
        ("records:details:propose", "ok", "ru_liaison"),
        ("records:details:approve", "denied", "ru_liaison"),
        ("records:details:release", "ok", "ru_supervisor"),
    ]


def test_a_refusal_is_answered_on_the_request_thread(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    reference = _hit(client, container, council)
    searcher = Side(client, container, council, "kz_liaison")
    officer = Side(client, container, council, "ru_liaison")
    base = f"/api/v1/records/hits/{reference}"
    asked = searcher.post(f"{base}/details", {"justification": "Planned attack: we must know"})
    assert (
        searcher.post(f"{base}/details", {"justification": "Asking a second time"}).status_code
        == 409
    )
    refused = officer.post(f"{base}/release/refuse", {"note": "Not the same person after checks"})
    assert refused.status_code == 200, refused.text
    assert refused.json()["details_status"] == "refused"
    thread_id = searcher.thread_id(asked.json()["details_thread"])
    messages = searcher.get(f"/api/v1/exchange/threads/{thread_id}").json()["messages"]
    assert "Not the same person after checks" in messages[-1]["body"]
    assert "Гусейнов" not in str(messages)


def test_a_record_kept_from_before_the_input_rules_is_still_released(
    client: TestClient, council: Council, container: Container
) -> None:
    reference = _hit(client, container, council)
    # A restriction entered before text-direction controls were refused, as it was stored.
    kept = "Только для служебного пользования \u202eне распространять"
    with container.uow() as uow:
        found = uow.session.scalar(select(Hit.found_record_id).where(Hit.reference == reference))
        record = uow.session.get(Record, found)
        assert record is not None
        record.handling_note = kept
        uow.commit()
    searcher = Side(client, container, council, "kz_liaison")
    base = f"/api/v1/records/hits/{reference}"
    assert searcher.post(f"{base}/details", {"justification": "Needed for the case"}).is_success
    owner = Side(client, container, council, "ru_liaison")
    check = {"confirmed": True, "how": "Compared the birth date and the passport"}
    assert owner.post(f"{base}/check", check).is_success
    proposed = owner.post(f"{base}/release/propose", {"note": "Same person: release"})
    assert proposed.is_success, proposed.text
    released = Side(client, container, council, "ru_supervisor").post(f"{base}/release/approve")
    assert released.status_code == 200, released.text
    thread_id = searcher.thread_id(released.json()["release_thread"])
    thread = searcher.get(f"/api/v1/exchange/threads/{thread_id}").json()
    assert thread["restriction"] == kept
