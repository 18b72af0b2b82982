"""The personal values of audit entries, sealed like every other content.

The chain holds a salted digest of the canonical JSON (`chain.personal_digest`); the
side table holds that JSON sealed under the acting user's agency (for the operator's
commands, the agency they concern; else the secretariat's), bound to the entry's
sequence number. Before the directory holds any of these there is no key to seal
under: the values are then not kept at all (the row says so), never kept in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from interagency.audit import chain
from interagency.audit.events import AuditEvent
from interagency.vault.columns import platform_agency_id, vault_of


def _context(seq: int) -> str:
    return f"audit_personal:{seq}:data"


def sealing_agency(session: Session, event: AuditEvent) -> int | None:
    for agency_id in (event.actor_agency_id, event.owner_agency_id):
        if agency_id is not None:
            return agency_id
    return platform_agency_id(session, required=False)


def seal(session: Session, seq: int, agency_id: int, canonical_json: str) -> bytes:
    return vault_of(session).seal_text(session, agency_id, canonical_json, context=_context(seq))


def open_json(session: Session, seq: int, agency_id: int, sealed: bytes | None) -> str | None:
    """The canonical JSON, or None once erased."""
    if sealed is None:
        return None
    return vault_of(session).open_text(session, agency_id, sealed, context=_context(seq))


@dataclass(frozen=True)
class Pending:
    """An event's personal values, ready before the entry has its place in the chain."""

    canonical_json: str
    salt: str
    digest: str
    # The agency whose key seals them, or None when no agency's key exists yet.
    agency_id: int | None


def prepare(session: Session, event: AuditEvent, canonical_json: str, salt: str) -> Pending:
    """The personal values of `event`, with their sealing key loaded: the seal itself is
    bound to the entry's sequence number, known only once the append lock is held, and the
    lock must not wait on the key's lookup too."""
    agency_id = sealing_agency(session, event)
    if agency_id is not None:
        # Sealing nothing (for seq 0, which no entry has; the result is thrown away) loads
        # the agency's current key into this transaction.
        vault_of(session).seal(session, agency_id, b"", context=_context(0))
    digest = chain.personal_digest(salt, canonical_json)
    return Pending(canonical_json, salt, digest, agency_id)


def row(session: Session, seq: int, pending: Pending, at: datetime) -> dict[str, object]:
    """The side-table row of entry `seq`'s personal values."""
    if pending.agency_id is None:
        return {
            "seq": seq, "salt": pending.salt, "data_sealed": None, "sealed_under_agency_id": 0,
            "erased_at": at, "erasure_reason": "not kept: no agency's key to seal it under yet",
        }  # fmt: skip
    # Every row has every key: the rows of one commit are inserted in one statement.
    return {
        "seq": seq,
        "salt": pending.salt,
        "data_sealed": seal(session, seq, pending.agency_id, pending.canonical_json),
        "sealed_under_agency_id": pending.agency_id,
        "erased_at": None,
        "erasure_reason": None,
    }
