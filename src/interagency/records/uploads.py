"""Bulk uploads: check every row, store nothing unless all rows are valid or the user
accepts only the valid ones, then store and cross-check in the background.

Storing is one transaction: all accepted rows or none. The records are marked as waiting
for their cross-check until the batch engine has run; if it fails, they stay marked, so
nothing is lost and the failure shows on the upload's page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity.principals import Caller
from interagency.inputs import checked_file_name
from interagency.records import batchcheck, bulk, services
from interagency.records.models import BulkUpload, RecordKind, UploadStatus
from interagency.records.policy import Action
from interagency.records.schemas import RecordIn

KIND: Final = "record-upload"
# Runs a job after the request's transaction has committed: a thread in the web app,
# the job itself, at once, in tests and on the command line.
Runner = Callable[[Callable[[], None]], None]

logger = logging.getLogger(__name__)


def run_now(job: Callable[[], None]) -> None:
    job()


@dataclass(frozen=True)
class Submitted:
    checked: bulk.Checked
    upload_id: int | None  # None: nothing is stored (see `checked.problems`)


def submit(
    uow: UnitOfWork,
    caller: Caller,
    ctx: services.Context,
    kind: RecordKind,
    filename: str,
    data: bytes,
    *,
    accept_valid_only: bool,
    runner: Runner = run_now,
    workers: int = 1,
) -> Submitted:
    """Checks the file; stores and cross-checks it (after commit, through `runner`) when
    every row is valid, or when the user accepts storing only the valid rows."""
    principal = services.require_own(uow, caller, Action.CREATE)
    # The name is shown in the problems found: it passes the hygiene of every text.
    filename = checked_file_name(filename)
    checked = bulk.check(kind, bulk.read_rows(filename, data))
    audit.record(
        uow,
        caller.event(
            "records:upload:check",
            object_kind=KIND,
            detail={"kind": kind.value, "rows": checked.rows, "problems": len(checked.problems)},
        ),
    )
    if checked.problems and not accept_valid_only:
        return Submitted(checked, None)
    if not checked.valid:
        raise InvalidInput(lazy("No row of the file can be stored: see the problems listed."))
    job = BulkUpload(
        agency_id=principal.agency_id,
        created_by_id=principal.user_id,
        kind=kind.value,
        rows_total=checked.rows,
        status=UploadStatus.RUNNING.value,
        stage="queued",
    )
    uow.session.add(job)
    uow.session.flush()
    rows = [record for _, record in checked.valid]
    job_id = job.id
    fresh = uow.new
    uow.after_commit(lambda: runner(lambda: _run(fresh, caller, ctx, job_id, rows, workers)))
    return Submitted(checked, job_id)


def status(uow: UnitOfWork, caller: Caller, upload_id: int) -> BulkUpload:
    principal = services.require_own(uow, caller, Action.CREATE)
    job = uow.session.get(BulkUpload, upload_id)
    if job is None or job.agency_id != principal.agency_id:
        raise NotFound(lazy("There is no such upload."))
    return job


def recent(uow: UnitOfWork, caller: Caller) -> list[BulkUpload]:
    principal = services.require_own(uow, caller, Action.CREATE)
    return list(
        uow.session.scalars(
            select(BulkUpload)
            .where(BulkUpload.agency_id == principal.agency_id)
            .order_by(BulkUpload.id.desc())
            .limit(20)
        )
    )


def _run(
    new_uow: Callable[[], UnitOfWork],
    caller: Caller,
    ctx: services.Context,
    job_id: int,
    rows: list[RecordIn],
    workers: int,
) -> None:
    def stage(text: str, **counts: int) -> None:
        logger.info("upload %s: %s", job_id, text)
        with new_uow() as uow:
            job = uow.session.get(BulkUpload, job_id)
            assert job is not None
            job.stage = text[:200]
            for name, value in counts.items():
                setattr(job, name, value)
            uow.commit()

    try:
        stage(f"storing {len(rows)} records")
        with new_uow() as uow:
            ids = services.store_many(uow, caller, ctx, rows)
            uow.commit()
        stage("reading the records of other agencies", rows_stored=len(ids))
        # Three transactions, none held while the engine compares; the stage is saved
        # between them (on SQLite a transaction inside another would wait for it).
        with new_uow() as uow:
            planned = batchcheck.plan(uow, ctx.vault, ids)
        hits = []
        if planned is not None:
            pairs = batchcheck.compare(planned, stage, workers)
            stage(f"recording the hits of {len(pairs)} pairs")
            with new_uow() as uow:
                hits = batchcheck.record_hits(uow, caller, planned, pairs)
                uow.commit()
    except Exception as failure:
        # The stored records keep their "waiting for the cross-check" mark: nothing is lost.
        logger.exception("bulk upload %s failed", job_id)
        with new_uow() as uow:
            refusal = audit.refusal_of(failure)
            if refusal is not None:
                audit.record_refused(uow, refusal)
            job = uow.session.get(BulkUpload, job_id)
            assert job is not None
            job.status = UploadStatus.FAILED.value
            job.stage = "failed: the records stored wait for their cross-check"
            job.finished_at = utcnow()
            uow.commit()
        return
    with new_uow() as uow:
        job = uow.session.get(BulkUpload, job_id)
        assert job is not None
        job.status = UploadStatus.DONE.value
        job.hits_found = len(hits)
        job.stage = "done"
        job.finished_at = utcnow()
        uow.commit()
