"""A record's particulars, sealed under its owning agency's key and bound to its row."""

from __future__ import annotations

import json

from interagency.db import UnitOfWork
from interagency.records.models import Record, RecordKind
from interagency.records.particulars import PARTICULARS, Particulars
from interagency.vault import Vault


def particulars_context(record_id: int) -> str:
    return f"records:record:{record_id}:particulars"


def seal_particulars(
    uow: UnitOfWork, vault: Vault, record: Record, particulars: Particulars
) -> None:
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
    return PARTICULARS[RecordKind(record.kind)].model_validate_json(text)
