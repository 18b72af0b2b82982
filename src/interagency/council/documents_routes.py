"""The council's joint documents: drafts and their versions, review by the parties,
positions, adoption and the register of adopted documents, as pages and in the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request, Response

from interagency import i18n
from interagency.council import access, documents, exporting, meetings
from interagency.council.models import Document, DocumentKind
from interagency.council.routing import (
    DocumentId,
    FormText,
    MarkingForm,
    OptionalText,
    PageExport,
    api_router,
    back,
    committed,
    exported,
    lines,
    listed,
    page_router,
    read_one,
    reference,
    show,
)
from interagency.council.schemas import (
    MAX_ID,
    AdoptionIn,
    CommentIn,
    DiffLineOut,
    DocumentIn,
    DocumentOut,
    DocumentSummary,
    PositionIn,
    PositionOut,
    Reference,
    VersionIn,
    VersionOut,
)
from interagency.db import PUBLIC_ID_LENGTH, UnitOfWork
from interagency.inputs import Line, Text
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.forms import done, valid

pages = page_router()
api = api_router()

RegisterQuery = Annotated[Line, Query(max_length=200)]


@pages.get("/documents")
def documents_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = documents.list_documents(uow, caller)
    return show(
        request, uow, renderer, "council/documents.html", documents=rows, kinds=list(DocumentKind)
    )


@pages.post("/documents")
def create_document(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    kind: Annotated[Line, Form(max_length=32)],
    title: Annotated[Line, Form(max_length=500)],
    parties: Annotated[Text, Form(max_length=2000)],
    body: FormText,
    marking: MarkingForm,
) -> Response:
    data = valid(
        DocumentIn,
        {
            "kind": kind,
            "title": title,
            "parties": lines(parties),
            "body": body,
            "marking": marking,
        },
    )
    document = documents.create_document(uow, caller, data)
    return done(
        request, uow, f"/council/documents/{document.public_id}", i18n.gettext("Draft created.")
    )


@pages.get("/documents/{document_id}")
def document_page(
    request: Request, document_id: DocumentId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    document = documents.get_document(uow, caller, document_id)
    held = meetings.list_meetings(uow, caller)
    adopted = [d for d in documents.register(uow, caller) if d.status == "adopted"]
    superseded_by = documents.register_number_of(uow, document.superseded_by_id)
    return show(
        request,
        uow,
        renderer,
        "council/document.html",
        document=document,
        current=documents.latest(document),
        parties=documents.parties(document),
        missing=documents.missing_approvals(document),
        meetings=held,
        adopted=[d for d in adopted if d.id != document.id],
        superseded_by=superseded_by,
    )


@pages.post("/documents/{document_id}/versions")
def add_version(
    request: Request,
    document_id: DocumentId,
    uow: UowDep,
    caller: CallerDep,
    body: FormText,
    note: Annotated[Text, Form(max_length=500)] = "",
) -> Response:
    data = valid(VersionIn, {"body": body, "note": note or None})
    document = documents.add_version(uow, caller, document_id, data)
    return back(
        request,
        uow,
        "/council/documents/{document_id}",
        i18n.gettext("Version %(number)s saved.") % {"number": documents.latest(document).number},
    )


@pages.post("/documents/{document_id}/review")
def submit_for_review(
    request: Request, document_id: DocumentId, uow: UowDep, caller: CallerDep
) -> Response:
    documents.submit_for_review(uow, caller, document_id)
    return back(
        request,
        uow,
        "/council/documents/{document_id}",
        i18n.gettext("The draft is sent to the parties for review."),
    )


@pages.post("/documents/{document_id}/comments")
def add_comment(
    request: Request,
    document_id: DocumentId,
    uow: UowDep,
    caller: CallerDep,
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    body: OptionalText,
) -> Response:
    documents.comment(uow, caller, document_id, version, valid(CommentIn, {"body": body}))
    return back(
        request, uow, "/council/documents/{document_id}#comments", i18n.gettext("Comment added.")
    )


@pages.post("/documents/{document_id}/positions")
def take_position(
    request: Request,
    document_id: DocumentId,
    uow: UowDep,
    caller: CallerDep,
    stance: Annotated[Line, Form(max_length=16)],
    reason: OptionalText = "",
) -> Response:
    data = valid(PositionIn, {"stance": stance, "reason": reason or None})
    documents.take_position(uow, caller, document_id, data)
    return back(
        request, uow, "/council/documents/{document_id}", i18n.gettext("Position recorded.")
    )


@pages.post("/documents/{document_id}/adopt")
def adopt(
    request: Request,
    document_id: DocumentId,
    uow: UowDep,
    caller: CallerDep,
    meeting_id: Annotated[Line, Form(max_length=PUBLIC_ID_LENGTH)],
    supersedes_id: Annotated[Line, Form(max_length=PUBLIC_ID_LENGTH)] = "",
) -> Response:
    data = valid(AdoptionIn, {"meeting_id": meeting_id, "supersedes_id": supersedes_id or None})
    document = documents.adopt(uow, caller, document_id, data)
    return back(
        request,
        uow,
        "/council/documents/{document_id}",
        i18n.gettext("Adopted and registered as No. %(number)s.")
        % {"number": document.register_number},
    )


@pages.get("/documents/{document_id}/diff")
def diff_page(
    request: Request,
    document_id: DocumentId,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    old: Annotated[int, Query(ge=1)],
    new: Annotated[int, Query(ge=1)],
) -> Response:
    document, diff = documents.diff(uow, caller, document_id, old, new)
    return show(
        request, uow, renderer, "council/diff.html", document=document, diff=diff, old=old, new=new
    )


@pages.get("/documents/{document_id}/export.{fmt}")
def export_document(
    document_id: DocumentId, options: PageExport, uow: UowDep, caller: CallerDep
) -> Response:
    return exported(uow, exporting.export_document(uow, caller, document_id, options))


@pages.get("/register")
def register_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep, q: RegisterQuery = ""
) -> Response:
    rows = documents.register(uow, caller, q)
    superseding = {d.id: documents.register_number_of(uow, d.superseded_by_id) for d in rows}
    return show(
        request,
        uow,
        renderer,
        "council/register.html",
        documents=rows,
        query=q,
        superseding=superseding,
    )


# --- API ---------------------------------------------------------------------------------


def document_summary(uow: UnitOfWork, document: Document) -> DocumentSummary:
    codes = access.codes(uow)
    return DocumentSummary.model_validate(
        {
            "id": document.public_id,
            "kind": document.kind,
            "title": document.title,
            "status": document.status,
            "register_number": document.register_number,
            "adopted_on": document.adopted_on,
            "parties": sorted(codes[p.agency_id] for p in document.parties),
            "superseded_by": documents.register_number_of(uow, document.superseded_by_id),
            "marking": access.label(document),
        }
    )


def document_out(uow: UnitOfWork, document: Document) -> DocumentOut:
    codes = access.codes(uow)
    return DocumentOut(
        **document_summary(uow, document).model_dump(),
        versions=[
            VersionOut(number=v.number, note=v.note, created_at=v.created_at, body=v.body)
            for v in document.versions
        ],
        positions=[
            PositionOut.model_validate(
                {
                    "agency": codes[p.agency_id],
                    "version": v.number,
                    "stance": p.stance,
                    "reason": p.reason,
                }
            )
            for v in document.versions
            for p in v.positions
        ],
    )


@api.get("/documents", summary="Joint documents the caller may see")
def api_documents(uow: UowDep, caller: CallerDep, response: Response) -> list[DocumentSummary]:
    rows = documents.list_documents(uow, caller)
    return listed(uow, caller, response, documents.KIND, rows, lambda d: document_summary(uow, d))


@api.post("/documents", status_code=201, summary="Create a draft joint document (secretariat)")
def api_create_document(data: DocumentIn, uow: UowDep, caller: CallerDep) -> Reference:
    return reference(uow, documents.create_document(uow, caller, data))


@api.get("/documents/{document_id}", summary="A joint document with its versions and positions")
def api_document(
    document_id: DocumentId, uow: UowDep, caller: CallerDep, response: Response
) -> DocumentOut:
    document = documents.get_document(uow, caller, document_id)
    read_one(uow, caller, response, documents.KIND, document)
    return committed(uow, lambda: document_out(uow, document))


@api.post("/documents/{document_id}/positions", status_code=201, summary="Approve or object")
def api_position(
    document_id: DocumentId, data: PositionIn, uow: UowDep, caller: CallerDep
) -> Reference:
    return reference(uow, documents.take_position(uow, caller, document_id, data))


@api.post("/documents/{document_id}/adoption", summary="Adopt at a meeting (secretariat)")
def api_adopt(
    document_id: DocumentId, data: AdoptionIn, uow: UowDep, caller: CallerDep
) -> DocumentSummary:
    document = documents.adopt(uow, caller, document_id, data)
    return committed(uow, lambda: document_summary(uow, document))


@api.get("/documents/{document_id}/diff", summary="Line differences between two versions")
def api_diff(
    document_id: DocumentId,
    uow: UowDep,
    caller: CallerDep,
    old: Annotated[int, Query(ge=1, le=100_000)],
    new: Annotated[int, Query(ge=1, le=100_000)],
) -> list[DiffLineOut]:
    _document, found = documents.diff(uow, caller, document_id, old, new)
    uow.commit()
    return [
        DiffLineOut(kind=d.kind, old_number=d.old_number, new_number=d.new_number, text=d.text)
        for d in found
    ]


@api.get("/register", summary="Search the register of adopted documents")
def api_register(
    uow: UowDep, caller: CallerDep, response: Response, q: RegisterQuery = ""
) -> list[DocumentSummary]:
    rows = documents.register(uow, caller, q)
    return listed(uow, caller, response, documents.KIND, rows, lambda d: document_summary(uow, d))
