"""Shared records and their hits under /api/v1/records, with token authentication.

The same services as the pages. Changes take the record `version` last seen: a stale one
gets 409. Another agency's record, or hit, answers as an unknown one does (404).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel
from starlette.responses import Response

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.egress import downloads
from interagency.exchange.web_context import exchange_context
from interagency.identity.principals import Caller
from interagency.records import details, hits, protection, services
from interagency.records.crosscheck import Outcome
from interagency.records.models import RecordKind
from interagency.records.particulars import PersonParticulars
from interagency.records.paths import AccessRequestId, HitRef, RecordId
from interagency.records.schemas import (
    AccessRequestIn,
    AccessRequestOut,
    AnswerIn,
    DetailsRequestIn,
    ExtensionIn,
    HitCheckIn,
    HitOut,
    LinkIn,
    NeutralityIn,
    ReasonIn,
    RecordIn,
    RecordOut,
    RecordSummary,
    RecordUpdate,
    ReleaseIn,
    VersionedReasonIn,
)
from interagency.records.web_context import records_context
from interagency.web.auth import CallerDep
from interagency.web.deps import ContainerDep, UowDep
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

api = APIRouter(
    prefix="/api/v1/records",
    tags=["records"],
    responses=PROBLEM_RESPONSES,
    dependencies=API_DEPENDENCIES,
)

PageNo = Annotated[int, Query(ge=1, le=100_000)]


class Screened(BaseModel):
    """A saved record and what its cross-check did: the references of the hits it found
    (the band of each is on the hit), or that it waits because of the daily limit."""

    record: RecordOut
    screened: bool
    deferred: bool
    hits: list[str]


def _screened(
    uow: UnitOfWork, caller: Caller, container: Container, saved: services.Saved
) -> Screened:
    outcome: Outcome = saved.screening
    record = services.view(uow, caller, records_context(container), saved.record.id)
    uow.commit()
    return Screened(
        record=record,
        screened=outcome.screened,
        deferred=outcome.deferred,
        hits=[hit.reference for hit in outcome.hits],
    )


@api.get("", summary="The records of one's agency, last changed first")
def list_records(
    uow: UowDep, caller: CallerDep, response: Response, page: PageNo = 1
) -> list[RecordSummary]:
    return _read_out(uow, response, services.read_own(uow, caller, page))


def _read_out(uow: UnitOfWork, response: Response, read: services.ReadOut) -> list[RecordSummary]:
    response.headers.update(downloads.receipt_headers(read.receipt))
    uow.commit()
    return read.summaries


@api.post("", status_code=status.HTTP_201_CREATED, summary="Enter a record; it is cross-checked")
def create_record(
    data: RecordIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> Screened:
    saved = services.create(uow, caller, records_context(container), data)
    return _screened(uow, caller, container, saved)


@api.get("/due", summary="The agency's records past their review date (data protection officers)")
def records_due(uow: UowDep, caller: CallerDep, response: Response) -> list[RecordSummary]:
    return _read_out(uow, response, services.read_due(uow, caller))


@api.get("/review-queue", summary="Records awaiting the neutrality review (review board)")
def review_queue(uow: UowDep, caller: CallerDep, response: Response) -> list[RecordSummary]:
    return _read_out(uow, response, services.read_review_queue(uow, caller))


@api.get("/access-requests", summary="Data subjects' access requests (data protection officers)")
def list_access_requests(
    uow: UowDep, caller: CallerDep, container: ContainerDep
) -> list[AccessRequestOut]:
    found = protection.access_requests(uow, caller, container.vault)
    uow.commit()
    return [_access_out(view) for view in found]


@api.post(
    "/access-requests",
    status_code=status.HTTP_201_CREATED,
    summary="Record a data subject's access request; the records that may be theirs are listed",
)
def open_access_request(
    data: AccessRequestIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> AccessRequestOut:
    requester = services.particulars_of(RecordKind.PERSON, data.particulars)
    assert isinstance(requester, PersonParticulars)
    view = protection.open_access_request(uow, caller, container.vault, requester, data.received_on)
    uow.commit()
    return _access_out(view)


@api.post("/access-requests/{request_id}/answer", summary="Record the answer given")
def answer_access_request(
    request_id: AccessRequestId,
    data: AnswerIn,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> AccessRequestOut:
    view = protection.answer_access_request(uow, caller, container.vault, request_id, data.answer)
    uow.commit()
    return _access_out(view)


def _access_out(view: protection.AccessRequestView) -> AccessRequestOut:
    return AccessRequestOut(
        id=view.id,
        received_on=view.received_on,
        status=view.status,
        requester=view.requester.model_dump() if view.requester else None,
        answer=view.answer,
        candidates=list(view.candidates),
    )


@api.get("/hits", summary="Hits on either side of one's agency, newest first")
def list_hits(uow: UowDep, caller: CallerDep, response: Response, page: PageNo = 1) -> list[HitOut]:
    found, receipt = hits.read_for_agency(uow, caller, page)
    response.headers.update(downloads.receipt_headers(receipt))
    uow.commit()
    return found


@api.get("/hits/{reference}", summary="One hit, as one's side of it may see it")
def get_hit(reference: HitRef, uow: UowDep, caller: CallerDep, response: Response) -> HitOut:
    found, receipt = hits.read_one(uow, caller, reference)
    response.headers.update(downloads.receipt_headers(receipt))
    uow.commit()
    return found


@api.post("/hits/{reference}/check", summary="Record how a person checked the hit")
def check_hit(reference: HitRef, data: HitCheckIn, uow: UowDep, caller: CallerDep) -> HitOut:
    found = hits.check(uow, caller, reference, data)
    uow.commit()
    return found


@api.post("/hits/{reference}/details", summary="Ask the owner for the details behind a hit")
def request_details(
    reference: HitRef,
    data: DetailsRequestIn,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> HitOut:
    found = details.request(uow, caller, exchange_context(container), reference, data.justification)
    uow.commit()
    return found


@api.post("/hits/{reference}/release/propose", summary="Propose to release the details (owner)")
def propose_release(reference: HitRef, data: ReleaseIn, uow: UowDep, caller: CallerDep) -> HitOut:
    found = details.propose(uow, caller, reference, data.note)
    uow.commit()
    return found


@api.post(
    "/hits/{reference}/release/approve",
    summary="Approve the release: another person, a supervisor (four eyes)",
)
def approve_release(
    reference: HitRef, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> HitOut:
    found = details.approve(uow, caller, exchange_context(container), reference)
    uow.commit()
    return found


@api.post("/hits/{reference}/release/refuse", summary="Refuse to release the details (owner)")
def refuse_release(
    reference: HitRef, data: ReleaseIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> HitOut:
    found = details.refuse(uow, caller, exchange_context(container), reference, data.note)
    uow.commit()
    return found


@api.get("/{record_id}", summary="One record of one's agency, with its particulars")
def get_record(
    record_id: RecordId,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    response: Response,
) -> RecordOut:
    found, receipt = services.read_one(uow, caller, records_context(container), record_id)
    response.headers.update(downloads.receipt_headers(receipt))
    uow.commit()
    return found


@api.put("/{record_id}", summary="Change a record; it is cross-checked again")
def update_record(
    record_id: RecordId, data: RecordUpdate, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> Screened:
    saved = services.update(uow, caller, records_context(container), record_id, data)
    return _screened(uow, caller, container, saved)


@api.post("/{record_id}/links", status_code=status.HTTP_201_CREATED, summary="Link two records")
def link_records(
    record_id: RecordId, data: LinkIn, uow: UowDep, caller: CallerDep
) -> dict[str, str]:
    row = services.link(uow, caller, record_id, data)
    linked = {
        "from_record": row.from_record.public_id,
        "to_record": row.to_record.public_id,
        "kind": row.kind,
    }
    uow.commit()
    return linked


@api.post("/{record_id}/flag", summary="Put the record before the neutrality review")
def flag_record(
    record_id: RecordId,
    data: VersionedReasonIn,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> RecordOut:
    services.flag(uow, caller, record_id, data)
    return _view(uow, caller, container, record_id)


@api.post("/{record_id}/neutrality", summary="The review board's Article 3 decision")
def decide_neutrality(
    record_id: RecordId, data: NeutralityIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> dict[str, object]:
    saved = services.decide_neutrality(uow, caller, records_context(container), record_id, data)
    uow.commit()
    return {
        "record": saved.record.id,
        "neutrality": saved.record.neutrality,
        "hits": [hit.reference for hit in saved.screening.hits],
    }


@api.post("/{record_id}/necessity", summary="Ask that a victim's or witness's record be matched")
def request_necessity(
    record_id: RecordId,
    data: VersionedReasonIn,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> RecordOut:
    services.request_necessity(uow, caller, record_id, data)
    return _view(uow, caller, container, record_id)


@api.post("/{record_id}/necessity/approve", summary="Approve that request (another supervisor)")
def approve_necessity(
    record_id: RecordId, data: ReasonIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> Screened:
    saved = services.approve_necessity(uow, caller, records_context(container), record_id, data)
    return _screened(uow, caller, container, saved)


@api.post("/{record_id}/review-date", summary="Extend the review date, with the reason")
def extend_review(
    record_id: RecordId, data: ExtensionIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> RecordOut:
    services.extend_review(uow, caller, record_id, data)
    return _view(uow, caller, container, record_id)


@api.post("/{record_id}/erasure", summary="Ask to erase the record (data protection officer)")
def request_erasure(
    record_id: RecordId, data: ReasonIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> RecordOut:
    protection.request_erasure(uow, caller, record_id, data.reason)
    return _view(uow, caller, container, record_id)


@api.post(
    "/{record_id}/erasure/approve",
    summary="Erase it: a supervisor or another data protection officer (four eyes)",
)
def approve_erasure(
    record_id: RecordId, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> RecordOut:
    protection.approve_erasure(uow, caller, record_id)
    return _view(uow, caller, container, record_id)


def _view(uow: UnitOfWork, caller: Caller, container: Container, record_id: int) -> RecordOut:
    found = services.view(uow, caller, records_context(container), record_id)
    uow.commit()
    return found
