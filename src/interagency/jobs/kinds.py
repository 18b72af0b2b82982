"""What a kind of job is: its name and the function that does it, given a `Run`."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import update

from interagency.db import UnitOfWork
from interagency.identity.principals import Caller
from interagency.jobs.models import Job, JobState

if TYPE_CHECKING:
    from interagency.bootstrap import Container

logger = logging.getLogger(__name__)
# Progress is written at most this often (a stage change is written at once).
_REPORT_EVERY_SECONDS = 1.0


class Superseded(Exception):
    """Another worker has taken the job over: this run stops without recording anything."""


@dataclass
class Hold:
    """One worker's claim on a job: the attempt it claimed is its token. A worker whose
    lease ran out (starved, or cut off from the database) finds the token changed and
    stops, so that two workers never go on with the same job."""

    job_id: int
    attempt: int
    lost: threading.Event = field(default_factory=threading.Event)

    def renew(self, uow: UnitOfWork, **values: object) -> bool:
        """Writes `values` on the job if this claim still holds it; whether it did."""
        result = uow.session.connection().execute(
            update(Job)
            .where(
                Job.id == self.job_id,
                Job.attempts == self.attempt,
                Job.state == JobState.RUNNING.value,
            )
            .values(**values)
        )
        return bool(result.rowcount)


@dataclass
class Run:
    """One attempt at a job, as its function sees it."""

    container: Container
    public_id: str
    subject_id: int | None
    # The user the job acts for, read again as the job starts (no principal: the user was
    # disabled, or the job is the platform's own); the job's services check its rights.
    caller: Caller
    hold: Hold
    _stage: str = ""
    _reported_at: float = field(default=0.0)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return self.container.uow(read_only=read_only)

    def report(self, stage: str, done: int = 0, total: int | None = None) -> None:
        """Shows how far the job has come (a stage code and counts, never content).
        Raises `Superseded` when another worker has taken the job over: a job reports
        between its steps, so it stops before its next one."""
        if self.hold.lost.is_set():
            raise Superseded
        now = time.monotonic()
        if stage == self._stage and now - self._reported_at < _REPORT_EVERY_SECONDS:
            return
        self._stage, self._reported_at = stage, now
        logger.info("job %s: %s %s/%s", self.public_id, stage, done, total or "?")
        with self.container.uow() as uow:
            held = self.hold.renew(uow, stage=stage[:64], done_count=done, total_count=total)
            uow.commit()
        if not held:
            raise Superseded


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[[Run], None]
    # What an operator reads on the jobs page about this kind of job.
    summary: str = ""
