"""The byte formats of sealed content: short values and chunked streams (files).

Both use AES-256-GCM under one version of an agency's data key. The associated data binds
the format header (so the key version cannot be changed), the agency and a context string
given by the caller (e.g. "message:42:body"), so that a sealed value copied to another
row, another field or another agency no longer opens.

Value: b"v1" | key version (4 bytes) | nonce (12) | ciphertext and tag.

Stream: b"IAF1" | key version (4) | nonce prefix (8), then chunks of at most 64 KiB of
plaintext, each sealed with nonce = prefix | chunk index (4 bytes) and associated data
that adds the chunk's index, whether it is the last one, and (in the last one) the
SHA-256 of the whole plaintext. Chunks cannot be dropped, reordered or cut off without
the file failing to open, and the file cannot be passed off as another one.
"""

from __future__ import annotations

import io
import secrets
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VALUE_MAGIC = b"v1"
VALUE_HEADER_BYTES = len(VALUE_MAGIC) + 4
NONCE_BYTES = 12
TAG_BYTES = 16

STREAM_MAGIC = b"IAF1"
STREAM_HEADER_BYTES = len(STREAM_MAGIC) + 4 + 8
CHUNK_BYTES = 64 * 1024
SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES
MAX_CHUNKS = 2**32


class Tampered(Exception):
    """Sealed content does not open: altered, truncated, or read under the wrong agency
    or context. Never a user's mistake: callers treat it as an integrity failure."""


def _bound(header: bytes, agency_id: int, context: str) -> bytes:
    return header + struct.pack(">Q", agency_id) + context.encode("utf-8")


def value_key_version(sealed: bytes) -> int:
    """The data-key version a sealed value names; raises `Tampered` if it is not one."""
    if len(sealed) < VALUE_HEADER_BYTES + NONCE_BYTES + TAG_BYTES or not sealed.startswith(
        VALUE_MAGIC
    ):
        raise Tampered("not a sealed value")
    return int.from_bytes(sealed[len(VALUE_MAGIC) : VALUE_HEADER_BYTES], "big")


def seal_value(
    cipher: AESGCM, key_version: int, agency_id: int, context: str, plaintext: bytes
) -> bytes:
    header = VALUE_MAGIC + key_version.to_bytes(4, "big")
    nonce = secrets.token_bytes(NONCE_BYTES)
    return header + nonce + cipher.encrypt(nonce, plaintext, _bound(header, agency_id, context))


def open_value(cipher: AESGCM, agency_id: int, context: str, sealed: bytes) -> bytes:
    value_key_version(sealed)
    header = sealed[:VALUE_HEADER_BYTES]
    nonce = sealed[VALUE_HEADER_BYTES : VALUE_HEADER_BYTES + NONCE_BYTES]
    body = sealed[VALUE_HEADER_BYTES + NONCE_BYTES :]
    try:
        return cipher.decrypt(nonce, body, _bound(header, agency_id, context))
    except InvalidTag:
        raise Tampered(f"sealed value does not open under context {context!r}") from None


def stream_key_version(header: bytes) -> int:
    """The data-key version a stream's header names; raises `Tampered` if it is not one."""
    if len(header) != STREAM_HEADER_BYTES or not header.startswith(STREAM_MAGIC):
        raise Tampered("not a sealed stream")
    return int.from_bytes(header[len(STREAM_MAGIC) : len(STREAM_MAGIC) + 4], "big")


def _chunk_aad(bound: bytes, index: int, final: bool, digest: bytes) -> bytes:
    return bound + struct.pack(">QB", index, final) + (digest if final else b"")


class StreamSealer:
    """Seals a stream chunk by chunk: write `header`, then what `update` and `finish` return."""

    def __init__(self, cipher: AESGCM, key_version: int, agency_id: int, context: str) -> None:
        self.header = STREAM_MAGIC + key_version.to_bytes(4, "big") + secrets.token_bytes(8)
        self._cipher = cipher
        self._bound = _bound(self.header, agency_id, context)
        self._pending = bytearray()
        self._index = 0

    def _seal(self, plaintext: bytes, final: bool, digest: bytes) -> bytes:
        if self._index >= MAX_CHUNKS:
            raise ValueError("stream too long for one sealed file")
        nonce = self.header[-8:] + self._index.to_bytes(4, "big")
        aad = _chunk_aad(self._bound, self._index, final, digest)
        self._index += 1
        return self._cipher.encrypt(nonce, plaintext, aad)

    def update(self, data: bytes) -> bytes:
        """Sealed chunks completed by `data` (maybe none). One chunk is always held back:
        only `finish` knows which chunk is the last."""
        self._pending += data
        out = bytearray()
        while len(self._pending) > CHUNK_BYTES:
            out += self._seal(bytes(self._pending[:CHUNK_BYTES]), False, b"")
            del self._pending[:CHUNK_BYTES]
        return bytes(out)

    def finish(self, sha256_digest: bytes) -> bytes:
        """The last chunk (possibly empty), bound to the SHA-256 of the whole plaintext."""
        last = self._seal(bytes(self._pending), True, sha256_digest)
        self._pending.clear()
        return last


class StreamOpener:
    """Opens the chunks of one sealed stream, by index, verifying each."""

    def __init__(
        self, cipher: AESGCM, header: bytes, agency_id: int, context: str, sha256_digest: bytes
    ) -> None:
        stream_key_version(header)
        self.header = header
        self._cipher = cipher
        self._bound = _bound(header, agency_id, context)
        self._digest = sha256_digest

    def open_chunk(self, index: int, sealed: bytes, final: bool) -> bytes:
        nonce = self.header[-8:] + index.to_bytes(4, "big")
        aad = _chunk_aad(self._bound, index, final, self._digest)
        try:
            return self._cipher.decrypt(nonce, sealed, aad)
        except InvalidTag:
            raise Tampered(f"chunk {index} of a sealed file does not open") from None


def chunk_count(sealed_size: int) -> int:
    """How many chunks a sealed stream of `sealed_size` bytes (header included) holds."""
    body = sealed_size - STREAM_HEADER_BYTES
    if body < TAG_BYTES:
        raise Tampered("sealed file too short")
    return -(-body // SEALED_CHUNK_BYTES)


def plaintext_size(sealed_size: int) -> int:
    return sealed_size - STREAM_HEADER_BYTES - chunk_count(sealed_size) * TAG_BYTES


def iter_opened(opener: StreamOpener, source: BinaryIO, sealed_size: int) -> Iterator[bytes]:
    """The plaintext chunks of a sealed stream read from `source` (positioned after the
    header). A missing, extra, reordered or altered chunk raises `Tampered`."""
    count = chunk_count(sealed_size)
    for index in range(count):
        sealed = source.read(SEALED_CHUNK_BYTES)
        final = index == count - 1
        if len(sealed) < TAG_BYTES or (not final and len(sealed) != SEALED_CHUNK_BYTES):
            raise Tampered("sealed file changed while it was read")
        yield opener.open_chunk(index, sealed, final)
    if source.read(1):
        raise Tampered("sealed file grew while it was read")


class OpenedReader(io.RawIOBase):
    """A seekable, read-only view of a sealed file's plaintext (e.g. for `zipfile`),
    decrypting and verifying only the chunks that are read."""

    def __init__(self, opener: StreamOpener, source: BinaryIO, sealed_size: int) -> None:
        super().__init__()
        self._opener = opener
        self._source = source
        self._count = chunk_count(sealed_size)
        self._size = plaintext_size(sealed_size)
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def _chunk(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            self._source.seek(STREAM_HEADER_BYTES + index * SEALED_CHUNK_BYTES)
            sealed = self._source.read(SEALED_CHUNK_BYTES)
            plain = self._opener.open_chunk(index, sealed, index == self._count - 1)
            self._cached = (index, plain)
        return self._cached[1]

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._position >= self._size:
            return 0
        index, offset = divmod(self._position, CHUNK_BYTES)
        data = self._chunk(index)[offset : offset + len(buffer)]
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)
