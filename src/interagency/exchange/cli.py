"""`interagency exchange reindex`: the search index written again from sealed content."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select

from interagency import audit
from interagency.exchange.indexing import rebuild_thread_index
from interagency.exchange.models import Thread
from interagency.identity.principals import operator
from interagency.terminal import console, container_or_exit, progress_of

exchange_app = typer.Typer(help="Exchange between member agencies.", no_args_is_help=True)


@exchange_app.command("reindex")
def reindex(
    batch: Annotated[int, typer.Option(help="Threads rebuilt per transaction.", min=1)] = 200,
) -> None:
    """Rebuild every thread's search index from its sealed subject and messages.

    For an index written by an earlier release that stemmed words wrongly (see the
    upgrade notes in docs/operations.md). The server may keep running; an interrupted
    run loses nothing and can be started again."""
    container = container_or_exit()
    with container.uow() as uow:
        thread_ids = list(uow.session.scalars(select(Thread.id).order_by(Thread.id)))
    terms = 0
    with progress_of("reindex", len(thread_ids)) as meter:
        for start in range(0, len(thread_ids), batch):
            chunk = thread_ids[start : start + batch]
            with container.uow() as uow:
                for thread_id in chunk:
                    terms += rebuild_thread_index(uow, container.vault, thread_id)
                uow.commit()
            meter.advance(len(chunk))
    with container.uow() as uow:
        audit.record(
            uow,
            operator().event(
                "exchange:index:rebuilt",
                object_kind="exchange_index",
                detail={"threads": len(thread_ids), "terms": terms},
            ),
        )
        uow.commit()
    console.print(f"Search index rebuilt: {len(thread_ids)} threads, {terms} terms.")
