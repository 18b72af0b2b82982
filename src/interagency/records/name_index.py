"""The blind index of person records' names, for the search by name (`name_search`).

Each person record stores keyed hashes of its name's search keys
(`matching.names.search`) under its owning agency's index key: the agency finds its
records by name in any script, and the database holds no readable name. The terms are
rewritten whenever the particulars are, and removed when the record is erased.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select

from interagency.db import UnitOfWork
from interagency.matching.names.search import search_keys
from interagency.records.models import Record, RecordKind, RecordNameTerm
from interagency.records.particulars import Particulars, PersonParticulars
from interagency.records.sealing import open_particulars
from interagency.vault import Vault


def name_of(person: PersonParticulars) -> str:
    """The whole name as entered: the full name, or the parts in the usual order."""
    return person.title()


def index_name(uow: UnitOfWork, vault: Vault, record: Record, particulars: Particulars) -> None:
    """Replaces the record's name terms with those of its particulars."""
    forget_name(uow, record.id)
    index_new(uow, vault, [(record, particulars)])


def index_new(uow: UnitOfWork, vault: Vault, records: Sequence[tuple[Record, Particulars]]) -> None:
    """The name terms of records that have none yet, in one insert (a bulk upload
    stores a thousand records a transaction). Records that are not persons have none."""
    rows = [
        {"record_id": record.id, "term": term, "agency_id": record.owner_agency_id}
        for record, particulars in records
        if isinstance(particulars, PersonParticulars)
        for term in sorted(
            vault.name_terms(uow.session, record.owner_agency_id, search_keys(name_of(particulars)))
        )
    ]
    if rows:
        uow.write(insert(RecordNameTerm), rows)


def forget_name(uow: UnitOfWork, record_id: int) -> None:
    uow.write(delete(RecordNameTerm).where(RecordNameTerm.record_id == record_id))


def index_all(uow: UnitOfWork, vault: Vault) -> int:
    """Indexes every live person record's name again (after an upgrade that brought
    the index, or a change of the search keys); the number of records indexed."""
    live = select(Record).where(Record.kind == RecordKind.PERSON.value, Record.erased_at.is_(None))
    count = 0
    for record in uow.session.scalars(live.order_by(Record.id)):
        particulars = open_particulars(uow, vault, record)
        if particulars is not None:
            index_name(uow, vault, record, particulars)
            count += 1
    return count
