"""A user's own account: API tokens, second factor, sessions and notifications."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from interagency import audit
from interagency.db import UnitOfWork
from interagency.errors import InvalidInput, NotFound
from interagency.i18n import lazy
from interagency.identity import guard, login, notifications, passwords, sessions, throttle, tokens
from interagency.identity.models import ApiToken, AuthSession, Notification, User
from interagency.identity.policy import Action
from interagency.identity.principals import Caller
from interagency.identity.tokens import IssuedToken


class ReauthenticationFailed(InvalidInput):
    """The proof of identity failed; the route commits the count before answering."""


def me(uow: UnitOfWork, caller: Caller) -> User:
    principal = guard.require(caller, Action.VIEW_OWN_ACCOUNT)
    user = uow.session.get(User, principal.user_id)
    if user is None:
        raise NotFound(lazy("Your account no longer exists."))
    return user


def issue_token(uow: UnitOfWork, caller: Caller, name: str, days: int) -> IssuedToken:
    principal = guard.require(caller, Action.MANAGE_OWN_TOKENS, "token")
    issued = tokens.issue(uow, me(uow, caller), name, days)
    audit.record(
        uow,
        caller.event(
            "identity:token:issue",
            object_kind="token",
            object_ref=issued.token.id,
            detail={"days": days, "prefix": issued.token.prefix, "user": principal.user_id},
        ),
    )
    return issued


def revoke_token(uow: UnitOfWork, caller: Caller, token_id: int) -> ApiToken:
    principal = guard.require(caller, Action.MANAGE_OWN_TOKENS, "token", token_id)
    row = tokens.revoke(uow, principal.user_id, token_id)
    audit.record(uow, caller.event("identity:token:revoke", object_kind="token", object_ref=row.id))
    return row


def my_tokens(uow: UnitOfWork, caller: Caller) -> list[ApiToken]:
    return tokens.list_for_user(uow, me(uow, caller).id)


def my_sessions(uow: UnitOfWork, caller: Caller) -> list[AuthSession]:
    return sessions.live_sessions(uow, me(uow, caller).id)


def start_enrolment(
    uow: UnitOfWork, caller: Caller, key_dir: Path, current_code: str
) -> login.Enrolment:
    """A new authenticator. Replacing one needs a code of the current one: a session left
    open on a desk must not be enough to swap the factor (that is a four-eyes reset)."""
    user = me(uow, caller)
    if user.totp_secret is not None:
        _prove(
            uow,
            caller,
            user,
            lambda: login.current_code_is_right(uow, user, current_code, key_dir),
            "current_code",
        )
    return login.begin_enrolment(uow, user, key_dir)


def change_password(
    uow: UnitOfWork, caller: Caller, current: str, new: str, *, keep_session: str | None = None
) -> None:
    """A new password ends every other session and every API token of the user: whoever
    knew the old one must not stay signed in (`keep_session` is the raw id of the session
    making the change)."""
    user = me(uow, caller)
    _prove(
        uow, caller, user, lambda: passwords.verify_password(user.password_hash, current), "current"
    )
    if new == current:
        raise InvalidInput(
            lazy("Choose a password different from the current one."), for_field="new"
        )
    passwords.check_new_password(new, field="new")
    user.password_hash = passwords.hash_password(new)
    user.password_must_change = False
    ended = sessions.end_all_for_user(uow, user.id, "password changed", keep=keep_session)
    revoked = tokens.revoke_all_for_user(uow, user.id)
    audit.record(
        uow,
        caller.event(
            "auth:password:changed",
            object_kind="user",
            object_ref=user.id,
            detail={"sessions_ended": ended, "tokens_revoked": revoked},
        ),
    )


def _prove(
    uow: UnitOfWork, caller: Caller, user: User, check: Callable[[], bool], field: str
) -> None:
    """Runs a check of what only the user knows (typed in the form field `field`), under
    the sign-in back-off; a failure is counted and audited even though the request is
    refused."""
    throttle.hold(uow, user.login, caller.address)
    if throttle.wait_seconds(uow, user.login, caller.address) or not check():
        throttle.record_failure(uow, user.login, caller.address)
        event = caller.event(
            "auth:reauthentication:failed", outcome="failed", object_kind="user", object_ref=user.id
        )
        audit.record(uow, event)
        raise ReauthenticationFailed(
            lazy("The current password or code is wrong, or too many attempts were made."),
            for_field=field,
        )


def pending_enrolment(uow: UnitOfWork, caller: Caller, key_dir: Path) -> login.Enrolment | None:
    return login.pending_enrolment(me(uow, caller), key_dir)


def confirm_enrolment(uow: UnitOfWork, caller: Caller, code: str, key_dir: Path) -> bool:
    return login.finish_enrolment(uow, me(uow, caller).id, code, caller.address, key_dir)


def my_notifications(uow: UnitOfWork, caller: Caller) -> list[Notification]:
    return notifications.recent(uow, me(uow, caller).id)


def read_notifications(uow: UnitOfWork, caller: Caller) -> None:
    notifications.mark_all_read(uow, me(uow, caller).id)
