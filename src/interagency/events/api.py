"""Major events under /api/v1/events, with token authentication: create an event, read one
whole (dossier, roster, plan, register), add a venue and a risk, and take the dossier,
the register or the after-action report as a PDF or DOCX file. The same services as the
pages; times in UTC. The rest of the dossier, the plan and the register are kept on
the pages, which a host works in."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, status
from starlette.responses import Response

from interagency.db import UnitOfWork
from interagency.egress.file_requests import FILE_RESPONSES, ApiFile, sent
from interagency.events import access, dossier, exporting, planning, policy, register
from interagency.events.models import Event
from interagency.events.schemas import (
    DelegationOut,
    EventIn,
    EventOut,
    MeasureOut,
    Reference,
    RiskIn,
    RiskOut,
    ShiftOut,
    TaskOut,
    VenueIn,
    VenueOut,
)
from interagency.web.auth import CallerDep
from interagency.web.deps import UowDep
from interagency.web.ids import key_of
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

api = APIRouter(
    prefix="/api/v1/events",
    tags=["events"],
    responses=PROBLEM_RESPONSES,
    dependencies=API_DEPENDENCIES,
)

EventId = Annotated[int, Depends(key_of(Event, "event_id"))]


def _out(uow: UnitOfWork, event: Event) -> EventOut:
    codes = access.codes(uow)
    states = access.state_codes(uow)
    venues = {v.id: v.public_id for v in event.venues}
    users = planning.owner_names(uow, event)
    today = date.today()
    return EventOut(
        id=event.public_id,
        kind=event.kind,
        title=event.title,
        description=event.description,
        host_state=states[event.host_state_id],
        host_agency=codes[event.host_agency_id],
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        expected_attendance=event.expected_attendance,
        venues=[
            VenueOut(
                id=v.public_id,
                name=v.name,
                address=v.address,
                capacity=v.capacity,
                latitude=v.latitude,
                longitude=v.longitude,
            )
            for v in event.venues
        ],
        delegations=[
            DelegationOut(
                state=states[d.state_id],
                size=d.size,
                note=d.note,
                agencies=[
                    codes[p.agency_id] for p in event.participants if p.delegation_id == d.id
                ],
            )
            for d in event.delegations
        ],
        roster=[
            ShiftOut(
                id=s.public_id,
                agency=codes[s.agency_id],
                officer=s.officer,
                contact=s.contact,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
            )
            for s in event.shifts
        ],
        tasks=[
            TaskOut(
                id=t.public_id,
                phase=t.phase.name,
                title=t.title,
                owner=codes[t.owner_agency_id],
                owner_user=users.get(t.owner_user_id) if t.owner_user_id else None,
                due_on=t.due_on,
                status=t.status,
                overdue=planning.is_overdue(t, today),
            )
            for t in planning.tasks(event)
        ],
        risks=[
            RiskOut(
                id=r.public_id,
                category=r.category,
                scenario=r.scenario,
                venue=venues.get(r.venue_id) if r.venue_id else None,
                likelihood=r.likelihood,
                impact=r.impact,
                score=policy.score(r.likelihood, r.impact),
                band=policy.band(r.likelihood, r.impact).value,
                treatment=r.treatment,
                treatment_note=r.treatment_note,
                owner=codes[r.owner_agency_id],
                measures=[
                    MeasureOut(
                        id=m.public_id,
                        title=m.title,
                        status=m.status,
                        evidence=m.evidence,
                    )
                    for m in r.measures
                ],
            )
            for r in register.ranked(event)
        ],
    )


def _done(uow: UnitOfWork, public_id: str) -> Reference:
    reference = Reference(id=public_id)
    uow.commit()
    return reference


@api.post("", status_code=status.HTTP_201_CREATED, summary="Create an event your agency hosts")
def create_event(data: EventIn, uow: UowDep, caller: CallerDep) -> Reference:
    return _done(uow, dossier.create_event(uow, caller, data).public_id)


@api.get("/{event_id}", summary="One event: dossier, roster, plan and risk register")
def read_event(event_id: EventId, uow: UowDep, caller: CallerDep) -> EventOut:
    out = _out(uow, dossier.get_event(uow, caller, event_id))
    uow.commit()
    return out


@api.post("/{event_id}/venues", status_code=status.HTTP_201_CREATED, summary="Add a venue")
def add_venue(event_id: EventId, data: VenueIn, uow: UowDep, caller: CallerDep) -> Reference:
    return _done(uow, dossier.add_venue(uow, caller, event_id, data).public_id)


@api.post("/{event_id}/risks", status_code=status.HTTP_201_CREATED, summary="Add a risk")
def add_risk(event_id: EventId, data: RiskIn, uow: UowDep, caller: CallerDep) -> Reference:
    return _done(uow, register.add_risk(uow, caller, event_id, data).public_id)


@api.get(
    "/{event_id}/exports/{what}.{fmt}",
    summary="The event's dossier, risk register or after-action report as PDF or DOCX",
    response_class=Response,
    responses=FILE_RESPONSES,
)
def export_file(
    event_id: EventId,
    what: Annotated[str, Path(max_length=16, description="dossier, register or report")],
    options: ApiFile,
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    """Times in UTC; the file carries its export id and marking in its headers."""
    return sent(uow, exporting.export(uow, caller, event_id, what, options))
