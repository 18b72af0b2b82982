"""`interagency files collect|scan` on a temporary SQLite database with a real store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from typer.testing import CliRunner

from interagency.bootstrap import bootstrap
from interagency.cli import app
from interagency.config import Settings
from interagency.db import utcnow
from interagency.identity.models import Agency, AgencyKind
from tests.support.asynchronous import run_async

runner = CliRunner()
TEXT = b"Crossing points checked on 14 November.\n"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("INTERAGENCY_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'cli.db'}")  # type: ignore[call-arg]


async def _chunks() -> AsyncIterator[bytes]:
    yield TEXT


def test_collect_removes_only_old_unreferenced_files(database: Settings) -> None:
    container = bootstrap(database)
    with container.uow() as uow:
        agency = Agency(code="T-ONE", kind=AgencyKind.SECRETARIAT.value, name_ru="т", name_en="t")
        uow.session.add(agency)
        uow.session.flush()
        stored = run_async(
            container.file_store.receive(
                uow, _chunks(), agency_id=agency.id, filename="note.txt", declared_length=len(TEXT)
            )
        )
        path = container.file_store.path_of(agency.id, stored.sha256)
        uow.commit()
    assert path.exists()

    fresh = runner.invoke(app, ["files", "collect", "--older-than-hours", "1"])
    assert fresh.exit_code == 0
    assert "Removed 0" in fresh.output
    assert path.exists()

    with time_machine.travel(utcnow() + timedelta(hours=2)):
        old = runner.invoke(app, ["files", "collect", "--older-than-hours", "1"])
    assert old.exit_code == 0, old.output
    assert "Removed 1" in old.output
    assert not path.exists()


def test_scan_reports_what_it_found(database: Settings) -> None:
    scanned = runner.invoke(app, ["files", "scan"])
    assert scanned.exit_code == 0
    assert "0 quarantined" in scanned.output
