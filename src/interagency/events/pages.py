"""The events' pages under /events: the list, an event's dossier, its plan and its risk
register, and the council's planning templates. Thin: every decision is the services'
and their policy's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from pydantic import Field
from starlette.responses import Response

from interagency import i18n
from interagency.db import UnitOfWork
from interagency.events import (
    access,
    accreditation_policy,
    after_action,
    dossier,
    labels,
    lessons,
    operations,
    planning,
    policy,
    register,
    venue_map,
)
from interagency.events.models import (
    Event,
    EventKind,
    Incident,
    IncidentCategory,
    IncidentStatus,
    LiaisonShift,
    MeasureStatus,
    PlanTask,
    PlanTemplate,
    Risk,
    RiskMeasure,
    TaskStatus,
    ThreatCategory,
    Treatment,
    Venue,
)
from interagency.events.schemas import (
    DelegationIn,
    EventIn,
    IncidentIn,
    IncidentStatusIn,
    IncidentThreadIn,
    LessonIn,
    MeasureIn,
    PhaseIn,
    ReportIn,
    RiskIn,
    ShiftIn,
    TaskIn,
    TaskStatusIn,
    TemplateIn,
    VenueIn,
)
from interagency.i18n import lazy
from interagency.identity.audit_access import name_kind
from interagency.identity.principals import Caller
from interagency.inputs import Input, Line, Text
from interagency.web.auth import CallerDep
from interagency.web.deps import RendererDep, UowDep
from interagency.web.forms import done, refuse, valid
from interagency.web.ids import key_of
from interagency.web.templating import Renderer, zone

router = APIRouter(prefix="/events", include_in_schema=False)

EventId = Annotated[int, Depends(key_of(Event, "event_id"))]
ShiftId = Annotated[int, Depends(key_of(LiaisonShift, "shift_id"))]
VenueId = Annotated[int, Depends(key_of(Venue, "venue_id"))]
RiskId = Annotated[int, Depends(key_of(Risk, "risk_id"))]
MeasureId = Annotated[int, Depends(key_of(RiskMeasure, "measure_id"))]
TaskId = Annotated[int, Depends(key_of(PlanTask, "task_id"))]
TemplateId = Annotated[int, Depends(key_of(PlanTemplate, "template_id"))]
IncidentId = Annotated[int, Depends(key_of(Incident, "incident_id"))]
name_kind(access.KIND, Event)
name_kind(register.RISK, Risk)
name_kind(planning.TEMPLATE, PlanTemplate)
name_kind(operations.INCIDENT, Incident)


def _context(request: Request, uow: UnitOfWork, **values: Any) -> dict[str, Any]:
    principal = request.state.principal
    today = date.today()

    def may(action: str, event: Event | None = None) -> bool:
        if event is None:
            return policy.may(principal, policy.Action(action))
        return policy.may(
            principal, policy.Action(action), event.host_agency_id, access.participants(event)
        )

    def opens_accreditation(event: Event) -> bool:
        return principal is not None and accreditation_policy.opens_page(
            principal, event.host_agency_id, access.participants(event)
        )

    return {
        "label": labels.label,
        "may": may,
        "opens_accreditation": opens_accreditation,
        "codes": access.codes(uow),
        "states": access.state_names(uow, request.state.language),
        "today": today,
        "overdue": lambda task: planning.is_overdue(task, today),
        "band": policy.band,
        "kinds": list(EventKind),
        "categories": list(ThreatCategory),
        "treatments": list(Treatment),
        "task_statuses": list(TaskStatus),
        "measure_statuses": list(MeasureStatus),
        "incident_categories": list(IncidentCategory),
        "incident_statuses": list(IncidentStatus),
        "severities": sorted(policy.SEVERITY_NAMES),
        "severity_name": lambda n: i18n.gettext(policy.SEVERITY_NAMES[n]),
        **values,
    }


def _show(
    request: Request, uow: UnitOfWork, renderer: Renderer, page: str, **values: Any
) -> Response:
    """A page: the reads the services audited are committed before it is rendered."""
    uow.commit()
    return renderer.render(request, page, _context(request, uow, **values))


def _back(request: Request, uow: UnitOfWork, target: str, message: str) -> Response:
    return done(request, uow, target.format(**request.path_params), message)


def _local(request: Request, value: str, field: str, problem: str) -> datetime:
    """A datetime-local typed in the reader's zone, as an aware moment."""
    try:
        local = datetime.fromisoformat(value.strip())
    except ValueError:
        refuse(**{field: problem})
    return local if local.tzinfo else local.replace(tzinfo=zone(request.state.timezone))


def _optional_int(value: str) -> str | None:
    return value.strip() or None


# --- the list and the dossier --------------------------------------------------------------


class EventForm(Input):
    kind: Line = ""
    title: Line = ""
    description: Text = ""
    starts_on: Line = ""
    ends_on: Line = ""
    expected_attendance: Line = ""

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = self.model_dump()
        values["expected_attendance"] = _optional_int(self.expected_attendance)
        return values


@router.get("")
def events_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = dossier.list_events(uow, caller)
    return _show(request, uow, renderer, "events/list.html", events=rows)


@router.get("/new")
def new_event_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    return _show(request, uow, renderer, "events/event_form.html", event=None)


@router.post("")
def create_event(
    request: Request,
    form: Annotated[EventForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    event = dossier.create_event(uow, caller, valid(EventIn, form.values()))
    return done(request, uow, f"/events/{event.public_id}", i18n.gettext("Event created."))


# --- the council's planning templates (before /{event_id}, which would take their path) ----


class TemplateForm(Input):
    name: Line = ""
    steps: Text = ""


def _template_steps(text: str) -> list[dict[str, Any]]:
    """Steps written one a line as "phase | step | days from the first day"."""
    steps = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not parts[2].lstrip("+-").isdigit():
            refuse(
                steps=i18n.gettext(
                    "Line %(number)d: write the phase, the step and the days from the "
                    "event's first day, separated by vertical bars."
                )
                % {"number": number}
            )
        steps.append({"phase": parts[0], "title": parts[1], "offset_days": int(parts[2])})
    return steps


@router.get("/templates")
def templates_page(
    request: Request, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    rows = planning.list_templates(uow, caller)
    return _show(request, uow, renderer, "events/templates.html", templates=rows)


@router.post("/templates")
def seed_template(request: Request, uow: UowDep, caller: CallerDep) -> Response:
    template = planning.seed_template(uow, caller, request.state.language)
    return done(
        request,
        uow,
        f"/events/templates/{template.public_id}",
        i18n.gettext("Template created from the planning model."),
    )


@router.get("/templates/{template_id}")
def template_page(
    request: Request,
    template_id: TemplateId,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
) -> Response:
    template = planning.get_template(uow, caller, template_id)
    lines = "\n".join(f"{s.phase} | {s.title} | {s.offset_days}" for s in template.steps)
    return _show(
        request, uow, renderer, "events/template.html", template=template, template_lines=lines
    )


@router.post("/templates/{template_id}")
def save_template(
    request: Request,
    template_id: TemplateId,
    form: Annotated[TemplateForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    data = valid(TemplateIn, {"name": form.name, "steps": _template_steps(form.steps)})
    planning.save_template(uow, caller, template_id, data)
    return _back(request, uow, "/events/templates/{template_id}", i18n.gettext("Saved."))


# --- one event -----------------------------------------------------------------------------


@router.get("/{event_id}")
def event_page(
    request: Request, event_id: EventId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    event = dossier.get_event(uow, caller, event_id)
    late = planning.overdue(event, date.today())
    return _show(request, uow, renderer, "events/event.html", event=event, late=late)


@router.get("/{event_id}/edit")
def edit_event_page(
    request: Request, event_id: EventId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    event = dossier.get_event(uow, caller, event_id)
    return _show(request, uow, renderer, "events/event_form.html", event=event)


@router.post("/{event_id}")
def update_event(
    request: Request,
    event_id: EventId,
    form: Annotated[EventForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    dossier.update_event(uow, caller, event_id, valid(EventIn, form.values()))
    return _back(request, uow, "/events/{event_id}", i18n.gettext("Saved."))


class VenueForm(Input):
    name: Line = ""
    address: Line = ""
    capacity: Line = ""
    latitude: Line = ""
    longitude: Line = ""


def _venue_values(form: VenueForm) -> dict[str, Any]:
    """The form's fields as `VenueIn` takes them; a decimal comma is read as a point."""
    values: dict[str, Any] = form.model_dump()
    values["capacity"] = _optional_int(form.capacity)
    for name in ("latitude", "longitude"):
        values[name] = values[name].strip().replace(",", ".")
    return values


@router.post("/{event_id}/venues")
def add_venue(
    request: Request,
    event_id: EventId,
    form: Annotated[VenueForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    dossier.add_venue(uow, caller, event_id, valid(VenueIn, _venue_values(form)))
    return _back(request, uow, "/events/{event_id}#venues", i18n.gettext("Venue added."))


class ParticipantForm(Input):
    agency: Line = ""
    size: Line = ""
    note: Text = ""


@router.post("/{event_id}/venues/{venue_id}")
def update_venue(
    request: Request,
    event_id: EventId,
    venue_id: VenueId,
    form: Annotated[VenueForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    dossier.update_venue(uow, caller, event_id, venue_id, valid(VenueIn, _venue_values(form)))
    return _back(request, uow, "/events/{event_id}#venues", i18n.gettext("Saved."))


@router.post("/{event_id}/participants")
def add_participant(
    request: Request,
    event_id: EventId,
    form: Annotated[ParticipantForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    values: dict[str, Any] = form.model_dump()
    values["agency"] = form.agency.strip().upper()
    values["size"] = _optional_int(form.size)
    dossier.add_participant(uow, caller, event_id, valid(DelegationIn, values))
    return _back(request, uow, "/events/{event_id}#delegations", i18n.gettext("Delegation saved."))


class ShiftForm(Input):
    agency: Line = ""
    officer: Line = ""
    contact: Line = ""
    starts_at: Line = ""  # datetime-local, in the reader's zone
    ends_at: Line = ""


@router.post("/{event_id}/shifts")
def add_shift(
    request: Request,
    event_id: EventId,
    form: Annotated[ShiftForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    values: dict[str, Any] = form.model_dump()
    values["starts_at"] = _local(
        request, form.starts_at, "starts_at", lazy("Enter when the duty starts.")
    )
    values["ends_at"] = _local(request, form.ends_at, "ends_at", lazy("Enter when the duty ends."))
    dossier.add_shift(uow, caller, event_id, valid(ShiftIn, values))
    return _back(request, uow, "/events/{event_id}#roster", i18n.gettext("Duty shift added."))


@router.post("/{event_id}/shifts/{shift_id}/remove")
def remove_shift(
    request: Request, event_id: EventId, shift_id: ShiftId, uow: UowDep, caller: CallerDep
) -> Response:
    dossier.remove_shift(uow, caller, event_id, shift_id)
    return _back(request, uow, "/events/{event_id}#roster", i18n.gettext("Duty shift removed."))


# --- the plan --------------------------------------------------------------------------------


@router.get("/{event_id}/plan")
def plan_page(
    request: Request, event_id: EventId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    event = dossier.get_event(uow, caller, event_id)
    templates = planning.list_templates(uow, caller) if dossier.may_edit(caller, event) else []
    return _show(request, uow, renderer, "events/plan.html", event=event, templates=templates)


@router.post("/{event_id}/plan/phases")
def add_phase(
    request: Request,
    event_id: EventId,
    uow: UowDep,
    caller: CallerDep,
    name: Annotated[Line, Form(max_length=200)] = "",
) -> Response:
    planning.add_phase(uow, caller, event_id, valid(PhaseIn, {"name": name}))
    return _back(request, uow, "/events/{event_id}/plan", i18n.gettext("Phase added."))


class TaskForm(Input):
    phase: Line = ""
    title: Line = ""
    owner: Line = ""
    owner_user: Line = ""
    due_on: Line = ""


@router.post("/{event_id}/plan/tasks")
def add_task(
    request: Request,
    event_id: EventId,
    form: Annotated[TaskForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    values: dict[str, Any] = form.model_dump()
    values["owner"] = form.owner.strip().upper()
    values["owner_user"] = form.owner_user.strip() or None
    planning.add_task(uow, caller, event_id, valid(TaskIn, values))
    return _back(request, uow, "/events/{event_id}/plan", i18n.gettext("Task added."))


@router.post("/{event_id}/plan/tasks/{task_id}")
def set_task_status(
    request: Request,
    event_id: EventId,
    task_id: TaskId,
    uow: UowDep,
    caller: CallerDep,
    status: Annotated[Line, Form(max_length=16)] = "",
) -> Response:
    planning.set_status(uow, caller, event_id, task_id, valid(TaskStatusIn, {"status": status}))
    return _back(request, uow, "/events/{event_id}/plan", i18n.gettext("Saved."))


@router.post("/{event_id}/plan/apply")
def apply_template(
    request: Request,
    event_id: EventId,
    uow: UowDep,
    caller: CallerDep,
    template: Annotated[Line, Form(max_length=26)] = "",
) -> Response:
    template_id = None
    if template.strip():
        found = planning.template_key(uow, template.strip())
        if found is None:
            refuse(template=lazy("Choose one of the templates."))
        template_id = found
    made = planning.apply_template(uow, caller, event_id, template_id, request.state.language)
    message = i18n.ngettext(
        "%(num)d task added to the plan.", "%(num)d tasks added to the plan.", len(made)
    ) % {"num": len(made)}
    return _back(request, uow, "/events/{event_id}/plan", message)


# --- the risk register -----------------------------------------------------------------------


class RiskForm(Input):
    category: Line = ""
    scenario: Text = ""
    venue: Line = ""
    likelihood: Line = ""
    impact: Line = ""
    treatment: Line = ""
    treatment_note: Text = ""
    owner: Line = ""

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = self.model_dump()
        values["venue"] = self.venue.strip() or None
        values["owner"] = self.owner.strip().upper()
        return values


@router.get("/{event_id}/risks")
def register_page(
    request: Request, event_id: EventId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    event = dossier.get_event(uow, caller, event_id)
    return _show(
        request,
        uow,
        renderer,
        "events/register.html",
        event=event,
        matrix=register.matrix(event),
        ranked=register.ranked(event),
    )


@router.post("/{event_id}/risks")
def add_risk(
    request: Request,
    event_id: EventId,
    form: Annotated[RiskForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    risk = register.add_risk(uow, caller, event_id, valid(RiskIn, form.values()))
    return done(
        request,
        uow,
        f"/events/{request.path_params['event_id']}/risks/{risk.public_id}",
        i18n.gettext("Risk added."),
    )


@router.get("/{event_id}/risks/{risk_id}")
def risk_page(
    request: Request,
    event_id: EventId,
    risk_id: RiskId,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
) -> Response:
    event = dossier.get_event(uow, caller, event_id)
    risk = next((r for r in event.risks if r.id == risk_id), None)
    if risk is None:
        raise access.missing(register.RISK)
    return _show(request, uow, renderer, "events/risk.html", event=event, risk=risk)


@router.post("/{event_id}/risks/{risk_id}")
def update_risk(
    request: Request,
    event_id: EventId,
    risk_id: RiskId,
    form: Annotated[RiskForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    register.update_risk(uow, caller, event_id, risk_id, valid(RiskIn, form.values()))
    return _back(request, uow, "/events/{event_id}/risks/{risk_id}", i18n.gettext("Saved."))


class MeasureForm(Input):
    title: Line = ""
    status: Line = "planned"
    evidence: Text = ""


@router.post("/{event_id}/risks/{risk_id}/measures")
def add_measure(
    request: Request,
    event_id: EventId,
    risk_id: RiskId,
    form: Annotated[MeasureForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    register.add_measure(uow, caller, event_id, risk_id, valid(MeasureIn, form.model_dump()))
    return _back(request, uow, "/events/{event_id}/risks/{risk_id}", i18n.gettext("Measure added."))


@router.post("/{event_id}/risks/{risk_id}/measures/{measure_id}")
def update_measure(
    request: Request,
    event_id: EventId,
    risk_id: RiskId,
    measure_id: MeasureId,
    form: Annotated[MeasureForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    data = valid(MeasureIn, form.model_dump())
    register.update_measure(uow, caller, event_id, risk_id, measure_id, data)
    return _back(request, uow, "/events/{event_id}/risks/{risk_id}", i18n.gettext("Saved."))


# --- operations: the incident log, the situation board and the venue map -----------------


class IncidentForm(Input):
    occurred_at: Line = ""  # datetime-local, in the reader's zone
    venue: Line = ""
    category: Line = ""
    severity: Line = ""
    description: Text = ""
    threads: Text = ""  # exchange thread references, separated by spaces, commas or lines


@router.get("/{event_id}/operations")
def operations_page(
    request: Request, event_id: EventId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    event = operations.incident_log(uow, caller, event_id)
    return _show(
        request,
        uow,
        renderer,
        "events/operations.html",
        event=event,
        board=operations.board(event),
        log=sorted(event.incidents, key=lambda i: i.occurred_at, reverse=True),
        venue_names={v.id: v.name for v in event.venues},
        map_size=(venue_map.WIDTH, venue_map.HEIGHT),
    )


@router.post("/{event_id}/incidents")
def log_incident(
    request: Request,
    event_id: EventId,
    form: Annotated[IncidentForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    values: dict[str, Any] = form.model_dump()
    values["occurred_at"] = _local(
        request, form.occurred_at, "occurred_at", lazy("Enter when the incident happened.")
    )
    values["threads"] = form.threads.replace(",", " ").split()
    incident = operations.log_incident(uow, caller, event_id, valid(IncidentIn, values))
    return done(
        request,
        uow,
        f"/events/{request.path_params['event_id']}/incidents/{incident.public_id}",
        i18n.gettext("Incident logged."),
    )


@router.get("/{event_id}/incidents/{incident_id}")
def incident_page(
    request: Request,
    event_id: EventId,
    incident_id: IncidentId,
    uow: UowDep,
    renderer: RendererDep,
    caller: CallerDep,
) -> Response:
    incident = operations.get_incident(uow, caller, event_id, incident_id)
    event = incident.event
    principal = caller.principal
    return _show(
        request,
        uow,
        renderer,
        "events/incident.html",
        event=event,
        incident=incident,
        venue=next(v for v in event.venues if v.id == incident.venue_id),
        threads=operations.visible_threads(uow, principal, incident),
        changeable=operations.may_change(principal, event, incident),
    )


@router.post("/{event_id}/incidents/{incident_id}/status")
def set_incident_status(
    request: Request,
    event_id: EventId,
    incident_id: IncidentId,
    uow: UowDep,
    caller: CallerDep,
    status: Annotated[Line, Form(max_length=16)] = "",
) -> Response:
    data = valid(IncidentStatusIn, {"status": status})
    operations.set_status(uow, caller, event_id, incident_id, data)
    return _back(request, uow, "/events/{event_id}/incidents/{incident_id}", i18n.gettext("Saved."))


@router.post("/{event_id}/incidents/{incident_id}/threads")
def link_incident_thread(
    request: Request,
    event_id: EventId,
    incident_id: IncidentId,
    uow: UowDep,
    caller: CallerDep,
    thread: Annotated[Line, Form(max_length=40)] = "",
) -> Response:
    data = valid(IncidentThreadIn, {"thread": thread.strip()})
    operations.link_thread(uow, caller, event_id, incident_id, data)
    return _back(
        request,
        uow,
        "/events/{event_id}/incidents/{incident_id}#threads",
        i18n.gettext("Thread linked."),
    )


# --- after the event -------------------------------------------------------------------------


class ReportForm(Input):
    worked: Text = ""
    failed: Text = ""
    recommendations: Text = ""


def _show_report(
    request: Request,
    uow: UnitOfWork,
    renderer: Renderer,
    caller: Caller,
    shown: after_action.Report,
) -> Response:
    return _show(
        request,
        uow,
        renderer,
        "events/report.html",
        event=shown.event,
        report=shown.report,
        final=shown.final,
        figures=shown.figures,
        lessons=lessons.library(uow, caller, event_id=shown.event.id),
        severity_of=lambda key: f"{key} · {i18n.gettext(policy.SEVERITY_NAMES[int(key)])}",
        venue_of=lambda key: shown.figures.venue_names.get(key, key),
    )


@router.get("/{event_id}/report")
def report_page(
    request: Request, event_id: EventId, uow: UowDep, renderer: RendererDep, caller: CallerDep
) -> Response:
    shown = after_action.get_report(uow, caller, event_id)
    return _show_report(request, uow, renderer, caller, shown)


@router.post("/{event_id}/report")
def save_report(
    request: Request,
    event_id: EventId,
    form: Annotated[ReportForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    after_action.save_findings(uow, caller, event_id, valid(ReportIn, form.model_dump()))
    return _back(request, uow, "/events/{event_id}/report", i18n.gettext("Saved."))


@router.post("/{event_id}/report/final")
def make_report_final(
    request: Request, event_id: EventId, uow: UowDep, caller: CallerDep
) -> Response:
    after_action.make_final(uow, caller, event_id)
    return _back(request, uow, "/events/{event_id}/report", i18n.gettext("The report is final."))


class LessonForm(Input):
    title: Line = ""
    text: Text = ""
    threats: list[Line] = Field(default_factory=list)
    share: Line = "all"  # "all", or "chosen" with the agencies' codes
    agencies: Line = ""


@router.post("/{event_id}/lessons")
def write_lesson(
    request: Request,
    event_id: EventId,
    form: Annotated[LessonForm, Form()],
    uow: UowDep,
    caller: CallerDep,
) -> Response:
    if form.share not in ("all", "chosen"):
        refuse(share=lazy("Share the lesson with all member agencies or with those you name."))
    values = {
        "title": form.title,
        "text": form.text,
        "threats": form.threats,
        "shared_with_all": form.share == "all",
        "agencies": form.agencies.replace(",", " ").upper().split()
        if form.share == "chosen"
        else [],
    }
    lesson = lessons.write_lesson(uow, caller, event_id, valid(LessonIn, values))
    return done(request, uow, f"/lessons/{lesson.public_id}", i18n.gettext("Lesson saved."))
