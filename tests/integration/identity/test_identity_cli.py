"""The operator's command line: agencies and users, with clear errors and audited changes."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from interagency import migrations
from interagency.audit.models import AuditEntry
from interagency.cli import app
from interagency.db import make_engine

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("INTERAGENCY_DATABASE_URL", url)
    monkeypatch.setenv("INTERAGENCY_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.chdir(tmp_path)
    migrations.upgrade(url)
    assert (
        runner.invoke(
            app,
            [
                "states",
                "add",
                "KZ",
                "KAZ",
                "--name-ru",
                "Казахстан",
                "--name-en",
                "Kazakhstan",
                "--timezone",
                "Asia/Almaty",
            ],
        ).exit_code
        == 0
    )
    return url


def add_agency() -> None:
    added = runner.invoke(
        app,
        [
            "agencies",
            "add",
            "KZ-KNB",
            "--state",
            "KZ",
            "--name-ru",
            "КНБ",
            "--name-en",
            "NSC",
            "--desk",
            "CT|Противодействие терроризму|Counter-terrorism",
        ],
    )
    assert added.exit_code == 0, added.output


def test_the_first_administrator_is_added_from_the_command_line(database: str) -> None:
    add_agency()
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "abenov",
            "--name",
            "Ерлан Абенов",
            "--agency",
            "kz-knb",
            "--desk",
            "CT",
            "--role",
            "administrator",
        ],
        input="a long enough password\na long enough password\n",
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["users", "list"])
    assert "abenov" in listed.output
    assert "administrator" in listed.output
    disabled = runner.invoke(app, ["users", "disable", "abenov", "--reason", "left"])
    assert disabled.exit_code == 0
    assert runner.invoke(app, ["users", "reset-2fa", "abenov"]).exit_code == 0
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0
    assert "The audit chain is valid." in verified.output
    engine = make_engine(database)
    with engine.connect() as connection:
        actors = set(connection.scalars(select(AuditEntry.actor_login)))
    engine.dispose()
    assert actors == {f"operator:{getpass.getuser()}"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["agencies", "add", "KZ-X", "--name-ru", "x", "--name-en", "x"],
            "needs the ISO code of its member state",
        ),
        (
            ["agencies", "add", "KZ-X", "--state", "QQ", "--name-ru", "x", "--name-en", "x"],
            "No member state has the code QQ",
        ),
        (
            [
                "agencies",
                "add",
                "KZ-X",
                "--state",
                "KZ",
                "--name-ru",
                "x",
                "--name-en",
                "x",
                "--desk",
                "CT only",
            ],
            "CODE|name in Russian|name in English",
        ),
        (
            [
                "users",
                "add",
                "x",
                "--name",
                "X",
                "--agency",
                "KZ-KNB",
                "--desk",
                "CT",
                "--role",
                "analyst",
                "--password",
                "a long enough password",
            ],
            "login",
        ),
        (
            [
                "users",
                "add",
                "ivanov",
                "--name",
                "X",
                "--agency",
                "KZ-KNB",
                "--desk",
                "NOPE",
                "--role",
                "analyst",
                "--password",
                "a long enough password",
            ],
            "has no desk NOPE",
        ),
        (
            [
                "users",
                "add",
                "ivanov",
                "--name",
                "X",
                "--agency",
                "KZ-KNB",
                "--desk",
                "CT",
                "--role",
                "neutrality_reviewer",
                "--password",
                "a long enough password",
            ],
            "does not belong",
        ),
        (["users", "disable", "nobody", "--reason", "x"], "No user has the login nobody"),
    ],
)
def test_bad_input_exits_2_and_says_what_to_fix(
    database: str, arguments: list[str], message: str
) -> None:
    add_agency()
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert message in result.output
