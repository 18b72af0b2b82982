"""A record's particulars, sealed under its owning agency's key and bound to its row."""

from __future__ import annotations

import hashlib
import json

from interagency.db import UnitOfWork
from interagency.inputs import STORED
from interagency.records.models import Record, RecordKind
from interagency.records.particulars import PARTICULARS, Particulars
from interagency.vault import Vault


def particulars_context(record_id: int) -> str:
    return f"records:record:{record_id}:particulars"


def seal_particulars(
    uow: UnitOfWork, vault: Vault, record: Record, particulars: Particulars
) -> None:
    """Seals the particulars, unless the record holds these very particulars already: a
    change that changes nothing keeps the sealed value, and so the approvals bound to it
    (`seen_digest`)."""
    if open_particulars(uow, vault, record) == particulars:
        return
    text = json.dumps(particulars.model_dump(), ensure_ascii=False, sort_keys=True)
    record.particulars_sealed = vault.seal_text(
        uow.session, record.owner_agency_id, text, context=particulars_context(record.id)
    )


def open_particulars(uow: UnitOfWork, vault: Vault, record: Record) -> Particulars | None:
    """None once the record's personal data has been erased."""
    if record.particulars_sealed is None:
        return None
    text = vault.open_text(
        uow.session, record.owner_agency_id, record.particulars_sealed,
        context=particulars_context(record.id),
    )  # fmt: skip
    return PARTICULARS[RecordKind(record.kind)].model_validate_json(text, context=STORED)


# What a person who approves something about a record has seen of it: the particulars (as
# sealed, so that no digest of a name is ever stored) and every marking that says how the
# record may be used.
_SEEN = (
    "subject_category",
    "offence_category",
    "offence_article",
    "handling_code",
    "handling_note",
    "tlp",
    "source_grade",
    "information_grade",
    "is_minor",
    "smuggled_migrant",
)


def seen_digest(record: Record) -> str:
    """SHA-256 of a record's sealed particulars and markings: an approval records it, and
    holds only while the record still has it."""
    seen = {name: getattr(record, name) for name in _SEEN}
    sealed = record.particulars_sealed.hex() if record.particulars_sealed is not None else None
    canonical = json.dumps({"sealed": sealed, **seen}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
