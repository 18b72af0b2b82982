"""Records and hits leave through the export gate: a released record's details cross to
the searching agency under an export id the thread names, and the API's lists are bulk
reads, counted and recorded, without what the gate withholds."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update
from starlette.testclient import TestClient

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.db import utcnow
from interagency.egress.models import Export, Subscription, SubscriptionStatus, ThirdParty
from interagency.records.models import Hit, Record
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, Records
from tests.integration.records.test_api import _person
from tests.integration.records.test_details import Side, _hit
from tests.support.identity import Council


def exports(container: Container, door: str) -> list[Export]:
    with container.uow() as uow:
        rows = list(
            uow.session.scalars(select(Export).where(Export.door == door).order_by(Export.id))
        )
        uow.session.expunge_all()
        return rows


def gate_entries(
    container: Container, door: str
) -> list[tuple[str | None, str | None, dict[str, object]]]:
    """(actor login, export id, detail) of the `egress:export` entries of one door."""
    with container.uow() as uow:
        rows = uow.session.execute(
            select(AuditEntry.actor_login, AuditEntry.object_ref, AuditEntry.detail)
            .where(AuditEntry.action == "egress:export")
            .order_by(AuditEntry.seq)
        )
        found = [(login, ref, json.loads(detail)) for login, ref, detail in rows]
    return [entry for entry in found if entry[2]["door"] == door]


def test_released_details_cross_to_the_searching_agency_under_an_export_id(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    reference = _hit(client, container, council)  # the owner's record is RED
    searcher = Side(client, container, council, "kz_liaison")
    base = f"/api/v1/records/hits/{reference}"
    assert searcher.post(f"{base}/details", {"justification": "Planned attack"}).is_success
    officer = Side(client, container, council, "ru_liaison")
    check = {"confirmed": True, "how": "Compared the birth date and the passport"}
    assert officer.post(f"{base}/check", check).is_success
    assert officer.post(f"{base}/release/propose", {"note": "Same person"}).is_success
    released = Side(client, container, council, "ru_supervisor").post(f"{base}/release/approve")
    assert released.status_code == 200, released.text

    with container.uow() as uow:
        found = uow.session.scalar(select(Hit.found_record_id).where(Hit.reference == reference))
        record = uow.session.get(Record, found)
        assert record is not None
        record_id, review_due = record.public_id, record.review_due
    [export] = exports(container, "records:hit-details")
    assert export.format == "thread"
    assert export.destination == "agency"
    assert export.target_agency_id == council.agencies["KZ-SVC"]
    assert export.reader_user_id == council.users["ru_supervisor"]
    assert export.items == [
        {
            "kind": "record",
            "ref": record_id,
            "owner": council.agencies["RU-SVC"],
            "tlp": "RED",
            "handling": "H0",  # a record's handling unless its owner chose another
            "expires": review_due.isoformat(),
        }
    ]
    thread_id = searcher.thread_id(released.json()["release_thread"])
    body = searcher.get(f"/api/v1/exchange/threads/{thread_id}").json()["messages"][0]["body"]
    assert f"Export {export.public_id}, valid until {review_due.isoformat()}" in body
    [(login, export_id, detail)] = gate_entries(container, "records:hit-details")
    assert (login, export_id) == ("ru_supervisor", export.public_id)
    assert detail["target_agency"] == council.agencies["KZ-SVC"]


def test_the_record_list_is_a_bulk_read_with_its_export_id(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    officer = Side(client, container, council, "ru_liaison")
    red = officer.post("/api/v1/records", _person(RASHAD_RU, tlp="RED")).json()["record"]["id"]
    green = officer.post("/api/v1/records", _person(RASHAD_LATIN, tlp="GREEN")).json()
    soon = utcnow().date() + timedelta(days=30)
    with container.uow() as uow:
        uow.session.execute(update(Record).where(Record.public_id == red).values(review_due=soon))
        uow.commit()

    listed = officer.get("/api/v1/records")
    assert listed.status_code == 200
    assert {row["id"] for row in listed.json()} == {red, green["record"]["id"]}
    [export] = exports(container, "records:record-list")
    assert listed.headers["x-export-id"] == export.public_id
    assert listed.headers["x-expires"] == soon.isoformat()  # the earliest review date
    assert export.destination == "reader"
    assert sorted(item["ref"] for item in export.items) == sorted({red, green["record"]["id"]})
    assert [login for login, _ref, _detail in gate_entries(container, "records:record-list")] == [
        "ru_liaison"
    ]

    one = officer.get(f"/api/v1/records/{red}")  # one by one counts too
    assert one.status_code == 200
    [_, single] = exports(container, "records:record-list")
    assert one.headers["x-export-id"] == single.public_id
    assert [item["ref"] for item in single.items] == [red]


def test_a_subscription_that_feeds_a_third_party_withholds_red_records(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    officer = Side(client, container, council, "ru_liaison")
    red = officer.post("/api/v1/records", _person(RASHAD_RU, tlp="RED")).json()["record"]["id"]
    green = officer.post("/api/v1/records", _person(RASHAD_LATIN, tlp="GREEN")).json()
    with container.uow() as uow:
        party = ThirdParty(
            name="Regional Anti-Terrorist Structure",
            country="XX",
            legal_basis="Agreement on cooperation, art. 9",
            entered_by_id=council.users["sec_officer"],
        )
        uow.session.add(party)
        uow.session.flush()
        uow.session.add(
            Subscription(
                agency_id=council.agencies["RU-SVC"],
                reader_user_id=council.users["ru_liaison"],
                door="records:record-list",
                daily_limit=10_000,
                purpose="Feed of the joint analysis",
                third_party_id=party.id,
                valid_until=utcnow().date() + timedelta(days=90),
                status=SubscriptionStatus.APPROVED.value,
                asked_by_id=council.users["ru_analyst"],
                decided_by_id=council.users["ru_supervisor"],
            )
        )
        uow.commit()

    listed = officer.get("/api/v1/records")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()] == [green["record"]["id"]]
    [export] = exports(container, "records:record-list")
    assert export.destination == "third_party"
    assert [item["ref"] for item in export.items] == [green["record"]["id"]]
    [(_login, _ref, detail)] = gate_entries(container, "records:record-list")
    assert detail["withheld"] == 1
    assert red not in json.dumps(detail)


def test_the_lists_of_due_and_queued_records_carry_an_export_id(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    officer = Side(client, container, council, "ru_liaison")
    created = officer.post("/api/v1/records", _person(RASHAD_RU)).json()["record"]["id"]
    with container.uow() as uow:
        uow.session.execute(
            update(Record)
            .where(Record.public_id == created)
            .values(review_due=utcnow().date() - timedelta(days=3))
        )
        uow.commit()
    due = Side(client, container, council, "ru_dpo").get("/api/v1/records/due")
    assert [row["id"] for row in due.json()] == [created]
    # Past its review date, a record is still read by its own agency's DPO: the gate
    # stops stale copies leaving the platform, not the reading of the list.
    [export] = exports(container, "records:record-list")
    assert due.headers["x-export-id"] == export.public_id
    queue = Side(client, container, council, "board_reviewer").get("/api/v1/records/review-queue")
    assert queue.status_code == 200
    assert len(exports(container, "records:record-list")) == 2
    assert queue.headers["x-export-id"] == exports(container, "records:record-list")[1].public_id


def test_the_hit_list_is_a_bulk_read_marked_as_a_hit_is(
    client: TestClient, council: Council, container: Container, records: Records
) -> None:
    reference = _hit(client, container, council)
    listed = Side(client, container, council, "kz_liaison").get("/api/v1/records/hits")
    assert [hit["reference"] for hit in listed.json()] == [reference]
    [export] = exports(container, "records:hit-list")
    assert listed.headers["x-export-id"] == export.public_id
    assert listed.headers["x-marking"] == "H2; TLP:AMBER+STRICT"
    assert export.reader_user_id == council.users["kz_liaison"]
    assert export.items == [
        {
            "kind": "hit",
            "ref": reference,
            "owner": council.agencies["RU-SVC"],
            "tlp": "AMBER+STRICT",
            "handling": "H2",
            "expires": None,
        }
    ]
