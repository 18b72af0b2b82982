"""An event's plan through the services: a plan from the planning model, tasks with owners
and deadlines, the overdue ones, and the council's templates that the secretariat keeps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from interagency.bootstrap import Container
from interagency.errors import Forbidden, InvalidInput
from interagency.events import dossier, planning, planning_model
from interagency.events.schemas import (
    DelegationIn,
    PhaseIn,
    TaskIn,
    TaskStatusIn,
    TemplateIn,
    TemplateStepIn,
)
from tests.integration.events.conftest import event_in, hosted
from tests.support.audit_trail import audit_actions
from tests.support.identity import Council
from tests.support.refusals import refused


def test_a_plan_from_the_model_and_its_overdue_tasks(
    container: Container, council: Council
) -> None:
    start = date.today() + timedelta(days=100)
    event_id = hosted(container, council, starts_on=start, ends_on=start + timedelta(days=3))
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        made = planning.apply_template(uow, ru, event_id, None, "ru")
        assert len(made) == len(planning_model.STEPS)
        event = dossier.get_event(uow, ru, event_id)
        assert [p.name for p in event.phases] == [p["ru"] for p in planning_model.PHASES]
        # The model's first steps fall due a year before the event: already overdue.
        late = planning.overdue(event, date.today())
        assert {t.title for t in late} >= {
            "Назначить ведущее ведомство и координатора безопасности"
        }
        assert all(t.due_on < date.today() for t in late)
        phase = event.phases[2]
        task = planning.add_task(
            uow, ru, event_id,
            TaskIn(phase=phase.public_id, title="Проверить пропуска", owner="RU-SVC",
                   owner_user="ru_analyst", due_on=date.today() - timedelta(days=1)),
        )  # fmt: skip
        assert task in planning.overdue(event, date.today())
        planning.set_status(uow, ru, event_id, task.id, TaskStatusIn(status="done"))
        assert task not in planning.overdue(event, date.today())
        assert task.done_at is not None
        assert planning.owner_names(uow, event) == {council.users["ru_analyst"]: "Test ru_analyst"}
        uow.commit()
    actions = [a for a, _, _ in audit_actions(container, "events:")]
    assert {"events:plan:apply", "events:task:add", "events:task:status"} <= set(actions)


def test_owners_and_who_changes_the_plan(container: Container, council: Council) -> None:
    event_id = hosted(container, council)
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        dossier.add_participant(uow, ru, event_id, DelegationIn(agency="KZ-SVC"))
        phase = planning.add_phase(uow, ru, event_id, PhaseIn(name="Подготовка"))
        # A task may be owned by a participating agency's user, never another agency's.
        planning.add_task(
            uow, ru, event_id,
            TaskIn(phase=phase.public_id, title="Списки делегации", owner="KZ-SVC",
                   owner_user="kz_liaison", due_on=date.today()),
        )  # fmt: skip
        with pytest.raises(InvalidInput) as wrong:
            planning.add_task(
                uow, ru, event_id,
                TaskIn(phase=phase.public_id, title="Списки", owner="RU-SVC",
                       owner_user="kz_liaison", due_on=date.today()),
            )  # fmt: skip
        assert wrong.value.for_field == "owner_user"
        with pytest.raises(InvalidInput, match="no such phase"):
            planning.add_task(
                uow,
                ru,
                event_id,
                TaskIn(phase="a" * 26, title="Списки", owner="RU-SVC", due_on=date.today()),
            )
        uow.commit()
    with container.uow() as uow:
        kz = council.caller(uow, "kz_liaison")
        with refused(Forbidden):
            planning.add_phase(uow, kz, event_id, PhaseIn(name="Своя фаза"))
        with refused(Forbidden):
            planning.apply_template(uow, kz, event_id, None, "ru")


def test_the_secretariat_keeps_the_templates_and_hosts_use_them(
    container: Container, council: Council
) -> None:
    with container.uow() as uow:
        sec = council.caller(uow, "sec_officer")
        template = planning.seed_template(uow, sec, "en")
        assert template.name == planning_model.name("en")
        assert len(template.steps) == len(planning_model.STEPS)
        planning.save_template(
            uow, sec, template.id,
            TemplateIn(name="Short summit checklist", steps=[
                TemplateStepIn(phase="Pre-event", title="Sweep the hall", offset_days=-1),
                TemplateStepIn(phase="Event", title="Brief the guards", offset_days=0),
                TemplateStepIn(phase="Pre-event", title="Check passes", offset_days=-3),
            ]),
        )  # fmt: skip
        assert [(s.phase_position, s.title) for s in template.steps] == [
            (1, "Sweep the hall"), (1, "Check passes"), (2, "Brief the guards"),
        ]  # fmt: skip
        uow.commit()
        template_id = template.id
    event_id = hosted(container, council, **{"kind": "summit"})
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        assert [t.id for t in planning.list_templates(uow, ru)] == [template_id]
        with refused(Forbidden):
            planning.save_template(uow, ru, template_id, TemplateIn(name="Моё", steps=[
                TemplateStepIn(phase="A", title="B", offset_days=0)]))  # fmt: skip
        made = planning.apply_template(uow, ru, event_id, template_id, "ru")
        start = event_in().starts_on
        assert sorted((t.title, t.due_on - start) for t in made) == [
            ("Brief the guards", timedelta(0)),
            ("Check passes", timedelta(days=-3)),
            ("Sweep the hall", timedelta(days=-1)),
        ]
        # Nobody outside the council's member agencies and secretariat reads templates.
        with refused(Forbidden):
            planning.list_templates(uow, council.caller(uow, "board_reviewer"))
