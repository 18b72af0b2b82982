"""`interagency audit verify|sign`: check the chain, sign its head.

Exit codes of `verify`: 0 when the chain and every signed head are valid (entries not
yet witnessed are reported but are no fault), 1 when anything is broken.
"""

from __future__ import annotations

import typer

from interagency.audit.signing import sign_head
from interagency.audit.verify import VerifyReport, verify_chain
from interagency.terminal import console, container_or_exit

audit_app = typer.Typer(
    help="The audit trail: verify the chain, sign its head.", no_args_is_help=True
)


@audit_app.command("verify")
def verify() -> None:
    """Check every entry's hash and link and the signed heads; exit 1 if anything is broken."""
    container = container_or_exit()
    report = verify_chain(container.engine, container.settings)
    for line in describe(report):
        console.print(line)
    raise typer.Exit(0 if report.valid else 1)


@audit_app.command("sign")
def sign() -> None:
    """Sign the chain head now (no-op when signed already) and add it to the witness file."""
    container = container_or_exit()
    checkpoint = sign_head(container)
    if checkpoint is None:
        console.print("Nothing to sign: the chain is empty or its head is signed already.")
        return
    console.print(
        f"Signed the head at entry {checkpoint.seq} ({checkpoint.entry_hash[:16]}…) with key "
        f"{checkpoint.key_id[:16]}…; written to {container.settings.audit_witness_file}."
    )


def describe(report: VerifyReport) -> list[str]:
    """The report in sentences, the verdict last."""
    lines: list[str] = []
    if report.last_seq is None:
        lines.append("Checked 0 entries.")
    else:
        lines.append(f"Checked {report.entries} entries (1 to {report.last_seq}).")
    if report.last_witnessed_seq is None:
        lines.append("The witness file holds no signed head yet.")
    else:
        lines.append(f"Last witnessed head: entry {report.last_witnessed_seq}.")
    for problem in report.head_problems:
        lines.append(f"BAD SIGNED HEAD in {problem.source}: {problem.reason}.")
    if report.broken is not None:
        lines.append(f"BROKEN at entry {report.broken.seq}: {report.broken.reason}.")
        return lines
    unwitnessed = report.unwitnessed
    if unwitnessed is not None:
        first, last = unwitnessed
        lines.append(
            f"Entries {first} to {last} are not yet witnessed: "
            "they are checked, but nothing outside the database vouches for them yet."
        )
    lines.append("The audit chain is valid." if report.valid else "The audit chain is NOT valid.")
    return lines
