"""A user's own account: API tokens, second factor, sessions and notifications."""

from __future__ import annotations

from pathlib import Path

from interagency import audit
from interagency.db import UnitOfWork
from interagency.errors import NotFound
from interagency.i18n import lazy
from interagency.identity import guard, login, notifications, sessions, tokens
from interagency.identity.models import ApiToken, AuthSession, Notification, User
from interagency.identity.policy import Action
from interagency.identity.principals import Caller
from interagency.identity.tokens import IssuedToken


def me(uow: UnitOfWork, caller: Caller) -> User:
    principal = guard.require(uow, caller, Action.VIEW_OWN_ACCOUNT)
    user = uow.session.get(User, principal.user_id)
    if user is None:
        raise NotFound(lazy("Your account no longer exists."))
    return user


def issue_token(uow: UnitOfWork, caller: Caller, name: str, days: int) -> IssuedToken:
    principal = guard.require(uow, caller, Action.MANAGE_OWN_TOKENS, "token")
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
    principal = guard.require(uow, caller, Action.MANAGE_OWN_TOKENS, "token", token_id)
    row = tokens.revoke(uow, principal.user_id, token_id)
    audit.record(uow, caller.event("identity:token:revoke", object_kind="token", object_ref=row.id))
    return row


def my_tokens(uow: UnitOfWork, caller: Caller) -> list[ApiToken]:
    return tokens.list_for_user(uow, me(uow, caller).id)


def my_sessions(uow: UnitOfWork, caller: Caller) -> list[AuthSession]:
    return sessions.live_sessions(uow, me(uow, caller).id)


def start_enrolment(uow: UnitOfWork, caller: Caller, key_dir: Path) -> login.Enrolment:
    return login.begin_enrolment(uow, me(uow, caller), key_dir)


def pending_enrolment(uow: UnitOfWork, caller: Caller, key_dir: Path) -> login.Enrolment | None:
    return login.pending_enrolment(me(uow, caller), key_dir)


def confirm_enrolment(uow: UnitOfWork, caller: Caller, code: str, key_dir: Path) -> bool:
    return login.finish_enrolment(uow, me(uow, caller).id, code, caller.address, key_dir)


def my_notifications(uow: UnitOfWork, caller: Caller) -> list[Notification]:
    return notifications.recent(uow, me(uow, caller).id)


def read_notifications(uow: UnitOfWork, caller: Caller) -> None:
    notifications.mark_all_read(uow, me(uow, caller).id)
