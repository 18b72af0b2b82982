"""Routes of the council secretariat: HTML pages under /council and the JSON API under
/api/v1/council. Thin: every decision is taken by the services and their policy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import Response

from interagency import egress, i18n
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
from interagency.council.charts import progress_bars
from interagency.council.models import (
    AnnualReport,
    Decision,
    Document,
    DocumentKind,
    FollowUpTask,
    Measure,
    MeasureStatus,
    Meeting,
    Programme,
    TaskStatus,
)
from interagency.council.schemas import (
    MAX_ID,
    AdoptionIn,
    AgencyResult,
    AgendaItemIn,
    AgendaItemOut,
    CommentIn,
    ContributionIn,
    DecisionIn,
    DecisionOut,
    DiffLineOut,
    DocumentIn,
    DocumentOut,
    DocumentSummary,
    MeasureIn,
    MeetingIn,
    MeetingOut,
    MeetingSummary,
    ParticipantIn,
    PeriodResult,
    PositionIn,
    PositionOut,
    ProgrammeIn,
    ProgrammeResultsOut,
    Reference,
    ReportIn,
    StatusUpdateIn,
    TaskIn,
    TaskOut,
    TaskStatusIn,
    VersionIn,
    VersionOut,
)
from interagency.db import PUBLIC_ID_LENGTH, UnitOfWork
from interagency.egress import downloads
from interagency.identity.audit_access import name_kind
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.inputs import Line, Text
from interagency.markings import HandlingCode, Tlp
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.forms import Model, done, valid
from interagency.web.ids import key_of
from interagency.web.openapi import API_DEPENDENCIES, PROBLEM_RESPONSES

pages = APIRouter(prefix="/council", include_in_schema=False)
api = APIRouter(
    prefix="/api/v1/council",
    tags=["council"],
    responses=PROBLEM_RESPONSES,
    dependencies=API_DEPENDENCIES,
)

FormText = Annotated[Text, Form(max_length=500_000)]
OptionalText = Annotated[Text, Form(max_length=20_000)]


def marking_fields(handling_code: str, tlp: str, handling_note: str) -> dict[str, Any]:
    return {"handling_code": handling_code, "tlp": tlp, "handling_note": handling_note or None}


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def context(request: Request, uow: UnitOfWork, **values: Any) -> dict[str, Any]:
    principal = request.state.principal
    today = date.today()
    return {
        "codes": access.codes(uow),
        "names": access.agency_names(uow, request.state.language),
        "label": labels.label,
        "marking": access.label,
        "today": today,
        "overdue": lambda task: meetings.is_overdue(task, today),
        "may": lambda action, marked=None, concerned=(): policy.may(
            principal, policy.Action(action), marked.tlp if marked else "CLEAR", concerned
        ),
        "handling_codes": list(HandlingCode),
        "tlps": list(Tlp),
        **values,
    }


def export_response(file: exporting.ExportFile) -> Response:
    return downloads.file_response(file.receipt, file.content, file.media_type, file.filename)


Language = Annotated[Line | None, Query(pattern="^(ru|en)$")]
# A third party the secretariat registered, by its public id: the file is made for it.
ThirdPartyTo = Annotated[
    Line | None,
    Query(
        pattern=f"^[a-z2-7]{{{PUBLIC_ID_LENGTH}}}$",
        description="The public id of the registered third party the file is made for",
    ),
]
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


def export_language(request: Request, lang: str | None) -> str:
    return lang or str(request.state.language)


def export_options(
    request: Request, fmt: exporting.Format, lang: str | None, to: str | None, timezone: str
) -> exporting.Options:
    return exporting.Options(
        fmt,
        export_language(request, lang),
        timezone,
        egress.to_third_party(to) if to else egress.READER,
    )


# --- overview and meetings ---------------------------------------------------------------


@pages.get("")
def overview(request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep) -> Response:
    rows = meetings.list_meetings(uow, caller)
    overdue = meetings.overdue_tasks(uow, caller, date.today())
    uow.commit()
    return renderer.render(
        request,
        "council/overview.html",
        context(request, uow, meetings=rows, overdue_rows=overdue),
    )


@pages.post("/meetings")
def create_meeting(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    number: Annotated[Line, Form(max_length=10)],
    title: Annotated[Line, Form(max_length=300)],
    held_on: Annotated[Line, Form(max_length=10)],
    place: Annotated[Line, Form(max_length=200)],
    chair: Annotated[Line, Form(max_length=200)],
    participants: Annotated[Text, Form(max_length=2000)] = "",
    handling_code: Annotated[Line, Form(max_length=2)] = "H2",
    tlp: Annotated[Line, Form(max_length=16)] = "AMBER",
    handling_note: Annotated[Line, Form(max_length=500)] = "",
) -> Response:
    data = valid(
        MeetingIn,
        {
            "number": number,
            "title": title,
            "held_on": held_on,
            "place": place,
            "chair": chair,
            "participants": [{"agency": code} for code in lines(participants)],
            "marking": marking_fields(handling_code, tlp, handling_note),
        },
    )
    meeting = meetings.create_meeting(uow, caller, data)
    return done(
        request,
        uow,
        f"/council/meetings/{meeting.public_id}",
        i18n.gettext("Meeting No. %(number)s created.") % {"number": meeting.number},
    )


@pages.get("/meetings/{meeting_id}")
def meeting_page(
    request: Request, meeting_id: MeetingId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    meeting = meetings.get_meeting(uow, caller, meeting_id)
    candidates = documents.list_documents(uow, caller)
    principal = caller.principal
    assert principal is not None  # (get_meeting let them see it)
    uow.commit()
    return renderer.render(
        request,
        "council/meeting.html",
        context(
            request,
            uow,
            meeting=meeting,
            concerned=meetings.concerned(meeting),
            documents=candidates,
            linked=lambda item: meetings.documents_of(principal, item),
            task_statuses=list(TaskStatus),
        ),
    )


@pages.post("/meetings/{meeting_id}/participants")
def add_participant(
    request: Request,
    meeting_id: MeetingId,
    uow: UowDep,
    caller: CallerDep,
    agency: Annotated[Line, Form(max_length=32)],
    delegates: Annotated[Text, Form(max_length=2000)] = "",
) -> Response:
    data = valid(ParticipantIn, {"agency": agency, "delegates": delegates})
    meetings.set_participant(uow, caller, meeting_id, data.agency, data.delegates)
    return done(
        request,
        uow,
        f"/council/meetings/{request.path_params['meeting_id']}",
        i18n.gettext("Delegation saved."),
    )


@pages.post("/meetings/{meeting_id}/items")
def add_item(
    request: Request,
    meeting_id: MeetingId,
    uow: UowDep,
    caller: CallerDep,
    title: Annotated[Line, Form(max_length=500)],
    document_ids: Annotated[list[Line], Form(default_factory=list, max_length=20)],
    rapporteur: Annotated[Line, Form(max_length=32)] = "",
) -> Response:
    data = valid(
        AgendaItemIn,
        {"title": title, "rapporteur": rapporteur or None, "document_ids": document_ids},
    )
    item = meetings.add_agenda_item(uow, caller, meeting_id, data)
    return done(
        request,
        uow,
        f"/council/meetings/{request.path_params['meeting_id']}#agenda",
        i18n.gettext("Agenda item %(number)s added.") % {"number": item.number},
    )


@pages.post("/meetings/{meeting_id}/items/{number}/outcome")
def item_outcome(
    request: Request,
    meeting_id: MeetingId,
    number: Annotated[int, Path(ge=1, le=1000)],
    uow: UowDep,
    caller: CallerDep,
    outcome: OptionalText = "",
) -> Response:
    meetings.record_outcome(uow, caller, meeting_id, number, outcome)
    return done(
        request,
        uow,
        f"/council/meetings/{request.path_params['meeting_id']}#agenda",
        i18n.gettext("Outcome of item %(number)s saved.") % {"number": number},
    )


@pages.post("/meetings/{meeting_id}/minutes")
def save_minutes(
    request: Request, meeting_id: MeetingId, uow: UowDep, caller: CallerDep, minutes: FormText
) -> Response:
    meetings.save_minutes(uow, caller, meeting_id, minutes)
    return done(
        request,
        uow,
        f"/council/meetings/{request.path_params['meeting_id']}#minutes",
        i18n.gettext("Minutes saved."),
    )


@pages.post("/meetings/{meeting_id}/decisions")
def add_decision(
    request: Request,
    meeting_id: MeetingId,
    uow: UowDep,
    caller: CallerDep,
    text: OptionalText,
    item_number: Annotated[Line, Form(max_length=6)] = "",
) -> Response:
    data = valid(DecisionIn, {"text": text, "item_number": item_number or None})
    decision = meetings.add_decision(uow, caller, meeting_id, data)
    return done(
        request,
        uow,
        f"/council/meetings/{request.path_params['meeting_id']}#decisions",
        i18n.gettext("Decision %(number)s recorded.") % {"number": decision.number},
    )


@pages.post("/decisions/{decision_id}/tasks")
def add_task(
    request: Request,
    decision_id: DecisionId,
    uow: UowDep,
    caller: CallerDep,
    agency: Annotated[Line, Form(max_length=32)],
    description: OptionalText,
    due_on: Annotated[Line, Form(max_length=10)],
) -> Response:
    data = valid(TaskIn, {"agency": agency, "description": description, "due_on": due_on})
    task = meetings.add_task(uow, caller, decision_id, data)
    meeting = _meeting_of_task(uow, task)
    return done(
        request, uow, f"/council/meetings/{meeting}#decisions", i18n.gettext("Task assigned.")
    )


@pages.post("/tasks/{task_id}")
def update_task(
    request: Request,
    task_id: TaskId,
    uow: UowDep,
    caller: CallerDep,
    status: Annotated[Line, Form(max_length=16)],
) -> Response:
    task = meetings.update_task(uow, caller, task_id, valid(TaskStatusIn, {"status": status}))
    meeting = _meeting_of_task(uow, task)
    return done(
        request, uow, f"/council/meetings/{meeting}#decisions", i18n.gettext("Task updated.")
    )


def _meeting_of_task(uow: UnitOfWork, task: FollowUpTask) -> str:
    """The public id of the meeting whose decision the task follows up."""
    decision = uow.session.get(Decision, task.decision_id)
    assert decision is not None
    meeting = uow.session.get(Meeting, decision.meeting_id)
    assert meeting is not None
    return meeting.public_id


@pages.get("/meetings/{meeting_id}/{what}.{fmt}")
def export_meeting(
    request: Request,
    meeting_id: MeetingId,
    what: str,
    fmt: exporting.Format,
    uow: UowDep,
    caller: CallerDep,
    lang: Language = None,
    to: ThirdPartyTo = None,
) -> Response:
    options = export_options(request, fmt, lang, to, request.state.timezone)
    file = exporting.export_meeting(uow, caller, meeting_id, what, options)
    uow.commit()
    return export_response(file)


# --- documents ---------------------------------------------------------------------------


@pages.get("/documents")
def documents_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = documents.list_documents(uow, caller)
    uow.commit()
    return renderer.render(
        request,
        "council/documents.html",
        context(request, uow, documents=rows, kinds=list(DocumentKind)),
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
    handling_code: Annotated[Line, Form(max_length=2)] = "H2",
    tlp: Annotated[Line, Form(max_length=16)] = "AMBER",
    handling_note: Annotated[Line, Form(max_length=500)] = "",
) -> Response:
    data = valid(
        DocumentIn,
        {
            "kind": kind,
            "title": title,
            "parties": lines(parties),
            "body": body,
            "marking": marking_fields(handling_code, tlp, handling_note),
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
    uow.commit()
    return renderer.render(
        request,
        "council/document.html",
        context(
            request,
            uow,
            document=document,
            current=documents.latest(document),
            parties=documents.parties(document),
            missing=documents.missing_approvals(document),
            meetings=held,
            adopted=[d for d in adopted if d.id != document.id],
            superseded_by=superseded_by,
        ),
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
    return done(
        request,
        uow,
        f"/council/documents/{request.path_params['document_id']}",
        i18n.gettext("Version %(number)s saved.") % {"number": documents.latest(document).number},
    )


@pages.post("/documents/{document_id}/review")
def submit_for_review(
    request: Request, document_id: DocumentId, uow: UowDep, caller: CallerDep
) -> Response:
    documents.submit_for_review(uow, caller, document_id)
    return done(
        request,
        uow,
        f"/council/documents/{request.path_params['document_id']}",
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
    return done(
        request,
        uow,
        f"/council/documents/{request.path_params['document_id']}#comments",
        i18n.gettext("Comment added."),
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
    return done(
        request,
        uow,
        f"/council/documents/{request.path_params['document_id']}",
        i18n.gettext("Position recorded."),
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
    return done(
        request,
        uow,
        f"/council/documents/{request.path_params['document_id']}",
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
    uow.commit()
    return renderer.render(
        request,
        "council/diff.html",
        context(request, uow, document=document, diff=diff, old=old, new=new),
    )


@pages.get("/documents/{document_id}/export.{fmt}")
def export_document(
    request: Request,
    document_id: DocumentId,
    fmt: exporting.Format,
    uow: UowDep,
    caller: CallerDep,
    lang: Language = None,
    to: ThirdPartyTo = None,
) -> Response:
    options = export_options(request, fmt, lang, to, request.state.timezone)
    file = exporting.export_document(uow, caller, document_id, options)
    uow.commit()
    return export_response(file)


@pages.get("/register")
def register_page(
    request: Request,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
    q: Annotated[Line, Query(max_length=200)] = "",
) -> Response:
    rows = documents.register(uow, caller, q)
    superseding = {d.id: documents.register_number_of(uow, d.superseded_by_id) for d in rows}
    uow.commit()
    return renderer.render(
        request,
        "council/register.html",
        context(request, uow, documents=rows, query=q, superseding=superseding),
    )


# --- programmes --------------------------------------------------------------------------


@pages.get("/programmes")
def programmes_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = programmes.list_programmes(uow, caller)
    uow.commit()
    return renderer.render(
        request, "council/programmes.html", context(request, uow, programmes=rows)
    )


@pages.post("/programmes")
def create_programme(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    code: Annotated[Line, Form(max_length=32)],
    title: Annotated[Line, Form(max_length=500)],
    first_year: Annotated[Line, Form(max_length=4)],
    last_year: Annotated[Line, Form(max_length=4)],
    handling_code: Annotated[Line, Form(max_length=2)] = "H2",
    tlp: Annotated[Line, Form(max_length=16)] = "AMBER",
    handling_note: Annotated[Line, Form(max_length=500)] = "",
) -> Response:
    data = valid(
        ProgrammeIn,
        {
            "code": code,
            "title": title,
            "first_year": first_year,
            "last_year": last_year,
            "marking": marking_fields(handling_code, tlp, handling_note),
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
    uow.commit()
    codes = access.codes(uow)
    period_chart = progress_bars(
        i18n.gettext("Progress at the end of each year"),
        [(str(p.year), p.average_progress) for p in results.by_period],
    )
    agency_chart = progress_bars(
        i18n.gettext("Progress by agency"),
        [(codes.get(a.agency_id, "?"), a.average_progress) for a in results.by_agency],
    )
    return renderer.render(
        request,
        "council/programme.html",
        context(
            request,
            uow,
            programme=programme,
            results=results,
            progress=programmes.progress_at,
            concerned=programmes.concerned(programme),
            period_chart=period_chart,
            agency_chart=agency_chart,
            measure_statuses=list(MeasureStatus),
        ),
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
    indicators = []
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
    return done(
        request,
        uow,
        f"/council/programmes/{request.path_params['programme_id']}",
        i18n.gettext("Measure added."),
    )


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
    return done(
        request,
        uow,
        f"/council/programmes/{request.path_params['programme_id']}",
        i18n.gettext("The programme is finished; its results are final."),
    )


@pages.get("/programmes/{programme_id}/results.{fmt}")
def export_results(
    request: Request,
    programme_id: ProgrammeId,
    fmt: exporting.Format,
    uow: UowDep,
    caller: CallerDep,
    lang: Language = None,
    to: ThirdPartyTo = None,
) -> Response:
    options = export_options(request, fmt, lang, to, request.state.timezone)
    file = exporting.export_results(uow, caller, programme_id, options)
    uow.commit()
    return export_response(file)


# --- annual reports ----------------------------------------------------------------------


@pages.get("/reports")
def reports_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = reports.list_reports(uow, caller)
    uow.commit()
    return renderer.render(request, "council/reports.html", context(request, uow, reports=rows))


@pages.post("/reports")
def create_report(
    request: Request,
    uow: UowDep,
    caller: CallerDep,
    body: Annotated[Line, Form(max_length=200)],
    year: Annotated[Line, Form(max_length=4)],
    title: Annotated[Line, Form(max_length=500)],
    sections: Annotated[Text, Form(max_length=10_000)],
    handling_code: Annotated[Line, Form(max_length=2)] = "H2",
    tlp: Annotated[Line, Form(max_length=16)] = "AMBER",
    handling_note: Annotated[Line, Form(max_length=500)] = "",
) -> Response:
    data = valid(
        ReportIn,
        {
            "body": body,
            "year": year,
            "title": title,
            "sections": [s.strip() for s in sections.splitlines() if s.strip()],
            "marking": marking_fields(handling_code, tlp, handling_note),
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
    uow.commit()
    return renderer.render(request, "council/report.html", context(request, uow, report=report))


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
    return done(
        request,
        uow,
        f"/council/reports/{request.path_params['report_id']}",
        i18n.gettext("Contribution saved."),
    )


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


# --- JSON API ----------------------------------------------------------------------------


def meeting_summary(meeting: Meeting) -> MeetingSummary:
    return MeetingSummary(
        id=meeting.public_id,
        number=meeting.number,
        title=meeting.title,
        held_on=meeting.held_on,
        place=meeting.place,
        status=meeting.status,
        marking=access.label(meeting),
    )


def meeting_out(uow: UnitOfWork, principal: Principal, meeting: Meeting) -> MeetingOut:
    codes = access.codes(uow)
    numbers = {item.id: item.number for item in meeting.items}
    today = date.today()
    return MeetingOut(
        **meeting_summary(meeting).model_dump(),
        chair=meeting.chair,
        participants=[
            ParticipantIn(agency=codes[p.agency_id], delegates=p.delegates)
            for p in meeting.participants
        ],
        agenda=[
            AgendaItemOut(
                number=i.number,
                title=i.title,
                rapporteur=codes.get(i.rapporteur_agency_id or 0),
                outcome=i.outcome,
                document_ids=[d.public_id for d in meetings.documents_of(principal, i)],
            )
            for i in meeting.items
        ],
        minutes=meeting.minutes,
        decisions=[
            DecisionOut(
                id=d.public_id,
                number=d.number,
                text=d.text,
                item_number=numbers.get(d.agenda_item_id or 0),
                tasks=[
                    TaskOut(
                        id=t.public_id,
                        agency=codes[t.agency_id],
                        description=t.description,
                        due_on=t.due_on,
                        status=TaskStatus(t.status),
                        overdue=meetings.is_overdue(t, today),
                    )
                    for t in d.tasks
                ],
            )
            for d in meeting.decisions
        ],
    )


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


def _committed(uow: UnitOfWork, build: Callable[[], Model]) -> Model:
    result = build()
    uow.commit()
    return result


@api.get("/meetings", summary="Meetings the caller may see, newest first")
def api_meetings(uow: UowDep, caller: CallerDep, response: Response) -> list[MeetingSummary]:
    rows = meetings.list_meetings(uow, caller)
    passed, receipt = exporting.listed(uow, caller, meetings.KIND, rows)
    response.headers.update(downloads.receipt_headers(receipt))
    uow.commit()
    return [meeting_summary(m) for m in passed]


@api.post("/meetings", status_code=201, summary="Create a meeting (secretariat)")
def api_create_meeting(data: MeetingIn, uow: UowDep, caller: CallerDep) -> Reference:
    meeting = meetings.create_meeting(uow, caller, data)
    return _committed(uow, lambda: Reference(id=meeting.public_id))


@api.get("/meetings/{meeting_id}", summary="A meeting with its agenda, minutes and decisions")
def api_meeting(
    meeting_id: MeetingId, uow: UowDep, caller: CallerDep, response: Response
) -> MeetingOut:
    meeting = meetings.get_meeting(uow, caller, meeting_id)
    principal = caller.principal
    assert principal is not None  # (get_meeting let them see it)
    response.headers.update(
        downloads.receipt_headers(exporting.read_one(uow, caller, meetings.KIND, meeting))
    )
    return _committed(uow, lambda: meeting_out(uow, principal, meeting))


@api.post("/meetings/{meeting_id}/items", status_code=201, summary="Add an agenda item")
def api_add_item(
    meeting_id: MeetingId, data: AgendaItemIn, uow: UowDep, caller: CallerDep
) -> AgendaItemOut:
    item = meetings.add_agenda_item(uow, caller, meeting_id, data)
    codes = access.codes(uow)
    principal = caller.principal
    assert principal is not None  # (only the secretariat adds items)
    return _committed(
        uow,
        lambda: AgendaItemOut(
            number=item.number,
            title=item.title,
            rapporteur=codes.get(item.rapporteur_agency_id or 0),
            outcome=item.outcome,
            document_ids=[d.public_id for d in meetings.documents_of(principal, item)],
        ),
    )


@api.post("/meetings/{meeting_id}/decisions", status_code=201, summary="Record a decision")
def api_add_decision(
    meeting_id: MeetingId, data: DecisionIn, uow: UowDep, caller: CallerDep
) -> Reference:
    decision = meetings.add_decision(uow, caller, meeting_id, data)
    return _committed(uow, lambda: Reference(id=decision.public_id))


@api.post("/decisions/{decision_id}/tasks", status_code=201, summary="Assign a follow-up task")
def api_add_task(
    decision_id: DecisionId, data: TaskIn, uow: UowDep, caller: CallerDep
) -> Reference:
    task = meetings.add_task(uow, caller, decision_id, data)
    return _committed(uow, lambda: Reference(id=task.public_id))


@api.put("/tasks/{task_id}/status", summary="Report a task done, cancelled or open again")
def api_update_task(
    task_id: TaskId, data: TaskStatusIn, uow: UowDep, caller: CallerDep
) -> Reference:
    task = meetings.update_task(uow, caller, task_id, data)
    return _committed(uow, lambda: Reference(id=task.public_id))


@api.get("/documents", summary="Joint documents the caller may see")
def api_documents(uow: UowDep, caller: CallerDep, response: Response) -> list[DocumentSummary]:
    rows = documents.list_documents(uow, caller)
    return _document_list(uow, caller, response, rows)


def _document_list(
    uow: UnitOfWork, caller: Caller, response: Response, rows: Sequence[Document]
) -> list[DocumentSummary]:
    """The documents that pass the export gate as a bulk read, with its receipt's headers."""
    passed, receipt = exporting.listed(uow, caller, documents.KIND, rows)
    response.headers.update(downloads.receipt_headers(receipt))
    summaries = [document_summary(uow, d) for d in passed]
    uow.commit()
    return summaries


@api.post("/documents", status_code=201, summary="Create a draft joint document (secretariat)")
def api_create_document(data: DocumentIn, uow: UowDep, caller: CallerDep) -> Reference:
    document = documents.create_document(uow, caller, data)
    return _committed(uow, lambda: Reference(id=document.public_id))


@api.get("/documents/{document_id}", summary="A joint document with its versions and positions")
def api_document(
    document_id: DocumentId, uow: UowDep, caller: CallerDep, response: Response
) -> DocumentOut:
    document = documents.get_document(uow, caller, document_id)
    response.headers.update(
        downloads.receipt_headers(exporting.read_one(uow, caller, documents.KIND, document))
    )
    return _committed(uow, lambda: document_out(uow, document))


@api.post("/documents/{document_id}/positions", status_code=201, summary="Approve or object")
def api_position(
    document_id: DocumentId, data: PositionIn, uow: UowDep, caller: CallerDep
) -> Reference:
    row = documents.take_position(uow, caller, document_id, data)
    return _committed(uow, lambda: Reference(id=row.public_id))


@api.post("/documents/{document_id}/adoption", summary="Adopt at a meeting (secretariat)")
def api_adopt(
    document_id: DocumentId, data: AdoptionIn, uow: UowDep, caller: CallerDep
) -> DocumentSummary:
    document = documents.adopt(uow, caller, document_id, data)
    return _committed(uow, lambda: document_summary(uow, document))


@api.get("/documents/{document_id}/diff", summary="Line differences between two versions")
def api_diff(
    document_id: DocumentId,
    uow: UowDep,
    caller: CallerDep,
    old: Annotated[int, Query(ge=1, le=100_000)],
    new: Annotated[int, Query(ge=1, le=100_000)],
) -> list[DiffLineOut]:
    _document, lines_ = documents.diff(uow, caller, document_id, old, new)
    uow.commit()
    return [
        DiffLineOut(kind=d.kind, old_number=d.old_number, new_number=d.new_number, text=d.text)
        for d in lines_
    ]


@api.get("/register", summary="Search the register of adopted documents")
def api_register(
    uow: UowDep,
    caller: CallerDep,
    response: Response,
    q: Annotated[Line, Query(max_length=200)] = "",
) -> list[DocumentSummary]:
    rows = documents.register(uow, caller, q)
    return _document_list(uow, caller, response, rows)


@api.post("/measures/{measure_id}/updates", status_code=201, summary="Report progress")
def api_post_update(
    measure_id: MeasureId, data: StatusUpdateIn, uow: UowDep, caller: CallerDep
) -> Reference:
    update = programmes.post_update(uow, caller, measure_id, data)
    return _committed(uow, lambda: Reference(id=update.public_id))


@api.get("/programmes/{programme_id}/results", summary="Results per period and per agency")
def api_results(programme_id: ProgrammeId, uow: UowDep, caller: CallerDep) -> ProgrammeResultsOut:
    results = programmes.results(uow, caller, programme_id)
    codes = access.codes(uow)
    programme = results.programme
    out = ProgrammeResultsOut(
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
    uow.commit()
    return out


@api.post("/reports/{report_id}/contributions", status_code=201, summary="Contribute a section")
def api_contribute(
    report_id: ReportId, data: ContributionIn, uow: UowDep, caller: CallerDep
) -> Reference:
    row = reports.contribute(uow, caller, report_id, data)
    return _committed(uow, lambda: Reference(id=row.public_id))


@api.post("/reports", status_code=201, summary="Open an annual report (secretariat)")
def api_create_report(data: ReportIn, uow: UowDep, caller: CallerDep) -> Reference:
    report = reports.create_report(uow, caller, data)
    return _committed(uow, lambda: Reference(id=report.public_id))


@api.post("/programmes", status_code=201, summary="Create a programme (secretariat)")
def api_create_programme(data: ProgrammeIn, uow: UowDep, caller: CallerDep) -> Reference:
    programme = programmes.create_programme(uow, caller, data)
    return _committed(uow, lambda: Reference(id=programme.public_id))


@api.post("/programmes/{programme_id}/measures", status_code=201, summary="Add a measure")
def api_add_measure(
    programme_id: ProgrammeId, data: MeasureIn, uow: UowDep, caller: CallerDep
) -> Reference:
    measure = programmes.add_measure(uow, caller, programme_id, data)
    return _committed(uow, lambda: Reference(id=measure.public_id))


@api.get(
    "/programmes/{programme_id}/results.{fmt}",
    summary="The programme's results report as PDF or DOCX",
    response_class=Response,
    responses={200: {"content": {exporting.MEDIA_TYPES[f]: {} for f in exporting.Format}}},
)
def api_export_results(
    request: Request,
    programme_id: ProgrammeId,
    fmt: exporting.Format,
    uow: UowDep,
    caller: CallerDep,
    lang: Language = None,
    to: ThirdPartyTo = None,
) -> Response:
    options = export_options(request, fmt, lang, to, "UTC")
    file = exporting.export_results(uow, caller, programme_id, options)
    uow.commit()
    return export_response(file)
