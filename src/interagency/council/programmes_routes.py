"""The council's programmes: measures, the progress the responsible agencies report and the
results per period and per agency, as pages and in the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request, Response

from interagency import i18n
from interagency.council import access, exporting, programmes
from interagency.council.charts import progress_bars
from interagency.council.models import MeasureStatus
from interagency.council.routing import (
    ApiExport,
    MarkingForm,
    MeasureId,
    OptionalText,
    PageExport,
    ProgrammeId,
    api_router,
    back,
    committed,
    exported,
    lines,
    page_router,
    reference,
    show,
)
from interagency.council.schemas import (
    AgencyResult,
    MeasureIn,
    PeriodResult,
    ProgrammeIn,
    ProgrammeResultsOut,
    Reference,
    StatusUpdateIn,
)
from interagency.db import PUBLIC_ID_LENGTH
from interagency.egress.file_requests import FILE_RESPONSES
from interagency.inputs import Line, Text
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.forms import done, valid

pages = page_router()
api = api_router()


@pages.get("/programmes")
def programmes_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = programmes.list_programmes(uow, caller)
    return show(request, uow, renderer, "council/programmes.html", programmes=rows)


@pages.post("/programmes")
def create_programme(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    code: Annotated[Line, Form(max_length=32)],
    title: Annotated[Line, Form(max_length=500)],
    first_year: Annotated[Line, Form(max_length=4)],
    last_year: Annotated[Line, Form(max_length=4)],
    marking: MarkingForm,
) -> Response:
    data = valid(
        ProgrammeIn,
        {
            "code": code,
            "title": title,
            "first_year": first_year,
            "last_year": last_year,
            "marking": marking,
        },
    )
    programme = programmes.create_programme(uow, caller, data)
    return done(
        request,
        uow,
        f"/council/programmes/{programme.public_id}",
        i18n.gettext("Programme created."),
    )


@pages.get("/programmes/{programme_id}")
def programme_page(
    request: Request,
    programme_id: ProgrammeId,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
) -> Response:
    programme = programmes.get_programme(uow, caller, programme_id)
    results = programmes.results(uow, caller, programme_id)
    codes = access.codes(uow)
    period_chart = progress_bars(
        i18n.gettext("Progress at the end of each year"),
        [(str(p.year), p.average_progress) for p in results.by_period],
    )
    agency_chart = progress_bars(
        i18n.gettext("Progress by agency"),
        [(codes.get(a.agency_id, "?"), a.average_progress) for a in results.by_agency],
    )
    return show(
        request,
        uow,
        renderer,
        "council/programme.html",
        programme=programme,
        results=results,
        progress=programmes.progress_at,
        concerned=programmes.concerned(programme),
        period_chart=period_chart,
        agency_chart=agency_chart,
        measure_statuses=list(MeasureStatus),
    )


@pages.post("/programmes/{programme_id}/measures")
def add_measure(
    request: Request,
    programme_id: ProgrammeId,
    uow: UowDep,
    caller: CallerDep,
    number: Annotated[Line, Form(max_length=16)],
    title: Annotated[Line, Form(max_length=500)],
    due_on: Annotated[Line, Form(max_length=10)],
    responsible: Annotated[Text, Form(max_length=2000)],
    indicator_name: Annotated[Line, Form(max_length=300)] = "",
    indicator_unit: Annotated[Line, Form(max_length=32)] = "",
    indicator_target: Annotated[Line, Form(max_length=20)] = "",
) -> Response:
    indicators: list[dict[str, Any]] = []
    if indicator_name:
        indicators.append(
            {"name": indicator_name, "unit": indicator_unit, "target": indicator_target}
        )
    data = valid(
        MeasureIn,
        {
            "number": number,
            "title": title,
            "due_on": due_on,
            "responsible": lines(responsible),
            "indicators": indicators,
        },
    )
    programmes.add_measure(uow, caller, programme_id, data)
    return back(request, uow, "/council/programmes/{programme_id}", i18n.gettext("Measure added."))


@pages.post("/measures/{measure_id}/updates")
def post_update(
    request: Request,
    measure_id: MeasureId,
    uow: UowDep,
    caller: CallerDep,
    programme_id: Annotated[Line, Form(max_length=PUBLIC_ID_LENGTH)],
    reported_on: Annotated[Line, Form(max_length=10)],
    progress: Annotated[Line, Form(max_length=3)],
    text: OptionalText,
    evidence: OptionalText,
    status: Annotated[Line, Form(max_length=16)] = "",
    indicator_id: Annotated[Line, Form(max_length=PUBLIC_ID_LENGTH)] = "",
    value: Annotated[Line, Form(max_length=20)] = "",
) -> Response:
    data = valid(
        StatusUpdateIn,
        {
            "reported_on": reported_on,
            "progress": progress,
            "status": status or None,
            "indicator_id": indicator_id or None if value else None,
            "value": value or None,
            "text": text,
            "evidence": evidence,
        },
    )
    programmes.post_update(uow, caller, measure_id, data)
    return done(
        request, uow, f"/council/programmes/{programme_id}", i18n.gettext("Progress reported.")
    )


@pages.post("/programmes/{programme_id}/finish")
def finish_programme(
    request: Request, programme_id: ProgrammeId, uow: UowDep, caller: CallerDep
) -> Response:
    programmes.finish(uow, caller, programme_id)
    return back(
        request,
        uow,
        "/council/programmes/{programme_id}",
        i18n.gettext("The programme is finished; its results are final."),
    )


@pages.get("/programmes/{programme_id}/results.{fmt}")
def export_results(
    programme_id: ProgrammeId, options: PageExport, uow: UowDep, caller: CallerDep
) -> Response:
    return exported(uow, exporting.export_results(uow, caller, programme_id, options))


# --- API ---------------------------------------------------------------------------------


def results_out(results: programmes.Results, codes: dict[int, str]) -> ProgrammeResultsOut:
    programme = results.programme
    return ProgrammeResultsOut(
        code=programme.code,
        title=programme.title,
        first_year=programme.first_year,
        last_year=programme.last_year,
        marking=access.label(programme),
        measures=results.measures,
        done=results.done,
        average_progress=round(results.average_progress, 1),
        by_period=[
            PeriodResult(
                year=p.year,
                updates=p.updates,
                measures_reported=p.measures_reported,
                average_progress=round(p.average_progress, 1),
            )
            for p in results.by_period
        ],
        by_agency=[
            AgencyResult(
                agency=codes[a.agency_id],
                measures=a.measures,
                done=a.done,
                average_progress=round(a.average_progress, 1),
                updates=a.updates,
            )
            for a in results.by_agency
        ],
    )


@api.post("/measures/{measure_id}/updates", status_code=201, summary="Report progress")
def api_post_update(
    measure_id: MeasureId, data: StatusUpdateIn, uow: UowDep, caller: CallerDep
) -> Reference:
    return reference(uow, programmes.post_update(uow, caller, measure_id, data))


@api.get("/programmes/{programme_id}/results", summary="Results per period and per agency")
def api_results(programme_id: ProgrammeId, uow: UowDep, caller: CallerDep) -> ProgrammeResultsOut:
    results = programmes.results(uow, caller, programme_id)
    return committed(uow, lambda: results_out(results, access.codes(uow)))


@api.post("/programmes", status_code=201, summary="Create a programme (secretariat)")
def api_create_programme(data: ProgrammeIn, uow: UowDep, caller: CallerDep) -> Reference:
    return reference(uow, programmes.create_programme(uow, caller, data))


@api.post("/programmes/{programme_id}/measures", status_code=201, summary="Add a measure")
def api_add_measure(
    programme_id: ProgrammeId, data: MeasureIn, uow: UowDep, caller: CallerDep
) -> Reference:
    return reference(uow, programmes.add_measure(uow, caller, programme_id, data))


@api.get(
    "/programmes/{programme_id}/results.{fmt}",
    summary="The programme's results report as PDF or DOCX",
    response_class=Response,
    responses=FILE_RESPONSES,
)
def api_export_results(
    options: ApiExport, programme_id: ProgrammeId, uow: UowDep, caller: CallerDep
) -> Response:
    return exported(uow, exporting.export_results(uow, caller, programme_id, options))
