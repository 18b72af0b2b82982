"""`interagency audit verify|sign` as an operator runs them, on a SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interagency import migrations
from interagency.audit import AuditEvent, record
from interagency.bootstrap import bootstrap
from interagency.cli import app
from interagency.config import Settings

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit.db"
    monkeypatch.setenv("INTERAGENCY_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("INTERAGENCY_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("INTERAGENCY_AUDIT_WITNESS_FILE", str(tmp_path / "witness.jsonl"))
    monkeypatch.setenv("INTERAGENCY_AUDIT_SIGN_EVERY", "100")
    monkeypatch.chdir(tmp_path)
    migrations.upgrade(f"sqlite:///{path}")
    container = bootstrap(Settings())
    for number in range(25):
        with container.uow() as uow:
            record(uow, AuditEvent(action="test:cli", detail={"n": number}))
            uow.commit()
    container.engine.dispose()
    return path


def test_verify_reports_valid_and_what_is_not_yet_witnessed(database: Path) -> None:
    signed = runner.invoke(app, ["audit", "sign"])
    assert signed.exit_code == 0
    assert "entry 25" in signed.output
    assert "Nothing to sign" in runner.invoke(app, ["audit", "sign"]).output
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0
    assert "The audit chain is valid." in result.output


def test_verify_names_the_first_missing_entry_of_a_removed_tail(database: Path) -> None:
    assert runner.invoke(app, ["audit", "sign"]).exit_code == 0
    with sqlite3.connect(database) as connection:
        connection.execute("DROP TRIGGER audit_entries_append_only_DELETE")
        connection.execute("DROP TRIGGER audit_checkpoints_append_only_DELETE")
        connection.execute("DELETE FROM audit_entries WHERE seq >= 20")
        connection.execute("DELETE FROM audit_checkpoints")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry 20" in result.output
    assert "entries 20 to 25 were removed" in result.output
