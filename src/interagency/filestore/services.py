"""The attachment store: streamed in, checked, sealed per agency, stored once, counted out.

Receiving happens in two steps. First the upload is streamed to a spool file in the
agency's `.incoming` folder, sealed under a throw-away key that lives only in memory (no
plaintext ever touches the disk), while its size is counted, its SHA-256 computed and its
type sniffed; nothing in the database is touched, so a slow upload holds no lock, and an
upload that is too large or of a refused type leaves nothing behind. Then, in the
caller's transaction, the content is sealed under the agency's data key into a temporary
file beside its final place, fsynced and renamed to `<agency_id>/<sha256[:2]>/<sha256>`
(an existing file with the same content is kept instead), and its row is written.
Only the waiting for the upload's bytes happens on the event loop: the disk, hashing,
sealing, database and scan work of both steps runs in worker threads, so a large file or
a slow scanner never holds up other requests.

Files are deleted only after the transaction that dropped their last reference (or
created them and was rolled back) has ended, and only while no row names them: a lock on
the content address (an advisory lock on PostgreSQL, the write lock on SQLite) keeps a
parallel upload of the same content from losing its file.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from anyio import to_thread
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from interagency import audit, jobs
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, Forbidden, InvalidInput, NotFound
from interagency.filestore import sniff
from interagency.filestore.models import FileStatus, StoredFile
from interagency.filestore.scanning import NoopScanner, ScanFailed, Scanner
from interagency.i18n import lazy
from interagency.inputs import checked_file_name
from interagency.vault import Vault, sealed
from interagency.vault.sealed import Tampered

# The context every stored file is sealed under; the agency and the content's SHA-256
# are bound as well (see `vault.sealed`).
CONTEXT = "stored-file"
# Version number in the header of a spool file: its key is not a data key at all.
_SPOOL_KEY_VERSION = 0
_MAX_FILENAME = 255
_SCANNER_ACTOR = "system:scanner"
# The job that scans a file received while the scan runs in the background.
SCAN_JOB = "filestore.scan"
# The upload is handed to a worker thread in batches of this size for hashing, sealing
# and writing: small enough that memory stays flat, large enough that the hops between
# the event loop and the thread cost little.
_SPOOL_BATCH_BYTES = 1024 * 1024


class TooLarge(InvalidInput):
    """The upload exceeds the configured size limit; nothing was stored."""

    status = 413
    title = "Content too large"


class _SpoolFile:
    """The spool file of one upload while it streams in: sealed under a throw-away key as
    it is written, hashed and sniffed on the way. Its methods read and write the disk,
    hash and seal, so they run in worker threads, one call at a time."""

    def __init__(self, path: Path, agency_id: int) -> None:
        self.path = path
        self.agency_id = agency_id
        self.cipher = AESGCM(AESGCM.generate_key(bit_length=256))
        self._sealer = sealed.StreamSealer(self.cipher, _SPOOL_KEY_VERSION, agency_id, CONTEXT)
        self._digest = hashlib.sha256()
        self._sniffer = sniff.ContentSniffer()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out = os.fdopen(descriptor, "wb")
        self._out.write(self._sealer.header)

    @classmethod
    def create(cls, agency_folder: Path, agency_id: int) -> _SpoolFile:
        incoming = agency_folder / ".incoming"
        incoming.mkdir(parents=True, exist_ok=True, mode=0o700)
        return cls(incoming / f"{secrets.token_hex(16)}.part", agency_id)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def write(self, data: bytes) -> None:
        self._digest.update(data)
        self._sniffer.update(data)
        self._out.write(self._sealer.update(data))

    def finish(self, last: bytes) -> None:
        """Writes the last bytes and closes the file."""
        self.write(last)
        self._out.write(self._sealer.finish(self._digest.digest()))
        self._out.close()

    def file_type(self) -> sniff.FileType | None:
        """What the content is; a ZIP container is opened to tell (see `sniff`)."""
        file_type = self._sniffer.verdict()
        if file_type is not sniff.ZIP_CONTAINER:
            return file_type
        with self.path.open("rb") as source:
            opener = sealed.StreamOpener(
                self.cipher, source.read(sealed.STREAM_HEADER_BYTES), self.agency_id, CONTEXT,
                self._digest.digest(),
            )  # fmt: skip
            reader = sealed.OpenedReader(opener, source, self.path.stat().st_size)
            return sniff.inspect_container(io.BufferedReader(reader))

    def discard(self) -> None:
        self._out.close()
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Spooled:
    path: Path
    cipher: AESGCM
    sha256: str
    size: int
    file_type: sniff.FileType


class FileStore:
    """Encrypted, content-addressed attachment storage under `root` (see the module)."""

    def __init__(
        self,
        vault: Vault,
        root: Path,
        *,
        max_bytes: int,
        allowed_types: frozenset[str],
        scanner: Scanner | None = None,
        scan_on_receive: bool = True,
    ) -> None:
        self.vault = vault
        self.root = root
        self.max_bytes = max_bytes
        self.allowed_types = allowed_types
        self.scanner: Scanner = scanner or NoopScanner()
        self.scan_on_receive = scan_on_receive

    # -- receiving -----------------------------------------------------------------

    async def receive(
        self,
        uow: UnitOfWork,
        chunks: AsyncIterator[bytes],
        *,
        agency_id: int,
        filename: str,
        declared_length: int | None,
        max_bytes: int | None = None,
    ) -> StoredFile:
        """Stores an upload for `agency_id` and returns its row (reference count unchanged:
        call `add_reference` for each attachment that points to it).

        Raises `TooLarge` (413) before reading anything when `declared_length` exceeds the
        limit, and as soon as the streamed bytes do; `InvalidInput` for a bad file name,
        an empty file, a length other than declared, a type not allowed (the message names
        the allowed ones) or content the scanner refuses. Content already stored for the
        agency is not stored twice: its existing row is returned. With `scan_on_receive`
        the scan runs at once and the row comes back `clean`; otherwise `quarantined`.
        `max_bytes` replaces the store's limit for a kind of upload that needs another (a
        day's manifest).
        """
        check_filename(filename)
        limit = max_bytes or self.max_bytes
        if declared_length is not None:
            if declared_length < 0:
                raise InvalidInput(lazy("The declared length of the file cannot be negative."))
            if declared_length > limit:
                raise self._too_large(limit)
        spooled = await self._spool(chunks, agency_id, declared_length, limit)
        try:
            # anyio's worker waits for the thread even when the request is cancelled, so
            # the unit of work is never used from two threads at once.
            return await to_thread.run_sync(self._store, uow, agency_id, spooled)
        finally:
            spooled.path.unlink(missing_ok=True)

    def receive_bytes(
        self, uow: UnitOfWork, content: bytes, *, agency_id: int, filename: str
    ) -> StoredFile:
        """`receive` for content already in hand, from code that runs outside an event
        loop (a job, a command, a benchmark). It runs on a loop of its own in a helper
        thread, so that it works even in a thread where a loop is running already."""

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(content), _SPOOL_BATCH_BYTES):
                yield content[start : start + _SPOOL_BATCH_BYTES]

        receiving = self.receive(
            uow, chunks(), agency_id=agency_id, filename=filename, declared_length=len(content)
        )
        with ThreadPoolExecutor(1, thread_name_prefix="filestore-receive") as helper:
            return helper.submit(asyncio.run, receiving).result()

    def _too_large(self, limit: int) -> TooLarge:
        return TooLarge(
            lazy("The file is larger than the limit of {limit} MiB; send a smaller file."),
            limit=round(limit / 1024 / 1024, 1),
        )

    async def _spool(
        self, chunks: AsyncIterator[bytes], agency_id: int, declared_length: int | None, limit: int
    ) -> _Spooled:
        spool = await to_thread.run_sync(
            _SpoolFile.create, self.agency_folder(agency_id), agency_id
        )
        try:
            size = 0
            batch = bytearray()
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise self._too_large(limit)
                if declared_length is not None and size > declared_length:
                    raise _length_mismatch(declared_length)
                batch += chunk
                if len(batch) >= _SPOOL_BATCH_BYTES:
                    await to_thread.run_sync(spool.write, bytes(batch))
                    batch.clear()
            await to_thread.run_sync(spool.finish, bytes(batch))
            if declared_length is not None and size != declared_length:
                raise _length_mismatch(declared_length)
            if size == 0:
                raise InvalidInput(lazy("The file is empty."))
            file_type = await to_thread.run_sync(spool.file_type)
            if file_type is None or file_type.media_type not in self.allowed_types:
                raise InvalidInput(
                    lazy("This type of file is not accepted. Send one of: {allowed}."),
                    allowed=sniff.allowed_labels(self.allowed_types),
                )
        except BaseException:
            spool.discard()
            raise
        return _Spooled(spool.path, spool.cipher, spool.sha256, size, file_type)

    def _store(self, uow: UnitOfWork, agency_id: int, spooled: _Spooled) -> StoredFile:
        session = uow.session
        _lock_address(session, agency_id, spooled.sha256)
        row = self._row_at(session, agency_id, spooled.sha256)
        final = self.path_of(agency_id, spooled.sha256)
        if row is None:
            self._write_final(session, agency_id, spooled, final)
            row = StoredFile(
                agency_id=agency_id,
                sha256=spooled.sha256,
                size=spooled.size,
                media_type=spooled.file_type.media_type,
                status=FileStatus.QUARANTINED.value,
                reference_count=0,
            )
            session.add(row)
            session.flush()
            uow.after_rollback(self._remover(uow, agency_id, spooled.sha256))
            if not self.scan_on_receive:
                # The scan runs in the background; the file is not served until it passes.
                jobs.enqueue(uow, SCAN_JOB, row.id, acting_user_id=None)
        elif not final.exists():
            # The row outlived its file (restored database, lost disk): put it back.
            self._write_final(session, agency_id, spooled, final)
        if row.status == FileStatus.QUARANTINED and self.scan_on_receive:
            self._scan(uow, row)
        if row.status == FileStatus.REJECTED:
            raise InvalidInput(lazy("The file was refused by the malware scan."))
        return row

    def _write_final(
        self, session: Session, agency_id: int, spooled: _Spooled, final: Path
    ) -> None:
        """Seals the spooled content under the agency's data key, beside its final place,
        and renames it there once it is on disk."""
        digest = bytes.fromhex(spooled.sha256)
        sealer = self.vault.stream_sealer(session, agency_id, context=CONTEXT)
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = final.with_name(f".{final.name}.{secrets.token_hex(8)}.tmp")
        try:
            with spooled.path.open("rb") as source:
                header = source.read(sealed.STREAM_HEADER_BYTES)
                opener = sealed.StreamOpener(spooled.cipher, header, agency_id, CONTEXT, digest)
                descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "wb") as out:
                    out.write(sealer.header)
                    size = spooled.path.stat().st_size
                    for plain in sealed.iter_opened(opener, source, size):
                        out.write(sealer.update(plain))
                    out.write(sealer.finish(digest))
                    out.flush()
                    os.fsync(out.fileno())
            temporary.replace(final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _sync_folder(final.parent)

    # -- references ----------------------------------------------------------------

    def add_reference(self, uow: UnitOfWork, stored_file_id: int) -> StoredFile:
        """One more attachment points to the file. Refused for a rejected file."""
        row = self._locked(uow.session, stored_file_id)
        if row.status == FileStatus.REJECTED:
            raise InvalidInput(lazy("The file was refused by the malware scan."))
        row.reference_count += 1
        uow.session.flush()
        return row

    def release(self, uow: UnitOfWork, stored_file_id: int) -> None:
        """One attachment less points to the file; at zero the row is deleted, and the
        file once the transaction has committed."""
        row = self._locked(uow.session, stored_file_id)
        if row.reference_count == 0:
            raise Conflict(lazy("The file has no reference left to release."))
        row.reference_count -= 1
        if row.reference_count == 0:
            self._forget(uow, row)
        uow.session.flush()

    def collect_unreferenced(self, uow: UnitOfWork, older_than: timedelta) -> int:
        """Deletes files received but never referenced (an upload whose message was never
        sent), older than `older_than`; returns how many."""
        rows = uow.session.scalars(
            select(StoredFile)
            .where(StoredFile.reference_count == 0, StoredFile.created_at < utcnow() - older_than)
            .order_by(StoredFile.id)
            .with_for_update()
        ).all()
        for row in rows:
            self._forget(uow, row)
        uow.session.flush()
        return len(rows)

    def _forget(self, uow: UnitOfWork, row: StoredFile) -> None:
        uow.session.delete(row)
        uow.after_commit(self._remover(uow, row.agency_id, row.sha256))

    def _remover(self, uow: UnitOfWork, agency_id: int, sha256: str) -> Callable[[], None]:
        def remove_if_unrecorded() -> None:
            with uow.new() as fresh:
                _lock_address(fresh.session, agency_id, sha256)
                if self._row_at(fresh.session, agency_id, sha256) is None:
                    self.path_of(agency_id, sha256).unlink(missing_ok=True)
                fresh.commit()

        return remove_if_unrecorded

    # -- scanning ------------------------------------------------------------------

    def scan_pending(self, uow: UnitOfWork, limit: int = 100) -> dict[str, int]:
        """Scans up to `limit` quarantined files; returns how many became clean, rejected,
        or stayed quarantined because the scanner failed."""
        rows = uow.session.scalars(
            select(StoredFile)
            .where(StoredFile.status == FileStatus.QUARANTINED.value)
            .order_by(StoredFile.id)
            .limit(limit)
        ).all()
        counts = {status.value: 0 for status in FileStatus}
        for row in rows:
            self._scan(uow, row)
            counts[row.status] += 1
        return counts

    def scan_pending_file(self, uow: UnitOfWork, stored_file_id: int) -> FileStatus:
        """Scans one file if it is still quarantined (a scan job, or a job that needs the
        file at once); its status after. Scanning a file twice changes nothing."""
        row = self._locked(uow.session, stored_file_id)
        if row.status == FileStatus.QUARANTINED:
            self._scan(uow, row)
        return FileStatus(row.status)

    def _scan(self, uow: UnitOfWork, row: StoredFile) -> None:
        detail: dict[str, object] = {"scanner": self.scanner.name, "media_type": row.media_type}
        try:
            content = self._plaintext(uow.session, row)
            verdict = self.scanner.scan(content, row.media_type)
        except ScanFailed as exc:
            audit.record_refusal(
                uow, _scan_event(row, "failed", {**detail, "reason": str(exc)[:200]})
            )
            return
        if verdict.clean:
            row.status = FileStatus.CLEAN.value
            audit.record(uow, _scan_event(row, "ok", detail))
        else:
            row.status = FileStatus.REJECTED.value
            # Kept even when the upload that brought the file is rolled back.
            audit.record_refusal(
                uow, _scan_event(row, "denied", {**detail, "reason": verdict.reason})
            )
        uow.session.flush()

    # -- reading -------------------------------------------------------------------

    def get(self, session: Session, stored_file_id: int) -> StoredFile:
        row = session.get(StoredFile, stored_file_id)
        if row is None:
            raise NotFound(lazy("There is no stored file {id}."), id=stored_file_id)
        return row

    def open_stream(self, session: Session, stored_file_id: int) -> Iterator[bytes]:
        """The file's plaintext, chunk by chunk, for a download.

        Only a `clean` file is served: a quarantined one raises `Conflict` (try again
        after the scan), a rejected one `Forbidden`. The whole file is authenticated
        before this returns, so a damaged or swapped file raises `Tampered` here rather
        than in the middle of a response; the chunks are verified again as they stream.
        The iterator needs no session: it may run after the transaction has ended.
        """
        row = self.get(session, stored_file_id)
        if row.status == FileStatus.QUARANTINED:
            raise Conflict(lazy("The file is still being checked; try again in a minute."))
        if row.status != FileStatus.CLEAN:
            raise Forbidden(lazy("The file was refused by the malware scan and is not served."))
        return self._plaintext(session, row)

    def _plaintext(self, session: Session, row: StoredFile) -> Iterator[bytes]:
        path = self.path_of(row.agency_id, row.sha256)
        digest = bytes.fromhex(row.sha256)
        try:
            with path.open("rb") as source:
                opener = self.vault.open_stream_source(
                    session, row.agency_id, source, context=CONTEXT, sha256=digest
                )
                check = hashlib.sha256()
                for plain in sealed.iter_opened(opener, source, path.stat().st_size):
                    check.update(plain)
        except FileNotFoundError:
            raise Tampered(f"stored file {row.id} is missing from {self.root}") from None
        if check.digest() != digest:
            raise Tampered(f"stored file {row.id} does not hash to its address")
        return _stream(opener, path)

    # -- places --------------------------------------------------------------------

    def agency_folder(self, agency_id: int) -> Path:
        return self.root / str(int(agency_id))

    def path_of(self, agency_id: int, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError("a content address is 64 lower-case hex digits")
        return self.agency_folder(agency_id) / sha256[:2] / sha256

    @staticmethod
    def _row_at(session: Session, agency_id: int, sha256: str) -> StoredFile | None:
        return session.scalars(
            select(StoredFile).where(StoredFile.agency_id == agency_id, StoredFile.sha256 == sha256)
        ).first()

    def _locked(self, session: Session, stored_file_id: int) -> StoredFile:
        row = session.get(StoredFile, stored_file_id, with_for_update=True)
        if row is None:
            raise NotFound(lazy("There is no stored file {id}."), id=stored_file_id)
        return row


def check_filename(filename: str) -> str:
    """The name as a download may carry it: one line under the hygiene every text passes,
    in NFC, naming no folder (`inputs.clean_file_name`); else `InvalidInput`."""
    if not filename.strip() or len(filename) > _MAX_FILENAME:
        raise InvalidInput(lazy("Give the file a name of 1 to 255 characters."))
    return checked_file_name(filename)


def _length_mismatch(declared: int) -> InvalidInput:
    return InvalidInput(
        lazy("The upload did not match its declared length of {length} bytes; send it again."),
        length=declared,
    )


def _stream(opener: sealed.StreamOpener, path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        source.seek(sealed.STREAM_HEADER_BYTES)
        yield from sealed.iter_opened(opener, source, path.stat().st_size)


def _lock_address(session: Session, agency_id: int, sha256: str) -> None:
    """Serialises work on one content address until the end of the transaction."""
    if session.get_bind().dialect.name == "postgresql":
        name = hashlib.sha256(f"stored-file:{agency_id}:{sha256}".encode()).digest()[:8]
        session.execute(select(func.pg_advisory_xact_lock(int.from_bytes(name, signed=True))))
    # SQLite: every transaction holds the database's write lock from BEGIN IMMEDIATE.


def _scan_event(row: StoredFile, outcome: str, detail: dict[str, object]) -> audit.AuditEvent:
    return audit.AuditEvent(
        action="filestore:file:scanned",
        outcome=outcome,
        actor_login=_SCANNER_ACTOR,
        object_kind="stored_file",
        object_ref=str(row.id),
        detail=detail,
    )


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
