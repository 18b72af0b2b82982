"""What operators do with jobs: list them, hand a dead one over again, purge old ones.

The command line acts as the server's operator on every job; the web page acts for an
administrator, on the jobs `policy` lets them see. Every change is audited.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, delete, func, or_, select, true

from interagency import audit
from interagency.db import UnitOfWork, utcnow
from interagency.errors import Conflict, Forbidden, NotFound
from interagency.i18n import lazy
from interagency.identity.models import User
from interagency.identity.principals import Caller
from interagency.jobs.models import FINISHED, Job, JobState
from interagency.jobs.policy import Action, allowed
from interagency.jobs.runner import PLATFORM

_SHOWN = 200


def _visible(uow: UnitOfWork, caller: Caller, action: Action) -> ColumnElement[bool]:
    """The jobs the caller may act on; the operator at the command line and the platform's
    own jobs (no principal, their label) see all."""
    principal = caller.principal
    label = caller.label or ""
    if principal is None and (label.startswith("operator:") or label == PLATFORM):
        return true()
    if principal is None or not allowed(principal, action):
        event = caller.event(action.value, outcome="denied", object_kind="job")
        raise Forbidden(lazy("Only administrators see the background jobs.")).refused_as(event)
    own_users = select(User.id).where(User.agency_id == principal.agency_id)
    return or_(Job.acting_user_id.is_(None), Job.acting_user_id.in_(own_users))


def listed(uow: UnitOfWork, caller: Caller, state: JobState | None = None) -> list[Job]:
    """The newest jobs (a state's only, if given)."""
    query = select(Job).where(_visible(uow, caller, Action.VIEW))
    if state is not None:
        query = query.where(Job.state == state.value)
    return list(uow.session.scalars(query.order_by(Job.id.desc()).limit(_SHOWN)))


def counts(uow: UnitOfWork, caller: Caller) -> dict[str, int]:
    rows = uow.rows(
        select(Job.state, func.count().label("jobs"))
        .where(_visible(uow, caller, Action.VIEW))
        .group_by(Job.state)
    )
    found = {row.state: int(row.jobs) for row in rows}
    return {state.value: found.get(state.value, 0) for state in JobState}


def key_of(uow: UnitOfWork, public_id: str) -> int | None:
    """The key of the job with this public id (the command line names jobs so)."""
    return uow.session.scalar(select(Job.id).where(Job.public_id == public_id))


def retry(uow: UnitOfWork, caller: Caller, job_id: int | None) -> Job:
    """Hands a dead job to the queue again, with its attempts counted from zero."""
    job = uow.session.scalars(
        select(Job).where(Job.id == job_id, _visible(uow, caller, Action.RETRY))
    ).first()
    if job is None:
        raise NotFound(lazy("There is no such job."))
    if job.state != JobState.DEAD:
        raise Conflict(lazy("Only a dead job is retried; this one is {state}."), state=job.state)
    job.state, job.attempts, job.error, job.finished_at = JobState.PENDING.value, 0, None, None
    audit.record(
        uow, caller.event("jobs:retry", object_kind="job", object_ref=job.public_id,
                          detail={"kind": job.kind}),
    )  # fmt: skip
    uow.session.flush()
    return job


def purge(
    uow: UnitOfWork,
    caller: Caller,
    older_than: timedelta,
    states: tuple[JobState, ...] = FINISHED,
) -> int:
    """Deletes jobs in `states` (done or dead) that finished before `older_than` ago; how
    many."""
    cutoff = utcnow() - older_than
    ended = [state.value for state in states]
    ids = list(
        uow.session.scalars(
            select(Job.id).where(
                Job.state.in_(ended), Job.finished_at < cutoff, _visible(uow, caller, Action.VIEW)
            )
        )
    )
    for start in range(0, len(ids), 1000):
        uow.write(delete(Job).where(Job.id.in_(ids[start : start + 1000])))
    audit.record(
        uow, caller.event("jobs:purge", object_kind="job",
                          detail={"deleted": len(ids), "days": older_than.days}),
    )  # fmt: skip
    return len(ids)
