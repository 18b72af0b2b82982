"""A user's relations to a thread, on one loaded thread and as SQL over every thread.

Both read the same policy table: `relations_of` feeds `policy.effect_of` when one thread
is opened, and `listable` turns the table into a WHERE clause for lists, searches and
counts, so that a thread the user may not see never reaches a total, a page or a snippet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Protocol

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, exists, false, or_, select

from interagency.db import UTCDateTime, utcnow
from interagency.exchange.models import Inspection, Recipient, Thread
from interagency.exchange.policy import Action, Relation, allowed_tlps
from interagency.identity.policy import Principal


class RecipientParty(Protocol):
    @property
    def agency_id(self) -> int: ...
    @property
    def desk_id(self) -> int | None: ...
    @property
    def user_id(self) -> int | None: ...


class ThreadParties(Protocol):
    """Who is on a thread: a loaded `Thread`, or a row of a list read as plain columns."""

    @property
    def author_id(self) -> int: ...
    @property
    def originator_agency_id(self) -> int: ...
    @property
    def originator_desk_id(self) -> int | None: ...
    @property
    def recipients(self) -> Sequence[RecipientParty]: ...


def relations_of(
    principal: Principal, thread: ThreadParties, *, inspecting: bool = False
) -> frozenset[Relation]:
    found: set[Relation] = set()
    if thread.author_id == principal.user_id:
        found.add(Relation.AUTHOR)
    if thread.originator_desk_id is not None and thread.originator_desk_id in principal.desk_ids:
        found.add(Relation.ORIGINATOR_DESK)
    if thread.originator_agency_id == principal.agency_id:
        found.add(Relation.ORIGINATOR_AGENCY)
    for recipient in thread.recipients:
        if recipient.agency_id != principal.agency_id:
            continue
        found.add(Relation.RECIPIENT_AGENCY)
        if recipient.user_id == principal.user_id or (
            recipient.desk_id is not None and recipient.desk_id in principal.desk_ids
        ):
            found.add(Relation.NAMED_RECIPIENT)
    if inspecting:
        found.add(Relation.INSPECTING)
    return frozenset(found)


def _relation_clause(
    principal: Principal, relation: Relation, now: BindParameter[datetime]
) -> ColumnElement[bool]:
    mine = Recipient.thread_id == Thread.id
    if relation is Relation.AUTHOR:
        return Thread.author_id == principal.user_id
    if relation is Relation.ORIGINATOR_DESK:
        if not principal.desk_ids:
            return false()
        return Thread.originator_desk_id.in_(sorted(principal.desk_ids))
    if relation is Relation.ORIGINATOR_AGENCY:
        return Thread.originator_agency_id == principal.agency_id
    if relation is Relation.RECIPIENT_AGENCY:
        return exists(select(Recipient.id).where(mine, Recipient.agency_id == principal.agency_id))
    if relation is Relation.NAMED_RECIPIENT:
        named = Recipient.user_id == principal.user_id
        if principal.desk_ids:
            named = or_(named, Recipient.desk_id.in_(sorted(principal.desk_ids)))
        return exists(
            select(Recipient.id).where(mine, Recipient.agency_id == principal.agency_id, named)
        )
    return exists(
        select(Inspection.id).where(
            Inspection.thread_id == Thread.id,
            Inspection.user_id == principal.user_id,
            Inspection.expires_at > now,
        )
    )


@lru_cache(maxsize=4096)
def listable(principal: Principal, action: Action) -> ColumnElement[bool]:
    """Threads on which the policy grants `action` to the principal, as a WHERE clause.

    Every list of every request needs it, and building the expression costs more than
    running it, so it is built once per principal and action; the moment an inspection
    is compared with is taken when the statement runs."""
    now = bindparam("visible_at", type_=UTCDateTime(), callable_=utcnow)
    clauses = []
    for relation in Relation:
        tlps = allowed_tlps(action, relation, principal.roles)
        if tlps:
            clauses.append(
                and_(
                    _relation_clause(principal, relation, now),
                    Thread.tlp.in_(sorted(t.value for t in tlps)),
                )
            )
    return or_(*clauses) if clauses else false()
