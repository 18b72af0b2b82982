"""`interagency records rescreen`: the daily sweep of hits, then the cross-check of the
records that wait for it (`records.maintenance`). Run daily: by cron, a systemd timer or
a scheduled job."""

from __future__ import annotations

import typer

from interagency.identity.principals import operator
from interagency.records.maintenance import rescreen as rescreen_records
from interagency.terminal import console, container_or_exit, progress_of

records_app = typer.Typer(help="Shared records: the operator's maintenance.", no_args_is_help=True)


@records_app.command("rescreen")
def rescreen() -> None:
    """Expire the hits the safeguards no longer allow, then cross-check every record that
    waits for its cross-check."""
    container = container_or_exit()
    with progress_of("rescreen") as meter:
        outcome = rescreen_records(container.uow, container.vault, operator(), meter.reached)
    console.print(f"{outcome.expired} hits expired (withdrawn, or past a review date).")
    console.print(
        f"{outcome.waited} records waited: {outcome.screened} cross-checked, "
        f"{outcome.hits} hits, {outcome.still_waiting} still wait "
        "(screened three times in the last day)."
    )
