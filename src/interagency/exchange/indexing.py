"""The blind index: keyed hashes of stemmed words, one set per agency that may search.

Each agency on a thread indexes its messages under its own index key, so a search term
of one agency matches nothing of another's; rows of a hidden thread are filtered out by
the visibility clause before ranking.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import delete, func, insert, select

from interagency.db import UnitOfWork
from interagency.exchange.models import IndexTerm, Message, Thread
from interagency.exchange.sealing import open_body, open_subject
from interagency.vault import Vault


def agencies_on(thread: Thread) -> set[int]:
    return {thread.originator_agency_id} | {r.agency_id for r in thread.recipients}


def index_message(
    uow: UnitOfWork,
    vault: Vault,
    thread: Thread,
    message: Message,
    body: str,
    agency_ids: Iterable[int],
    *,
    subject: str | None = None,
) -> None:
    """One row per agency and distinct term of the message (and of the thread's subject).

    The rows, about a hundred a message, are written with one plain insert: as ORM
    objects they cost more than the rest of the message together.
    """
    rows = []
    for agency_id in sorted(set(agency_ids)):
        in_subject = vault.index_terms(uow.session, agency_id, subject) if subject else set()
        terms = in_subject | vault.index_terms(uow.session, agency_id, body)
        rows += [
            {
                "agency_id": agency_id,
                "term": term,
                "message_id": message.id,
                "thread_id": thread.id,
                "in_subject": term in in_subject,
            }
            for term in sorted(terms)
        ]
    if rows:
        uow.write(insert(IndexTerm), rows)


def index_for_new_agency(
    uow: UnitOfWork, vault: Vault, thread: Thread, agency_id: int, subject: str
) -> None:
    """Makes a thread searchable for an agency added to it after it started."""
    existing = uow.session.scalar(
        select(IndexTerm.id).where(
            IndexTerm.thread_id == thread.id, IndexTerm.agency_id == agency_id
        )
    )
    if existing is None:
        _index_thread(uow, vault, thread, [agency_id], subject)


def rebuild_thread_index(uow: UnitOfWork, vault: Vault, thread_id: int) -> int:
    """Writes a thread's index again from its sealed content, whatever rows it held before;
    returns the number of rows written.

    The thread's row is locked first, as posting to it does, so that a message posted
    meanwhile is indexed either before the rebuild or after it, never twice.
    """
    thread = uow.session.get(Thread, thread_id, with_for_update=True)
    if thread is None:
        return 0
    uow.write(delete(IndexTerm).where(IndexTerm.thread_id == thread.id))
    _index_thread(uow, vault, thread, agencies_on(thread), open_subject(uow, vault, thread))
    return (
        uow.session.scalar(
            select(func.count()).select_from(IndexTerm).where(IndexTerm.thread_id == thread.id)
        )
        or 0
    )


def _index_thread(
    uow: UnitOfWork, vault: Vault, thread: Thread, agency_ids: Collection[int], subject: str
) -> None:
    messages = uow.session.scalars(
        select(Message).where(Message.thread_id == thread.id).order_by(Message.id)
    ).all()
    for number, message in enumerate(messages):
        index_message(
            uow, vault, thread, message, open_body(uow, vault, message), agency_ids,
            subject=subject if number == 0 else None,
        )  # fmt: skip
