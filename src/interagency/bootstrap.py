"""The one place where settings, the engine and the services are wired together."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from interagency.config import Settings
from interagency.db import UnitOfWork, connected_as_owner, make_engine, make_session_factory
from interagency.egress.limits import bind_limits
from interagency.filestore import CommandScanner, FileStore, NoopScanner, Scanner
from interagency.vault import FileKeyProvider, Vault
from interagency.vault.columns import bind_vault

# Connections beyond the requests in flight: the audit signer at the head's interval
# and the audit entry of a refusal written after its transaction was rolled back.
SPARE_CONNECTIONS = 4


def most_connections(settings: Settings) -> int:
    """The pool's size for a server process. Every admitted request may hold a connection
    until its clean-up has run on a worker thread: with fewer connections than requests in
    flight, threads waiting for a connection and connections waiting for a thread would
    stall the process until the pool's timeout, then fail those requests."""
    return settings.web_max_in_flight + SPARE_CONNECTIONS


class StartupRefused(RuntimeError):
    """The configuration is unsafe for the mode it asks for; the message lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("refusing to start in production:\n- " + "\n- ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Container:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    vault: Vault
    file_store: FileStore

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.session_factory, read_only=read_only)


def bootstrap(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> Container:
    """Builds the container; in production, refuses any configuration listed as unsafe."""
    settings = settings or Settings()
    pool = most_connections(settings)
    engine = engine or make_engine(settings.database_url, most_connections=pool)
    if settings.is_production:
        problems = settings.production_problems()
        if not settings.uses_sqlite and connected_as_owner(engine):
            problems.append(
                "the database connection uses the owner's (or a superuser's) credentials; "
                "connect as the application role described in docs/operations.md"
            )
        if problems:
            raise StartupRefused(problems)
    vault = Vault(FileKeyProvider(settings.master_key_path))
    session_factory = session_factory or make_session_factory(engine)
    bind_vault(session_factory, vault)
    bind_limits(session_factory, settings.bulk_read_daily_limit)
    return Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        vault=vault,
        file_store=make_file_store(settings, vault),
    )


def make_file_store(settings: Settings, vault: Vault) -> FileStore:
    scanner: Scanner = NoopScanner()
    if settings.attachment_scan_command:
        scanner = CommandScanner(shlex.split(settings.attachment_scan_command))
    return FileStore(
        vault,
        settings.attachment_dir,
        max_bytes=settings.attachment_max_bytes,
        allowed_types=frozenset(settings.attachment_types),
        scanner=scanner,
        # A real scanner takes seconds: it runs as a background job, and the file stays
        # in quarantine until then. Without one, a file is passed as it is received.
        scan_on_receive=isinstance(scanner, NoopScanner),
    )
