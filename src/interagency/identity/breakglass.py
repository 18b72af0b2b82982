"""Break-glass: a supervisor opens a protected object outside the normal rules.

The access is limited in time and needs a written reason; the data protection officers
of every agency concerned are alerted at once, and it stays on their review list until
one of them closes it. Features register the kinds of object that can be opened so, each
with a function naming the agencies the object concerns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity import guard, notifications
from interagency.identity.models import (
    Agency,
    AgencyKind,
    BreakGlassAccess,
    BreakGlassAgency,
    Role,
    User,
)
from interagency.identity.policy import Action
from interagency.identity.principals import Caller

MIN_REASON = 20
MAX_MINUTES = 240
DEFAULT_MINUTES = 60

# kind -> function giving the ids of the agencies an object concerns (None if no object).
ConcernedAgencies = Callable[[UnitOfWork, str], set[int] | None]
PROTECTED_KINDS: dict[str, ConcernedAgencies] = {}


def register_kind(kind: str, concerned: ConcernedAgencies) -> None:
    PROTECTED_KINDS[kind] = concerned


def _user_agencies(uow: UnitOfWork, ref: str) -> set[int] | None:
    """A user is referred to by public id."""
    user = uow.session.scalar(select(User).where(User.public_id == ref))
    return None if user is None else {user.agency_id}


register_kind("user", _user_agencies)


def open_access(
    uow: UnitOfWork, caller: Caller, kind: str, ref: str, reason: str, minutes: int
) -> BreakGlassAccess:
    principal = guard.require(caller, Action.OPEN_BREAK_GLASS, kind, ref)
    concerned_of = PROTECTED_KINDS.get(kind)
    concerned = concerned_of(uow, ref) if concerned_of else None
    if concerned is None:
        raise NotFound(lazy("Nothing of kind {kind} has the reference {ref}."), kind=kind, ref=ref)
    if len(reason.strip()) < MIN_REASON:
        raise InvalidInput(
            lazy("Write the reason in at least {count} characters: the DPOs will review it."),
            for_field="reason",
            count=MIN_REASON,
        )
    if not 1 <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            lazy("Break-glass lasts 1 to {max} minutes."), for_field="minutes", max=MAX_MINUTES
        )
    if active(uow, principal.user_id, kind, ref) is not None:
        raise Conflict(lazy("You have an open break-glass access to this already."))
    agencies = concerned | {principal.agency_id}
    if not notifications.holders_of(uow, Role.DATA_PROTECTION_OFFICER, agencies):
        # Nobody concerned could review it: the council secretariat's DPOs take it on.
        agencies |= set(
            uow.session.scalars(
                select(Agency.id).where(Agency.kind == AgencyKind.SECRETARIAT.value)
            )
        )
    dpos = notifications.holders_of(uow, Role.DATA_PROTECTION_OFFICER, agencies)
    if not dpos:
        raise Conflict(
            lazy(
                "No data protection officer could review this access: ask your "
                "administrator to name one before break-glass can be used."
            )
        )
    now = utcnow()
    access = BreakGlassAccess(
        user_id=principal.user_id,
        object_kind=kind,
        object_ref=ref,
        reason=reason.strip(),
        opened_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    uow.session.add(access)
    uow.session.flush()
    for agency_id in sorted(agencies):
        uow.session.add(BreakGlassAgency(break_glass_id=access.id, agency_id=agency_id))
    notifications.notify(
        uow,
        dpos,
        "break-glass:opened",
        {"by": principal.login, "kind": kind, "ref": ref, "minutes": minutes},
        f"/break-glass/{access.public_id}",
    )
    audit.record(
        uow,
        caller.event(
            "break-glass:open",
            object_kind=kind,
            object_ref=ref,
            detail={
                "access": access.id,
                "minutes": minutes,
                "agencies": sorted(agencies),
                "dpos_alerted": len(dpos),
            },
            personal={"reason": access.reason},
        ),
    )
    uow.session.flush()
    uow.session.refresh(access)
    return access


def active(uow: UnitOfWork, user_id: int, kind: str, ref: str) -> BreakGlassAccess | None:
    return uow.session.scalar(
        select(BreakGlassAccess).where(
            BreakGlassAccess.user_id == user_id,
            BreakGlassAccess.object_kind == kind,
            BreakGlassAccess.object_ref == ref,
            BreakGlassAccess.expires_at > utcnow(),
        )
    )


def review_list(
    uow: UnitOfWork, caller: Caller, *, include_closed: bool = False
) -> list[BreakGlassAccess]:
    """The accesses concerning the DPO's agency that still wait for review."""
    principal = guard.require(caller, Action.REVIEW_BREAK_GLASS, "break-glass")
    query = (
        select(BreakGlassAccess)
        .join(BreakGlassAgency, BreakGlassAgency.break_glass_id == BreakGlassAccess.id)
        .where(BreakGlassAgency.agency_id == principal.agency_id)
        .order_by(BreakGlassAccess.opened_at.desc())
    )
    if not include_closed:
        query = query.where(BreakGlassAccess.closed_at.is_(None))
    rows = list(uow.session.scalars(query).unique())
    audit.record(
        uow,
        caller.event(
            "break-glass:list", object_kind="break-glass", detail={"ids": [row.id for row in rows]}
        ),
    )
    return rows


def get(uow: UnitOfWork, caller: Caller, access_id: int) -> BreakGlassAccess:
    principal = guard.require(caller, Action.REVIEW_BREAK_GLASS, "break-glass", access_id)
    access = uow.session.get(BreakGlassAccess, access_id)
    decision = access is not None and principal.agency_id in {a.id for a in access.agencies}
    guard.check(caller, decision, Action.REVIEW_BREAK_GLASS, "break-glass", access_id)
    assert access is not None  # (checked just above)
    audit.record(
        uow, caller.event("break-glass:read", object_kind="break-glass", object_ref=access.id)
    )
    return access


def close(uow: UnitOfWork, caller: Caller, access_id: int, note: str) -> BreakGlassAccess:
    access = get(uow, caller, access_id)
    principal = caller.principal
    assert principal is not None  # (get() refused anonymous callers)
    if access.user_id == principal.user_id:
        raise InvalidInput(lazy("Another DPO must review your own break-glass access."))
    if access.closed_at is not None:
        raise Conflict(lazy("This access was reviewed already."))
    if not note.strip():
        raise InvalidInput(lazy("Write what the review found."), for_field="note")
    now = utcnow()
    access.closed_at = now
    access.closed_by_id = principal.user_id
    access.review_note = note.strip()
    # Reviewing ends the access too: nothing stays open after its review.
    access.expires_at = min(access.expires_at, now)
    audit.record(
        uow, caller.event("break-glass:close", object_kind="break-glass", object_ref=access.id)
    )
    return access


def agency_names(uow: UnitOfWork, access: BreakGlassAccess) -> list[str]:
    ids = [agency.id for agency in access.agencies]
    return list(uow.session.scalars(select(Agency.code).where(Agency.id.in_(ids))))
