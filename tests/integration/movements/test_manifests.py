"""A day's manifest of crossings, received as a file and screened by its job: the profile
hit is found, the counts are right, bad rows are reported by row, column and code with no
value of theirs, the file is deleted when the job ends, a job run again stores no row
twice, and a file over a limit is refused with a message that says what to do."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select, update
from starlette.testclient import TestClient

from interagency.background import KINDS, SCHEDULES, run_pending
from interagency.filestore.models import StoredFile
from interagency.identity.models import Notification
from interagency.jobs import Job
from interagency.jobs.runner import execute
from interagency.movements import crossings, manifests
from interagency.movements.models import Crossing, CrossingManifest, ManifestPart
from interagency.movements.screened import checkers_of
from interagency.records.models import Hit
from interagency.web.app import create_app
from tests.integration.movements.conftest import RASHAD_PASSPORT, keep_profile
from tests.integration.records.conftest import Records
from tests.support.identity import api_token, csrf_token, sign_in

HEADER = (
    "surname,given_name,birth_date,sex,document_number,document_country,occurred_at,"
    "crossing_point,direction"
)
WHEN = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="minutes")
# A value that must never be seen again once the row was refused.
SECRET_POINT = "Khorgos-Secret-Gate"


def _traveller(n: int) -> str:
    return f"Testov{n:03d},Person,1970-01-{1 + n % 28:02d},M,N{n:07d},KAZ,{WHEN},Nur Zholy,exit"


def _csv(travellers: int = 3) -> bytes:
    rashad = RASHAD_PASSPORT
    lines = [
        HEADER,
        f"{rashad['surname']},{rashad['given_name']},{rashad['birth_date']},M,"
        f"{rashad['document_number']},{rashad['document_country']},{WHEN},Nur Zholy,entry",
        *(_traveller(n) for n in range(1, travellers + 1)),
        # No document number, and a direction that is neither entry nor exit.
        f"Badrow,Person,1971-02-03,M,,KAZ,{WHEN},{SECRET_POINT},sideways",
        ",,,,,,,,",
    ]
    return "\n".join(lines).encode()


def _send(records: Records, data: bytes, name: str = "day.csv") -> int:
    container = records.container
    with container.uow() as uow:
        caller = records.council.caller(uow, "kz_liaison")
        principal = crossings.require_submitter(caller)
        stored = container.file_store.receive_bytes(
            uow, data, agency_id=principal.agency_id, filename=name
        )
        manifest = manifests.accept(uow, caller, container.file_store, name, stored)
        uow.commit()
        return manifest.id


def _manifest(records: Records, manifest_id: int) -> CrossingManifest:
    with records.container.uow() as uow:
        manifest = uow.session.get(CrossingManifest, manifest_id)
        assert manifest is not None
        uow.session.expunge(manifest)
        return manifest


def _count(records: Records, model: type, *where: Any) -> int:
    with records.container.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_a_csv_manifest_is_screened_and_its_file_deleted(records: Records) -> None:
    keep_profile(records)
    manifest_id = _send(records, _csv())
    assert _count(records, StoredFile) == 1
    assert run_pending(records.container) >= 1
    manifest = _manifest(records, manifest_id)
    assert (manifest.status, manifest.refusal) == ("done", None)
    # Six rows below the header, the blank one counted; four screened.
    assert (manifest.rows, manifest.screened, manifest.hits) == (6, 4, 1)
    assert manifest.problem_count == 2
    assert sorted(map(tuple, manifest.problems)) == [
        (6, "direction", "enum"),
        (6, "document_number", "missing"),
    ]
    assert SECRET_POINT not in json.dumps(manifest.problems)
    assert "Badrow" not in json.dumps(manifest.problems)
    # Only the row that shares a candidate key with a profile was stored: the others met
    # no profile, and what is never stored needs no deleting.
    with records.container.uow() as uow:
        numbers = uow.session.scalars(
            select(Crossing.manifest_row).where(Crossing.manifest_id == manifest_id)
        ).all()
    assert numbers == [2]
    assert _count(records, Hit) == 1
    # The file went with the job.
    assert manifest.stored_file_id is None
    assert _count(records, StoredFile) == 0


def test_a_parquet_manifest_is_read_with_its_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    table = pa.table(
        {
            "surname": ["HUSEYNOV", "TESTOV", None],
            "document_number": ["C01234567", "N0000001", "N0000002"],
            "document_country": ["AZE", "KAZ", "KAZ"],
            "occurred_at": [datetime.now(UTC) - timedelta(hours=1)] * 3,
            "crossing_point": ["Nur Zholy"] * 3,
            "direction": ["entry", "exit", "exit"],
            "colour": ["red", "green", "blue"],
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    rows = list(manifests.read_rows(io.BytesIO(sink.getvalue())))
    assert "colour" in rows[0]  # the header names every column, to be reported
    assert "colour" not in rows[1]  # and only a manifest's columns are read
    first, problems = manifests.check_row(2, rows[1])
    assert first is not None
    assert problems == []
    assert first.surname == "HUSEYNOV"
    assert first.occurred_at.tzinfo is not None
    assert manifests.check_row(4, rows[3]) == (None, [[4, "surname", "missing"]])
    monkeypatch.setattr(manifests, "MAX_ROWS", 2)
    with pytest.raises(manifests.Refused) as refused:
        list(manifests.read_rows(io.BytesIO(sink.getvalue())))
    assert refused.value.code == "too-many-rows:2"


def test_a_job_run_again_stores_no_row_twice(
    records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_profile(records)
    monkeypatch.setattr(manifests, "BATCH", 2)
    manifest_id = _send(records, _csv(travellers=5))
    real_screen = crossings.screen
    batches: list[int] = []

    def fails_in_the_third_batch(*args: Any, **kwargs: Any) -> list[Hit]:
        if len(batches) == 2:
            raise OSError("the disk went away")
        batches.append(1)
        return real_screen(*args, **kwargs)

    monkeypatch.setattr(crossings, "screen", fails_in_the_third_batch)
    run_pending(records.container)
    assert _manifest(records, manifest_id).rows == 4
    with records.container.uow() as uow:
        uow.write(
            update(Job)
            .where(Job.kind == manifests.PART_JOB, Job.state == "dead")
            .values(state="pending", attempts=0)
        )
        uow.commit()
    monkeypatch.setattr(crossings, "screen", real_screen)
    run_pending(records.container)
    manifest = _manifest(records, manifest_id)
    assert (manifest.status, manifest.rows, manifest.screened, manifest.hits) == ("done", 8, 6, 1)
    # The one row that met a profile is stored, once.
    assert _count(records, Crossing, Crossing.manifest_id == manifest_id) == 1
    assert _count(records, Hit) == 1
    assert _count(records, StoredFile) == 0


def test_a_manifest_in_parts_ends_when_its_last_part_ends(
    records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_profile(records)
    monkeypatch.setattr(manifests, "PART_ROWS", 3)
    monkeypatch.setattr(manifests, "BATCH", 2)
    container = records.container
    # Nine rows below the header: the hit in row 2, the bad row 9, the blank row 10.
    manifest_id = _send(records, _csv(travellers=6))
    with container.uow(read_only=True) as uow:
        lead = uow.session.scalar(select(Job.id).where(Job.kind == manifests.JOB))
    kinds = {kind.name: kind for kind in KINDS}
    execute(container, kinds, lead, last_attempt=True)
    with container.uow(read_only=True) as uow:
        parts = uow.session.execute(
            select(ManifestPart.first_row, ManifestPart.row_count).order_by(ManifestPart.number)
        ).all()
        part_jobs = list(uow.session.scalars(select(Job.id).where(Job.kind == manifests.PART_JOB)))
    assert [tuple(part) for part in parts] == [(0, 3), (3, 3), (6, 3)]
    assert _manifest(records, manifest_id).status == "running"
    # The parts end in any order; the manifest ends with the last, whichever it is.
    for n, job_id in enumerate(sorted(part_jobs, reverse=True)):
        assert _count(records, StoredFile) == 1
        execute(container, kinds, job_id, last_attempt=True)
        assert _manifest(records, manifest_id).status == ("done" if n == 2 else "running")
    manifest = _manifest(records, manifest_id)
    # Nine rows; the bad one and the blank one not screened.
    assert (manifest.rows, manifest.screened, manifest.hits) == (9, 7, 1)
    assert sorted(map(tuple, manifest.problems)) == [
        (9, "direction", "enum"),
        (9, "document_number", "missing"),
    ]
    with container.uow(read_only=True) as uow:
        assert uow.session.scalars(select(Crossing.manifest_row)).all() == [2]
        told = uow.session.scalars(
            select(Notification.user_id).where(Notification.kind == "movements:manifest-hits")
        ).all()
        checkers = {
            manifest.created_by_id,
            *checkers_of(uow, [manifest.agency_id]).get(manifest.agency_id, []),
        }
    assert _count(records, StoredFile) == 0
    # The checkers are told once each, when the manifest ends: not once a part.
    assert sorted(told) == sorted(checkers)


def test_a_manifest_begun_before_parts_goes_on_after_the_rows_it_had_read(
    records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_profile(records)
    monkeypatch.setattr(manifests, "PART_ROWS", 4)
    manifest_id = _send(records, _csv(travellers=6))
    # As a job of the time before parts left it: three rows read (the hit among them).
    with records.container.uow() as uow:
        uow.write(
            update(CrossingManifest)
            .where(CrossingManifest.id == manifest_id)
            .values(status="running", rows=3, screened=3, hits=1)
        )
        uow.commit()
    run_pending(records.container)
    with records.container.uow(read_only=True) as uow:
        parts = uow.session.execute(
            select(ManifestPart.first_row, ManifestPart.row_count).order_by(ManifestPart.number)
        ).all()
    assert [tuple(part) for part in parts] == [(3, 3), (6, 3)]
    manifest = _manifest(records, manifest_id)
    # Rows 5 to 10: four travellers, the bad row and the blank one; none read twice.
    assert (manifest.status, manifest.rows, manifest.screened, manifest.hits) == ("done", 9, 7, 1)
    assert _count(records, Crossing) == 0
    assert _count(records, Hit) == 0


@pytest.mark.parametrize("count", [0, 1, 7, 10, 249_999, 250_001, 940_815, 1_000_000])
def test_the_parts_cover_every_row_once_in_sizes_that_differ_by_one_at_most(count: int) -> None:
    parts = manifests._parts(count)
    covered = [row for first, size in parts for row in range(first, first + size)]
    assert covered == list(range(count))
    sizes = {size for _, size in parts}
    assert not sizes or (max(sizes) - min(sizes) <= 1 and max(sizes) <= manifests.PART_ROWS)
    assert len(parts) == -(-count // manifests.PART_ROWS)


def test_a_file_over_the_row_limit_is_refused_with_what_to_do(
    records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(manifests, "MAX_ROWS", 3)
    container = records.container
    headers = {"Authorization": f"Bearer {api_token(container, records.council, 'kz_liaison')}"}
    with TestClient(create_app(container)) as client:
        sent = client.post(
            "/api/v1/movements/manifests",
            files={"file": ("day.csv", _csv(travellers=5), "text/csv")},
            headers=headers,
        )
        assert sent.status_code == 202, sent.text
        reference = sent.json()["reference"]
        assert sent.json()["status"] == "queued"
        run_pending(container)
        state = client.get(f"/api/v1/movements/manifests/{reference}", headers=headers)
        assert state.status_code == 200
        body = state.json()
        assert body["status"] == "failed"
        assert "more than 3 rows" in body["refusal"]
        assert "split" in body["refusal"]
        # Another agency's user finds no such manifest.
        theirs = {"Authorization": f"Bearer {api_token(container, records.council, 'ru_liaison')}"}
        assert (
            client.get(f"/api/v1/movements/manifests/{reference}", headers=theirs).status_code
            == 404
        )
    assert _count(records, Crossing) == 0
    assert _count(records, StoredFile) == 0


def test_the_pages_take_a_manifest_and_show_its_report(records: Records) -> None:
    with TestClient(create_app(records.container)) as client:
        sign_in(client, records.council, "kz_liaison")
        page = client.get("/movements/manifests")
        assert page.status_code == 200
        assert 'action="/movements/manifests"' in page.text
        sent = client.post(
            "/movements/manifests",
            data={"csrf_token": csrf_token(page.text)},
            files={"file": ("day.csv", _csv(), "text/csv")},
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
        target = sent.headers["location"]
        assert target.startswith("/movements/manifests/")
        run_pending(records.container)
        report = client.get(target)
        assert report.status_code == 200
        assert 'id="manifest-status">done<' in report.text
        assert SECRET_POINT not in report.text
        listed = client.get("/movements/manifests")
        assert target in listed.text


def test_the_job_and_the_sweep_are_registered() -> None:
    names = {kind.name for kind in KINDS}
    assert {manifests.JOB, manifests.PART_JOB, "movements.sweep"} <= names
    assert "movements.sweep" in {schedule.kind for schedule in SCHEDULES}


def test_a_parquet_manifest_is_screened_by_the_job(records: Records) -> None:
    keep_profile(records)
    rashad = RASHAD_PASSPORT
    when = datetime.now(UTC) - timedelta(hours=1)
    table = pa.table(
        {
            "surname": [rashad["surname"], "TESTOV"],
            "given_name": [rashad["given_name"], "IVAN"],
            "birth_date": [rashad["birth_date"], "1970-01-01"],
            "document_number": [rashad["document_number"], "N0000001"],
            "document_country": [rashad["document_country"], "KAZ"],
            "occurred_at": [when, when],
            "crossing_point": ["Nur Zholy", "Nur Zholy"],
            "direction": ["entry", "exit"],
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink)
    manifest_id = _send(records, sink.getvalue(), name="day.parquet")
    run_pending(records.container)
    manifest = _manifest(records, manifest_id)
    assert (manifest.status, manifest.rows, manifest.screened, manifest.hits) == ("done", 2, 2, 1)
    assert _count(records, StoredFile) == 0


def test_a_refugee_in_a_manifest_is_never_screened_against_the_state_fled(
    records: Records,
) -> None:
    keep_profile(records)
    rashad = RASHAD_PASSPORT
    header = HEADER + ",protection,protection_from"
    row = (
        f"{rashad['surname']},{rashad['given_name']},{rashad['birth_date']},M,"
        f"{rashad['document_number']},{rashad['document_country']},{WHEN},Nur Zholy,entry"
    )
    data = "\n".join([header, row + ",refugee,RU", row + ",none,"]).encode()
    manifest_id = _send(records, data)
    run_pending(records.container)
    manifest = _manifest(records, manifest_id)
    # The same traveller twice: as a refugee from RU, no hit and nothing stored; without
    # protection, the hit, so it was the safeguard that stopped the first.
    assert (manifest.status, manifest.rows, manifest.screened, manifest.hits) == ("done", 2, 2, 1)
    with records.container.uow() as uow:
        stored = uow.session.scalars(select(Crossing.manifest_row)).all()
    assert stored == [3]
