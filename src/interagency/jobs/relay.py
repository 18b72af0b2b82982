"""The relay: hands committed job rows to the queue, and hands them again when needed.

It runs beside every worker, once a second. It hands over
- jobs still `pending` (committed since the last pass);
- `running` jobs whose lease ran out (the worker holding them died);
- `queued` jobs no worker took within `jobs_requeue_minutes` (the queue lost them, e.g.
  a Redis that keeps nothing on disk was restarted).
A job handed over twice is claimed once (`runner`), so handing over too often is safe;
the rows are read in a read-only transaction, which on SQLite takes no write lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select, update

from interagency.db import utcnow
from interagency.jobs.models import Job, JobState

if TYPE_CHECKING:
    from interagency.bootstrap import Container

logger = logging.getLogger(__name__)
_BATCH = 500


def relay_once(container: Container, hand_over: Callable[[int], None]) -> int:
    """One pass; how many jobs were handed over."""
    now = utcnow()
    lost_before = now - timedelta(minutes=container.settings.jobs_requeue_minutes)
    due = or_(
        Job.state == JobState.PENDING.value,
        and_(Job.state == JobState.RUNNING.value, Job.lease_until < now),
        and_(Job.state == JobState.QUEUED.value, Job.queued_at < lost_before),
    )
    with container.uow(read_only=True) as uow:
        rows = uow.rows(select(Job.id, Job.state).where(due).order_by(Job.id).limit(_BATCH))
    if not rows:
        return 0
    for row in rows:
        hand_over(row.id)
    with container.uow() as uow:
        for row in rows:
            # Only if nothing moved it meanwhile (a worker may have claimed it already).
            uow.write(
                update(Job)
                .where(Job.id == row.id, Job.state == row.state, due)
                .values(state=JobState.QUEUED.value, queued_at=now)
            )
        uow.commit()
    return len(rows)


class Relay(threading.Thread):
    """`relay_once` every `interval` seconds until `stop()`."""

    def __init__(
        self, container: Container, hand_over: Callable[[int], None], interval: float = 1.0
    ) -> None:
        super().__init__(name="jobs-relay", daemon=True)
        self._container = container
        self._hand_over = hand_over
        self._interval = interval
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                relay_once(self._container, self._hand_over)
            except Exception:  # noqa: BLE001 - the queue or database may be down for a while
                logger.warning("the job relay could not pass this time; it tries again")

    def stop(self) -> None:
        self._stopping.set()
