"""The safeguards of stored records, as the policy reads them, and the lock under which
they are read: screenings, changes and movements of one kind of record take turns."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from interagency.db import UnitOfWork, lock_for_transaction, lock_key
from interagency.identity.models import Agency
from interagency.records.models import Neutrality, OffenceCategory, Record, SubjectCategory
from interagency.records.policy import Safeguards
from interagency.records.sealing import seen_digest


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
