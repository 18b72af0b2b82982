"""Exports of long threads, prepared in the background.

A thread of many messages takes seconds to render as a PDF. Its request checks at once
what the export would be refused for (access and the gate, audited like any refusal),
notes what was asked for (`PreparedExport`) and asks for a job, then answers with the
page, or the API resource, where the file will be. The job acts for the user, with their
rights read again: the gate judges the thread again and records the export when the data
moves, the file is drawn outside any transaction (so that SQLite's write lock is never
held while a PDF renders) and stored sealed under the reader's agency, and the row is
marked ready in the transaction that stores it. Running the job again changes nothing
more than once: a ready row is left as it is, and a row whose export was recorded makes
its file under that export id instead of exporting again.

The file goes only to the user who asked, only while they may still read the thread,
with the receipt's headers, and only until `KEPT_FOR` after it was made (or the end of
the receipt's expiry date, if sooner); then a sweep releases it from the file store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from sqlalchemy import func, select

from interagency import audit, egress, i18n
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, DomainError, NotFound
from interagency.exchange import exporting, services
from interagency.exchange.access import access
from interagency.exchange.dissemination import THREAD_KIND
from interagency.exchange.models import Message, PreparedExport, PreparedStatus, Thread
from interagency.exchange.policy import Action
from interagency.exchange.queries import thread_view
from interagency.exchange.schemas import ThreadOut
from interagency.exchange.web_context import exchange_context
from interagency.filestore import FileStore
from interagency.filestore.models import FileStatus
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.principals import Caller
from interagency.jobs import Job, JobState, enqueue
from interagency.jobs.kinds import Run

JOB: Final = "exchange.export"
EXPIRE_JOB: Final = "exchange.exports.expire"
KIND: Final = "prepared-export"
# How long a prepared file waits for its reader: a copy made for use off the platform is
# fetched soon, and a sealed file kept longer is only more to lose.
KEPT_FOR: Final = timedelta(hours=24)
WORKING: Final = frozenset({PreparedStatus.QUEUED, PreparedStatus.RUNNING})
# Files released by one sweep at most; the next sweep releases the rest.
_EXPIRED_PER_SWEEP: Final = 500

STATUS_LABELS: Final = {
    PreparedStatus.QUEUED: lazy("waiting for a worker"),
    PreparedStatus.RUNNING: lazy("being prepared"),
    PreparedStatus.READY: lazy("ready"),
    PreparedStatus.FAILED: lazy("failed"),
    PreparedStatus.EXPIRED: lazy("no longer kept"),
}


@dataclass(frozen=True)
class Progress:
    """A prepared export as its reader sees it."""

    id: str
    thread: str  # the thread's public id
    format: str
    status: PreparedStatus
    created_at: datetime
    ready_at: datetime | None
    deliver_until: datetime | None
    problem: str | None  # why it failed, in the reader's language

    @property
    def label(self) -> str:
        return i18n.gettext(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class Delivery:
    receipt: egress.Receipt
    chunks: Iterator[bytes]
    media_type: str
    filename: str
    size: int


def export_or_prepare(
    uow: UnitOfWork,
    caller: Caller,
    ctx: services.Context,
    thread_id: int,
    fmt: str,
    *,
    to: str | None,
    timezone: str,
    language: str,
    from_messages: int,
) -> exporting.ExportedFile | PreparedExport:
    """The file at once for a thread of fewer than `from_messages` messages; otherwise the
    export asked for, to be made by a job."""
    # Counted before any check: the count is never shown, and a thread the caller may
    # not see is refused by either way alike.
    messages = uow.session.scalar(
        select(func.count()).select_from(Message).where(Message.thread_id == thread_id)
    )
    if (messages or 0) < from_messages:
        return exporting.export_thread(
            uow, caller, ctx, thread_id, fmt, to=to, timezone=timezone, language=language
        )
    return prepare(uow, caller, ctx, thread_id, fmt, to=to, timezone=timezone, language=language)


def prepare(
    uow: UnitOfWork,
    caller: Caller,
    ctx: services.Context,
    thread_id: int,
    fmt: str,
    *,
    to: str | None = None,
    timezone: str = "UTC",
    language: str = "ru",
) -> PreparedExport:
    """The export asked for and its job, in the caller's transaction; refused at once as
    the export itself would be. The same export still being made is not asked for twice."""
    exporting.check_export(uow, caller, ctx, thread_id, fmt, to=to)
    principal = caller.principal
    assert principal is not None  # (the gate refuses nobody before this)
    asked = {
        "thread_id": thread_id, "user_id": principal.user_id, "format": fmt,
        "third_party": to, "language": language, "timezone": timezone,
    }  # fmt: skip
    waiting = uow.session.scalar(
        select(PreparedExport)
        .filter_by(**asked)
        .where(PreparedExport.status.in_([status.value for status in WORKING]))
        .limit(1)
    )
    if waiting is not None:
        return waiting
    row = PreparedExport(agency_id=principal.agency_id, **asked)
    uow.session.add(row)
    uow.session.flush()
    detail: dict[str, object] = {"prepared": row.public_id, "format": fmt}
    if to:
        detail["third_party"] = to
    audit.record(
        uow,
        caller.event(
            "exchange:thread:export:prepare",
            object_kind=THREAD_KIND,
            object_ref=thread_id,
            detail=detail,
        ),
    )
    enqueue(uow, JOB, row.id, acting_user_id=principal.user_id)
    return row


def progress(uow: UnitOfWork, caller: Caller, prepared_id: int) -> Progress:
    """The caller's own prepared export; anyone else's answers as a missing one."""
    row = _own(uow, caller, prepared_id, "exchange:thread:export:status")
    thread = uow.session.scalar(select(Thread.public_id).where(Thread.id == row.thread_id))
    problem = None
    if row.problem:
        said = json.loads(row.problem)
        problem = i18n.gettext(said["message"]).format(**said["params"])
    return Progress(
        id=row.public_id, thread=thread or "", format=row.format,
        status=_status(uow, row), created_at=row.created_at, ready_at=row.ready_at,
        deliver_until=row.deliver_until, problem=problem,
    )  # fmt: skip


def deliver(uow: UnitOfWork, caller: Caller, store: FileStore, prepared_id: int) -> Delivery:
    """The prepared file, to the user who asked for it while they may still read the
    thread, under the receipt of the export that made it."""
    action = "exchange:thread:export:deliver"
    row = _own(uow, caller, prepared_id, action)
    status = _status(uow, row)
    if status is PreparedStatus.EXPIRED:
        raise NotFound(lazy("The prepared file is no longer kept: export the thread again."))
    if status is not PreparedStatus.READY:
        raise Conflict(lazy("The file is not ready yet: its page shows when it is."))
    assert row.stored_file_id is not None
    assert row.export_id is not None
    access(uow, caller, row.thread_id, Action.READ_CONTENT, utcnow())
    receipt = egress.receipt_of(
        uow, row.export_id, egress.Door.THREAD_FILE, restriction=row.restriction
    )
    assert receipt is not None  # (exports are never deleted)
    stored = store.get(uow.session, row.stored_file_id)
    chunks = store.open_stream(uow.session, stored.id)
    audit.record(
        uow,
        caller.event(
            action, object_kind=THREAD_KIND, object_ref=row.thread_id,
            detail={"prepared": row.public_id, "export": row.export_id, "sha256": stored.sha256},
        ),
    )  # fmt: skip
    return Delivery(receipt, chunks, row.media_type or "", row.filename or "", stored.size)


def _own(uow: UnitOfWork, caller: Caller, prepared_id: int, action: str) -> PreparedExport:
    row = uow.session.get(PreparedExport, prepared_id)
    principal = caller.principal
    if row is None or principal is None or row.user_id != principal.user_id:
        missing = NotFound(lazy("There is no such prepared export."))
        raise guard.hidden(caller, action, KIND, prepared_id, missing)
    return row


def _status(uow: UnitOfWork, row: PreparedExport) -> PreparedStatus:
    """The row's status as its reader should see it: a file past its time is no longer
    kept, even before the sweep; an export whose job died will not be made."""
    status = PreparedStatus(row.status)
    if status is PreparedStatus.READY and row.deliver_until and row.deliver_until <= utcnow():
        return PreparedStatus.EXPIRED
    if status in WORKING:
        state = uow.session.scalar(
            select(Job.state)
            .where(Job.kind == JOB, Job.subject_id == row.id)
            .order_by(Job.id.desc())
            .limit(1)
        )
        if state == JobState.DEAD.value:
            return PreparedStatus.FAILED
    return status


# ------------------------------------------------------------------------------- the job


@dataclass(frozen=True)
class _LetOut:
    """What the first step of the job hands to the next: the thread as it left."""

    view: ThreadOut
    released: exporting.Released
    language: str
    timezone: str


def make(run: Run) -> None:
    """The job: let the thread out through the gate, draw the file, store it sealed."""
    assert run.subject_id is not None
    try:
        let_out = _let_out(run, run.subject_id)
        if let_out is None:
            return
        run.report("rendering", 0, len(let_out.view.messages))
        content = exporting.render_thread(
            let_out.view, run.caller, let_out.released.receipt,
            timezone=let_out.timezone, language=let_out.language,
        )  # fmt: skip
        _store(run, run.subject_id, let_out, content)
    except DomainError as refusal:
        _fail(run, run.subject_id, refusal)
        raise  # the runner audits the refusal and ends the job
    run.report("finished")


def _let_out(run: Run, prepared_id: int) -> _LetOut | None:
    """Judges and reads the thread as the user, now; records the export once."""
    ctx = exchange_context(run.container)
    with run.uow() as uow:
        row = uow.session.get(PreparedExport, prepared_id, with_for_update=True)
        if row is None or PreparedStatus(row.status) not in WORKING:
            return None
        thread_id, fmt, to = row.thread_id, row.format, row.third_party
        if row.export_id is None:
            released = exporting.release_thread(uow, run.caller, ctx, thread_id, fmt, to=to)
            row.export_id = released.receipt.export_id
            row.restriction = released.receipt.restriction
        else:
            # An earlier run recorded the export and failed before the file was stored:
            # the gate judges again, and the file is made under the export recorded then.
            consented = exporting.check_export(uow, run.caller, ctx, thread_id, fmt, to=to)
            receipt = egress.receipt_of(
                uow, row.export_id, egress.Door.THREAD_FILE, restriction=row.restriction
            )
            assert receipt is not None  # (exports are never deleted)
            released = exporting.Released(receipt, consented)
        view = thread_view(uow, run.caller, ctx, thread_id)
        row.status = PreparedStatus.RUNNING.value
        let_out = _LetOut(view, released, row.language, row.timezone)
        uow.commit()
    return let_out


def _store(run: Run, prepared_id: int, let_out: _LetOut, content: bytes) -> None:
    """Stores the file sealed under the reader's agency and marks the export ready, in one
    transaction, with the exchange's audit entry of what the file holds."""
    store = run.container.file_store
    receipt = let_out.released.receipt
    filename = exporting.file_name(let_out.view, receipt.fmt)
    with run.uow() as uow:
        row = uow.session.get(PreparedExport, prepared_id, with_for_update=True)
        if row is None or PreparedStatus(row.status) not in WORKING:
            return
        stored = store.receive_bytes(uow, content, agency_id=row.agency_id, filename=filename)
        if stored.status == FileStatus.QUARANTINED.value:
            # The platform drew the file itself, but it is served like any stored file:
            # only once scanned. A scanner that fails now leaves it to the scan job.
            store.scan_pending_file(uow, stored.id)
        store.add_reference(uow, stored.id)
        now = utcnow()
        row.stored_file_id = stored.id
        row.filename = filename
        row.media_type = exporting.FORMATS[receipt.fmt]
        row.status = PreparedStatus.READY.value
        row.ready_at = now
        row.deliver_until = _deliver_until(now, receipt.expires)
        exporting.record_export(
            uow, run.caller, row.thread_id, let_out.view, let_out.released, to=row.third_party
        )
        uow.commit()


def _deliver_until(now: datetime, expires: date | None) -> datetime:
    until = now + KEPT_FOR
    if expires is not None:
        # The copy is stale after its review date: it is not handed out past that day.
        until = min(until, datetime.combine(expires + timedelta(days=1), time(), tzinfo=UTC))
    return until


def _fail(run: Run, prepared_id: int, refusal: DomainError) -> None:
    """Notes why the export was refused, for its reader's page."""
    with run.uow() as uow:
        row = uow.session.get(PreparedExport, prepared_id, with_for_update=True)
        if row is None or PreparedStatus(row.status) not in WORKING:
            return
        params = {name: str(value) for name, value in refusal.params.items()}
        row.problem = json.dumps({"message": refusal.message, "params": params})
        row.status = PreparedStatus.FAILED.value
        uow.commit()


def expire(run: Run) -> None:
    """The sweep: files past their time are released from the file store (and deleted
    once nothing else holds them)."""
    store = run.container.file_store
    with run.uow() as uow:
        rows = uow.session.scalars(
            select(PreparedExport)
            .where(
                PreparedExport.status == PreparedStatus.READY.value,
                PreparedExport.deliver_until <= utcnow(),
            )
            .order_by(PreparedExport.id)
            .limit(_EXPIRED_PER_SWEEP)
            .with_for_update()
        ).all()
        for row in rows:
            row.status = PreparedStatus.EXPIRED.value
            if row.stored_file_id is not None:
                stored, row.stored_file_id = row.stored_file_id, None
                uow.session.flush()
                store.release(uow, stored)
        if rows:
            audit.record(
                uow,
                run.caller.event(
                    "exchange:thread:export:expire",
                    object_kind=KIND,
                    detail={"prepared": [row.public_id for row in rows]},
                ),
            )
        uow.commit()
