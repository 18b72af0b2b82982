"""The council's overview and its meetings: agenda, minutes, decisions and the follow-up
tasks they assign, as pages under /council and in the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Form, Path, Request, Response

from interagency import i18n
from interagency.council import access, documents, exporting, meetings
from interagency.council.models import AgendaItem, Decision, FollowUpTask, Meeting, TaskStatus
from interagency.council.routing import (
    DecisionId,
    FormText,
    MarkingForm,
    MeetingId,
    OptionalText,
    PageExport,
    TaskId,
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
    AgendaItemIn,
    AgendaItemOut,
    DecisionIn,
    DecisionOut,
    MeetingIn,
    MeetingOut,
    MeetingSummary,
    ParticipantIn,
    Reference,
    TaskIn,
    TaskOut,
    TaskStatusIn,
)
from interagency.db import UnitOfWork
from interagency.identity.policy import Principal
from interagency.inputs import Line, Text
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.forms import done, valid

pages = page_router()
api = api_router()


@pages.get("")
def overview(request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep) -> Response:
    rows = meetings.list_meetings(uow, caller)
    overdue = meetings.overdue_tasks(uow, caller, date.today())
    return show(
        request, uow, renderer, "council/overview.html", meetings=rows, overdue_rows=overdue
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
    marking: MarkingForm,
    participants: Annotated[Text, Form(max_length=2000)] = "",
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
            "marking": marking,
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
    return show(
        request,
        uow,
        renderer,
        "council/meeting.html",
        meeting=meeting,
        concerned=meetings.concerned(meeting),
        documents=candidates,
        linked=lambda item: meetings.documents_of(principal, item),
        task_statuses=list(TaskStatus),
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
    return back(request, uow, "/council/meetings/{meeting_id}", i18n.gettext("Delegation saved."))


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
    return back(
        request,
        uow,
        "/council/meetings/{meeting_id}#agenda",
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
    return back(
        request,
        uow,
        "/council/meetings/{meeting_id}#agenda",
        i18n.gettext("Outcome of item %(number)s saved.") % {"number": number},
    )


@pages.post("/meetings/{meeting_id}/minutes")
def save_minutes(
    request: Request,
    meeting_id: MeetingId,
    uow: UowDep,
    caller: CallerDep,
    minutes: FormText,
) -> Response:
    meetings.save_minutes(uow, caller, meeting_id, minutes)
    return back(
        request, uow, "/council/meetings/{meeting_id}#minutes", i18n.gettext("Minutes saved.")
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
    return back(
        request,
        uow,
        "/council/meetings/{meeting_id}#decisions",
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
    return _to_decisions(request, uow, task, i18n.gettext("Task assigned."))


@pages.post("/tasks/{task_id}")
def update_task(
    request: Request,
    task_id: TaskId,
    uow: UowDep,
    caller: CallerDep,
    status: Annotated[Line, Form(max_length=16)],
) -> Response:
    task = meetings.update_task(uow, caller, task_id, valid(TaskStatusIn, {"status": status}))
    return _to_decisions(request, uow, task, i18n.gettext("Task updated."))


def _to_decisions(request: Request, uow: UnitOfWork, task: FollowUpTask, message: str) -> Response:
    """Back to the decisions of the meeting whose decision the task follows up."""
    decision = uow.session.get(Decision, task.decision_id)
    assert decision is not None
    meeting = uow.session.get(Meeting, decision.meeting_id)
    assert meeting is not None
    return done(request, uow, f"/council/meetings/{meeting.public_id}#decisions", message)


@pages.get("/meetings/{meeting_id}/{what}.{fmt}")
def export_meeting(
    meeting_id: MeetingId, what: str, options: PageExport, uow: UowDep, caller: CallerDep
) -> Response:
    return exported(uow, exporting.export_meeting(uow, caller, meeting_id, what, options))


# --- API ---------------------------------------------------------------------------------


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


def agenda_item_out(codes: dict[int, str], principal: Principal, item: AgendaItem) -> AgendaItemOut:
    return AgendaItemOut(
        number=item.number,
        title=item.title,
        rapporteur=codes.get(item.rapporteur_agency_id or 0),
        outcome=item.outcome,
        document_ids=[d.public_id for d in meetings.documents_of(principal, item)],
    )


def decision_out(
    codes: dict[int, str], numbers: dict[int, int], today: date, decision: Decision
) -> DecisionOut:
    return DecisionOut(
        id=decision.public_id,
        number=decision.number,
        text=decision.text,
        item_number=numbers.get(decision.agenda_item_id or 0),
        tasks=[
            TaskOut(
                id=t.public_id,
                agency=codes[t.agency_id],
                description=t.description,
                due_on=t.due_on,
                status=TaskStatus(t.status),
                overdue=meetings.is_overdue(t, today),
            )
            for t in decision.tasks
        ],
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
        agenda=[agenda_item_out(codes, principal, i) for i in meeting.items],
        minutes=meeting.minutes,
        decisions=[decision_out(codes, numbers, today, d) for d in meeting.decisions],
    )


@api.get("/meetings", summary="Meetings the caller may see, newest first")
def api_meetings(uow: UowDep, caller: CallerDep, response: Response) -> list[MeetingSummary]:
    rows = meetings.list_meetings(uow, caller)
    return listed(uow, caller, response, meetings.KIND, rows, meeting_summary)


@api.post("/meetings", status_code=201, summary="Create a meeting (secretariat)")
def api_create_meeting(data: MeetingIn, uow: UowDep, caller: CallerDep) -> Reference:
    return reference(uow, meetings.create_meeting(uow, caller, data))


@api.get("/meetings/{meeting_id}", summary="A meeting with its agenda, minutes and decisions")
def api_meeting(
    meeting_id: MeetingId, uow: UowDep, caller: CallerDep, response: Response
) -> MeetingOut:
    meeting = meetings.get_meeting(uow, caller, meeting_id)
    principal = caller.principal
    assert principal is not None  # (get_meeting let them see it)
    read_one(uow, caller, response, meetings.KIND, meeting)
    return committed(uow, lambda: meeting_out(uow, principal, meeting))


@api.post("/meetings/{meeting_id}/items", status_code=201, summary="Add an agenda item")
def api_add_item(
    meeting_id: MeetingId, data: AgendaItemIn, uow: UowDep, caller: CallerDep
) -> AgendaItemOut:
    item = meetings.add_agenda_item(uow, caller, meeting_id, data)
    principal = caller.principal
    assert principal is not None  # (only the secretariat adds items)
    return committed(uow, lambda: agenda_item_out(access.codes(uow), principal, item))


@api.post("/meetings/{meeting_id}/decisions", status_code=201, summary="Record a decision")
def api_add_decision(
    meeting_id: MeetingId, data: DecisionIn, uow: UowDep, caller: CallerDep
) -> Reference:
    return reference(uow, meetings.add_decision(uow, caller, meeting_id, data))


@api.post("/decisions/{decision_id}/tasks", status_code=201, summary="Assign a follow-up task")
def api_add_task(
    decision_id: DecisionId, data: TaskIn, uow: UowDep, caller: CallerDep
) -> Reference:
    return reference(uow, meetings.add_task(uow, caller, decision_id, data))


@api.put("/tasks/{task_id}/status", summary="Report a task done, cancelled or open again")
def api_update_task(
    task_id: TaskId, data: TaskStatusIn, uow: UowDep, caller: CallerDep
) -> Reference:
    return reference(uow, meetings.update_task(uow, caller, task_id, data))
