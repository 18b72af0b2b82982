"""The attachment store on both databases, with real files on disk."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest
from sqlalchemy import select

from interagency import i18n
from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.errors import Conflict, Forbidden, InvalidInput, NotFound
from interagency.filestore import FileStatus, FileStore, StoredFile, TooLarge, Verdict
from interagency.filestore.scanning import ScanFailed
from interagency.vault import FileKeyProvider, Tampered, Vault
from interagency.vault.sealed import CHUNK_BYTES
from tests.support.asynchronous import run_async
from tests.support.identity import Council
from tests.unit.filestore import samples

LIMIT = 3 * CHUNK_BYTES


class RejectingScanner:
    name = "rejecting"

    def __init__(self) -> None:
        self.seen: list[bytes] = []

    def scan(self, content: Iterable[bytes], media_type: str) -> Verdict:
        self.seen.append(b"".join(content))
        return Verdict(clean=False, reason="Test.Signature FOUND")


class FailingScanner:
    name = "failing"

    def scan(self, content: Iterable[bytes], media_type: str) -> Verdict:
        raise ScanFailed("scanner daemon not answering")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "attachments"


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(FileKeyProvider(tmp_path / "keys" / "vault-master.key"))


@pytest.fixture
def store(vault: Vault, root: Path) -> FileStore:
    return make_store(vault, root)


def make_store(vault: Vault, root: Path, **options: object) -> FileStore:
    return FileStore(
        vault,
        root,
        max_bytes=LIMIT,
        allowed_types=frozenset(
            {"application/pdf", "text/plain", "text/csv", samples_docx_type(), "image/png"}
        ),
        **options,  # type: ignore[arg-type]
    )


def samples_docx_type() -> str:
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def chunks_of(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def receive(
    container: Container,
    store: FileStore,
    agency_id: int,
    data: bytes,
    *,
    declared: int | None = None,
    filename: str = "report.pdf",
    commit: bool = True,
) -> StoredFile:
    with container.uow() as uow:
        stored = run_async(
            store.receive(
                uow, chunks_of(data), agency_id=agency_id, filename=filename,
                declared_length=declared,
            )
        )  # fmt: skip
        if commit:
            uow.commit()
    return stored


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def read_all(container: Container, store: FileStore, stored_file_id: int) -> bytes:
    with container.uow() as uow:
        stream = store.open_stream(uow.session, stored_file_id)
    # The iterator runs after the transaction has ended, as a streamed response does.
    return b"".join(stream)


def test_a_received_file_is_sealed_on_disk_at_its_content_address(
    container: Container, council: Council, store: FileStore, root: Path
) -> None:
    ru = council.agencies["RU-SVC"]
    data = samples.PDF + "Маршрут через Хоргос".encode() * 5000
    stored = receive(container, store, ru, data, declared=len(data))

    sha = hashlib.sha256(data).hexdigest()
    assert stored.sha256 == sha
    assert stored.size == len(data)
    assert stored.media_type == "application/pdf"
    assert stored.status == FileStatus.CLEAN
    assert stored.reference_count == 0
    path = root / str(ru) / sha[:2] / sha
    assert files_under(root) == [path]
    on_disk = path.read_bytes()
    assert "Маршрут".encode() not in on_disk
    assert b"%PDF" not in on_disk
    assert path.stat().st_mode & 0o077 == 0
    assert read_all(container, store, stored.id) == data


def test_the_same_content_is_stored_once_per_agency(
    container: Container, council: Council, store: FileStore, root: Path
) -> None:
    ru, kz = council.agencies["RU-SVC"], council.agencies["KZ-SVC"]
    first = receive(container, store, ru, samples.TEXT, filename="a.txt")
    again = receive(container, store, ru, samples.TEXT, filename="b.txt")
    other = receive(container, store, kz, samples.TEXT, filename="a.txt")
    assert again.id == first.id
    assert other.id != first.id
    assert len(files_under(root)) == 2
    assert read_all(container, store, other.id) == samples.TEXT


def test_a_declared_length_over_the_limit_is_refused_before_anything_is_read(
    container: Container, council: Council, store: FileStore, root: Path
) -> None:
    read: list[bytes] = []

    async def watched() -> AsyncIterator[bytes]:
        read.append(b"x")
        yield b"x"

    with container.uow() as uow, pytest.raises(TooLarge) as refused:
        run_async(
            store.receive(
                uow, watched(), agency_id=council.agencies["RU-SVC"], filename="big.pdf",
                declared_length=LIMIT + 1,
            )
        )  # fmt: skip
    assert refused.value.status == 413
    assert refused.value.params == {"limit": 0.2}
    assert read == []
    assert not root.exists()


def test_a_stream_that_outgrows_the_limit_is_cut_off_and_leaves_nothing(
    container: Container, council: Council, store: FileStore, root: Path
) -> None:
    delivered: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        while True:
            delivered.append(1)
            yield samples.PDF + bytes(10_000)

    with container.uow() as uow, pytest.raises(TooLarge):
        run_async(
            store.receive(
                uow, endless(), agency_id=council.agencies["RU-SVC"], filename="big.pdf",
                declared_length=None,
            )
        )  # fmt: skip
    # Stopped at the first chunk past the limit, not at the end of the stream.
    assert len(delivered) == LIMIT // (len(samples.PDF) + 10_000) + 1
    assert files_under(root) == []
    with container.uow() as uow:
        assert uow.session.scalars(select(StoredFile)).all() == []


def test_a_stream_shorter_than_declared_is_refused(
    container: Container, council: Council, store: FileStore, root: Path
) -> None:
    with pytest.raises(InvalidInput, match="declared length"):
        receive(container, store, council.agencies["RU-SVC"], samples.PDF, declared=10_000)
    assert files_under(root) == []


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (samples.WINDOWS_EXE, "report.pdf"),
        (samples.HTML, "page.txt"),
        (samples.SVG, "drawing.png"),
        (samples.DOCM, "letter.docx"),
        (samples.GIF, "image.gif"),  # known, but not in this store's allowlist
    ],
)
def test_a_type_not_allowed_is_refused_whatever_its_name(
    container: Container,
    council: Council,
    store: FileStore,
    root: Path,
    data: bytes,
    filename: str,
) -> None:
    # The allowed types are named in the language of the one refused.
    with i18n.language("en"), pytest.raises(InvalidInput) as refused:
        receive(container, store, council.agencies["RU-SVC"], data, filename=filename)
    assert refused.value.params == {"allowed": "PDF, PNG, plain text (UTF-8), CSV, Word (DOCX)"}
    with i18n.language("ru"), pytest.raises(InvalidInput) as refused:
        receive(container, store, council.agencies["RU-SVC"], data, filename=filename)
    assert refused.value.params == {"allowed": "PDF, PNG, обычный текст (UTF-8), CSV, Word (DOCX)"}
    assert files_under(root) == []


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("", "1 to 255"),
        ("../../etc/passwd", "slashes"),
        ("a\nb.pdf", "one line"),
        ("a\x00b.pdf", "control character"),
        ("Invoice\u202etxt.exe", "text-direction"),
        ("..", "dots"),
        ("x" * 256, "1 to 255"),
    ],
)
def test_bad_file_names_are_refused(
    container: Container, council: Council, store: FileStore, filename: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        receive(container, store, council.agencies["RU-SVC"], samples.PDF, filename=filename)


def test_an_empty_file_is_refused(container: Container, council: Council, store: FileStore) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        receive(container, store, council.agencies["RU-SVC"], b"")


def test_a_word_document_is_accepted_by_its_content(
    container: Container, council: Council, store: FileStore
) -> None:
    stored = receive(container, store, council.agencies["RU-SVC"], samples.DOCX, filename="x.bin")
    assert stored.media_type == samples_docx_type()


def test_a_file_received_in_a_rolled_back_transaction_is_removed(
    container: Container, council: Council, store: FileStore, root: Path
) -> None:
    receive(container, store, council.agencies["RU-SVC"], samples.PDF, commit=False)
    assert files_under(root) == []


def test_the_file_goes_after_commit_when_its_last_reference_is_released(
    container: Container, council: Council, store: FileStore, root: Path
) -> None:
    stored = receive(container, store, council.agencies["RU-SVC"], samples.PDF)
    with container.uow() as uow:
        store.add_reference(uow, stored.id)
        store.add_reference(uow, stored.id)
        uow.commit()
    with container.uow() as uow:
        store.release(uow, stored.id)
        uow.commit()
    assert len(files_under(root)) == 1
    with container.uow() as uow:
        store.release(uow, stored.id)
        # Not yet committed: the file is still there, should the transaction fail.
        assert len(files_under(root)) == 1
        uow.commit()
    assert files_under(root) == []
    with container.uow() as uow, pytest.raises(NotFound):
        store.open_stream(uow.session, stored.id)


def test_a_release_that_is_rolled_back_keeps_the_file(
    container: Container, council: Council, store: FileStore, root: Path
) -> None:
    stored = receive(container, store, council.agencies["RU-SVC"], samples.PDF)
    with container.uow() as uow:
        store.add_reference(uow, stored.id)
        uow.commit()
    with container.uow() as uow:
        store.release(uow, stored.id)
    assert len(files_under(root)) == 1
    assert read_all(container, store, stored.id) == samples.PDF


def test_releasing_a_file_without_references_is_refused(
    container: Container, council: Council, store: FileStore
) -> None:
    stored = receive(container, store, council.agencies["RU-SVC"], samples.PDF)
    with container.uow() as uow, pytest.raises(Conflict):
        store.release(uow, stored.id)


def test_unreferenced_files_are_collected(
    container: Container, council: Council, store: FileStore, root: Path
) -> None:
    from datetime import timedelta

    kept = receive(container, store, council.agencies["RU-SVC"], samples.PDF)
    receive(container, store, council.agencies["RU-SVC"], samples.TEXT, filename="t.txt")
    with container.uow() as uow:
        store.add_reference(uow, kept.id)
        uow.commit()
    with container.uow() as uow:
        assert store.collect_unreferenced(uow, timedelta(seconds=-1)) == 1
        uow.commit()
    assert [path.name for path in files_under(root)] == [kept.sha256]


def test_a_quarantined_file_is_not_served_until_scanned(
    container: Container, council: Council, vault: Vault, root: Path
) -> None:
    store = make_store(vault, root, scan_on_receive=False)
    stored = receive(container, store, council.agencies["RU-SVC"], samples.PDF)
    assert stored.status == FileStatus.QUARANTINED
    with container.uow() as uow, pytest.raises(Conflict):
        store.open_stream(uow.session, stored.id)
    with container.uow() as uow:
        assert store.scan_pending(uow) == {"quarantined": 0, "clean": 1, "rejected": 0}
        uow.commit()
    assert read_all(container, store, stored.id) == samples.PDF


def test_a_file_the_scanner_rejects_is_refused_and_audited(
    container: Container, council: Council, vault: Vault, root: Path
) -> None:
    scanner = RejectingScanner()
    store = make_store(vault, root, scanner=scanner)
    with pytest.raises(InvalidInput, match="malware scan"):
        receive(container, store, council.agencies["RU-SVC"], samples.PDF)
    assert scanner.seen == [samples.PDF]
    assert files_under(root) == []
    with container.uow() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "filestore:file:scanned")
        ).one()
        assert entry.outcome == "denied"
        assert "Test.Signature FOUND" in entry.detail


def test_a_rejected_file_is_never_served(
    container: Container, council: Council, vault: Vault, root: Path
) -> None:
    stored = receive(
        container, make_store(vault, root, scan_on_receive=False), council.agencies["RU-SVC"],
        samples.PDF,
    )  # fmt: skip
    store = make_store(vault, root, scanner=RejectingScanner())
    with container.uow() as uow:
        assert store.scan_pending(uow) == {"quarantined": 0, "clean": 0, "rejected": 1}
        uow.commit()
    with container.uow() as uow:
        with pytest.raises(Forbidden):
            store.open_stream(uow.session, stored.id)
        with pytest.raises(InvalidInput):
            store.add_reference(uow, stored.id)


def test_a_failed_scan_keeps_the_file_in_quarantine(
    container: Container, council: Council, vault: Vault, root: Path
) -> None:
    store = make_store(vault, root, scanner=FailingScanner())
    stored = receive(container, store, council.agencies["RU-SVC"], samples.PDF)
    assert stored.status == FileStatus.QUARANTINED
    with container.uow() as uow:
        assert store.scan_pending(uow) == {"quarantined": 1, "clean": 0, "rejected": 0}


@pytest.mark.parametrize("damage", ["flip", "truncate", "swap"])
def test_a_damaged_or_swapped_file_is_refused_before_any_byte_is_served(
    container: Container, council: Council, store: FileStore, root: Path, damage: str
) -> None:
    ru = council.agencies["RU-SVC"]
    data = samples.PDF + bytes(2 * CHUNK_BYTES)
    stored = receive(container, store, ru, data)
    path = root / str(ru) / stored.sha256[:2] / stored.sha256
    sealed_bytes = path.read_bytes()
    if damage == "flip":
        path.write_bytes(sealed_bytes[:-1] + bytes([sealed_bytes[-1] ^ 1]))
    elif damage == "truncate":
        path.write_bytes(sealed_bytes[: -(len(sealed_bytes) - 16) // 3])
    else:
        other = receive(container, store, ru, samples.TEXT, filename="t.txt")
        path.write_bytes((root / str(ru) / other.sha256[:2] / other.sha256).read_bytes())
    with container.uow() as uow, pytest.raises(Tampered):
        store.open_stream(uow.session, stored.id)


def test_files_sealed_before_a_data_key_rotation_still_open(
    container: Container, council: Council, store: FileStore, vault: Vault
) -> None:
    from interagency.vault.services import rotate_data_keys

    ru = council.agencies["RU-SVC"]
    old = receive(container, store, ru, samples.PDF)
    with container.uow() as uow:
        rotate_data_keys(uow.session, vault.provider)
        uow.commit()
    new = receive(container, store, ru, samples.TEXT, filename="t.txt")
    assert read_all(container, store, old.id) == samples.PDF
    assert read_all(container, store, new.id) == samples.TEXT
