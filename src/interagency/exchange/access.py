"""Loading a thread for one action: the policy decides, every refusal is audited.

A user with no business on a thread learns nothing from guessing its number: the answer
is the same "not found" as for a thread that does not exist, and the attempt is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from sqlalchemy import select

from interagency.db import UnitOfWork
from interagency.errors import NotFound
from interagency.exchange.models import Inspection, Thread
from interagency.exchange.policy import INSPECTING_ROLES, Action, Effect, Relation, effect_of
from interagency.exchange.visibility import relations_of
from interagency.i18n import lazy
from interagency.identity import guard
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller
from interagency.markings import HandlingCode, Tlp


@dataclass(frozen=True)
class Access:
    principal: Principal
    thread: Thread
    relations: frozenset[Relation]

    def effect(self, action: Action) -> Effect:
        return effect_of(
            action,
            Tlp(self.thread.tlp),
            HandlingCode(self.thread.handling_code),
            self.relations,
            self.principal.roles,
        )

    def may(self, action: Action) -> bool:
        return self.effect(action) is Effect.ALLOW


CHANGES = frozenset(
    {
        Action.REPLY,
        Action.ACKNOWLEDGE,
        Action.CLOSE,
        Action.ADD_RECIPIENT,
        Action.DECIDE_DISSEMINATION,
    }
)


def inspecting(uow: UnitOfWork, user_id: int, thread_id: int, now: datetime) -> bool:
    return (
        uow.session.scalar(
            select(Inspection.id).where(
                Inspection.thread_id == thread_id,
                Inspection.user_id == user_id,
                Inspection.expires_at > now,
            )
        )
        is not None
    )


def not_found() -> NotFound:
    return NotFound(lazy("There is no such thread that you may see."))


def deny(caller: Caller, action: Action, thread_id: object, *, hide: bool) -> NoReturn:
    if hide:
        raise guard.hidden(caller, action.value, "thread", thread_id, not_found())
    raise guard.refuse(
        caller,
        action.value,
        "thread",
        thread_id,
        lazy("The thread's markings and your role do not allow this."),
    )


def access(
    uow: UnitOfWork, caller: Caller, thread_id: int, action: Action, now: datetime
) -> Access:
    """The thread, if the policy grants `action`; otherwise an audited refusal.

    A caller who may not even see the thread's metadata gets "not found", so that the
    answer does not tell whether the thread exists.
    """
    principal = caller.principal
    # A change locks the thread's row, so two replies at once queue instead of failing.
    thread = uow.session.get(Thread, thread_id, with_for_update=action in CHANGES or None)
    if principal is None or thread is None:
        deny(caller, action, thread_id, hide=True)
    looking = not INSPECTING_ROLES.isdisjoint(principal.roles) and inspecting(
        uow, principal.user_id, thread.id, now
    )
    granted = Access(principal, thread, relations_of(principal, thread, inspecting=looking))
    if granted.may(action):
        return granted
    deny(caller, action, thread_id, hide=not granted.may(Action.READ_METADATA))
