"""`interagency keys status|rotate`: the operator's view and rotation of encryption keys.

Rotation is audited as an operator action, like every change made at the server's
command line.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from interagency import audit
from interagency.identity.principals import operator
from interagency.terminal import console, container_or_exit, progress_of
from interagency.vault.services import key_status, rewrap_all, rotate_data_keys

keys_app = typer.Typer(
    help="Keys of encryption at rest: the master key and the agencies' data keys.",
    no_args_is_help=True,
)


@keys_app.command("status")
def status() -> None:
    """Show the current master key and each agency's data-key versions."""
    container = container_or_exit()
    provider = container.vault.provider
    current = provider.current_key_id()
    console.print(f"Master key {current} ({provider.describe()}).")
    with container.uow() as uow:
        agencies = key_status(uow.session)
    if not agencies:
        console.print("No agency has a data key yet: each gets one when it first seals content.")
        return
    table = Table("agency id", "current version", "versions", "wrapped under")
    stale = 0
    for row in agencies:
        others = [key_id for key_id in row.master_key_ids if key_id != current]
        stale += bool(others)
        wrapped = ", ".join("current" if k == current else k for k in row.master_key_ids)
        table.add_row(str(row.agency_id), str(row.current_version), str(row.versions), wrapped)
    console.print(table)
    if stale:
        console.print(
            f"{stale} agencies have data keys wrapped under an older master key: "
            "run `interagency keys rotate` to finish re-wrapping them."
        )


@keys_app.command("rotate")
def rotate(
    data_keys: Annotated[
        bool,
        typer.Option(
            "--data-keys",
            help="Give every agency a new data-key version instead of a new master key.",
        ),
    ] = False,
) -> None:
    """Rotate the master key (re-wrapping every data key), or with --data-keys the data keys.

    A master-key rotation can be run again after any interruption: it resumes with the
    same new key and loses nothing. The old master key file is kept, renamed as retired,
    until the operator has checked the backups and removes it."""
    container = container_or_exit()
    provider = container.vault.provider
    caller = operator()
    if data_keys:
        with container.uow() as uow:
            added = rotate_data_keys(uow.session, provider)
            audit.record(
                uow,
                caller.event(
                    "keys:data:rotated",
                    object_kind="agency_data_keys",
                    detail={"versions": {str(k): v for k, v in added.items()}},
                ),
            )
            uow.commit()
        console.print(
            f"New data-key versions for {len(added)} agencies; new content is sealed with "
            "them, older content still opens with its own version."
        )
        return
    old_id = provider.current_key_id()
    new_id = provider.begin_rotation()
    with container.uow() as uow, progress_of("keys rotate") as meter:
        rewrapped = rewrap_all(uow.session, provider, new_id, progress=meter.reached)
        audit.record(
            uow,
            caller.event(
                "keys:master:rotated",
                object_kind="master_key",
                object_ref=new_id,
                detail={"old_key_id": old_id, "new_key_id": new_id, "rewrapped": rewrapped},
            ),
        )
        uow.commit()
    retired = provider.finish_rotation()
    # Processes that wrapped a new agency's key with the old master key meanwhile.
    with container.uow() as uow:
        late = rewrap_all(uow.session, provider, new_id)
        uow.commit()
    console.print(
        f"Master key {new_id} is current; {rewrapped + late} data keys re-wrapped under it."
    )
    if retired:
        console.print(
            f"The old master key {retired} is kept beside the new one, marked as retired; "
            "remove it once the database backups made before now are no longer needed."
        )
