"""An event's dossier: what it is, who hosts it, when and where, the delegations taking
part and the round-the-clock liaison roster."""

from __future__ import annotations

from sqlalchemy import or_, select

from interagency.db import UnitOfWork, utcnow
from interagency.errors import InvalidInput
from interagency.events import access, policy
from interagency.events.access import KIND
from interagency.events.models import Delegation, Event, LiaisonShift, Participant, Venue
from interagency.events.schemas import DelegationIn, EventIn, ShiftIn, VenueIn
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.models import Agency
from interagency.identity.principals import Caller


def create_event(uow: UnitOfWork, caller: Caller, data: EventIn) -> Event:
    """A new event hosted by the caller's own agency, in that agency's state."""
    principal = caller.principal
    allowed = principal is not None and policy.may(principal, policy.Action.CREATE)
    guard.check(caller, allowed, policy.Action.CREATE, KIND)
    assert principal is not None
    agency = uow.session.get(Agency, principal.agency_id)
    assert agency is not None
    assert agency.member_state_id is not None  # (a member agency)
    event = Event(
        kind=data.kind.value,
        title=data.title.strip(),
        description=data.description.strip() or None,
        host_state_id=agency.member_state_id,
        host_agency_id=agency.id,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        expected_attendance=data.expected_attendance,
        created_by_id=principal.user_id,
    )
    uow.session.add(event)
    uow.session.flush()
    access.record(uow, caller, "events:event:create", event.id, {"kind": event.kind})
    return event


def update_event(uow: UnitOfWork, caller: Caller, event_id: int, data: EventIn) -> Event:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    before = {"kind": event.kind, "starts_on": event.starts_on.isoformat()}
    event.kind = data.kind.value
    event.title = data.title.strip()
    event.description = data.description.strip() or None
    event.starts_on = data.starts_on
    event.ends_on = data.ends_on
    event.expected_attendance = data.expected_attendance
    event.updated_at = utcnow()
    uow.session.flush()
    after = {"kind": event.kind, "starts_on": event.starts_on.isoformat()}
    access.record(uow, caller, "events:event:edit", event.id, {"before": before, "after": after})
    return event


def list_events(uow: UnitOfWork, caller: Caller) -> list[Event]:
    """The events the caller's agency hosts or takes part in (every event, for the
    secretariat), the latest first; the list is audited with the ids shown."""
    principal = caller.principal
    may_list = principal is not None and (
        policy.may(principal, policy.Action.CREATE)
        or policy.may(principal, policy.Action.VIEW, None, ())
    )
    guard.check(caller, may_list, policy.Action.VIEW, KIND)
    assert principal is not None
    query = select(Event).order_by(Event.starts_on.desc(), Event.id.desc()).limit(500)
    if not policy.may(principal, policy.Action.VIEW, None, ()):
        taking_part = select(Participant.event_id).where(
            Participant.agency_id == principal.agency_id
        )
        query = query.where(
            or_(Event.host_agency_id == principal.agency_id, Event.id.in_(taking_part))
        )
    rows = [e for e in uow.session.scalars(query) if access.sees(principal, e)]
    access.record(uow, caller, "events:event:list", None, {"ids": [e.id for e in rows]})
    return rows


def get_event(uow: UnitOfWork, caller: Caller, event_id: int) -> Event:
    event, _ = access.gate(uow, caller, policy.Action.VIEW, event_id)
    access.record(uow, caller, "events:event:read", event.id)
    return event


def may_edit(caller: Caller, event: Event) -> bool:
    principal = caller.principal
    return principal is not None and policy.may(
        principal, policy.Action.EDIT, event.host_agency_id, access.participants(event)
    )


# --- venues ------------------------------------------------------------------------------


def add_venue(uow: UnitOfWork, caller: Caller, event_id: int, data: VenueIn) -> Venue:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    venue = Venue(event=event)
    uow.session.add(venue)
    _fill_venue(venue, data)
    uow.session.flush()
    access.record(uow, caller, "events:venue:add", event.id, {"venue": venue.id})
    return venue


def update_venue(
    uow: UnitOfWork, caller: Caller, event_id: int, venue_id: int, data: VenueIn
) -> Venue:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    venue = next((v for v in event.venues if v.id == venue_id), None)
    if venue is None:
        raise access.missing("event-venue")
    _fill_venue(venue, data)
    uow.session.flush()
    access.record(uow, caller, "events:venue:edit", event.id, {"venue": venue.id})
    return venue


def _fill_venue(venue: Venue, data: VenueIn) -> None:
    venue.name = data.name.strip()
    venue.address = data.address.strip()
    venue.capacity = data.capacity
    venue.latitude = data.latitude
    venue.longitude = data.longitude


# --- delegations -------------------------------------------------------------------------


def add_participant(
    uow: UnitOfWork, caller: Caller, event_id: int, data: DelegationIn
) -> Delegation:
    """An agency joins the event in its state's delegation (made with its first agency);
    from then on it reads the whole event."""
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    agency = access.member_agency(uow, data.agency)
    if agency.id == event.host_agency_id:
        raise InvalidInput(
            lazy("The host agency leads the event: it needs no place in a delegation."),
            for_field="agency",
        )
    delegation = next((d for d in event.delegations if d.state_id == agency.member_state_id), None)
    if delegation is None:
        assert agency.member_state_id is not None
        delegation = Delegation(event=event, state_id=agency.member_state_id)
        uow.session.add(delegation)
        uow.session.flush()
    if data.size is not None:
        delegation.size = data.size
    if data.note.strip():
        delegation.note = data.note.strip()
    if agency.id not in access.participants(event):
        event.participants.append(Participant(agency_id=agency.id, delegation_id=delegation.id))
    uow.session.flush()
    access.record(uow, caller, "events:participant:add", event.id, {"agency": agency.code})
    return delegation


# --- the liaison roster ------------------------------------------------------------------


def add_shift(uow: UnitOfWork, caller: Caller, event_id: int, data: ShiftIn) -> LiaisonShift:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    agency = access.taking_part(uow, event, data.agency)
    shift = LiaisonShift(
        event=event,
        agency_id=agency.id,
        officer=data.officer.strip(),
        contact=data.contact.strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
    )
    uow.session.add(shift)
    uow.session.flush()
    access.record(
        uow, caller, "events:shift:add", event.id, {"shift": shift.id, "agency": agency.code}
    )
    return shift


def remove_shift(uow: UnitOfWork, caller: Caller, event_id: int, shift_id: int) -> None:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    shift = next((s for s in event.shifts if s.id == shift_id), None)
    if shift is None:
        raise access.missing("event-shift")
    event.shifts.remove(shift)
    uow.session.flush()
    access.record(uow, caller, "events:shift:remove", event.id, {"shift": shift_id})
