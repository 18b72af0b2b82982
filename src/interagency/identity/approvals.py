"""Four-eyes approval: one user asks, another authorised user approves or refuses.

Each kind of request is registered once with the policy actions that may ask for and
decide it, a scope check, and what approval does. Later features register their own
kinds (releasing hit details, bulk export, ...) and reuse the same pages and audit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity import accounts, guard
from interagency.identity.models import AgencyKind, ApprovalRequest, ApprovalStatus, Role, User
from interagency.identity.policy import (
    Action,
    Principal,
    allowed,
    may_approve,
    may_manage_users_of,
)
from interagency.identity.principals import Caller

MIN_REASON = 10


@dataclass(frozen=True)
class ApprovalKind:
    name: str
    request_action: Action
    approve_action: Action
    # May this principal ask for, or decide, this request (beyond the role table)?
    in_scope: Callable[[UnitOfWork, Principal, ApprovalRequest], bool]
    check_payload: Callable[[UnitOfWork, ApprovalRequest], None]
    apply: Callable[[UnitOfWork, Caller, ApprovalRequest], None]


KINDS: dict[str, ApprovalKind] = {}


def register(kind: ApprovalKind) -> None:
    KINDS[kind.name] = kind


def request_about(
    uow: UnitOfWork,
    caller: Caller,
    kind_name: str,
    login: str,
    payload: dict[str, Any],
    reason: str,
) -> ApprovalRequest:
    """A request about the user with this login; the right to ask is checked before the
    login is looked up, so that nobody without it learns which logins exist."""
    guard.require(uow, caller, _kind(kind_name).request_action, "approval")
    return request(uow, caller, kind_name, accounts.find(uow, login).id, payload, reason)


def request(
    uow: UnitOfWork,
    caller: Caller,
    kind_name: str,
    target_user_id: int | None,
    payload: dict[str, Any],
    reason: str,
) -> ApprovalRequest:
    kind = _kind(kind_name)
    principal = guard.require(uow, caller, kind.request_action, "approval")
    if len(reason.strip()) < MIN_REASON:
        raise InvalidInput(
            lazy("Explain the request in at least {count} characters."), count=MIN_REASON
        )
    row = ApprovalRequest(
        action=kind.name,
        status=ApprovalStatus.PENDING.value,
        requested_by_id=principal.user_id,
        target_user_id=target_user_id,
        payload=payload,
        reason=reason.strip(),
    )
    # Scope before payload: a request about someone out of scope must not learn, from a
    # different answer, what roles they hold.
    guard.check(
        uow, caller, kind.in_scope(uow, principal, row), kind.request_action, "user", target_user_id
    )
    kind.check_payload(uow, row)
    duplicate = uow.session.scalar(
        select(ApprovalRequest.id).where(
            ApprovalRequest.action == kind.name,
            ApprovalRequest.target_user_id == target_user_id,
            ApprovalRequest.status == ApprovalStatus.PENDING.value,
        )
    )
    if duplicate is not None:
        raise Conflict(lazy("Request {id} for this is still waiting for a decision."), id=duplicate)
    uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow,
        caller.event(
            f"approval:{kind.name}:request",
            object_kind="approval",
            object_ref=row.id,
            detail={"target_user": target_user_id, "payload": payload},
            personal={"reason": row.reason},
        ),
    )
    return row


def decide(
    uow: UnitOfWork, caller: Caller, request_id: int, *, approve: bool, note: str = ""
) -> ApprovalRequest:
    # Locked: two approvers at the same moment must not both carry the request out.
    row = uow.session.get(ApprovalRequest, request_id, with_for_update=True)
    if row is None:
        raise NotFound(lazy("No approval request {id}."), id=request_id)
    kind = _kind(row.action)
    principal = guard.require(uow, caller, kind.approve_action, "approval", row.id)
    decision = may_approve(
        principal, kind.approve_action, row.requested_by_id, row.target_user_id
    ) and kind.in_scope(uow, principal, row)
    guard.check(uow, caller, decision, kind.approve_action, "approval", row.id)
    if row.status != ApprovalStatus.PENDING.value:
        raise Conflict(lazy("Request {id} was decided already."), id=row.id)
    row.status = (ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED).value
    row.decided_by_id = principal.user_id
    row.decided_at = utcnow()
    row.decision_note = note.strip() or None
    uow.session.flush()
    if approve:
        kind.apply(uow, caller, row)
    audit.record(
        uow,
        caller.event(
            f"approval:{kind.name}:{'approve' if approve else 'refuse'}",
            object_kind="approval",
            object_ref=row.id,
            detail={"target_user": row.target_user_id, "requested_by": row.requested_by_id},
        ),
    )
    return row


def may_take_part(principal: Principal) -> bool:
    """Whether the principal may ask for or decide any kind of request at all."""
    return any(
        allowed(principal, kind.request_action) or allowed(principal, kind.approve_action)
        for kind in KINDS.values()
    )


def pending_for(uow: UnitOfWork, caller: Caller) -> list[ApprovalRequest]:
    """Pending requests this caller could decide (never their own or about themselves)."""
    principal = caller.principal
    decision = principal is not None and may_take_part(principal)
    guard.check(uow, caller, decision, Action.APPROVE_ROLE_ELEVATION, "approval")
    assert principal is not None  # (checked just above)
    rows = uow.session.scalars(
        select(ApprovalRequest)
        .where(ApprovalRequest.status == ApprovalStatus.PENDING.value)
        .order_by(ApprovalRequest.created_at)
    )
    return [
        row
        for row in rows
        if row.action in KINDS
        and may_approve(
            principal, KINDS[row.action].approve_action, row.requested_by_id, row.target_user_id
        )
        and KINDS[row.action].in_scope(uow, principal, row)
    ]


def requested_by(uow: UnitOfWork, user_id: int) -> list[ApprovalRequest]:
    return list(
        uow.session.scalars(
            select(ApprovalRequest)
            .where(ApprovalRequest.requested_by_id == user_id)
            .order_by(ApprovalRequest.created_at.desc())
            .limit(50)
        )
    )


def _kind(name: str) -> ApprovalKind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(lazy("No kind of approval is called {name}."), name=name)
    return kind


def _target(uow: UnitOfWork, row: ApprovalRequest) -> User:
    user = uow.session.get(User, row.target_user_id) if row.target_user_id else None
    if user is None:
        raise InvalidInput(lazy("The request must name an existing user."))
    return user


def _manages_target(uow: UnitOfWork, principal: Principal, row: ApprovalRequest) -> bool:
    target = _target(uow, row)
    # A supervisor may ask for their own agency's staff; administrators per their scope.
    if principal.agency_id == target.agency_id:
        return True
    return may_manage_users_of(principal, target.agency_id)


def _check_role_payload(uow: UnitOfWork, row: ApprovalRequest) -> None:
    target = _target(uow, row)
    try:
        role = Role(str(row.payload.get("role")))
    except ValueError:
        raise InvalidInput(lazy("Choose one of the roles.")) from None
    if role in target.role_set:
        raise Conflict(lazy("The user has this role already."))
    accounts.check_role_fits(role, AgencyKind(target.agency.kind))


def _grant(uow: UnitOfWork, caller: Caller, row: ApprovalRequest) -> None:
    accounts.grant_role(uow, caller, _target(uow, row), Role(row.payload["role"]))


def _check_reset_payload(uow: UnitOfWork, row: ApprovalRequest) -> None:
    _target(uow, row)


def _reset(uow: UnitOfWork, caller: Caller, row: ApprovalRequest) -> None:
    accounts.reset_second_factor(uow, caller, _target(uow, row))


ROLE_ELEVATION = "role-elevation"
SECOND_FACTOR_RESET = "2fa-reset"

register(
    ApprovalKind(
        ROLE_ELEVATION,
        Action.REQUEST_ROLE_ELEVATION,
        Action.APPROVE_ROLE_ELEVATION,
        _manages_target,
        _check_role_payload,
        _grant,
    )
)
register(
    ApprovalKind(
        SECOND_FACTOR_RESET,
        Action.REQUEST_2FA_RESET,
        Action.APPROVE_2FA_RESET,
        _manages_target,
        _check_reset_payload,
        _reset,
    )
)
