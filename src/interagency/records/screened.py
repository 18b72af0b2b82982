"""Records as subjects of the screening service: the kind "record", screened against
records, kept under the records' own review dates rather than a retention of the
service's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from sqlalchemy import inspect, select
from sqlalchemy.orm.util import identity_key

from interagency.db import UnitOfWork
from interagency.records import pairing
from interagency.records.models import Record
from interagency.records.particulars import Particulars
from interagency.records.policy import Safeguards
from interagency.records.sealing import open_particulars
from interagency.screening import registry, subjects
from interagency.screening.models import Subject
from interagency.vault import Vault

_CHUNK: Final = 5000
_INDEX_BATCH: Final = 1000
_LOADED: Final = "interagency.records.screened.loaded"


class RecordHolder:
    """The records feature answering for its records (see `registry.Holder`)."""

    def safeguards(
        self, uow: UnitOfWork, refs: Sequence[int], *, fresh: bool = False
    ) -> Mapping[int, Safeguards]:
        # Read from the database whether or not `fresh`: the columns alone, not the rows.
        return pairing.safeguards_by_id(uow, refs)

    def particulars(
        self, uow: UnitOfWork, vault: Vault, refs: Sequence[int]
    ) -> Mapping[int, Particulars]:
        opened = {i: open_particulars(uow, vault, r) for i, r in _load(uow, refs).items()}
        return {i: p for i, p in opened.items() if p is not None}

    def references(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, str]:
        return {i: r.public_id for i, r in _load(uow, refs).items()}

    def told(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, frozenset[int]]:
        return {i: frozenset({r.created_by_id}) for i, r in _load(uow, refs).items()}

    def forget(self, uow: UnitOfWork, refs: Sequence[int]) -> None:
        raise RuntimeError("records are erased by their DPO, never by a retention sweep")


class RecordBacked:
    """A kind whose subjects are records under another role (a fighter's profile, a record
    opted in for an event): their particulars, references and who was told of them are the
    records' own. The kind answers for its safeguards and erasure itself."""

    def particulars(
        self, uow: UnitOfWork, vault: Vault, refs: Sequence[int]
    ) -> Mapping[int, Particulars]:
        return RECORDS.holder.particulars(uow, vault, refs)

    def references(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, str]:
        return RECORDS.holder.references(uow, refs)

    def told(self, uow: UnitOfWork, refs: Sequence[int]) -> Mapping[int, frozenset[int]]:
        return RECORDS.holder.told(uow, refs)


RECORDS: Final = registry.register(
    registry.SubjectKind(
        name="record",
        purpose="Records of persons, documents, vehicles, phones and organisations that "
        "member agencies share to find what other agencies hold on the same subject.",
        screened_against=frozenset({"record"}),
        holder=RecordHolder(),
        object_kind="record",
        screen_action="records:record:screen",
        record_rows=True,
    )
)


def enrol(
    uow: UnitOfWork, vault: Vault, stored: Sequence[tuple[Record, Particulars | None]]
) -> dict[int, Subject]:
    """The records' subjects by record id, their keys rewritten from the particulars
    (None: erased, found by nothing). The subjects other features made of the same
    records (a fighter's profile) get the same keys: what finds them is what the record
    holds now."""
    entries = [
        subjects.Entry(record.id, record.owner_agency_id, record.kind, particulars)
        for record, particulars in stored
    ]
    found = subjects.enrol(uow, vault, RECORDS, entries)
    for kind in _companions():
        held = subjects.of_refs(uow, kind, [e.ref for e in entries])
        if held:
            subjects.enrol(uow, vault, kind, [e for e in entries if e.ref in held])
    return found


def subjects_of(uow: UnitOfWork, record_ids: Sequence[int]) -> dict[int, Subject]:
    return subjects.of_refs(uow, RECORDS, record_ids)


def forget(uow: UnitOfWork, record_id: int) -> None:
    """After the record's erasure: found by nothing, and what other features hold on it
    as their own subject (a fighter's profile) erased with it."""
    subjects.forget_keys(uow, RECORDS, record_id)
    for kind in _companions():
        subjects.forget_keys(uow, kind, record_id)
        kind.holder.forget(uow, [record_id])


def _companions() -> list[registry.SubjectKind]:
    """The other kinds whose subjects are records."""
    return [k for k in registry.kinds() if k.record_rows and k.name != RECORDS.name]


def index_all(uow: UnitOfWork, vault: Vault) -> int:
    """Rewrites the keys and features of every record (after the upgrades that brought the
    service and the features, or a change of the candidate rules or of the engine's
    features); the number of records with particulars."""
    count = 0
    ids = list(uow.session.scalars(select(Record.id).order_by(Record.id)))
    for start in range(0, len(ids), _INDEX_BATCH):
        records = _load(uow, ids[start : start + _INDEX_BATCH])
        stored = [(r, open_particulars(uow, vault, r)) for r in records.values()]
        enrol(uow, vault, stored)
        count += sum(1 for _, particulars in stored if particulars is not None)
        # A million records are not held at once.
        uow.session.info.pop(_LOADED, None)
        uow.session.expunge_all()
    return count


def _load(uow: UnitOfWork, refs: Sequence[int], *, fresh: bool = False) -> dict[int, Record]:
    """The records, those this transaction read already taken as they are (a screening
    reads its candidates for the safeguards, then opens them and tells their authors);
    `fresh` reads every one again from the database."""
    # The session holds the rows it loaded only weakly (a record the caller holds, such as
    # the one screened, stays in it): kept here, they stay for the transaction.
    kept: dict[int, Record] = uow.session.info.setdefault(_LOADED, {})
    found: dict[int, Record] = {}
    wanted = sorted(set(refs))
    if not fresh:
        for record_id in wanted:
            held = kept.get(record_id) or uow.session.identity_map.get(
                identity_key(Record, record_id)
            )
            if isinstance(held, Record) and not inspect(held).expired:
                found[record_id] = held
        wanted = [i for i in wanted if i not in found]
    options = {"populate_existing": True} if fresh else {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = uow.session.scalars(
            select(Record).where(Record.id.in_(chunk)).execution_options(**options)
        )
        found.update((r.id, r) for r in rows)
    kept.update(found)
    return found
