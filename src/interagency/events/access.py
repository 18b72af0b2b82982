"""What every event service does around its work: find the event, decide with the policy,
hide an event from an agency that has no part in it, and audit reads and changes."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork
from interagency.errors import InvalidInput, NotFound
from interagency.events import policy
from interagency.events.models import Event
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.models import Agency, AgencyKind, MemberState
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller

KIND = "event"
_MISSING = {
    "event": lazy("There is no such event."),
    "event-venue": lazy("There is no such venue."),
    "event-shift": lazy("There is no such duty shift."),
    "event-risk": lazy("There is no such risk."),
    "event-measure": lazy("There is no such measure."),
    "event-task": lazy("There is no such task."),
    "event-template": lazy("There is no such template."),
    "event-incident": lazy("There is no such incident."),
}


def missing(kind: str) -> NotFound:
    return NotFound(_MISSING[kind])


def participants(event: Event) -> set[int]:
    return {p.agency_id for p in event.participants}


def sees(principal: Principal, event: Event) -> bool:
    return policy.may(principal, policy.Action.VIEW, event.host_agency_id, participants(event))


def gate(
    uow: UnitOfWork,
    caller: Caller,
    action: policy.Action,
    event_id: int,
    kind: str = KIND,
    ref: object = None,
) -> tuple[Event, Principal]:
    """The event and the principal, if the policy lets them do `action` on it. An agency
    that may not even read the event is told it does not exist, like a missing one."""
    event = uow.session.get(Event, event_id)
    principal = caller.principal
    ref = event_id if ref is None else ref
    if event is None or principal is None or not sees(principal, event):
        raise guard.hidden(caller, action.value, kind, ref, missing(kind))
    mine = policy.relations(principal, event.host_agency_id, participants(event))
    guard.check(caller, policy.allowed(principal, action, mine), action, kind, ref)
    return event, principal


def record(
    uow: UnitOfWork,
    caller: Caller,
    action: str,
    ref: object,
    detail: Mapping[str, object] | None = None,
    kind: str = KIND,
) -> None:
    audit.record(uow, caller.event(action, object_kind=kind, object_ref=ref, detail=detail))


def member_agency(uow: UnitOfWork, code: str, field: str = "agency") -> Agency:
    agency = uow.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None or agency.kind != AgencyKind.MEMBER_AGENCY.value:
        raise InvalidInput(
            lazy("No member agency has the code {code}."), code=code, for_field=field
        )
    return agency


def taking_part(uow: UnitOfWork, event: Event, code: str, field: str = "agency") -> Agency:
    """The agency of `code` if it hosts or takes part in the event: only they are on its
    roster, own its tasks and own its risks."""
    agency = member_agency(uow, code, field)
    if agency.id != event.host_agency_id and agency.id not in participants(event):
        raise InvalidInput(
            lazy("Agency {code} takes no part in the event: add it to a delegation first."),
            code=code,
            for_field=field,
        )
    return agency


def codes(uow: UnitOfWork) -> dict[int, str]:
    return {row.id: row.code for row in uow.session.execute(select(Agency.id, Agency.code))}


def state_codes(uow: UnitOfWork) -> dict[int, str]:
    rows = uow.session.execute(select(MemberState.id, MemberState.iso_alpha2))
    return {row.id: row.iso_alpha2 for row in rows}


def state_names(uow: UnitOfWork, language: str) -> dict[int, str]:
    rows = uow.session.scalars(select(MemberState))
    return {row.id: row.name_ru if language == "ru" else row.name_en for row in rows}
