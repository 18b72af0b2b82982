"""An application container whose audit key and witness file live in the test's folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from interagency.audit import attach_signer
from interagency.bootstrap import Container, bootstrap
from interagency.config import Settings
from tests.support.databases import settings_for

# Small, so that a test reaches it; tests that sign by hand use a container that never does.
SIGN_EVERY = 10
NEVER = 1_000_000


def audit_settings_for(database_url: str, folder: Path, sign_every: int = NEVER) -> Settings:
    return settings_for(
        database_url,
        key_dir=folder / "keys",
        audit_witness_file=folder / "witness" / "audit-witness.jsonl",
        audit_sign_every=sign_every,
    )


@pytest.fixture
def audit_settings(database_url: str, tmp_path: Path) -> Settings:
    return audit_settings_for(database_url, tmp_path)


@pytest.fixture
def audit_container(
    audit_settings: Settings,
    engine: Engine,
    session_factory: sessionmaker[Session],
    connection: Connection,
) -> Container:
    return bootstrap(audit_settings, engine=engine, session_factory=session_factory)


@pytest.fixture
def signing_container(
    database_url: str,
    tmp_path: Path,
    engine: Engine,
    session_factory: sessionmaker[Session],
    connection: Connection,
) -> Container:
    """Signs the head after every SIGN_EVERY committed entries."""
    settings = audit_settings_for(database_url, tmp_path, sign_every=SIGN_EVERY)
    container = bootstrap(settings, engine=engine, session_factory=session_factory)
    attach_signer(container)
    return container
