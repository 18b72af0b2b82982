"""An event's plan: phases and their tasks, each with an owner (an agency and, if named,
one of its users), a deadline and a status; tasks past their deadline are shown on the
event's page. A plan starts from one of the council's templates or from the planning
model itself; the secretariat keeps the templates."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from interagency.db import UnitOfWork, utcnow
from interagency.errors import InvalidInput
from interagency.events import access, planning_model, policy
from interagency.events.models import (
    Event,
    PlanPhase,
    PlanTask,
    PlanTemplate,
    TaskStatus,
    TemplateStep,
)
from interagency.events.schemas import PhaseIn, TaskIn, TaskStatusIn, TemplateIn, TemplateStepIn
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.models import User
from interagency.identity.principals import Caller

TASK = "event-task"
TEMPLATE = "event-template"
_FINISHED = frozenset({TaskStatus.DONE.value, TaskStatus.CANCELLED.value})


def is_overdue(task: PlanTask, today: date) -> bool:
    return task.status not in _FINISHED and task.due_on < today


def tasks(event: Event) -> list[PlanTask]:
    return sorted((t for p in event.phases for t in p.tasks), key=lambda t: (t.due_on, t.id))


def overdue(event: Event, today: date) -> list[PlanTask]:
    return [t for t in tasks(event) if is_overdue(t, today)]


def add_phase(uow: UnitOfWork, caller: Caller, event_id: int, data: PhaseIn) -> PlanPhase:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    phase = _phase(event, data.name.strip())
    uow.session.flush()
    access.record(uow, caller, "events:phase:add", event.id, {"phase": phase.id})
    return phase


def _phase(event: Event, name: str) -> PlanPhase:
    found = next((p for p in event.phases if p.name == name), None)
    if found is None:
        position = max((p.position for p in event.phases), default=0) + 1
        found = PlanPhase(position=position, name=name)
        event.phases.append(found)
    return found


def add_task(uow: UnitOfWork, caller: Caller, event_id: int, data: TaskIn) -> PlanTask:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    phase = next((p for p in event.phases if p.public_id == data.phase), None)
    if phase is None:
        raise InvalidInput(lazy("The plan has no such phase."), for_field="phase")
    owner = access.taking_part(uow, event, data.owner, "owner")
    user_id = None
    if data.owner_user:
        user = uow.session.scalar(select(User).where(User.login == data.owner_user.strip()))
        if user is None or user.agency_id != owner.id:
            raise InvalidInput(
                lazy("Agency {code} has no user {login}."),
                code=owner.code,
                login=data.owner_user,
                for_field="owner_user",
            )
        user_id = user.id
    task = PlanTask(
        event_id=event.id,
        phase=phase,
        title=data.title.strip(),
        owner_agency_id=owner.id,
        owner_user_id=user_id,
        due_on=data.due_on,
        status=TaskStatus.OPEN.value,
    )
    uow.session.add(task)
    uow.session.flush()
    detail = {"task": task.id, "owner": owner.code, "due_on": task.due_on.isoformat()}
    access.record(uow, caller, "events:task:add", event.id, detail)
    return task


def set_status(
    uow: UnitOfWork, caller: Caller, event_id: int, task_id: int, data: TaskStatusIn
) -> PlanTask:
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    task = next((t for t in tasks(event) if t.id == task_id), None)
    if task is None:
        raise access.missing(TASK)
    before = task.status
    task.status = data.status.value
    task.done_at = utcnow() if data.status is TaskStatus.DONE else None
    uow.session.flush()
    detail = {"task": task.id, "before": before, "after": task.status}
    access.record(uow, caller, "events:task:status", event.id, detail)
    return task


def apply_template(
    uow: UnitOfWork, caller: Caller, event_id: int, template_id: int | None, language: str
) -> list[PlanTask]:
    """The template's steps (the planning model's, without a template) as tasks of the
    event, owned by the host agency, due counted from the event's first day."""
    event, _ = access.gate(uow, caller, policy.Action.EDIT, event_id)
    if template_id is None:
        steps = planning_model.steps(language)
    else:
        template = uow.session.get(PlanTemplate, template_id)
        if template is None:
            raise InvalidInput(lazy("There is no such template."), for_field="template")
        steps = [(s.phase, s.title, s.offset_days) for s in template.steps]
    made: list[PlanTask] = []
    for phase_name, title, offset in steps:
        made.append(
            PlanTask(
                event_id=event.id,
                phase=_phase(event, phase_name),
                title=title,
                owner_agency_id=event.host_agency_id,
                due_on=event.starts_on + timedelta(days=offset),
                status=TaskStatus.OPEN.value,
            )
        )
    uow.session.add_all(made)
    uow.session.flush()
    detail = {"template": template_id, "tasks": [t.id for t in made]}
    access.record(uow, caller, "events:plan:apply", event.id, detail)
    return made


# --- the council's templates ---------------------------------------------------------------


def _templates_gate(caller: Caller, action: policy.Action) -> None:
    principal = caller.principal
    allowed = principal is not None and policy.may(principal, action)
    guard.check(caller, allowed, action, TEMPLATE)


def list_templates(uow: UnitOfWork, caller: Caller) -> list[PlanTemplate]:
    _templates_gate(caller, policy.Action.VIEW_TEMPLATES)
    rows = list(uow.session.scalars(select(PlanTemplate).order_by(PlanTemplate.id)))
    access.record(
        uow, caller, "events:template:list", None, {"ids": [t.id for t in rows]}, TEMPLATE
    )
    return rows


def get_template(uow: UnitOfWork, caller: Caller, template_id: int) -> PlanTemplate:
    _templates_gate(caller, policy.Action.VIEW_TEMPLATES)
    template = uow.session.get(PlanTemplate, template_id)
    if template is None:
        raise access.missing(TEMPLATE)
    access.record(uow, caller, "events:template:read", template.id, kind=TEMPLATE)
    return template


def save_template(
    uow: UnitOfWork, caller: Caller, template_id: int | None, data: TemplateIn
) -> PlanTemplate:
    """A new template (`template_id` None) or a template's name and steps replaced."""
    _templates_gate(caller, policy.Action.EDIT_TEMPLATES)
    if template_id is None:
        template = PlanTemplate(name=data.name.strip())
        uow.session.add(template)
    else:
        found = uow.session.get(PlanTemplate, template_id)
        if found is None:
            raise access.missing(TEMPLATE)
        template = found
        template.name = data.name.strip()
        template.steps.clear()
        template.updated_at = utcnow()
    phases: list[str] = []
    for step in data.steps:
        phase = step.phase.strip()
        if phase not in phases:
            phases.append(phase)
        template.steps.append(
            TemplateStep(
                phase_position=phases.index(phase) + 1,
                phase=phase,
                title=step.title.strip(),
                offset_days=step.offset_days,
            )
        )
    uow.session.flush()
    uow.session.refresh(template, ["steps"])  # in their phases' order
    detail = {"steps": len(template.steps), "new": template_id is None}
    access.record(uow, caller, "events:template:save", template.id, detail, TEMPLATE)
    return template


def seed_template(uow: UnitOfWork, caller: Caller, language: str) -> PlanTemplate:
    """A template copied from the planning model, in the language, for the secretariat to
    edit."""
    data = TemplateIn(
        name=planning_model.name(language),
        steps=[
            TemplateStepIn(phase=phase, title=title, offset_days=offset)
            for phase, title, offset in planning_model.steps(language)
        ],
    )
    return save_template(uow, caller, None, data)


def template_key(uow: UnitOfWork, public_id: str) -> int | None:
    """The key of the template a form names by its public id (None: there is none)."""
    return uow.session.scalar(select(PlanTemplate.id).where(PlanTemplate.public_id == public_id))


def owner_names(uow: UnitOfWork, event: Event) -> dict[int, str]:
    """The names of the users who own tasks of the event (the directory's names)."""
    ids = {t.owner_user_id for t in tasks(event) if t.owner_user_id is not None}
    if not ids:
        return {}
    rows = uow.session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {row.id: row.full_name for row in rows}
