"""Operators see the jobs and hand a dead one over again: an agency's administrators see
their agency's users' jobs and the platform's own, never another agency's; the command
line sees all. Nobody else sees them, and a refusal is audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient
from typer.testing import CliRunner

from interagency import migrations
from interagency.bootstrap import Container, bootstrap
from interagency.cli import app
from interagency.jobs import Job, enqueue
from interagency.web.app import create_app
from tests.support.audit_trail import audit_actions
from tests.support.databases import settings_for
from tests.support.identity import Council, csrf_token, sign_in


def _dead_jobs(container: Container, council: Council) -> dict[str, str]:
    """A dead job of a KZ user, of a RU user and of the platform, by public id."""
    made = {}
    with container.uow() as uow:
        for name, user in (("kz", "kz_liaison"), ("ru", "ru_liaison"), ("platform", None)):
            acting = council.users[user] if user else None
            job = enqueue(uow, "records.upload", 1, acting_user_id=acting)
            uow.write(
                update(Job).where(Job.id == job.id).values(state="dead", error="RuntimeError")
            )
            made[name] = job.public_id
        uow.commit()
    return made


def _client(container: Container, council: Council, login: str) -> TestClient:
    client = TestClient(create_app(container))
    assert sign_in(client, council, login).status_code == 303
    return client


def test_an_administrator_sees_and_retries_the_jobs_of_their_agency_only(
    container: Container, council: Council
) -> None:
    jobs = _dead_jobs(container, council)
    admin = _client(container, council, "ru_admin")
    page = admin.get("/jobs?state=dead")
    assert page.status_code == 200
    assert jobs["ru"][:10] in page.text
    assert jobs["platform"][:10] in page.text
    assert jobs["kz"][:10] not in page.text
    assert "RuntimeError" in page.text
    token = csrf_token(page.text)
    retried = admin.post(f"/jobs/{jobs['ru']}/retry", data={"csrf_token": token})
    assert retried.status_code == 200
    assert "waits for a worker again" in retried.text
    # Another agency's job is answered as one that does not exist.
    assert admin.post(f"/jobs/{jobs['kz']}/retry", data={"csrf_token": token}).status_code == 404
    with container.uow() as uow:
        states = {row[0]: row[1] for row in uow.session.execute(select(Job.public_id, Job.state))}
    assert states == {jobs["ru"]: "pending", jobs["kz"]: "dead", jobs["platform"]: "dead"}
    assert ("jobs:retry", "ok", "ru_admin") in audit_actions(container, "jobs:")


def test_other_roles_are_refused_and_the_refusal_is_audited(
    container: Container, council: Council
) -> None:
    _dead_jobs(container, council)
    liaison = _client(container, council, "ru_liaison")
    assert liaison.get("/jobs").status_code == 403
    assert "/jobs" not in liaison.get("/").text
    assert ("jobs:view", "denied", "ru_liaison") in audit_actions(container, "jobs:")


@pytest.fixture
def operator_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Container:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    monkeypatch.setenv("INTERAGENCY_DATABASE_URL", url)
    monkeypatch.setenv("INTERAGENCY_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.chdir(tmp_path)
    migrations.upgrade(url)
    return bootstrap(settings_for(url, key_dir=tmp_path / "keys"))


def test_the_command_line_lists_retries_runs_and_purges_every_job(
    operator_database: Container,
) -> None:
    container = operator_database
    with container.uow() as uow:
        dead = enqueue(uow, "audit.sign", None, acting_user_id=None)
        uow.write(update(Job).where(Job.id == dead.id).values(state="dead", error="OSError"))
        uow.commit()
    runner = CliRunner()
    listed = runner.invoke(app, ["jobs", "list", "--state", "dead"])
    assert listed.exit_code == 0, listed.output
    assert dead.public_id in listed.output
    assert "OSError" in listed.output
    refused = runner.invoke(app, ["jobs", "retry", "a" * 26])
    assert refused.exit_code == 2
    assert "no such job" in refused.output
    assert runner.invoke(app, ["jobs", "retry", dead.public_id]).exit_code == 0
    ran = runner.invoke(app, ["jobs", "run"])
    assert ran.exit_code == 0, ran.output
    assert "1 jobs run." in ran.output
    with container.uow() as uow:
        assert uow.session.scalar(select(Job.state).where(Job.id == dead.id)) == "done"
    kept = runner.invoke(app, ["jobs", "purge", "--days", "1"])
    assert "0 finished jobs deleted." in kept.output
    purged = runner.invoke(app, ["jobs", "purge", "--days", "0"])
    assert "1 finished jobs deleted." in purged.output
    with container.uow() as uow:
        assert uow.session.scalar(select(Job.id)) is None
    container.engine.dispose()


def test_the_daily_purge_deletes_jobs_done_a_month_ago_and_keeps_the_dead(
    container: Container,
) -> None:
    from datetime import timedelta

    from interagency.background import run_pending
    from interagency.db import utcnow

    now = utcnow()
    ages = {"old_done": ("done", 31), "new_done": ("done", 29), "old_dead": ("dead", 31)}
    ids = {}
    with container.uow() as uow:
        for name, (state, days) in ages.items():
            job = enqueue(uow, "audit.sign", None, acting_user_id=None)
            finished = now - timedelta(days=days)
            uow.write(update(Job).where(Job.id == job.id).values(state=state, finished_at=finished))
            ids[name] = job.id
        enqueue(uow, "jobs.purge", None, acting_user_id=None)
        uow.commit()
    assert run_pending(container) == 1
    with container.uow() as uow:
        left = set(uow.session.scalars(select(Job.id).where(Job.id.in_(ids.values()))))
    assert left == {ids["new_done"], ids["old_dead"]}
