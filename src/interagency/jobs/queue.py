"""The queue: huey, on SQLite by default and on Redis or PostgreSQL in production.

Only job ids travel through it, signed with the platform's secret so that a message
written into the queue by anyone else is refused rather than run. Huey retries a failed
job with growing pauses; a job that keeps failing ends `dead` in the job outbox, where
operators see it and may hand it over again (`interagency jobs retry`).

Why huey, and why an outbox in front of it: docs/architecture.md, "Background work".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Task
from huey.serializer import SignedSerializer
from sqlalchemy.engine import make_url

from interagency.jobs import outbox
from interagency.jobs.kinds import JobKind
from interagency.jobs.runner import execute

if TYPE_CHECKING:
    from interagency.bootstrap import Container
    from interagency.config import Settings

QUEUE_NAME = "interagency"
_TASK_NAME = "interagency.job"


@dataclass(frozen=True)
class Schedule:
    """Platform work asked for on a schedule: `kind` whenever `when` (a huey crontab) says."""

    kind: str
    when: Callable[[datetime], bool]


def every_minute() -> Callable[[datetime], bool]:
    return crontab()  # type: ignore[no-any-return]


def daily_at(hour: int) -> Callable[[datetime], bool]:
    return crontab(minute="0", hour=str(hour))  # type: ignore[no-any-return]


def make_huey(settings: Settings) -> Huey:
    """The huey of `jobs_queue_url`: sqlite:///path, redis://host:port/db or postgresql://."""
    url = settings.jobs_queue_url
    serializer = SignedSerializer(secret=settings.secret_key, salt="interagency.jobs")
    common: dict[str, Any] = {"results": False, "utc": True, "serializer": serializer}
    backend = url.split(":", 1)[0]  # one of config.QUEUE_SCHEMES, checked by the settings
    if backend == "sqlite":
        path = Path(make_url(url).database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, filename=str(path), **common)
    if backend.startswith("postgresql"):
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresHuey(QUEUE_NAME, dsn=dsn, **common)
    return RedisHuey(QUEUE_NAME, url=url, **common)


class JobQueue:
    """The queue of one process, with the job kinds it can run and the schedules it keeps."""

    def __init__(
        self,
        container: Container,
        kinds: Sequence[JobKind],
        schedules: Sequence[Schedule] = (),
    ) -> None:
        settings = container.settings
        self.container = container
        self.kinds: Mapping[str, JobKind] = {kind.name: kind for kind in kinds}
        self.huey = make_huey(settings)
        self._task = self.huey.task(
            retries=settings.jobs_retries,
            retry_delay=settings.jobs_retry_delay_seconds,
            retry_backoff=2.0,
            context=True,
            name=_TASK_NAME,
        )(self._run)
        for schedule in schedules:
            self.huey.periodic_task(schedule.when, name=f"schedule.{schedule.kind}")(
                self._asker(schedule.kind)
            )

    def hand_over(self, job_id: int) -> None:
        """Puts the job's id on the queue (the relay calls this for committed rows)."""
        self._task(job_id)

    def _run(self, job_id: int, task: Task) -> None:
        execute(self.container, self.kinds, job_id, last_attempt=not task.retries)

    def _asker(self, kind: str) -> Callable[[], None]:
        def ask() -> None:
            period = datetime.now(UTC).replace(second=0, microsecond=0)
            with self.container.uow() as uow:
                outbox.enqueue_once(uow, kind, period)
                uow.commit()

        ask.__name__ = f"schedule_{kind.replace('.', '_')}"
        return ask
