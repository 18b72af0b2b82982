"""Running a job: one worker at a time, a failure retried and then dead, a refusal dead at
once and audited, the user's rights read again when the job starts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from interagency.bootstrap import Container
from interagency.db import utcnow
from interagency.identity.models import User
from interagency.jobs import Job, JobState, enqueue
from interagency.jobs.kinds import JobKind, Run
from interagency.jobs.runner import PLATFORM, JobFailed, execute
from tests.support.audit_trail import audit_actions
from tests.support.identity import Council


class Calls:
    def __init__(self) -> None:
        self.runs: list[Run] = []
        self.fail_with: Exception | None = None

    def __call__(self, run: Run) -> None:
        self.runs.append(run)
        if self.fail_with is not None:
            raise self.fail_with


def _job(container: Container, acting_user_id: int | None = None, subject_id: int = 7) -> int:
    with container.uow() as uow:
        job = enqueue(uow, "test.kind", subject_id, acting_user_id=acting_user_id)
        uow.commit()
        return job.id


def _state(container: Container, job_id: int) -> tuple[str, int, str | None]:
    with container.uow() as uow:
        job = uow.session.get(Job, job_id)
        assert job is not None
        return job.state, job.attempts, job.error


def test_a_job_runs_once_however_often_it_is_handed_over(
    container: Container, council: Council
) -> None:
    calls = Calls()
    kinds = {"test.kind": JobKind("test.kind", calls)}
    job_id = _job(container, council.users["kz_liaison"])
    assert execute(container, kinds, job_id, last_attempt=False) is JobState.DONE
    assert execute(container, kinds, job_id, last_attempt=False) is None
    assert len(calls.runs) == 1
    run = calls.runs[0]
    assert run.subject_id == 7
    assert run.caller.principal is not None
    assert run.caller.principal.user_id == council.users["kz_liaison"]
    assert _state(container, job_id) == ("done", 1, None)


def test_a_failure_is_retried_then_dead_and_says_only_its_class(container: Container) -> None:
    calls = Calls()
    calls.fail_with = RuntimeError("Гусейнов Рашад, 14.03.1985")  # content in a message
    kinds = {"test.kind": JobKind("test.kind", calls)}
    job_id = _job(container)
    with pytest.raises(JobFailed) as raised:
        execute(container, kinds, job_id, last_attempt=False)
    assert "Гусейнов" not in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__
    assert _state(container, job_id) == ("retrying", 1, "RuntimeError")
    assert execute(container, kinds, job_id, last_attempt=True) is JobState.DEAD
    assert _state(container, job_id) == ("dead", 2, "RuntimeError")
    assert calls.runs[0].caller.label == PLATFORM


def test_a_disabled_users_job_is_refused_dead_and_audited(
    container: Container, council: Council
) -> None:
    from interagency.records.uploads import require_uploader

    def needs_rights(run: Run) -> None:
        with run.uow() as uow:
            require_uploader(uow, run.caller)

    kinds = {"test.kind": JobKind("test.kind", needs_rights)}
    user_id = council.users["kz_liaison"]
    job_id = _job(container, user_id)
    with container.uow() as uow:
        uow.write(update(User).where(User.id == user_id).values(disabled_at=utcnow()))
        uow.commit()
    assert execute(container, kinds, job_id, last_attempt=False) is JobState.DEAD
    assert _state(container, job_id) == ("dead", 1, "Forbidden")
    refused = [(action, outcome) for action, outcome, _ in audit_actions(container, "records:")]
    assert ("records:create", "denied") in refused


def test_a_job_held_by_a_live_worker_is_not_taken_but_a_dead_workers_is(
    container: Container,
) -> None:
    calls = Calls()
    kinds = {"test.kind": JobKind("test.kind", calls)}
    job_id = _job(container)
    with container.uow() as uow:
        uow.write(
            update(Job)
            .where(Job.id == job_id)
            .values(state="running", attempts=1, lease_until=utcnow() + timedelta(minutes=1))
        )
        uow.commit()
    assert execute(container, kinds, job_id, last_attempt=False) is None
    with container.uow() as uow:
        uow.write(
            update(Job).where(Job.id == job_id).values(lease_until=utcnow() - timedelta(seconds=1))
        )
        uow.commit()
    assert execute(container, kinds, job_id, last_attempt=False) is JobState.DONE
    assert _state(container, job_id) == ("done", 2, None)


def test_a_job_that_took_down_every_worker_it_was_given_to_is_dead(container: Container) -> None:
    calls = Calls()
    kinds = {"test.kind": JobKind("test.kind", calls)}
    job_id = _job(container)
    most = container.settings.jobs_retries + 1
    with container.uow() as uow:
        uow.write(
            update(Job)
            .where(Job.id == job_id)
            .values(state="running", attempts=most, lease_until=utcnow() - timedelta(seconds=1))
        )
        uow.commit()
    assert execute(container, kinds, job_id, last_attempt=False) is None
    assert calls.runs == []
    assert _state(container, job_id) == ("dead", most, "Interrupted")


def test_an_unknown_kind_is_dead_not_retried(container: Container) -> None:
    job_id = _job(container)
    assert execute(container, {}, job_id, last_attempt=False) is JobState.DEAD
    with container.uow() as uow:
        assert uow.session.scalar(select(Job.error).where(Job.id == job_id)) == "UnknownKind"


def test_a_run_another_worker_took_over_stops_at_its_next_report(container: Container) -> None:
    """A worker starved past its lease finds its claim taken: it stops, records nothing."""
    reached: list[str] = []
    job_id = _job(container)

    def taken_over_midway(run: Run) -> None:
        run.report("storing", 1, 3)
        with container.uow() as uow:  # another worker claims the job, as the relay allows
            uow.write(update(Job).where(Job.id == job_id).values(attempts=Job.attempts + 1))
            uow.commit()
        reached.append("first step")
        run.report("cross-checking", 2, 3)
        reached.append("second step")

    kinds = {"test.kind": JobKind("test.kind", taken_over_midway)}
    assert execute(container, kinds, job_id, last_attempt=False) is None
    assert reached == ["first step"]
    with container.uow() as uow:
        job = uow.session.get(Job, job_id)
        assert job is not None
        # Left as the other worker holds it: running, its attempt, the first run's stage.
        assert (job.state, job.attempts, job.stage, job.error) == ("running", 2, "storing", None)
