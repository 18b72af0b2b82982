"""The safeguards of stored records, as the policy reads them, and the lock under which
they are read: screenings, changes and movements of one kind of record take turns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy import or_, select

from interagency.db import UnitOfWork, lock_for_transaction, lock_key, one_of
from interagency.identity.models import Agency
from interagency.records.models import (
    Neutrality,
    OffenceCategory,
    Record,
    RecordHitAgency,
    SubjectCategory,
)
from interagency.records.policy import Safeguards
from interagency.records.sealing import seen_digest

_CHUNK: Final = 5000


def safeguards_of(record: Record, owner_state_id: int | None) -> Safeguards:
    return Safeguards(
        owner_agency_id=record.owner_agency_id,
        owner_state_id=owner_state_id,
        category=SubjectCategory(record.subject_category),
        offence=OffenceCategory(record.offence_category) if record.offence_category else None,
        # Whether a reason is sealed, without opening it.
        flagged=record.flagged_reason_sealed is not None,
        neutrality=Neutrality(record.neutrality),
        # An approval holds for the particulars and markings it saw, and for no others.
        necessity_approved=record.necessity_approved_by_id is not None
        and record.necessity_digest == seen_digest(record),
        review_due=record.review_due,
        erased=record.erased_at is not None or record.particulars_sealed is None,
        hits_to_all=record.hits_to_all,
        hit_agency_ids=frozenset(a.agency_id for a in record.hit_agencies),
        refuge_from_state_id=record.refuge_from_state_id,
    )


def safeguards_by_id(uow: UnitOfWork, record_ids: Iterable[int]) -> dict[int, Safeguards]:
    """`safeguards_of` each record, by id, read by the columns the safeguards need: a
    batch's screening reads those of tens of thousands of candidates, and an ORM object
    of each would cost ten times as much. A record whose necessity was approved is loaded
    whole, since the approval holds only for the particulars and markings the approver
    saw (`seen_digest`). A record that is gone is left out."""
    ordered = sorted(set(record_ids))
    rows: list[Any] = []
    named: dict[int, set[int]] = {}
    approved: dict[int, Record] = {}
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        read = uow.session.execute(
            select(
                Record.id,
                Record.owner_agency_id,
                Record.subject_category,
                Record.offence_category,
                Record.flagged_reason_sealed.is_not(None),
                Record.neutrality,
                Record.necessity_approved_by_id.is_not(None),
                Record.review_due,
                or_(Record.erased_at.is_not(None), Record.particulars_sealed.is_(None)),
                Record.hits_to_all,
                Record.refuge_from_state_id,
            ).where(one_of(uow.session, Record.id, chunk))
        ).all()
        rows.extend(read)
        limited = [row[0] for row in read if not row[9]]
        if limited:
            for record_id, agency_id in uow.session.execute(
                select(RecordHitAgency.record_id, RecordHitAgency.agency_id).where(
                    one_of(uow.session, RecordHitAgency.record_id, limited)
                )
            ):
                named.setdefault(record_id, set()).add(agency_id)
        loaded = [row[0] for row in read if row[6]]
        if loaded:
            # As the database holds them now, as the other columns are read.
            approved.update(
                (record.id, record)
                for record in uow.session.scalars(
                    select(Record)
                    .where(Record.id.in_(loaded))
                    .execution_options(populate_existing=True)
                )
            )
    states = states_of(uow, {row[1] for row in rows})
    found: dict[int, Safeguards] = {}
    for (record_id, owner, category, offence, flagged, neutrality, _, review_due, erased,
         hits_to_all, refuge) in rows:  # fmt: skip
        if record_id in approved:
            found[record_id] = safeguards_of(approved[record_id], states[owner])
            continue
        found[record_id] = Safeguards(
            owner_agency_id=owner,
            owner_state_id=states[owner],
            category=SubjectCategory(category),
            offence=OffenceCategory(offence) if offence else None,
            flagged=bool(flagged),
            neutrality=Neutrality(neutrality),
            necessity_approved=False,
            review_due=review_due,
            erased=bool(erased),
            hits_to_all=bool(hits_to_all),
            hit_agency_ids=frozenset(named.get(record_id, ())),
            refuge_from_state_id=refuge,
        )
    return found


def states_of(uow: UnitOfWork, agency_ids: Iterable[int]) -> dict[int, int | None]:
    rows = uow.session.execute(
        select(Agency.id, Agency.member_state_id).where(Agency.id.in_(set(agency_ids)))
    )
    return dict(rows.all())


def lock_screening(uow: UnitOfWork, kind: str) -> None:
    """Makes screenings, changes and movements of records of one kind wait for each other
    until commit.

    Without it, two agencies entering the same person at the same moment would each
    screen against the records committed before, miss the other's, and mark their own
    as screened: a hit lost for good; and a release could send a record's details while a
    change that forbids it commits. With it, the later one sees the earlier one's work.
    (SQLite transactions are one at a time already.)
    """
    lock_for_transaction(uow.session, lock_key(f"records:screening:{kind}"))
