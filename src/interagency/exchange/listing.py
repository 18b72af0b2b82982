"""The inbox's table: each party's way onto each thread, derived from the policy's relations.

`visibility.listable` says in SQL which threads a user may list, but as a clause over
every thread: its cost grows with the history of the whole council. Here the same
relations are written down when a thread changes, one row per holder (the author, the
sending desk and agency, each recipient agency and each named desk or user, each DPO
inspecting), so that a reader's page reads only the rows of its own holders, newest
first, and stops at the page's end.

Rows are never edited by hand. Whenever a flush touches a thread, its recipients or an
inspection, the thread's rows are derived again from what is stored (`entries_for`),
just before the transaction commits: every path that changes a thread keeps its rows
true without remembering to. The TLP levels each relation earns are not stored: the
reader's clause asks the policy table (`policy.allowed_tlps`), as `listable` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    String,
    and_,
    bindparam,
    delete,
    event,
    false,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.util import identity_key

from interagency.db import UTCDateTime, before_every_commit
from interagency.exchange.codes import Status
from interagency.exchange.deadlines import OWING
from interagency.exchange.models import InboxEntry, Inspection, Recipient, Thread
from interagency.exchange.policy import Action, Relation, allowed_tlps
from interagency.identity.models import Role, User
from interagency.identity.policy import Principal
from interagency.markings import Tlp


def user_holder(user_id: int) -> str:
    return f"u:{user_id}"


def desk_holder(desk_id: int) -> str:
    return f"d:{desk_id}"


def agency_holder(agency_id: int) -> str:
    return f"a:{agency_id}"


def holders_of(principal: Principal) -> list[str]:
    """Every holder whose rows may list a thread for the principal."""
    return [
        user_holder(principal.user_id),
        agency_holder(principal.agency_id),
        *(desk_holder(d) for d in sorted(principal.desk_ids)),
    ]


@dataclass(frozen=True)
class ThreadState:
    """What the rows copy from a thread."""

    id: int
    author_id: int
    originator_agency_id: int
    originator_desk_id: int | None
    tlp: str
    handling_code: str
    kind: str
    priority: str
    status: str
    updated_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class RecipientState:
    agency_id: int
    desk_id: int | None
    user_id: int | None
    status: str
    deadline_at: datetime | None


@dataclass(frozen=True)
class InspectionState:
    user_id: int
    agency_id: int  # the inspecting DPO's
    expires_at: datetime


def entries_for(
    thread: ThreadState,
    recipients: Sequence[RecipientState],
    inspections: Sequence[InspectionState] = (),
) -> list[dict[str, Any]]:
    """The inbox rows of one thread, as values for `insert(InboxEntry)`."""
    is_open = thread.closed_at is None
    receiving = {r.agency_id for r in recipients}
    waiting = {r.agency_id for r in recipients if is_open and r.status == Status.NEW.value}
    # A recipient that still owes an answer by a deadline: the thread is overdue once the
    # earliest of these deadlines has passed (as `deadlines.is_overdue` says of each).
    owed = [
        r.deadline_at
        for r in recipients
        if is_open and r.deadline_at is not None and r.status in OWING
    ]
    origin = thread.originator_agency_id
    parties: dict[tuple[str, Relation, int], datetime | None] = {
        (user_holder(thread.author_id), Relation.AUTHOR, origin): None,
        (agency_holder(origin), Relation.ORIGINATOR_AGENCY, origin): None,
    }
    if thread.originator_desk_id is not None:
        parties[(desk_holder(thread.originator_desk_id), Relation.ORIGINATOR_DESK, origin)] = None
    for r in recipients:
        parties[(agency_holder(r.agency_id), Relation.RECIPIENT_AGENCY, r.agency_id)] = None
        if r.user_id is not None:
            parties[(user_holder(r.user_id), Relation.NAMED_RECIPIENT, r.agency_id)] = None
        if r.desk_id is not None:
            parties[(desk_holder(r.desk_id), Relation.NAMED_RECIPIENT, r.agency_id)] = None
    for i in inspections:
        key = (user_holder(i.user_id), Relation.INSPECTING, i.agency_id)
        parties[key] = max(i.expires_at, parties.get(key) or i.expires_at)
    shared = {
        "thread_id": thread.id,
        "tlp": thread.tlp,
        "handling_code": thread.handling_code,
        "kind": thread.kind,
        "priority": thread.priority,
        "status": thread.status,
        "originator_agency_id": origin,
        "updated_at": thread.updated_at,
        "earliest_deadline": min(owed) if owed else None,
    }
    return [
        {
            **shared,
            "holder": holder,
            "relation": relation.value,
            "agency_id": agency_id,
            "expires_at": expires_at,
            "received": agency_id in receiving,
            "unacknowledged": agency_id in waiting,
        }
        for (holder, relation, agency_id), expires_at in sorted(parties.items())
    ]


# -- keeping the rows true ------------------------------------------------------------

_CHANGED = "interagency.exchange.inbox_changed"
_CREATED = "interagency.exchange.inbox_created"
# Threads whose loaded recipients may not be all there are: read them from the database.
_UNSURE = "interagency.exchange.inbox_unsure"
# The changed threads themselves: the session holds unchanged objects only weakly, and a
# thread let go after its flush would have to be read again, here and by the request.
_HELD = "interagency.exchange.inbox_held"


@event.listens_for(Session, "after_flush")
def _note_changed_threads(session: Session, flush: UOWTransaction) -> None:
    changed: set[int] = session.info.setdefault(_CHANGED, set())
    created: set[int] = session.info.setdefault(_CREATED, set())
    unsure: set[int] = session.info.setdefault(_UNSURE, set())
    held: list[Thread] = session.info.setdefault(_HELD, [])
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Thread):
            changed.add(obj.id)
            held.append(obj)
            if obj in session.new:
                created.add(obj.id)
        elif isinstance(obj, Recipient | Inspection):
            changed.add(obj.thread_id)
            # A recipient added without its thread, or removed, is not in (or still in)
            # the thread's loaded list.
            if isinstance(obj, Recipient) and (
                obj in session.deleted or (obj in session.new and "thread" not in vars(obj))
            ):
                unsure.add(obj.thread_id)


@before_every_commit
@event.listens_for(Session, "before_commit")
def _rewrite_before_commit(session: Session) -> None:
    """Writes the rows of the threads changed since the last commit. A unit of work runs
    it before appending its audit entries, so that the audit's lock is not held for it;
    a session committed some other way runs it as it commits (and finds nothing left to do
    if the unit of work has)."""
    if session.in_nested_transaction():
        return  # a savepoint's release: the transaction itself has not ended
    # The commit's own flush comes after this event: flush first, so nothing is missed.
    session.flush()
    changed: set[int] = session.info.pop(_CHANGED, set())
    created: set[int] = session.info.pop(_CREATED, set())
    unsure: set[int] = session.info.pop(_UNSURE, set())
    held = session.info.pop(_HELD, [])
    if changed:
        rewrite(session, sorted(changed), new=created, loaded=_loaded(session, changed - unsure))
    del held  # kept until here, so that the threads' objects were there to be read


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    for key in (_CHANGED, _CREATED, _UNSURE, _HELD):
        session.info.pop(key, None)


_Parties = tuple[ThreadState, list[RecipientState]]


def _loaded(session: Session, thread_ids: Iterable[int]) -> dict[int, _Parties]:
    """The threads, among these, that the session holds whole with their recipients, as
    just flushed: their rows are derived without reading them back."""
    found: dict[int, _Parties] = {}
    for thread_id in thread_ids:
        thread = session.identity_map.get(identity_key(Thread, thread_id))
        if (
            not isinstance(thread, Thread)
            or not _current(thread)
            or "recipients" not in vars(thread)
        ):
            continue
        if not all(_current(r) for r in thread.recipients):
            continue
        found[thread_id] = (
            ThreadState(*(getattr(thread, c.key) for c in _THREAD_COLUMNS)),
            [RecipientState(*(getattr(r, c.key) for c in _RECIPIENT_COLUMNS))
             for r in thread.recipients],
        )  # fmt: skip
    return found


def _current(obj: object) -> bool:
    """Whether an object's attributes hold what was flushed (none expired, none pending)."""
    state = sa_inspect(obj)
    return not state.expired_attributes and not state.modified and state.persistent


def rewrite(
    session: Session,
    thread_ids: Sequence[int],
    *,
    new: Iterable[int] = (),
    loaded: dict[int, _Parties] | None = None,
) -> None:
    """Derives the rows of these threads again from what is stored. Threads made in this
    transaction have no rows or inspections yet, and the `loaded` ones need not be read
    again: a new thread's rows cost one insert."""
    connection = session.connection()
    parties: dict[int, _Parties] = dict(loaded or {})
    unread = [t for t in thread_ids if t not in parties]
    if unread:
        recipients: dict[int, list[RecipientState]] = {}
        for r in connection.execute(
            select(Recipient.thread_id, *_RECIPIENT_COLUMNS)
            .where(Recipient.thread_id.in_(unread))
            .order_by(Recipient.id)
        ):
            recipients.setdefault(r.thread_id, []).append(RecipientState(*r[1:]))
        for t in connection.execute(select(*_THREAD_COLUMNS).where(Thread.id.in_(unread))):
            parties[t.id] = (ThreadState(*t), recipients.get(t.id, []))
    made = set(new)
    existing = [t for t in thread_ids if t not in made]
    looks: dict[int, list[InspectionState]] = {}
    if existing:
        for i in connection.execute(
            select(Inspection.thread_id, Inspection.user_id, User.agency_id, Inspection.expires_at)
            .join(User, User.id == Inspection.user_id)
            .where(Inspection.thread_id.in_(existing))
        ):
            looks.setdefault(i.thread_id, []).append(InspectionState(*i[1:]))
        connection.execute(delete(InboxEntry).where(InboxEntry.thread_id.in_(existing)))
    rows = [
        row
        for thread_id in thread_ids
        if thread_id in parties
        for row in entries_for(*parties[thread_id], looks.get(thread_id, []))
    ]
    if rows:
        connection.execute(insert(InboxEntry), rows)


_THREAD_COLUMNS = (
    Thread.id, Thread.author_id, Thread.originator_agency_id, Thread.originator_desk_id,
    Thread.tlp, Thread.handling_code, Thread.kind, Thread.priority, Thread.status,
    Thread.updated_at, Thread.closed_at,
)  # fmt: skip
_RECIPIENT_COLUMNS = (
    Recipient.agency_id, Recipient.desk_id, Recipient.user_id, Recipient.status,
    Recipient.deadline_at,
)  # fmt: skip


# -- reading ---------------------------------------------------------------------------

# A reader's clauses name the reader by these parameters, never by values built into the
# statement: the statements are built once for each shape and reused by every reader, and
# a parameter left out is an error, not someone else's value.
READER_AGENCY = bindparam("reader_agency", type_=Integer, required=True)
READER_NOW = bindparam("reader_now", type_=UTCDateTime(), required=True)
READER_HOLDERS: BindParameter[str] = bindparam(
    "reader_holders", type_=String, expanding=True, required=True
)


def reader_holder(number: int) -> BindParameter[str]:
    """The parameter of the reader's `number`th holder (in the order of `holders_of`)."""
    return bindparam(f"reader_holder_{number}", type_=String, required=True)


def reader_parameters(principal: Principal, now: datetime) -> dict[str, Any]:
    """The values of the reader's parameters for a statement built with them."""
    holders = holders_of(principal)
    return {
        "reader_agency": principal.agency_id,
        "reader_now": now,
        "reader_holders": holders,
        **{f"reader_holder_{n}": holder for n, holder in enumerate(holders)},
    }


@lru_cache(maxsize=256)
def _earned(action: Action, roles: frozenset[Role]) -> tuple[tuple[Relation, tuple[str, ...]], ...]:
    """Each relation that earns `action` for these roles, with the TLP levels it earns."""
    return tuple(
        (relation, tuple(sorted(t.value for t in tlps)))
        for relation in Relation
        if (tlps := allowed_tlps(action, relation, roles))
    )


# The relations a row of each kind of holder can carry (see `entries_for`).
_HOLDER_RELATIONS = {
    "u": frozenset({Relation.AUTHOR, Relation.NAMED_RECIPIENT, Relation.INSPECTING}),
    "d": frozenset({Relation.ORIGINATOR_DESK, Relation.NAMED_RECIPIENT}),
    "a": frozenset({Relation.ORIGINATOR_AGENCY, Relation.RECIPIENT_AGENCY}),
}
_ALL_LEVELS = tuple(sorted(t.value for t in Tlp))
# Relations that hold only under a condition of their own, besides the TLP level.
_CONDITIONAL = frozenset({Relation.NAMED_RECIPIENT, Relation.INSPECTING})


@lru_cache(maxsize=1024)
def granted(action: Action, roles: frozenset[Role], kind: str | None = None) -> ColumnElement[bool]:
    """The rows through which the policy grants `action` to a reader with these roles:
    the relation, the TLP levels it earns, and the relation's own condition (on the
    reader's parameters, `reader_parameters`).

    For the rows of one kind of holder ("u", "d" or "a") the clause is as short as the
    policy allows, since a walk down a holder's rows checks it on every row it meets: only
    the relations such rows can carry are asked about; a relation that earns every level
    asks no level; and when every relation such rows can carry earns the same levels
    unconditionally, the relation is not asked at all."""
    possible = _HOLDER_RELATIONS[kind] if kind else frozenset(Relation)
    earned = [(r, tlps) for r, tlps in _earned(action, roles) if r in possible]
    if not earned:
        return false()
    levels = {tlps for _, tlps in earned}
    if {r for r, _ in earned} == possible and not possible & _CONDITIONAL and len(levels) == 1:
        return _at_levels(levels.pop())
    clauses = []
    for relation, tlps in earned:
        clause = and_(InboxEntry.relation == relation.value, _at_levels(tlps))
        if relation is Relation.NAMED_RECIPIENT:
            # A user or desk is addressed on behalf of the agency they belong to.
            clause = and_(clause, InboxEntry.agency_id == READER_AGENCY)
        elif relation is Relation.INSPECTING:
            clause = and_(clause, InboxEntry.expires_at > READER_NOW)
        clauses.append(clause)
    return or_(*clauses)


def _at_levels(tlps: tuple[str, ...]) -> ColumnElement[bool]:
    return true() if tlps == _ALL_LEVELS else InboxEntry.tlp.in_(tlps)


def granted_to(principal: Principal, action: Action) -> ColumnElement[bool]:
    """The principal's rows (any holder of theirs) through which the policy grants
    `action`, on the reader's parameters."""
    return and_(InboxEntry.holder.in_(READER_HOLDERS), granted(action, principal.roles))
