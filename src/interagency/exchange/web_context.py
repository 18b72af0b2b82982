"""What the exchange's pages and API need besides the services.

The `Context` built from the container, and the few small reads the pages show around
a thread (the navigation badge, an open inspection's end), which audit nothing because
they reveal only the caller's own metadata.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import distinct, func, select

from interagency.bootstrap import Container
from interagency.db import UnitOfWork, utcnow
from interagency.exchange import listing
from interagency.exchange.models import InboxEntry, Inspection
from interagency.exchange.policy import OVERSIGHT_ROLES, SENDERS, Action
from interagency.exchange.services import Context
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
    counted among those the user may see; None for users who have no exchange.

    Read on every page: only the rows still waiting for an acknowledgement are visited."""
    if not uses_exchange(principal):
        return None
    waiting = select(InboxEntry.thread_id).where(
        listing.granted_to(principal, Action.READ_METADATA), InboxEntry.unacknowledged
    )
    query = select(func.count(distinct(waiting.subquery().c.thread_id)))
    parameters = listing.reader_parameters(principal, utcnow())
    return int(uow.session.scalar(query, parameters) or 0)


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
