"""Refusals as services raise them: the error, and the audit event it carries for the
handler that answers (the web, the command line, a job) to record."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from interagency.audit import AuditEvent, refusal_of
from interagency.errors import DomainError, Forbidden


@contextmanager
def refused(
    error: type[DomainError] = Forbidden, into: list[AuditEvent] | None = None
) -> Iterator[list[AuditEvent]]:
    """Like `pytest.raises(error)`; the refusal the error carries is added to the list
    yielded (or to `into`), and its absence fails the test."""
    carried = [] if into is None else into
    with pytest.raises(error) as raised:
        yield carried
    event = refusal_of(raised.value)
    assert event is not None, f"{raised.value!r} carries no refusal to audit"
    assert event.outcome == "denied"
    carried.append(event)
