"""Telling people that something arrived: in the app, and by e-mail through the outbox.

Both carry the thread's reference and marking, never its subject or text. E-mail is
written in the same transaction as the change, so it exists only if the change does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import Select, select

from interagency.db import UnitOfWork
from interagency.exchange.models import Recipient, Thread
from interagency.exchange.policy import CONTENT_ROLES
from interagency.identity import notifications
from interagency.identity.models import User, UserDesk, UserRole
from interagency.markings import Tlp
from interagency.outbox.services import Email, enqueue_all

EMAIL_SUBJECT = "[{reference}] {kind} · TLP:{tlp} · {handling}"
EMAIL_BODY = (
    "Новое событие в переписке {reference} ({kind}; TLP:{tlp}; {handling}).\n"
    "New activity on thread {reference} ({kind}; TLP:{tlp}; {handling}).\n\n"
    "Войдите, чтобы прочитать / Sign in to read it:\n{link}\n"
)


def link_of(thread: Thread) -> str:
    return f"/exchange/threads/{thread.public_id}"


class Reader(Protocol):
    """Whom to tell: the id and the address are all a notice needs (a `User` will do)."""

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str | None: ...


def _readers(agency_id: int) -> Select[int, str | None]:
    """Enabled users of the agency who do the exchange, as (id, email) rows: plain
    columns, since loading whole users with their roles and desks costs far more."""
    return (
        select(User.id, User.email)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.agency_id == agency_id,
            User.disabled_at.is_(None),
            UserRole.role.in_(sorted(r.value for r in CONTENT_ROLES)),
        )
        .distinct()
    )


def readers_at(uow: UnitOfWork, thread: Thread, recipient: Recipient) -> list[Reader]:
    """The enabled users of a recipient who may read the thread and should hear of it.

    An addressed desk or user is told; a RED thread reaches nobody else. A thread sent
    to an agency as a whole is announced to everyone there who does the exchange.
    """
    query = _readers(recipient.agency_id)
    if recipient.user_id is not None:
        query = query.where(User.id == recipient.user_id)
    elif recipient.desk_id is not None:
        query = query.join(UserDesk, UserDesk.user_id == User.id).where(
            UserDesk.desk_id == recipient.desk_id
        )
    elif thread.tlp == Tlp.RED.value:
        return []
    return list(uow.rows(query))


def originator_readers(uow: UnitOfWork, thread: Thread) -> list[Reader]:
    """The author, and on a thread below RED the sending desk (or agency) as well."""
    query = _readers(thread.originator_agency_id)
    if thread.originator_desk_id is not None:
        query = query.join(UserDesk, UserDesk.user_id == User.id).where(
            UserDesk.desk_id == thread.originator_desk_id
        )
    else:
        query = query.where(User.id == thread.author_id)
    author = select(User.id, User.email).where(
        User.id == thread.author_id, User.disabled_at.is_(None)
    )
    users: dict[int, Reader] = {u.id: u for u in uow.rows(query)}
    users.update((u.id, u) for u in uow.rows(author))
    return list(users.values())


def tell(
    uow: UnitOfWork, thread: Thread, users: Iterable[Reader], event: str, *, base_url: str
) -> None:
    """One in-app notice and, for those with an address, one e-mail per user."""
    people = {u.id: u for u in users}
    params = {
        "reference": thread.reference,
        "kind": thread.kind,
        "tlp": thread.tlp,
        "handling": thread.handling_code,
        "event": event,
    }
    notifications.notify(uow, people, f"exchange:{event}", params, link_of(thread))
    fields = {**params, "link": base_url.rstrip("/") + link_of(thread)}
    subject, body = EMAIL_SUBJECT.format(**fields), EMAIL_BODY.format(**fields)
    reference = f"exchange:thread:{thread.id}"
    enqueue_all(
        uow.session,
        [Email(u.email, subject, body, reference) for u in people.values() if u.email],
    )
