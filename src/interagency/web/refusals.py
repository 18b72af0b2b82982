"""The web's one place that audits refusals: every 403, and every 404 that hides an
object, after the request's own work has been rolled back.

A refusal raised by a policy carries its event (`DomainError.refused_as`); a 403 raised
without one (a form's token, a format not offered) is recorded as `access:denied` with
the route, so that no refusal goes unrecorded because a route forgot to say it.
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from interagency import audit
from interagency.bootstrap import Container
from interagency.errors import DomainError
from interagency.identity.principals import Caller
from interagency.web.auth import client_address

FORBIDDEN = 403


def refusal_in(request: Request, exc: DomainError) -> audit.AuditEvent | None:
    event = audit.refusal_of(exc)
    # A redirect is guidance, not a refusal ("choose your own password first").
    if event is None and exc.status == FORBIDDEN and exc.redirect_to is None:
        route = request.scope.get("route")
        caller = Caller(getattr(request.state, "principal", None), client_address(request))
        event = caller.event(
            "access:denied",
            outcome="denied",
            detail={"method": request.method, "route": getattr(route, "path", "?")},
        )
    return event


def record(request: Request, exc: DomainError) -> None:
    """Audits the refusal `exc` answers, if it is one, in a transaction of its own."""
    event = refusal_in(request, exc)
    if event is None:
        return
    container: Container = request.app.state.container
    with container.uow() as uow:
        audit.record_refused(uow, event)
        uow.commit()


async def record_async(request: Request, exc: DomainError) -> None:
    """`record` for the error handlers, which run on the event loop."""
    await run_in_threadpool(record, request, exc)
