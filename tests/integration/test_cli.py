"""The command line as an operator uses it, on a temporary SQLite database."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interagency import migrations
from interagency.cli import app
from tests.support.live_server import free_port, wait_until_serving

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("INTERAGENCY_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    for forces_a_terminal in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(forces_a_terminal, raising=False)
    return url


def test_upgrade_then_add_and_list_a_state(database: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    current = runner.invoke(app, ["db", "current"])
    assert f"database: {migrations.head_revision()}" in current.output
    added = runner.invoke(
        app,
        [
            "states",
            "add",
            "kz",
            "kaz",
            "--name-ru",
            "Казахстан",
            "--name-en",
            "Kazakhstan",
            "--timezone",
            "Asia/Almaty",
        ],
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["states", "list"])
    assert "KZ/KAZ" in listed.output
    assert "Казахстан" in listed.output


def test_bad_input_says_what_to_fix(database: str) -> None:
    runner.invoke(app, ["db", "upgrade"])
    bad_code = runner.invoke(
        app,
        ["states", "add", "K1", "KAZ", "--name-ru", "К", "--name-en", "K", "--timezone", "UTC"],
    )
    assert bad_code.exit_code == 2
    assert "iso_alpha2" in bad_code.output
    bad_zone = runner.invoke(
        app,
        ["states", "add", "KZ", "KAZ", "--name-ru", "К", "--name-en", "K", "--timezone", "Mars/X"],
    )
    assert bad_zone.exit_code == 2
    assert "Mars/X" in bad_zone.output


def test_serve_refuses_an_old_schema(database: str) -> None:
    result = runner.invoke(app, ["serve", "--port", "8999"])
    assert result.exit_code == 1
    assert "interagency db upgrade" in result.output


def test_serve_says_clearly_when_the_port_is_taken(database: str) -> None:
    runner.invoke(app, ["db", "upgrade"])
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        port = occupant.getsockname()[1]
        result = runner.invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.output


def test_demo_without_serving_is_idempotent(database: str) -> None:
    first = runner.invoke(app, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "added now: 11 member states, 9 member agencies, 2 council bodies" in first.output
    # Roles by their names, whole: an id cut in two ("liaison_offi / cer") reads as noise.
    assert "Administrator" in first.output
    assert "liaison_off" not in first.output
    assert "…" not in first.output  # no role name cut short
    second = runner.invoke(app, ["demo", "--no-serve"])
    assert "added now: 0 member states" in second.output


def test_production_check_lists_the_problems(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERAGENCY_ENVIRONMENT", "production")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "INTERAGENCY_SECRET_KEY" in result.output
    assert "SQLite" in result.output


def test_xcheck_is_part_of_the_command_line_and_names_a_missing_column(tmp_path: Path) -> None:
    table = tmp_path / "a.csv"
    table.write_text("full_name,birth_date\nАбдуллаев Мухаммад,1987-03-11\n", encoding="utf-8")
    result = runner.invoke(app, ["xcheck", str(table), "--out", str(tmp_path / "out.csv")])
    assert result.exit_code == 2
    assert "id" in result.output
    assert not (tmp_path / "out.csv").exists()


def worker_processes(supervisor: int) -> list[str]:
    """Command lines of the supervisor's children that serve (not multiprocessing's helper)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    lines = [Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
             for pid in children]  # fmt: skip
    return [line for line in lines if "resource_tracker" not in line]


def test_serve_runs_the_number_of_worker_processes_asked_for(database: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    port = free_port()
    env = {**os.environ, "INTERAGENCY_KEY_DIR": str(tmp_path / "keys")}
    command = [sys.executable, "-m", "interagency", "serve", "--workers", "2", "--port", str(port)]
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
        try:
            wait_until_serving(f"http://127.0.0.1:{port}/health", server, log_path)
            assert len(worker_processes(server.pid)) == 2, log_path.read_text()
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_reindex_writes_the_demo_threads_index_again(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERAGENCY_KEY_DIR", str(tmp_path / "keys"))
    assert runner.invoke(app, ["demo", "--no-serve"]).exit_code == 0
    index = "select agency_id, term, message_id, thread_id, in_subject from exchange_index_terms"
    with sqlite3.connect(tmp_path / "cli.db") as db:
        as_posted = set(db.execute(index))
        threads = db.execute("select count(*) from exchange_threads").fetchone()[0]
        db.execute("delete from exchange_index_terms")
    assert as_posted
    assert threads

    result = runner.invoke(app, ["exchange", "reindex", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert f"{threads} threads, {len(as_posted)} terms" in result.output
    # Not a terminal: plain lines, the last one counting every thread, two at a time.
    assert f"reindex: {threads}/{threads} (100%), finished in" in result.output
    assert "\x1b" not in result.output
    with sqlite3.connect(tmp_path / "cli.db") as db:
        assert set(db.execute(index)) == as_posted
        audited = db.execute(
            "select actor_login, detail from audit_entries where action = 'exchange:index:rebuilt'"
        ).fetchall()
    assert len(audited) == 1
    assert audited[0][0].startswith("operator:")
    assert json.loads(audited[0][1]) == {"threads": threads, "terms": len(as_posted)}
