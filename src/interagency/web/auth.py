"""Who is asking: the session cookie or the API token, resolved once per request.

Deny by default: every route needs a signed-in principal unless its path is listed in
`PUBLIC_PATHS`. The check is an application-wide dependency, so a new route is protected
without anyone remembering to protect it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from interagency import audit
from interagency.bootstrap import Container
from interagency.config import Settings
from interagency.db import UnitOfWork
from interagency.errors import Forbidden, NotAuthenticated, TooManyRequests
from interagency.i18n import lazy
from interagency.identity import notifications, sessions, tokens
from interagency.identity.login import LoginConfig
from interagency.identity.models import SessionStage
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller, principal_of
from interagency.identity.sessions import SessionLimits
from interagency.web.cookies import set_cookie
from interagency.web.deps import get_container, get_uow
from interagency.web.ratelimit import RateLimiter, process_share

SESSION_COOKIE = "session"

# A number the page shell shows the signed-in user beside a feature's link (new threads
# waiting, say), or None where the feature is not theirs. Features register theirs when the
# app is assembled (`app.state.shell_counts`, by the name templates read from
# `request.state`), so that the web layer knows no feature.
ShellCount = Callable[[UnitOfWork, Principal], int | None]
# Pages anyone may open: signing in itself, the shell's preferences, and the API docs.
PUBLIC_PATHS = frozenset(
    {
        "/login",
        "/login/code",
        "/logout",
        "/language",
        "/preferences",
        "/health",
        "/api/docs",
        "/api/openapi.json",
    }
)


def session_limits(container: Container) -> SessionLimits:
    settings = container.settings
    return SessionLimits(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )


def login_config(container: Container) -> LoginConfig:
    return LoginConfig(
        limits=session_limits(container),
        key_dir=container.settings.key_dir,
        second_factor_required=container.settings.is_production,
    )


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@dataclass(frozen=True)
class ApiLimiters:
    """The process's limits on API requests: per token and per client address."""

    per_token: RateLimiter
    per_address: RateLimiter

    @classmethod
    def for_settings(cls, settings: Settings) -> ApiLimiters:
        # Each server process counts alone: it allows its share of the configured rate.
        workers = settings.web_workers
        return cls(
            RateLimiter(process_share(settings.api_rate_per_token, workers)),
            RateLimiter(process_share(settings.api_rate_per_address, workers)),
        )


def _limit(request: Request, token: str | None) -> None:
    # Made with the application, not on first use: requests arriving together would
    # each make their own and count apart.
    limiters: ApiLimiters = request.app.state.api_limiters
    waits = [limiters.per_address.retry_after(client_address(request) or "?")]
    if token:
        waits.append(limiters.per_token.retry_after(tokens.digest(token)))
    wait = max(waits)
    if wait:
        raise TooManyRequests(
            lazy("Too many requests: wait {seconds} seconds and try again."),
            retry_after=wait,
            seconds=wait,
        )


def resolve_principal(request: Request, container: Container, uow: UnitOfWork) -> Principal | None:
    """The principal of this request, resolved in the request's own unit of work.

    Authentication and the route's work share one transaction, which the route commits or
    not as before. What authentication itself writes is committed at once, since a page
    that only reads commits nothing: an expired session's end, and a live session's or a
    token's last use (written once a minute, so most requests write nothing here). A
    refused token is audited in a transaction of its own once the request's has ended,
    whether the request then fails (401) or goes on as anonymous to a public page.
    """
    is_api = request.url.path.startswith("/api/")
    principal = None
    if is_api:
        token = bearer_token(request)
        _limit(request, token)
        # Bearer tokens only: a cookie is an ambient credential that a foreign page
        # could make the browser send, so the API never reads the session cookie.
        principal = tokens.resolve(uow, token) if token else None
        if token and principal is None:  # unknown, expired or revoked: worth knowing about
            refused = Caller(None, client_address(request)).event(
                "auth:token:refused", outcome="denied", detail={"prefix": token[:10]}
            )
            _audit_once_ended(uow, refused)
    else:
        raw = request.cookies.get(SESSION_COOKIE)
        active = sessions.resolve(uow, raw, session_limits(container)) if raw else None
        # Now, before the next query flushes the session's changes out of sight.
        uow.commit_written()
        if active is not None and active.stage is SessionStage.COMPLETE:
            principal = principal_of(active.user)
            request.state.unread = notifications.unread_count(uow, principal.user_id)
            _count_for_shell(request, uow, principal)
    uow.commit_written(end=_body_still_to_come(request))
    return principal


def _audit_once_ended(uow: UnitOfWork, event: audit.AuditEvent) -> None:
    def record() -> None:
        with uow.new() as own:
            audit.record_refused(own, event)  # counted, not chained, in a flood
            own.commit()

    # One of the two runs, as the request's unit of work ends.
    uow.after_commit(record)
    uow.after_rollback(record)


def _body_still_to_come(request: Request) -> bool:
    """Whether the request's body may still be on its way once authentication is done: the
    transaction must not be held open (on SQLite, with the write lock) while a client
    sends a large file. FastAPI reads the body a route declares before its dependencies
    run; a body it does not declare is read later, by the route or the form's CSRF check.
    """
    if getattr(request.scope.get("route"), "body_field", None) is not None:
        return False
    headers = request.headers
    return "transfer-encoding" in headers or headers.get("content-length", "0") != "0"


def _count_for_shell(request: Request, uow: UnitOfWork, principal: Principal) -> None:
    counts: Mapping[str, ShellCount] = getattr(request.app.state, "shell_counts", {})
    for name, count in counts.items():
        setattr(request.state, name, count(uow, principal))


def authenticate(
    request: Request,
    container: Annotated[Container, Depends(get_container)],
    uow: Annotated[UnitOfWork, Depends(get_uow)],
) -> Principal | None:
    """Application-wide dependency: resolves the principal and refuses anonymous requests
    to anything that is not public. It gets the same unit of work as the route (FastAPI
    makes a dependency once per request), so that one transaction serves both."""
    principal = resolve_principal(request, container, uow)
    request.state.principal = principal
    if principal is None and not is_public(request.url.path):
        raise NotAuthenticated(lazy("Sign in to continue."))
    if (
        principal is not None
        and principal.must_change_password
        and request.url.path not in PASSWORD_CHANGE_PATHS
        and not is_public(request.url.path)
    ):
        # A password somebody else chose opens nothing but the page that replaces it.
        raise MustChangePassword()
    return principal


PASSWORD_CHANGE_PATHS = frozenset({"/account/password", "/logout"})


class MustChangePassword(Forbidden):
    redirect_to = "/account/password"

    def __init__(self) -> None:
        super().__init__(lazy("Choose your own password first."))


# Static files, and enrolment links (which carry their own single-use secret).
PUBLIC_PREFIXES = ("/static/", "/enrol/")


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def signed_in(request: Request) -> Principal:
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise NotAuthenticated(lazy("Sign in to continue."))
    return principal


async def current_principal(request: Request) -> Principal:
    return signed_in(request)


async def current_caller(request: Request) -> Caller:
    return Caller(signed_in(request), client_address(request))


async def anonymous_caller(request: Request) -> Caller:
    return Caller(getattr(request.state, "principal", None), client_address(request))


def set_session_cookie(request: Request, response: Response, raw_id: str) -> None:
    max_age = request.app.state.container.settings.session_absolute_hours * 3600
    set_cookie(request, response, SESSION_COOKIE, raw_id, max_age=max_age)


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE)


PrincipalDep = Annotated[Principal, Depends(current_principal)]
CallerDep = Annotated[Caller, Depends(current_caller)]
