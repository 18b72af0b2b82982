"""Use cases of the exchange that change something: send, reply, acknowledge, close, address.

Every function takes the unit of work of one request, checks the policy through
`access`, flushes, audits and leaves the commit to its caller.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.exchange import notices
from interagency.exchange.access import access
from interagency.exchange.codes import MessageKind, Status, least_status
from interagency.exchange.deadlines import deadline_for, zone_of
from interagency.exchange.indexing import agencies_on, index_for_new_agency, index_message
from interagency.exchange.models import Message, ReadReceipt, Recipient, Thread, ThreadLink
from interagency.exchange.policy import Action, may_send
from interagency.exchange.schemas import Marking, RecipientIn, ReplyIn, ThreadIn
from interagency.exchange.sealing import (
    body_context,
    open_restriction,
    open_subject,
    restriction_context,
    subject_context,
)
from interagency.i18n import lazy
from interagency.identity import directory, guard
from interagency.identity.models import Agency, Desk, User
from interagency.identity.principals import Caller
from interagency.markings import (
    HANDLING_RANK,
    HandlingCode,
    Tlp,
    stricter_handling,
    stricter_tlp,
    tlp_rank,
)
from interagency.vault import Vault


@dataclass(frozen=True)
class Context:
    """What the exchange needs besides the database: keys, zones and the public address."""

    vault: Vault
    default_zone: str
    base_url: str


def new_reference(now: datetime) -> str:
    # Random, not sequential: a reference reveals neither volume nor order of exchange.
    return f"EX-{now:%Y}-{secrets.token_hex(4).upper()}"


def reference_of(uow: UnitOfWork, thread_id: int) -> str:
    """A thread's reference, for other features that keep the id of a thread they started
    (the reference names the thread and reveals nothing of it)."""
    reference = uow.session.scalar(select(Thread.reference).where(Thread.id == thread_id))
    if reference is None:
        raise NotFound(lazy("There is no such thread."))
    return reference


def _agency(uow: UnitOfWork, code: str) -> Agency:
    agency = uow.session.scalar(select(Agency).where(Agency.code == code.strip().upper()))
    if agency is None:
        raise InvalidInput(lazy("There is no agency with the code {code}."), code=code)
    return agency


def resolve_recipient(
    uow: UnitOfWork, data: RecipientIn, *, reachable: Collection[int] = ()
) -> tuple[Agency, Desk | None, User | None]:
    """The agency, desk or named user a recipient names. A user is named only if their
    agency lists them in the directory (or their id is `reachable`: the platform itself
    addresses them); every other login gets the same answer, so none tells whether, or
    how, a login exists."""
    agency = _agency(uow, data.agency)
    desk = user = None
    if data.desk:
        desk = uow.session.scalar(
            select(Desk).where(Desk.agency_id == agency.id, Desk.code == data.desk.strip().upper())
        )
        if desk is None:
            raise InvalidInput(
                lazy("{agency} has no desk with the code {desk}."),
                agency=agency.code,
                desk=data.desk,
            )
    if data.user:
        user = directory.addressable_user(uow, agency.id, data.user, also=reachable)
        if user is None:
            raise InvalidInput(
                lazy("{agency} lists no user {login} in the directory."),
                agency=agency.code,
                login=data.user,
            )
    return agency, desk, user


def _add_recipient_row(
    uow: UnitOfWork,
    ctx: Context,
    thread: Thread,
    agency: Agency,
    desk: Desk | None,
    user: User | None,
    deadline_day: object,
    *,
    dissemination_id: int | None = None,
) -> Recipient:
    if agency.id == thread.originator_agency_id:
        raise InvalidInput(lazy("The originating agency is already on the thread."))
    for existing in thread.recipients:
        same = (existing.agency_id, existing.desk_id, existing.user_id)
        if same == (agency.id, desk.id if desk else None, user.id if user else None):
            raise Conflict(
                lazy("{agency} is already addressed on this thread."), agency=agency.code
            )
    deadline_at = None
    if deadline_day is not None:
        deadline_at = deadline_for(deadline_day, zone_of(agency, ctx.default_zone))  # type: ignore[arg-type]
    recipient = Recipient(
        thread=thread,
        agency_id=agency.id,
        desk_id=desk.id if desk else None,
        user_id=user.id if user else None,
        status=Status.NEW.value,
        deadline_at=deadline_at,
        dissemination_id=dissemination_id,
    )
    uow.session.add(recipient)
    uow.session.flush()
    return recipient


def send(
    uow: UnitOfWork,
    caller: Caller,
    ctx: Context,
    data: ThreadIn,
    *,
    reachable: Collection[int] = (),
) -> Thread:
    """Starts a thread with its first message, addressed to one or more agencies, desks or
    listed users (and to the users of `reachable`, listed or not, whom another feature
    addresses for its own reason)."""
    principal = caller.principal
    if principal is None or not may_send(principal.roles):
        message = lazy("Your role does not allow sending messages.")
        raise guard.refuse(caller, "exchange:thread:send", message=message)
    now = utcnow()
    if data.deadline is not None and data.deadline < now.date():
        raise InvalidInput(
            lazy("The deadline {day} has already passed."), day=data.deadline, for_field="deadline"
        )
    from_desk_id = None
    if data.from_desk:
        desk = uow.session.scalar(
            select(Desk).where(
                Desk.agency_id == principal.agency_id, Desk.code == data.from_desk.strip().upper()
            )
        )
        if desk is None or desk.id not in principal.desk_ids:
            raise InvalidInput(
                lazy("You do not work at the desk {desk}."),
                desk=data.from_desk,
                for_field="from_desk",
            )
        from_desk_id = desk.id
    resolved = [resolve_recipient(uow, r, reachable=reachable) for r in data.recipients]
    linked = [_linked_thread(uow, caller, ref, now) for ref in data.references]

    thread = Thread(
        reference=new_reference(now),
        originator_agency_id=principal.agency_id,
        originator_desk_id=from_desk_id,
        author_id=principal.user_id,
        kind=data.kind.value,
        priority=data.priority.value,
        handling_code=data.handling_code.value,
        tlp=data.tlp.value,
        subject_sealed=b"",
        status=Status.NEW.value,
        case_numbers="\n".join(data.case_numbers),
        updated_at=now,
        # Known to be empty: saying so spares loading the list when recipients are added.
        recipients=[],
    )
    uow.session.add(thread)
    uow.session.flush()
    thread.subject_sealed = ctx.vault.seal_text(
        uow.session, principal.agency_id, data.subject, context=subject_context(thread.id)
    )
    if data.restriction:
        thread.restriction_sealed = ctx.vault.seal_text(
            uow.session,
            principal.agency_id,
            data.restriction,
            context=restriction_context(thread.id),
        )
    for agency, desk, user in resolved:
        _add_recipient_row(uow, ctx, thread, agency, desk, user, data.deadline)
    for other in linked:
        uow.session.add(ThreadLink(thread_id=thread.id, linked_thread_id=other.id))
    _write_message(uow, ctx, thread, caller, data, data.kind, data.body, subject=data.subject)
    people = [u for r in thread.recipients for u in notices.readers_at(uow, thread, r)]
    notices.tell(uow, thread, people, "received", base_url=ctx.base_url)
    # Audited last: the entry takes the audit trail's lock, which is held until the commit.
    audit.record(
        uow,
        caller.event(
            "exchange:thread:send",
            object_kind="thread",
            object_ref=thread.id,
            detail={
                "reference": thread.reference,
                "recipients": sorted({a.code for a, _, _ in resolved}),
                "tlp": thread.tlp,
                "handling": thread.handling_code,
            },
        ),
    )
    return thread


def _linked_thread(uow: UnitOfWork, caller: Caller, reference: str, now: datetime) -> Thread:
    unknown = InvalidInput(lazy("There is no thread {ref} that you may see."), ref=reference)
    thread = uow.session.scalar(select(Thread).where(Thread.reference == reference.upper()))
    if thread is None:
        raise unknown
    try:
        access(uow, caller, thread.id, Action.READ_METADATA, now)
    except NotFound:
        raise unknown from None  # a hidden thread answers as a missing one
    return thread


def _write_message(
    uow: UnitOfWork,
    ctx: Context,
    thread: Thread,
    caller: Caller,
    marking: Marking,
    kind: MessageKind,
    body: str,
    *,
    subject: str | None = None,
) -> Message:
    principal = caller.principal
    assert principal is not None
    message = Message(
        thread_id=thread.id,
        author_id=principal.user_id,
        author_agency_id=principal.agency_id,
        kind=kind.value,
        handling_code=marking.handling_code.value,
        tlp=marking.tlp.value,
        source_grade=marking.source_grade.value,
        information_grade=marking.information_grade.value,
        body_sealed=b"",
    )
    uow.session.add(message)
    uow.session.flush()
    message.body_sealed = ctx.vault.seal_text(
        uow.session, principal.agency_id, body, context=body_context(message.id)
    )
    index_message(uow, ctx.vault, thread, message, body, agencies_on(thread), subject=subject)
    return message


def check_version(thread: Thread, version: int | None) -> None:
    if version is not None and version != thread.version:
        raise Conflict(
            lazy("The thread changed since you opened it (version {seen}, now {now}); reload it."),
            seen=version,
            now=thread.version,
        )


def _at_least_thread_marking(uow: UnitOfWork, ctx: Context, thread: Thread, data: ReplyIn) -> None:
    """A reply carries at least the strictest marking its thread has."""
    tlp, handling = Tlp(thread.tlp), HandlingCode(thread.handling_code)
    if tlp_rank(data.tlp) < tlp_rank(tlp):
        raise InvalidInput(
            lazy("This thread is marked TLP:{thread}; a reply may not be marked lower."),
            thread=tlp.value,
            for_field="tlp",
        )
    if data.tlp is Tlp.RED and tlp is not Tlp.RED:
        raise InvalidInput(
            lazy("A reply cannot make a thread RED; start a new RED thread naming its recipients."),
            for_field="tlp",
        )
    if HANDLING_RANK[data.handling_code] < HANDLING_RANK[handling]:
        raise InvalidInput(
            lazy("This thread is handled as {thread}; a reply may not be handled less strictly."),
            thread=handling.value,
            for_field="handling_code",
        )
    carried = open_restriction(uow, ctx.vault, thread)
    if carried and data.restriction and data.restriction not in carried:
        data.restriction = f"{carried}\n{data.restriction}"
    elif carried:
        data.restriction = carried
    if data.handling_code is HandlingCode.H3 and not data.restriction:
        raise InvalidInput(
            lazy("H3 needs the restriction written out in words."), for_field="restriction"
        )


def reply(uow: UnitOfWork, caller: Caller, ctx: Context, thread_id: int, data: ReplyIn) -> Message:
    now = utcnow()
    granted = access(uow, caller, thread_id, Action.REPLY, now)
    thread, principal = granted.thread, granted.principal
    check_version(thread, data.version)
    if thread.closed_at is not None:
        raise Conflict(lazy("The thread is closed; start a new one to continue."))
    _at_least_thread_marking(uow, ctx, thread, data)
    message = _write_message(uow, ctx, thread, caller, data, MessageKind.REPLY, data.body)
    thread.tlp = stricter_tlp(Tlp(thread.tlp), data.tlp).value
    thread.handling_code = stricter_handling(
        HandlingCode(thread.handling_code), data.handling_code
    ).value
    if data.restriction and data.restriction != open_restriction(uow, ctx.vault, thread):
        thread.restriction_sealed = ctx.vault.seal_text(
            uow.session,
            thread.originator_agency_id,
            data.restriction or "",
            context=restriction_context(thread.id),
        )
    for recipient in thread.recipients:
        if recipient.agency_id == principal.agency_id:
            recipient.status = Status.ANSWERED.value
            recipient.answered_at = recipient.answered_at or now
            recipient.acknowledged_at = recipient.acknowledged_at or now
    _touch(thread, now)
    _tell_the_others(uow, ctx, thread, principal.agency_id, "replied")
    audit.record(
        uow,
        caller.event(
            "exchange:thread:reply",
            object_kind="thread",
            object_ref=thread.id,
            detail={"message": message.id, "tlp": message.tlp, "handling": message.handling_code},
        ),
    )
    return message


def _touch(thread: Thread, now: datetime) -> None:
    thread.updated_at = now
    if thread.closed_at is None:
        thread.status = least_status([Status(r.status) for r in thread.recipients]).value


def _tell_the_others(
    uow: UnitOfWork, ctx: Context, thread: Thread, acting_agency_id: int, event: str
) -> None:
    people = []
    if acting_agency_id != thread.originator_agency_id:
        people += notices.originator_readers(uow, thread)
    for recipient in thread.recipients:
        if recipient.agency_id != acting_agency_id:
            people += notices.readers_at(uow, thread, recipient)
    notices.tell(uow, thread, people, event, base_url=ctx.base_url)


def acknowledge(
    uow: UnitOfWork, caller: Caller, ctx: Context, thread_id: int, version: int | None
) -> Thread:
    """The recipient confirms receipt; answering later moves it on to answered."""
    now = utcnow()
    granted = access(uow, caller, thread_id, Action.ACKNOWLEDGE, now)
    thread, principal = granted.thread, granted.principal
    check_version(thread, version)
    if thread.closed_at is not None:
        raise Conflict(lazy("The thread is closed."))
    changed = False
    for recipient in thread.recipients:
        if recipient.agency_id == principal.agency_id and recipient.status == Status.NEW.value:
            recipient.status = Status.ACKNOWLEDGED.value
            recipient.acknowledged_at = now
            recipient.acknowledged_by = principal.user_id
            changed = True
    if not changed:
        raise Conflict(lazy("Your agency has already acknowledged this thread."))
    _touch(thread, now)
    audit.record(
        uow, caller.event("exchange:thread:acknowledge", object_kind="thread", object_ref=thread.id)
    )
    notices.tell(
        uow, thread, notices.originator_readers(uow, thread), "acknowledged", base_url=ctx.base_url
    )
    return thread


def close(
    uow: UnitOfWork, caller: Caller, ctx: Context, thread_id: int, version: int | None
) -> Thread:
    now = utcnow()
    granted = access(uow, caller, thread_id, Action.CLOSE, now)
    thread = granted.thread
    check_version(thread, version)
    if thread.closed_at is not None:
        raise Conflict(lazy("The thread is already closed."))
    thread.closed_at = now
    thread.status = Status.CLOSED.value
    thread.updated_at = now
    _tell_the_others(uow, ctx, thread, granted.principal.agency_id, "closed")
    audit.record(
        uow, caller.event("exchange:thread:close", object_kind="thread", object_ref=thread.id)
    )
    return thread


def add_recipient(
    uow: UnitOfWork,
    caller: Caller,
    ctx: Context,
    thread_id: int,
    data: RecipientIn,
    version: int | None,
    *,
    dissemination_id: int | None = None,
    action: Action = Action.ADD_RECIPIENT,
) -> Recipient:
    """The originator addresses one more agency, desk or user (or approves a request to)."""
    now = utcnow()
    granted = access(uow, caller, thread_id, action, now)
    thread = granted.thread
    check_version(thread, version)
    if thread.closed_at is not None:
        raise Conflict(lazy("The thread is closed."))
    agency, desk, user = resolve_recipient(uow, data)
    if thread.tlp == Tlp.RED.value and desk is None and user is None:
        raise InvalidInput(
            lazy("RED must name a desk or a user of every recipient agency."),
            for_field="recipients",
        )
    first_deadline = next((r.deadline_at for r in thread.recipients if r.deadline_at), None)
    day = first_deadline.date() if first_deadline and first_deadline > now else None
    new_agency = agency.id not in agencies_on(thread)
    recipient = _add_recipient_row(
        uow, ctx, thread, agency, desk, user, day, dissemination_id=dissemination_id
    )
    uow.session.refresh(thread, ["recipients"])
    if new_agency:
        index_for_new_agency(
            uow, ctx.vault, thread, agency.id, open_subject(uow, ctx.vault, thread)
        )
    _touch(thread, now)
    audit.record(
        uow,
        caller.event(
            "exchange:thread:add-recipient",
            object_kind="thread",
            object_ref=thread.id,
            detail={"agency": agency.code, "desk": desk.code if desk else None,
                    "dissemination": dissemination_id},
        ),
    )  # fmt: skip
    notices.tell(
        uow, thread, notices.readers_at(uow, thread, recipient), "received", base_url=ctx.base_url
    )
    return recipient


def mark_read(uow: UnitOfWork, thread: Thread, agency_id: int, user_id: int) -> None:
    """The first reader of a receiving agency leaves its read receipt."""
    key = {"thread_id": thread.id, "agency_id": agency_id}
    if uow.session.get(ReadReceipt, key) is None:
        uow.session.add(ReadReceipt(**key, user_id=user_id))
        uow.session.flush()
