"""`xcheck` as the application's CLI runs it: a subcommand of a group, for CliRunner."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from interagency.matching.cli import xcheck

app = typer.Typer()
app.command("xcheck")(xcheck)


@app.callback()
def _group() -> None:
    """Keeps xcheck a subcommand, as in the application's CLI."""


runner = CliRunner()
