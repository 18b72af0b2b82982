"""The one gate through which a record's personal data moves between agencies.

A hit tells each side that the other holds a similar record; a request for its details
tells the owner what the searching agency is after; a release sends the particulars. Each
such step is a `Movement`, and each passes `require` at the moment it happens: the
safeguards of both records (`policy.may_pair`: Article 3 review, victims and witnesses,
refugees never towards the state they fled, review dates, erasure) are evaluated then,
under the lock that screenings and changes of the same kind of record take, so that a
change and a movement never overlap. A service that declares a movement with `@moves`
and returns without having passed the gate fails loudly, and a test walks the registry.

Changes withdraw what they forbid (`withdraw_forbidden`): the hits of a changed record
that the safeguards no longer allow are withdrawn at once, and the agency that changed
its record is told. The other agency sees such a hit disappear only in the daily sweep
(`sweep`), as hits whose records pass their review date expire, with no reason given: a
refugee's state learns nothing from the moment of the change.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import date
from enum import StrEnum
from typing import Final, ParamSpec, TypeVar

from sqlalchemy import or_, select

from interagency import audit
from interagency.audit.events import AuditEvent
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, NotFound
from interagency.i18n import lazy
from interagency.identity import notifications
from interagency.identity.models import Role
from interagency.identity.principals import Caller
from interagency.records import pairing
from interagency.records.models import DetailsStatus, Hit, Record
from interagency.records.policy import Safeguards, may_pair, why_not_matchable
from interagency.screening import registry, subjects
from interagency.screening.models import Subject

KIND: Final = "hit"


class Movement(StrEnum):
    """Every way a record's personal data, or the fact that an agency holds it, reaches
    another agency."""

    HIT_SHOWN = "hit-shown"  # a hit recorded and announced to both sides, or found again
    DETAILS_REQUESTED = "details-requested"  # the searching agency asks the owner
    RELEASE_PROPOSED = "release-proposed"  # an officer of the owner proposes to release
    RELEASE_APPROVED = "release-approved"  # a supervisor approves: the details are sent


# Which service performs each movement (filled by `@moves`): the gate's test walks it.
MOVERS: dict[Movement, list[str]] = {movement: [] for movement in Movement}

_passed: ContextVar[frozenset[Movement] | None] = ContextVar("movements_passed", default=None)

P = ParamSpec("P")
R = TypeVar("R")


def moves(movement: Movement) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declares that the function moves personal data as `movement`: it must pass the
    gate for it before it returns, or it fails instead of moving anything."""

    def wrap(function: Callable[P, R]) -> Callable[P, R]:
        MOVERS[movement].append(f"{function.__module__}.{function.__qualname__}")

        @functools.wraps(function)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            token = _passed.set(frozenset())
            try:
                result = function(*args, **kwargs)
                if movement not in (_passed.get() or frozenset()):
                    raise RuntimeError(f"{function.__qualname__} moved data past the gate")
                return result
            finally:
                _passed.reset(token)

        return checked

    return wrap


def why_forbidden(mine: Safeguards, theirs: Safeguards, today: date) -> str | None:
    """None when the safeguards allow the pair (searching side first) now; otherwise what
    stops it."""
    if may_pair(mine, theirs, today):
        return None
    return why_not_matchable(theirs, today) or why_not_matchable(mine, today) or "pairing"


def require(uow: UnitOfWork, caller: Caller, hit: Hit, movement: Movement) -> None:
    """Lets `movement` of the hit's data happen only if the safeguards allow it now.

    Refused, the owner is told that the safeguards stop it (without saying which: the
    reason may be the other agency's record); the searching agency gets the answer an
    unknown hit gets. Every refusal is audited, with its reason.
    """
    searching, found = _subjects(uow, hit)
    pairing.lock_screening(uow, found.matches_as)
    # What a change committed while this waited for the lock is what counts.
    uow.session.flush()
    uow.session.refresh(hit)
    reason = "withdrawn" if _closed(hit) else None
    if reason is None:
        guards = subjects.safeguards_of(uow, [searching, found], fresh=True)
        reason = _why_not(guards, searching.id, found.id, utcnow().date())
    if reason is not None:
        refusal = _refusal(caller, hit.reference, movement, reason)
        principal = caller.principal
        if principal is not None and principal.agency_id == hit.owner_agency_id:
            raise Conflict(
                lazy("The safeguards no longer allow hit {ref} to be shared."), ref=hit.reference
            ).refused_as(refusal)
        raise NotFound(lazy("There is no hit {ref}."), ref=hit.reference).refused_as(refusal)
    _passed_gate(movement)


def require_pair(caller: Caller, searching: Subject, mine: Safeguards, theirs: Safeguards) -> None:
    """The gate of a hit being recorded (`Movement.HIT_SHOWN`), for screenings: they hold
    the screening lock and read both subjects' safeguards in this transaction, so the
    safeguards as given are the safeguards as they are."""
    reason = why_forbidden(mine, theirs, utcnow().date())
    if reason is not None:
        # Named by the searching subject alone: the found one is the other agency's, and
        # the refusal is audited as the searching side's.
        kind = registry.kind_of(searching.kind)
        refusal = _refusal(caller, searching.ref, Movement.HIT_SHOWN, reason, kind=kind.object_kind)
        raise Conflict(lazy("The safeguards do not allow these records to meet.")).refused_as(
            refusal
        )
    _passed_gate(Movement.HIT_SHOWN)


def _passed_gate(movement: Movement) -> None:
    passed = _passed.get()
    if passed is not None:
        _passed.set(passed | {movement})


def _refusal(
    caller: Caller, ref: object, movement: Movement, reason: str, *, kind: str = KIND
) -> AuditEvent:
    return caller.event(
        f"records:movement:{movement.value}",
        outcome="denied",
        object_kind=kind,
        object_ref=ref,
        detail={"reason": reason},
    )


def _subjects(uow: UnitOfWork, hit: Hit) -> tuple[Subject, Subject]:
    searching = uow.session.get(Subject, hit.searching_subject_id)
    found = uow.session.get(Subject, hit.found_subject_id)
    if searching is None or found is None:  # the foreign keys make this impossible
        raise LookupError(f"hit {hit.reference} lost a subject")
    return searching, found


def _why_not(
    guards: dict[int, Safeguards], searching_id: int, found_id: int, today: date
) -> str | None:
    mine, theirs = guards.get(searching_id), guards.get(found_id)
    if mine is None or theirs is None:
        return "erased"  # the subject's own row is gone
    return why_forbidden(mine, theirs, today)


def _forbidden(uow: UnitOfWork, hits: list[Hit], today: date) -> list[Hit]:
    """The hits whose pair the safeguards forbid now, judged with one read per kind."""
    held = subjects.of_ids(
        uow, {i for h in hits for i in (h.searching_subject_id, h.found_subject_id)}
    )
    guards = subjects.safeguards_of(uow, held)
    return [
        h
        for h in hits
        if _why_not(guards, h.searching_subject_id, h.found_subject_id, today) is not None
    ]


def _closed(hit: Hit) -> bool:
    return hit.withdrawn_at is not None or hit.expired_at is not None


def withdraw_forbidden(uow: UnitOfWork, caller: Caller, record: Record) -> list[Hit]:
    """After `record` changed: withdraws its open hits, on either side, whose pair the
    safeguards now forbid, so that nothing more moves through them; tells the record's
    agency. The caller holds the screening lock of the record's kind."""
    withdrawn = _forbidden(uow, _open_hits_of(uow, [record.id]), utcnow().date())
    for hit in withdrawn:
        hit.withdrawn_at = utcnow()
        hit.withdrawn_by_agency_id = record.owner_agency_id
    if withdrawn:
        references = [hit.reference for hit in withdrawn]
        told = {
            *notifications.holders_of(uow, Role.SUPERVISOR, [record.owner_agency_id]),
            *notifications.holders_of(uow, Role.DATA_PROTECTION_OFFICER, [record.owner_agency_id]),
        }
        notifications.notify(
            uow,
            told,
            "records:hits-withdrawn",
            {"record": record.public_id, "references": references},
            f"/records/{record.public_id}",
        )
        audit.record(
            uow,
            caller.event(
                "records:hits:withdraw",
                object_kind="record",
                object_ref=record.id,
                detail={"references": references},
            ),
        )
    return withdrawn


def sweep(uow: UnitOfWork, caller: Caller) -> list[str]:
    """The daily sweep: open hits that were withdrawn, or whose pair the safeguards no
    longer allow (a review date passed), expire for both sides alike; an open request for
    their details ends with them. Returns the references expired."""
    open_hits = list(uow.session.scalars(select(Hit).where(Hit.expired_at.is_(None))))
    forbidden = {h.id for h in _forbidden(uow, open_hits, utcnow().date())}
    expired = []
    for hit in open_hits:
        if hit.withdrawn_at is None and hit.id not in forbidden:
            continue
        hit.expired_at = utcnow()
        if hit.details_status in (DetailsStatus.REQUESTED.value, DetailsStatus.PROPOSED.value):
            hit.details_status = DetailsStatus.WITHDRAWN.value
        expired.append(hit.reference)
    if expired:
        event = caller.event(
            "records:hits:expire", object_kind=KIND, detail={"references": expired}
        )
        audit.record(uow, event)
    return expired


def _open_hits_of(uow: UnitOfWork, record_ids: Iterable[int]) -> list[Hit]:
    ids = list(record_ids)
    return list(
        uow.session.scalars(
            select(Hit).where(
                or_(Hit.searching_record_id.in_(ids), Hit.found_record_id.in_(ids)),
                Hit.withdrawn_at.is_(None),
                Hit.expired_at.is_(None),
            )
        )
    )
