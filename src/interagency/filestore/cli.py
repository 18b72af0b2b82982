"""`interagency files scan|collect`: the operator's upkeep of the attachment store.

`scan` passes quarantined files through the scanner (new files are scanned on arrival;
this catches those whose scan failed or was deferred). `collect` deletes uploads that no
attachment refers to, such as those of a request that failed after the upload.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from interagency.errors import DomainError
from interagency.terminal import console, container_or_exit, refused

files_app = typer.Typer(help="Upkeep of the attachment store.", no_args_is_help=True)


@files_app.command("scan")
def scan(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Files to scan at most.")] = 100,
) -> None:
    """Scan quarantined files; clean ones are released, refused ones never served."""
    container = container_or_exit()
    with container.uow() as uow:
        try:
            counts = container.file_store.scan_pending(uow, limit)
        except DomainError as exc:
            raise refused(exc) from None
        uow.commit()
    console.print(
        ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
        or "Nothing waited for a scan."
    )


@files_app.command("collect")
def collect(
    older_than_hours: Annotated[
        int, typer.Option(min=1, help="Only files unreferenced for at least this long.")
    ] = 24,
) -> None:
    """Delete stored files that no attachment refers to."""
    container = container_or_exit()
    with container.uow() as uow:
        removed = container.file_store.collect_unreferenced(uow, timedelta(hours=older_than_hours))
        uow.commit()
    console.print(f"Removed {removed} unreferenced files.")
