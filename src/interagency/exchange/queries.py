"""Use cases that read: the inbox, one thread, the overdue dashboard and search.

Lists are filtered in SQL by the policy's visibility clause before counting, ordering
and paging, so a thread the caller may not see changes no total and no page. Every list
is audited with its filters and the ids it returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache, partial
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Row,
    Select,
    Subquery,
    and_,
    bindparam,
    distinct,
    exists,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import InvalidInput
from interagency.exchange import listing, services
from interagency.exchange.access import Access, access
from interagency.exchange.codes import MessageKind, Priority, Status
from interagency.exchange.deadlines import is_overdue
from interagency.exchange.listing import RecipientState
from interagency.exchange.models import (
    Attachment,
    Dissemination,
    InboxEntry,
    Inspection,
    Message,
    ReadReceipt,
    Recipient,
    Thread,
    ThreadLink,
)
from interagency.exchange.policy import INSPECTING_ROLES, Action, Effect, Relation, effect_of
from interagency.exchange.schemas import (
    AttachmentOut,
    MessageOut,
    Page,
    RecipientOut,
    ThreadIn,
    ThreadOut,
    ThreadSummary,
    TimelineEvent,
)
from interagency.exchange.sealing import open_body, open_filename, open_restriction, open_subject
from interagency.exchange.visibility import listable, relations_of
from interagency.filestore.models import StoredFile
from interagency.i18n import lazy
from interagency.identity.models import Agency, AgencyKind, Desk, Role, User
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.identity.schemas import CODE_PATTERN
from interagency.markings import HandlingCode, Tlp

MAX_PER_PAGE = 100
# Totals and counts are exact up to here; past it, the reader learns "more than".
COUNT_CAP = 1000


@dataclass
class InboxFilter:
    box: str = "all"  # all | incoming | outgoing
    agency: str | None = None
    desk: str | None = None
    kind: str | None = None
    status: str | None = None
    priority: str | None = None
    tlp: str | None = None
    handling_code: str | None = None
    since: date | None = None
    until: date | None = None
    overdue: bool = False
    page: int = 1
    per_page: int = 25
    extra: dict[str, Any] = field(default_factory=dict)

    def described(self) -> dict[str, Any]:
        return {k: str(v) for k, v in vars(self).items() if v not in (None, False, "", {})}


_CODES = "interagency.exchange.agency_codes"


def _agency_names(uow: UnitOfWork) -> dict[int, str]:
    """Every agency's code by id, read once a transaction (a list, its export receipt and
    a post's answer each need them)."""
    codes: dict[int, str] | None = uow.session.info.get(_CODES)
    if codes is None:
        rows = uow.rows(select(Agency.id, Agency.code))
        codes = uow.session.info[_CODES] = {row.id: row.code for row in rows}
    return codes


def _code_filter(value: str, problem: str) -> str:
    """An agency or desk code from a filter, upper-cased; anything else is refused here,
    before it reaches SQL (PostgreSQL refuses a NUL byte with an error, not a no-match)."""
    code = value.strip().upper()
    if not re.fullmatch(CODE_PATTERN, code):
        raise InvalidInput(problem)
    return code


def _conditions(
    uow: UnitOfWork, principal: Principal, f: InboxFilter, now: datetime
) -> list[ColumnElement[bool]]:
    """The filters as conditions on inbox rows, which carry the thread's columns."""
    entry = InboxEntry
    found: list[ColumnElement[bool]] = []
    if f.box == "incoming":
        found.append(entry.received.is_(True))
    elif f.box == "outgoing":
        found.append(entry.originator_agency_id == principal.agency_id)
    elif f.box != "all":
        raise InvalidInput(lazy("The box must be all, incoming or outgoing."))
    if f.agency:
        agency_code = _code_filter(
            f.agency, lazy("The agency filter must be an agency code, e.g. KZ-KNB.")
        )
        agency_id = uow.session.scalar(select(Agency.id).where(Agency.code == agency_code))
        if agency_id is None:
            raise InvalidInput(lazy("There is no agency with the code {code}."), code=f.agency)
        found.append(
            or_(
                entry.originator_agency_id == agency_id,
                exists(
                    select(Recipient.id).where(
                        Recipient.thread_id == entry.thread_id, Recipient.agency_id == agency_id
                    )
                ),
            )
        )
    if f.desk:
        desk_code = _code_filter(f.desk, lazy("The desk filter must be a desk code, e.g. CT."))
        desk_ids = list(uow.session.scalars(select(Desk.id).where(Desk.code == desk_code)))
        found.append(
            or_(
                exists(
                    select(Thread.id).where(
                        Thread.id == entry.thread_id, Thread.originator_desk_id.in_(desk_ids)
                    )
                ),
                exists(
                    select(Recipient.id).where(
                        Recipient.thread_id == entry.thread_id, Recipient.desk_id.in_(desk_ids)
                    )
                ),
            )
        )
    for column, value in (
        (entry.kind, f.kind),
        (entry.status, f.status),
        (entry.priority, f.priority),
        (entry.tlp, f.tlp),
        (entry.handling_code, f.handling_code),
    ):
        if value:
            found.append(column == value)
    if f.since:
        found.append(entry.updated_at >= datetime.combine(f.since, time(), tzinfo=now.tzinfo))
    if f.until:
        end = datetime.combine(f.until + timedelta(days=1), time(), tzinfo=now.tzinfo)
        found.append(entry.updated_at < end)
    if f.overdue:
        # Said outright, so that the planner takes the index of the rows still owed.
        found += [entry.earliest_deadline.is_not(None), entry.earliest_deadline < now]
    return found


def _newest(
    principal: Principal,
    action: Action,
    conditions: Sequence[ColumnElement[bool]],
    most: int | BindParameter[int] | None,
) -> Subquery:
    """Thread ids and times from the principal's own rows, at most `most` per holder,
    newest first: each holder's part is one walk down its index that stops at `most`.
    A thread reached through several holders appears once per holder. The reader is named
    by parameters (`listing.reader_parameters`)."""
    parts = []
    for number, holder in enumerate(listing.holders_of(principal)):
        allowed = listing.granted(action, principal.roles, holder[0])
        part = select(InboxEntry.thread_id, InboxEntry.updated_at).where(
            InboxEntry.holder == listing.reader_holder(number), allowed, *conditions
        )
        if most is not None:
            limited = (
                part.order_by(InboxEntry.updated_at.desc(), InboxEntry.thread_id.desc())
                .limit(most)
                .subquery()
            )
            part = select(limited.c.thread_id, limited.c.updated_at)
        parts.append(part)
    return union_all(*parts).subquery()


def visible_among(
    uow: UnitOfWork,
    principal: Principal,
    f: InboxFilter,
    now: datetime,
    action: Action,
    thread_id: ColumnElement[int] | InstrumentedAttribute[int],
) -> ColumnElement[bool]:
    """Whether the thread `thread_id` names is one on which the policy grants `action` and
    that passes the filters: for a search, which finds its threads by its terms first and
    then looks up each one's rows. The statement is run with `listing.reader_parameters`."""
    return one_per_row(
        select(InboxEntry.id).where(
            InboxEntry.thread_id == thread_id,
            listing.granted_to(principal, action),
            *_conditions(uow, principal, f, now),
        )
    )


def one_per_row(rows: Select[Any]) -> ColumnElement[bool]:
    """Whether `rows`, a query correlated to the outer row, finds anything: asked row by
    row as the outer query walks. An EXISTS would do, but PostgreSQL may turn it into a
    join that first reads every row it could match (all the reader's threads), where a
    walk that stops after a page needs only the rows it meets."""
    return rows.limit(1).scalar_subquery().is_not(None)


@dataclass(frozen=True)
class _PageOfIds:
    ids: list[int]
    total: int
    exact: bool


_MOST = bindparam("most", type_=Integer, required=True)
_OFFSET = bindparam("page_offset", type_=Integer, required=True)
_SIZE = bindparam("page_size", type_=Integer, required=True)


def _page_statements(
    principal: Principal, conditions: Sequence[ColumnElement[bool]]
) -> tuple[Select[Any], Select[Any]]:
    """The statement of a page of ids with their total, and the total alone (for a page
    past the last)."""
    found = _newest(principal, Action.READ_METADATA, conditions, _MOST)
    threads = (
        select(found.c.thread_id, func.max(found.c.updated_at).label("updated_at"))
        .group_by(found.c.thread_id)
        .subquery()
    )
    page = (
        select(threads.c.thread_id, func.count().over().label("total"))
        .order_by(threads.c.updated_at.desc(), threads.c.thread_id.desc())
        .offset(_OFFSET)
        .limit(_SIZE)
    )
    return page, select(func.count()).select_from(threads)


@lru_cache(maxsize=512)
def _unfiltered_page_statements(
    roles: frozenset[Role], desks: int
) -> tuple[Select[Any], Select[Any]]:
    """The statements of an unfiltered page, the same for every reader with these roles
    and as many desks: built (and their cache keys computed) once, not per request. The
    reader's own holders are parameters."""
    shape = Principal(0, "", "", 0, AgencyKind.MEMBER_AGENCY, roles, frozenset(range(desks)))
    return _page_statements(shape, [])


def _page_of_ids(
    uow: UnitOfWork, principal: Principal, f: InboxFilter, now: datetime
) -> _PageOfIds:
    """One page of the threads the principal may list, and how many there are, counted
    up to the cap (or to the end of this page, if it lies further)."""
    offset = (f.page - 1) * f.per_page
    cap = max(COUNT_CAP, offset + f.per_page)
    conditions = _conditions(uow, principal, f, now)
    if conditions:
        page, total = _page_statements(principal, conditions)
    else:
        page, total = _unfiltered_page_statements(principal.roles, len(principal.desk_ids))
    parameters = {
        **listing.reader_parameters(principal, now),
        "most": cap + 1,
        "page_offset": offset,
        "page_size": f.per_page,
    }
    rows = uow.rows(page, parameters)
    # Past the last page the window saw no row to count: the total is asked alone.
    counted = int(rows[0].total) if rows else int(uow.rows(total, parameters)[0][0])
    return _PageOfIds([row.thread_id for row in rows], min(counted, cap), counted <= cap)


@dataclass(frozen=True)
class _Listed:
    """A thread of a list or a search, as plain columns: loading ORM objects for every
    line of every page costs more than the query that finds them."""

    id: int
    public_id: str
    reference: str
    subject_sealed: bytes
    kind: str
    priority: str
    handling_code: str
    tlp: str
    status: str
    originator_agency_id: int
    originator_desk_id: int | None
    author_id: int
    closed_at: datetime | None
    updated_at: datetime
    version: int
    recipients: tuple[RecipientState, ...]


_LISTED_COLUMNS = (
    Thread.id, Thread.public_id, Thread.reference, Thread.subject_sealed, Thread.kind,
    Thread.priority, Thread.handling_code, Thread.tlp, Thread.status, Thread.originator_agency_id,
    Thread.originator_desk_id, Thread.author_id, Thread.closed_at, Thread.updated_at,
    Thread.version,
)  # fmt: skip


def _listed(uow: UnitOfWork, rows: Sequence[Row[Any]]) -> list[_Listed]:
    """The threads of `rows` (which start with `_LISTED_COLUMNS`) with their recipients,
    read with one more query."""
    parties: dict[int, list[RecipientState]] = {}
    if rows:
        for r in uow.rows(
            select(
                Recipient.thread_id, Recipient.agency_id, Recipient.desk_id, Recipient.user_id,
                Recipient.status, Recipient.deadline_at,
            )
            .where(Recipient.thread_id.in_([row.id for row in rows]))
            .order_by(Recipient.id)
        ):  # fmt: skip
            parties.setdefault(r.thread_id, []).append(
                RecipientState(r.agency_id, r.desk_id, r.user_id, r.status, r.deadline_at)
            )
    names = [column.key for column in _LISTED_COLUMNS]
    return [
        _Listed(
            **{name: getattr(row, name) for name in names},
            recipients=tuple(parties.get(row.id, ())),
        )
        for row in rows
    ]


def listed_threads(uow: UnitOfWork, thread_ids: Sequence[int]) -> dict[int, _Listed]:
    """The given threads as lines of a list, by id (the caller has checked visibility)."""
    if not thread_ids:
        return {}
    rows = uow.rows(select(*_LISTED_COLUMNS).where(Thread.id.in_(thread_ids)))
    return {thread.id: thread for thread in _listed(uow, rows)}


def _summary(
    uow: UnitOfWork,
    ctx: services.Context,
    thread: Thread | _Listed,
    readable: bool,
    codes: dict[int, str],
    now: datetime,
) -> ThreadSummary:
    deadlines = [r.deadline_at for r in thread.recipients if r.deadline_at]
    return ThreadSummary(
        id=thread.public_id,
        reference=thread.reference,
        subject=open_subject(uow, ctx.vault, thread) if readable else None,
        kind=MessageKind(thread.kind),
        priority=Priority(thread.priority),
        handling_code=HandlingCode(thread.handling_code),
        tlp=Tlp(thread.tlp),
        status=Status(thread.status),
        originator=codes[thread.originator_agency_id],
        recipients=sorted({codes[r.agency_id] for r in thread.recipients}),
        deadline_at=min(deadlines) if deadlines else None,
        overdue=thread.closed_at is None
        and any(is_overdue(r.deadline_at, r.status, now) for r in thread.recipients),
        updated_at=thread.updated_at,
        version=thread.version,
    )


def readable_in_list(principal: Principal, thread: _Listed, inspecting: set[int]) -> bool:
    """Whether a listed thread's content (its subject) may be shown to the principal."""
    relations = relations_of(principal, thread, inspecting=thread.id in inspecting)
    effect = effect_of(
        Action.READ_CONTENT, Tlp(thread.tlp), HandlingCode(thread.handling_code),
        relations, principal.roles,
    )  # fmt: skip
    return effect is Effect.ALLOW


def _inspecting(uow: UnitOfWork, principal: Principal, now: datetime) -> set[int]:
    """The threads the principal is inspecting now (only a DPO or an auditor can be)."""
    if INSPECTING_ROLES.isdisjoint(principal.roles):
        return set()
    return {
        row.thread_id
        for row in uow.rows(
            select(Inspection.thread_id).where(
                Inspection.user_id == principal.user_id, Inspection.expires_at > now
            )
        )
    }


def inbox(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, f: InboxFilter
) -> Page[ThreadSummary]:
    if caller.principal is None:
        raise InvalidInput(lazy("Sign in first."))
    if f.page < 1 or not 1 <= f.per_page <= MAX_PER_PAGE:
        raise InvalidInput(
            lazy("Pages start at 1 and hold 1 to {most} threads."), most=MAX_PER_PAGE
        )
    now = utcnow()
    found = _page_of_ids(uow, caller.principal, f, now)
    listed = listed_threads(uow, found.ids)
    threads = [listed[thread_id] for thread_id in found.ids]
    total = found.total
    codes = _agency_names(uow)
    mine = _inspecting(uow, caller.principal, now)
    items = [
        _summary(uow, ctx, t, readable_in_list(caller.principal, t, mine), codes, now)
        for t in threads
    ]
    audit.record(
        uow,
        caller.event(
            "exchange:inbox:list",
            detail={"returned": [t.id for t in threads], "total": total},
            personal={"query": f.described()},
        ),
    )
    return Page[ThreadSummary](
        items=items, total=total, total_exact=found.exact, page=f.page, per_page=f.per_page
    )


def thread_summary(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, thread_id: int
) -> ThreadSummary:
    """One thread's line of the inbox: what a client needs after posting on a thread it
    already holds, without reading every message again."""
    now = utcnow()
    granted = access(uow, caller, thread_id, Action.READ_METADATA, now)
    readable = granted.may(Action.READ_CONTENT)
    return _summary(uow, ctx, granted.thread, readable, _agency_names(uow), now)


def counts(uow: UnitOfWork, caller: Caller) -> dict[str, int]:
    """How many visible threads are in each state, and how many are overdue.

    A state's count stops past `COUNT_CAP` (it reads `COUNT_CAP + 1` then: "more than"),
    so that it costs the same after a decade of threads; overdue threads are counted
    exactly, among the open requests alone."""
    principal = caller.principal
    assert principal is not None
    now = utcnow()
    visible = partial(_newest, principal, Action.READ_METADATA)
    statements = {
        status.value: visible([InboxEntry.status == status.value], most=COUNT_CAP + 1)
        for status in Status
    }
    statements["overdue"] = visible(
        [InboxEntry.earliest_deadline.is_not(None), InboxEntry.earliest_deadline < now],
        most=None,
    )
    row = uow.rows(
        select(
            *(
                select(func.count(distinct(found.c.thread_id))).scalar_subquery().label(name)
                for name, found in statements.items()
            )
        ),
        listing.reader_parameters(principal, now),
    )[0]
    return {name: min(int(row._mapping[name]), COUNT_CAP + 1) for name in statements}


def thread_view(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, thread_id: int
) -> ThreadOut:
    """One thread: with its content for those who may read it, its metadata otherwise."""
    now = utcnow()
    granted = access(uow, caller, thread_id, Action.READ_METADATA, now)
    thread, principal = granted.thread, granted.principal
    readable = granted.may(Action.READ_CONTENT)
    codes = _agency_names(uow)
    summary = _summary(uow, ctx, thread, readable, codes, now)
    # A receipt says the receiving agency's own people read it: not its DPO inspecting.
    reads_as_recipient = Access(principal, thread, granted.relations - {Relation.INSPECTING}).may(
        Action.READ_CONTENT
    )
    if reads_as_recipient and principal.agency_id != thread.originator_agency_id:
        services.mark_read(uow, thread, principal.agency_id, principal.user_id)
    receipts = {
        r.agency_id: r.read_at
        for r in uow.session.scalars(select(ReadReceipt).where(ReadReceipt.thread_id == thread.id))
    }
    desks = dict(uow.session.execute(select(Desk.id, Desk.code)).all())
    # Every message is read once: its marking and time for the timeline, its body only
    # for those who may read it.
    rows = uow.session.scalars(
        select(Message).where(Message.thread_id == thread.id).order_by(Message.id)
    ).all()
    people = {
        u.id: u
        for u in uow.session.execute(
            select(User.id, User.login, User.full_name).where(
                User.id.in_({r.user_id for r in thread.recipients if r.user_id}
                            | {m.author_id for m in rows} | {thread.author_id})
            )
        )
    }  # fmt: skip
    logins = {user_id: person.login for user_id, person in people.items()}
    states = [
        RecipientOut(
            agency=codes[r.agency_id],
            desk=desks.get(r.desk_id) if r.desk_id else None,
            user=logins.get(r.user_id) if r.user_id else None,
            status=Status(r.status),
            deadline_at=r.deadline_at,
            overdue=thread.closed_at is None and is_overdue(r.deadline_at, r.status, now),
            acknowledged_at=r.acknowledged_at,
            read_at=receipts.get(r.agency_id),
        )
        for r in thread.recipients
    ]
    messages: list[MessageOut] = []
    if readable:
        authors = {user_id: person.full_name for user_id, person in people.items()}
        files = _attachments(uow, ctx, [m.id for m in rows])
        messages = [
            MessageOut(
                id=m.public_id,
                author=authors.get(m.author_id, "?"),
                agency=codes[m.author_agency_id],
                kind=MessageKind(m.kind),
                handling_code=m.handling_code,
                tlp=m.tlp,
                source_grade=m.source_grade,
                information_grade=m.information_grade,
                body=open_body(uow, ctx.vault, m),
                created_at=m.created_at,
                attachments=files.get(m.id, []),
            )
            for m in rows
        ]
    # Only the references the reader may see: a link must not reveal a hidden thread.
    links = uow.session.scalars(
        select(Thread.reference)
        .join(ThreadLink, ThreadLink.linked_thread_id == Thread.id)
        .where(ThreadLink.thread_id == thread.id, listable(principal, Action.READ_METADATA))
    ).all()
    audit.record(
        uow,
        caller.event(
            "exchange:thread:read" if readable else "exchange:thread:metadata",
            object_kind="thread",
            object_ref=thread.id,
            detail={"messages": [m.id for m in messages]},
        ),
    )
    return ThreadOut(
        **summary.model_dump(),
        restriction=open_restriction(uow, ctx.vault, thread) if readable else None,
        case_numbers=[c for c in thread.case_numbers.split("\n") if c] if readable else [],
        references=list(links),
        recipient_states=states,
        messages=messages,
        timeline=_timeline(uow, thread, rows, codes, receipts),
    )


def sent_view(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, thread: Thread, data: ThreadIn
) -> ThreadOut:
    """The answer to starting a thread, built from what `services.send` has just written
    instead of reading the thread back: its first message, its recipients, no receipts,
    no requests. The policy is asked all the same; `send` audited the sending."""
    principal = caller.principal
    assert principal is not None
    granted = Access(principal, thread, relations_of(principal, thread))
    if not granted.may(Action.READ_CONTENT):
        return thread_view(uow, caller, ctx, thread.id)
    now = utcnow()
    message = uow.session.scalars(select(Message).where(Message.thread_id == thread.id)).one()
    codes = _agency_names(uow)
    origin = codes[thread.originator_agency_id]
    references: list[str] = []
    if data.references:
        references = list(
            uow.session.scalars(
                select(Thread.reference)
                .join(ThreadLink, ThreadLink.linked_thread_id == Thread.id)
                .where(ThreadLink.thread_id == thread.id)
            )
        )
    states = [
        RecipientOut(
            agency=codes[r.agency_id],
            desk=desk.code if r.desk_id and (desk := uow.session.get(Desk, r.desk_id)) else None,
            user=user.login if r.user_id and (user := uow.session.get(User, r.user_id)) else None,
            status=Status(r.status),
            deadline_at=r.deadline_at,
            overdue=is_overdue(r.deadline_at, r.status, now),
            acknowledged_at=None,
            read_at=None,
        )
        for r in thread.recipients
    ]
    deadlines = [r.deadline_at for r in thread.recipients if r.deadline_at]
    return ThreadOut(
        id=thread.public_id,
        reference=thread.reference,
        subject=data.subject,
        kind=MessageKind(thread.kind),
        priority=Priority(thread.priority),
        handling_code=HandlingCode(thread.handling_code),
        tlp=Tlp(thread.tlp),
        status=Status(thread.status),
        originator=origin,
        recipients=sorted({state.agency for state in states}),
        deadline_at=min(deadlines) if deadlines else None,
        overdue=any(state.overdue for state in states),
        updated_at=thread.updated_at,
        version=thread.version,
        restriction=data.restriction,
        case_numbers=list(data.case_numbers),
        references=references,
        recipient_states=states,
        messages=[
            MessageOut(
                id=message.public_id,
                author=principal.full_name,
                agency=origin,
                kind=MessageKind(message.kind),
                handling_code=message.handling_code,
                tlp=message.tlp,
                source_grade=message.source_grade,
                information_grade=message.information_grade,
                body=data.body,
                created_at=message.created_at,
                attachments=[],
            )
        ],
        timeline=[TimelineEvent(at=thread.created_at, kind="sent", agency=origin)],
    )


def _attachments(
    uow: UnitOfWork, ctx: services.Context, message_ids: list[int]
) -> dict[int, list[AttachmentOut]]:
    found: dict[int, list[AttachmentOut]] = {}
    if not message_ids:
        return found
    rows = uow.session.execute(
        select(Attachment, StoredFile, Message.author_agency_id)
        .join(StoredFile, StoredFile.id == Attachment.stored_file_id)
        .join(Message, Message.id == Attachment.message_id)
        .where(Attachment.message_id.in_(message_ids))
        .order_by(Attachment.id)
    ).all()
    for attachment, stored, agency_id in rows:
        found.setdefault(attachment.message_id, []).append(
            AttachmentOut(
                id=attachment.public_id,
                filename=open_filename(uow, ctx.vault, attachment, agency_id),
                size=stored.size,
                media_type=stored.media_type,
                sha256=stored.sha256,
                status=stored.status,
            )
        )
    return found


def _timeline(
    uow: UnitOfWork,
    thread: Thread,
    messages: Sequence[Message],
    codes: dict[int, str],
    receipts: dict[int, datetime],
) -> list[TimelineEvent]:
    events = [
        TimelineEvent(at=thread.created_at, kind="sent", agency=codes[thread.originator_agency_id])
    ]
    for message in messages[1:]:
        events.append(
            TimelineEvent(
                at=message.created_at, kind="replied", agency=codes[message.author_agency_id]
            )
        )
    for r in thread.recipients:
        if r.acknowledged_at:
            events.append(
                TimelineEvent(at=r.acknowledged_at, kind="acknowledged", agency=codes[r.agency_id])
            )
    for agency_id, at in receipts.items():
        events.append(TimelineEvent(at=at, kind="read", agency=codes[agency_id]))
    for d in uow.session.scalars(select(Dissemination).where(Dissemination.thread_id == thread.id)):
        target = codes.get(d.target_agency_id) if d.target_agency_id else None
        events.append(
            TimelineEvent(
                at=d.created_at,
                kind=f"{d.purpose}-requested",
                agency=codes[d.requesting_agency_id],
                detail=target,
            )
        )
        if d.decided_at:
            events.append(
                TimelineEvent(
                    at=d.decided_at,
                    kind=f"{d.purpose}-{d.status}",
                    agency=codes[thread.originator_agency_id],
                    detail=target,
                )
            )
    if thread.closed_at:
        events.append(
            TimelineEvent(
                at=thread.closed_at, kind="closed", agency=codes[thread.originator_agency_id]
            )
        )
    return sorted(events, key=lambda e: e.at)  # fmt: skip


def overdue(
    uow: UnitOfWork, caller: Caller, ctx: services.Context
) -> dict[str, Page[ThreadSummary]]:
    """Requests past their deadline: those we owe an answer, and those we wait for."""
    return {
        box: inbox(uow, caller, ctx, InboxFilter(box=box, overdue=True, per_page=MAX_PER_PAGE))
        for box in ("incoming", "outgoing")
    }


__all__ = ["InboxFilter", "and_", "counts", "inbox", "overdue", "thread_view"]
