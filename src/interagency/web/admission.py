"""Sheds load: a request that finds too many others in flight in its server process is
answered at once with 503 and `Retry-After`, before it touches the database.

Past what a process can serve, every request let in slows all the others, and an answer
that comes after its client gave up is work wasted: at twice the rate one process serves,
the queue grows without bound and almost nothing is answered in time. Refusing the excess
at the door keeps the answers that are given fast, and tells clients when to come back.
The health check and static files are always let in: they cost next to nothing, and a
balancer must be able to tell a busy server from a dead one.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)

ALWAYS_ADMITTED = ("/health", "/static/")
LOG_EVERY_SECONDS = 10.0


class AdmissionMiddleware:
    """Lets at most `limit` requests be in flight at once in this process.

    The count needs no lock: it changes only on the event loop's thread."""

    def __init__(self, app: ASGIApp, *, limit: int, busy_app: ASGIApp) -> None:
        if limit < 1:
            raise ValueError("at least one request must be let in")
        self.app = app
        self.limit = limit
        self.busy_app = busy_app
        self.in_flight = 0
        self._refused = 0
        self._logged_at = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ALWAYS_ADMITTED):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            self._note_refusal()
            await self.busy_app(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    def _note_refusal(self) -> None:
        # Counted and logged at most every few seconds: an overload must not also flood
        # the log.
        self._refused += 1
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY_SECONDS:
            logger.warning(
                "busy: refused %d requests with %d in flight (limit %d)",
                self._refused, self.in_flight, self.limit,
            )  # fmt: skip
            self._refused, self._logged_at = 0, now
