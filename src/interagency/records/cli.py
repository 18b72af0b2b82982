"""`interagency records rescreen`: the daily sweep of hits, then the cross-check of the
records that wait for it (`records.maintenance`). Run daily: by cron, a systemd timer or
a scheduled job. `interagency records index-names`: the names' blind index, once after
the upgrade that brought the search by name; `interagency records index-screening`: the
screening service's candidate keys, once after the upgrade that brought the service."""

from __future__ import annotations

import typer

from interagency.identity.principals import operator
from interagency.records import name_index, screened
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
    console.print(
        f"{outcome.subjects_deleted} screened subjects deleted (retention ended, no hit)."
    )


@records_app.command("index-names")
def index_names() -> None:
    """Index the names of every live person record for the search by name: once after
    the upgrade that brought the search (records stored since are indexed as saved)."""
    container = container_or_exit()
    with container.uow() as uow:
        count = name_index.index_all(uow, container.vault)
        uow.commit()
    console.print(f"{count} person records indexed for the search by name.")


@records_app.command("index-screening")
def index_screening() -> None:
    """Write the screening keys and sealed features of every record, so that other
    agencies' screenings find it and compare it without opening it: once after the
    upgrades that brought the screening service and the features (records saved since
    are keyed as saved)."""
    container = container_or_exit()
    with container.uow() as uow:
        count = screened.index_all(uow, container.vault)
        uow.commit()
    console.print(f"{count} records keyed for screening.")
