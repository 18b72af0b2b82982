"""What every command of the command line shares: its consoles, failing with a message,
a container that refuses to start in an unsafe production configuration, and the progress
of long commands (`progress_of`, from `interagency.progress`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console

from interagency import audit
from interagency.bootstrap import Container, StartupRefused, bootstrap
from interagency.config import Settings
from interagency.db import UnitOfWork
from interagency.errors import DomainError
from interagency.progress import Meter as Meter
from interagency.progress import progress_of as progress_of

# Exit code of a command whose input was wrong: nothing was changed.
BAD_INPUT = 2

console = Console(soft_wrap=True, highlight=False)
errors = Console(stderr=True, soft_wrap=True, highlight=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Prints the error; the caller raises what is returned, with the exit code."""
    errors.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def container_or_exit(settings: Settings | None = None) -> Container:
    try:
        return bootstrap(settings)
    except StartupRefused as unsafe:
        raise fail(str(unsafe)) from None


def invalid(exc: ValidationError) -> typer.Exit:
    """Every field that failed validation, and why, as one line."""
    problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return fail(problems, BAD_INPUT)


def refused(exc: DomainError) -> typer.Exit:
    return fail(exc.message.format(**exc.params), BAD_INPUT)


@contextmanager
def change() -> Iterator[UnitOfWork]:
    """One unit of work for a command: committed when it succeeds, and a domain error
    becomes exit code 2 with the message that says what to fix (a refusal is audited once
    the command's work is rolled back)."""
    container = container_or_exit()
    try:
        with container.uow() as uow:
            yield uow
            uow.commit()
    except DomainError as exc:
        record_refusal(container, exc)
        raise refused(exc) from None


def record_refusal(container: Container, exc: DomainError) -> None:
    event = audit.refusal_of(exc)
    if event is not None:
        with container.uow() as uow:
            audit.record_refused(uow, event)
            uow.commit()
