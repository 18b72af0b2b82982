"""Attachments and exports of a thread, for the pages and the API.

Every download passes the export gate in the service that builds it and is answered
through `egress.downloads.file_response`: always an attachment, never rendered by the
browser, with the export id, marking and expiry in its headers. A long thread's export is
prepared by a background job (`exchange.prepared`): the page is sent to where the file
will be, the API answers 202 with its Location.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, RedirectResponse, Response

from interagency import i18n
from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.egress.downloads import file_response
from interagency.errors import InvalidInput
from interagency.exchange import attachments, exporting, prepared
from interagency.exchange.models import Attachment, PreparedExport, PreparedStatus
from interagency.exchange.paths import AttachmentId, MessageId, PreparedExportId, ThreadId
from interagency.exchange.schemas import AttachmentOut, PreparedExportOut
from interagency.exchange.web_context import exchange_context
from interagency.i18n import lazy
from interagency.identity.principals import Caller
from interagency.inputs import FileName, Line
from interagency.web import flash
from interagency.web.auth import CallerDep
from interagency.web.deps import ContainerDep, RendererDep, UowDep
from interagency.web.errors import domain_message
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

pages = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api/v1/exchange",
    tags=["exchange"],
    responses=PROBLEM_RESPONSES,
    dependencies=API_DEPENDENCIES,
)

UPLOAD_CHUNK = 64 * 1024
PREPARED_PAGES = "/exchange/prepared-exports"
PREPARED_API = "/api/v1/exchange/prepared-exports"
# The registered third party an export goes to; none (or empty, from the page's form):
# the reader's own agency.
ThirdPartyQuery = Annotated[
    Line | None,
    Query(
        pattern="^([a-z2-7]{26})?$",
        description="The public id of the registered third party the file goes to.",
    ),
]


async def _upload_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(UPLOAD_CHUNK):
        yield chunk


async def _request_chunks(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def _download(
    uow: UowDep, caller: CallerDep, container: ContainerDep, attachment_id: int
) -> Response:
    found = attachments.download(
        uow, caller, exchange_context(container), container.file_store, attachment_id
    )
    uow.commit()
    # Each chunk is read from the disk and opened: in the thread pool, not on the event loop.
    chunks = iterate_in_threadpool(found.chunks)
    return file_response(found.receipt, chunks, found.media_type, found.filename, found.size)


def _export_or_prepare(
    request: Request,
    uow: UnitOfWork,
    caller: Caller,
    container: Container,
    thread_id: int,
    fmt: str,
    to: str | None,
) -> exporting.ExportedFile | PreparedExport:
    return prepared.export_or_prepare(
        uow, caller, exchange_context(container), thread_id, fmt, to=to,
        timezone=request.state.timezone, language=i18n.current_language(),
        from_messages=container.settings.export_in_background_from_messages,
    )  # fmt: skip


def _file(exported: exporting.ExportedFile) -> Response:
    return file_response(exported.receipt, exported.content, exported.media_type, exported.filename)


def _deliver(uow: UnitOfWork, caller: Caller, container: Container, prepared_id: int) -> Response:
    found = prepared.deliver(uow, caller, container.file_store, prepared_id)
    uow.commit()
    # Each chunk is read from the disk and opened: in the thread pool, not on the event loop.
    chunks = iterate_in_threadpool(found.chunks)
    return file_response(found.receipt, chunks, found.media_type, found.filename, found.size)


def _prepared_out(found: prepared.Progress) -> PreparedExportOut:
    ready = found.status is PreparedStatus.READY
    return PreparedExportOut(
        id=found.id, thread=found.thread, format=found.format, status=found.status,
        created_at=found.created_at, ready_at=found.ready_at,
        available_until=found.deliver_until if ready else None,
        download=f"{PREPARED_API}/{found.id}/file" if ready else None, problem=found.problem,
    )  # fmt: skip


# -- pages ----------------------------------------------------------------------------


@pages.post("/exchange/threads/{thread_id}/messages/{message_id}/attachments")
async def upload_page(
    request: Request,
    thread_id: ThreadId,
    message_id: MessageId,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> Response:
    form = await request.form()
    try:
        return await _attach_from_form(
            request, form.get("file"), thread_id, message_id, uow, caller, container
        )
    finally:
        await form.close()


async def _attach_from_form(
    request: Request,
    upload: object,
    thread_id: int,
    message_id: int,
    uow: UnitOfWork,
    caller: Caller,
    container: Container,
) -> Response:
    back = RedirectResponse(
        f"/exchange/threads/{request.path_params['thread_id']}",
        status_code=status.HTTP_303_SEE_OTHER,
    )
    if not isinstance(upload, UploadFile) or not upload.filename:
        problem = InvalidInput(lazy("Choose a file to attach."))
        flash.add(request, back, "error", domain_message(problem))
        return back
    try:
        await attachments.attach(
            uow, caller, exchange_context(container), container.file_store, thread_id, message_id,
            _upload_chunks(upload), filename=upload.filename, declared_length=upload.size,
        )  # fmt: skip
    except InvalidInput as problem:
        flash.add(request, back, "error", domain_message(problem))
        return back
    await run_in_threadpool(uow.commit)
    flash.add(request, back, "success", i18n.gettext("The file is attached."))
    return back


@pages.get("/exchange/attachments/{attachment_id}")
def download_page(
    attachment_id: AttachmentId, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> Response:
    return _download(uow, caller, container, attachment_id)


@pages.get("/exchange/threads/{thread_id}/export.{fmt}")
def export_page(
    request: Request,
    thread_id: ThreadId,
    fmt: str,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    to: ThirdPartyQuery = None,
) -> Response:
    exporting.offered(fmt)
    found = _export_or_prepare(request, uow, caller, container, thread_id, fmt, to or None)
    uow.commit()
    if isinstance(found, PreparedExport):
        # A long thread: its page shows how the file comes along, and then offers it.
        return RedirectResponse(
            f"{PREPARED_PAGES}/{found.public_id}", status_code=status.HTTP_303_SEE_OTHER
        )
    return _file(found)


@pages.get("/exchange/prepared-exports/{prepared_id}")
def prepared_page(
    request: Request,
    prepared_id: PreparedExportId,
    uow: UowDep,
    caller: CallerDep,
    renderer: RendererDep,
) -> Response:
    found = prepared.progress(uow, caller, prepared_id)
    return renderer.render(request, "exchange/prepared_export.html", {"prepared": found})


@pages.get("/exchange/prepared-exports/{prepared_id}/file")
def prepared_file_page(
    prepared_id: PreparedExportId, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> Response:
    return _deliver(uow, caller, container, prepared_id)


# -- API ------------------------------------------------------------------------------


@api.post(
    "/threads/{thread_id}/messages/{message_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    summary="Attach a file to one's own message: the raw bytes as the request body",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
            "required": True,
        }
    },
)
async def upload_api(
    request: Request,
    thread_id: ThreadId,
    message_id: MessageId,
    filename: Annotated[FileName, Query(min_length=1, max_length=255)],
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
) -> AttachmentOut:
    declared = request.headers.get("content-length")
    attachment = await attachments.attach(
        uow, caller, exchange_context(container), container.file_store, thread_id, message_id,
        _request_chunks(request), filename=filename,
        declared_length=int(declared) if declared and declared.isdigit() else None,
    )  # fmt: skip
    return await run_in_threadpool(_committed_out, uow, container, attachment, filename)


def _committed_out(
    uow: UnitOfWork, container: Container, attachment: Attachment, filename: str
) -> AttachmentOut:
    stored = container.file_store.get(uow.session, attachment.stored_file_id)
    out = AttachmentOut(
        id=attachment.public_id, filename=filename, size=stored.size, media_type=stored.media_type,
        sha256=stored.sha256, status=stored.status,
    )  # fmt: skip
    uow.commit()
    return out


@api.get(
    "/attachments/{attachment_id}",
    summary="Download an attachment (always as a file)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_api(
    attachment_id: AttachmentId, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> Response:
    return _download(uow, caller, container, attachment_id)


@api.get(
    "/threads/{thread_id}/export",
    summary=(
        "Export a thread as a watermarked PDF or CSV (never RED; H1+ needs consent); a long "
        "thread answers 202 Accepted with the Location of its prepared export"
    ),
    description=(
        "A thread of many messages is exported by a background job. The refusals are the "
        "same, at once; otherwise the answer is 202 Accepted, with a Location header naming "
        "the prepared export: its status (`queued`, `running`, `ready`, `failed`, `expired`) "
        "and, once ready, the URL to download the file from, for the user who asked only, "
        "while they may still read the thread."
    ),
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}, "text/csv": {}}},
        202: {"model": PreparedExportOut, "description": "The export is being prepared."},
    },
)
def export_api(
    request: Request,
    thread_id: ThreadId,
    uow: UowDep,
    caller: CallerDep,
    container: ContainerDep,
    format: Annotated[Line, Query(pattern="^(pdf|csv)$")] = "csv",
    to: ThirdPartyQuery = None,
) -> Response:
    found = _export_or_prepare(request, uow, caller, container, thread_id, format, to or None)
    if isinstance(found, PreparedExport):
        out = _prepared_out(prepared.progress(uow, caller, found.id))
        uow.commit()
        return JSONResponse(
            out.model_dump(mode="json"),
            status_code=status.HTTP_202_ACCEPTED,
            headers={"Location": f"{PREPARED_API}/{found.public_id}"},
        )
    uow.commit()
    return _file(found)


@api.get(
    "/prepared-exports/{prepared_id}",
    summary="The status of one's own export of a long thread; the download once it is ready",
)
def prepared_api(
    prepared_id: PreparedExportId, uow: UowDep, caller: CallerDep
) -> PreparedExportOut:
    return _prepared_out(prepared.progress(uow, caller, prepared_id))


@api.get(
    "/prepared-exports/{prepared_id}/file",
    summary="Download one's own prepared export while one may still read the thread",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "text/csv": {}}}},
)
def prepared_file_api(
    prepared_id: PreparedExportId, uow: UowDep, caller: CallerDep, container: ContainerDep
) -> Response:
    return _deliver(uow, caller, container, prepared_id)
