"""What the exchange's pages and API need besides the services.

The `Context` built from the container, and the few small reads the pages show around
a thread (the navigation badge, an open inspection's end), which audit nothing because
they reveal only the caller's own metadata.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select

from interagency.bootstrap import Container
from interagency.db import UnitOfWork, utcnow
from interagency.exchange.codes import Status
from interagency.exchange.models import Inspection, Recipient, Thread
from interagency.exchange.policy import OVERSIGHT_ROLES, SENDERS, Action
from interagency.exchange.services import Context
from interagency.exchange.visibility import listable
from interagency.identity.policy import Principal

# Those who exchange, and those who oversee the exchange from its metadata.
EXCHANGE_ROLES = SENDERS | OVERSIGHT_ROLES


def exchange_context(container: Container) -> Context:
    return Context(
        vault=container.vault,
        default_zone=container.settings.default_timezone,
        base_url=container.settings.base_url,
    )


def uses_exchange(principal: Principal | None) -> bool:
    return principal is not None and not EXCHANGE_ROLES.isdisjoint(principal.roles)


def new_incoming(uow: UnitOfWork, principal: Principal) -> int | None:
    """Open threads addressed to the user's agency that nobody there has acknowledged yet,
    counted among those the user may see; None for users who have no exchange."""
    if not uses_exchange(principal):
        return None
    waiting = exists(
        select(Recipient.id).where(
            Recipient.thread_id == Thread.id,
            Recipient.agency_id == principal.agency_id,
            Recipient.status == Status.NEW.value,
        )
    )
    query = (
        select(func.count())
        .select_from(Thread)
        .where(listable(principal, Action.READ_METADATA), waiting, Thread.closed_at.is_(None))
    )
    return int(uow.session.scalar(query) or 0)


# The badge beside the exchange's link in every page's navigation, read by `base.html`.
SHELL_COUNTS = {"exchange_new": new_incoming}


def inspection_until(uow: UnitOfWork, user_id: int, thread_id: int) -> datetime | None:
    """When the user's running inspection of the thread ends, if one runs."""
    return uow.session.scalar(
        select(func.max(Inspection.expires_at)).where(
            Inspection.thread_id == thread_id,
            Inspection.user_id == user_id,
            Inspection.expires_at > utcnow(),
        )
    )
