"""The details behind a hit: the searching agency asks through the exchange, the owning
agency releases them with four eyes (one officer proposes, another person, a supervisor,
approves) or refuses, and every step is audited.

The request is an exchange request to the owning agency (H2, AMBER+STRICT: it names a
hit, which is itself sensitive). The release is a new exchange thread from the owner to
the officer who asked, marked as the record is marked, so a RED record's details reach
that officer and nobody else. The release crosses to the searching agency through the
export gate (`egress.Door.HIT_DETAILS`), and the thread names its export id and the
record's review date, after which the copy is stale. A refusal is answered on the
request thread.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from sqlalchemy import select

from interagency import audit, egress
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict
from interagency.exchange import services as exchange
from interagency.exchange.codes import MessageKind, Priority
from interagency.exchange.schemas import RecipientIn, ReplyIn, ThreadIn
from interagency.i18n import lazy
from interagency.identity import guard, notifications
from interagency.identity.models import Agency, Role, User
from interagency.identity.principals import Caller
from interagency.inputs import STORED
from interagency.markings import HandlingCode, InformationGrade, SourceGrade, Tlp
from interagency.records import hits, movement, services
from interagency.records.models import DetailsStatus, Hit, HitStatus, Record
from interagency.records.movement import Movement, moves
from interagency.records.policy import Action
from interagency.records.schemas import HitOut
from interagency.records.sealing import open_particulars, seen_digest

REPLY_WITHIN: Final = timedelta(days=14)


@moves(Movement.DETAILS_REQUESTED)
def request(
    uow: UnitOfWork, caller: Caller, ctx: exchange.Context, reference: str, justification: str
) -> HitOut:
    """The searching agency asks the owner for the details behind the hit."""
    hit = hits.gate(uow, caller, Action.REQUEST_DETAILS, reference)
    movement.require(uow, caller, hit, Movement.DETAILS_REQUESTED)
    principal = caller.principal
    assert principal is not None
    if hit.details_status != DetailsStatus.NONE.value:
        raise Conflict(lazy("The details of hit {ref} have been asked for already."), ref=reference)
    owner_code = _code(uow, hit.owner_agency_id)
    thread = exchange.send(
        uow,
        caller,
        ctx,
        ThreadIn(
            subject=f"Запрос сведений по совпадению {reference} / "
            f"Request for the details of hit {reference}",
            body=justification.strip(),
            kind=MessageKind.REQUEST,
            priority=Priority.ROUTINE,
            deadline=(utcnow() + REPLY_WITHIN).date(),
            handling_code=HandlingCode.H2,
            tlp=Tlp.AMBER_STRICT,
            recipients=[RecipientIn(agency=owner_code)],
            case_numbers=[reference],
        ),
    )
    hit.details_status = DetailsStatus.REQUESTED.value
    hit.details_thread_id = thread.id
    hit.details_requested_by_id = principal.user_id
    hit.updated_at = utcnow()
    uow.session.flush()
    _audit(uow, caller, "records:details:request", hit, thread=thread.reference)
    return hits.out(uow, principal, hit)


@moves(Movement.RELEASE_PROPOSED)
def propose(uow: UnitOfWork, caller: Caller, reference: str, note: str) -> HitOut:
    """An officer of the owning agency proposes to release the record as it is now; a
    supervisor must approve. Proposed again (after the record changed), the new proposal
    replaces the old one."""
    hit = hits.gate(uow, caller, Action.PROPOSE_RELEASE, reference)
    movement.require(uow, caller, hit, Movement.RELEASE_PROPOSED)
    principal = caller.principal
    assert principal is not None
    _expect(hit, DetailsStatus.REQUESTED, DetailsStatus.PROPOSED)
    _confirmed(uow, hit)
    found = uow.session.get(Record, hit.found_record_id)
    assert found is not None  # (a foreign key)
    hit.details_status = DetailsStatus.PROPOSED.value
    hit.release_proposed_by_id = principal.user_id
    hit.release_digest = seen_digest(found)
    hit.release_note = note.strip()
    hit.updated_at = utcnow()
    uow.session.flush()
    supervisors = notifications.holders_of(uow, Role.SUPERVISOR, [hit.owner_agency_id])
    notifications.notify(
        uow,
        [s for s in supervisors if s != principal.user_id],
        "records:release-proposed",
        {"reference": reference},
        f"/records/hits/{reference}",
    )
    _audit(uow, caller, "records:details:propose", hit)
    return hits.out(uow, principal, hit)


@moves(Movement.RELEASE_APPROVED)
def approve(uow: UnitOfWork, caller: Caller, ctx: exchange.Context, reference: str) -> HitOut:
    """Four eyes: a supervisor who did not propose it sends the record's details to the
    officer who asked, in a new thread marked as the record is, exactly as the proposal
    saw them."""
    hit = hits.gate(uow, caller, Action.APPROVE_RELEASE, reference)
    movement.require(uow, caller, hit, Movement.RELEASE_APPROVED)
    principal = caller.principal
    assert principal is not None
    _expect(hit, DetailsStatus.PROPOSED)
    _confirmed(uow, hit)
    guard.check(
        caller,
        principal.user_id != hit.release_proposed_by_id,
        Action.APPROVE_RELEASE,
        hits.KIND,
        reference,
    )
    record = uow.session.get(Record, hit.found_record_id)
    particulars = open_particulars(uow, ctx.vault, record) if record else None
    if record is None or particulars is None:
        raise Conflict(lazy("The record behind hit {ref} has been erased."), ref=reference)
    if hit.release_digest != seen_digest(record):
        raise Conflict(
            lazy(
                "Record {ref} changed after its release was proposed: an officer proposes "
                "it again, as it is now, before it can be approved."
            ),
            ref=record.public_id,
        )
    requester = uow.session.get(User, hit.details_requested_by_id)
    assert requester is not None
    # The particulars cross to the searching agency: through the gate, which records the
    # release under an export id that the released thread names.
    receipt = egress.release(
        uow,
        caller,
        egress.Door.HIT_DETAILS,
        [services.gate_item(record)],
        fmt="thread",
        destination=egress.to_agency(hit.searching_agency_id),
    )
    lines = [f"{name}: {value}" for name, value in particulars.model_dump().items() if value]
    body = "\n".join(
        [
            f"Сведения по совпадению {reference} / Details of hit {reference}",
            "",
            *lines,
            "",
            f"subject_category: {record.subject_category}",
            f"offence_category: {record.offence_category or '-'}",
            f"review_due: {record.review_due.isoformat()}",
            "",
            _export_line(receipt),
            "",
            "Совпадение — возможное, а не установление личности. / "
            "A hit is a possible match, not an identification.",
        ]
    )
    # Written from the record as stored: its texts passed the input rules when they were
    # entered, and one kept from before a rule existed must not stop the release.
    released = ThreadIn.model_validate(
        {
            "subject": f"Сведения по совпадению {reference} / Details of hit {reference}",
            "body": body,
            "kind": MessageKind.NOTIFICATION,
            "priority": Priority.ROUTINE,
            "handling_code": HandlingCode(record.handling_code),
            "restriction": record.handling_note,
            "tlp": Tlp(record.tlp),
            "source_grade": SourceGrade(record.source_grade),
            "information_grade": InformationGrade(record.information_grade),
            "recipients": [
                RecipientIn(agency=_code(uow, hit.searching_agency_id), user=requester.login)
            ],
            "references": [_thread_reference(uow, hit)],
            "case_numbers": [reference],
        },
        context=STORED,
    )
    thread = exchange.send(
        uow,
        caller,
        ctx,
        released,
        # The officer who asked is named by the hit, not looked up: listed or not, they
        # get the answer to their own request.
        reachable=[requester.id],
    )
    hit.details_status = DetailsStatus.RELEASED.value
    hit.release_decided_by_id = principal.user_id
    hit.release_thread_id = thread.id
    hit.updated_at = utcnow()
    uow.session.flush()
    _audit(uow, caller, "records:details:release", hit, thread=thread.reference)
    return hits.out(uow, principal, hit)


def refuse(
    uow: UnitOfWork, caller: Caller, ctx: exchange.Context, reference: str, reason: str
) -> HitOut:
    """The owning agency refuses, and says so on the request thread."""
    hit = hits.gate(uow, caller, Action.REFUSE_RELEASE, reference)
    principal = caller.principal
    assert principal is not None
    if hit.details_status not in (DetailsStatus.REQUESTED.value, DetailsStatus.PROPOSED.value):
        raise Conflict(lazy("No request for the details of hit {ref} is open."), ref=reference)
    if hit.details_thread_id is not None:
        exchange.reply(
            uow,
            caller,
            ctx,
            hit.details_thread_id,
            ReplyIn(
                body=f"Отказано / Refused: {reason.strip()}",
                handling_code=HandlingCode.H2,
                tlp=Tlp.AMBER_STRICT,
            ),
        )
    hit.details_status = DetailsStatus.REFUSED.value
    hit.release_decided_by_id = principal.user_id
    hit.release_note = reason.strip()
    hit.updated_at = utcnow()
    uow.session.flush()
    _audit(uow, caller, "records:details:refuse", hit)
    return hits.out(uow, principal, hit)


def _export_line(receipt: egress.Receipt) -> str:
    """The export id and the date after which the released copy is stale."""
    until = receipt.expires.isoformat() if receipt.expires else "-"
    return (
        f"Выдача {receipt.export_id}, действительна до {until} / "
        f"Export {receipt.export_id}, valid until {until}"
    )


def _confirmed(uow: UnitOfWork, hit: Hit) -> None:
    """No decision rests on an automated hit alone: a person of the agency that checks it
    (`hits.checking_agency_id`: the owner, which holds the found record's full data, or the
    side that screened a border crossing) has confirmed it before anything beyond its
    reference and band is released. A check recorded by the other side does not count."""
    checker_agency = uow.session.scalar(select(User.agency_id).where(User.id == hit.checked_by_id))
    checking = hits.checking_agency_id(uow, hit)
    if hit.status != HitStatus.CONFIRMED.value or checker_agency != checking:
        raise Conflict(
            lazy(
                "Hit {ref} is not confirmed: a person of your agency checks it against the "
                "record first, and only a confirmed hit's details are released."
            ),
            ref=hit.reference,
        )


def _expect(hit: Hit, *statuses: DetailsStatus) -> None:
    if hit.details_status not in {status.value for status in statuses}:
        raise Conflict(
            lazy("Hit {ref}: the details are {status}, not {expected}."),
            ref=hit.reference,
            status=hit.details_status,
            expected=" or ".join(status.value for status in statuses),
        )


def _code(uow: UnitOfWork, agency_id: int) -> str:
    code = uow.session.scalar(select(Agency.code).where(Agency.id == agency_id))
    assert code is not None
    return code


def _thread_reference(uow: UnitOfWork, hit: Hit) -> str:
    assert hit.details_thread_id is not None
    return exchange.reference_of(uow, hit.details_thread_id)


def _audit(uow: UnitOfWork, caller: Caller, action: str, hit: Hit, **detail: object) -> None:
    audit.record(
        uow,
        caller.event(action, object_kind=hits.KIND, object_ref=hit.reference, detail=detail),
    )
