"""`interagency records rescreen`: the daily sweep of hits, then the cross-check of the
records that wait for it.

The sweep expires, for both sides alike, the hits that a change withdrew and the hits
whose pair the safeguards no longer allow (a record past its review date). A record waits
for its cross-check when it was changed more often in a day than it may be screened, or
when a bulk upload stored it but its batch cross-check did not finish. Run daily (cron or
a systemd timer); each record is screened as if changed now, within the same daily limit.
"""

from __future__ import annotations

import typer
from sqlalchemy import select

from interagency.identity.principals import operator
from interagency.records import crosscheck, movement
from interagency.records.models import Record
from interagency.terminal import console, container_or_exit

records_app = typer.Typer(help="Shared records: the operator's maintenance.", no_args_is_help=True)


@records_app.command("rescreen")
def rescreen() -> None:
    """Expire the hits the safeguards no longer allow, then cross-check every record that
    waits for its cross-check."""
    container = container_or_exit()
    with container.uow() as uow:
        expired = movement.sweep(uow, operator())
        uow.commit()
    console.print(f"{len(expired)} hits expired (withdrawn, or past a review date).")
    with container.uow() as uow:
        waiting = list(
            uow.session.scalars(
                select(Record.id)
                .where(Record.screen_pending.is_(True), Record.erased_at.is_(None))
                .order_by(Record.id)
            )
        )
    screened = hits = still = 0
    for record_id in waiting:
        with container.uow() as uow:
            record = uow.session.get(Record, record_id)
            if record is None:
                continue
            outcome = crosscheck.screen(uow, operator(), container.vault, record)
            uow.commit()
        screened += outcome.screened
        still += outcome.deferred
        hits += len(outcome.hits)
    console.print(
        f"{len(waiting)} records waited: {screened} cross-checked, {hits} hits, "
        f"{still} still wait (screened three times in the last day)."
    )
