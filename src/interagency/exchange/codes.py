"""The codes every message carries: type, priority, handling code, TLP and evaluation.

Orders matter: a reply may never be marked less strictly than its thread, so the
handling codes H0 < H1 < H2 and the TLP levels are ranked here, once.
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


class HandlingCode(StrEnum):
    H0 = "H0"  # use only to prevent or combat crime
    H1 = "H1"  # not to be used in judicial proceedings without the provider's permission
    H2 = "H2"  # not to be disseminated without the provider's permission
    H3 = "H3"  # other restrictions, stated in words


class Tlp(StrEnum):
    CLEAR = "CLEAR"
    GREEN = "GREEN"
    AMBER = "AMBER"
    AMBER_STRICT = "AMBER+STRICT"
    RED = "RED"


class SourceGrade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    X = "X"


class InformationGrade(StrEnum):
    ONE = "1"
    TWO = "2"
    THREE = "3"
    FOUR = "4"


class Status(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    CLOSED = "closed"


TLP_ORDER = tuple(Tlp)
STATUS_ORDER = (Status.NEW, Status.ACKNOWLEDGED, Status.ANSWERED, Status.CLOSED)
# H3 is not above H2: it is another kind of restriction, carried over in words. Its rank
# says only that a thread marked H3 keeps H3 (and its text) on every reply.
HANDLING_RANK = {HandlingCode.H0: 0, HandlingCode.H1: 1, HandlingCode.H2: 2, HandlingCode.H3: 3}


def tlp_rank(tlp: Tlp) -> int:
    return TLP_ORDER.index(tlp)


def stricter_tlp(a: Tlp, b: Tlp) -> Tlp:
    return a if tlp_rank(a) >= tlp_rank(b) else b


def stricter_handling(a: HandlingCode, b: HandlingCode) -> HandlingCode:
    return a if HANDLING_RANK[a] >= HANDLING_RANK[b] else b


def least_status(statuses: list[Status]) -> Status:
    """The thread's status as its originator sees it: as far as its slowest recipient."""
    if not statuses:
        return Status.NEW
    return min(statuses, key=STATUS_ORDER.index)
