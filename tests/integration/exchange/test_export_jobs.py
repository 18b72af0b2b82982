"""A long thread is exported by a background job: the request is refused at once when the
export would be, and otherwise answers at once; the job lets the thread out through the
gate as its user, with their rights read again, and stores the file sealed; the file goes
only to the user who asked, while they may still read the thread, with the receipt's
headers, until it is no longer kept. Running the job again makes no second export.

The expectations are written from the rules in words: the threshold is three messages
here, a thread of one message is exported within the request as before.
"""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select, update

from interagency.background import run_pending
from interagency.bootstrap import Container
from interagency.config import Settings
from interagency.db import utcnow
from interagency.egress.models import Export
from interagency.errors import Forbidden, NotFound
from interagency.exchange import prepared, services
from interagency.exchange.models import PreparedExport
from interagency.exchange.schemas import ReplyIn
from interagency.filestore import FileStore
from interagency.filestore.models import StoredFile
from interagency.identity.models import User, UserRole
from interagency.jobs import Job, enqueue
from interagency.markings import HandlingCode
from tests.support.audit_trail import audit_actions
from tests.support.databases import settings_for
from tests.support.exchange import Address, Exchange, Sent
from tests.support.identity import Council, api_token, sign_in

LONG = 3  # messages from which a thread is exported in the background, in these tests
BODY = "Сведения о перевозчиках, использующих горный перевал."
REPLIES = ("Первое дополнение к сведениям.", "Второе дополнение к сведениям.")
REQUESTER = "b_ct_analyst"  # of the addressed desk: reads and exports an H0 thread


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, export_in_background_from_messages=LONG)


# --- helpers ------------------------------------------------------------------------------


def _auth(container: Container, council: Council, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(container, council, login)}"}


def _api_thread(
    client: TestClient, headers: dict[str, str], *, replies: int = 2, **fields: Any
) -> str:
    """A thread from RU-SVC to KZ-SVC (AMBER, H0 unless `fields` say otherwise) with
    `replies` replies under the same marking; its public id."""
    data = {
        "subject": "Маршрут через горный перевал",
        "body": BODY,
        "kind": "request",
        "deadline": (date.today() + timedelta(days=3)).isoformat(),
        "recipients": [{"agency": "KZ-SVC"}],
        "tlp": "AMBER",
        "handling_code": "H0",
        **fields,
    }
    sent = client.post("/api/v1/exchange/threads", json=data, headers=headers)
    assert sent.status_code == 201, sent.text
    thread_id = str(sent.json()["id"])
    for body in REPLIES[:replies]:
        reply = {"body": body, "tlp": data["tlp"], "handling_code": data["handling_code"]}
        added = client.post(
            f"/api/v1/exchange/threads/{thread_id}/messages", json=reply, headers=headers
        )
        assert added.status_code == 201, added.text
    return thread_id


def _long_thread(exchange: Exchange, **marking: Any) -> Sent:
    thread = exchange.send(
        "a_ct_liaison_officer", [Address("B", desk="CT")], from_desk="CT", body=BODY, **marking
    )
    for body in REPLIES:
        with exchange.container.uow() as uow:
            services.reply(
                uow, exchange.caller(uow, "a_ct_liaison_officer"), exchange.context, thread.id,
                ReplyIn(body=body, handling_code=thread.handling, tlp=thread.tlp),
            )  # fmt: skip
            uow.commit()
    return thread


def _prepare(exchange: Exchange, login: str, thread: Sent, fmt: str = "csv") -> int:
    with exchange.container.uow() as uow:
        row = prepared.prepare(uow, exchange.caller(uow, login), exchange.context, thread.id, fmt)
        uow.commit()
        return row.id


def _row(container: Container, prepared_id: int) -> PreparedExport:
    with container.uow() as uow:
        row = uow.session.get(PreparedExport, prepared_id)
        assert row is not None
        uow.session.expunge(row)
        return row


def _count(container: Container, model: type, *where: Any) -> int:
    with container.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _thread_exports(container: Container, thread_public_id: str) -> list[str]:
    """The export ids of the thread's files the gate recorded."""
    with container.uow() as uow:
        rows = uow.session.scalars(select(Export).where(Export.door == "exchange:thread-file"))
        return [row.public_id for row in rows if row.items[0]["ref"] == thread_public_id]


def _job(container: Container, prepared_id: int) -> Job:
    with container.uow() as uow:
        job = uow.session.scalars(
            select(Job).where(Job.kind == prepared.JOB, Job.subject_id == prepared_id)
        ).one()
        uow.session.expunge(job)
        return job


def _hand_over_again(container: Container, prepared_id: int) -> None:
    """As `interagency jobs retry` does for a dead job, or a queue that hands one twice."""
    with container.uow() as uow:
        uow.write(
            update(Job)
            .where(Job.kind == prepared.JOB, Job.subject_id == prepared_id)
            .values(state="pending", attempts=0)
        )
        uow.commit()


def _lose_every_role(container: Container, user_id: int) -> None:
    with container.uow() as uow:
        uow.write(delete(UserRole).where(UserRole.user_id == user_id))
        uow.commit()


def _csv_header(content: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# --- the request answers at once, the job makes the file -----------------------------------


def test_a_long_thread_is_accepted_at_once_and_its_job_makes_the_file(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    thread = _api_thread(client, sender)
    path = f"/api/v1/exchange/threads/{thread}/export"

    accepted = client.get(path, params={"format": "csv"}, headers=sender)
    assert accepted.status_code == 202, accepted.text
    location = accepted.headers["location"]
    assert location.startswith("/api/v1/exchange/prepared-exports/")
    assert accepted.json()["status"] == "queued"
    assert accepted.json()["download"] is None
    assert "x-export-id" not in accepted.headers
    assert _thread_exports(container, thread) == []  # nothing has left yet
    # Asked again while it is being made: the same export, not a second one.
    again = client.get(path, params={"format": "csv"}, headers=sender)
    assert again.headers["location"] == location

    assert run_pending(container) >= 1
    status = client.get(location, headers=sender)
    assert status.status_code == 200
    assert status.json()["status"] == "ready"
    assert status.json()["download"] == f"{location}/file"

    file = client.get(status.json()["download"], headers=sender)
    assert file.status_code == 200, file.text
    export_id = file.headers["x-export-id"]
    assert _thread_exports(container, thread) == [export_id]
    assert file.headers["x-marking"] == "H0; TLP:AMBER"
    assert file.headers["content-disposition"].startswith('attachment; filename="EX-')
    assert file.headers["content-type"].startswith("text/csv")
    header = _csv_header(file.content)
    assert header[:2] == ["# exported by", "ru_liaison (Test ru_liaison)"]
    assert header[header.index("export") + 1] == export_id
    text = file.content.decode("utf-8-sig")
    assert all(body in text for body in (BODY, *REPLIES))
    # The file is kept sealed under the reader's agency: not a word of it in the clear.
    with container.uow() as uow:
        stored = uow.session.scalars(select(StoredFile)).one()
        sealed_under = stored.agency_id
        on_disk = container.file_store.path_of(sealed_under, stored.sha256).read_bytes()
    assert sealed_under == council.agencies["RU-SVC"]
    assert BODY.encode() not in on_disk
    assert export_id.encode() not in on_disk
    actions = audit_actions(container, "exchange:thread:export")
    assert ("exchange:thread:export:prepare", "ok", "ru_liaison") in actions
    assert ("exchange:thread:export", "ok", "ru_liaison") in actions
    assert ("exchange:thread:export:deliver", "ok", "ru_liaison") in actions


def test_a_short_thread_is_exported_within_the_request(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    thread = _api_thread(client, sender, replies=1)  # two messages, one fewer than LONG
    exported = client.get(
        f"/api/v1/exchange/threads/{thread}/export", params={"format": "csv"}, headers=sender
    )
    assert exported.status_code == 200
    assert _thread_exports(container, thread) == [exported.headers["x-export-id"]]
    assert _count(container, PreparedExport) == 0


def test_the_page_sends_the_reader_to_the_files_page_which_offers_the_pdf(
    client: TestClient, council: Council, container: Container
) -> None:
    thread = _api_thread(client, _auth(container, council, "ru_liaison"))
    sign_in(client, council, "ru_liaison")
    asked = client.get(f"/exchange/threads/{thread}/export.pdf", follow_redirects=False)
    assert asked.status_code == 303
    page_path = asked.headers["location"]
    assert page_path.startswith("/exchange/prepared-exports/")
    waiting = client.get(page_path)
    assert waiting.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in waiting.text
    assert 'id="prepared-download"' not in waiting.text

    run_pending(container)
    ready = client.get(page_path)
    assert '<meta http-equiv="refresh"' not in ready.text
    assert f'href="{page_path}/file"' in ready.text
    file = client.get(f"{page_path}/file")
    assert file.status_code == 200
    assert file.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=file.content, capture_output=True, check=True
    ).stdout.decode()
    assert file.headers["x-export-id"] in text
    assert "ru_liaison" in text
    assert REPLIES[1] in text


# --- refusals: at once, and again when the job runs ----------------------------------------


def test_an_export_the_gate_refuses_is_refused_at_once_and_asks_for_no_job(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    receiver = _auth(container, council, "kz_liaison")
    red = _api_thread(client, sender, tlp="RED", recipients=[{"agency": "KZ-SVC", "desk": "CT"}])
    refused = client.get(f"/api/v1/exchange/threads/{red}/export", headers=sender)
    assert refused.status_code == 403
    assert "RED is never exported" in refused.json()["detail"]
    h1 = _api_thread(client, sender, handling_code="H1")
    refused = client.get(f"/api/v1/exchange/threads/{h1}/export", headers=receiver)
    assert refused.status_code == 403
    assert "ask the providing agency for its consent" in refused.json()["detail"]
    assert _count(container, PreparedExport) == 0
    assert _count(container, Job, Job.kind == prepared.JOB) == 0
    refusals = audit_actions(container, "egress:refused")
    assert ("egress:refused", "denied", "ru_liaison") in refusals
    assert ("egress:refused", "denied", "kz_liaison") in refusals
    # The provider exports its own H1 thread: accepted, for the job.
    assert client.get(f"/api/v1/exchange/threads/{h1}/export", headers=sender).status_code == 202


def test_a_recipient_without_consent_is_refused_at_once(exchange: Exchange) -> None:
    thread = _long_thread(exchange, handling=HandlingCode.H1)
    with pytest.raises(Forbidden) as refused:
        _prepare(exchange, REQUESTER, thread)
    assert "consent" in refused.value.message
    assert _count(exchange.container, PreparedExport) == 0


def test_a_user_who_lost_access_before_the_job_ran_gets_nothing(exchange: Exchange) -> None:
    container = exchange.container
    thread = _long_thread(exchange)
    prepared_id = _prepare(exchange, REQUESTER, thread)
    _lose_every_role(container, exchange.users[REQUESTER])
    assert audit_actions(container, "exchange:thread:read") == []

    run_pending(container)
    job = _job(container, prepared_id)
    assert (job.state, job.error) == ("dead", "NotFound")
    assert _row(container, prepared_id).status == "failed"
    assert _row(container, prepared_id).stored_file_id is None
    assert _thread_exports(container, thread.public_id) == []
    assert _count(container, StoredFile) == 0
    # The job's refusal is audited, for the user it acted for: reading the thread, denied.
    refused = audit_actions(container, "exchange:thread:read")
    assert refused == [("exchange:thread:read", "denied", REQUESTER)]


def test_a_disabled_user_s_export_is_not_made(exchange: Exchange) -> None:
    container = exchange.container
    thread = _long_thread(exchange)
    prepared_id = _prepare(exchange, REQUESTER, thread)
    with container.uow() as uow:
        user_id = exchange.users[REQUESTER]
        uow.write(update(User).where(User.id == user_id).values(disabled_at=utcnow()))
        uow.commit()
    run_pending(container)
    assert _job(container, prepared_id).state == "dead"
    assert _thread_exports(container, thread.public_id) == []


# --- delivery --------------------------------------------------------------------------------


def test_someone_elses_prepared_export_answers_as_a_missing_one(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    thread = _api_thread(client, sender)
    location = client.get(f"/api/v1/exchange/threads/{thread}/export", headers=sender).headers[
        "location"
    ]
    run_pending(container)
    # The receiving liaison officer reads the thread, but did not ask for this file.
    other = _auth(container, council, "kz_liaison")
    # (the file first: refusals repeated within a minute are tallied, not entered again)
    for path in (f"{location}/file", location):
        answer = client.get(path, headers=other)
        assert answer.status_code == 404, path
        assert answer.json()["detail"] == "There is no such prepared export."
    unknown = client.get("/api/v1/exchange/prepared-exports/" + "a" * 26, headers=other)
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "There is no such prepared export."
    denied = audit_actions(container, "exchange:thread:export:")
    assert ("exchange:thread:export:deliver", "denied", "kz_liaison") in denied
    assert [entry for entry in denied if entry[2] == "kz_liaison" and entry[1] == "ok"] == []


def test_delivery_checks_again_that_the_user_may_read_the_thread(exchange: Exchange) -> None:
    container = exchange.container
    thread = _long_thread(exchange)
    prepared_id = _prepare(exchange, REQUESTER, thread)
    run_pending(container)
    assert _row(container, prepared_id).status == "ready"
    with container.uow() as uow:
        found = prepared.deliver(
            uow, exchange.caller(uow, REQUESTER), container.file_store, prepared_id
        )
        assert BODY in b"".join(found.chunks).decode("utf-8-sig")
    _lose_every_role(container, exchange.users[REQUESTER])
    with container.uow() as uow, pytest.raises(NotFound):
        prepared.deliver(uow, exchange.caller(uow, REQUESTER), container.file_store, prepared_id)


def test_a_file_past_its_time_is_no_longer_served_and_the_sweep_releases_it(
    exchange: Exchange,
) -> None:
    container = exchange.container
    thread = _long_thread(exchange)
    prepared_id = _prepare(exchange, REQUESTER, thread)
    run_pending(container)
    row = _row(container, prepared_id)
    assert row.deliver_until is not None
    assert row.ready_at is not None
    assert row.deliver_until - row.ready_at == timedelta(hours=24)
    with container.uow() as uow:
        uow.write(
            update(PreparedExport)
            .where(PreparedExport.id == prepared_id)
            .values(deliver_until=utcnow() - timedelta(minutes=1))
        )
        uow.commit()
    with container.uow() as uow:
        caller = exchange.caller(uow, REQUESTER)
        assert prepared.progress(uow, caller, prepared_id).status == "expired"
        with pytest.raises(NotFound) as gone:
            prepared.deliver(uow, caller, container.file_store, prepared_id)
        assert "no longer kept" in gone.value.message
    with container.uow() as uow:
        enqueue(uow, prepared.EXPIRE_JOB, acting_user_id=None)
        uow.commit()
    run_pending(container)
    assert (_row(container, prepared_id).status, _row(container, prepared_id).stored_file_id) == (
        "expired", None,
    )  # fmt: skip
    assert _count(container, StoredFile) == 0


# --- once only --------------------------------------------------------------------------------


def test_the_job_run_twice_makes_one_file_and_one_export(exchange: Exchange) -> None:
    container = exchange.container
    thread = _long_thread(exchange)
    prepared_id = _prepare(exchange, REQUESTER, thread)
    run_pending(container)
    first = _row(container, prepared_id)
    assert first.status == "ready"
    _hand_over_again(container, prepared_id)
    assert run_pending(container) == 1
    again = _row(container, prepared_id)
    assert (again.stored_file_id, again.export_id, again.ready_at) == (
        first.stored_file_id, first.export_id, first.ready_at,
    )  # fmt: skip
    assert _thread_exports(container, thread.public_id) == [first.export_id]
    assert _count(container, StoredFile) == 1


def test_a_job_that_failed_after_the_export_makes_the_file_under_that_export(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    container = exchange.container
    thread = _long_thread(exchange)
    prepared_id = _prepare(exchange, REQUESTER, thread)

    def the_disk_went_away(*args: object, **kwargs: object) -> StoredFile:
        raise OSError("the disk went away")

    real_receive = FileStore.receive_bytes
    monkeypatch.setattr(FileStore, "receive_bytes", the_disk_went_away)
    run_pending(container)
    assert (_job(container, prepared_id).state, _job(container, prepared_id).error) == (
        "dead", "OSError",
    )  # fmt: skip
    recorded = _thread_exports(container, thread.public_id)
    assert len(recorded) == 1
    assert _count(container, StoredFile) == 0

    monkeypatch.setattr(FileStore, "receive_bytes", real_receive)
    _hand_over_again(container, prepared_id)
    run_pending(container)
    row = _row(container, prepared_id)
    assert (row.status, row.export_id) == ("ready", recorded[0])
    assert _thread_exports(container, thread.public_id) == recorded
    with container.uow() as uow:
        found = prepared.deliver(
            uow, exchange.caller(uow, REQUESTER), container.file_store, prepared_id
        )
        header = _csv_header(b"".join(found.chunks))
    assert header[header.index("export") + 1] == recorded[0]
    assert found.receipt.export_id == recorded[0]
