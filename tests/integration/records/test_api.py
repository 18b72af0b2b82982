"""Shared records through /api/v1/records: another agency learns nothing of a record's
content by any route, errors say what to fix, a stale change gets 409."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import update
from starlette.testclient import TestClient

from interagency.bootstrap import Container
from interagency.records.models import Record
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, Records
from tests.support.identity import Council, api_token

SECRET_NAME = "Гусейнов"


def _auth(container: Container, council: Council, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(container, council, login)}"}


def _person(particulars: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "kind": "person",
        "particulars": particulars,
        "subject_category": "suspect",
        "purpose": "Security of the regional games",
        "legal_basis": "Agreement on cooperation against terrorism, art. 5",
        "offence_article": "Criminal code, art. 205",
        "offence_category": "terrorism",
        **extra,
    }


def test_the_owner_reads_its_record_and_nobody_else_learns_it_exists(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    owner = _auth(container, council, "ru_liaison")
    created = client.post("/api/v1/records", json=_person(RASHAD_RU), headers=owner)
    assert created.status_code == 201, created.text
    record = created.json()["record"]
    assert record["particulars"]["surname"] == SECRET_NAME
    assert record["review_due"] is not None
    assert record["matchable"] is True
    path = f"/api/v1/records/{record['id']}"
    assert client.get(path, headers=owner).json()["id"] == record["id"]

    unknown = client.get("/api/v1/records/999999", headers=owner)
    for login in ("kz_liaison", "kz_dpo", "sec_officer", "board_reviewer"):
        answer = client.get(path, headers=_auth(container, council, login))
        assert answer.status_code == 404, login
        # The same words an unknown id gets, apart from the id itself.
        assert answer.json()["detail"].replace(str(record["id"]), "N") == unknown.json()[
            "detail"
        ].replace("999999", "N")
        assert SECRET_NAME not in answer.text
    # Within the agency, roles that never see content are refused, and say so.
    for login in ("ru_admin", "ru_auditor"):
        assert client.get(path, headers=_auth(container, council, login)).status_code == 403
    refusals = records.audit("records:view")
    assert ("records:view", "denied", "kz_liaison") in refusals
    assert ("records:view", "denied", "ru_admin") in refusals


def test_lists_hits_and_notifications_never_carry_another_agencys_particulars(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    owner = _auth(container, council, "ru_liaison")
    searcher = _auth(container, council, "kz_liaison")
    assert client.post("/api/v1/records", json=_person(RASHAD_RU), headers=owner).is_success
    searched = client.post("/api/v1/records", json=_person(RASHAD_LATIN), headers=searcher)
    reference = searched.json()["hits"][0]
    seen = [
        client.get("/api/v1/records", headers=searcher),
        client.get("/api/v1/records/hits", headers=searcher),
        client.get(f"/api/v1/records/hits/{reference}", headers=searcher),
        client.get("/notifications", headers=searcher),
    ]
    for answer in seen:
        assert SECRET_NAME not in answer.text
        assert "14.03.1985" not in answer.text
    hit = seen[2].json()
    assert hit["owner_agency"] == "RU-SVC"
    assert hit["score"] is None
    assert hit["explanation"] is None
    as_owner = client.get(f"/api/v1/records/hits/{reference}", headers=owner).json()
    assert as_owner["score"] >= 0.8
    assert as_owner["explanation"]
    # A stranger to the hit (the secretariat) is told it does not exist.
    stranger = client.get(
        f"/api/v1/records/hits/{reference}", headers=_auth(container, council, "sec_officer")
    )
    assert stranger.status_code == 404


def test_bad_input_is_refused_with_what_to_fix(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    headers = _auth(container, council, "ru_liaison")
    cases = [
        (_person({"birth_date": "1985"}), "surname"),
        (_person({"surname": "X", "birth_date": "31.02.1985"}), "birth_date"),
        (_person({"surname": "X", "birth_date": "2099-05-01"}), "cannot be in the future"),
        (_person(RASHAD_RU, subject_category="potential_offender"), "factual indications"),
        (_person(RASHAD_RU, smuggled_migrant=True), "victim or a witness"),
        (_person(RASHAD_RU, legal_basis="  "), '"field":"legal_basis"'),
        (_person(RASHAD_RU, purpose="\u200b\u200c"), '"field":"purpose"'),
        (_person({**RASHAD_RU, "surname": "Ali\u202eyev"}), '"field":"particulars"'),
        (_person(RASHAD_RU, offence_category=None), "legal article"),
        (_person(RASHAD_RU, hit_agencies=["XX-NONE"]), "XX-NONE"),
        (_person(RASHAD_RU, refuge_from="RU"), "state they fled"),
        (_person({**RASHAD_RU, "shoe_size": "44"}), "shoe_size"),
    ]
    for body, hint in cases:
        answer = client.post("/api/v1/records", json=body, headers=headers)
        assert answer.status_code == 422, (hint, answer.text)
        assert hint in answer.text, (hint, answer.text)
    assert client.get("/api/v1/records", headers=headers).json() == []


def test_a_stale_change_gets_409_and_the_newer_one_stays(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    headers = _auth(container, council, "ru_liaison")
    record = client.post("/api/v1/records", json=_person(RASHAD_RU), headers=headers).json()
    path = f"/api/v1/records/{record['record']['id']}"
    first = client.put(path, json={**_person(RASHAD_RU, purpose="First change"), "version": 1})
    assert first.status_code == 401  # no token: nothing changes
    first = client.put(
        path, json={**_person(RASHAD_RU, purpose="First change"), "version": 1}, headers=headers
    )
    assert first.status_code == 200, first.text
    stale = client.put(
        path, json={**_person(RASHAD_RU, purpose="Stale change"), "version": 1}, headers=headers
    )
    assert stale.status_code == 409
    assert client.get(path, headers=headers).json()["purpose"] == "First change"


def test_review_dates_default_by_category_and_extend_only_with_a_reason(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    headers = _auth(container, council, "ru_liaison")
    today = date.today()

    def created(**extra: Any) -> tuple[int, date]:
        answer = client.post("/api/v1/records", json=_person(RASHAD_RU, **extra), headers=headers)
        assert answer.status_code == 201, answer.text
        record = answer.json()["record"]
        return record["id"], date.fromisoformat(record["review_due"])

    def years_on(years: int) -> date:
        try:
            return today.replace(year=today.year + years)
        except ValueError:
            return today.replace(year=today.year + years, day=28)

    suspect_id, suspect_due = created()
    assert suspect_due == years_on(3)
    assert created(is_minor=True)[1] == years_on(1)
    indications = "Bought detonators under a false name"
    potential = created(subject_category="potential_offender", factual_indications=indications)
    assert potential[1] == years_on(1)

    # Nearly three years on, the review comes due.
    with container.uow() as uow:
        uow.session.execute(
            update(Record)
            .where(Record.public_id == suspect_id)
            .values(review_due=today + timedelta(days=30))
        )
        uow.commit()
    supervisor = _auth(container, council, "ru_supervisor")
    path = f"/api/v1/records/{suspect_id}/review-date"

    def extend(who: dict[str, str], until: date, reason: str) -> int:
        body = {"review_due": until.isoformat(), "reason": reason, "version": 1}
        return client.post(path, json=body, headers=who).status_code

    reason = "The case is still open in court"
    assert extend(supervisor, years_on(2), "") == 422
    assert extend(supervisor, today, reason) == 422
    assert extend(supervisor, years_on(3) + timedelta(days=1), reason) == 422
    assert extend(headers, years_on(2), reason) == 403
    assert extend(supervisor, years_on(2), reason) == 200
    record = client.get(f"/api/v1/records/{suspect_id}", headers=headers).json()
    assert record["review_due"] == years_on(2).isoformat()
    assert records.audit("records:review:extend") == [
        ("records:review:extend", "denied", "ru_liaison"),
        ("records:review:extend", "ok", "ru_supervisor"),
    ]
