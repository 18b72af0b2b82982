"""Hits as each side sees them, and a person's check of a hit.

The searching agency learns the reference, the owner's name and the band; the owning
agency also sees the score and what each field contributed. Neither side sees the other
agency's particulars here: those travel only through a request for details that the
owner releases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import or_, select

from interagency import audit, egress
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, Forbidden, NotFound
from interagency.exchange import services as exchange
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.models import Agency, User
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.records import policy, services
from interagency.records.models import Hit, HitStatus, Record, RecordKind
from interagency.records.policy import Action, Relation
from interagency.records.schemas import HitCheckIn, HitOut
from interagency.screening import registry
from interagency.screening.models import Subject
from interagency.vault import Vault

KIND: Final = "hit"
PAGE_SIZE: Final = 50


def _relations(principal: Principal, hit: Hit) -> frozenset[Relation]:
    return policy.relations(
        principal, owner_agency_id=hit.owner_agency_id, searching_agency_id=hit.searching_agency_id
    )


def gate(uow: UnitOfWork, caller: Caller, action: Action, reference: str) -> Hit:
    """The hit, if the caller may do `action` on it; a stranger to it gets the answer an
    unknown reference gets, and the refusal is audited."""
    hit = uow.session.scalar(select(Hit).where(Hit.reference == reference))
    principal = caller.principal
    # An expired hit is gone for both sides alike, as if it had never been.
    live = (
        hit if hit is not None and hit.expired_at is None and _shown(uow, principal, hit) else None
    )
    mine = _relations(principal, live) if principal and live else frozenset()
    if live is None or not mine:
        missing = NotFound(lazy("There is no hit {ref}."), ref=reference)
        if live is not None:
            raise guard.hidden(caller, action.value, KIND, reference, missing)
        raise missing
    assert principal is not None
    if not policy.allowed(principal, action, mine):
        raise guard.refuse(caller, action.value, KIND, reference)
    return live


def _shown(uow: UnitOfWork, principal: Principal | None, hit: Hit) -> bool:
    """Whether the hit exists for the principal's agency: a searching side that waits for
    the holder's check (`registry.SubjectKind.searcher_waits_for_check`) does not learn
    of it before."""
    if principal is None or principal.agency_id == hit.owner_agency_id:
        return True
    if hit.status == HitStatus.CONFIRMED.value:
        return True
    return not searching_kind(uow, hit).searcher_waits_for_check


def _waiting_kinds() -> list[str]:
    return [kind.name for kind in registry.kinds() if kind.searcher_waits_for_check]


def out(uow: UnitOfWork, principal: Principal, hit: Hit) -> HitOut:
    codes = dict(
        uow.session.execute(
            select(Agency.id, Agency.code).where(
                Agency.id.in_([hit.owner_agency_id, hit.searching_agency_id])
            )
        ).all()
    )
    owner = principal.agency_id == hit.owner_agency_id
    # The score and what each field contributed are for the side that checks the hit.
    checks = principal.agency_id == checking_agency_id(uow, hit)
    ours = uow.session.get(Subject, hit.found_subject_id if owner else hit.searching_subject_id)
    found = uow.session.get(Subject, hit.found_subject_id)
    assert ours is not None  # (a hit joins two subjects that exist)
    assert found is not None
    named = registry.kind_of(ours.kind).holder.references(uow, [ours.ref])
    # How a person checked may name what their agency holds: it stays with that agency.
    checker_agency = uow.session.scalar(select(User.agency_id).where(User.id == hit.checked_by_id))
    return HitOut(
        reference=hit.reference,
        side="owner" if owner else "searcher",
        owner_agency=codes[hit.owner_agency_id],
        searching_agency=codes[hit.searching_agency_id],
        record_id=named.get(ours.ref, ""),
        kind=RecordKind(found.matches_as),
        band=hit.band,
        status=hit.status,
        score=hit.score if checks else None,
        explanation=hit.explanation if checks else None,
        check_note=hit.check_note if checker_agency == principal.agency_id else None,
        details_status=hit.details_status,
        # Only the agency whose change withdrew the hit learns it before the daily sweep.
        withdrawn=hit.withdrawn_at is not None
        and hit.withdrawn_by_agency_id == principal.agency_id,
        details_thread=_reference(uow, hit.details_thread_id),
        release_thread=_reference(uow, hit.release_thread_id),
        created_at=hit.created_at,
    )


def searching_kind(uow: UnitOfWork, hit: Hit) -> registry.SubjectKind:
    subject = uow.session.get(Subject, hit.searching_subject_id)
    assert subject is not None  # (a foreign key)
    return registry.kind_of(subject.kind)


def checking_agency_id(uow: UnitOfWork, hit: Hit) -> int:
    """The agency whose person checks the hit (`registry.SubjectKind.checked_by_searcher`)."""
    searcher_checks = searching_kind(uow, hit).checked_by_searcher
    return hit.searching_agency_id if searcher_checks else hit.owner_agency_id


def _reference(uow: UnitOfWork, thread_id: int | None) -> str | None:
    return None if thread_id is None else exchange.reference_of(uow, thread_id)


def view(uow: UnitOfWork, caller: Caller, reference: str) -> HitOut:
    hit = gate(uow, caller, Action.VIEW_HIT, reference)
    assert caller.principal is not None
    audit.record(uow, caller.event("records:hit:view", object_kind=KIND, object_ref=reference))
    return out(uow, caller.principal, hit)


def read_one(uow: UnitOfWork, caller: Caller, reference: str) -> tuple[HitOut, egress.Receipt]:
    """`view` through the API: one object of the hits' bulk-read door."""
    hit = gate(uow, caller, Action.VIEW_HIT, reference)
    assert caller.principal is not None
    audit.record(uow, caller.event("records:hit:view", object_kind=KIND, object_ref=reference))
    receipt = egress.release(uow, caller, egress.Door.HIT_LIST, _gate_items(uow, [hit]), fmt="json")
    return out(uow, caller.principal, hit), receipt


@dataclass(frozen=True)
class HitLine:
    """A hit of the agency's list, with what names the agency's own record in it."""

    hit: HitOut
    our_record: str


def page_for_agency(uow: UnitOfWork, caller: Caller, vault: Vault, page: int = 1) -> list[HitLine]:
    """Hits on either side of the caller's agency, newest first, their references audited:
    each names our record (its name or number, opened for this page and audited as read),
    never the other agency's."""
    principal, rows = _agency_hits(uow, caller, page)
    ours = [_our_record_id(principal, hit) for hit in rows]
    records = [i for i in ours if i is not None]
    found = uow.session.scalars(select(Record).where(Record.id.in_(records))).all()
    titles = services.open_titles(uow, caller, vault, found)
    return [
        HitLine(out(uow, principal, hit), titles.get(record_id, "") if record_id else "")
        for hit, record_id in zip(rows, ours, strict=True)
    ]


def _our_record_id(principal: Principal, hit: Hit) -> int | None:
    """Our side's record; None when our subject is not a record (it has no title here)."""
    owner = principal.agency_id == hit.owner_agency_id
    return hit.found_record_id if owner else hit.searching_record_id


def of_record(uow: UnitOfWork, caller: Caller, record_id: int) -> list[HitOut] | None:
    """The live hits of one of the agency's records, newest first, for its page, their
    references audited; None for a reader who sees no hits (the review board reads a
    record before it, never what its owner's hits are)."""
    principal = caller.principal
    mine = policy.relations(principal, owner_agency_id=principal.agency_id) if principal else ()
    if principal is None or not policy.allowed(principal, Action.VIEW_HIT, mine):
        return None
    rows = uow.session.scalars(
        select(Hit)
        .where(
            or_(
                (Hit.found_record_id == record_id) & (Hit.owner_agency_id == principal.agency_id),
                (Hit.searching_record_id == record_id)
                & (Hit.searching_agency_id == principal.agency_id),
            ),
            Hit.expired_at.is_(None),
        )
        .order_by(Hit.created_at.desc(), Hit.id.desc())
    ).all()
    audit.record(
        uow,
        caller.event(
            "records:hit:list",
            object_kind=KIND,
            detail={"references": [h.reference for h in rows], "record": record_id},
        ),
    )
    return [out(uow, principal, hit) for hit in rows]


def read_for_agency(
    uow: UnitOfWork, caller: Caller, page: int = 1
) -> tuple[list[HitOut], egress.Receipt]:
    """`page_for_agency` read through the API, without our records' names: a bulk read
    through the export gate; a hit it withholds is left out."""
    principal, rows = _agency_hits(uow, caller, page)
    receipt = egress.release(uow, caller, egress.Door.HIT_LIST, _gate_items(uow, rows), fmt="json")
    return [out(uow, principal, hit) for hit in rows if receipt.passed(hit.reference)], receipt


def _gate_items(uow: UnitOfWork, rows: Sequence[Hit]) -> list[egress.Item]:
    """Hits as the export gate sees them: the found subject's holder is the owner, and
    each hit is marked as its found subject's kind marks hits (`registry.SubjectKind`),
    since it names a possible match of that subject."""
    found = dict(
        uow.session.execute(
            select(Subject.id, Subject.kind).where(
                Subject.id.in_({h.found_subject_id for h in rows})
            )
        ).all()
    )
    items = []
    for hit in rows:
        kind = registry.kind_of(found[hit.found_subject_id])
        items.append(
            egress.Item(
                kind=KIND,
                ref=hit.reference,
                owner_agency_id=hit.owner_agency_id,
                tlp=kind.tlp,
                handling=kind.handling,
                permit=egress.Permit.ALLOW,  # (either side of the hit may read it)
            )
        )
    return items


def _hit_reader(caller: Caller) -> Principal:
    """The caller, if they may read hits on either side of their agency."""
    principal = caller.principal
    mine = (
        policy.relations(
            principal,
            owner_agency_id=principal.agency_id,
            searching_agency_id=principal.agency_id,
        )
        if principal
        else frozenset()
    )
    guard.check(
        caller,
        principal is not None and policy.allowed(principal, Action.VIEW_HIT, mine),
        Action.VIEW_HIT,
        KIND,
    )
    assert principal is not None
    return principal


def _agency_hits(uow: UnitOfWork, caller: Caller, page: int) -> tuple[Principal, Sequence[Hit]]:
    principal = _hit_reader(caller)
    rows = uow.session.scalars(
        select(Hit)
        .where(
            or_(
                Hit.owner_agency_id == principal.agency_id,
                Hit.searching_agency_id == principal.agency_id,
            ),
            Hit.expired_at.is_(None),
            or_(
                Hit.owner_agency_id == principal.agency_id,
                Hit.status == HitStatus.CONFIRMED.value,
                ~select(Subject.id)
                .where(Subject.id == Hit.searching_subject_id, Subject.kind.in_(_waiting_kinds()))
                .exists(),
            ),
        )
        .order_by(Hit.created_at.desc(), Hit.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    audit.record(
        uow,
        caller.event(
            "records:hit:list",
            object_kind=KIND,
            detail={"references": [h.reference for h in rows], "page": page},
        ),
    )
    return principal, rows


def check(uow: UnitOfWork, caller: Caller, reference: str, data: HitCheckIn) -> HitOut:
    """A person records that they checked the hit, how, and whether it is the same. Until
    then the hit is only a possible match."""
    kind = searched_as(uow, reference)
    by_searcher = kind is not None and kind.checked_by_searcher
    action = Action.CHECK_SEARCHED_HIT if by_searcher else Action.CHECK_HIT
    hit = gate(uow, caller, action, reference)
    principal = caller.principal
    assert principal is not None
    if not principal.person:
        raise Forbidden(lazy("A person checks a hit: a service account cannot."))
    if hit.status != HitStatus.NEW.value:
        raise Conflict(lazy("Hit {ref} has been checked already."), ref=reference)
    hit.status = (HitStatus.CONFIRMED if data.confirmed else HitStatus.DISMISSED).value
    hit.checked_by_id = principal.user_id
    hit.check_note = data.how.strip()
    hit.updated_at = utcnow()
    uow.session.flush()
    audit.record(
        uow,
        caller.event(
            "records:hit:check",
            object_kind=KIND,
            object_ref=reference,
            detail={"confirmed": data.confirmed},
        ),
    )
    if data.confirmed and kind is not None and kind.on_confirmed is not None:
        kind.on_confirmed(uow, caller, hit)
    return out(uow, principal, hit)


def searched_as(uow: UnitOfWork, reference: str) -> registry.SubjectKind | None:
    """The kind of the hit's searching subject (None: no such hit; `gate` answers): who
    checks the hit, and what its pages show."""
    name = uow.session.scalar(
        select(Subject.kind)
        .join(Hit, Hit.searching_subject_id == Subject.id)
        .where(Hit.reference == reference)
    )
    return None if name is None else registry.kind_of(name)
