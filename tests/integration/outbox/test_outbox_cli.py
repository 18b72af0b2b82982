"""`interagency outbox send|list` as an operator runs them, on a temporary SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from interagency import migrations
from interagency.cli import app
from interagency.db import UnitOfWork, make_engine, make_session_factory
from interagency.outbox.services import enqueue
from tests.integration.outbox.conftest import SENDER, SmtpSink

runner = CliRunner()
BODY = "Тело уведомления: только ссылка и гриф."


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("INTERAGENCY_DATABASE_URL", url)
    monkeypatch.setenv("INTERAGENCY_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.chdir(tmp_path)
    migrations.upgrade(url)
    engine = make_engine(url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            for recipient in ("ivanov@fsb.demo.invalid", "nobody@fsb.demo.invalid"):
                enqueue(
                    uow.session,
                    recipient=recipient,
                    subject="Новый запрос (H1, TLP:GREEN)",
                    body=BODY,
                    reference="exchange:thread:7",
                )
            uow.commit()
    finally:
        engine.dispose()
    return url


def test_send_without_an_smtp_host_says_how_to_turn_email_on(database: str) -> None:
    result = runner.invoke(app, ["outbox", "send"])

    assert result.exit_code == 1
    assert "INTERAGENCY_SMTP_HOST" in result.output


def test_send_then_list_shows_each_outcome_without_bodies(
    database: str, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERAGENCY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INTERAGENCY_SMTP_PORT", str(smtp_sink.port))
    monkeypatch.setenv("INTERAGENCY_SMTP_STARTTLS", "false")
    monkeypatch.setenv("INTERAGENCY_MAIL_FROM", SENDER)
    smtp_sink.handler.refused.add("nobody@fsb.demo.invalid")

    sent = runner.invoke(app, ["outbox", "send"])
    listed = runner.invoke(app, ["outbox", "list"])
    only_failed = runner.invoke(app, ["outbox", "list", "--status", "failed"])

    assert sent.exit_code == 0, sent.output
    assert "Sent 1; 0 to retry later; 1 failed for good." in sent.output
    assert [r.rcpt_tos for r in smtp_sink.received] == [("ivanov@fsb.demo.invalid",)]
    assert listed.exit_code == 0, listed.output
    assert "ivanov@fsb.demo.invalid" in listed.output
    assert "#1  sent  attempts 1" in listed.output
    assert "#2  failed  attempts 1" in listed.output
    assert "last error: the relay refused the recipient" in listed.output
    assert "550" in listed.output
    assert BODY not in listed.output
    assert "ivanov@fsb.demo.invalid" not in only_failed.output
    assert "nobody@fsb.demo.invalid" in only_failed.output
