"""Meetings through the services: a whole cycle, and who may do what in it."""

from __future__ import annotations

from datetime import date

import pytest

from interagency.council import meetings
from interagency.council.schemas import (
    AgendaItemIn,
    DecisionIn,
    Marking,
    MeetingIn,
    ParticipantIn,
    TaskIn,
    TaskStatusIn,
)
from interagency.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.integration.council.conftest import Secretariat
from tests.support.audit_trail import audit_actions
from tests.support.refusals import refused


def meeting_in(number: int = 45, tlp: str = "AMBER") -> MeetingIn:
    return MeetingIn(
        number=number,
        title="Очередное заседание Совета",
        held_on=date(2026, 3, 14),
        place="Москва",
        chair="Председатель Совета",
        participants=[ParticipantIn(agency="RU-SVC", delegates="Иванов И. И.\nПетров П. П.")],
        marking=Marking.model_validate({"handling_code": "H2", "tlp": tlp}),
    )


def test_the_secretariat_runs_a_meeting_with_thirteen_items(members: Secretariat) -> None:
    container = members.container
    with container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        meeting = meetings.create_meeting(uow, sec, meeting_in())
        for number in range(1, 14):
            item = meetings.add_agenda_item(
                uow, sec, meeting.id, AgendaItemIn(title=f"Вопрос {number}", rapporteur="KZ-SVC")
            )
            assert item.number == number
        meetings.record_outcome(uow, sec, meeting.id, 13, "Принято к сведению")
        meetings.save_minutes(uow, sec, meeting.id, "Заседание открыл председатель.")
        decision = meetings.add_decision(
            uow, sec, meeting.id, DecisionIn(text="Поручить подготовить доклад", item_number=2)
        )
        late = meetings.add_task(
            uow,
            sec,
            decision.id,
            TaskIn(agency="KZ-SVC", description="Доклад", due_on=date(2026, 4, 1)),
        )
        meetings.add_task(
            uow,
            sec,
            decision.id,
            TaskIn(agency="RU-SVC", description="Справка", due_on=date(2026, 9, 1)),
        )
        uow.commit()
        meeting_id, decision_number, late_id = meeting.id, decision.number, late.id

    with container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        shown = meetings.get_meeting(uow, sec, meeting_id)
        assert [i.number for i in shown.items] == list(range(1, 14))
        assert shown.items[12].outcome == "Принято к сведению"
        assert shown.status == "held"
        assert decision_number == "45/1"
        overdue = meetings.overdue_tasks(uow, sec, date(2026, 5, 1))
        assert [task.id for _m, _d, task in overdue] == [late_id]
        # The agency the task is assigned to reports it done; then nothing is overdue.
        kz = members.caller(uow, "kz_liaison")
        meetings.update_task(uow, kz, late_id, TaskStatusIn(status="done"))
        assert meetings.overdue_tasks(uow, sec, date(2026, 5, 1)) == []
        uow.commit()

    actions = [a for a, outcome, _login in audit_actions(container, "council:") if outcome == "ok"]
    assert actions.count("council:agenda:add") == 13
    assert "council:meeting:minutes" in actions
    assert "council:task:update" in actions
    assert "council:meeting:read" in actions


def test_numbers_are_unique_and_items_must_exist(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        meeting = meetings.create_meeting(uow, sec, meeting_in())
        with pytest.raises(Conflict):
            meetings.create_meeting(uow, sec, meeting_in())
        with pytest.raises(InvalidInput):
            meetings.record_outcome(uow, sec, meeting.id, 7, "—")
        with pytest.raises(InvalidInput):
            meetings.add_agenda_item(
                uow, sec, meeting.id, AgendaItemIn(title="x", rapporteur="NOPE")
            )


@pytest.mark.parametrize("login", ["ru_liaison", "ru_supervisor", "sec_admin", "sec_auditor"])
def test_only_the_secretariat_prepares_meetings_and_refusals_carry_their_audit(
    members: Secretariat, login: str
) -> None:
    with members.container.uow() as uow, refused() as carried:
        meetings.create_meeting(uow, members.caller(uow, login), meeting_in())
    assert [(e.action, e.actor_login) for e in carried] == [("council:manage", login)]
    assert audit_actions(members.container, "council:") == []  # nothing was done


def test_administrators_and_auditors_see_no_meeting(members: Secretariat) -> None:
    with members.container.uow() as uow:
        meeting = meetings.create_meeting(uow, members.caller(uow, "sec_officer"), meeting_in())
        uow.commit()
    for login in ("sec_admin", "ru_admin", "ru_auditor", "ru_dpo", "board_reviewer"):
        with members.container.uow() as uow:
            # The meeting is not there for them: the answer a missing one gets.
            with pytest.raises(NotFound, match="no such meeting"):
                meetings.get_meeting(uow, members.caller(uow, login), meeting.id)
            with pytest.raises(Forbidden):
                meetings.list_meetings(uow, members.caller(uow, login))


def test_a_red_meeting_reaches_only_its_participants(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        red = meetings.create_meeting(uow, sec, meeting_in(46, tlp="RED"))
        amber = meetings.create_meeting(uow, sec, meeting_in(47))
        uow.commit()
    with members.container.uow() as uow:
        ru = members.caller(uow, "ru_analyst")  # RU-SVC participates
        kz = members.caller(uow, "kz_liaison")  # KZ-SVC does not
        assert {m.id for m in meetings.list_meetings(uow, ru)} == {red.id, amber.id}
        assert {m.id for m in meetings.list_meetings(uow, kz)} == {amber.id}
        with pytest.raises(NotFound, match="no such meeting"):
            meetings.get_meeting(uow, kz, red.id)


def test_only_officers_of_the_assigned_agency_update_a_task(members: Secretariat) -> None:
    with members.container.uow() as uow:
        sec = members.caller(uow, "sec_officer")
        meeting = meetings.create_meeting(uow, sec, meeting_in())
        decision = meetings.add_decision(uow, sec, meeting.id, DecisionIn(text="Решение"))
        task = meetings.add_task(
            uow, sec, decision.id, TaskIn(agency="RU-SVC", description="x", due_on=date(2026, 4, 1))
        )
        uow.commit()
    for login in ("kz_liaison", "ru_analyst"):
        with members.container.uow() as uow, pytest.raises(Forbidden):
            meetings.update_task(
                uow, members.caller(uow, login), task.id, TaskStatusIn(status="done")
            )
