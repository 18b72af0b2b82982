"""Sealed values and streams open only where they were sealed, and only whole."""

from __future__ import annotations

import hashlib
import io

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from interagency.vault import sealed
from interagency.vault.sealed import CHUNK_BYTES, Tampered

CIPHER = AESGCM(bytes(32))
OTHER_CIPHER = AESGCM(bytes([1]) * 32)
SECRET = "Совершенно секретно: маршрут через Атырау".encode()


def test_a_value_opens_with_its_agency_and_context() -> None:
    box = sealed.seal_value(CIPHER, 3, 7, "message:42:body", SECRET)
    assert sealed.open_value(CIPHER, 7, "message:42:body", box) == SECRET
    assert sealed.value_key_version(box) == 3
    assert box[:2] == b"v1"
    assert SECRET not in box


def test_two_seals_of_one_value_differ() -> None:
    first = sealed.seal_value(CIPHER, 1, 7, "c", SECRET)
    assert first != sealed.seal_value(CIPHER, 1, 7, "c", SECRET)


@pytest.mark.parametrize(
    ("agency_id", "context"),
    [(7, "message:43:body"), (8, "message:42:body"), (7, "message:42:subject")],
)
def test_a_value_moved_to_another_row_field_or_agency_does_not_open(
    agency_id: int, context: str
) -> None:
    box = sealed.seal_value(CIPHER, 1, 7, "message:42:body", SECRET)
    with pytest.raises(Tampered):
        sealed.open_value(CIPHER, agency_id, context, box)


def test_an_altered_value_or_header_does_not_open() -> None:
    box = bytearray(sealed.seal_value(CIPHER, 1, 7, "c", SECRET))
    altered = bytes(box[:-1]) + bytes([box[-1] ^ 1])
    with pytest.raises(Tampered):
        sealed.open_value(CIPHER, 7, "c", altered)
    other_version = b"v1" + (2).to_bytes(4, "big") + bytes(box[6:])
    with pytest.raises(Tampered):
        sealed.open_value(CIPHER, 7, "c", other_version)
    with pytest.raises(Tampered):
        sealed.value_key_version(b"xx" + bytes(box[2:]))


def test_a_value_does_not_open_under_another_key() -> None:
    box = sealed.seal_value(CIPHER, 1, 7, "c", SECRET)
    with pytest.raises(Tampered):
        sealed.open_value(OTHER_CIPHER, 7, "c", box)


def seal_stream(data: bytes, pieces: int = 3) -> bytes:
    sealer = sealed.StreamSealer(CIPHER, 2, 7, "file")
    out = bytearray(sealer.header)
    step = max(1, len(data) // pieces)
    for start in range(0, len(data), step):
        out += sealer.update(data[start : start + step])
    out += sealer.finish(hashlib.sha256(data).digest())
    return bytes(out)


def open_stream(blob: bytes, digest: bytes, context: str = "file") -> bytes:
    source = io.BytesIO(blob)
    header = source.read(sealed.STREAM_HEADER_BYTES)
    opener = sealed.StreamOpener(CIPHER, header, 7, context, digest)
    return b"".join(sealed.iter_opened(opener, source, len(blob)))


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 5]
)
def test_a_stream_opens_whole_at_every_size(size: int) -> None:
    data = bytes(index % 251 for index in range(size))
    blob = seal_stream(data)
    assert open_stream(blob, hashlib.sha256(data).digest()) == data
    assert sealed.stream_key_version(blob[: sealed.STREAM_HEADER_BYTES]) == 2
    assert sealed.plaintext_size(len(blob)) == size


def test_a_stream_cut_at_a_chunk_boundary_does_not_open() -> None:
    data = b"x" * (2 * CHUNK_BYTES + 10)
    blob = seal_stream(data)
    cut = blob[: sealed.STREAM_HEADER_BYTES + 2 * sealed.SEALED_CHUNK_BYTES]
    with pytest.raises(Tampered):
        open_stream(cut, hashlib.sha256(data).digest())


def test_a_stream_with_chunks_swapped_does_not_open() -> None:
    data = b"a" * CHUNK_BYTES + b"b" * CHUNK_BYTES + b"c"
    blob = seal_stream(data)
    head, size = sealed.STREAM_HEADER_BYTES, sealed.SEALED_CHUNK_BYTES
    first, second = blob[head : head + size], blob[head + size : head + 2 * size]
    swapped = blob[:head] + second + first + blob[head + 2 * size :]
    with pytest.raises(Tampered):
        open_stream(swapped, hashlib.sha256(data).digest())


def test_a_stream_does_not_open_as_another_file_or_context() -> None:
    data = b"report"
    blob = seal_stream(data)
    with pytest.raises(Tampered):
        open_stream(blob, hashlib.sha256(b"other").digest())
    with pytest.raises(Tampered):
        open_stream(blob, hashlib.sha256(data).digest(), context="other")


@given(
    st.binary(min_size=0, max_size=3 * CHUNK_BYTES),
    st.integers(min_value=0, max_value=4 * CHUNK_BYTES),
    st.integers(min_value=0, max_value=CHUNK_BYTES + 100),
)
def test_the_seekable_reader_reads_what_was_sealed(data: bytes, start: int, length: int) -> None:
    blob = seal_stream(data)
    source = io.BytesIO(blob)
    opener = sealed.StreamOpener(
        CIPHER, blob[: sealed.STREAM_HEADER_BYTES], 7, "file", hashlib.sha256(data).digest()
    )
    reader = io.BufferedReader(sealed.OpenedReader(opener, source, len(blob)))
    reader.seek(start)
    assert reader.read(length) == data[start : start + length]
    reader.seek(0, io.SEEK_END)
    assert reader.tell() == len(data)
