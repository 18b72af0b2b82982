"""Signed chain heads: their signed form, and the witness file outside the database.

The witness file holds one JSON object a line: seq, entry_hash, signed_at (UTC ISO),
key_id and signature (base64 Ed25519 over `head_message`). Writers take an exclusive
lock and fsync, so concurrent signers never interleave half lines and a written head
survives a crash. Later, other agencies' nodes receive the same lines and witness too.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from interagency.audit import chain
from interagency.audit.keys import key_id

# Names what the signature is for, so it can never be replayed as another kind of message.
MESSAGE_PREFIX = b"interagency audit chain head v1\n"


@dataclass(frozen=True)
class Checkpoint:
    """A chain head and its signature."""

    seq: int
    entry_hash: str
    signed_at: datetime
    key_id: str
    signature: str

    def line(self) -> bytes:
        return chain.canonical_json(
            {
                "seq": self.seq,
                "entry_hash": self.entry_hash,
                "signed_at": chain.canonical_time(self.signed_at),
                "key_id": self.key_id,
                "signature": self.signature,
            }
        )


@dataclass(frozen=True)
class WitnessedHead:
    """A head whose signature checked out; `source` says where it was read."""

    seq: int
    entry_hash: str
    source: str


@dataclass(frozen=True)
class HeadProblem:
    source: str
    reason: str


def head_message(seq: int, entry_hash: str, signed_at: str, signer: str) -> bytes:
    body = {"seq": seq, "entry_hash": entry_hash, "signed_at": signed_at, "key_id": signer}
    return MESSAGE_PREFIX + chain.canonical_json(body)


def sign(key: Ed25519PrivateKey, seq: int, entry_hash: str, signed_at: datetime) -> Checkpoint:
    signer = key_id(key.public_key())
    message = head_message(seq, entry_hash, chain.canonical_time(signed_at), signer)
    signature = base64.b64encode(key.sign(message)).decode()
    return Checkpoint(seq, entry_hash, signed_at, signer, signature)


def check_head(
    values: Mapping[str, object], keys: Mapping[str, Ed25519PublicKey], source: str
) -> WitnessedHead | HeadProblem:
    """Checks one signed head against the trusted keys."""
    try:
        seq = values["seq"]
        entry_hash = values["entry_hash"]
        signed_at = values["signed_at"]
        signer = values["key_id"]
        signature = base64.b64decode(str(values["signature"]), validate=True)
    except (KeyError, binascii.Error):
        return HeadProblem(source, "not a signed head (a field is missing or malformed)")
    if not (
        isinstance(seq, int)
        and isinstance(entry_hash, str)
        and isinstance(signed_at, str)
        and isinstance(signer, str)
    ):
        return HeadProblem(source, "not a signed head (a field has the wrong type)")
    public = keys.get(signer)
    if public is None:
        return HeadProblem(source, f"signed by an unknown key {signer[:16]}…")
    try:
        public.verify(signature, head_message(seq, entry_hash, signed_at, signer))
    except InvalidSignature:
        return HeadProblem(source, f"bad signature on the head of entry {seq}")
    return WitnessedHead(seq, entry_hash, source)


def append_line(path: Path, checkpoint: Checkpoint) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            handle.write(checkpoint.line() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_heads(
    path: Path, keys: Mapping[str, Ed25519PublicKey]
) -> tuple[list[WitnessedHead], list[HeadProblem]]:
    """Every line of the witness file, checked; a missing file has no heads."""
    heads: list[WitnessedHead] = []
    problems: list[HeadProblem] = []
    if not path.exists():
        return heads, problems
    with path.open("rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        lines = handle.read().splitlines()
    for number, raw in enumerate(lines, start=1):
        source = f"witness file line {number}"
        if not raw.strip():
            continue
        try:
            values = orjson.loads(raw)
        except orjson.JSONDecodeError:
            problems.append(HeadProblem(source, "not JSON"))
            continue
        if not isinstance(values, dict):
            problems.append(HeadProblem(source, "not a JSON object"))
            continue
        checked = check_head(values, keys, source)
        if isinstance(checked, WitnessedHead):
            heads.append(checked)
        else:
            problems.append(checked)
    return heads, problems
