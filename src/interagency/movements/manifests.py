"""A day's passenger manifest: the request stores the file, sealed, and answers at once;
a background job reads it row by row, stores each valid row as a crossing and screens
the crossings against the profiles the agency may learn of.

- Limits are enforced while the file is read (`MAX_ROWS` rows, `bulk.MAX_COLUMNS`
  columns; CSV and XLSX through `records.bulk.read_rows`, Parquet a batch of rows at a
  time), and a file over one is refused with a code the manifest's page explains.
- The manifest's job reads the file through once, which enforces every limit before a
  row is screened, and splits the rows into parts of `PART_ROWS`, a job each, so that
  the worker's processes (`interagency worker --processes`) screen a day's file side
  by side. The last part to end ends the manifest, under the manifest's row lock.
- A part's job commits a batch of rows at a time, with the count of its rows read: run
  again after a crash, it goes on from there and stores no row twice.
- Screening a million crossings one by one costs hours, and nearly all of them hit
  nothing. So the service judges a batch at once (`screening.service.would_hit`: the
  candidates found from one lookup of their keys, the safeguards, the comparison); only
  the rows that would hit are stored and screened by the service, which records the
  hits. The rest are recorded as screened and never stored: what is never stored needs
  no deleting. A stored crossing whose hit a person dismisses is deleted by the hourly
  sweep when its retention ends (`minimisation`), as single crossings are.
- A part's job keeps a `screening.memo.Memo` from batch to batch, and its process keeps
  it for the manifest's next part: the profiles' features once computed, and their
  safeguards and particulars read at most five minutes ago, for the choice of the rows
  to store (their hits are judged on what stands when recorded).
- Those who check the hits (the submitter, the agency's liaison officers and
  supervisors) are told once, when the manifest ends, how many it found: not once a hit.
- The manifest keeps counts and problems as [row, column, code], never a value of a
  row, and its file is deleted when the job ends, done or failed.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from itertools import islice
from typing import Any, BinaryIO, Final

from pydantic import ValidationError
from sqlalchemy import func, select, update

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import DomainError, Forbidden, InvalidInput, NotFound
from interagency.filestore import FileStore
from interagency.filestore.models import FileStatus, StoredFile
from interagency.i18n import lazy
from interagency.identity import notifications
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.inputs import checked_file_name
from interagency.jobs import enqueue
from interagency.jobs.kinds import Run, Superseded
from interagency.movements import crossings
from interagency.movements.models import (
    Crossing,
    CrossingManifest,
    ManifestPart,
    ManifestStatus,
)
from interagency.movements.schemas import CrossingIn
from interagency.movements.screened import CROSSINGS, checkers_of, traveller_safeguards
from interagency.records import bulk, pairing
from interagency.records.services import state_id_of
from interagency.screening import service as screening
from interagency.screening.memo import Memo
from interagency.vault import Vault

KIND: Final = "crossing-manifest"
JOB: Final = "movements.manifest"
PART_JOB: Final = "movements.manifest-part"
# Rows of a day at the busiest crossing points of the region, with room to spare.
MAX_ROWS: Final = 1_000_000
# Rows a part at most (`process_part`): a day's million in four parts of the same size,
# two for each of the worker's two processes on a two-core machine. Each part reads the
# file from its start to reach its rows, so more, smaller parts would cost more reading.
PART_ROWS: Final = 250_000
# Rows stored and screened in one transaction.
BATCH: Final = 1000
# Problems kept on the manifest (all are counted).
PROBLEMS_KEPT: Final = 500
COLUMNS: Final = tuple(CrossingIn.model_fields)
FINISHED: Final = frozenset({ManifestStatus.DONE.value, ManifestStatus.FAILED.value})
_PARQUET_MAGIC: Final = b"PAR1"
# Crossings are persons to the engine.
_MATCHES_AS: Final = "person"

logger = logging.getLogger(__name__)

# Why a file was refused, by the code kept on the manifest (`refusal`, "code" or
# "code:number"); the number fills {number}.
REFUSALS: Final[dict[str, str]] = {
    "scan": lazy("The file was refused by the malware scan."),
    "rights": lazy("You may no longer submit crossings for your agency; the file was deleted."),
    "not-a-table": lazy(
        "The file is not a CSV (UTF-8), XLSX or Parquet file; save the manifest as one of them."
    ),
    "no-header": lazy("The first row of the file must name the columns."),
    "too-many-rows": lazy(
        "The file has more than {number} rows; split the day into several files."
    ),
    "too-many-columns": lazy(
        "The file has more than {number} columns; keep only the columns of a manifest."
    ),
    "too-much-data": lazy(
        "The file holds more than {number} MB of data once unpacked; split it into several files."
    ),
    "not-utf8": lazy("The text is not UTF-8 at line {number}; save the file as UTF-8 CSV."),
    "bad-csv": lazy("Line {number} is not valid CSV; save the file again as CSV (UTF-8)."),
    "row-too-long": lazy(
        "Row {number} is too long; check that its quotes are closed, or shorten it."
    ),
    "unreadable": lazy("The file could not be read; save it again as CSV (UTF-8) or Parquet."),
}

# What a problem's code means, for the codes of the checks of a row's columns; the
# rules of a whole row are kept as their own message.
PROBLEMS: Final[dict[str, str]] = {
    "unknown_column": lazy("not a column of a manifest"),
    "missing": lazy("required, but empty"),
    "string_too_long": lazy("too long"),
    "string_too_short": lazy("too short"),
    "string_pattern_mismatch": lazy("not in the expected form"),
    "enum": lazy("not one of the values allowed"),
    "literal_error": lazy("not one of the values allowed"),
    "datetime_parsing": lazy("not a date and time (YYYY-MM-DDTHH:MM+HH:MM)"),
    "datetime_from_date_parsing": lazy("not a date and time (YYYY-MM-DDTHH:MM+HH:MM)"),
    "datetime_type": lazy("not a date and time (YYYY-MM-DDTHH:MM+HH:MM)"),
    "timezone_aware": lazy("the time needs its offset from UTC (+05:00, Z)"),
    "value_error": lazy("holds a character that is not allowed"),
}


class ScanPending(RuntimeError):
    """The file's scan has not passed it yet: the job is tried again after a pause."""


class Refused(Exception):
    """The file cannot be read to its end; `code` says why (`REFUSALS`)."""

    def __init__(self, code: str, number: int | None = None) -> None:
        super().__init__(code)
        self.code = code if number is None else f"{code}:{number}"


# ------------------------------------------------------------------------- the requests


def accept(
    uow: UnitOfWork, caller: Caller, file_store: FileStore, filename: str, stored_file: StoredFile
) -> CrossingManifest:
    """Keeps the received file for the manifest's job and asks for the job, in the
    caller's transaction."""
    principal = crossings.require_submitter(caller)
    checked_file_name(filename)  # the name itself is not kept: the file goes with the job
    if stored_file.agency_id != principal.agency_id:
        raise Forbidden(lazy("The file was received for another agency."))
    file_store.add_reference(uow, stored_file.id)
    manifest = CrossingManifest(
        agency_id=principal.agency_id,
        created_by_id=principal.user_id,
        stored_file_id=stored_file.id,
        status=ManifestStatus.QUEUED.value,
        rows=0,
        screened=0,
        hits=0,
        problems=[],
        problem_count=0,
    )
    uow.session.add(manifest)
    uow.session.flush()
    audit.record(
        uow,
        caller.event("movements:manifest:accept", object_kind=KIND, object_ref=manifest.public_id),
    )
    enqueue(uow, JOB, manifest.id, acting_user_id=principal.user_id)
    return manifest


def status(uow: UnitOfWork, caller: Caller, manifest_id: int) -> CrossingManifest:
    """One of the caller's agency's manifests; any other answers as an unknown one."""
    principal = crossings.require_submitter(caller)
    manifest = uow.session.get(CrossingManifest, manifest_id)
    if manifest is None or manifest.agency_id != principal.agency_id:
        raise NotFound(lazy("There is no such manifest."))
    audit.record(
        uow,
        caller.event("movements:manifest:view", object_kind=KIND, object_ref=manifest.public_id),
    )
    return manifest


def recent(uow: UnitOfWork, caller: Caller, limit: int = 20) -> list[CrossingManifest]:
    principal = crossings.require_submitter(caller)
    found = list(
        uow.session.scalars(
            select(CrossingManifest)
            .where(CrossingManifest.agency_id == principal.agency_id)
            .order_by(CrossingManifest.id.desc())
            .limit(limit)
        )
    )
    audit.record(
        uow,
        caller.event(
            "movements:manifest:list",
            object_kind=KIND,
            detail={"returned": [m.public_id for m in found]},
        ),
    )
    return found


def refusal_text(code: str | None) -> str | None:
    """The refusal kept on a manifest as a message (an msgid with {number} filled in by
    the caller after translating: `refusal_parts`)."""
    parts = refusal_parts(code)
    return None if parts is None else parts[0]


def refusal_parts(code: str | None) -> tuple[str, dict[str, str]] | None:
    """The message id of a refusal and its parameters."""
    if code is None:
        return None
    name, _, number = code.partition(":")
    return REFUSALS.get(name, REFUSALS["unreadable"]), {"number": number}


def problem_text(code: str) -> str:
    """The message id that explains a problem's code (a rule's own message is one)."""
    return PROBLEMS.get(code, code)


# ------------------------------------------------------------------------------ reading


def read_rows(source: BinaryIO) -> Iterator[dict[str, str]]:
    """The rows of a manifest below its header as column → text, blank ones included
    (so that counting numbers them from 2 as a spreadsheet does). The first row given is
    the header: its columns as names to themselves. Raises `Refused` when the file breaks
    a limit or cannot be read, while it is read."""
    head = source.read(len(_PARQUET_MAGIC))
    source.seek(0)
    try:
        if head == _PARQUET_MAGIC:
            yield from _parquet_rows(source)
            return
        rows = bulk.read_rows("manifest", source, max_rows=MAX_ROWS)
        yield {name: name for name in rows.header}
        yield from rows
    except InvalidInput as error:
        raise _refused(error) from None


def _refused(error: InvalidInput) -> Refused:
    """The code of a refusal of `bulk.read_rows` (its messages name the file, which is
    not kept)."""
    message = error.message
    number = error.params.get("limit", error.params.get("line", error.params.get("row")))
    number = number if isinstance(number, int) else None
    for marker, code in (
        ("rows;", "too-many-rows"),
        ("columns;", "too-many-columns"),
        ("first row must name", "no-header"),
        ("MB of data", "too-much-data"),
        ("not UTF-8", "not-utf8"),
        ("not valid CSV", "bad-csv"),
        ("is longer than", "row-too-long"),
    ):
        if marker in message:
            return Refused(code, number)
    return Refused("unreadable")


def _parquet_rows(source: BinaryIO) -> Iterator[dict[str, str]]:
    """A Parquet file's rows, a batch at a time: the footer's declared counts give the
    fast refusal, counting while reading the guarantee. Only the columns of a manifest
    are read; the others are named in the header, to be reported."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(source)
        names = [str(name).strip().lower() for name in parquet.schema_arrow.names]
        declared = parquet.metadata.num_rows
    except (pa.ArrowException, OSError, ValueError):
        raise Refused("unreadable") from None
    if not any(names):
        raise Refused("no-header")
    if len(names) > bulk.MAX_COLUMNS:
        raise Refused("too-many-columns", bulk.MAX_COLUMNS)
    if declared > MAX_ROWS:
        raise Refused("too-many-rows", MAX_ROWS)
    unpacked = sum(
        parquet.metadata.row_group(i).total_byte_size for i in range(parquet.num_row_groups)
    )
    if unpacked > bulk.MAX_UNPACKED_BYTES:
        raise Refused("too-much-data", bulk.MAX_UNPACKED_BYTES // (1024 * 1024))
    yield {name: name for name in names}
    wanted = [original for original, name in zip(parquet.schema_arrow.names, names, strict=True)
              if name in COLUMNS]  # fmt: skip
    read = 0
    try:
        for batch in parquet.iter_batches(batch_size=BATCH, columns=wanted or None):
            for row in batch.to_pylist():
                read += 1
                if read > MAX_ROWS:
                    raise Refused("too-many-rows", MAX_ROWS)
                texts = {str(k).strip().lower(): _cell(v) for k, v in row.items()}
                if sum(len(text) for text in texts.values()) > bulk.MAX_ROW_CHARS:
                    raise Refused("row-too-long", read + 1)
                yield texts
    except (pa.ArrowException, OSError, ValueError):
        raise Refused("unreadable") from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_row(number: int, row: dict[str, str]) -> tuple[CrossingIn | None, list[list[object]]]:
    """The row's crossing, or None and its problems as [row, column, code]: the codes are
    pydantic's error types, or a rule's own message, never the value."""
    values = {k: v.strip() for k, v in row.items() if k in COLUMNS and v.strip()}
    try:
        return CrossingIn.model_validate(values), []
    except ValidationError as error:
        return None, [_problem(number, item) for item in error.errors()]


def _problem(number: int, item: Any) -> list[object]:
    location = [str(part) for part in item["loc"] if not isinstance(part, int)]
    column = location[0] if location else "-"
    code = str(item["type"])
    if code == "value_error" and not location:
        # A rule of the whole row (`CrossingIn._rules`): its message is a fixed text.
        cause = item.get("ctx", {}).get("error")
        code = str(cause.args[0]) if cause is not None and cause.args else code
    return [number, column, code]


# ------------------------------------------------------------------------------ the job


def process(run: Run) -> None:
    """The manifest's job: reads the file through once (its limits and its header), then
    splits its rows into parts of `PART_ROWS`, a job each (`process_part`), which the
    worker's processes screen side by side."""
    manifest_id = run.subject_id
    assert manifest_id is not None
    with run.uow() as uow:
        manifest = uow.session.get(CrossingManifest, manifest_id)
        if manifest is None or manifest.status in FINISHED:
            return
        agency_id = manifest.agency_id
        # Run again after it had asked for the parts: they go on by themselves.
        planned = select(ManifestPart.id).where(ManifestPart.manifest_id == manifest_id)
        if uow.session.scalar(planned.limit(1)) is not None:
            return
    _require_rights(run, manifest_id, agency_id)
    with run.uow() as uow:
        uow.write(
            update(CrossingManifest)
            .where(CrossingManifest.id == manifest_id)
            .values(status=ManifestStatus.RUNNING.value)
        )
        uow.commit()
    try:
        count, unknown = _survey(_source(run, manifest_id))
    except Refused as refused:
        _finish(run, manifest_id, ManifestStatus.FAILED, refusal=refused.code)
        return
    with run.uow() as uow:
        manifest = _locked(uow, manifest_id)
        # Rows a job screened before manifests had parts (its count went on with them).
        done = manifest.rows
        if unknown and not done:
            _keep_problems(manifest, unknown)
        parts = [
            ManifestPart(manifest_id=manifest_id, number=n, first_row=done + first, row_count=size)
            for n, (first, size) in enumerate(_parts(count - done))
        ]
        uow.session.add_all(parts)
        uow.session.flush()
        for part in parts:
            enqueue(uow, PART_JOB, part.id, acting_user_id=manifest.created_by_id)
        uow.commit()
    if not parts:
        _finish(run, manifest_id, ManifestStatus.DONE)


def _parts(count: int) -> list[tuple[int, int]]:
    """The first row and the size of each part of `count` rows: as few parts as
    `PART_ROWS` allows, of sizes that differ by one row at most, so that the processes
    end at about the same time."""
    parts = -(-count // PART_ROWS)
    first = 0
    found = []
    for number in range(parts):
        size = count // parts + (number < count % parts)
        found.append((first, size))
        first += size
    return found


def _require_rights(run: Run, manifest_id: int, agency_id: int) -> Principal:
    """The submitter the job acts for, who must still submit for the manifest's agency;
    else the manifest fails and its file is deleted."""
    try:
        principal = crossings.require_submitter(run.caller)
        if principal.agency_id != agency_id:
            raise Forbidden(lazy("The manifest belongs to another agency."))
    except DomainError:
        # The file is deleted all the same; the job ends refused (`jobs.runner`).
        _finish(run, manifest_id, ManifestStatus.FAILED, refusal="rights")
        raise
    return principal


def _survey(source: BinaryIO) -> tuple[int, list[list[object]]]:
    """How many rows the file holds below its header, and the header's problems: reading
    it through enforces every limit before a row is screened."""
    rows = read_rows(source)
    header = next(rows, None)
    if header is None:
        raise Refused("no-header")
    unknown: list[list[object]] = [
        [1, column, "unknown_column"] for column in header if column not in COLUMNS
    ]
    return sum(1 for _ in rows), unknown


def process_part(run: Run) -> None:
    """A part's job: stores and screens its rows, a batch a transaction, from where an
    earlier run stopped; the last part to end ends the manifest."""
    part_id = run.subject_id
    assert part_id is not None
    with run.uow() as uow:
        part = uow.session.get(ManifestPart, part_id)
        if part is None or part.finished_at is not None:
            return
        manifest = uow.session.get(CrossingManifest, part.manifest_id)
        assert manifest is not None
        if manifest.status in FINISHED:
            return
        manifest_id, agency_id = manifest.id, manifest.agency_id
        first, count, done = part.first_row, part.row_count, part.rows
    principal = _require_rights(run, manifest_id, agency_id)
    memo = _memos.take(manifest_id)
    try:
        rows = read_rows(_source(run, manifest_id))
        next(rows, None)  # the header: the manifest's job noted its problems
        for batch in _batches(islice(rows, first + done, first + count)):
            _store_batch(run, part_id, manifest_id, principal, (first, done), batch, memo)
            done += len(batch)
            run.report("screening", done, count)
    except Refused as refused:  # the file read through once already: only if it changed
        _finish(run, manifest_id, ManifestStatus.FAILED, refusal=refused.code)
        return
    except _Ended:
        return
    _end_part(run, part_id)
    _memos.give_back(run, manifest_id, memo)


class _Ended(Exception):
    """The manifest ended (another part found its file unreadable): the part stops."""


class _Memos:
    """A memo a process keeps from one part of a manifest to the next, so that each
    process fills one memo a manifest rather than one a part. One at a time, and only
    while the manifest has parts no job has begun; a memo is used by one job at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[int, Memo] = {}

    def take(self, manifest_id: int) -> Memo:
        with self._lock:
            memo = self._kept.pop(manifest_id, None)
            self._kept.clear()
        return memo or Memo()

    def give_back(self, run: Run, manifest_id: int, memo: Memo) -> None:
        with run.uow(read_only=True) as uow:
            waiting = uow.session.scalar(
                select(ManifestPart.id)
                .where(
                    ManifestPart.manifest_id == manifest_id,
                    ManifestPart.rows == 0,
                    ManifestPart.finished_at.is_(None),
                )
                .limit(1)
            )
        if waiting is not None:
            with self._lock:
                self._kept[manifest_id] = memo


_memos = _Memos()


def _source(run: Run, manifest_id: int) -> BinaryIO:
    """The file's plaintext, held in memory, never on disk (the file store's size limit
    bounds it), once the scan has passed it."""
    store = run.container.file_store
    with run.uow() as uow:
        manifest = uow.session.get(CrossingManifest, manifest_id)
        assert manifest is not None
        assert manifest.stored_file_id is not None
        verdict = store.scan_pending_file(uow, manifest.stored_file_id)
        uow.commit()
        if verdict is FileStatus.REJECTED:
            raise Refused("scan")
        if verdict is FileStatus.QUARANTINED:
            raise ScanPending(manifest.public_id)  # the scanner failed: tried again later
        return io.BytesIO(b"".join(store.open_stream(uow.session, manifest.stored_file_id)))


def _batches(rows: Iterator[dict[str, str]]) -> Iterator[list[dict[str, str]]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def _store_batch(
    run: Run,
    part_id: int,
    manifest_id: int,
    principal: Principal,
    at: tuple[int, int],
    batch: list[dict[str, str]],
    memo: Memo,
) -> None:
    """Stores and screens one batch of a part's rows in one transaction, with the part's
    progress and the manifest's counts. `at` is the part's first row and how many of its
    rows are done: the batch's rows are numbered from their sum + 2, as in a spreadsheet."""
    first, done = at
    vault = run.container.vault
    valid: dict[int, CrossingIn] = {}
    problems: list[list[object]] = []
    for number, row in enumerate(batch, start=first + done + 2):
        if not any(text.strip() for text in row.values()):
            continue
        data, found = check_row(number, row)
        problems.extend(found)
        if data is not None:
            valid[number] = data
    with run.uow() as uow:
        hits = _screen_rows(uow, run.caller, vault, principal, manifest_id, valid, memo)
        moved = uow.session.connection().execute(
            update(ManifestPart)
            # Only from where this run read it: a run another worker took over meanwhile
            # finds it moved on, and its batch is rolled back.
            .where(ManifestPart.id == part_id, ManifestPart.rows == done)
            .values(rows=done + len(batch))
        )
        if not moved.rowcount:
            raise Superseded
        counted = uow.session.connection().execute(
            update(CrossingManifest)
            .where(
                CrossingManifest.id == manifest_id,
                CrossingManifest.status == ManifestStatus.RUNNING.value,
            )
            .values(
                rows=CrossingManifest.rows + len(batch),
                screened=CrossingManifest.screened + len(valid),
                hits=CrossingManifest.hits + hits,
            )
        )
        if not counted.rowcount:
            raise _Ended
        if problems:
            # The update above holds the manifest's row until the commit.
            _keep_problems(_locked(uow, manifest_id), problems)
        uow.commit()


def _screen_rows(
    uow: UnitOfWork,
    caller: Caller,
    vault: Vault,
    principal: Principal,
    manifest_id: int,
    valid: Mapping[int, CrossingIn],
    memo: Memo,
) -> int:
    """Screens a batch's valid rows (by row number); how many hits they found.

    The service judges, under the screening lock, which rows would hit a profile
    (`would_hit`: the same candidates, safeguards and comparison as a screening). Only
    those are stored, sealed and screened by the service, which records their hits. The
    rest are recorded as screened in one audit entry for the batch and never stored, so
    nothing of them outlives the job (the file goes when the job ends). A run again after
    a crash stores no row twice."""
    if not valid:
        return 0
    state_id = pairing.states_of(uow, [principal.agency_id])[principal.agency_id]
    fled = {
        code: state_id_of(uow, code)
        for code in sorted({d.protection_from for d in valid.values() if d.protection_from})
    }
    probes = [
        screening.Probe(
            kind=CROSSINGS.name,
            owner_agency_id=principal.agency_id,
            matches_as=_MATCHES_AS,
            guards=traveller_safeguards(
                principal.agency_id, state_id, fled.get(data.protection_from or "")
            ),
            query=data.traveller(),
        )
        for data in valid.values()
    ]
    hitting = screening.would_hit(uow, vault, probes, memo)
    candidates = sorted(n for n, hits in zip(valid, hitting, strict=True) if hits)
    stored = set(
        uow.session.scalars(
            select(Crossing.manifest_row).where(
                Crossing.manifest_id == manifest_id, Crossing.manifest_row.in_(candidates)
            )
        )
    ) if candidates else set()  # fmt: skip
    made: list[Crossing] = []
    for number in candidates:
        if number in stored:
            continue
        crossing = crossings.build(uow, principal, valid[number])
        crossing.manifest_id, crossing.manifest_row = manifest_id, number
        made.append(crossing)
    uow.session.add_all(made)
    uow.session.flush()
    found = crossings.screen(uow, caller, vault, made, memo, tell_searchers=False)
    quiet = len(valid) - len(candidates)
    if quiet:
        audit.record(
            uow,
            caller.event(
                CROSSINGS.screen_action,
                object_kind=KIND,
                object_ref=_ref(uow, manifest_id),
                detail={"screened": quiet, "hits": []},
            ),
        )
    return len(found)


def _tell_checkers(uow: UnitOfWork, manifest: CrossingManifest) -> None:
    """One notice of all the manifest's hits to whoever checks them."""
    officers = checkers_of(uow, [manifest.agency_id])[manifest.agency_id]
    notifications.notify(
        uow,
        {manifest.created_by_id, *officers},
        "movements:manifest-hits",
        {"reference": manifest.public_id, "hits": manifest.hits},
        f"/movements/manifests/{manifest.public_id}",
    )


def _ref(uow: UnitOfWork, manifest_id: int) -> str:
    return (
        uow.session.scalar(
            select(CrossingManifest.public_id).where(CrossingManifest.id == manifest_id)
        )
        or ""
    )


def _locked(uow: UnitOfWork, manifest_id: int) -> CrossingManifest:
    """The manifest as it stands, its row held until the transaction ends: the parts
    write its problems and end it one at a time."""
    manifest = uow.session.get(
        CrossingManifest, manifest_id, with_for_update=True, populate_existing=True
    )
    assert manifest is not None
    return manifest


def _keep_problems(manifest: CrossingManifest, problems: list[list[object]]) -> None:
    """Counts the problems, and keeps the first `PROBLEMS_KEPT` by row, whichever part
    found them first."""
    kept = sorted([*(manifest.problems or []), *problems], key=lambda problem: int(str(problem[0])))
    manifest.problems = kept[:PROBLEMS_KEPT]
    manifest.problem_count = manifest.problem_count + len(problems)


def _end_part(run: Run, part_id: int) -> None:
    """Marks the part done; the last part to end ends the manifest, in the same
    transaction, under the manifest's lock (so that of two parts ending together,
    exactly one finds itself last)."""
    with run.uow() as uow:
        part = uow.session.get(ManifestPart, part_id)
        assert part is not None
        manifest = _locked(uow, part.manifest_id)
        if manifest.status in FINISHED:
            return
        part.finished_at = utcnow()
        uow.session.flush()
        left = uow.session.scalar(
            select(func.count())
            .select_from(ManifestPart)
            .where(ManifestPart.manifest_id == manifest.id, ManifestPart.finished_at.is_(None))
        )
        if not left:
            _close(run, uow, manifest, ManifestStatus.DONE, None)
        uow.commit()
    run.report("finished")


def _finish(
    run: Run, manifest_id: int, state: ManifestStatus, *, refusal: str | None = None
) -> None:
    """Ends the manifest and deletes its file, in one transaction (once: a manifest
    another part ended stays as it ended)."""
    with run.uow() as uow:
        manifest = _locked(uow, manifest_id)
        if manifest.status not in FINISHED:
            _close(run, uow, manifest, state, refusal)
        uow.commit()
    run.report("finished")


def _close(
    run: Run,
    uow: UnitOfWork,
    manifest: CrossingManifest,
    state: ManifestStatus,
    refusal: str | None,
) -> None:
    manifest.status = state.value
    manifest.refusal = refusal
    manifest.finished_at = utcnow()
    if manifest.stored_file_id is not None:
        stored, manifest.stored_file_id = manifest.stored_file_id, None
        uow.session.flush()
        run.container.file_store.release(uow, stored)
    if manifest.hits:
        _tell_checkers(uow, manifest)
    audit.record(
        uow,
        run.caller.event(
            "movements:manifest:finish",
            object_kind=KIND,
            object_ref=manifest.public_id,
            detail={
                "status": state.value,
                "refusal": refusal,
                "rows": manifest.rows,
                "screened": manifest.screened,
                "hits": manifest.hits,
                "problems": manifest.problem_count,
            },
        ),
    )
