"""The council's annual reports: opened by the secretariat with their sections, written by
the member agencies' contributions and compiled into a joint document."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response

from interagency import i18n
from interagency.council import reports
from interagency.council.routing import (
    FormText,
    MarkingForm,
    ReportId,
    api_router,
    back,
    page_router,
    reference,
    show,
)
from interagency.council.schemas import ContributionIn, Reference, ReportIn
from interagency.inputs import Line, Text
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.forms import done, valid

pages = page_router()
api = api_router()


@pages.get("/reports")
def reports_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = reports.list_reports(uow, caller)
    return show(request, uow, renderer, "council/reports.html", reports=rows)


@pages.post("/reports")
def create_report(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    body: Annotated[Line, Form(max_length=200)],
    year: Annotated[Line, Form(max_length=4)],
    title: Annotated[Line, Form(max_length=500)],
    sections: Annotated[Text, Form(max_length=10_000)],
    marking: MarkingForm,
) -> Response:
    data = valid(
        ReportIn,
        {
            "body": body,
            "year": year,
            "title": title,
            "sections": [s.strip() for s in sections.splitlines() if s.strip()],
            "marking": marking,
        },
    )
    report = reports.create_report(uow, caller, data)
    return done(
        request, uow, f"/council/reports/{report.public_id}", i18n.gettext("Report opened.")
    )


@pages.get("/reports/{report_id}")
def report_page(
    request: Request, report_id: ReportId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    report = reports.get_report(uow, caller, report_id)
    return show(request, uow, renderer, "council/report.html", report=report)


@pages.post("/reports/{report_id}/contributions")
def contribute(
    request: Request,
    report_id: ReportId,
    uow: UowDep,
    caller: CallerDep,
    section_number: Annotated[int, Form(ge=1, le=1000)],
    body: FormText,
) -> Response:
    data = valid(ContributionIn, {"section_number": section_number, "body": body})
    reports.contribute(uow, caller, report_id, data)
    return back(request, uow, "/council/reports/{report_id}", i18n.gettext("Contribution saved."))


@pages.post("/reports/{report_id}/compile")
def compile_report(
    request: Request, report_id: ReportId, uow: UowDep, caller: CallerDep
) -> Response:
    document = reports.compile_report(uow, caller, report_id)
    return done(
        request,
        uow,
        f"/council/documents/{document.public_id}",
        i18n.gettext("The contributions are compiled into the report's document."),
    )


# --- API ---------------------------------------------------------------------------------


@api.post("/reports/{report_id}/contributions", status_code=201, summary="Contribute a section")
def api_contribute(
    report_id: ReportId, data: ContributionIn, uow: UowDep, caller: CallerDep
) -> Reference:
    return reference(uow, reports.contribute(uow, caller, report_id, data))


@api.post("/reports", status_code=201, summary="Open an annual report (secretariat)")
def api_create_report(data: ReportIn, uow: UowDep, caller: CallerDep) -> Reference:
    return reference(uow, reports.create_report(uow, caller, data))
