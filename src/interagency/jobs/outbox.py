"""Asking for background work: a job row written in the caller's own transaction.

The work exists exactly when the change that asks for it commits; the relay
(`jobs.relay`) hands committed rows to the queue. Nothing here talks to the queue, so a
request never waits for it and a queue that is down loses nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from interagency.db import UnitOfWork
from interagency.jobs.models import Job, JobState


def enqueue(
    uow: UnitOfWork, kind: str, subject_id: int | None = None, *, acting_user_id: int | None
) -> Job:
    """A job of `kind` on the row `subject_id`, acting for `acting_user_id` (None: the
    platform itself), written in the caller's transaction."""
    job = Job(kind=kind, subject_id=subject_id, acting_user_id=acting_user_id)
    uow.session.add(job)
    uow.session.flush()
    return job


def enqueue_once(uow: UnitOfWork, kind: str, period: datetime) -> Job | None:
    """The platform's scheduled job of `kind` for the period starting at `period`, unless
    another scheduler asked for it already; None then."""
    key = f"{kind}:{period:%Y-%m-%dT%H:%M}"
    if uow.session.scalar(select(Job.id).where(Job.key == key)) is not None:
        return None
    job = Job(kind=kind, key=key, acting_user_id=None, state=JobState.PENDING.value)
    uow.session.add(job)
    uow.session.flush()
    return job
