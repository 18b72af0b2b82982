"""The crossing's place and route released to the profile's holder, under four eyes: an
officer of the submitting agency proposes, after a person there confirmed the hit, and a
supervisor who did not propose approves; the release is sent through the exchange to the
holder, as the crossing was when proposed, and nothing else moves this way. (The
profile's details move the other way through the records' own release.)"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from interagency import audit, egress
from interagency.db import UnitOfWork
from interagency.errors import Conflict, NotFound
from interagency.exchange import services as exchange
from interagency.exchange.codes import MessageKind, Priority
from interagency.exchange.schemas import RecipientIn, ThreadIn
from interagency.i18n import lazy
from interagency.identity import guard, notifications
from interagency.identity.models import Agency, Role
from interagency.identity.principals import Caller
from interagency.markings import HandlingCode, Tlp
from interagency.movements import crossings, policy
from interagency.movements.models import Crossing, FighterAlert
from interagency.records.models import Hit, HitStatus
from interagency.screening.models import Subject

KIND = "release"


def propose(uow: UnitOfWork, caller: Caller, reference: str) -> FighterAlert:
    alert, crossing = _gate(uow, caller, policy.Action.PROPOSE_RELEASE, reference)
    principal = caller.principal
    assert principal is not None
    if alert.release_thread_id is not None:
        raise Conflict(lazy("The crossing of hit {ref} has been released already."), ref=reference)
    alert.release_proposed_by_id = principal.user_id
    alert.release_digest = _digest(crossing)
    uow.session.flush()
    supervisors = notifications.holders_of(uow, Role.SUPERVISOR, [crossing.agency_id])
    notifications.notify(
        uow,
        [s for s in supervisors if s != principal.user_id],
        "movements:release-proposed",
        {"reference": reference},
        f"/movements/crossings/{crossing.public_id}",
    )
    _audit(uow, caller, "movements:release:propose", reference)
    return alert


def approve(uow: UnitOfWork, caller: Caller, ctx: exchange.Context, reference: str) -> FighterAlert:
    alert, crossing = _gate(uow, caller, policy.Action.APPROVE_RELEASE, reference)
    principal = caller.principal
    assert principal is not None
    if alert.release_proposed_by_id is None or alert.release_thread_id is not None:
        raise Conflict(lazy("No release of the crossing of hit {ref} awaits approval."),
                       ref=reference)  # fmt: skip
    guard.check(caller, principal.user_id != alert.release_proposed_by_id,
                policy.Action.APPROVE_RELEASE, KIND, reference)  # fmt: skip
    if alert.release_digest != _digest(crossing):
        raise Conflict(lazy("The crossing changed after its release was proposed."))
    journey = crossings.journey_of(crossing)
    holder = uow.session.scalar(select(Agency.code).where(Agency.id == alert.owner_agency_id))
    # It crosses to the profile's holder: through the gate, which records it under an
    # export id that the thread names.
    receipt = egress.release(
        uow,
        caller,
        egress.Door.CROSSING_RELEASE,
        [
            egress.Item(
                kind=crossings.KIND,
                ref=crossing.public_id,
                owner_agency_id=crossing.agency_id,
                tlp=Tlp.AMBER_STRICT,
                handling=HandlingCode.H2,
                permit=egress.Permit.ALLOW,  # (the release's own four eyes decided it)
            )
        ],
        fmt="thread",
        destination=egress.to_agency(alert.owner_agency_id),
    )
    body = "\n".join(
        [
            f"Совпадение / Hit: {reference}",
            f"Время / Time: {crossing.occurred_at.isoformat(timespec='minutes')}",
            f"Направление / Direction: {crossing.direction}",
            f"Пункт пропуска / Crossing point: {journey.crossing_point}",
            f"Перевозчик / Carrier: {journey.carrier or '-'} {journey.service}".rstrip(),
            f"Страна документа / Document country: {journey.document_country}",
            "",
            f"Выдача / Export {receipt.export_id}",
        ]
    )
    thread = exchange.send(
        uow,
        caller,
        ctx,
        ThreadIn(
            subject=f"Пересечение границы по совпадению {reference} / "
            f"Border crossing of hit {reference}",
            body=body,
            kind=MessageKind.NOTIFICATION,
            priority=Priority.URGENT,
            handling_code=HandlingCode.H2,
            tlp=Tlp.AMBER_STRICT,
            recipients=[RecipientIn(agency=holder or "")],
            case_numbers=[reference],
        ),
    )
    alert.release_thread_id = thread.id
    uow.session.flush()
    _audit(uow, caller, "movements:release:approve", reference, thread=thread.reference)
    return alert


def _gate(
    uow: UnitOfWork, caller: Caller, action: policy.Action, reference: str
) -> tuple[FighterAlert, Crossing]:
    """The alert of a confirmed hit of one of the caller's agency's crossings."""
    row = uow.session.execute(
        select(FighterAlert, Crossing, Hit.status)
        .join(Hit, Hit.id == FighterAlert.hit_id)
        .join(Subject, Subject.id == Hit.searching_subject_id)
        .join(Crossing, Crossing.id == FighterAlert.crossing_id)
        .where(Hit.reference == reference, Hit.expired_at.is_(None))
    ).first()
    missing = NotFound(lazy("No confirmed hit {ref} is on a crossing of yours."), ref=reference)
    if row is None:
        raise missing
    alert, crossing, status = row
    principal = caller.principal
    mine = (
        policy.relations(principal, submitter_agency_id=crossing.agency_id)
        if principal
        else frozenset()
    )
    if principal is None or policy.Relation.SUBMITTER not in mine:
        raise guard.hidden(caller, action.value, KIND, reference, missing)
    guard.check(caller, policy.allowed(principal, action, mine), action, KIND, reference)
    if status != HitStatus.CONFIRMED.value:
        raise Conflict(lazy("Hit {ref} is not confirmed."), ref=reference)
    return alert, crossing


def _digest(crossing: Crossing) -> str:
    seen = (
        f"{crossing.journey_sealed.hex()}|{crossing.occurred_at.isoformat()}|{crossing.direction}"
    )
    return hashlib.sha256(seen.encode()).hexdigest()


def _audit(uow: UnitOfWork, caller: Caller, action: str, reference: str, **detail: object) -> None:
    audit.record(uow, caller.event(action, object_kind=KIND, object_ref=reference, detail=detail))
