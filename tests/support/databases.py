"""Database fixtures: every database test runs on SQLite and on PostgreSQL.

The schema is built once per database by the real migrations (`alembic upgrade head`);
each test then runs inside a transaction that is rolled back, so tests never see each
other's rows and services may commit freely (their commits release a savepoint).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from interagency import migrations
from interagency.bootstrap import Container, bootstrap
from interagency.config import Settings
from interagency.db import make_engine
from tests.support.postgres import postgres_server

TEST_SECRET = "test-secret-key-that-is-long-enough-for-tests"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards."""
    name = f"interagency_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def fresh_sqlite_database(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / f'{uuid.uuid4().hex[:12]}.db'}"


FreshDatabase = Callable[[], AbstractContextManager[str]]


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def fresh_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> FreshDatabase:
    """Makes empty databases of one kind; the suite runs once per kind."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("sqlite")
        return lambda: fresh_sqlite_database(folder)
    server = request.getfixturevalue("postgres_url")
    return lambda: fresh_postgres_database(server)


@pytest.fixture(scope="session")
def database_url(fresh_database: FreshDatabase) -> Iterator[str]:
    with fresh_database() as url:
        migrations.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@cache
def keys_folder() -> Path:
    """Key files and the audit witness file of the test run, outside the working tree."""
    folder = Path(tempfile.mkdtemp(prefix="interagency-test-keys-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def settings_for(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "key_dir": keys_folder(),
        "audit_witness_file": keys_folder() / "audit-witness.jsonl",
        "attachment_dir": keys_folder() / "attachments",
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "default_language": "en",
        "default_timezone": "Asia/Almaty",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def own_settings(database_url: str, folder: Path) -> Settings:
    """The settings of a platform on a database of its own (a migration test's): its keys
    and audit witness in `folder`, so that it can be started again on the same data."""
    return settings_for(database_url, key_dir=folder, audit_witness_file=folder / "witness.jsonl")


@contextmanager
def platform_at(settings: Settings) -> Iterator[Container]:
    """A platform on a database of its own (a migration test's), its pool closed after."""
    container = bootstrap(settings)
    try:
        yield container
    finally:
        container.engine.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture
def container(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> Container:
    return bootstrap(settings, engine=engine, session_factory=session_factory)
