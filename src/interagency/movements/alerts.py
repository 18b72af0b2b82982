"""Alerts: a hit of a crossing on a profile that a person of the submitting agency
confirmed, told to the profile's holder with a deadline by which a person there takes it
up. An alert names the hit, the crossing's direction and date; the place and route move
only through a release under four eyes (`release`), the profile's details only through
the records' own (`records.details`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, NotFound
from interagency.i18n import lazy
from interagency.identity import guard, notifications
from interagency.identity.models import Role
from interagency.identity.principals import Caller
from interagency.movements import policy
from interagency.movements.models import Crossing, FighterAlert, FighterProfile
from interagency.records.models import Hit, Record
from interagency.screening.models import Subject

# A returning fighter may be on their way home: the holder answers within a day.
TAKE_UP_WITHIN: Final = timedelta(hours=24)
KIND: Final = "alert"


def raise_alert(uow: UnitOfWork, caller: Caller, hit: Hit) -> FighterAlert:
    """The confirmed hit's alert (`registry.SubjectKind.on_confirmed` of crossings)."""
    profile = uow.session.scalar(
        select(FighterProfile).where(FighterProfile.record_id == hit.found_record_id)
    )
    searching = uow.session.get(Subject, hit.searching_subject_id)
    crossing = uow.session.get(Crossing, searching.ref) if searching else None
    if profile is None or crossing is None:  # the hit joins a crossing and a profile
        raise LookupError(f"hit {hit.reference} is not a crossing's hit on a profile")
    now = utcnow()
    alert = FighterAlert(
        hit_id=hit.id,
        owner_agency_id=hit.owner_agency_id,
        profile_id=profile.id,
        crossing_id=crossing.id,
        direction=crossing.direction,
        occurred_on=crossing.occurred_at.date(),
        raised_at=now,
        due_at=now + TAKE_UP_WITHIN,
    )
    uow.session.add(alert)
    uow.session.flush()
    author = uow.session.scalar(select(Record.created_by_id).where(Record.id == profile.record_id))
    told = {author, *notifications.holders_of(uow, Role.SUPERVISOR, [hit.owner_agency_id])}
    notifications.notify(
        uow,
        {user for user in told if user is not None},
        "movements:alert",
        {"reference": hit.reference, "due": alert.due_at.isoformat(timespec="minutes")},
        "/movements",
    )
    audit.record(
        uow,
        caller.event(
            "movements:alert:raise",
            object_kind=KIND,
            object_ref=hit.reference,
            detail={"due": alert.due_at.isoformat()},
        ),
    )
    return alert


def take_up(uow: UnitOfWork, caller: Caller, reference: str) -> FighterAlert:
    """A person of the profile's holder records that they took the alert up."""
    alert = _gate(uow, caller, policy.Action.TAKE_UP_ALERT, reference)
    principal = caller.principal
    assert principal is not None
    if alert.taken_up_at is not None:
        raise Conflict(lazy("The alert of hit {ref} has been taken up already."), ref=reference)
    alert.taken_up_at = utcnow()
    alert.taken_up_by_id = principal.user_id
    uow.session.flush()
    audit.record(
        uow, caller.event("movements:alert:take-up", object_kind=KIND, object_ref=reference)
    )
    return alert


def _gate(uow: UnitOfWork, caller: Caller, action: policy.Action, reference: str) -> FighterAlert:
    """The alert of hit `reference`, if the caller's agency holds its profile and the
    caller may do `action`; anyone else gets the answer an unknown alert gets."""
    alert = uow.session.scalar(
        select(FighterAlert)
        .join(Hit, Hit.id == FighterAlert.hit_id)
        .where(Hit.reference == reference, Hit.expired_at.is_(None))
    )
    principal = caller.principal
    missing = NotFound(lazy("There is no alert for hit {ref}."), ref=reference)
    if alert is None or principal is None:
        raise missing
    mine = policy.relations(principal, holder_agency_id=alert.owner_agency_id)
    if policy.Relation.HOLDER not in mine:
        raise guard.hidden(caller, action.value, KIND, reference, missing)
    guard.check(caller, policy.allowed(principal, action, mine), action, KIND, reference)
    return alert
