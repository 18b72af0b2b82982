"""`interagency channels detect`: channels in an analyst's file of interception reports.

Registered by the application's CLI as `app.add_typer(channels_app, name="channels")`.
"""

from __future__ import annotations

import csv
import secrets
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Final, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from interagency.channels.detection import ENGINES, Detection, detect
from interagency.channels.reading import Read, ReportsError, read_reports, write_rejects
from interagency.matching.cli import EngineOption
from interagency.matching.spark import SparkUnavailable

BAD_INPUT: Final = 2
ASSIGN_COLUMNS: Final = ("report_id", "channel_id")
EXPLAIN_COLUMNS: Final = ("report_id", "channel_id", "confidence", "why")

channels_app = typer.Typer(
    help="Smuggling channels found in interception reports.", no_args_is_help=True
)
_stderr = Console(stderr=True)


@channels_app.command("detect")
def detect_command(
    reports: Annotated[
        Path,
        typer.Argument(
            help="Interception reports (CSV in UTF-8, one report a row).",
            metavar="REPORTS.csv",
            dir_okay=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="ASSIGN.csv",
            help="CSV to write: report_id,channel_id, one row per report read, in the file's "
            "order; channel_id empty for a report in no channel.",
            dir_okay=False,
        ),
    ],
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            metavar="REJECTS.csv",
            help="Where the values set aside go (row,column,value,why); "
            "by default beside OUT: ASSIGN.rejects.csv.",
            dir_okay=False,
        ),
    ] = None,
    engine: EngineOption = "duckdb",
    seed: Annotated[
        int,
        typer.Option(
            "--seed", help="Seed of the community detection: the same seed, the same channels."
        ),
    ] = 7,
    explain: Annotated[
        Path | None,
        typer.Option(
            "--explain",
            metavar="EXPLAIN.csv",
            help="Also write report_id,channel_id,confidence,why: which links put each "
            "report in its channel.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Link the reports of all agencies into channels and write each report's channel. A
    value that cannot be used (a phone that is not one, an unknown country) is set aside
    and listed in the rejects file with its line and why; its report is kept when it
    still has an id, a reporting state and a date. A channel is a lead for analysts,
    never a finding about a person."""
    if engine not in ENGINES:
        raise typer.BadParameter(f"expected one of {', '.join(ENGINES)}", param_hint="--engine")
    rejects = rejects or rejects_path(out)
    read = _read(reports)
    try:
        found = detect(read.reports, engine=engine, seed=seed)
    except SparkUnavailable as error:
        _fail(str(error))
    # Written only once everything is found, each whole or not at all.
    _write_atomically(out, _csv_writer(ASSIGN_COLUMNS, _assignments(found)))
    if explain is not None:
        _write_atomically(explain, _csv_writer(EXPLAIN_COLUMNS, _explanations(found)))
    _write_atomically(rejects, lambda path: write_rejects(read.rejects, path))
    in_channels = sum(1 for channel in found.assignment.values() if channel is not None)
    _stderr.print(
        f"{len(read.reports)} reports read from {escape(reports.name)}; "
        f"{len(read.rejects)} values or rows set aside, listed in {escape(str(rejects))}",
        highlight=False,
        soft_wrap=True,
    )
    _stderr.print(
        f"{len(found.channels)} channels holding {in_channels} reports; "
        f"written to {escape(str(out))}",
        highlight=False,
        soft_wrap=True,
    )


def rejects_path(out: Path) -> Path:
    """Where the rejects go by default: beside OUT, assign.csv giving assign.rejects.csv."""
    return out.with_name(f"{out.stem}.rejects.csv")


def _read(path: Path) -> Read:
    try:
        return read_reports(path)
    except FileNotFoundError:
        _fail(f"{path}: no such file: give the path of the reports file")
    except IsADirectoryError:
        _fail(f"{path}: a folder, not a file: give the path of the reports file")
    except PermissionError:
        _fail(f"{path}: not allowed to read it: check its permissions")
    except UnicodeDecodeError:
        _fail(f"{path.name}: not UTF-8: save the file as CSV in UTF-8")
    except ReportsError as error:
        _fail(f"{path.name}: {error}")


def _assignments(found: Detection) -> Iterable[Sequence[str]]:
    for report_id, channel in found.assignment.items():
        yield report_id, channel or ""


def _explanations(found: Detection) -> Iterable[Sequence[str]]:
    confidence = {channel.id: channel.confidence for channel in found.channels}
    for report_id, channel in found.assignment.items():
        shown = f"{confidence[channel]:.3f}" if channel is not None else ""
        yield report_id, channel or "", shown, found.why[report_id]


def _csv_writer(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    return write


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write a temporary file beside `path`, then rename it over `path`: a reader never
    sees half a file, and a failure leaves the previous file as it was."""
    if not path.parent.is_dir():
        _fail(f"{path.parent}: no such folder: create it or write elsewhere")
    # A name of our own rather than mkstemp's, so that the file gets the permissions
    # the analyst's umask gives, as any file they write.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        write(temporary)
        temporary.replace(path)
    except PermissionError:
        temporary.unlink(missing_ok=True)
        _fail(f"{path}: not allowed to write it: check the folder's permissions")
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _fail(message: str) -> NoReturn:
    _stderr.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(BAD_INPUT)


__all__ = ["channels_app", "rejects_path"]
