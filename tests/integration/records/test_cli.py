"""`interagency records rescreen` cross-checks the records that wait, once;
`interagency records index-screening` keys the records for the screening service."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, func, select, update
from typer.testing import CliRunner

from interagency.cli import app
from interagency.identity.models import Notification
from interagency.records.models import Hit, Record
from interagency.screening.models import SubjectKey

runner = CliRunner()


@pytest.fixture
def demo_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo on SQLite, which the commands run against; their output plain text."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("INTERAGENCY_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    for forces_a_terminal in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(forces_a_terminal, raising=False)
    assert runner.invoke(app, ["demo", "--no-serve"]).exit_code == 0
    return url


def test_rescreen_cross_checks_the_waiting_records_without_announcing_old_hits(
    demo_url: str,
) -> None:
    engine = create_engine(demo_url)
    with engine.begin() as connection:
        hits = connection.scalar(select(func.count()).select_from(Hit))
        notices = connection.scalar(select(func.count()).select_from(Notification))
        # The demo's second record found the first when it was entered.
        connection.execute(update(Record).where(Record.id == 2).values(screen_pending=True))

    result = runner.invoke(app, ["records", "rescreen"])

    assert result.exit_code == 0, result.output
    assert "1 records waited: 1 cross-checked, 1 hits" in result.output
    # Not a terminal: plain lines, the last one counting the one record that waited.
    assert "rescreen: 1/1 (100%), finished in" in result.output
    assert "\x1b" not in result.output
    with engine.begin() as connection:
        assert connection.scalar(select(func.count()).select_from(Hit)) == hits
        assert connection.scalar(select(func.count()).select_from(Notification)) == notices
        waiting = connection.scalar(select(func.count()).where(Record.screen_pending.is_(True)))
    assert waiting == 0
    engine.dispose()


def test_index_screening_keys_the_records_an_upgrade_left_without_keys(demo_url: str) -> None:
    engine = create_engine(demo_url)
    with engine.begin() as connection:
        keyed = set(connection.execute(select(SubjectKey.term, SubjectKey.subject_id)).all())
        live = connection.scalar(
            select(func.count()).select_from(Record).where(Record.erased_at.is_(None))
        )
        # As the migration leaves them: subjects, and no keys yet.
        connection.execute(delete(SubjectKey))

    result = runner.invoke(app, ["records", "index-screening"])

    assert result.exit_code == 0, result.output
    assert f"{live} records keyed for screening." in result.output
    with engine.begin() as connection:
        again = set(connection.execute(select(SubjectKey.term, SubjectKey.subject_id)).all())
    assert keyed
    assert again == keyed
    engine.dispose()
