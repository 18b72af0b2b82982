"""Use cases of shared records: enter, change, read and list them, flag them for the
review board, record its decision, approve a victim's record for matching, extend a
review date. Every change is screened (`crosscheck.screen`); every read is audited.

Another agency's record and a record that does not exist get the same answer (404), so
that nobody learns from an error which records other agencies hold; the refusal is
audited all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from pydantic import ValidationError
from sqlalchemy import ColumnElement, and_, func, select, union_all

from interagency import audit, egress
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.models import Agency, AgencyKind, MemberState
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.markings import HandlingCode, Tlp
from interagency.records import crosscheck, movement, name_index, pairing, policy, screened
from interagency.records.models import (
    Hit,
    Neutrality,
    OffenceCategory,
    Record,
    RecordHitAgency,
    RecordKind,
    RecordLink,
    ReviewExtension,
    SubjectCategory,
)
from interagency.records.particulars import PARTICULARS, Particulars
from interagency.records.policy import Action, Relation
from interagency.records.schemas import (
    ExtensionIn,
    LinkIn,
    NeutralityIn,
    ReasonIn,
    RecordIn,
    RecordOut,
    RecordSummary,
    RecordUpdate,
    VersionedReasonIn,
)
from interagency.records.sealing import open_particulars, seal_particulars, seen_digest
from interagency.vault import Vault

KIND: Final = "record"
PAGE_SIZE: Final = 50
# Which kinds of record a link joins, from the person's side.
LINK_TARGETS: Final = {
    "holds_document": RecordKind.DOCUMENT,
    "uses_phone": RecordKind.PHONE,
    "drives_vehicle": RecordKind.VEHICLE,
    "belongs_to": RecordKind.ORGANISATION,
}


@dataclass(frozen=True)
class Context:
    vault: Vault


@dataclass(frozen=True)
class Saved:
    """A record as stored, and what its screening did."""

    record: Record
    screening: crosscheck.Outcome


# ---------------------------------------------------------------------------- access


def _relations(principal: Principal, record: Record) -> frozenset[Relation]:
    return policy.relations(
        principal,
        owner_agency_id=record.owner_agency_id,
        under_review=record.neutrality == Neutrality.PENDING.value,
    )


def missing_record() -> NotFound:
    return NotFound(lazy("There is no such record."))


def gate(uow: UnitOfWork, caller: Caller, action: Action, record_id: int) -> Record:
    """The record, if the caller may do `action` on it. Refusals are audited; a caller with
    no relation to the record gets the answer an unknown id gets."""
    record = uow.session.get(Record, record_id)
    principal = caller.principal
    mine = _relations(principal, record) if principal and record else frozenset()
    if record is None:
        raise missing_record()
    if not mine:
        raise guard.hidden(caller, action.value, KIND, record_id, missing_record())
    assert principal is not None  # (a relation needs a principal)
    if not policy.allowed(principal, action, mine):
        raise guard.refuse(caller, action.value, KIND, record_id)
    return record


def require_own(uow: UnitOfWork, caller: Caller, action: Action) -> Principal:
    principal = caller.principal
    mine = policy.relations(principal, owner_agency_id=principal.agency_id) if principal else ()
    return guard.check(
        caller, principal is not None and policy.allowed(principal, action, mine), action, KIND
    )


def audit_record(
    uow: UnitOfWork, caller: Caller, action: str, record_id: object, **detail: object
) -> None:
    audit.record(uow, caller.event(action, object_kind=KIND, object_ref=record_id, detail=detail))


# ---------------------------------------------------------------------------- input


def particulars_of(kind: RecordKind, values: dict[str, str]) -> Particulars:
    """The kind's particulars; raises InvalidInput naming the first field to fix."""
    try:
        return PARTICULARS[kind].model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or kind.value
        # A rule of ours says what to fix in words of the catalogue, translated on display.
        rule = first["type"] == "value_error"
        raise InvalidInput(
            lazy("Particulars of the {kind}, {field}: {problem}"),
            kind=kind.value,
            field=where,
            problem=str(first["ctx"]["error"]) if rule else first["msg"],
        ) from None


def _member_agency_ids(uow: UnitOfWork, codes: list[str]) -> list[int]:
    wanted = sorted({code.strip().upper() for code in codes})
    rows = dict(
        uow.session.execute(
            select(Agency.code, Agency.id).where(
                Agency.code.in_(wanted), Agency.kind == AgencyKind.MEMBER_AGENCY.value
            )
        ).all()
    )
    unknown = [code for code in wanted if code not in rows]
    if unknown:
        raise InvalidInput(lazy("No member agency has the code {code}."), code=unknown[0])
    return [rows[code] for code in wanted]


def state_id_of(uow: UnitOfWork, code: str) -> int:
    text = code.strip().upper()
    column = MemberState.iso_alpha2 if len(text) == 2 else MemberState.iso_alpha3
    state_id = uow.session.scalar(select(MemberState.id).where(column == text))
    if state_id is None:
        raise InvalidInput(lazy("No member state has the code {code}."), code=code)
    return state_id


def _apply(uow: UnitOfWork, principal: Principal, record: Record, data: RecordIn) -> None:
    """Copies the input onto the record, checking what needs the database."""
    if data.refuge_from is None:
        record.refuge_from_state_id = None
    else:
        fled = state_id_of(uow, data.refuge_from)
        own_state = uow.session.scalar(
            select(Agency.member_state_id).where(Agency.id == principal.agency_id)
        )
        if fled == own_state:
            raise InvalidInput(
                lazy("Refuge is status in your own state from another: name the state they fled.")
            )
        record.refuge_from_state_id = fled
    hit_agencies = [] if data.hit_agencies is None else _member_agency_ids(uow, data.hit_agencies)
    record.hits_to_all = data.hit_agencies is None
    # Kept rows stay: replacing them would insert a key before deleting the same key.
    record.hit_agencies = [a for a in record.hit_agencies if a.agency_id in hit_agencies] + [
        RecordHitAgency(agency_id=agency_id)
        for agency_id in hit_agencies
        if agency_id not in {a.agency_id for a in record.hit_agencies}
    ]
    for field in (
        "purpose",
        "legal_basis",
        "offence_article",
        "handling_note",
        "is_minor",
        "smuggled_migrant",
        "factual_indications",
    ):
        setattr(record, field, getattr(data, field))
    record.subject_category = data.subject_category.value
    record.offence_category = data.offence_category.value if data.offence_category else None
    record.handling_code = data.handling_code.value
    record.tlp = data.tlp.value
    record.source_grade = data.source_grade.value
    record.information_grade = data.information_grade.value


def _necessity_after_change(uow: UnitOfWork, caller: Caller, record: Record) -> None:
    """An approval to match a victim's or witness's record covers the particulars and
    markings the supervisor saw: after any change to them it is withdrawn, and asked for
    again."""
    if record.necessity_approved_by_id is None or record.necessity_digest == seen_digest(record):
        return
    record.necessity_reason = None
    record.necessity_requested_by_id = record.necessity_approved_by_id = None
    record.necessity_digest = None
    audit_record(uow, caller, "records:necessity:withdraw", record.id)


def _neutrality_after_change(record: Record) -> None:
    """A sensitive record goes (back) before the review board: a decision covers the case
    as it was reviewed, not as it was changed afterwards."""
    offence = record.offence_category
    needs = policy.needs_neutrality_review(
        OffenceCategory(offence) if offence else None,
        flagged=record.flagged_reason is not None,
    )
    record.neutrality = (Neutrality.PENDING if needs else Neutrality.NOT_REQUIRED).value
    record.neutrality_reason = None
    record.neutrality_decided_by_id = None
    record.neutrality_decided_at = None


# ---------------------------------------------------------------------------- use cases


def create(uow: UnitOfWork, caller: Caller, ctx: Context, data: RecordIn) -> Saved:
    principal = require_own(uow, caller, Action.CREATE)
    record, particulars = _new_record(uow, principal, ctx, data)
    name_index.index_new(uow, ctx.vault, [(record, particulars)])
    audit_record(uow, caller, "records:record:create", record.id, kind=record.kind)
    return Saved(record, crosscheck.screen(uow, caller, ctx.vault, record))


def store_many(
    uow: UnitOfWork, caller: Caller, ctx: Context, rows: list[RecordIn], *, upload_id: int
) -> list[int]:
    """Stores records of a bulk upload, all or none, waiting for the batch cross-check
    (`batchcheck`): they are marked as waiting until it has run."""
    principal = require_own(uow, caller, Action.CREATE)
    stored = [_new_record(uow, principal, ctx, data, upload_id=upload_id) for data in rows]
    name_index.index_new(uow, ctx.vault, stored)
    screened.enrol(uow, ctx.vault, stored)
    ids = [record.id for record, _ in stored]
    audit_record(uow, caller, "records:record:create-many", None, ids=ids)
    return ids


def _new_record(
    uow: UnitOfWork,
    principal: Principal,
    ctx: Context,
    data: RecordIn,
    *,
    upload_id: int | None = None,
) -> tuple[Record, Particulars]:
    particulars = particulars_of(data.kind, data.particulars)
    now = utcnow()
    record = Record(
        kind=data.kind.value,
        # An uploaded record waits for the batch cross-check of its upload.
        upload_id=upload_id,
        screen_pending=upload_id is not None,
        owner_agency_id=principal.agency_id,
        created_by_id=principal.user_id,
        created_at=now,
        updated_at=now,
        review_due=policy.review_due(now.date(), data.subject_category, is_minor=data.is_minor),
    )
    _apply(uow, principal, record, data)
    _neutrality_after_change(record)
    uow.session.add(record)
    uow.session.flush()
    seal_particulars(uow, ctx.vault, record, particulars)
    return record, particulars


def update(
    uow: UnitOfWork, caller: Caller, ctx: Context, record_id: int, data: RecordUpdate
) -> Saved:
    record = gate(uow, caller, Action.EDIT, record_id)
    principal = caller.principal
    assert principal is not None
    _current(record, data.version)
    if record.erased_at is not None:
        raise Conflict(
            lazy("Record {ref} is erased: only its reference remains."), ref=record.public_id
        )
    if data.kind.value != record.kind:
        raise InvalidInput(lazy("A record keeps its kind: enter a new record instead."))
    particulars = particulars_of(data.kind, data.particulars)
    pairing.lock_screening(uow, record.kind)
    _apply(uow, principal, record, data)
    shortest = policy.review_due(
        record.created_at.date(), data.subject_category, is_minor=data.is_minor
    )
    record.review_due = min(record.review_due, max(shortest, utcnow().date()))
    _neutrality_after_change(record)
    seal_particulars(uow, ctx.vault, record, particulars)
    name_index.index_name(uow, ctx.vault, record, particulars)
    _necessity_after_change(uow, caller, record)
    _touch(record)
    audit_record(uow, caller, "records:record:update", record.id, version=record.version)
    movement.withdraw_forbidden(uow, caller, record)
    return Saved(record, crosscheck.screen(uow, caller, ctx.vault, record))


def _current(record: Record, version: int) -> None:
    if record.version != version:
        raise Conflict(
            lazy("Record {ref} was changed by someone else (now version {version}): reload it."),
            ref=record.public_id,
            version=record.version,
        )


def _touch(record: Record) -> None:
    record.version += 1
    record.updated_at = utcnow()


def view(uow: UnitOfWork, caller: Caller, ctx: Context, record_id: int) -> RecordOut:
    record = gate(uow, caller, Action.VIEW, record_id)
    audit_record(uow, caller, "records:record:view", record.id)
    return _out(uow, ctx, record)


def read_one(
    uow: UnitOfWork, caller: Caller, ctx: Context, record_id: int
) -> tuple[RecordOut, egress.Receipt]:
    """`view` through the API: one object of the records' bulk-read door, so that reading
    record by record counts as much as reading pages of them."""
    record = gate(uow, caller, Action.VIEW, record_id)
    audit_record(uow, caller, "records:record:view", record.id)
    receipt = egress.release(uow, caller, egress.Door.RECORD_LIST, [gate_item(record)], fmt="json")
    return _out(uow, ctx, record), receipt


def _out(uow: UnitOfWork, ctx: Context, record: Record) -> RecordOut:
    agencies = dict(uow.session.execute(select(Agency.id, Agency.code)).all())
    refuge = None
    if record.refuge_from_state_id is not None:
        refuge = uow.session.scalar(
            select(MemberState.iso_alpha3).where(MemberState.id == record.refuge_from_state_id)
        )
    states = pairing.states_of(uow, [record.owner_agency_id])
    guards = pairing.safeguards_of(record, states[record.owner_agency_id])
    why_not = policy.why_not_matchable(guards, utcnow().date())
    particulars = open_particulars(uow, ctx.vault, record)
    return RecordOut(
        id=record.public_id,
        kind=RecordKind(record.kind),
        owner_agency=agencies[record.owner_agency_id],
        version=record.version,
        particulars=particulars.model_dump() if particulars else None,
        subject_category=SubjectCategory(record.subject_category),
        purpose=record.purpose,
        legal_basis=record.legal_basis,
        offence_article=record.offence_article,
        offence_category=record.offence_category,
        handling_code=record.handling_code,
        handling_note=record.handling_note,
        tlp=record.tlp,
        source_grade=record.source_grade,
        information_grade=record.information_grade,
        is_minor=record.is_minor,
        smuggled_migrant=record.smuggled_migrant,
        factual_indications=record.factual_indications,
        refuge_from=refuge,
        hit_agencies=None
        if record.hits_to_all
        else [agencies[a.agency_id] for a in record.hit_agencies],
        review_due=record.review_due,
        neutrality=record.neutrality,
        matchable=why_not is None,
        not_matchable_because=why_not,
        screen_pending=record.screen_pending,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


@dataclass(frozen=True)
class RecordLine:
    """A line of a list of the agency's own records as its people read it: what names
    the record (opened for the page shown only) and how many live hits it has."""

    summary: RecordSummary
    title: str
    handling_code: HandlingCode
    hits: int


@dataclass(frozen=True)
class RecordPage:
    lines: list[RecordLine]
    page: int
    pages: int


def own_page(uow: UnitOfWork, caller: Caller, ctx: Context, page: int = 1) -> RecordPage:
    """A page of the caller's agency's live records, last changed first, with their names
    and numbers; the ids shown and every record opened are audited."""
    rows = _own(uow, caller, page)
    principal = caller.principal
    assert principal is not None  # (`_own` refused anyone else)
    total = uow.session.scalar(select(func.count()).where(_own_live(principal.agency_id))) or 0
    lines = _lines(uow, caller, ctx, principal.agency_id, rows)
    return RecordPage(lines, page, max(1, -(-total // PAGE_SIZE)))


def _lines(
    uow: UnitOfWork, caller: Caller, ctx: Context, agency_id: int, rows: Sequence[Record]
) -> list[RecordLine]:
    titles = open_titles(uow, caller, ctx.vault, rows)
    counts = hit_counts(uow, agency_id, [r.id for r in rows])
    return [
        RecordLine(_summary(r), titles[r.id], HandlingCode(r.handling_code), counts.get(r.id, 0))
        for r in rows
    ]


def open_titles(
    uow: UnitOfWork, caller: Caller, vault: Vault, rows: Sequence[Record]
) -> dict[int, str]:
    """What names each record (a name, or a number), opened for the page that shows them.
    Opening is reading the record's content: each is audited as its own page's read is."""
    titles: dict[int, str] = {}
    for record in rows:
        particulars = open_particulars(uow, vault, record)
        titles[record.id] = particulars.title() if particulars else ""
        audit_record(uow, caller, "records:record:view", record.id, shown="title")
    return titles


def hit_counts(uow: UnitOfWork, agency_id: int, record_ids: list[int]) -> dict[int, int]:
    """The live hits of each of the agency's records, on either side, in one query."""
    if not record_ids:
        return {}
    live = Hit.expired_at.is_(None)
    found = select(Hit.found_record_id.label("record_id")).where(
        Hit.found_record_id.in_(record_ids), Hit.owner_agency_id == agency_id, live
    )
    searched = select(Hit.searching_record_id.label("record_id")).where(
        Hit.searching_record_id.in_(record_ids), Hit.searching_agency_id == agency_id, live
    )
    both = union_all(found, searched).subquery()
    rows = uow.session.execute(select(both.c.record_id, func.count()).group_by(both.c.record_id))
    return dict(rows.all())


def read_own(uow: UnitOfWork, caller: Caller, page: int = 1) -> ReadOut:
    """The agency's records through the API, without their particulars: a bulk read
    through the export gate."""
    return _read_out(uow, caller, _own(uow, caller, page))


def _own_live(agency_id: int) -> ColumnElement[bool]:
    return and_(Record.owner_agency_id == agency_id, Record.erased_at.is_(None))


def _own(uow: UnitOfWork, caller: Caller, page: int) -> Sequence[Record]:
    principal = require_own(uow, caller, Action.VIEW)
    rows = uow.session.scalars(
        select(Record)
        .where(_own_live(principal.agency_id))
        .order_by(Record.updated_at.desc(), Record.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    audit_record(uow, caller, "records:record:list", None, ids=[r.id for r in rows], page=page)
    return rows


def _summary(record: Record) -> RecordSummary:
    return RecordSummary(
        id=record.public_id,
        kind=RecordKind(record.kind),
        subject_category=SubjectCategory(record.subject_category),
        review_due=record.review_due,
        neutrality=record.neutrality,
        tlp=record.tlp,
        updated_at=record.updated_at,
    )


@dataclass(frozen=True)
class ReadOut:
    """Records read through the API: those the export gate let out, and its receipt."""

    summaries: list[RecordSummary]
    receipt: egress.Receipt


def gate_item(record: Record) -> egress.Item:
    """The record as the export gate sees it. Whoever reads or receives it has passed the
    records' policy and safeguards already, hence ALLOW and no safeguard."""
    handling = HandlingCode(record.handling_code)
    return egress.Item(
        kind=KIND,
        ref=record.public_id,
        owner_agency_id=record.owner_agency_id,
        tlp=Tlp(record.tlp),
        handling=handling,
        # Opened only where it is part of the marking: a list opens no other sealed text.
        restriction=record.handling_note if handling is HandlingCode.H3 else None,
        review_on=record.review_due,
        permit=egress.Permit.ALLOW,
    )


def _read_out(uow: UnitOfWork, caller: Caller, rows: Sequence[Record]) -> ReadOut:
    receipt = egress.release(
        uow, caller, egress.Door.RECORD_LIST, [gate_item(r) for r in rows], fmt="json"
    )
    return ReadOut([_summary(r) for r in rows if receipt.passed(r.public_id)], receipt)


def due_for_review(uow: UnitOfWork, caller: Caller, ctx: Context) -> list[RecordLine]:
    """The DPO's list: the agency's records whose review date has passed, with what
    names each and its hits."""
    rows = _due(uow, caller)
    principal = caller.principal
    assert principal is not None  # (`_due` refused anyone else)
    return _lines(uow, caller, ctx, principal.agency_id, rows)


def read_due(uow: UnitOfWork, caller: Caller) -> ReadOut:
    """`due_for_review` read through the API: a bulk read through the export gate."""
    return _read_out(uow, caller, _due(uow, caller))


def _due(uow: UnitOfWork, caller: Caller) -> Sequence[Record]:
    principal = require_own(uow, caller, Action.VIEW_DUE)
    rows = uow.session.scalars(
        select(Record)
        .where(
            Record.owner_agency_id == principal.agency_id,
            Record.erased_at.is_(None),
            Record.review_due < utcnow().date(),
        )
        .order_by(Record.review_due, Record.id)
    ).all()
    audit_record(uow, caller, "records:due:list", None, ids=[r.id for r in rows])
    return rows


def link(uow: UnitOfWork, caller: Caller, record_id: int, data: LinkIn) -> RecordLink:
    """Joins a person to a document, phone, vehicle or organisation of the same agency."""
    person = gate(uow, caller, Action.EDIT, record_id)
    target_id = uow.session.scalar(select(Record.id).where(Record.public_id == data.to_record))
    target = gate(uow, caller, Action.EDIT, target_id or 0)
    if person.kind != RecordKind.PERSON.value or target.kind != LINK_TARGETS[data.kind.value]:
        raise InvalidInput(
            lazy("A link of this kind joins a person to a {kind}."),
            kind=LINK_TARGETS[data.kind.value].value,
        )
    existing = uow.session.scalar(
        select(RecordLink).where(
            RecordLink.from_record_id == person.id,
            RecordLink.to_record_id == target.id,
            RecordLink.kind == data.kind.value,
        )
    )
    if existing is not None:
        return existing
    row = RecordLink(from_record_id=person.id, to_record_id=target.id, kind=data.kind.value)
    uow.session.add(row)
    uow.session.flush()
    audit_record(uow, caller, "records:record:link", person.id, to=target.id, kind=data.kind.value)
    return row


def links_of(uow: UnitOfWork, caller: Caller, record_id: int) -> list[RecordLink]:
    record = gate(uow, caller, Action.VIEW, record_id)
    return list(
        uow.session.scalars(
            select(RecordLink)
            .where(
                (RecordLink.from_record_id == record.id) | (RecordLink.to_record_id == record.id)
            )
            .order_by(RecordLink.id)
        )
    )


def flag(uow: UnitOfWork, caller: Caller, record_id: int, data: VersionedReasonIn) -> Record:
    """Puts the record before the review board: until it decides, the record is neither
    matched nor shared."""
    record = gate(uow, caller, Action.FLAG, record_id)
    _current(record, data.version)
    pairing.lock_screening(uow, record.kind)
    record.flagged_reason = data.reason.strip()
    _neutrality_after_change(record)
    _touch(record)
    audit_record(uow, caller, "records:record:flag", record.id)
    movement.withdraw_forbidden(uow, caller, record)
    return record


@dataclass(frozen=True)
class QueueItem:
    """A record before the review board, with what the board decides on: its offence
    category, the agency that holds it and, if a person flagged it, why."""

    summary: RecordSummary
    offence_category: OffenceCategory | None
    owner_agency: str
    flagged_reason: str | None


def review_queue(uow: UnitOfWork, caller: Caller) -> list[QueueItem]:
    """Records awaiting the board's decision, oldest first (reviewers only). A flag's
    reason is the record's content: each one opened is audited as read."""
    rows = _in_review(uow, caller)
    agencies = dict(uow.session.execute(select(Agency.id, Agency.code)).all())
    items = []
    for record in rows:
        reason = record.flagged_reason
        if reason is not None:
            audit_record(uow, caller, "records:record:view", record.id, shown="flag-reason")
        offence = OffenceCategory(record.offence_category) if record.offence_category else None
        items.append(QueueItem(_summary(record), offence, agencies[record.owner_agency_id], reason))
    return items


def read_review_queue(uow: UnitOfWork, caller: Caller) -> ReadOut:
    """`review_queue` read through the API: a bulk read through the export gate."""
    return _read_out(uow, caller, _in_review(uow, caller))


def _in_review(uow: UnitOfWork, caller: Caller) -> Sequence[Record]:
    principal = caller.principal
    decision = principal is not None and policy.allowed(
        principal, Action.DECIDE_NEUTRALITY, policy.relations(principal, under_review=True)
    )
    guard.check(caller, decision, Action.DECIDE_NEUTRALITY, KIND)
    rows = uow.session.scalars(
        select(Record)
        .where(Record.neutrality == Neutrality.PENDING.value, Record.erased_at.is_(None))
        .order_by(Record.updated_at, Record.id)
    ).all()
    audit_record(uow, caller, "records:neutrality:queue", None, ids=[r.id for r in rows])
    return rows


def decide_neutrality(
    uow: UnitOfWork, caller: Caller, ctx: Context, record_id: int, data: NeutralityIn
) -> Saved:
    """The board's Article 3 decision. Cleared, the record is screened; refused, it stays
    with its owner."""
    record = gate(uow, caller, Action.DECIDE_NEUTRALITY, record_id)
    principal = caller.principal
    assert principal is not None
    record.neutrality = (Neutrality.CLEARED if data.cleared else Neutrality.REFUSED).value
    record.neutrality_reason = data.reason.strip()
    record.neutrality_decided_by_id = principal.user_id
    record.neutrality_decided_at = utcnow()
    _touch(record)
    audit_record(uow, caller, "records:neutrality:decide", record.id, cleared=data.cleared)
    if not data.cleared:
        pairing.lock_screening(uow, record.kind)
        movement.withdraw_forbidden(uow, caller, record)
        return Saved(record, crosscheck.Outcome(screened=False))
    return Saved(record, crosscheck.screen(uow, caller, ctx.vault, record))


def request_necessity(
    uow: UnitOfWork, caller: Caller, record_id: int, data: VersionedReasonIn
) -> Record:
    """Asks a supervisor to let a victim's or witness's record be matched, and says why it
    is strictly necessary."""
    record = gate(uow, caller, Action.REQUEST_NECESSITY, record_id)
    principal = caller.principal
    assert principal is not None
    _current(record, data.version)
    # A minor's record may need it too: a fighter's profile of a minor is matched only so.
    protected = SubjectCategory(record.subject_category) in policy.PROTECTED_CATEGORIES
    if not protected and not record.is_minor:
        raise InvalidInput(
            lazy("Only the record of a victim, a witness or a minor needs this approval.")
        )
    if record.necessity_approved_by_id is not None:
        raise Conflict(lazy("Matching this record has been approved already."))
    record.necessity_reason = data.reason.strip()
    record.necessity_requested_by_id = principal.user_id
    _touch(record)
    audit.record(
        uow,
        caller.event(
            "records:necessity:request",
            object_kind=KIND,
            object_ref=record.id,
            personal={"reason": record.necessity_reason},
        ),
    )
    return record


def approve_necessity(
    uow: UnitOfWork, caller: Caller, ctx: Context, record_id: int, data: ReasonIn
) -> Saved:
    """Four eyes: a supervisor other than the one who asked approves, and the record is
    screened."""
    record = gate(uow, caller, Action.APPROVE_NECESSITY, record_id)
    principal = caller.principal
    assert principal is not None
    if record.necessity_requested_by_id is None:
        raise Conflict(lazy("Nobody has asked for this record to be matched."))
    if record.necessity_approved_by_id is not None:
        raise Conflict(lazy("Matching this record has been approved already."))
    guard.check(
        caller,
        principal.user_id != record.necessity_requested_by_id,
        Action.APPROVE_NECESSITY,
        KIND,
        record.id,
    )
    record.necessity_approved_by_id = principal.user_id
    record.necessity_digest = seen_digest(record)
    _touch(record)
    audit.record(
        uow,
        caller.event(
            "records:necessity:approve",
            object_kind=KIND,
            object_ref=record.id,
            # A note may name the victim: it is kept where erasure can reach it.
            personal={"note": data.reason.strip()},
        ),
    )
    return Saved(record, crosscheck.screen(uow, caller, ctx.vault, record))


def extend_review(uow: UnitOfWork, caller: Caller, record_id: int, data: ExtensionIn) -> Record:
    record = gate(uow, caller, Action.EXTEND_REVIEW, record_id)
    principal = caller.principal
    assert principal is not None
    _current(record, data.version)
    if data.review_due <= max(record.review_due, utcnow().date()):
        raise InvalidInput(
            lazy("An extension moves the review date later than {day}."),
            day=max(record.review_due, utcnow().date()),
        )
    longest = policy.review_due(
        utcnow().date(), SubjectCategory(record.subject_category), is_minor=record.is_minor
    )
    if data.review_due > longest:
        raise InvalidInput(lazy("One extension reaches at most {day}."), day=longest)
    uow.session.add(
        ReviewExtension(
            record_id=record.id,
            previous_due=record.review_due,
            new_due=data.review_due,
            reason=data.reason.strip(),
            extended_by_id=principal.user_id,
        )
    )
    record.review_due = data.review_due
    _touch(record)
    audit_record(
        uow, caller, "records:review:extend", record.id, review_due=data.review_due.isoformat()
    )
    return record
