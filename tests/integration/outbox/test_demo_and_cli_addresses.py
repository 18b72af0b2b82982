"""Addresses of the demo users (all under the reserved .invalid domain, so no demo e-mail
can reach a real mailbox) and the operator's `users add --email` and `users set-email`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from interagency import migrations
from interagency.bootstrap import Container
from interagency.cli import app
from interagency.db import UnitOfWork, make_engine, make_session_factory
from interagency.demo import load_demo
from interagency.identity.models import User

runner = CliRunner()


def test_every_demo_user_has_an_address_under_the_invalid_domain(container: Container) -> None:
    load_demo(container)

    with container.uow() as uow:
        rows = uow.session.execute(select(User.login, User.email)).all()
    addresses = {row.login: row.email for row in rows}

    assert addresses["ivanov"] == "ivanov@fsb.demo.invalid"
    assert addresses["nurlanov"] == "nurlanov@knb.demo.invalid"
    assert all(email is not None for email in addresses.values())
    assert all(str(email).endswith(".demo.invalid") for email in addresses.values())


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("INTERAGENCY_DATABASE_URL", url)
    monkeypatch.setenv("INTERAGENCY_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.chdir(tmp_path)
    migrations.upgrade(url)
    state = ["states", "add", "KZ", "KAZ", "--name-ru", "Казахстан", "--name-en", "Kazakhstan"]
    agency = ["agencies", "add", "KZ-KNB", "--kind", "member_agency", "--state", "KZ"]
    for command in (
        [*state, "--timezone", "Asia/Almaty"],
        [*agency, "--name-ru", "КНБ", "--name-en", "NSC", "--desk", "CT|КТ|CT"],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    return url


def email_in(url: str, login: str) -> str | None:
    engine = make_engine(url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            return uow.session.scalar(select(User.email).where(User.login == login))
    finally:
        engine.dispose()


def test_the_operators_account_carries_a_checked_address(database: str) -> None:
    user = ["users", "add", "serikov", "--name", "Серик Сериков", "--agency", "KZ-KNB"]
    user += ["--desk", "CT", "--personnel-number", "KZ-1001", "--first-supervisor"]

    bad_add = runner.invoke(app, [*user, "--email", "serikov(at)knb"])
    added = runner.invoke(app, [*user, "--email", "Serikov@KNB.demo.invalid"])

    assert bad_add.exit_code == 2
    assert "email" in bad_add.output
    assert added.exit_code == 0, added.output
    assert email_in(database, "serikov") == "Serikov@knb.demo.invalid"
