"""The Ed25519 key that signs chain heads. It lives in the key folder, never in the database.

The private key is made on first use with mode 0600 (its folder 0700); its public half is
written beside it so that it can be given to witnesses. Verification trusts the current
key and every retired public key kept in the folder as `audit-signing-*.pub`.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE_KEY_FILE = "audit-signing.key"
PUBLIC_KEY_FILE = "audit-signing.pub"
RETIRED_PUBLIC_KEYS = "audit-signing-*.pub"


def key_id(public_key: Ed25519PublicKey) -> str:
    """Fingerprint of a public key: hex SHA-256 of its raw 32 bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_or_create_signing_key(key_dir: Path) -> Ed25519PrivateKey:
    """Loads the signing key, creating it (mode 0600) if the folder has none."""
    path = key_dir / PRIVATE_KEY_FILE
    if not path.exists():
        _create(key_dir)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path.name} is not an Ed25519 private key")
    return key


def _create(key_dir: Path) -> None:
    key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        # O_EXCL: if another process made the key meanwhile, keep theirs.
        descriptor = os.open(
            key_dir / PRIVATE_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
        )
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (key_dir / PUBLIC_KEY_FILE).write_bytes(public)


def trusted_public_keys(key_dir: Path) -> dict[str, Ed25519PublicKey]:
    """Public keys by key id: the current key's and every retired one in the folder."""
    keys: dict[str, Ed25519PublicKey] = {}
    private_path = key_dir / PRIVATE_KEY_FILE
    if private_path.exists():
        current = load_or_create_signing_key(key_dir).public_key()
        keys[key_id(current)] = current
    for path in sorted(key_dir.glob(RETIRED_PUBLIC_KEYS)):
        public = serialization.load_pem_public_key(path.read_bytes())
        if isinstance(public, Ed25519PublicKey):
            keys[key_id(public)] = public
    return keys
