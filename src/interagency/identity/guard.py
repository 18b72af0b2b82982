"""The one gate services pass before acting: check the policy, audit every refusal."""

from __future__ import annotations

from enum import StrEnum

from interagency import audit
from interagency.db import UnitOfWork
from interagency.errors import Forbidden, NotFound
from interagency.i18n import lazy
from interagency.identity.policy import Action, Principal, allowed
from interagency.identity.principals import Caller


def refuse(
    uow: UnitOfWork,
    caller: Caller,
    action: str,
    object_kind: str | None = None,
    object_ref: object = None,
) -> Forbidden:
    """Audits the refusal (it survives the rollback that follows) and returns the error."""
    _audit_refusal(uow, caller, action, object_kind, object_ref)
    return Forbidden(lazy("Your role does not allow this."))


def hidden(
    uow: UnitOfWork,
    caller: Caller,
    action: str,
    object_kind: str,
    object_ref: object,
    missing: NotFound,
) -> NotFound:
    """The refusal to act on an object the caller may not even know of: audited like any
    refusal, and answered with `missing`, the very error a caller gets for an object that
    does not exist, so that nothing tells the two apart. Every feature hides this way."""
    _audit_refusal(uow, caller, action, object_kind, object_ref)
    return missing


def _audit_refusal(
    uow: UnitOfWork, caller: Caller, action: str, object_kind: str | None, object_ref: object
) -> None:
    # Recorded after the rollback that follows the refusal.
    audit.record_refusal(
        uow,
        caller.event(action, outcome="denied", object_kind=object_kind, object_ref=object_ref),
    )


def require(
    uow: UnitOfWork,
    caller: Caller,
    action: Action,
    object_kind: str | None = None,
    object_ref: object = None,
) -> Principal:
    principal = caller.principal
    if principal is None or not allowed(principal, action):
        raise refuse(uow, caller, action.value, object_kind, object_ref)
    return principal


def check(
    uow: UnitOfWork,
    caller: Caller,
    decision: bool,
    action: StrEnum,
    object_kind: str | None = None,
    object_ref: object = None,
) -> Principal:
    """Like `require`, for a scoped decision the caller has already taken with a policy (of
    any feature: `action` is that feature's action)."""
    principal = caller.principal
    if principal is None or not decision:
        raise refuse(uow, caller, action.value, object_kind, object_ref)
    return principal
