"""The blind index: keyed hashes of stemmed words, one set per agency that may search.

Each agency on a thread indexes its messages under its own index key, so a search term
of one agency matches nothing of another's; rows of a hidden thread are filtered out by
the visibility clause before ranking.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from interagency.db import UnitOfWork
from interagency.exchange.models import IndexTerm, Message, Thread
from interagency.exchange.sealing import open_body
from interagency.vault import Vault


def agencies_on(thread: Thread) -> set[int]:
    return {thread.originator_agency_id} | {r.agency_id for r in thread.recipients}


def index_text(
    uow: UnitOfWork,
    vault: Vault,
    thread: Thread,
    message: Message,
    text: str,
    agency_ids: Iterable[int],
    *,
    in_subject: bool = False,
) -> None:
    for agency_id in sorted(set(agency_ids)):
        for term in sorted(vault.index_terms(uow.session, agency_id, text)):
            uow.session.add(
                IndexTerm(
                    agency_id=agency_id,
                    term=term,
                    message_id=message.id,
                    thread_id=thread.id,
                    in_subject=in_subject,
                )
            )


def index_for_new_agency(
    uow: UnitOfWork, vault: Vault, thread: Thread, agency_id: int, subject: str
) -> None:
    """Makes a thread searchable for an agency added to it after it started."""
    existing = uow.session.scalar(
        select(IndexTerm.id).where(
            IndexTerm.thread_id == thread.id, IndexTerm.agency_id == agency_id
        )
    )
    if existing is not None:
        return
    messages = uow.session.scalars(
        select(Message).where(Message.thread_id == thread.id).order_by(Message.id)
    ).all()
    for number, message in enumerate(messages):
        if number == 0:
            index_text(uow, vault, thread, message, subject, [agency_id], in_subject=True)
        index_text(uow, vault, thread, message, open_body(uow, vault, message), [agency_id])
