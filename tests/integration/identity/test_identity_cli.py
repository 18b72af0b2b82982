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


FIRST_SUPERVISOR = [
    "users",
    "add",
    "abenov",
    "--name",
    "Ерлан Абенов",
    "--agency",
    "kz-knb",
    "--desk",
    "CT",
    "--personnel-number",
    "KZ-0001",
    "--first-supervisor",
]


def test_an_agencys_first_supervisor_comes_from_the_command_line_once(database: str) -> None:
    add_agency()
    added = runner.invoke(app, FIRST_SUPERVISOR)
    assert added.exit_code == 0, added.output
    link = added.output.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8000/enrol/")
    again = runner.invoke(
        app,
        [
            *FIRST_SUPERVISOR[:2],
            "abenov2",
            *FIRST_SUPERVISOR[3:10],
            "KZ-0002",
            "--first-supervisor",
        ],
    )
    assert again.exit_code == 2
    assert "has a supervisor already" in again.output
    listed = runner.invoke(app, ["users", "list"])
    assert "abenov" in listed.output
    assert "supervisor" in listed.output

    # Every other account is only proposed: it waits for the supervisor.
    proposed = runner.invoke(
        app,
        ["users", "add", "serikov", "--name", "Серик Сериков", "--agency", "KZ-KNB",
         "--desk", "CT", "--role", "administrator", "--personnel-number", "KZ-0003",
         "--reason", "The agency's first administrator"],
    )  # fmt: skip
    assert proposed.exit_code == 0, proposed.output
    assert "waits for the approval of a supervisor of KZ-KNB" in proposed.output
    assert "pending" in runner.invoke(app, ["users", "list"]).output
    reset = runner.invoke(app, ["users", "reset", "abenov", "--reason", "Phone lost abroad"])
    assert reset.exit_code == 0, reset.output
    disabled = runner.invoke(app, ["users", "disable", "abenov", "--reason", "left"])
    assert disabled.exit_code == 0
    # With its supervisor disabled, the agency can be given one again (and is told).
    assert (
        runner.invoke(
            app,
            [
                *FIRST_SUPERVISOR[:2],
                "abenov2",
                *FIRST_SUPERVISOR[3:10],
                "KZ-0002",
                "--first-supervisor",
            ],
        ).exit_code
        == 0
    )
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0
    assert "The audit chain is valid." in verified.output
    engine = make_engine(database)
    with engine.connect() as connection:
        actors = set(connection.scalars(select(AuditEntry.actor_login)))
        actions = set(connection.scalars(select(AuditEntry.action)))
    engine.dispose()
    assert actors == {f"operator:{getpass.getuser()}"}
    assert "identity:user:first-supervisor" in actions


def test_the_operator_cannot_set_a_password_or_give_a_role_directly(database: str) -> None:
    add_agency()
    with_password = runner.invoke(app, [*FIRST_SUPERVISOR, "--password", "a long enough one"])
    assert with_password.exit_code == 2
    assert "No such option" in with_password.output
    assert runner.invoke(app, FIRST_SUPERVISOR).exit_code == 0
    for command in (
        ["users", "set-email", "abenov", "x@y.demo.invalid"],
        ["users", "reset-2fa", "abenov"],
    ):
        assert runner.invoke(app, command).exit_code == 2


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
                "--personnel-number",
                "KZ-9",
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
                "--personnel-number",
                "KZ-9",
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
                "--personnel-number",
                "KZ-9",
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
