"""An application container whose audit key and witness file live in the test's folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from interagency.bootstrap import Container, bootstrap
from interagency.config import Settings
from tests.support.databases import settings_for

SIGN_EVERY = 10


def audit_settings_for(database_url: str, folder: Path) -> Settings:
    return settings_for(
        database_url,
        key_dir=folder / "keys",
        audit_witness_file=folder / "witness" / "audit-witness.jsonl",
        audit_sign_every=SIGN_EVERY,
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
