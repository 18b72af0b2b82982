"""Background work: a job outbox in the application's database, a relay, and huey.

Features ask for work with `enqueue` in their own transaction and describe it as a
`JobKind` (`jobs.kinds`); `interagency.background` lists the kinds a worker runs and the
schedules it keeps; `interagency worker` runs them. This package's top imports only the
outbox, so that the lowest layers (the file store) may ask for work.
"""

from interagency.jobs.models import Job, JobState
from interagency.jobs.outbox import enqueue, enqueue_once

__all__ = ["Job", "JobState", "enqueue", "enqueue_once"]
