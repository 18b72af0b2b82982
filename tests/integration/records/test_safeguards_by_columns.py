"""A batch's screening reads the candidates' safeguards by their columns alone
(`pairing.safeguards_by_id`); they are the safeguards the policy reads of the whole record
(`pairing.safeguards_of`), whatever state the record is in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select, update

from interagency.db import UnitOfWork, utcnow
from interagency.identity.models import MemberState
from interagency.records import pairing
from interagency.records.models import Neutrality, Record, RecordHitAgency
from interagency.records.sealing import seen_digest

from .conftest import RASHAD_RU, Records, person


def _approved(uow: UnitOfWork, record: Record, user_id: int) -> None:
    record.necessity_approved_by_id = user_id
    record.necessity_digest = seen_digest(record)


def _approval_outdated(uow: UnitOfWork, record: Record, user_id: int) -> None:
    record.necessity_approved_by_id = user_id
    record.necessity_digest = "0" * 64


def _named_agencies(uow: UnitOfWork, record: Record, user_id: int) -> None:
    record.hits_to_all = False
    other = uow.session.scalar(select(Record.owner_agency_id).where(Record.id != record.id))
    uow.session.add(RecordHitAgency(record_id=record.id, agency_id=other))


CHANGES: dict[str, Callable[[UnitOfWork, Record, int], Any]] = {
    "as saved": lambda uow, record, user_id: None,
    "flagged": lambda uow, record, user_id: setattr(record, "flagged_reason_sealed", b"\x01"),
    "erased": lambda uow, record, user_id: setattr(record, "erased_at", utcnow()),
    "particulars gone": lambda uow, record, user_id: setattr(record, "particulars_sealed", None),
    "no offence": lambda uow, record, user_id: setattr(record, "offence_category", None),
    "neutrality pending": lambda uow, record, user_id: setattr(
        record, "neutrality", Neutrality.PENDING.value
    ),
    "a refugee's": lambda uow, record, user_id: setattr(
        record, "refuge_from_state_id", uow.session.scalar(select(func.min(MemberState.id)))
    ),
    "hits to no one": lambda uow, record, user_id: setattr(record, "hits_to_all", False),
    "hits to one agency": _named_agencies,
    "necessity approved": _approved,
    "necessity approved for other particulars": _approval_outdated,
}


def test_safeguards_read_by_columns_are_those_of_the_whole_record(records: Records) -> None:
    changed: dict[str, int] = {}
    for name, change in CHANGES.items():
        saved = records.save("ru_liaison", person(RASHAD_RU, subject_category="victim"))
        with records.container.uow() as uow:
            record = uow.session.get(Record, saved.record.id)
            assert record is not None
            change(uow, record, records.council.users["ru_supervisor2"])
            uow.commit()
        changed[name] = saved.record.id
    with records.container.uow() as uow:
        uow.session.execute(update(Record).values(review_due=utcnow().date()))
        by_columns = pairing.safeguards_by_id(uow, [*changed.values(), 10**9])
        uow.session.expunge_all()
        loaded = list(uow.session.scalars(select(Record).where(Record.id.in_(changed.values()))))
        states = pairing.states_of(uow, {r.owner_agency_id for r in loaded})
        whole = {r.id: pairing.safeguards_of(r, states[r.owner_agency_id]) for r in loaded}
    assert set(by_columns) == set(changed.values())  # a record that is gone is left out
    for name, record_id in changed.items():
        assert by_columns[record_id] == whole[record_id], name
    # The states compared differ where the safeguards must.
    assert by_columns[changed["necessity approved"]].necessity_approved
    assert not by_columns[changed["necessity approved for other particulars"]].necessity_approved
    assert by_columns[changed["hits to one agency"]].hit_agency_ids
    assert by_columns[changed["erased"]].erased
    assert by_columns[changed["particulars gone"]].erased
    assert by_columns[changed["flagged"]].flagged
