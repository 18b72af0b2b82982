"""An event's operations: the incident log kept during the event, the situation board of
open incidents per venue, and the venue map's figures.

The host and every agency taking part log incidents; the host and the incident's own
agency change its status and link exchange threads to it (`policy`). A thread is linked
only by someone who may see it, and each reader is shown only the linked threads they may
see themselves: the others are left out without a trace. Every read and change is audited.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from interagency.db import UnitOfWork, utcnow
from interagency.errors import InvalidInput, NotFound
from interagency.events import access, policy, venue_map
from interagency.events.models import Event, Incident, IncidentStatus, IncidentThread, Venue
from interagency.events.schemas import IncidentIn, IncidentStatusIn, IncidentThreadIn
from interagency.exchange.access import Access
from interagency.exchange.access import access as thread_access
from interagency.exchange.models import Thread
from interagency.exchange.policy import Action as ThreadAction
from interagency.exchange.visibility import relations_of
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller

INCIDENT = "event-incident"
# A clock a little fast is forgiven; an incident an hour ahead is a typing error.
_AHEAD = timedelta(minutes=10)


def _venue(event: Event, ref: str) -> Venue:
    venue = next((v for v in event.venues if v.public_id == ref), None)
    if venue is None:
        raise InvalidInput(lazy("The event has no venue {ref}."), ref=ref, for_field="venue")
    return venue


def _visible_thread(uow: UnitOfWork, caller: Caller, reference: str, field: str) -> Thread:
    """The thread of `reference` if the caller may see it; a thread hidden from them is
    answered exactly as one that does not exist (and the attempt is audited)."""
    unknown = InvalidInput(
        lazy("There is no thread {ref} that you may see."), ref=reference, for_field=field
    )
    thread = uow.session.scalar(select(Thread).where(Thread.reference == reference.upper()))
    if thread is None:
        raise unknown
    try:
        thread_access(uow, caller, thread.id, ThreadAction.READ_METADATA, utcnow())
    except NotFound as hidden:
        # the same answer as for a missing thread, the refusal still audited
        raise (unknown.refused_as(hidden.refusal) if hidden.refusal else unknown) from None
    return thread


def _link(
    uow: UnitOfWork, caller: Caller, incident: Incident, references: list[str], field: str
) -> list[str]:
    principal = caller.principal
    assert principal is not None
    added = []
    for reference in dict.fromkeys(r.upper() for r in references):
        thread = _visible_thread(uow, caller, reference, field)
        if any(link.thread_id == thread.id for link in incident.threads):
            continue
        incident.threads.append(IncidentThread(thread_id=thread.id, linked_by_id=principal.user_id))
        added.append(thread.reference)
    return added


def log_incident(uow: UnitOfWork, caller: Caller, event_id: int, data: IncidentIn) -> Incident:
    event, principal = access.gate(uow, caller, policy.Action.LOG_INCIDENT, event_id)
    if data.occurred_at > utcnow() + _AHEAD:
        raise InvalidInput(
            lazy("An incident is logged once it has happened: check the time."),
            for_field="occurred_at",
        )
    incident = Incident(
        event=event,
        venue_id=_venue(event, data.venue).id,
        occurred_at=data.occurred_at,
        category=data.category.value,
        severity=data.severity,
        status=IncidentStatus.OPEN.value,
        description=data.description.strip(),
        author_agency_id=principal.agency_id,
        author_id=principal.user_id,
    )
    uow.session.add(incident)
    uow.session.flush()
    linked = _link(uow, caller, incident, data.threads, "threads")
    uow.session.flush()
    detail = {
        "event": event.id,
        "venue": incident.venue_id,
        "category": incident.category,
        "severity": incident.severity,
        "threads": linked,
    }
    access.record(uow, caller, "events:incident:log", incident.id, detail, INCIDENT)
    return incident


def _incident(event: Event, incident_id: int) -> Incident:
    incident = next((i for i in event.incidents if i.id == incident_id), None)
    if incident is None:
        raise access.missing(INCIDENT)
    return incident


def _gate_incident(
    uow: UnitOfWork, caller: Caller, event_id: int, incident_id: int
) -> tuple[Event, Incident]:
    """The incident, if the caller may change it: the event's gate first (an agency with
    no part in the event learns nothing), then the table with the incident's agency."""
    event, principal = access.gate(
        uow, caller, policy.Action.VIEW_INCIDENTS, event_id, INCIDENT, incident_id
    )
    incident = _incident(event, incident_id)
    mine = policy.relations(
        principal, event.host_agency_id, access.participants(event), incident.author_agency_id
    )
    if not policy.allowed(principal, policy.Action.UPDATE_INCIDENT, mine):
        raise guard.refuse(
            caller,
            policy.Action.UPDATE_INCIDENT.value,
            INCIDENT,
            incident.id,
            lazy("Only the host and the agency that logged the incident change it."),
        )
    return event, incident


def set_status(
    uow: UnitOfWork, caller: Caller, event_id: int, incident_id: int, data: IncidentStatusIn
) -> Incident:
    _, incident = _gate_incident(uow, caller, event_id, incident_id)
    before = incident.status
    incident.status = data.status.value
    incident.updated_at = utcnow()
    incident.closed_at = incident.updated_at if data.status is IncidentStatus.CLOSED else None
    uow.session.flush()
    detail = {"before": before, "after": incident.status}
    access.record(uow, caller, "events:incident:status", incident.id, detail, INCIDENT)
    return incident


def link_thread(
    uow: UnitOfWork, caller: Caller, event_id: int, incident_id: int, data: IncidentThreadIn
) -> Incident:
    _, incident = _gate_incident(uow, caller, event_id, incident_id)
    linked = _link(uow, caller, incident, [data.thread], "thread")
    incident.updated_at = utcnow()
    uow.session.flush()
    access.record(uow, caller, "events:incident:link", incident.id, {"threads": linked}, INCIDENT)
    return incident


# --- reading -------------------------------------------------------------------------------


def incident_log(uow: UnitOfWork, caller: Caller, event_id: int) -> Event:
    """The event with its incidents, for the log, the board and the map (audited with the
    incidents shown)."""
    event, _ = access.gate(uow, caller, policy.Action.VIEW_INCIDENTS, event_id)
    shown = [i.id for i in event.incidents]
    access.record(uow, caller, "events:incident:list", event.id, {"ids": shown})
    return event


def get_incident(uow: UnitOfWork, caller: Caller, event_id: int, incident_id: int) -> Incident:
    event, _ = access.gate(
        uow, caller, policy.Action.VIEW_INCIDENTS, event_id, INCIDENT, incident_id
    )
    incident = _incident(event, incident_id)
    access.record(uow, caller, "events:incident:read", incident.id, {"event": event.id}, INCIDENT)
    return incident


def may_change(principal: Principal | None, event: Event, incident: Incident) -> bool:
    return principal is not None and policy.may(
        principal,
        policy.Action.UPDATE_INCIDENT,
        event.host_agency_id,
        access.participants(event),
        incident.author_agency_id,
    )


def visible_threads(
    uow: UnitOfWork, principal: Principal | None, incident: Incident
) -> list[Thread]:
    """The incident's linked threads that `principal` may see (for their references and
    pages); the others are not mentioned, not even counted."""
    if principal is None or not incident.threads:
        return []
    ids = [link.thread_id for link in incident.threads]
    threads = uow.session.scalars(select(Thread).where(Thread.id.in_(ids)).order_by(Thread.id))
    return [
        thread
        for thread in threads
        if Access(principal, thread, relations_of(principal, thread)).may(
            ThreadAction.READ_METADATA
        )
    ]


@dataclass(frozen=True)
class BoardRow:
    venue: Venue
    open: list[Incident]  # open and in progress, the most severe first
    point: venue_map.Point | None
    radius: float
    label: venue_map.Label | None


def board(event: Event) -> list[BoardRow]:
    """Every venue with its incidents not yet closed and its place on the map."""
    still_open = [i for i in event.incidents if i.status != IncidentStatus.CLOSED.value]
    counts = Counter(i.venue_id for i in still_open)
    points = {
        p.key: p
        for p in venue_map.project(
            [venue_map.Place(v.public_id, v.latitude, v.longitude) for v in event.venues]
        )
    }
    rows = []
    for venue in event.venues:
        point = points.get(venue.public_id)
        circle = venue_map.radius(counts[venue.id])
        here = [i for i in still_open if i.venue_id == venue.id]
        rows.append(
            BoardRow(
                venue,
                sorted(here, key=lambda i: (-i.severity, i.occurred_at)),
                point,
                circle,
                venue_map.label(point, circle) if point else None,
            )
        )
    return rows
