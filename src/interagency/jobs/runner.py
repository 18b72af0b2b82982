"""Running one job: claim it under a lease, act for its user with rights read again,
record how it ended.

A job may be handed to workers more than once (the relay hands a job again when a
worker died holding it, or when the queue lost it); the claim lets one worker at a time
run it, and every job is written so that running it again changes nothing more than once.
Failures are recorded by the class of the exception only: its message may quote content.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from interagency import audit
from interagency.db import utcnow
from interagency.errors import DomainError
from interagency.identity.models import User
from interagency.identity.principals import Caller, enabled_principals, principal_from
from interagency.jobs.kinds import Hold, JobKind, Run, Superseded
from interagency.jobs.models import CLAIMABLE, Job, JobState

if TYPE_CHECKING:
    from interagency.bootstrap import Container

logger = logging.getLogger(__name__)
# The name audit entries give a job that acts for no user.
PLATFORM = "system:worker"


class JobFailed(RuntimeError):
    """Raised to the queue so that it retries the job; says nothing of the content."""


def execute(
    container: Container, kinds: Mapping[str, JobKind], job_id: int, *, last_attempt: bool
) -> JobState | None:
    """Runs the job if no other worker holds it; its final or interim state, None when it
    was not claimed or another worker took it over meanwhile. Raises `JobFailed` after a
    failure that the queue should retry."""
    settings = container.settings
    lease = timedelta(seconds=settings.jobs_lease_seconds)
    job = _claim(container, job_id, lease, settings.jobs_retries + 1)
    if job is None:
        return None
    kind = kinds.get(job.kind)
    held = Hold(job_id, job.attempts)
    if kind is None:
        return _end(container, held, JobState.DEAD, "UnknownKind")
    stop = threading.Event()
    heartbeat = threading.Thread(
        target=_keep_lease, args=(container, held, lease, stop), daemon=True
    )
    heartbeat.start()
    try:
        kind.run(Run(container, job.public_id, job.subject_id, _caller(container, job), held))
    except Superseded:
        logger.warning("job %s was taken over by another worker: this one stops", job.public_id)
        return None
    except DomainError as refusal:
        # A refusal does not pass by trying again (the user lost a right, the input is
        # wrong): the job is dead at once, and the refusal is audited.
        stop.set()
        _audit_refusal(container, refusal)
        logger.warning("job %s refused: %s", job.public_id, type(refusal).__name__)
        return _end(container, held, JobState.DEAD, type(refusal).__name__)
    except Exception as failure:  # noqa: BLE001 - every failure is recorded on the row
        stop.set()
        name = type(failure).__name__
        logger.warning("job %s (%s) failed: %s", job.public_id, job.kind, name)
        if last_attempt:
            return _end(container, held, JobState.DEAD, name)
        _end(container, held, JobState.RETRYING, name)
        raise JobFailed(f"job {job.public_id} ({job.kind}) failed: {name}") from None
    finally:
        stop.set()
        heartbeat.join()
    return _end(container, held, JobState.DONE, None)


def _claim(container: Container, job_id: int, lease: timedelta, most_attempts: int) -> Job | None:
    now = utcnow()
    with container.uow() as uow:
        claimable = or_(
            Job.state.in_([s.value for s in CLAIMABLE]),
            (Job.state == JobState.RUNNING.value) & (Job.lease_until < now),
        )
        # Waits for a transaction that holds the row (the relay marking it queued) rather
        # than skipping it: a skipped row would leave its message spent and the job
        # waiting for the relay's next hand-over, minutes later. The condition is judged
        # again on the row as that transaction left it.
        job = uow.session.scalars(
            select(Job).where(Job.id == job_id, claimable).with_for_update()
        ).first()
        if job is None:
            return None
        if job.attempts >= most_attempts:
            # Claimed as often as it may be and never finished: every worker that took it
            # died on it. Trying again could take the next one down too.
            job.state, job.error, job.finished_at = JobState.DEAD.value, "Interrupted", now
            uow.commit()
            return None
        job.state = JobState.RUNNING.value
        job.attempts += 1
        job.started_at = now
        job.lease_until = now + lease
        uow.commit()
        return job


def _keep_lease(container: Container, held: Hold, lease: timedelta, stop: threading.Event) -> None:
    """Extends the lease while the job runs, so that only a dead worker's job is taken.
    A worker that finds its claim taken over (its lease ran out while it was starved)
    lets the job know: it stops at its next report."""
    while not stop.wait(lease.total_seconds() / 3):
        try:
            with container.uow() as uow:
                renewed = held.renew(uow, lease_until=utcnow() + lease)
                uow.commit()
        except Exception:  # noqa: BLE001 - a missed beat is retried at the next one
            logger.warning("job %s: the lease was not extended this time", held.job_id)
            continue
        if not renewed:
            held.lost.set()
            return


def _end(container: Container, held: Hold, state: JobState, error: str | None) -> JobState | None:
    """Records how the job ended, unless another worker has taken it over meanwhile."""
    with container.uow() as uow:
        finished = utcnow() if state in (JobState.DONE, JobState.DEAD) else None
        ended = held.renew(
            uow, state=state.value, error=error, lease_until=None, finished_at=finished
        )
        uow.commit()
    return state if ended else None


def _caller(container: Container, job: Job) -> Caller:
    if job.acting_user_id is None:
        return Caller(None, label=PLATFORM)
    with container.uow() as uow:
        principal = principal_from(uow.rows(enabled_principals(User.id == job.acting_user_id)))
    # A disabled user's job acts for nobody: its services refuse it.
    return Caller(principal, label=f"job:{job.public_id}")


def _audit_refusal(container: Container, refusal: DomainError) -> None:
    event = audit.refusal_of(refusal)
    if event is None:
        return
    with container.uow() as uow:
        audit.record_refused(uow, event)
        uow.commit()
