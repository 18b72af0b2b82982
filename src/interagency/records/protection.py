"""What the data protection officer does with the agency's records: answer data subjects'
access requests, and erase records with four eyes.

Erasure deletes the personal data (the sealed particulars, the free texts that may name
someone, and the personal data the audit trail keeps for the record in its side table)
and leaves the reference, its category and its dates, so hits and audit entries that
point to it still resolve, to "erased".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select

from interagency import audit
from interagency.audit.models import AuditEntry, AuditPersonal
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity import guard, notifications
from interagency.identity.models import Role
from interagency.identity.principals import Caller
from interagency.inputs import STORED
from interagency.records import (
    comparison,
    movement,
    name_index,
    pairing,
    policy,
    screened,
    services,
)
from interagency.records.models import AccessRequest, AccessRequestStatus, Record, RecordKind
from interagency.records.particulars import PersonParticulars
from interagency.records.policy import Action
from interagency.records.sealing import open_particulars
from interagency.vault import Vault

KIND: Final = "access-request"
ERASED: Final = "[erased]"


@dataclass(frozen=True)
class AccessRequestView:
    id: str  # the public id
    received_on: date
    status: str
    requester: PersonParticulars | None
    answer: str | None
    # The agency's live person records the requester may be: for the DPO to check.
    candidates: tuple[str, ...]  # public ids


def _context(record_id: int) -> str:
    return f"records:access-request:{record_id}:particulars"


def request_erasure(uow: UnitOfWork, caller: Caller, record_id: int, reason: str) -> Record:
    """A DPO asks to erase the record; `reason` (the legal ground) must not name anyone."""
    record = services.gate(uow, caller, Action.REQUEST_ERASURE, record_id)
    principal = caller.principal
    assert principal is not None
    if record.erased_at is not None:
        raise Conflict(lazy("Record {ref} is erased already."), ref=record.public_id)
    record.erasure_reason = reason.strip()
    record.erasure_requested_by_id = principal.user_id
    approvers = {
        *notifications.holders_of(uow, Role.SUPERVISOR, [record.owner_agency_id]),
        *notifications.holders_of(uow, Role.DATA_PROTECTION_OFFICER, [record.owner_agency_id]),
    } - {principal.user_id}
    notifications.notify(
        uow, approvers, "records:erasure-requested", {"record": record.public_id}, "/records/dpo"
    )
    services.audit_record(uow, caller, "records:erasure:request", record.id)
    return record


def approve_erasure(uow: UnitOfWork, caller: Caller, record_id: int) -> Record:
    """Four eyes: a supervisor or another DPO carries the erasure out."""
    record = services.gate(uow, caller, Action.APPROVE_ERASURE, record_id)
    principal = caller.principal
    assert principal is not None
    if record.erased_at is not None:
        raise Conflict(lazy("Record {ref} is erased already."), ref=record.public_id)
    if record.erasure_requested_by_id is None:
        raise Conflict(lazy("Nobody has asked to erase record {ref}."), ref=record.public_id)
    guard.check(
        caller,
        principal.user_id != record.erasure_requested_by_id,
        Action.APPROVE_ERASURE,
        services.KIND,
        record.id,
    )
    pairing.lock_screening(uow, record.kind)
    record.particulars_sealed = None
    name_index.forget_name(uow, record.id)
    screened.forget(uow, record.id)
    if record.factual_indications is not None:
        record.factual_indications = ERASED
    for field in ("flagged_reason", "necessity_reason", "neutrality_reason"):
        if getattr(record, field) is not None:
            setattr(record, field, ERASED)
    record.erased_at = utcnow()
    record.screen_pending = False
    reason = f"record {record.id} erased: {record.erasure_reason}"
    for seq in _audit_personal_entries(uow, record.id):
        audit.erase_personal_data(
            uow,
            seq,
            reason,
            actor_user_id=principal.user_id,
            actor_login=principal.login,
            actor_agency_id=principal.agency_id,
        )
    services.audit_record(uow, caller, "records:erasure:approve", record.id)
    movement.withdraw_forbidden(uow, caller, record)
    return record


def _audit_personal_entries(uow: UnitOfWork, record_id: int) -> list[int]:
    return list(
        uow.session.scalars(
            select(AuditPersonal.seq)
            .join(AuditEntry, AuditEntry.seq == AuditPersonal.seq)
            .where(
                AuditEntry.object_kind == services.KIND,
                AuditEntry.object_ref == str(record_id),
                AuditPersonal.data_sealed.is_not(None),
            )
        )
    )


def _require_dpo(uow: UnitOfWork, caller: Caller) -> int:
    principal = caller.principal
    mine = policy.relations(principal, owner_agency_id=principal.agency_id) if principal else ()
    guard.check(
        caller,
        principal is not None and policy.allowed(principal, Action.VIEW_DUE, mine),
        Action.VIEW_DUE,
        KIND,
    )
    assert principal is not None
    return principal.agency_id


def open_access_request(
    uow: UnitOfWork, caller: Caller, vault: Vault, requester: PersonParticulars, received_on: date
) -> AccessRequestView:
    """Records a data subject's access request and finds the records that may be theirs."""
    agency_id = _require_dpo(uow, caller)
    principal = caller.principal
    assert principal is not None
    if received_on > utcnow().date():
        raise InvalidInput(lazy("A request cannot be received in the future."))
    row = AccessRequest(
        agency_id=agency_id,
        received_on=received_on,
        status=AccessRequestStatus.OPEN.value,
        created_by_id=principal.user_id,
    )
    uow.session.add(row)
    uow.session.flush()
    row.particulars_sealed = vault.seal_text(
        uow.session,
        agency_id,
        json.dumps(requester.model_dump(), ensure_ascii=False),
        context=_context(row.id),
    )
    audit.record(
        uow,
        caller.event(
            "records:access-request:open",
            object_kind=KIND,
            object_ref=row.id,
            personal={"requester": requester.model_dump()},
        ),
    )
    return _view(uow, vault, row)


def access_requests(uow: UnitOfWork, caller: Caller, vault: Vault) -> list[AccessRequestView]:
    """The agency's access requests, open ones first, with their candidate records."""
    agency_id = _require_dpo(uow, caller)
    rows = uow.session.scalars(
        select(AccessRequest)
        .where(AccessRequest.agency_id == agency_id)
        .order_by(AccessRequest.status.desc(), AccessRequest.received_on, AccessRequest.id)
    ).all()
    audit.record(
        uow,
        caller.event(
            "records:access-request:list", object_kind=KIND, detail={"ids": [r.id for r in rows]}
        ),
    )
    return [_view(uow, vault, row) for row in rows]


def answer_access_request(
    uow: UnitOfWork, caller: Caller, vault: Vault, request_id: int, answer: str
) -> AccessRequestView:
    agency_id = _require_dpo(uow, caller)
    row = uow.session.get(AccessRequest, request_id)
    if row is None or row.agency_id != agency_id:
        raise NotFound(lazy("There is no such access request."))
    if row.status != AccessRequestStatus.OPEN.value:
        raise Conflict(lazy("Access request {ref} has been answered already."), ref=request_id)
    row.status = AccessRequestStatus.ANSWERED.value
    row.answer = answer.strip()
    row.answered_at = utcnow()
    audit.record(
        uow, caller.event("records:access-request:answer", object_kind=KIND, object_ref=row.id)
    )
    return _view(uow, vault, row)


def _view(uow: UnitOfWork, vault: Vault, row: AccessRequest) -> AccessRequestView:
    requester = None
    if row.particulars_sealed is not None:
        text = vault.open_text(
            uow.session, row.agency_id, row.particulars_sealed, context=_context(row.id)
        )
        requester = PersonParticulars.model_validate_json(text, context=STORED)
    candidates: tuple[str, ...] = ()
    if requester is not None and row.status == AccessRequestStatus.OPEN.value:
        candidates = _own_candidates(uow, vault, row.agency_id, requester)
    return AccessRequestView(
        id=row.public_id,
        received_on=row.received_on,
        status=row.status,
        requester=requester,
        answer=row.answer,
        candidates=candidates,
    )


def _own_candidates(
    uow: UnitOfWork, vault: Vault, agency_id: int, requester: PersonParticulars
) -> tuple[str, ...]:
    """The agency's live person records the model links to the requester; the DPO checks
    them, so here a name with a birth date or a document is enough."""
    people = uow.session.scalars(
        select(Record).where(
            Record.owner_agency_id == agency_id,
            Record.kind == RecordKind.PERSON.value,
            Record.erased_at.is_(None),
        )
    ).all()
    opened = {r.id: open_particulars(uow, vault, r) for r in people}
    persons = {i: p for i, p in opened.items() if isinstance(p, PersonParticulars)}
    public = {r.id: r.public_id for r in people}
    found = sorted(m.found_id for m in comparison.person_matches(requester, persons))
    return tuple(public[record_id] for record_id in found)
