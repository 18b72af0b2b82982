"""Master keys: what wraps the agencies' data keys, kept outside the database.

`KeyProvider` is the contract; `FileKeyProvider` keeps the master key in a file (mode
0600) beside the other key files. A KMS or HSM provider would implement the same
protocol, wrapping and unwrapping inside the device so the master key never leaves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
# Wrapped data keys say what they are, so a wrapped key can never pass for other content.
_WRAP_LABEL = b"interagency data key\x00"


class KeyUnavailable(RuntimeError):
    """A wrapped data key names a master key this provider does not hold, or fails to open."""


@dataclass(frozen=True)
class WrappedKey:
    master_key_id: str
    wrapped: bytes


class KeyProvider(Protocol):
    """Wraps and unwraps data keys under master keys identified by an id.

    `context` is bound to the wrapped key (e.g. b"agency:7:version:2"): a wrapped key
    copied to another agency's row does not unwrap.
    """

    def current_key_id(self) -> str:
        """The id of the master key new data keys are wrapped under."""
        ...

    def wrap(self, data_key: bytes, *, context: bytes, key_id: str | None = None) -> WrappedKey:
        """`data_key` encrypted under the current master key (or the one named `key_id`)."""
        ...

    def unwrap(self, wrapped: WrappedKey, *, context: bytes) -> bytes:
        """The data key; raises `KeyUnavailable` when its master key is unknown or wrong."""
        ...

    def begin_rotation(self) -> str:
        """Makes (or finds, when resuming) the next master key; returns its id.

        The current key stays current until `finish_rotation`, so a crash before then
        changes nothing that running processes use."""
        ...

    def finish_rotation(self) -> str | None:
        """Makes the next master key current and retires the old one (kept, for unwrapping
        whatever was wrapped meanwhile); returns the retired key's id, None if none."""
        ...

    def describe(self) -> str:
        """Where the master key is kept, for `interagency keys status` (no secrets)."""
        ...


def key_id_of(key: bytes) -> str:
    """A fingerprint naming a master key in the database; reveals nothing of the key."""
    return hashlib.sha256(b"interagency master key id\x00" + key).hexdigest()[:32]


class FileKeyProvider:
    """The master key in a file, created on first use with mode 0600.

    Beside `path` (say `vault-master.key`) live, during and after a rotation,
    `vault-master.next.key` (the key being rolled out) and `vault-master.retired-ID.key`
    (earlier keys). Unwrapping looks a key up by id among all of them, so no crash at any
    step of a rotation leaves a data key that cannot be opened.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._by_id: dict[str, bytes] = {}

    @property
    def next_path(self) -> Path:
        return self.path.with_name(f"{self.path.stem}.next{self.path.suffix}")

    def retired_path(self, key_id: str) -> Path:
        return self.path.with_name(f"{self.path.stem}.retired-{key_id}{self.path.suffix}")

    def _current(self) -> tuple[str, bytes]:
        # Read on every use (wrapping is rare): a rotation by another process takes effect
        # here at once, without a restart.
        key = load_or_create_key(self.path, KEY_BYTES)
        key_id = key_id_of(key)
        self._by_id[key_id] = key
        return key_id, key

    def current_key_id(self) -> str:
        return self._current()[0]

    def _find(self, key_id: str) -> bytes:
        if key_id not in self._by_id:
            self._current()
            pattern = f"{self.path.stem}.*{self.path.suffix}"
            for candidate in self.path.parent.glob(pattern):
                key = candidate.read_bytes()
                if len(key) == KEY_BYTES:
                    self._by_id.setdefault(key_id_of(key), key)
        try:
            return self._by_id[key_id]
        except KeyError:
            raise KeyUnavailable(
                f"master key {key_id} is not in {self.path.parent}; restore its file "
                f"from the key backup"
            ) from None

    def wrap(self, data_key: bytes, *, context: bytes, key_id: str | None = None) -> WrappedKey:
        if key_id is None:
            key_id, master = self._current()
        else:
            master = self._find(key_id)
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(master).encrypt(nonce, data_key, _WRAP_LABEL + context)
        return WrappedKey(key_id, nonce + sealed)

    def unwrap(self, wrapped: WrappedKey, *, context: bytes) -> bytes:
        master = self._find(wrapped.master_key_id)
        nonce, sealed = wrapped.wrapped[:NONCE_BYTES], wrapped.wrapped[NONCE_BYTES:]
        try:
            return AESGCM(master).decrypt(nonce, sealed, _WRAP_LABEL + context)
        except InvalidTag:
            raise KeyUnavailable(
                f"a data key wrapped under master key {wrapped.master_key_id} does not open "
                f"({context.decode()}): the row was altered or moved"
            ) from None

    def begin_rotation(self) -> str:
        self._current()  # the old key must exist before a new one takes over
        key = load_or_create_key(self.next_path, KEY_BYTES)
        key_id = key_id_of(key)
        self._by_id[key_id] = key
        return key_id

    def finish_rotation(self) -> str | None:
        if not self.next_path.exists():
            return None
        old_id, _ = self._current()
        retired = self.retired_path(old_id)
        # A hard link first: at every moment the old key is in at least one file.
        # (It exists already when resuming a rotation that stopped after this step.)
        with contextlib.suppress(FileExistsError):
            os.link(self.path, retired)
        self.next_path.replace(self.path)
        _sync_folder(self.path.parent)
        return old_id

    def describe(self) -> str:
        return f"key file {self.path.name} in {self.path.parent}"


def load_or_create_key(path: Path, size: int = KEY_BYTES) -> bytes:
    """The key in `path`; a new random one is written atomically (mode 0600) when missing.

    The same rules as `identity.keyfile`, kept here because the container builds the
    vault, and nothing the container imports may reach into identity (the audit trail's
    import contract runs through the command line's container)."""
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(size))
            handle.flush()
            os.fsync(handle.fileno())
        # Another process may have won the race: keep whichever key landed first.
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
        _sync_folder(path.parent)
        key = path.read_bytes()
    if len(key) != size:
        raise KeyUnavailable(f"the key file {path.name} holds {len(key)} bytes, expected {size}")
    return key


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
