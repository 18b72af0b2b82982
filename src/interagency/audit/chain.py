"""The chain's canonical form: what bytes are hashed, for an entry and for its personal data.

An entry's hash is SHA-256 over the canonical JSON of all its columns, the previous
entry's hash included; canonical JSON is UTF-8 with keys sorted and no spaces (orjson,
`OPT_SORT_KEYS`), and times are UTC ISO 8601 with microseconds and a `+00:00` offset.
Anyone holding the rows can recompute every hash without this code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

import orjson

GENESIS_HASH = "0" * 64
SALT_BYTES = 16


def canonical_json(value: Mapping[str, object]) -> bytes:
    """Sorted keys at every depth, no whitespace; refuses values JSON cannot hold exactly."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def canonical_time(moment: datetime | str) -> str:
    """UTC ISO 8601 with microseconds; text is taken as already canonical (SQLite stores it so).

    A stored text that is not canonical still hashes differently, so it is caught as an edit.
    """
    if isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused: audit times are timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def personal_digest(salt_hex: str, personal_json: str) -> str:
    """Salted digest of the personal data, chained in the entry instead of the data itself."""
    return hashlib.sha256(bytes.fromhex(salt_hex) + personal_json.encode()).hexdigest()


def entry_bytes(
    *,
    seq: int,
    at: str,
    action: str,
    outcome: str,
    actor_user_id: int | None,
    actor_login: str | None,
    actor_agency_id: int | None,
    object_kind: str | None,
    object_ref: str | None,
    client_address: str | None,
    detail_json: str,
    personal_digest: str | None,
    prev_hash: str,
) -> bytes:
    """The canonical bytes of one entry; `detail_json` is embedded as stored, byte for byte."""
    return orjson.dumps(
        {
            "seq": seq,
            "at": at,
            "action": action,
            "outcome": outcome,
            "actor_user_id": actor_user_id,
            "actor_login": actor_login,
            "actor_agency_id": actor_agency_id,
            "object_kind": object_kind,
            "object_ref": object_ref,
            "client_address": client_address,
            "detail": orjson.Fragment(detail_json),
            "personal_digest": personal_digest,
            "prev_hash": prev_hash,
        },
        option=orjson.OPT_SORT_KEYS,
    )
