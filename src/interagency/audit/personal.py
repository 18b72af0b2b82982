"""The personal values of audit entries, sealed like every other content.

The chain holds a salted digest of the canonical JSON (`chain.personal_digest`); the
side table holds that JSON sealed under the acting user's agency (the secretariat's for
actions no agency's user took), bound to the entry's sequence number.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from interagency.vault.columns import platform_agency_id, vault_of


def _context(seq: int) -> str:
    return f"audit_personal:{seq}:data"


def sealing_agency(session: Session, actor_agency_id: int | None) -> int:
    return actor_agency_id if actor_agency_id is not None else platform_agency_id(session)


def seal(session: Session, seq: int, agency_id: int, canonical_json: str) -> bytes:
    return vault_of(session).seal_text(session, agency_id, canonical_json, context=_context(seq))


def open_json(session: Session, seq: int, agency_id: int, sealed: bytes | None) -> str | None:
    """The canonical JSON, or None once erased."""
    if sealed is None:
        return None
    return vault_of(session).open_text(session, agency_id, sealed, context=_context(seq))
