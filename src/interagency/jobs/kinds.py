"""What a kind of job is: its name and the function that does it, given a `Run`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import update

from interagency.db import UnitOfWork
from interagency.identity.principals import Caller
from interagency.jobs.models import Job

if TYPE_CHECKING:
    from interagency.bootstrap import Container

logger = logging.getLogger(__name__)
# Progress is written at most this often (a stage change is written at once).
_REPORT_EVERY_SECONDS = 1.0


@dataclass
class Run:
    """One attempt at a job, as its function sees it."""

    container: Container
    job_id: int
    public_id: str
    subject_id: int | None
    # The user the job acts for, read again as the job starts (no principal: the user was
    # disabled, or the job is the platform's own); the job's services check its rights.
    caller: Caller
    _stage: str = ""
    _reported_at: float = field(default=0.0)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return self.container.uow(read_only=read_only)

    def report(self, stage: str, done: int = 0, total: int | None = None) -> None:
        """Shows how far the job has come (a stage code and counts, never content)."""
        now = time.monotonic()
        if stage == self._stage and now - self._reported_at < _REPORT_EVERY_SECONDS:
            return
        self._stage, self._reported_at = stage, now
        logger.info("job %s: %s %s/%s", self.public_id, stage, done, total or "?")
        with self.container.uow() as uow:
            uow.write(
                update(Job)
                .where(Job.id == self.job_id)
                .values(stage=stage[:64], done_count=done, total_count=total)
            )
            uow.commit()


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[[Run], None]
    # What an operator reads on the jobs page about this kind of job.
    summary: str = ""
