"""Command line: serve, demo, db, states, check, xcheck. Calls the same services as the web."""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from interagency import migrations
from interagency.audit.cli import audit_app
from interagency.bootstrap import Container, bootstrap
from interagency.channels.cli import channels_app
from interagency.config import Settings
from interagency.events.cli import events_app
from interagency.exchange.cli import exchange_app
from interagency.filestore.cli import files_app
from interagency.identity import services as identity
from interagency.identity.cli import agencies_app, users_app
from interagency.identity.schemas import MemberStateIn
from interagency.matching.cli import xcheck
from interagency.outbox.cli import outbox_app
from interagency.records.cli import records_app
from interagency.terminal import change, console, container_or_exit, fail, invalid
from interagency.vault.cli import keys_app
from interagency.worker import jobs_app, worker

# prctl(2): the signal a process gets when its parent ends.
PR_SET_PDEATHSIG = 1

app = typer.Typer(
    help="Interagency: secure cooperation platform of the council.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
states_app = typer.Typer(help="Member states of the council.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(states_app, name="states")
app.add_typer(audit_app, name="audit")
app.add_typer(agencies_app, name="agencies")
app.add_typer(users_app, name="users")
app.add_typer(outbox_app, name="outbox")
app.add_typer(exchange_app, name="exchange")
app.add_typer(keys_app, name="keys")
app.add_typer(files_app, name="files")
app.add_typer(records_app, name="records")
app.add_typer(events_app, name="events")
app.add_typer(jobs_app, name="jobs")
app.add_typer(channels_app, name="channels")
app.command("worker")(worker)
app.command("xcheck")(xcheck)


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def ensure_schema_is_current(container: Container) -> None:
    current = migrations.current_revision(container.engine)
    head = migrations.head_revision()
    if current != head:
        raise fail(
            f"the database schema is at {current or 'nothing'}, the code expects {head}: "
            "run `interagency db upgrade` first"
        )


def run_server(container: Container, host: str, port: int) -> None:
    """Serves the container's application, in `web_workers` processes when more than one.

    Several processes need an import path rather than an application object: each
    builds its own from the same environment (`app_from_environment`)."""
    import uvicorn

    from interagency.web.app import create_app

    if not port_is_free(host, port):
        raise fail(
            f"port {port} on {host} is already in use: stop the program using it "
            f"or choose another port (make demo PORT=8001, or interagency serve --port 8001)"
        )
    settings = container.settings
    workers = settings.web_workers
    if workers > 1:
        container.engine.dispose()  # this process only supervises the workers
    uvicorn.run(
        create_app(container) if workers == 1 else "interagency.web.app:app_from_environment",
        factory=workers > 1,
        workers=workers,
        host=host,
        port=port,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
        ssl_certfile=settings.tls_certfile,
        ssl_keyfile=settings.tls_keyfile,
        server_header=False,
        log_level="info",
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Server processes (default: INTERAGENCY_WEB_WORKERS, else 1); each keeps "
            "an equal share of the API rate limits.",
            min=1,
            max=64,
        ),
    ] = None,
) -> None:
    """Serve the web pages and the JSON API."""
    if workers is not None:
        # Through the environment, so that the worker processes read the same settings.
        os.environ["INTERAGENCY_WEB_WORKERS"] = str(workers)
    container = container_or_exit()
    ensure_schema_is_current(container)
    run_server(container, host, port)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the server after loading.")
    ] = True,
) -> None:
    """Migrate the database, load the demo council (idempotent) and serve it."""
    from interagency.demo import load_demo

    # One process: the demo's settings (demo mode) are not in the environment.
    settings = Settings(demo_mode=True, web_workers=1)
    if settings.is_production:
        raise fail("the demo refuses to run with INTERAGENCY_ENVIRONMENT=production")
    if serve_after and not port_is_free(host, port):
        raise fail(
            f"port {port} on {host} is already in use: stop the program using it "
            f"or choose another port (make demo PORT=8001)"
        )
    container = container_or_exit(settings)
    migrations.upgrade(settings.database_url)
    summary = load_demo(container)
    added = ", ".join(f"{count} {what}" for what, count in summary.added.items())
    console.print(f"Demo council ready in {settings.database_url} (added now: {added}).")
    if summary.logins:
        # Light borders leave the roles room for whole words on an 80-column terminal.
        table = Table(title="Demo logins (made-up people)", box=box.SIMPLE_HEAD)
        table.add_column("login", no_wrap=True)
        table.add_column("agency", no_wrap=True)
        table.add_column("roles", ratio=1, min_width=len("Administrator"))
        # The secret must print whole, whatever the terminal's width: it is typed by hand.
        table.add_column("TOTP secret", no_wrap=True, min_width=32)
        for entry in summary.logins:
            table.add_row(entry.login, entry.agency, entry.roles, entry.totp_secret)
        console.print(table)
        console.print(
            f"Every demo user's password is [bold]{summary.password}[/]. Add the TOTP secret "
            "to an authenticator app, or read the current code with "
            "`interagency users demo-code LOGIN`."
        )
    if serve_after:
        console.print(
            f"Serving on http://{host}:{port}, with a background worker (Ctrl+C stops both)"
        )
        with background_worker():
            run_server(container, host, port)


@contextmanager
def background_worker() -> Iterator[None]:
    """A worker process beside the demo's server: uploads, scans and e-mail need one.
    Ctrl+C reaches both (one process group); the worker is also stopped if the server
    ends another way."""
    command = [sys.executable, "-m", "interagency", "worker"]
    # The command is this interpreter and this package, never input.
    process = subprocess.Popen(command, preexec_fn=_stop_with_parent)  # noqa: S603
    try:
        yield
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _stop_with_parent() -> None:
    """In the worker, before it starts: on Linux, it is asked to stop (SIGINT) when the
    demo that started it ends, even if the demo was killed and could not ask."""
    # Elsewhere than on Linux there is no prctl: the demo's own clean-up stops the worker.
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGINT)


@app.command()
def check() -> None:
    """Check the configuration as production would, without starting anything."""
    settings = Settings()
    problems = settings.production_problems()
    if settings.is_production:
        container_or_exit(settings)
    if problems:
        for problem in problems:
            console.print(f"- {problem}", highlight=False)
        raise typer.Exit(1)
    console.print("The configuration is fit for production.")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    settings = Settings()
    migrations.upgrade(settings.database_url, revision)
    console.print(f"Database at {migrations.current_revision(bootstrap(settings).engine)}.")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision or 'base'.")],
) -> None:
    """Undo migrations down to REVISION."""
    settings = Settings()
    migrations.downgrade(settings.database_url, revision)
    console.print(f"Database at {migrations.current_revision(bootstrap(settings).engine)}.")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision and the code's newest one."""
    container = container_or_exit()
    current = migrations.current_revision(container.engine)
    console.print(f"database: {current or 'empty'}; code: {migrations.head_revision()}")


@states_app.command("list")
def states_list() -> None:
    """List the member states."""
    container = container_or_exit()
    with container.uow() as uow:
        rows = identity.list_member_states(uow)
    table = Table("ISO", "name (ru)", "name (en)", "time zone")
    for row in rows:
        table.add_row(f"{row.iso_alpha2}/{row.iso_alpha3}", row.name_ru, row.name_en, row.timezone)
    console.print(table)


@states_app.command("add")
def states_add(
    iso_alpha2: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-2 code, e.g. KZ")],
    iso_alpha3: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-3 code, e.g. KAZ")],
    name_ru: Annotated[str, typer.Option(help="Name in Russian.")],
    name_en: Annotated[str, typer.Option(help="Name in English.")],
    timezone: Annotated[str, typer.Option(help="IANA time zone of the capital.")],
) -> None:
    """Add a member state."""
    from pydantic import ValidationError

    try:
        data = MemberStateIn(
            iso_alpha2=iso_alpha2.upper(),
            iso_alpha3=iso_alpha3.upper(),
            name_ru=name_ru,
            name_en=name_en,
            timezone=timezone,
        )
    except ValidationError as exc:
        raise invalid(exc) from None
    with change() as uow:
        identity.add_member_state(uow, data)
    console.print(f"Added {data.name_en}.")
