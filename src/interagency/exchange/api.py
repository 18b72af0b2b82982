"""The exchange under /api/v1: the same services as the pages, with token authentication.

State changes take the thread `version` the client last saw; a stale one gets 409
instead of silently overwriting somebody else's change.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.egress.downloads import receipt_headers
from interagency.exchange import dissemination, exporting, inspection, queries, services
from interagency.exchange.codes import MessageKind, Priority, Status
from interagency.exchange.models import Dissemination, Thread
from interagency.exchange.paths import DisseminationId, ThreadId
from interagency.exchange.queries import MAX_PER_PAGE, InboxFilter
from interagency.exchange.schemas import (
    DecisionIn,
    DisseminationIn,
    InspectionIn,
    Page,
    RecipientIn,
    ReplyIn,
    ThreadIn,
    ThreadOut,
    ThreadSummary,
    VersionIn,
)
from interagency.exchange.search import SearchHit
from interagency.exchange.web_context import exchange_context
from interagency.identity.principals import Caller
from interagency.inputs import Line, PublicRef
from interagency.markings import HandlingCode, Tlp
from interagency.web.auth import CallerDep
from interagency.web.deps import ContainerDep, UowDep
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

api = APIRouter(
    prefix="/api/v1/exchange",
    tags=["exchange"],
    responses=PROBLEM_RESPONSES,
    dependencies=API_DEPENDENCIES,
)


class AddRecipientIn(RecipientIn):
    version: int


class DisseminationOut(BaseModel):
    id: PublicRef
    thread_id: PublicRef
    purpose: str
    status: str


def dissemination_out(uow: UnitOfWork, row: Dissemination) -> DisseminationOut:
    thread = uow.session.get(Thread, row.thread_id)
    assert thread is not None  # (a request belongs to its thread)
    return DisseminationOut(
        id=row.public_id, thread_id=thread.public_id, purpose=row.purpose, status=row.status
    )


async def _filters(
    box: Annotated[Line, Query(pattern="^(all|incoming|outgoing)$")] = "all",
    agency: Annotated[Line | None, Query(max_length=32)] = None,
    desk: Annotated[Line | None, Query(max_length=32)] = None,
    kind: MessageKind | None = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    priority: Priority | None = None,
    tlp: Tlp | None = None,
    handling_code: HandlingCode | None = None,
    since: date | None = None,
    until: date | None = None,
    overdue: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> InboxFilter:
    return InboxFilter(
        box=box,
        agency=agency,
        desk=desk,
        kind=kind.value if kind else None,
        status=status_.value if status_ else None,
        priority=priority.value if priority else None,
        tlp=tlp.value if tlp else None,
        handling_code=handling_code.value if handling_code else None,
        since=since,
        until=until,
        overdue=overdue,
        page=page,
        per_page=per_page,
    )


FiltersDep = Annotated[InboxFilter, Depends(_filters)]


@api.get(
    "/threads",
    summary="Threads the token's user may see, newest activity first",
    description="A bulk read through the export gate: counted against the reader's daily "
    "limit, and answered with the export id in `X-Export-Id`.",
)
def list_threads(
    response: Response,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    filters: FiltersDep,
) -> Page[ThreadSummary]:
    page, receipt = exporting.read_threads(uow, caller, exchange_context(container), filters)
    uow.commit()
    response.headers.update(receipt_headers(receipt))
    return page


@api.get(
    "/counts",
    summary="How many visible threads are in each state, and overdue",
    description=f"A state's count is exact up to {queries.COUNT_CAP:,}; {queries.COUNT_CAP + 1:,} "
    f"means more than {queries.COUNT_CAP:,} (counting further would cost as much as the whole "
    "history). Overdue threads are counted exactly.",
)
def thread_counts(uow: UowDep, caller: CallerDep) -> dict[str, int]:
    return queries.counts(uow, caller)


@api.get(
    "/search",
    summary="Full-text search over the subjects and bodies one may read",
    description="A bulk read through the export gate, like the list of threads.",
)
def search_threads(
    response: Response,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    filters: FiltersDep,
    q: Annotated[Line, Query(min_length=1, max_length=200)],
) -> Page[SearchHit]:
    found, receipt = exporting.search_threads(uow, caller, exchange_context(container), q, filters)
    uow.commit()
    response.headers.update(receipt_headers(receipt))
    return found


@api.post("/threads", status_code=status.HTTP_201_CREATED, summary="Start a thread")
def send_thread(
    data: ThreadIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> ThreadOut:
    ctx = exchange_context(container)
    thread = services.send(uow, caller, ctx, data)
    view = queries.sent_view(uow, caller, ctx, thread, data)
    uow.commit()
    return view


def _view(uow: UnitOfWork, caller: Caller, container: Container, thread_id: int) -> ThreadOut:
    """The thread as it now stands, read in the same transaction, which is then committed."""
    view = queries.thread_view(uow, caller, exchange_context(container), thread_id)
    uow.commit()
    return view


@api.get(
    "/threads/{thread_id}",
    summary="One thread, with content if one may read it",
    description="A read through the export gate: it counts against the same daily limit "
    "as the list of threads, and is answered with the export id in `X-Export-Id`.",
)
def get_thread(
    thread_id: ThreadId,
    response: Response,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> ThreadOut:
    view, receipt = exporting.read_thread(uow, caller, exchange_context(container), thread_id)
    uow.commit()
    response.headers.update(receipt_headers(receipt))
    return view


@api.post(
    "/threads/{thread_id}/messages",
    status_code=status.HTTP_201_CREATED,
    summary="Reply on a thread (at least as strictly marked as the thread)",
    description="Answers with the thread's summary as it now stands (status, markings, "
    "version); `GET /threads/{thread_id}` gives the whole thread.",
)
def reply_on_thread(
    thread_id: ThreadId, data: ReplyIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> ThreadSummary:
    ctx = exchange_context(container)
    services.reply(uow, caller, ctx, thread_id, data)
    summary = queries.thread_summary(uow, caller, ctx, thread_id)
    uow.commit()
    return summary


@api.post("/threads/{thread_id}/acknowledge", summary="Confirm receipt for one's agency")
def acknowledge_thread(
    thread_id: ThreadId, data: VersionIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> ThreadOut:
    services.acknowledge(uow, caller, exchange_context(container), thread_id, data.version)
    return _view(uow, caller, container, thread_id)


@api.post("/threads/{thread_id}/close", summary="Close a thread one's agency started")
def close_thread(
    thread_id: ThreadId, data: VersionIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> ThreadOut:
    services.close(uow, caller, exchange_context(container), thread_id, data.version)
    return _view(uow, caller, container, thread_id)


@api.post(
    "/threads/{thread_id}/recipients",
    status_code=status.HTTP_201_CREATED,
    summary="The originator addresses one more agency, desk or user",
)
def add_thread_recipient(
    thread_id: ThreadId,
    data: AddRecipientIn,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> ThreadOut:
    recipient = RecipientIn(agency=data.agency, desk=data.desk, user=data.user)
    services.add_recipient(
        uow, caller, exchange_context(container), thread_id, recipient, data.version
    )
    return _view(uow, caller, container, thread_id)


@api.post(
    "/threads/{thread_id}/disseminations",
    status_code=status.HTTP_201_CREATED,
    summary="Ask the originator to share the thread onward, or to consent to an export",
)
def request_dissemination(
    thread_id: ThreadId,
    data: DisseminationIn,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> DisseminationOut:
    row = dissemination.request(uow, caller, exchange_context(container), thread_id, data)
    out = dissemination_out(uow, row)
    uow.commit()
    return out


@api.post("/disseminations/{request_id}/decision", summary="The originator approves or refuses")
def decide_dissemination(
    request_id: DisseminationId,
    data: DecisionIn,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> DisseminationOut:
    row = dissemination.decide(uow, caller, exchange_context(container), request_id, data)
    out = dissemination_out(uow, row)
    uow.commit()
    return out


@api.post(
    "/threads/{thread_id}/inspections",
    status_code=status.HTTP_201_CREATED,
    summary="A DPO opens a time-limited inspection of the thread's content",
)
def inspect_thread(
    thread_id: ThreadId, data: InspectionIn, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> ThreadOut:
    inspection.open_inspection(uow, caller, exchange_context(container), thread_id, data)
    return _view(uow, caller, container, thread_id)
