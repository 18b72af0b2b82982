"""Changes to accounts: one person (or the operator) asks, a supervisor of the agency that
owns the account approves or refuses; nothing that opens content takes effect before.

The approval table in `policy.py` says who may ask and who must approve. This module keeps
each request bound to exactly what was asked (a digest of the change and of the account
as it was), carries approved changes out, and tells the agency's supervisors and DPO.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity import enrolment, guard, login, notifications, sessions, tokens
from interagency.identity.labels import ROLE_LABELS
from interagency.identity.models import (
    Agency,
    AgencyKind,
    ApprovalRequest,
    ApprovalStatus,
    Desk,
    Role,
    User,
    UserRole,
)
from interagency.identity.policy import (
    Action,
    Change,
    Principal,
    allowed,
    may_ask,
    may_decide,
    may_see_accounts_of,
    role_fits_agency,
)
from interagency.identity.principals import Caller, or_operator
from interagency.identity.schemas import ChangeRequestOut, checked_email

MIN_REASON = 10
# Systems read and write content through the API; they never lead, audit or administer.
SERVICE_ROLES = frozenset({Role.LIAISON_OFFICER, Role.ANALYST})


@dataclass(frozen=True)
class Decision:
    request: ApprovalRequest
    # Shown once to the approving supervisor, never stored: the path of an enrolment link
    # to hand to the user, or a service token's secret to install in the system.
    secret: str | None = None


Payload = dict[str, Any]


@dataclass(frozen=True)
class ChangeKind:
    # Checks the change against the account as it is now; returns the payload to store.
    check: Callable[[UnitOfWork, User, Payload], Payload]
    # Carries an approved change out; returns the secret to show once, if any.
    apply: Callable[[UnitOfWork, Caller, ApprovalRequest, User], str | None]


# --- asking ------------------------------------------------------------------------------


def ask_about(
    uow: UnitOfWork,
    caller: Caller | None,
    change: Change,
    login_name: str,
    payload: Payload,
    reason: str,
) -> ApprovalRequest:
    """A change to the account with this login. The right to ask at all is checked before
    the login is looked up, so that nobody without it learns which logins exist."""
    _may_ask_at_all(uow, caller, login_name)
    user = visible_account(uow, caller, login_name, Action.ASK_ACCOUNT_CHANGE)
    return ask(uow, caller, change, user, payload, reason)


def visible_account(uow: UnitOfWork, caller: Caller | None, name: str, action: Action) -> User:
    """The account with this login, if the caller may see its agency's accounts; an account
    they may not see is answered as a login nobody has. (The server's operator sees all.)"""
    missing = NotFound(lazy("No user has the login {login}."), login=name)
    user = login.find_user(uow, name)
    if user is None:
        raise missing
    principal = caller.principal if caller is not None else None
    if caller is not None and (
        principal is None or not may_see_accounts_of(principal, user.agency_id)
    ):
        raise guard.hidden(caller, action.value, "user", user.id, missing)
    return user


def ask(
    uow: UnitOfWork,
    caller: Caller | None,
    change: Change,
    target: User,
    payload: Payload,
    reason: str,
) -> ApprovalRequest:
    """Records the request; the account changes only when a supervisor approves it."""
    _may_ask_at_all(uow, caller, target.id)
    who = or_operator(caller)
    agency = target.agency
    kind = AgencyKind(agency.kind)
    principal = caller.principal if caller else None
    if not may_ask(principal, change, agency.id, kind):
        raise guard.refuse(who, Action.ASK_ACCOUNT_CHANGE.value, "user", target.id)
    if len(reason.strip()) < MIN_REASON:
        raise InvalidInput(
            lazy("Explain the request in at least {count} characters."),
            for_field="reason",
            count=MIN_REASON,
        )
    if target.refused:
        raise Conflict(
            lazy("The account {login} was refused; ask for a new one."), login=target.login
        )
    payload = CHANGES[change].check(uow, target, dict(payload))
    duplicate = uow.session.scalar(
        select(ApprovalRequest.public_id).where(
            ApprovalRequest.action == change.value,
            ApprovalRequest.target_user_id == target.id,
            ApprovalRequest.status == ApprovalStatus.PENDING.value,
        )
    )
    if duplicate is not None:
        raise Conflict(lazy("Request {id} for this is still waiting for a decision."), id=duplicate)
    row = ApprovalRequest(
        action=change.value,
        status=ApprovalStatus.PENDING.value,
        requested_by_id=principal.user_id if principal else None,
        agency_id=agency.id,
        target_user_id=target.id,
        payload=payload,
        digest=digest_of(change, target, payload),
        reason=reason.strip(),
    )
    uow.session.add(row)
    uow.session.flush()
    audit.record(
        uow,
        who.event(
            f"identity:account-change:{change.value}:ask",
            object_kind="approval",
            object_ref=row.id,
            detail={"agency": agency.code, "target_user": target.id, "payload": payload},
            personal={"reason": row.reason},
        ),
    )
    _tell_agency(uow, row, target, "accounts:asked")
    return row


def _may_ask_at_all(uow: UnitOfWork, caller: Caller | None, ref: object) -> None:
    if caller is not None:
        guard.require(caller, Action.ASK_ACCOUNT_CHANGE, "user", ref)


# --- deciding ----------------------------------------------------------------------------


def decide(
    uow: UnitOfWork,
    caller: Caller,
    request_id: int,
    *,
    approve: bool,
    seen_digest: str,
    note: str = "",
) -> Decision:
    """Approves or refuses. `seen_digest` is the digest shown with the request: a decision
    applies to exactly what the supervisor saw, and an approval only while the account is
    still as it was when the change was asked for."""
    principal = guard.require(caller, Action.DECIDE_ACCOUNT_CHANGE, "approval", request_id)
    # Locked: two supervisors at the same moment must not both carry the request out.
    row = uow.session.get(ApprovalRequest, request_id, with_for_update=True)
    if row is None or not _may_decide(principal, row):
        # Another agency's request answers exactly as a missing one.
        missing = NotFound(lazy("There is no such approval request."))
        if row is not None:
            action = Action.DECIDE_ACCOUNT_CHANGE.value
            raise guard.hidden(caller, action, "approval", request_id, missing)
        raise missing
    if row.status != ApprovalStatus.PENDING.value:
        raise Conflict(lazy("The request was decided already."))
    if seen_digest != row.digest:
        raise Conflict(lazy("The request is not the one you saw: open it again."))
    target = _target(uow, row)
    change = Change(row.action)
    if approve and digest_of(change, target, row.payload) != row.digest:
        raise Conflict(
            lazy(
                "The account changed after request {id} was made: refuse it, and ask again "
                "if the change is still needed."
            ),
            id=row.public_id,
        )
    row.status = (ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED).value
    row.decided_by_id = principal.user_id
    row.decided_at = utcnow()
    row.decision_note = note.strip() or None
    uow.session.flush()
    secret = None
    if approve:
        secret = CHANGES[change].apply(uow, caller, row, target)
    elif change in (Change.NEW_ACCOUNT, Change.NEW_SERVICE_ACCOUNT):
        target.disabled_at = utcnow()  # a refused account never opens
    audit.record(
        uow,
        caller.event(
            f"identity:account-change:{change.value}:{'approve' if approve else 'refuse'}",
            object_kind="approval",
            object_ref=row.id,
            detail={"target_user": row.target_user_id, "requested_by": row.requested_by_id},
        ),
    )
    _tell_agency(uow, row, target, "accounts:decided")
    return Decision(row, secret)


def _may_decide(principal: Principal, row: ApprovalRequest) -> bool:
    try:
        change = Change(row.action)
    except ValueError:  # a kind of request that no longer exists: nobody carries it out
        return False
    agency = principal.agency_id == row.agency_id
    return agency and may_decide(
        principal,
        change,
        row.agency_id,
        principal.agency_kind,
        requested_by=row.requested_by_id,
        target=row.target_user_id,
    )


def may_take_part(principal: Principal) -> bool:
    """Whether the principal may ask for or decide account changes at all."""
    return allowed(principal, Action.ASK_ACCOUNT_CHANGE) or allowed(
        principal, Action.DECIDE_ACCOUNT_CHANGE
    )


def pending_for(uow: UnitOfWork, caller: Caller) -> list[ApprovalRequest]:
    """Requests this caller may decide (never their own, never about themselves)."""
    principal = caller.principal
    decision = principal is not None and may_take_part(principal)
    guard.check(caller, decision, Action.DECIDE_ACCOUNT_CHANGE, "approval")
    assert principal is not None  # (checked just above)
    if not allowed(principal, Action.DECIDE_ACCOUNT_CHANGE):
        return []
    rows = uow.session.scalars(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.status == ApprovalStatus.PENDING.value,
            ApprovalRequest.agency_id == principal.agency_id,
        )
        .order_by(ApprovalRequest.created_at)
    )
    return [row for row in rows if _may_decide(principal, row)]


def requested_by(uow: UnitOfWork, user_id: int) -> list[ApprovalRequest]:
    return list(
        uow.session.scalars(
            select(ApprovalRequest)
            .where(ApprovalRequest.requested_by_id == user_id)
            .order_by(ApprovalRequest.created_at.desc(), ApprovalRequest.id.desc())
            .limit(50)
        )
    )


def changes_of_agency(uow: UnitOfWork, caller: Caller, limit: int = 100) -> list[ApprovalRequest]:
    """The last changes asked for the caller's own agency, decided or not; audited."""
    principal = guard.require(caller, Action.VIEW_ACCOUNT_CHANGES, "approval")
    rows = list(
        uow.session.scalars(
            select(ApprovalRequest)
            .where(ApprovalRequest.agency_id == principal.agency_id)
            .order_by(ApprovalRequest.created_at.desc(), ApprovalRequest.id.desc())
            .limit(limit)
        )
    )
    audit.record(
        uow,
        caller.event(
            "identity:account-change:list",
            object_kind="approval",
            detail={"ids": [row.id for row in rows]},
        ),
    )
    return rows


def request_out(uow: UnitOfWork, row: ApprovalRequest) -> ChangeRequestOut:
    def login_of(user_id: int | None) -> str | None:
        user = uow.session.get(User, user_id) if user_id is not None else None
        return user.login if user else None

    agency = uow.session.get(Agency, row.agency_id)
    return ChangeRequestOut(
        id=row.public_id,
        change=row.action,
        status=row.status,
        agency=agency.code if agency else "",
        login=login_of(row.target_user_id),
        requested_by=login_of(row.requested_by_id),
        created_at=row.created_at,
        decided_by=login_of(row.decided_by_id),
        decided_at=row.decided_at,
    )


# --- the request bound to what it asked --------------------------------------------------


def account_state(user: User) -> dict[str, Any]:
    """What an approver decides about: the account as the request saw it."""
    return {
        "id": user.id,
        "login": user.login,
        "full_name": user.full_name,
        "agency": user.agency_id,
        "kind": user.kind,
        "personnel_number": user.personnel_number,
        "pending": user.pending,
        "disabled": user.disabled_at is not None,
        "roles": sorted(role.role for role in user.roles),
        "desks": sorted(desk.id for desk in user.desks),
        "email": user.email,
        "second_factor": user.totp_secret is not None,
    }


def digest_of(change: Change, user: User, payload: Payload) -> str:
    canonical = json.dumps(
        {"change": change.value, "account": account_state(user), "payload": payload},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _target(uow: UnitOfWork, row: ApprovalRequest) -> User:
    user = uow.session.get(User, row.target_user_id) if row.target_user_id else None
    if user is None:
        raise NotFound(lazy("The account of this request is gone."))
    return user


def _tell_agency(uow: UnitOfWork, row: ApprovalRequest, target: User, kind: str) -> None:
    """The agency's supervisors (who decide) and DPO (who watches) hear of every request and
    decision; so does whoever asked."""
    params = {
        "id": row.public_id,
        "change": row.action,
        "login": target.login,
        "status": row.status,
    }
    supervisors = notifications.holders_of(uow, Role.SUPERVISOR, [row.agency_id])
    dpos = notifications.holders_of(uow, Role.DATA_PROTECTION_OFFICER, [row.agency_id])
    notifications.notify(uow, supervisors, kind, params, "/approvals")
    notifications.notify(uow, set(dpos) - set(supervisors), kind, params, "/accounts/changes")
    if kind == "accounts:decided" and row.requested_by_id is not None:
        notifications.notify(uow, [row.requested_by_id], kind, params, "/approvals")


# --- each change: its checks and what approval does ---------------------------------------


def _active_person(target: User) -> None:
    if target.pending or target.is_service:
        raise InvalidInput(lazy("Only an approved person's account can change this way."))


def _approved(target: User) -> None:
    if target.pending:
        raise InvalidInput(lazy("The account is not approved yet."))


def _role_in(payload: Payload) -> Role:
    try:
        return Role(str(payload.get("role")))
    except ValueError:
        raise InvalidInput(lazy("Choose one of the roles."), for_field="role") from None


def check_roles(
    roles: list[Role], kind: AgencyKind, *, service: bool, field: str = "roles"
) -> None:
    """`field` names the form field that chose the roles, for the message beside it."""
    for role in roles:
        if not role_fits_agency(role, kind):
            raise InvalidInput(
                lazy("The role {role} does not belong in this kind of body."),
                for_field=field,
                role=ROLE_LABELS[role],
            )
        if service and role not in SERVICE_ROLES:
            raise InvalidInput(
                lazy("A service account may only be a liaison officer or an analyst."),
                for_field=field,
            )


def _check_new(uow: UnitOfWork, target: User, payload: Payload) -> Payload:
    if not target.pending:
        raise Conflict(lazy("The account {login} exists already."), login=target.login)
    roles = sorted({Role(str(role)) for role in payload.get("roles", [])})
    if not roles:
        raise InvalidInput(lazy("Choose at least one role."), for_field="roles")
    check_roles(roles, AgencyKind(target.agency.kind), service=target.is_service)
    desks = [_desk(uow, target, str(code), "desks").code for code in payload.get("desks", [])]
    if not desks:
        raise InvalidInput(lazy("Choose at least one desk."), for_field="desks")
    email = payload.get("email")
    return {"roles": [r.value for r in roles], "desks": sorted(set(desks)), "email": email}


def _open_new(uow: UnitOfWork, caller: Caller, row: ApprovalRequest, target: User) -> str | None:
    target.pending = False
    target.roles = [UserRole(role=role) for role in row.payload["roles"]]
    target.desks = [_desk(uow, target, code) for code in row.payload["desks"]]
    target.email = row.payload.get("email")
    uow.session.flush()
    if target.is_service:
        return None
    return _enrolment_link(uow, caller, row, target)


def _check_role(uow: UnitOfWork, target: User, payload: Payload) -> Payload:
    _approved(target)
    role = _role_in(payload)
    if role in target.role_set:
        raise Conflict(lazy("The user has this role already."))
    check_roles([role], AgencyKind(target.agency.kind), service=target.is_service, field="role")
    return {"role": role.value}


def _carried_out(
    uow: UnitOfWork,
    caller: Caller,
    action: str,
    row: ApprovalRequest,
    target: User,
    personal: dict[str, object] | None = None,
    **detail: object,
) -> None:
    """The audit entry of what an approval did to the account, naming the approval."""
    audit.record(
        uow,
        caller.event(
            action,
            object_kind="user",
            object_ref=target.id,
            detail={**detail, "approval": row.id},
            personal=personal,
        ),
    )


def _grant_role(uow: UnitOfWork, caller: Caller, row: ApprovalRequest, target: User) -> None:
    target.roles.append(UserRole(role=row.payload["role"]))
    uow.session.flush()
    _carried_out(uow, caller, "identity:user:role-grant", row, target, role=row.payload["role"])


def _desk(uow: UnitOfWork, target: User, code: str, field: str = "desk") -> Desk:
    desk = uow.session.scalar(
        select(Desk).where(Desk.agency_id == target.agency_id, Desk.code == code.strip().upper())
    )
    if desk is None:
        raise InvalidInput(
            lazy("The agency {agency} has no desk {codes}."),
            for_field=field,
            agency=target.agency.code,
            codes=code,
        )
    return desk


def _check_desk(uow: UnitOfWork, target: User, payload: Payload) -> Payload:
    _approved(target)
    desk = _desk(uow, target, str(payload.get("desk", "")))
    if desk in target.desks:
        raise Conflict(lazy("The user works at this desk already."))
    return {"desk": desk.code}


def _add_desk(uow: UnitOfWork, caller: Caller, row: ApprovalRequest, target: User) -> None:
    target.desks.append(_desk(uow, target, row.payload["desk"]))
    uow.session.flush()
    _carried_out(uow, caller, "identity:user:desk-add", row, target, desk=row.payload["desk"])


def _check_email(uow: UnitOfWork, target: User, payload: Payload) -> Payload:
    _approved(target)
    try:
        email = checked_email(payload.get("email"))
    except ValueError as exc:
        raise InvalidInput(lazy("{problem}"), for_field="email", problem=str(exc)) from None
    if email == target.email:
        raise Conflict(lazy("The account has this address already."))
    return {"email": email}


def _set_email(uow: UnitOfWork, caller: Caller, row: ApprovalRequest, target: User) -> None:
    target.email = row.payload.get("email")
    uow.session.flush()
    _carried_out(
        uow,
        caller,
        "identity:user:email",
        row,
        target,
        personal={"email": target.email},
        removed=target.email is None,
    )


def _check_reset(uow: UnitOfWork, target: User, payload: Payload) -> Payload:
    _active_person(target)
    return {}


def _reset(uow: UnitOfWork, caller: Caller, row: ApprovalRequest, target: User) -> str | None:
    """Both credentials go at once: whoever held them (the user, or whoever took them) is
    out until the user enrols again through the link."""
    target.password_hash = None
    target.totp_secret = None
    target.totp_pending = None
    target.totp_last_step = None  # steps guard one secret's codes; the next is a new one
    ended = sessions.end_all_for_user(uow, target.id, "credentials reset")
    revoked = tokens.revoke_all_for_user(uow, target.id)
    _carried_out(
        uow,
        caller,
        "identity:user:credentials-reset",
        row,
        target,
        sessions_ended=ended,
        tokens_revoked=revoked,
    )
    return _enrolment_link(uow, caller, row, target)


def _check_reenable(uow: UnitOfWork, target: User, payload: Payload) -> Payload:
    if target.disabled_at is None or target.pending:
        raise Conflict(lazy("The account {login} is not disabled."), login=target.login)
    return {}


def _reenable(uow: UnitOfWork, caller: Caller, row: ApprovalRequest, target: User) -> None:
    target.disabled_at = None
    _carried_out(uow, caller, "identity:user:re-enable", row, target)


def _check_token(uow: UnitOfWork, target: User, payload: Payload) -> Payload:
    if not target.is_service or target.pending or target.disabled_at is not None:
        raise InvalidInput(lazy("Tokens are asked for approved, enabled service accounts."))
    name = str(payload.get("name", "")).strip()
    if not 1 <= len(name) <= 100:
        raise InvalidInput(
            lazy("Name the token's purpose in 1 to 100 characters."), for_field="name"
        )
    try:
        days = int(payload.get("days", tokens.DEFAULT_DAYS))
    except (TypeError, ValueError):
        raise InvalidInput(lazy("Give the token's lifetime in days."), for_field="days") from None
    if not 1 <= days <= tokens.MAX_DAYS:
        raise InvalidInput(
            lazy("A token lives 1 to {max} days; ask for a new one when it expires."),
            for_field="days",
            max=tokens.MAX_DAYS,
        )
    return {"name": name, "days": days}


def _issue_token(uow: UnitOfWork, caller: Caller, row: ApprovalRequest, target: User) -> str:
    issued = tokens.issue(uow, target, row.payload["name"], row.payload["days"])
    issued.token.approval_id = row.id
    audit.record(
        uow,
        caller.event(
            "identity:token:issue",
            object_kind="token",
            object_ref=issued.token.id,
            detail={"user": target.id, "days": row.payload["days"], "approval": row.id},
        ),
    )
    return issued.secret


def _enrolment_link(uow: UnitOfWork, caller: Caller, row: ApprovalRequest, target: User) -> str:
    link = enrolment.issue(uow, target, row.id)
    _carried_out(uow, caller, "identity:enrolment-link:issue", row, target, link=link.link.id)
    return link.path


CHANGES: dict[Change, ChangeKind] = {
    Change.NEW_ACCOUNT: ChangeKind(_check_new, _open_new),
    Change.NEW_SERVICE_ACCOUNT: ChangeKind(_check_new, _open_new),
    Change.ROLE: ChangeKind(_check_role, _grant_role),
    Change.DESK: ChangeKind(_check_desk, _add_desk),
    Change.EMAIL: ChangeKind(_check_email, _set_email),
    Change.RESET: ChangeKind(_check_reset, _reset),
    Change.REENABLE: ChangeKind(_check_reenable, _reenable),
    Change.SERVICE_TOKEN: ChangeKind(_check_token, _issue_token),
}
