"""Meetings of the council: participants, numbered agenda, minutes, decisions and the
follow-up tasks they give agencies, with overdue tasks in view."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from interagency.council import access, documents
from interagency.council.models import (
    AgendaItem,
    Decision,
    Document,
    FollowUpTask,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    TaskStatus,
)
from interagency.council.policy import Action
from interagency.council.schemas import AgendaItemIn, DecisionIn, MeetingIn, TaskIn, TaskStatusIn
from interagency.db import UnitOfWork, lock_for_transaction, lock_key, utcnow
from interagency.errors import Conflict, InvalidInput
from interagency.i18n import lazy
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller

KIND = "council-meeting"


def concerned(meeting: Meeting) -> set[int]:
    """Participants and rapporteurs: the agencies a restricted meeting is shared with."""
    agencies = {p.agency_id for p in meeting.participants}
    agencies |= {i.rapporteur_agency_id for i in meeting.items if i.rapporteur_agency_id}
    return agencies


def _find(uow: UnitOfWork, meeting_id: int) -> Meeting:
    meeting = uow.session.get(Meeting, meeting_id)
    if meeting is None:
        raise access.missing(KIND)
    return meeting


def _managed(uow: UnitOfWork, caller: Caller, meeting_id: int) -> Meeting:
    meeting = _find(uow, meeting_id)
    access.require(caller, Action.MANAGE, KIND, meeting.id, meeting, concerned(meeting))
    return meeting


def create_meeting(uow: UnitOfWork, caller: Caller, data: MeetingIn) -> Meeting:
    access.require(caller, Action.MANAGE, KIND, data.number)
    taken = uow.session.scalar(select(Meeting.id).where(Meeting.number == data.number))
    if taken is not None:
        raise Conflict(lazy("Meeting number {number} exists already."), number=data.number)
    principal = caller.principal
    assert principal is not None  # (required above)
    meeting = Meeting(
        number=data.number,
        title=data.title,
        held_on=data.held_on,
        place=data.place,
        chair=data.chair,
        status=MeetingStatus.PLANNED.value,
        created_by_id=principal.user_id,
    )
    access.apply_marking(meeting, data.marking)
    uow.session.add(meeting)
    uow.session.flush()
    for participant in data.participants:
        _add_participant(uow, meeting, participant.agency, participant.delegates)
    uow.session.flush()
    access.record(uow, caller, "council:meeting:create", KIND, meeting.id, {"number": data.number})
    return meeting


def _add_participant(uow: UnitOfWork, meeting: Meeting, code: str, delegates: str) -> None:
    agency = access.member_agency(uow, code)
    existing = next((p for p in meeting.participants if p.agency_id == agency.id), None)
    if existing is not None:
        existing.delegates = delegates.strip()
        return
    meeting.participants.append(
        MeetingParticipant(agency_id=agency.id, delegates=delegates.strip())
    )


def set_participant(
    uow: UnitOfWork, caller: Caller, meeting_id: int, code: str, delegates: str
) -> Meeting:
    meeting = _managed(uow, caller, meeting_id)
    _add_participant(uow, meeting, code, delegates)
    uow.session.flush()
    access.record(uow, caller, "council:meeting:participant", KIND, meeting.id, {"agency": code})
    return meeting


def list_meetings(uow: UnitOfWork, caller: Caller) -> list[Meeting]:
    principal = access.require(caller, Action.VIEW, KIND, None)
    rows = uow.session.scalars(select(Meeting).order_by(Meeting.held_on.desc())).all()
    shown = [m for m in rows if access.visible(principal, m, concerned(m))]
    access.record(uow, caller, "council:meeting:list", KIND, None, {"ids": [m.id for m in shown]})
    return shown


def get_meeting(uow: UnitOfWork, caller: Caller, meeting_id: int) -> Meeting:
    meeting = _find(uow, meeting_id)
    access.require(caller, Action.VIEW, KIND, meeting.id, meeting, concerned(meeting))
    access.record(uow, caller, "council:meeting:read", KIND, meeting.id)
    return meeting


def add_agenda_item(
    uow: UnitOfWork, caller: Caller, meeting_id: int, data: AgendaItemIn
) -> AgendaItem:
    meeting = _managed(uow, caller, meeting_id)
    rapporteur = access.member_agency(uow, data.rapporteur) if data.rapporteur else None
    documents = []
    for public_id in dict.fromkeys(data.document_ids):
        document = uow.session.scalar(select(Document).where(Document.public_id == public_id))
        if document is None:
            raise InvalidInput(
                lazy("There is no document {ref}."), ref=public_id, for_field="document_ids"
            )
        documents.append(document)
    item = AgendaItem(
        number=max((i.number for i in meeting.items), default=0) + 1,
        title=data.title,
        rapporteur_agency_id=rapporteur.id if rapporteur else None,
        documents=documents,
    )
    meeting.items.append(item)
    uow.session.flush()
    access.record(uow, caller, "council:agenda:add", KIND, meeting.id, {"item": item.number})
    return item


def _item(meeting: Meeting, number: int) -> AgendaItem:
    item = next((i for i in meeting.items if i.number == number), None)
    if item is None:
        raise InvalidInput(lazy("The agenda has no item {number}."), number=number)
    return item


def record_outcome(
    uow: UnitOfWork, caller: Caller, meeting_id: int, number: int, outcome: str
) -> AgendaItem:
    meeting = _managed(uow, caller, meeting_id)
    item = _item(meeting, number)
    item.outcome = outcome.strip() or None
    uow.session.flush()
    access.record(uow, caller, "council:agenda:outcome", KIND, meeting.id, {"item": number})
    return item


def save_minutes(uow: UnitOfWork, caller: Caller, meeting_id: int, minutes: str) -> Meeting:
    """Keeps the minutes; a meeting with minutes has been held."""
    meeting = _managed(uow, caller, meeting_id)
    if not minutes.strip():
        raise InvalidInput(lazy("Write the minutes before saving them."), for_field="minutes")
    meeting.minutes = minutes.strip()
    meeting.status = MeetingStatus.HELD.value
    uow.session.flush()
    access.record(uow, caller, "council:meeting:minutes", KIND, meeting.id)
    return meeting


def add_decision(uow: UnitOfWork, caller: Caller, meeting_id: int, data: DecisionIn) -> Decision:
    meeting = _managed(uow, caller, meeting_id)
    item = _item(meeting, data.item_number) if data.item_number else None
    # Decisions are numbered by counting: two secretaries adding one at once take turns.
    lock_for_transaction(uow.session, lock_key(f"council:decisions:{meeting.id}"))
    uow.session.refresh(meeting, ["decisions"])
    decision = Decision(
        number=f"{meeting.number}/{len(meeting.decisions) + 1}",
        text=data.text.strip(),
        agenda_item_id=item.id if item else None,
    )
    meeting.decisions.append(decision)
    uow.session.flush()
    access.record(
        uow, caller, "council:decision:add", KIND, meeting.id, {"decision": decision.number}
    )
    return decision


def _decision(uow: UnitOfWork, decision_id: int) -> tuple[Decision, Meeting]:
    decision = uow.session.get(Decision, decision_id)
    if decision is None:
        raise access.missing("council-decision")
    return decision, _find(uow, decision.meeting_id)


def add_task(uow: UnitOfWork, caller: Caller, decision_id: int, data: TaskIn) -> FollowUpTask:
    decision, meeting = _decision(uow, decision_id)
    # Refused (or hidden) as the decision asked for, not as the meeting it belongs to.
    access.require(
        caller, Action.MANAGE, "council-decision", decision.id, meeting, concerned(meeting)
    )
    agency = access.member_agency(uow, data.agency)
    task = FollowUpTask(
        agency_id=agency.id,
        description=data.description.strip(),
        due_on=data.due_on,
        status=TaskStatus.OPEN.value,
    )
    decision.tasks.append(task)
    uow.session.flush()
    access.record(uow, caller, "council:task:add", "council-task", task.id, {"agency": data.agency})
    return task


def documents_of(principal: Principal, item: AgendaItem) -> list[Document]:
    """The documents linked to an agenda item that `principal` may see: a meeting shows no
    title, number or link of a document its reader may not open."""
    return [d for d in item.documents if access.visible(principal, d, documents.parties(d))]


def update_task(uow: UnitOfWork, caller: Caller, task_id: int, data: TaskStatusIn) -> FollowUpTask:
    """The secretariat, or an officer of the agency the task is assigned to, reports it."""
    task = uow.session.get(FollowUpTask, task_id)
    if task is None:
        raise access.missing("council-task")
    _decision_row, meeting = _decision(uow, task.decision_id)
    access.require(caller, Action.UPDATE_TASK, "council-task", task.id, meeting, {task.agency_id})
    task.status = data.status.value
    task.done_at = utcnow() if data.status is TaskStatus.DONE else None
    uow.session.flush()
    access.record(
        uow, caller, "council:task:update", "council-task", task.id, {"status": task.status}
    )
    return task


def is_overdue(task: FollowUpTask, today: date) -> bool:
    return task.status == TaskStatus.OPEN.value and task.due_on < today


def overdue_tasks(
    uow: UnitOfWork, caller: Caller, today: date
) -> list[tuple[Meeting, Decision, FollowUpTask]]:
    """Open tasks past their deadline, in meetings the caller may see, oldest first."""
    found = []
    for meeting in list_meetings(uow, caller):
        for decision in meeting.decisions:
            found += [(meeting, decision, t) for t in decision.tasks if is_overdue(t, today)]
    return sorted(found, key=lambda row: row[2].due_on)
