"""What the council's page and API routes share: their routers, the path types of its
objects, the context of its pages, the marking fields of its forms, and the few ways a
route answers (a page, a redirect back, a file, a reference to what it created)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from interagency.council import (
    access,
    documents,
    exporting,
    labels,
    meetings,
    policy,
    programmes,
    reports,
)
from interagency.council.models import (
    AnnualReport,
    Decision,
    Document,
    FollowUpTask,
    Measure,
    Meeting,
    Programme,
)
from interagency.council.schemas import Reference
from interagency.db import UnitOfWork
from interagency.egress import downloads, file_requests
from interagency.identity.audit_access import name_kind
from interagency.identity.principals import Caller
from interagency.inputs import Line, Text
from interagency.markings import HandlingCode, Tlp
from interagency.web.forms import done
from interagency.web.ids import key_of
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES
from interagency.web.templating import Renderer

Out = TypeVar("Out")


def page_router() -> APIRouter:
    return APIRouter(prefix="/council", include_in_schema=False)


def api_router() -> APIRouter:
    return APIRouter(
        prefix="/api/v1/council",
        tags=["council"],
        responses=PROBLEM_RESPONSES,
        dependencies=API_DEPENDENCIES,
    )


FormText = Annotated[Text, Form(max_length=500_000)]
OptionalText = Annotated[Text, Form(max_length=20_000)]
MeetingId = Annotated[int, Depends(key_of(Meeting, "meeting_id"))]
DecisionId = Annotated[int, Depends(key_of(Decision, "decision_id"))]
TaskId = Annotated[int, Depends(key_of(FollowUpTask, "task_id"))]
DocumentId = Annotated[int, Depends(key_of(Document, "document_id"))]
ProgrammeId = Annotated[int, Depends(key_of(Programme, "programme_id"))]
MeasureId = Annotated[int, Depends(key_of(Measure, "measure_id"))]
ReportId = Annotated[int, Depends(key_of(AnnualReport, "report_id"))]
for _kind, _model in (
    (meetings.KIND, Meeting),
    (documents.KIND, Document),
    (programmes.KIND, Programme),
    (reports.KIND, AnnualReport),
):
    name_kind(_kind, _model)


def lines(text: str) -> list[str]:
    """The entries of a text field that lists one per line (or separated by commas)."""
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def marking_form(
    handling_code: Annotated[Line, Form(max_length=2)] = "H2",
    tlp: Annotated[Line, Form(max_length=16)] = "AMBER",
    handling_note: Annotated[Line, Form(max_length=500)] = "",
) -> dict[str, Any]:
    """The marking fields every creating form has, as the input models' `marking`."""
    return {"handling_code": handling_code, "tlp": tlp, "handling_note": handling_note or None}


MarkingForm = Annotated[dict[str, Any], Depends(marking_form)]


def context(request: Request, uow: UnitOfWork, **values: Any) -> dict[str, Any]:
    principal = request.state.principal
    today = date.today()
    return {
        "codes": access.codes(uow),
        "names": access.agency_names(uow, request.state.language),
        "label": labels.label,
        "today": today,
        "overdue": lambda task: meetings.is_overdue(task, today),
        "may": lambda action, marked=None, concerned=(): policy.may(
            principal, policy.Action(action), marked.tlp if marked else "CLEAR", concerned
        ),
        "handling_codes": list(HandlingCode),
        "tlps": list(Tlp),
        **values,
    }


def show(
    request: Request, uow: UnitOfWork, renderer: Renderer, template: str, **values: Any
) -> Response:
    """A page: the reads the services audited are committed before it is rendered."""
    uow.commit()
    return renderer.render(request, template, context(request, uow, **values))


def back(request: Request, uow: UnitOfWork, target: str, message: str) -> Response:
    """After a change from a page, to `target`, whose `{names}` are the path's own
    parameters (the public ids the form was posted to)."""
    return done(request, uow, target.format(**request.path_params), message)


# Files are asked for and sent as every feature's are.
PageExport = file_requests.PageFile
ApiExport = file_requests.ApiFile
exported = file_requests.sent


class Public(Protocol):
    @property
    def public_id(self) -> str: ...


def reference(uow: UnitOfWork, row: Public) -> Reference:
    """The answer of an API change: the public id of what it created or changed."""
    reference = Reference(id=row.public_id)
    uow.commit()
    return reference


def committed(uow: UnitOfWork, build: Callable[[], Out]) -> Out:
    result = build()
    uow.commit()
    return result


def listed(
    uow: UnitOfWork,
    caller: Caller,
    response: Response,
    kind: str,
    rows: Sequence[exporting.Listed],
    summary: Callable[[exporting.Listed], Out],
) -> list[Out]:
    """The rows that pass the export gate as a bulk read, with its receipt's headers."""
    passed, receipt = exporting.listed(uow, caller, kind, rows)
    response.headers.update(downloads.receipt_headers(receipt))
    return committed(uow, lambda: [summary(row) for row in passed])


def read_one(
    uow: UnitOfWork, caller: Caller, response: Response, kind: str, row: exporting.Listed
) -> None:
    """One object read through the API passes the export gate: its receipt in the headers."""
    response.headers.update(downloads.receipt_headers(exporting.read_one(uow, caller, kind, row)))
