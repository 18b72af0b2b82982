"""`interagency keys status|rotate`: what the operator sees and does, audited."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from interagency import migrations
from interagency.audit.models import AuditEntry
from interagency.bootstrap import bootstrap
from interagency.cli import app
from interagency.config import Settings
from interagency.identity.models import Agency
from interagency.vault import FileKeyProvider
from interagency.vault import sealed as formats

runner = CliRunner()


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    monkeypatch.setenv("INTERAGENCY_DATABASE_URL", url)
    monkeypatch.setenv("INTERAGENCY_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.chdir(tmp_path)
    for forces_a_terminal in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(forces_a_terminal, raising=False)
    migrations.upgrade(url)
    for command in (
        ["states", "add", "KZ", "KAZ", "--name-ru", "Казахстан", "--name-en", "Kazakhstan",
         "--timezone", "Asia/Almaty"],
        ["agencies", "add", "KZ-KNB", "--state", "KZ", "--name-ru", "КНБ", "--name-en", "NSC"],
    ):  # fmt: skip
        assert runner.invoke(app, command).exit_code == 0
    return tmp_path / "keys"


def seal(text: str) -> tuple[int, bytes]:
    container = bootstrap(Settings(_env_file=None))
    with container.uow() as uow:
        agency_id = uow.session.scalars(select(Agency.id)).one()
        box = container.vault.seal_text(uow.session, agency_id, text, context="note")
        uow.commit()
    container.engine.dispose()
    return agency_id, box


def open_sealed(agency_id: int, box: bytes) -> str:
    container = bootstrap(Settings(_env_file=None))
    with container.uow() as uow:
        text = container.vault.open_text(uow.session, agency_id, box, context="note")
    container.engine.dispose()
    return text


def audit_entries(action: str) -> list[tuple[str | None, object]]:
    """(actor, detail) of each audit entry with the action."""
    container = bootstrap(Settings(_env_file=None))
    with container.uow() as uow:
        rows = uow.session.execute(
            select(AuditEntry.actor_login, AuditEntry.detail).where(AuditEntry.action == action)
        ).all()
    container.engine.dispose()
    return [(actor, json.loads(detail)) for actor, detail in rows]


def test_status_before_any_content_says_keys_come_on_first_use(keys: Path) -> None:
    result = runner.invoke(app, ["keys", "status"])
    assert result.exit_code == 0, result.output
    assert "No agency has a data key yet" in result.output
    assert (keys / "vault-master.key").exists()


def test_master_key_rotation_rewraps_and_keeps_content_readable(keys: Path) -> None:
    agency_id, box = seal("Источник «Беркут» сообщает")
    old_id = FileKeyProvider(keys / "vault-master.key").current_key_id()

    result = runner.invoke(app, ["keys", "rotate"])

    assert result.exit_code == 0, result.output
    new_id = FileKeyProvider(keys / "vault-master.key").current_key_id()
    assert new_id != old_id
    assert f"Master key {new_id} is current; 1 data keys re-wrapped" in result.output
    # Not a terminal: plain lines, the last one counting the one agency's data key.
    assert "keys rotate: 1/1 (100%), finished in" in result.output
    assert "\x1b" not in result.output
    assert (keys / f"vault-master.retired-{old_id}.key").exists()
    assert open_sealed(agency_id, box) == "Источник «Беркут» сообщает"
    status = runner.invoke(app, ["keys", "status"])
    assert f"Master key {new_id}" in status.output
    assert "older master key" not in status.output
    assert audit_entries("keys:master:rotated") == [
        (
            f"operator:{getpass.getuser()}",
            {"old_key_id": old_id, "new_key_id": new_id, "rewrapped": 1},
        )
    ]


def test_an_interrupted_master_key_rotation_resumes_with_the_same_new_key(keys: Path) -> None:
    agency_id, box = seal("текст")
    # A rotation that stopped after making its new key.
    pending = FileKeyProvider(keys / "vault-master.key").begin_rotation()

    result = runner.invoke(app, ["keys", "rotate"])

    assert result.exit_code == 0, result.output
    assert FileKeyProvider(keys / "vault-master.key").current_key_id() == pending
    assert open_sealed(agency_id, box) == "текст"


def test_data_key_rotation_gives_every_agency_a_new_version(keys: Path) -> None:
    agency_id, old = seal("old")

    result = runner.invoke(app, ["keys", "rotate", "--data-keys"])

    assert result.exit_code == 0, result.output
    assert "New data-key versions for 1 agencies" in result.output
    _, new = seal("new")
    assert formats.value_key_version(old) == 1
    assert formats.value_key_version(new) == 2
    assert open_sealed(agency_id, old) == "old"
    assert audit_entries("keys:data:rotated") == [
        (f"operator:{getpass.getuser()}", {"versions": {str(agency_id): 2}})
    ]
