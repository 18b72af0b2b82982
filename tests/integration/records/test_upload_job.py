"""The upload's job goes on where it stopped: a failure after some batches were stored
stores no row twice and finds each hit once; a user who lost the right to upload stores
nothing; the file is released when the job ends."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from interagency import i18n
from interagency.background import run_pending
from interagency.bootstrap import bootstrap
from interagency.config import Settings
from interagency.db import utcnow
from interagency.filestore.models import StoredFile
from interagency.identity.models import User
from interagency.jobs import Job
from interagency.records import services, uploads
from interagency.records.models import BulkUpload, Hit, Record, Screening
from interagency.web.app import create_app
from tests.integration.records.conftest import RASHAD_RU, Records, person
from tests.support.identity import csrf_token, sign_in
from tests.support.uploads import accept
from tests.support.workbooks import header_row, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = "surname,given_name,birth_date,subject_category,purpose,legal_basis"


def _rows(count: int) -> bytes:
    """`count` distinct people; the first is the person the RU record holds."""
    lines = [HEADER, "Huseynov,Rashad,1985-03-14,suspect,Games security,Agreement art. 5"]
    lines += [
        f"Testov{n:04d},Person{n:04d},19{50 + n % 40}-0{1 + n % 9}-1{n % 9},suspect,"
        "Games security,Agreement art. 5"
        for n in range(1, count)
    ]
    return "\n".join(lines).encode()


def _accept(records: Records, data: bytes) -> int:
    with records.container.uow() as uow:
        caller = records.council.caller(uow, "kz_liaison")
        upload = accept(records.container, uow, caller, data, accept_valid_only=True)
        uow.commit()
        return upload.id


def _count(records: Records, model: type, *where: object) -> int:
    with records.container.uow() as uow:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(uow.session.scalar(query) or 0)


def test_a_job_that_failed_half_way_goes_on_and_stores_each_row_once(
    records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    monkeypatch.setattr(uploads, "BATCH", 4)
    upload_id = _accept(records, _rows(10))
    real_store_many = services.store_many
    stored_batches: list[int] = []

    def fails_on_the_third_batch(*args: object, **kwargs: object) -> list[int]:
        if len(stored_batches) == 2:
            raise OSError("the disk went away")
        ids = real_store_many(*args, **kwargs)  # type: ignore[arg-type]
        stored_batches.append(len(ids))
        return ids

    monkeypatch.setattr(services, "store_many", fails_on_the_third_batch)
    run_pending(records.container)
    with records.container.uow() as uow:
        upload = uow.session.get(BulkUpload, upload_id)
        assert upload is not None
        assert (upload.status, upload.stage, upload.rows_done, upload.rows_stored) == (
            "running", "storing", 8, 8,
        )  # fmt: skip
        job = uow.session.scalars(select(Job).where(Job.subject_id == upload_id)).one()
        assert (job.state, job.error) == ("dead", "OSError")
        # An operator hands it over again, as `interagency jobs retry` does.
        uow.write(update(Job).where(Job.id == job.id).values(state="pending", attempts=0))
        uow.commit()
    monkeypatch.setattr(services, "store_many", real_store_many)
    assert run_pending(records.container) == 1
    with records.container.uow() as uow:
        upload = uow.session.get(BulkUpload, upload_id)
        assert upload is not None
        assert (upload.status, upload.rows_total, upload.rows_stored, upload.hits_found) == (
            "done", 10, 10, 1,
        )  # fmt: skip
        assert upload.stored_file_id is None
    assert _count(records, Record, Record.upload_id == upload_id) == 10
    assert _count(records, Screening) == 10 + 1  # each uploaded record once, and the RU one
    assert _count(records, Hit) == 1
    assert _count(records, StoredFile) == 0  # released with the job, and deleted
    # Handed over once more by mistake: nothing changes.
    with records.container.uow() as uow:
        uow.write(update(Job).where(Job.subject_id == upload_id).values(state="pending"))
        uow.commit()
    run_pending(records.container)
    assert _count(records, Record, Record.upload_id == upload_id) == 10
    assert _count(records, Hit) == 1


def test_a_user_who_lost_the_right_to_upload_stores_nothing(records: Records) -> None:
    upload_id = _accept(records, _rows(3))
    with records.container.uow() as uow:
        user_id = records.council.users["kz_liaison"]
        uow.write(update(User).where(User.id == user_id).values(disabled_at=utcnow()))
        uow.commit()
    run_pending(records.container)
    assert _count(records, Record) == 0
    with records.container.uow() as uow:
        upload = uow.session.get(BulkUpload, upload_id)
        assert upload is not None
        assert upload.status == "queued"
        job = uow.session.scalars(select(Job).where(Job.subject_id == upload_id)).one()
        assert (job.state, job.error) == ("dead", "Forbidden")


def test_a_workbook_of_two_million_rows_is_accepted_at_once_and_its_job_refuses_it(
    records: Records,
) -> None:
    """The issue's finding: such a file froze every page while the server read it whole."""
    body = b"".join(b'<row r="%d"/>' % number for number in range(2, 2_000_002))
    data = workbook(header_row(["surname"]) + body)
    client = TestClient(create_app(records.container))
    assert sign_in(client, records.council, "kz_liaison").status_code == 303
    token = csrf_token(client.get("/records/upload").text)
    answer = client.post(
        "/records/upload",
        data={"csrf_token": token, "kind": "person"},
        files={"file": ("people.xlsx", data, XLSX)},
    )
    assert answer.status_code == 200
    assert client.get("/health").status_code == 200
    started = time.perf_counter()
    run_pending(records.container)
    # Not a timing test of the platform: a bound that reading two million rows would break.
    assert time.perf_counter() - started < 10
    page = client.get(answer.url.path).text
    assert "people.xlsx: more than 200000 rows; split it into several uploads." in page
    assert _count(records, Record) == 0


def test_a_file_the_malware_scan_refuses_is_never_read(
    records: Records, settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    scanning = bootstrap(
        settings.model_copy(update={"attachment_scan_command": "sh -c 'exit 1'"}),
        engine=engine,
        session_factory=session_factory,
    )
    infected = Records(records.council, scanning)
    upload_id = _accept(infected, _rows(3))
    with scanning.uow() as uow:
        upload = uow.session.get(BulkUpload, upload_id)
        assert upload is not None
        stored = uow.session.get(StoredFile, upload.stored_file_id)
        assert stored is not None
        assert stored.status == "quarantined"  # the request did not wait for the scanner
    run_pending(scanning)
    page = _report(infected, upload_id)
    assert page.refusal == "The file was refused by the malware scan."
    assert _count(infected, Record) == 0


def _report(records: Records, upload_id: int) -> uploads.Report:
    with records.container.uow() as uow:
        upload = uow.session.get(BulkUpload, upload_id)
        assert upload is not None
        assert upload.status == "failed"
        with i18n.language("en"):
            return uploads.report_of(upload)


def test_an_upload_probing_one_record_alerts_each_dpo_once_however_it_is_batched(
    records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    records.save("ru_liaison", person(RASHAD_RU))
    monkeypatch.setattr(uploads, "BATCH", 2)
    spellings = ("Huseynov", "Guseynov", "Gusejnov", "Husseinov", "Guseinov", "Huseinov")
    lines = [HEADER] + [
        f"{surname},Rashad,1985-03-14,suspect,Games security,Agreement art. 5"
        for surname in spellings
    ]
    _accept(records, "\n".join(lines).encode())
    run_pending(records.container)
    assert records.hit_count() == len(spellings)
    for dpo in ("kz_dpo", "ru_dpo"):
        alerts = [kind for kind, _ in records.notices(dpo)]
        assert alerts.count("records:probing-near-identical") == 1
