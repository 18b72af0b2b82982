"""Fighters' profiles, border crossings and alerts under /api/v1/movements, with token
authentication. A border system submits crossings with a service account's token; the
hits are checked through the records' hit routes by a person of the submitting agency."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel
from starlette.responses import Response

from interagency.egress import downloads
from interagency.exchange.web_context import exchange_context
from interagency.movements import alerts, counts, crossings, profiles, release
from interagency.movements.models import FighterAlert
from interagency.movements.profiles import AlertLine
from interagency.movements.schemas import CountRow, CrossingIn, CrossingOut, ProfileIn, ProfileOut
from interagency.records.paths import HitRef, RecordId
from interagency.web.auth import CallerDep
from interagency.web.deps import ContainerDep, UowDep
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

api = APIRouter(
    prefix="/api/v1/movements",
    tags=["movements"],
    responses=PROBLEM_RESPONSES,
    dependencies=API_DEPENDENCIES,
)


class AlertState(BaseModel):
    hit: str
    taken_up: bool
    released: bool


class BoardOut(BaseModel):
    profiles: list[ProfileOut]
    alerts: list[AlertLine]


@api.post(
    "/crossings",
    status_code=status.HTTP_201_CREATED,
    summary="Submit one border crossing; it is screened against the profiles shared with you",
)
def submit_crossing(
    data: CrossingIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> CrossingOut:
    out = crossings.submit(uow, caller, container.vault, data)
    uow.commit()
    return out


@api.put("/profiles/{record_id}", summary="Make one of your person records a fighter's profile")
def keep_profile(
    record_id: RecordId, data: ProfileIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> ProfileOut:
    profiles.keep(uow, caller, container.vault, record_id, data)
    found = profiles.of_record(uow, caller, container.vault, record_id)
    assert found is not None
    uow.commit()
    return found


@api.get("/board", summary="Your agency's profiles and the alerts on them")
def board(uow: UowDep, caller: CallerDep, container: ContainerDep, response: Response) -> BoardOut:
    found, receipt = profiles.read_board(uow, caller, container.vault)
    response.headers.update(downloads.receipt_headers(receipt))
    uow.commit()
    return BoardOut(profiles=found.profiles, alerts=found.alerts)


@api.get("/counts", summary="Departures and returns per member state and month (counts only)")
def monthly_counts(uow: UowDep, caller: CallerDep) -> list[CountRow]:
    rows = counts.monthly(uow, caller)
    uow.commit()
    return rows


@api.post("/alerts/{reference}/take-up", summary="Record that your agency took an alert up")
def take_up(reference: HitRef, uow: UowDep, caller: CallerDep) -> AlertState:
    alert = alerts.take_up(uow, caller, reference)
    uow.commit()
    return _state(reference, alert)


@api.post(
    "/alerts/{reference}/release/propose",
    summary="Propose to release the crossing's place and route to the profile's holder",
)
def propose_release(reference: HitRef, uow: UowDep, caller: CallerDep) -> AlertState:
    alert = release.propose(uow, caller, reference)
    uow.commit()
    return _state(reference, alert)


@api.post(
    "/alerts/{reference}/release/approve",
    summary="Approve the release proposed by another officer (supervisors)",
)
def approve_release(
    reference: HitRef, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> AlertState:
    alert = release.approve(uow, caller, exchange_context(container), reference)
    uow.commit()
    return _state(reference, alert)


def _state(reference: str, alert: FighterAlert) -> AlertState:
    return AlertState(
        hit=reference,
        taken_up=alert.taken_up_at is not None,
        released=alert.release_thread_id is not None,
    )
