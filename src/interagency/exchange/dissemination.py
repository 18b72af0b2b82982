"""Onward dissemination and export consent: a recipient asks, the originator decides.

Nothing reaches a third agency, and nothing above H0 leaves the platform as a file,
unless the originating agency approved it; both the request and the decision are
audited and shown on the thread's timeline. An export request may name a registered
third party: the originator's approval is then its consent for that destination only
(recorded for the export gate), and not for the requesting agency's own use.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import func, select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.egress import third_parties
from interagency.egress.models import ThirdParty
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.exchange import notices, services
from interagency.exchange.access import access
from interagency.exchange.models import (
    Dissemination,
    DisseminationPurpose,
    DisseminationStatus,
    Message,
)
from interagency.exchange.policy import Action
from interagency.exchange.schemas import DecisionIn, DisseminationIn, RecipientIn
from interagency.i18n import lazy
from interagency.identity.models import Agency, Desk, User
from interagency.identity.principals import Caller

# What the export gate calls a thread, in its exports and in owners' consents.
THREAD_KIND: Final = "thread"


def request(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, thread_id: int, data: DisseminationIn
) -> Dissemination:
    now = utcnow()
    purpose = DisseminationPurpose(data.purpose)
    action = (
        Action.REQUEST_DISSEMINATION
        if purpose is DisseminationPurpose.RECIPIENT
        else Action.REQUEST_EXPORT_CONSENT
    )
    granted = access(uow, caller, thread_id, action, now)
    thread, principal = granted.thread, granted.principal
    target_agency_id = target_desk_id = None
    if purpose is DisseminationPurpose.RECIPIENT:
        if not data.agency:
            raise InvalidInput(lazy("Name the agency the thread should also reach."))
        agency, desk, _ = services.resolve_recipient(
            uow, RecipientIn(agency=data.agency, desk=data.desk)
        )
        if agency.id == thread.originator_agency_id or any(
            r.agency_id == agency.id and r.desk_id == (desk.id if desk else None)
            for r in thread.recipients
        ):
            raise Conflict(lazy("{agency} is already on this thread."), agency=agency.code)
        target_agency_id, target_desk_id = agency.id, desk.id if desk else None
    party = registered_third_party(uow, data.third_party) if data.third_party else None
    pending = uow.session.scalar(
        select(Dissemination.id).where(
            Dissemination.thread_id == thread.id,
            Dissemination.status == DisseminationStatus.PENDING.value,
            Dissemination.purpose == purpose.value,
            Dissemination.requesting_agency_id == principal.agency_id,
            Dissemination.target_agency_id == target_agency_id,
            Dissemination.third_party_id == (party.id if party else None),
        )
    )
    if pending is not None:
        raise Conflict(lazy("The same request is already waiting for the originator."))
    row = Dissemination(
        thread_id=thread.id,
        purpose=purpose.value,
        requested_by=principal.user_id,
        requesting_agency_id=principal.agency_id,
        target_agency_id=target_agency_id,
        target_desk_id=target_desk_id,
        third_party_id=party.id if party else None,
        reason=data.reason.strip(),
        status=DisseminationStatus.PENDING.value,
    )
    uow.session.add(row)
    uow.session.flush()
    detail: dict[str, object] = {
        "request": row.id, "purpose": purpose.value, "target": target_agency_id
    }  # fmt: skip
    if party is not None:
        detail["third_party"] = party.public_id
    audit.record(
        uow,
        caller.event(
            "exchange:dissemination:request",
            object_kind="thread",
            object_ref=thread.id,
            detail=detail,
            personal={"reason": row.reason},
        ),
    )
    notices.tell(
        uow, thread, notices.originator_readers(uow, thread), "dissemination-requested",
        base_url=ctx.base_url,
    )  # fmt: skip
    return row


def decide(
    uow: UnitOfWork, caller: Caller, ctx: services.Context, request_id: int, data: DecisionIn
) -> Dissemination:
    unknown = NotFound(lazy("There is no such dissemination request."))
    row = uow.session.get(Dissemination, request_id, with_for_update=True)
    if row is None:
        raise unknown
    now = utcnow()
    try:
        granted = access(uow, caller, row.thread_id, Action.DECIDE_DISSEMINATION, now)
    except NotFound:
        # The same answer as for a request that does not exist: a guessed number must
        # reveal neither the request nor its thread (the refusal is audited by `access`).
        raise unknown from None
    if row.status != DisseminationStatus.PENDING.value:
        raise Conflict(lazy("This request has already been decided."))
    row.status = (
        DisseminationStatus.APPROVED if data.approve else DisseminationStatus.REFUSED
    ).value
    row.decided_by = granted.principal.user_id
    row.decided_at = now
    row.decision_note = (data.note or "").strip() or None
    uow.session.flush()
    if data.approve and row.purpose == DisseminationPurpose.RECIPIENT.value:
        agency_code, desk_code = _codes(uow, row)
        services.add_recipient(
            uow, caller, ctx, row.thread_id, RecipientIn(agency=agency_code, desk=desk_code),
            None, dissemination_id=row.id, action=Action.DECIDE_DISSEMINATION,
        )  # fmt: skip
    if data.approve and row.third_party_id is not None:
        # The gate asks the owner's consent for each destination: this approval is it.
        third_parties.record_owner_consent(
            uow, granted.thread.originator_agency_id, row.third_party_id, THREAD_KIND,
            granted.thread.public_id, granted.principal.user_id,
        )  # fmt: skip
    detail: dict[str, object] = {"request": row.id, "status": row.status, "purpose": row.purpose}
    if row.third_party_id is not None:
        detail["third_party"] = third_parties.public_id_of(uow, row.third_party_id)
    audit.record(
        uow,
        caller.event(
            "exchange:dissemination:decide",
            object_kind="thread",
            object_ref=row.thread_id,
            detail=detail,
        ),
    )
    requester = uow.session.get(User, row.requested_by)
    notices.tell(
        uow, granted.thread, [requester] if requester else [], f"dissemination-{row.status}",
        base_url=ctx.base_url,
    )  # fmt: skip
    return row


def _codes(uow: UnitOfWork, row: Dissemination) -> tuple[str, str | None]:
    agency = uow.session.get(Agency, row.target_agency_id)
    desk = uow.session.get(Desk, row.target_desk_id) if row.target_desk_id else None
    assert agency is not None
    return agency.code, desk.code if desk else None


def pending_for_thread(uow: UnitOfWork, thread_id: int) -> list[Dissemination]:
    return list(
        uow.session.scalars(
            select(Dissemination)
            .where(
                Dissemination.thread_id == thread_id,
                Dissemination.status == DisseminationStatus.PENDING.value,
            )
            .order_by(Dissemination.id)
        )
    )


def registered_third_party_id(uow: UnitOfWork, public_id: str) -> int | None:
    """The registered (not withdrawn) third party with this public id, or None."""
    party = third_parties.active(uow, public_id)
    return party.id if party else None


def registered_third_party(uow: UnitOfWork, public_id: str) -> ThirdParty:
    party = third_parties.active(uow, public_id)
    if party is None:
        raise InvalidInput(
            lazy(
                "There is no registered third party {ref}: choose one of those the "
                "secretariat has registered."
            ),
            ref=public_id,
        )
    return party


def export_consented(
    uow: UnitOfWork, thread_id: int, agency_id: int, *, third_party_id: int | None = None
) -> bool:
    """True when the originator approved an export request of this agency for this
    destination (without `third_party_id`: for the agency's own use) after the thread's
    last message: consent covers what the originator saw when giving it, so a later
    message (perhaps more strictly handled) needs consent again."""
    consented_at = uow.session.scalar(
        select(func.max(Dissemination.decided_at)).where(
            Dissemination.thread_id == thread_id,
            Dissemination.purpose == DisseminationPurpose.EXPORT.value,
            Dissemination.requesting_agency_id == agency_id,
            Dissemination.status == DisseminationStatus.APPROVED.value,
            Dissemination.third_party_id == third_party_id,
        )
    )
    if consented_at is None:
        return False
    last_message = uow.session.scalar(
        select(func.max(Message.created_at)).where(Message.thread_id == thread_id)
    )
    return last_message is None or last_message <= consented_at
