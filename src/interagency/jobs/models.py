"""The job outbox: one row per piece of background work, written in the transaction of
the change that asks for it, so that the work exists exactly when the change does.

A row names its work by kind and by the id of the row it works on, never by content:
the queue, the worker's logs and the operators' page see ids, states and counts only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from interagency.db import Base, HasPublicId, UTCDateTime, created_at, intpk
from interagency.markings import one_of


class JobState(StrEnum):
    PENDING = "pending"  # committed, not yet handed to the queue
    QUEUED = "queued"  # handed to the queue, waiting for a worker
    RUNNING = "running"  # a worker holds its lease
    RETRYING = "retrying"  # failed; the queue runs it again after a pause
    DONE = "done"
    DEAD = "dead"  # failed for good: an operator may retry it


# States a worker may claim a job in (a running one only once its lease has run out).
CLAIMABLE = (JobState.PENDING, JobState.QUEUED, JobState.RETRYING)
FINISHED = (JobState.DONE, JobState.DEAD)


class Job(HasPublicId, Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(one_of("state", JobState), name="state_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index(None, "state", "queued_at"),
    )

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(64))
    # The id of the row the job works on (an upload, a stored file...): never content.
    subject_id: Mapped[int | None] = mapped_column(Integer)
    # The user the job acts for; their rights are checked again when it starts.
    acting_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Scheduled work names its period here (e.g. "audit.sign:2026-12-06T20:15"), so
    # several schedulers ask for it once.
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=JobState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # What the job is doing now, as a fixed code and counts (never content).
    stage: Mapped[str] = mapped_column(String(64), default="")
    done_count: Mapped[int] = mapped_column(Integer, default=0)
    total_count: Mapped[int | None] = mapped_column(Integer)
    # The class of the last failure (e.g. "OperationalError"), never its message.
    error: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[created_at]
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
