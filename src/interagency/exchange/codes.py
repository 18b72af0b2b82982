"""The codes of the exchange: message type, priority and status.

The markings (handling codes, TLP and evaluation) are the platform's, in `interagency.markings`.
"""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    REQUEST = "request"  # a request for information: it has a deadline
    NOTIFICATION = "notification"
    ALERT = "alert"
    REPLY = "reply"


class Priority(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    IMMEDIATE = "immediate"


class Status(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    CLOSED = "closed"


STATUS_ORDER = (Status.NEW, Status.ACKNOWLEDGED, Status.ANSWERED, Status.CLOSED)


def least_status(statuses: list[Status]) -> Status:
    """The thread's status as its originator sees it: as far as its slowest recipient."""
    if not statuses:
        return Status.NEW
    return min(statuses, key=STATUS_ORDER.index)
