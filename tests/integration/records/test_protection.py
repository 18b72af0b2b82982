"""The DPO's work: access requests find the records that may be the requester's, and
erasure (four eyes) deletes the personal data, audit side table included, and keeps the
reference."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update
from starlette.testclient import TestClient

from interagency.audit.models import AuditEntry, AuditPersonal
from interagency.bootstrap import Container
from interagency.db import utcnow
from interagency.records.models import Record
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, Records
from tests.integration.records.test_api import _person
from tests.support.identity import Council, api_token


def _headers(container: Container, council: Council, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(container, council, login)}"}


def test_an_access_request_lists_the_records_that_may_be_the_requesters(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    officer = _headers(container, council, "ru_liaison")
    dpo = _headers(container, council, "ru_dpo")
    mine = client.post("/api/v1/records", json=_person(RASHAD_RU), headers=officer).json()
    other = {"surname": "Петров", "given_name": "Иван", "birth_date": "1970-01-01"}
    client.post("/api/v1/records", json=_person(other), headers=officer)
    # Another agency's record of the same person is not the RU DPO's to disclose.
    client.post(
        "/api/v1/records",
        json=_person(RASHAD_LATIN),
        headers=_headers(container, council, "kz_liaison"),
    )

    body = {"received_on": date.today().isoformat(), "particulars": RASHAD_LATIN}
    opened = client.post("/api/v1/records/access-requests", json=body, headers=dpo)
    assert opened.status_code == 201, opened.text
    assert opened.json()["candidates"] == [mine["record"]["id"]]
    assert (
        client.post("/api/v1/records/access-requests", json=body, headers=officer).status_code
        == 403
    )
    answered = client.post(
        f"/api/v1/records/access-requests/{opened.json()['id']}/answer",
        json={"answer": "Informed in writing of one record held"},
        headers=dpo,
    )
    assert answered.json()["status"] == "answered"
    listed = client.get("/api/v1/records/access-requests", headers=dpo).json()
    assert [row["status"] for row in listed] == ["answered"]


def test_erasure_needs_two_people_and_leaves_only_the_reference(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    officer = _headers(container, council, "ru_liaison")
    dpo = _headers(container, council, "ru_dpo")
    supervisor = _headers(container, council, "ru_supervisor")
    victim = client.post(
        "/api/v1/records", json=_person(RASHAD_RU, subject_category="victim"), headers=officer
    ).json()["record"]
    path = f"/api/v1/records/{victim['id']}"
    client.post(
        f"{path}/necessity",
        json={"reason": "Needed to find the family of Rashad", "version": 1},
        headers=officer,
    )
    approved = client.post(
        f"{path}/necessity/approve",
        json={"reason": "Approved: Rashad Guseynov's family is searching"},
        headers=supervisor,
    )
    assert approved.status_code == 200, approved.text

    assert (
        client.post(
            f"{path}/erasure", json={"reason": "Request 2026/17"}, headers=officer
        ).status_code
        == 403
    )
    asked = client.post(f"{path}/erasure", json={"reason": "Request 2026/17"}, headers=dpo)
    assert asked.status_code == 200, asked.text
    assert client.post(f"{path}/erasure/approve", headers=dpo).status_code == 403
    erased = client.post(f"{path}/erasure/approve", headers=supervisor)
    assert erased.status_code == 200, erased.text
    assert erased.json()["particulars"] is None
    assert erased.json()["id"] == victim["id"]
    assert erased.json()["matchable"] is False

    with container.uow() as uow:
        row = uow.session.scalar(select(Record).where(Record.public_id == victim["id"]))
        assert row is not None
        assert row.particulars_sealed is None
        assert row.necessity_reason == "[erased]"
        personal = (
            uow.session.execute(
                select(AuditPersonal.data_sealed)
                .join(AuditEntry, AuditEntry.seq == AuditPersonal.seq)
                .where(AuditEntry.object_kind == "record", AuditEntry.object_ref == str(row.id))
            )
            .scalars()
            .all()
        )
    assert personal
    assert all(data is None for data in personal)
    # Nothing can be changed back into it.
    change = client.put(
        path, json={**_person(RASHAD_RU), "version": erased.json()["version"]}, headers=officer
    )
    assert change.status_code == 409


def test_the_dpo_sees_the_records_past_their_review_date(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    officer = _headers(container, council, "ru_liaison")
    created = client.post("/api/v1/records", json=_person(RASHAD_RU), headers=officer).json()
    client.post("/api/v1/records", json=_person(RASHAD_LATIN), headers=officer)
    with container.uow() as uow:
        uow.session.execute(
            update(Record)
            .where(Record.public_id == created["record"]["id"])
            .values(review_due=utcnow().date() - timedelta(days=3))
        )
        uow.commit()
    due = client.get("/api/v1/records/due", headers=_headers(container, council, "ru_dpo"))
    assert [row["id"] for row in due.json()] == [created["record"]["id"]]
    assert client.get("/api/v1/records/due", headers=officer).status_code == 403
    kz_dpo = client.get("/api/v1/records/due", headers=_headers(container, council, "kz_dpo"))
    assert kz_dpo.json() == []
