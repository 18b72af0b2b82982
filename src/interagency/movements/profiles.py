"""Fighters' profiles: what an agency adds to one of its person records, and the board
where it follows its profiles, their movements and the alerts on them.

All of the records' safeguards apply to the record; the profile adds its own two (see
`screened`). A profile that needs the review board's clearance puts its record before
the board as a flag does, and is screened at other states' borders only once cleared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from interagency import audit, egress
from interagency.db import UnitOfWork, utcnow
from interagency.errors import InvalidInput
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.principals import Caller
from interagency.movements import policy
from interagency.movements.models import FighterAlert, FighterProfile
from interagency.movements.schemas import ProfileIn, ProfileOut
from interagency.movements.screened import PROFILES
from interagency.records import services as records
from interagency.records.models import Hit, Record, RecordKind, SubjectCategory
from interagency.records.policy import Action as RecordAction
from interagency.records.policy import why_not_matchable
from interagency.records.schemas import VersionedReasonIn
from interagency.records.sealing import open_particulars
from interagency.records.services import gate_item
from interagency.screening import subjects
from interagency.vault import Vault

KIND = "profile"
# What an adult's profile holds them as: never a contact, victim or witness.
_ADULT_CATEGORIES = frozenset(
    {SubjectCategory.SUSPECT, SubjectCategory.CONVICTED, SubjectCategory.POTENTIAL_OFFENDER}
)
# The flag's reason, as the review board's page names it in the reader's language.
REVIEW_REASON = "movements:fighter-profile"


def keep(
    uow: UnitOfWork, caller: Caller, vault: Vault, record_id: int, data: ProfileIn
) -> FighterProfile:
    """Makes one of the agency's person records a profile, or changes its profile."""
    record = records.gate(uow, caller, RecordAction.EDIT, record_id)
    principal = caller.principal
    assert principal is not None
    mine = policy.relations(principal, holder_agency_id=record.owner_agency_id)
    guard.check(caller, policy.allowed(principal, policy.Action.KEEP_PROFILE, mine),
                policy.Action.KEEP_PROFILE, KIND, record.public_id)  # fmt: skip
    if record.kind != RecordKind.PERSON.value:
        raise InvalidInput(lazy("A fighter's profile is kept on a person's record."))
    category = SubjectCategory(record.subject_category)
    if not record.is_minor and category not in _ADULT_CATEGORIES:
        raise InvalidInput(
            lazy(
                "A fighter's profile holds a suspect, a convicted person or a potential "
                "offender; change the record's category first."
            )
        )
    profile = uow.session.scalar(
        select(FighterProfile).where(FighterProfile.record_id == record.id)
    )
    now = utcnow()
    if profile is None:
        profile = FighterProfile(
            record_id=record.id,
            owner_agency_id=record.owner_agency_id,
            created_by_id=principal.user_id,
        )
        uow.session.add(profile)
    profile.status = data.status.value
    profile.conflict_zone = data.conflict_zone
    profile.departed_on = data.departed_on
    profile.returned_on = data.returned_on
    profile.status_since = data.status_since
    profile.basis = data.basis.strip()
    profile.basis_dated = data.basis_dated
    profile.un_group = data.un_group
    profile.updated_at = now
    uow.session.flush()
    entry = subjects.Entry(
        record.id, record.owner_agency_id, record.kind, open_particulars(uow, vault, record)
    )
    subjects.enrol(uow, vault, PROFILES, [entry])
    audit.record(
        uow,
        caller.event(
            "movements:profile:keep",
            object_kind="record",
            object_ref=record.id,
            detail={"status": profile.status, "un_group": profile.un_group},
        ),
    )
    if policy.needs_review(profile.un_group) and record.flagged_reason is None:
        records.flag(uow, caller, record.id, VersionedReasonIn(version=record.version,
                                                                reason=REVIEW_REASON))  # fmt: skip
    return profile


def out(uow: UnitOfWork, vault: Vault, profile: FighterProfile, record: Record) -> ProfileOut:
    guards = PROFILES.holder.safeguards(uow, [record.id]).get(record.id)
    waiting = why_not_matchable(guards, utcnow().date()) if guards else "erased"
    particulars = open_particulars(uow, vault, record)
    return ProfileOut(
        record_id=record.public_id,
        title=particulars.title() if particulars else "",
        status=profile.status,
        conflict_zone=profile.conflict_zone,
        departed_on=profile.departed_on,
        returned_on=profile.returned_on,
        status_since=profile.status_since,
        basis=profile.basis,
        basis_dated=profile.basis_dated,
        un_group=profile.un_group,
        review_due=record.review_due,
        screened=waiting is None,
        waiting_for=waiting,
    )


def of_record(uow: UnitOfWork, caller: Caller, vault: Vault, record_id: int) -> ProfileOut | None:
    """The profile of one of the agency's records, for its page (None: it has none)."""
    record = records.gate(uow, caller, RecordAction.VIEW, record_id)
    profile = uow.session.scalar(
        select(FighterProfile).where(FighterProfile.record_id == record.id)
    )
    if profile is None:
        return None
    audit.record(
        uow, caller.event("movements:profile:view", object_kind="record", object_ref=record.id)
    )
    return out(uow, vault, profile, record)


@dataclass(frozen=True)
class AlertLine:
    reference: str
    record_id: str
    title: str
    direction: str
    occurred_on: date
    due_at: datetime
    taken_up: bool
    overdue: bool


@dataclass(frozen=True)
class Board:
    profiles: list[ProfileOut]
    alerts: list[AlertLine]


def read_board(uow: UnitOfWork, caller: Caller, vault: Vault) -> tuple[Board, egress.Receipt]:
    """`board` through the API: the profiles are the agency's person records, and leave
    as its records do, through the records' bulk-read door; one it withholds is left out,
    with its alerts."""
    found, records = _board(uow, caller, vault)
    receipt = egress.release(
        uow, caller, egress.Door.RECORD_LIST, [gate_item(r) for r in records], fmt="json"
    )
    kept = {r.public_id for r in records if receipt.passed(r.public_id)}
    return (
        Board(
            [p for p in found.profiles if p.record_id in kept],
            [a for a in found.alerts if a.record_id in kept],
        ),
        receipt,
    )


def board(uow: UnitOfWork, caller: Caller, vault: Vault) -> Board:
    """The agency's profiles, their statuses and confirmed movements, and its alerts,
    open ones first; every profile shown is audited as read."""
    return _board(uow, caller, vault)[0]


def _board(uow: UnitOfWork, caller: Caller, vault: Vault) -> tuple[Board, list[Record]]:
    principal = caller.principal
    mine = policy.relations(principal, holder_agency_id=principal.agency_id) if principal else ()
    guard.check(
        caller,
        principal is not None and policy.allowed(principal, policy.Action.VIEW_BOARD, mine),
        policy.Action.VIEW_BOARD,
        KIND,
    )
    assert principal is not None
    rows = uow.session.execute(
        select(FighterProfile, Record)
        .join(Record, Record.id == FighterProfile.record_id)
        .where(FighterProfile.owner_agency_id == principal.agency_id, Record.erased_at.is_(None))
        .order_by(FighterProfile.updated_at.desc(), FighterProfile.id.desc())
        .limit(500)
    ).all()
    profiles = {record.id: out(uow, vault, profile, record) for profile, record in rows}
    now = utcnow()
    alerts = uow.session.execute(
        select(FighterAlert, Hit.reference, Hit.found_record_id)
        .join(Hit, Hit.id == FighterAlert.hit_id)
        .where(FighterAlert.owner_agency_id == principal.agency_id, Hit.expired_at.is_(None))
        .order_by(FighterAlert.taken_up_at.is_not(None), FighterAlert.due_at)
        .limit(500)
    ).all()
    lines = [
        AlertLine(
            reference=reference,
            record_id=profiles[record_id].record_id if record_id in profiles else "",
            title=profiles[record_id].title if record_id in profiles else "",
            direction=alert.direction,
            occurred_on=alert.occurred_on,
            due_at=alert.due_at,
            taken_up=alert.taken_up_at is not None,
            overdue=alert.taken_up_at is None and alert.due_at < now,
        )
        for alert, reference, record_id in alerts
    ]
    audit.record(
        uow,
        caller.event(
            "movements:board:view",
            object_kind=KIND,
            detail={"records": sorted(profiles), "alerts": [a.reference for a in lines]},
        ),
    )
    return Board(list(profiles.values()), lines), [record for _, record in rows]
