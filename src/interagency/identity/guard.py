"""The one gate services pass before acting: check the policy, and raise every refusal
with its audit event attached."""

from __future__ import annotations

from enum import StrEnum

from interagency import audit
from interagency.errors import Forbidden, NotFound
from interagency.i18n import lazy
from interagency.identity.policy import Action, Principal, allowed
from interagency.identity.principals import Caller


def refuse(
    caller: Caller,
    action: str,
    object_kind: str | None = None,
    object_ref: object = None,
    message: str = lazy("Your role does not allow this."),
    **params: object,
) -> Forbidden:
    """The error to raise, carrying its audit event: the handler that answers records it
    (`audit.refusals`), after the rollback that follows."""
    return Forbidden(message, **params).refused_as(
        _refusal(caller, action, object_kind, object_ref)
    )


def hidden(
    caller: Caller,
    action: str,
    object_kind: str,
    object_ref: object,
    missing: NotFound,
) -> NotFound:
    """The refusal to act on an object the caller may not even know of: audited like any
    refusal, and answered with `missing`, the very error a caller gets for an object that
    does not exist, so that nothing tells the two apart. Every feature hides this way."""
    return missing.refused_as(_refusal(caller, action, object_kind, object_ref))


def _refusal(
    caller: Caller, action: str, object_kind: str | None, object_ref: object
) -> audit.AuditEvent:
    return caller.event(action, outcome="denied", object_kind=object_kind, object_ref=object_ref)


def require(
    caller: Caller,
    action: Action,
    object_kind: str | None = None,
    object_ref: object = None,
) -> Principal:
    principal = caller.principal
    if principal is None or not allowed(principal, action):
        raise refuse(caller, action.value, object_kind, object_ref)
    return principal


def check(
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
        raise refuse(caller, action.value, object_kind, object_ref)
    return principal
