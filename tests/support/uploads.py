"""A bulk upload as the upload page makes it: the file received into the file store, the
upload accepted, and (with `run`) its job run in this process."""

from __future__ import annotations

from dataclasses import dataclass

from interagency.background import run_pending
from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.identity.principals import Caller
from interagency.records import uploads
from interagency.records.models import BulkUpload, RecordKind


@dataclass(frozen=True)
class Uploaded:
    upload: BulkUpload
    report: uploads.Report


def accept(
    container: Container,
    uow: UnitOfWork,
    caller: Caller,
    data: bytes,
    *,
    name: str = "upload.csv",
    kind: RecordKind = RecordKind.PERSON,
    accept_valid_only: bool = False,
) -> BulkUpload:
    """Receives the file and accepts the upload in `uow` (the caller commits)."""
    principal = uploads.require_uploader(uow, caller)
    stored = container.file_store.receive_bytes(
        uow, data, agency_id=principal.agency_id, filename=name
    )
    return uploads.accept(
        uow, caller, container.file_store, kind, name, stored, accept_valid_only=accept_valid_only
    )


def upload_and_run(
    container: Container, caller_of: object, data: bytes, **options: object
) -> Uploaded:
    """Accepts the upload as the user `caller_of(uow)` gives, commits, runs its job, and
    returns the upload as its page would show it."""
    with container.uow() as uow:
        caller = caller_of(uow)  # type: ignore[operator]
        upload = accept(container, uow, caller, data, **options)  # type: ignore[arg-type]
        uow.commit()
    run_pending(container)
    with container.uow() as uow:
        done = uow.session.get(BulkUpload, upload.id)
        assert done is not None
        report = uploads.report_of(done)
        uow.session.expunge(done)
    return Uploaded(done, report)
