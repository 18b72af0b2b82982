"""The relay hands committed jobs to the queue, and hands again what a dead worker held
or the queue lost; never a job a live worker holds or one just handed over."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from sqlalchemy import update

from interagency.bootstrap import Container
from interagency.db import utcnow
from interagency.jobs import Job, enqueue
from interagency.jobs.relay import relay_once


def _jobs(container: Container, **states: dict[str, object]) -> dict[str, int]:
    ids = {}
    with container.uow() as uow:
        for name, values in states.items():
            job = enqueue(uow, "test.kind", None, acting_user_id=None)
            uow.write(update(Job).where(Job.id == job.id).values(**values))
            ids[name] = job.id
        uow.commit()
    return ids


def test_the_relay_hands_over_what_no_worker_will_otherwise_run(container: Container) -> None:
    now = utcnow()
    lost = now - timedelta(minutes=container.settings.jobs_requeue_minutes + 1)
    ids = _jobs(
        container,
        fresh={"state": "pending"},
        held_by_dead_worker={"state": "running", "lease_until": now - timedelta(seconds=1)},
        held_by_live_worker={"state": "running", "lease_until": now + timedelta(minutes=1)},
        just_queued={"state": "queued", "queued_at": now},
        lost_by_the_queue={"state": "queued", "queued_at": lost},
        retrying={"state": "retrying"},
        done={"state": "done"},
        dead={"state": "dead"},
    )
    handed: list[int] = []
    assert relay_once(container, handed.append) == 3
    expected = {ids["fresh"], ids["held_by_dead_worker"], ids["lost_by_the_queue"]}
    assert set(handed) == expected
    with container.uow() as uow:
        for job_id in expected:
            job = uow.session.get(Job, job_id)
            assert job is not None
            assert job.state == "queued"
            assert job.queued_at is not None
            assert job.queued_at >= now
    # Once handed over, nothing is handed again until it is lost once more.
    again: list[int] = []
    assert relay_once(container, again.append) == 0
    assert again == []


def test_a_queue_that_is_down_loses_nothing(container: Container) -> None:
    ids = _jobs(container, fresh={"state": "pending"})

    def down(_job_id: int) -> None:
        raise ConnectionError("the queue's server is down")

    with contextlib.suppress(ConnectionError):
        relay_once(container, down)
    with container.uow() as uow:
        job = uow.session.get(Job, ids["fresh"])
        assert job is not None
        assert job.state == "pending"  # handed over at the next pass
    handed: list[int] = []
    relay_once(container, handed.append)
    assert handed == [ids["fresh"]]
