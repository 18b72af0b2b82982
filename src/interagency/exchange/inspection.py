"""A data protection officer's inspection of a thread: on their own authority, for a time.

The DPO of an agency on the thread may read its content without anyone's approval (that
is their independent role), but only for a limited time, with a written reason, and the
originating agency is told at once. Every read during the inspection is audited.
"""

from __future__ import annotations

from datetime import timedelta

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.exchange import notices, services
from interagency.exchange.access import access
from interagency.exchange.models import Inspection
from interagency.exchange.policy import Action
from interagency.exchange.schemas import InspectionIn
from interagency.identity import notifications
from interagency.identity.models import Role, User
from interagency.identity.principals import Caller


def open_inspection(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, thread_id: int, data: InspectionIn
) -> Inspection:
    now = utcnow()
    granted = access(uow, caller, thread_id, Action.INSPECT, now)
    thread = granted.thread
    row = Inspection(
        thread_id=thread.id,
        user_id=granted.principal.user_id,
        reason=data.reason.strip(),
        expires_at=now + timedelta(minutes=data.minutes),
    )
    uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow,
        caller.event(
            "exchange:thread:inspect",
            object_kind="thread",
            object_ref=thread.id,
            detail={"inspection": row.id, "minutes": data.minutes},
            personal={"reason": row.reason},
        ),
    )
    # The originating agency's own DPOs and its people on the thread hear of it.
    told = set(
        notifications.holders_of(uow, Role.DATA_PROTECTION_OFFICER, [thread.originator_agency_id])
    )
    people = list(notices.originator_readers(uow, thread))
    people += [u for uid in told if (u := uow.session.get(User, uid)) is not None]
    notices.tell(uow, thread, people, "inspected", base_url=ctx.base_url)
    return row
