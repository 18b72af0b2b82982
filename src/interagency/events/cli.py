"""`interagency events index-lessons`: the lessons' blind index written again from their
sealed titles and texts, once after the upgrade that brought the search across scripts
(the migration cannot open the vault; lessons written since are indexed as written)."""

from __future__ import annotations

import typer

from interagency import audit
from interagency.events import lessons
from interagency.identity.principals import operator
from interagency.terminal import console, container_or_exit

events_app = typer.Typer(help="Major events: the operator's maintenance.", no_args_is_help=True)


@events_app.command("index-lessons")
def index_lessons() -> None:
    """Index every lesson's title and text again, so that its names are found in any
    script. The server may keep running; running it again changes nothing."""
    container = container_or_exit()
    with container.uow() as uow:
        count = lessons.index_all(uow)
        audit.record(
            uow,
            operator().event(
                "events:lesson:reindexed",
                object_kind=lessons.LESSON,
                detail={"lessons": count},
            ),
        )
        uow.commit()
    console.print(f"{count} lessons indexed for the search across scripts.")
