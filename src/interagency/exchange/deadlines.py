"""Deadlines end at the close of the given day in each recipient's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from interagency.identity.models import Agency

END_OF_DAY = time(23, 59, 59)


def zone_of(agency: Agency, default_zone: str) -> str:
    """A member agency keeps its state's zone; the council's bodies use the default one."""
    return agency.member_state.timezone if agency.member_state else default_zone


def deadline_for(day: date, zone_name: str) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


# A recipient in these states still owes its answer.
OWING = frozenset({"new", "acknowledged"})


def is_overdue(deadline_at: datetime | None, status: str, now: datetime) -> bool:
    return deadline_at is not None and deadline_at < now and status in OWING
