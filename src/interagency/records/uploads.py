"""Bulk uploads: the request stores the file, sealed, and answers at once; a background
job checks every row, stores the records and cross-checks them.

Nothing is stored unless every row is valid or the user accepted storing only the valid
ones. The job runs in short transactions and can be run again after a crash at any
point without storing a row twice: the storing pass notes, with each batch of records,
how many rows of the file it is past (`rows_done`), and the cross-check takes only the
upload's records still waiting for it (a batch of hits and the end of the waiting commit
together). The user's right to store records is checked again when the job starts.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import json
import logging
from collections.abc import Iterator
from itertools import islice
from typing import Final

from sqlalchemy import select, update

from interagency import audit, i18n
from interagency.db import UnitOfWork, utcnow
from interagency.errors import DomainError, Forbidden, InvalidInput, NotFound
from interagency.filestore import FileStore
from interagency.filestore.models import FileStatus, StoredFile
from interagency.i18n import lazy
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.inputs import checked_file_name
from interagency.jobs import enqueue
from interagency.jobs.kinds import Run, Superseded
from interagency.matching.cleaning import DateColumn, SetAside, Why
from interagency.records import batchcheck, bulk, pairing, services
from interagency.records.models import (
    BulkUpload,
    Hit,
    Record,
    RecordKind,
    UploadStage,
    UploadStatus,
)
from interagency.records.policy import Action
from interagency.screening import service as screening

KIND: Final = "record-upload"
JOB: Final = "records.upload"
# Rows checked or stored in one transaction: short enough that pages never wait long for
# SQLite's write lock, long enough that a 100,000-row file is not slowed by commits.
BATCH: Final = 1000
# Problems kept for the upload's page (all are counted).
PROBLEMS_SHOWN: Final = 500
FINISHED: Final = frozenset({UploadStatus.DONE, UploadStatus.REJECTED, UploadStatus.FAILED})

logger = logging.getLogger(__name__)


class ScanPending(RuntimeError):
    """The file's scan has not passed it yet: the job is tried again after a pause."""


def require_uploader(uow: UnitOfWork, caller: Caller) -> Principal:
    """The caller may upload records (checked before the file is even received)."""
    return services.require_own(uow, caller, Action.CREATE)


def accept(
    uow: UnitOfWork,
    caller: Caller,
    file_store: FileStore,
    kind: RecordKind,
    filename: str,
    stored: StoredFile,
    *,
    accept_valid_only: bool,
) -> BulkUpload:
    """Keeps the received file for the upload's job and asks for the job, in the caller's
    transaction."""
    principal = require_uploader(uow, caller)
    # The name is shown with the problems found: it passes the hygiene of every text.
    filename = checked_file_name(filename)
    if stored.agency_id != principal.agency_id:
        raise Forbidden(lazy("The file was received for another agency."))
    file_store.add_reference(uow, stored.id)
    upload = BulkUpload(
        agency_id=principal.agency_id,
        created_by_id=principal.user_id,
        kind=kind.value,
        stored_file_id=stored.id,
        accept_valid_only=accept_valid_only,
        report=json.dumps({"file": filename, "problems": []}),
    )
    uow.session.add(upload)
    uow.session.flush()
    audit.record(
        uow,
        caller.event(
            "records:upload:accept",
            object_kind=KIND,
            object_ref=upload.public_id,
            detail={"kind": kind.value, "valid_only": accept_valid_only},
        ),
    )
    enqueue(uow, JOB, upload.id, acting_user_id=principal.user_id)
    return upload


def status(uow: UnitOfWork, caller: Caller, upload_id: int) -> BulkUpload:
    principal = require_uploader(uow, caller)
    upload = uow.session.get(BulkUpload, upload_id)
    if upload is None or upload.agency_id != principal.agency_id:
        raise NotFound(lazy("There is no such upload."))
    return upload


def recent(uow: UnitOfWork, caller: Caller) -> list[BulkUpload]:
    principal = require_uploader(uow, caller)
    return list(
        uow.session.scalars(
            select(BulkUpload)
            .where(BulkUpload.agency_id == principal.agency_id)
            .order_by(BulkUpload.id.desc())
            .limit(20)
        )
    )


@dataclasses.dataclass(frozen=True)
class Report:
    """What the upload's page shows besides the counts."""

    file: str
    problems: list[bulk.Problem]
    refusal: str | None  # why the file could not be read, in the user's language
    # Values of stored rows that could not be used, stored as missing: the first
    # PROBLEMS_SHOWN of them, and how many there were.
    set_aside: list[SetAside] = dataclasses.field(default_factory=list)
    set_aside_count: int = 0


def report_of(upload: BulkUpload) -> Report:
    content = json.loads(upload.report or "{}")
    problems = [bulk.Problem(*item) for item in content.get("problems", [])]
    set_aside = [
        SetAside(row, column, value, why, Why(kind), kept)
        for row, column, value, why, kind, kept in content.get("set_aside", [])
    ]
    refusal = content.get("refusal")
    text = None
    if refusal is not None:
        text = i18n.gettext(refusal["message"]).format(**refusal["params"])
    return Report(
        content.get("file", ""),
        problems,
        text,
        set_aside,
        content.get("set_aside_count", len(set_aside)),
    )


# ------------------------------------------------------------------------------- the job


def process(run: Run) -> None:
    """The upload's job: check, store, cross-check; each step resumes where it stopped."""
    with run.uow() as uow:
        upload = uow.session.get(BulkUpload, run.subject_id)
        if upload is None or UploadStatus(upload.status) in FINISHED:
            return
        _rights_still_held(uow, run.caller, upload)
        upload.status = UploadStatus.RUNNING.value
        stage = UploadStage(upload.stage)
        uow.commit()
    try:
        if stage in (UploadStage.QUEUED, UploadStage.CHECKING):
            if not _check(run, upload.id):
                return
            stage = UploadStage.STORING
        if stage is UploadStage.FINISHED:
            # The check stopped the upload, and the job ended before the upload did.
            _finish(run, upload.id, UploadStatus.REJECTED)
            return
        if stage is UploadStage.STORING:
            _store(run, upload.id)
        _cross_check(run, upload.id)
    except InvalidInput as refusal:
        # The file broke a limit while it was read: the upload says which, and why.
        _finish(run, upload.id, UploadStatus.FAILED, refusal=refusal)
        return
    _finish(run, upload.id, UploadStatus.DONE)


def _rights_still_held(uow: UnitOfWork, caller: Caller, upload: BulkUpload) -> None:
    principal = require_uploader(uow, caller)
    if principal.agency_id != upload.agency_id:
        raise Forbidden(lazy("The upload belongs to another agency."))


def _rows(run: Run, upload_id: int) -> tuple[RecordKind, str, Iterator[dict[str, str]]]:
    """The file's rows, read from its sealed copy (the whole plaintext is held in memory,
    never on disk; the upload's size limit bounds it)."""
    store = run.container.file_store
    with run.uow() as uow:
        upload = uow.session.get(BulkUpload, upload_id)
        assert upload is not None
        assert upload.stored_file_id is not None
        # The file is read only once the scan has passed it (a job may come first).
        verdict = store.scan_pending_file(uow, upload.stored_file_id)
        uow.commit()
        if verdict is FileStatus.REJECTED:
            raise InvalidInput(lazy("The file was refused by the malware scan."))
        if verdict is FileStatus.QUARANTINED:
            raise ScanPending(upload.public_id)  # the scanner failed: tried again later
        name = json.loads(upload.report or "{}").get("file", "upload")
        kind = RecordKind(upload.kind)
        data = b"".join(store.open_stream(uow.session, upload.stored_file_id))
    return kind, name, bulk.read_rows(name, io.BytesIO(data))


def _dates(run: Run, upload_id: int) -> DateColumn | None:
    """How a file of persons writes birth dates, read from the whole file, so that the
    check and every batch stored read each date the same way."""
    kind, _, rows = _rows(run, upload_id)
    return bulk.learn_dates(rows) if kind is RecordKind.PERSON else None


def _check(run: Run, upload_id: int) -> bool:
    """Checks every row; False when the upload stops here (rows are wrong and the user
    did not accept the valid rows only)."""
    _set(run, upload_id, stage=UploadStage.CHECKING.value)
    dates = _dates(run, upload_id)
    kind, name, rows = _rows(run, upload_id)
    problems: list[bulk.Problem] = []
    set_aside: list[SetAside] = []
    read = valid = 0
    for batch in _batches(rows):
        checked = bulk.check(kind, batch, dates=dates)
        for problem in checked.problems:
            if problem.row == 1 and read:
                continue  # the header's problems, found again in every batch
            # Rows are numbered by their place in the batch, blank ones counted.
            problems.append(dataclasses.replace(problem, row=problem.row + read))
        set_aside.extend(
            dataclasses.replace(entry, row=entry.row + read) for entry in checked.set_aside
        )
        read += len(batch)
        valid += len(checked.valid)
        run.report(UploadStage.CHECKING.value, read)
        _set(run, upload_id, rows_checked=read, problems_found=len(problems))
    with run.uow() as uow:
        upload = uow.session.get(BulkUpload, upload_id)
        assert upload is not None
        upload.rows_total = read  # as a spreadsheet numbers them, blank rows included
        upload.problems_found = len(problems)
        upload.report = _report_text(name, problems, set_aside)
        # Nothing is stored while a row is wrong, unless the user said so; and nothing
        # when no row can be.
        stop = not valid or (bool(problems) and not upload.accept_valid_only)
        upload.stage = (UploadStage.FINISHED if stop else UploadStage.STORING).value
        uow.commit()
    if stop:
        _finish(run, upload_id, UploadStatus.REJECTED)
    return not stop


def _store(run: Run, upload_id: int) -> None:
    """Stores the valid rows, a batch a transaction, from the row the last run got to."""
    with run.uow() as uow:
        upload = uow.session.get(BulkUpload, upload_id)
        assert upload is not None
        done, total = upload.rows_done, upload.rows_total
    dates = _dates(run, upload_id)
    kind, _, rows = _rows(run, upload_id)
    ctx = services.Context(vault=run.container.vault)
    for batch in _batches(islice(rows, done, None)):
        valid = [record for _, record in bulk.check(kind, batch, dates=dates).valid]
        with run.uow() as uow:
            ids = services.store_many(uow, run.caller, ctx, valid, upload_id=upload_id)
            moved = uow.session.connection().execute(
                update(BulkUpload)
                # Only from where this run read it: a run that another worker took over
                # meanwhile finds it moved on, and its batch is rolled back.
                .where(BulkUpload.id == upload_id, BulkUpload.rows_done == done)
                .values(
                    rows_done=done + len(batch),
                    rows_stored=BulkUpload.rows_stored + len(ids),
                    stage=UploadStage.STORING.value,
                )
            )
            if not moved.rowcount:
                raise Superseded
            uow.commit()
        done += len(batch)
        run.report(UploadStage.STORING.value, done, total)
    _set(run, upload_id, stage=UploadStage.CROSS_CHECKING.value)


def _cross_check(run: Run, upload_id: int) -> None:
    """Cross-checks the upload's records still waiting: read in a transaction that only
    reads, compared with no transaction open, hits recorded a batch at a time."""
    with run.uow(read_only=True) as uow:
        waiting = list(
            uow.session.scalars(
                select(Record.id)
                .where(Record.upload_id == upload_id, Record.screen_pending.is_(True))
                .order_by(Record.id)
            )
        )
        run.report(UploadStage.CROSS_CHECKING.value, 0, len(waiting))
        planned = batchcheck.plan(uow, run.container.vault, waiting) if waiting else None
    if planned is None:
        return
    pairs = batchcheck.compare(planned)
    # The other agencies' records are compared: only the pairs are needed now. Dropping
    # the rest (a million opened records, at full scale) before the many small
    # transactions keeps the worker's memory, and the collector's passes over it, small.
    planned = dataclasses.replace(planned, found={}, found_guards={})
    gc.collect()
    for start in range(0, len(planned.searching_ids), BATCH):
        with run.uow() as uow:
            # Under the screening lock, the records still waiting: none is cross-checked
            # twice, even by a run another worker took over meanwhile.
            pairing.lock_screening(uow, planned.kind.value)
            mine = set(
                uow.session.scalars(
                    select(Record.id).where(
                        Record.id.in_(planned.searching_ids[start : start + BATCH]),
                        Record.screen_pending.is_(True),
                    )
                )
            )
            part = dataclasses.replace(
                planned,
                searching_ids=sorted(mine),
                queries={i: q for i, q in planned.queries.items() if i in mine},
            )
            found = [p for p in pairs if p[0] in mine]
            batchcheck.record_hits(uow, run.caller, part, found, alert_probing=False)
            uow.commit()
        run.report(UploadStage.CROSS_CHECKING.value, min(start + BATCH, len(waiting)), len(waiting))


def _finish(
    run: Run, upload_id: int, status: UploadStatus, *, refusal: DomainError | None = None
) -> None:
    """Ends the upload and releases its file, in one transaction."""
    with run.uow() as uow:
        upload = uow.session.get(BulkUpload, upload_id)
        assert upload is not None
        if refusal is not None:
            content = json.loads(upload.report or "{}")
            params = {k: str(v) for k, v in refusal.params.items()}
            content["refusal"] = {"message": refusal.message, "params": params}
            upload.report = json.dumps(content, ensure_ascii=False)
        found = _found_by(uow, upload_id)
        upload.hits_found = len(found)
        if status is UploadStatus.DONE and found:
            # Once for the whole upload, with its end: many of its records hitting one
            # record looks like probing.
            screening.check_near_identical(uow, run.caller, upload.agency_id, found)
        upload.status = status.value
        upload.stage = UploadStage.FINISHED.value
        upload.finished_at = utcnow()
        if upload.stored_file_id is not None:
            stored, upload.stored_file_id = upload.stored_file_id, None
            uow.session.flush()
            run.container.file_store.release(uow, stored)
        audit.record(
            uow,
            run.caller.event(
                "records:upload:finish",
                object_kind=KIND,
                object_ref=upload.public_id,
                detail={
                    "status": status.value,
                    "rows": upload.rows_total,
                    "stored": upload.rows_stored,
                    "problems": upload.problems_found,
                    "hits": upload.hits_found,
                },
            ),
        )
        uow.commit()
    run.report(UploadStage.FINISHED.value)


def _found_by(uow: UnitOfWork, upload_id: int) -> list[int]:
    """The subjects the upload's records hit. Asked for by lists of ids: written as a join,
    the statistics of a table that just grew by the upload's rows (not analysed yet) led
    PostgreSQL to compare every hit with every uploaded record, for minutes."""
    uploaded = list(uow.session.scalars(select(Record.id).where(Record.upload_id == upload_id)))
    found: list[int] = []
    for start in range(0, len(uploaded), BATCH):
        chunk = uploaded[start : start + BATCH]
        found += uow.session.scalars(
            select(Hit.found_subject_id).where(Hit.searching_record_id.in_(chunk))
        )
    return found


def _set(run: Run, upload_id: int, **values: object) -> None:
    with run.uow() as uow:
        uow.write(update(BulkUpload).where(BulkUpload.id == upload_id).values(**values))
        uow.commit()


def _batches(rows: Iterator[dict[str, str]]) -> Iterator[list[dict[str, str]]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def _report_text(name: str, problems: list[bulk.Problem], set_aside: list[SetAside]) -> str:
    shown = [[p.row, p.column, p.message] for p in problems[:PROBLEMS_SHOWN]]
    aside = [
        [e.row, e.column, e.value, e.why, e.kind.value, e.kept] for e in set_aside[:PROBLEMS_SHOWN]
    ]
    content = {
        "file": name,
        "problems": shown,
        "set_aside": aside,
        "set_aside_count": len(set_aside),
    }
    return json.dumps(content, ensure_ascii=False)
