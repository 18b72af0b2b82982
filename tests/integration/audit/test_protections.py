"""The audit tables refuse changes: triggers stop even the owner, and on PostgreSQL the
application role set up as docs/operations.md says has no right to try."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from interagency import migrations
from interagency.audit import AuditEvent, erase_personal_data, record, sign_head
from interagency.bootstrap import Container
from interagency.db import UnitOfWork, make_engine, make_session_factory
from interagency.identity.models import Agency
from interagency.vault import FileKeyProvider, Vault
from interagency.vault.columns import bind_vault
from tests.integration.audit.chain_helpers import append_entries

CHANGES = {
    "update": "UPDATE audit_entries SET action = 'x'",
    "delete": "DELETE FROM audit_entries",
    "update checkpoints": "UPDATE audit_checkpoints SET seq = seq + 1",
    "delete personal": "DELETE FROM audit_personal",
    "unerase personal": "UPDATE audit_personal SET data_sealed = "
    "(SELECT data_sealed FROM audit_personal WHERE data_sealed IS NOT NULL LIMIT 1) "
    "WHERE data_sealed IS NULL",
}


def refused(connection: Connection, statement: str) -> str:
    """Runs `statement` in a savepoint and returns the database's refusal."""
    savepoint = connection.begin_nested()
    try:
        connection.execute(text(statement))
    except DBAPIError as exc:
        savepoint.rollback()
        return str(exc.orig)
    savepoint.rollback()
    raise AssertionError(f"the database accepted: {statement}")


@pytest.mark.parametrize("statement", CHANGES.values(), ids=CHANGES.keys())
def test_triggers_stop_changes_even_by_the_owner(
    audit_container: Container, connection: Connection, statement: str
) -> None:
    append_entries(audit_container, 3, personal_every=1)
    sign_head(audit_container)
    with audit_container.uow() as uow:
        erase_personal_data(uow, 1, "test")
        uow.commit()
    assert "append-only" in refused(connection, statement)


def test_the_owner_cannot_truncate_on_postgresql(
    audit_container: Container, connection: Connection
) -> None:
    append_entries(audit_container, 1)
    if connection.dialect.name != "postgresql":
        # SQLite has no TRUNCATE; its DELETE trigger covers "DELETE FROM" (tested above).
        assert "append-only" in refused(connection, "DELETE FROM audit_entries")
        return
    for statement in (
        "TRUNCATE audit_entries, audit_personal",  # the foreign key wants both at once
        "TRUNCATE audit_personal",
        "TRUNCATE audit_checkpoints",
    ):
        assert "append-only" in refused(connection, statement)


APP_ROLE_REFUSED = (
    "UPDATE audit_entries SET seq = seq",
    "DELETE FROM audit_entries",
    "TRUNCATE audit_entries",
    "UPDATE audit_checkpoints SET seq = seq",
    "DELETE FROM audit_checkpoints",
    "TRUNCATE audit_checkpoints",
    "DELETE FROM audit_personal",
    "TRUNCATE audit_personal",
)


# The set-up of docs/operations.md, "PostgreSQL deployment", with this test's names.
def operations_guide_setup(owner: str, app: str) -> list[str]:
    return [
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f'GRANT USAGE ON SCHEMA public TO "{app}"',
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public'
        f' GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app}"',
        f'ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA public'
        f' GRANT USAGE, SELECT ON SEQUENCES TO "{app}"',
    ]


@contextmanager
def deployment(server_url: str) -> Iterator[tuple[str, str]]:
    """A database owned by an owner role, migrated by it, and an application role."""
    suffix = uuid.uuid4().hex[:8]
    owner, app, database = f"owner_{suffix}", f"app_{suffix}", f"audit_{suffix}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    url = make_url(server_url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE ROLE "{owner}" LOGIN'))
            connection.execute(text(f'CREATE ROLE "{app}" LOGIN'))
            connection.execute(text(f'CREATE DATABASE "{database}" OWNER "{owner}"'))
        in_database = create_engine(
            url.set(database=database).render_as_string(hide_password=False),
            isolation_level="AUTOCOMMIT",
        )
        with in_database.connect() as connection:
            for statement in operations_guide_setup(owner, app):
                connection.execute(text(statement))
        in_database.dispose()
        owner_url = url.set(database=database, username=owner)
        migrations.upgrade(owner_url.render_as_string(hide_password=False))
        app_url = url.set(database=database, username=app)
        yield (
            owner_url.render_as_string(hide_password=False),
            app_url.render_as_string(hide_password=False),
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{app}"'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
        admin.dispose()


def app_sessions(engine: Engine, key_dir: Path) -> sessionmaker[Session]:
    """Sessions that seal as the server's do; the secretariat's key seals what no agency's
    user did."""
    factory = make_session_factory(engine)
    bind_vault(factory, Vault(FileKeyProvider(key_dir / "vault.key")))
    with UnitOfWork(factory) as uow:
        if uow.session.scalar(select(Agency.id)) is None:
            uow.session.add(Agency(code="SEC", kind="secretariat", name_ru="С", name_en="S"))
            uow.commit()
    return factory


def record_one(sessions: sessionmaker[Session], personal: dict[str, object] | None = None) -> int:
    with UnitOfWork(sessions) as uow:
        record(uow, AuditEvent(action="test:app", personal=personal))
        uow.commit()
    with UnitOfWork(sessions) as uow:
        return int(uow.session.execute(text("SELECT max(seq) FROM audit_entries")).scalar_one())


@pytest.mark.postgres
def test_the_application_role_can_append_and_erase_but_not_change(
    postgres_url: str, tmp_path: Path
) -> None:
    with deployment(postgres_url) as (owner_url, app_url):
        app_engine = make_engine(app_url)
        try:
            sessions = app_sessions(app_engine, tmp_path)
            assert record_one(sessions, personal={"name": "A"}) == 1
            with UnitOfWork(sessions) as uow:
                erase_personal_data(uow, 1, "test")
                uow.commit()
            with app_engine.connect() as connection:
                for statement in APP_ROLE_REFUSED:
                    assert "permission denied" in refused(connection, statement)
                # Not the owner, so it cannot lift the triggers either.
                assert "must be owner" in refused(
                    connection, "ALTER TABLE audit_entries DISABLE TRIGGER USER"
                )
        finally:
            app_engine.dispose()
        owner_engine = make_engine(owner_url)
        try:
            with owner_engine.connect() as connection:
                # The owner keeps the rights, yet the trigger stops it.
                assert "append-only" in refused(connection, "UPDATE audit_entries SET seq = seq")
        finally:
            owner_engine.dispose()
