"""Schema migrations (Alembic). The application never calls `create_all`: this is the only way
a schema comes to exist, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from interagency.vault import Vault

MIGRATIONS_DIR = Path(__file__).parent


def alembic_config(
    database_url: str, connection: Connection | None = None, vault: Vault | None = None
) -> Config:
    """`vault` seals and opens what a migration moves between plain and sealed columns;
    without it, migrations use the key file the settings name, as the server does."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Percent signs in passwords would otherwise be read as interpolation.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    if vault is not None:
        config.attributes["vault"] = vault
    return config


def upgrade(
    database_url: str,
    revision: str = "head",
    connection: Connection | None = None,
    vault: Vault | None = None,
) -> None:
    command.upgrade(alembic_config(database_url, connection, vault), revision)


def downgrade(
    database_url: str,
    revision: str,
    connection: Connection | None = None,
    vault: Vault | None = None,
) -> None:
    command.downgrade(alembic_config(database_url, connection, vault), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
