"""CSRF protection for every form: a signed token in a cookie and the same in the form.

A forged cross-site form cannot read the cookie, so it cannot echo the token; the cookie
is also SameSite=Strict, so the browser does not even send it cross-site.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from starlette.responses import Response

from interagency.errors import Forbidden
from interagency.i18n import lazy
from interagency.web.cookies import set_cookie
from interagency.web.signing import sign, unsign

COOKIE = "csrf"
FIELD = "csrf_token"
PURPOSE = "csrf"
MAX_AGE = 12 * 3600


def _secret(request: Request) -> str:
    return str(request.app.state.container.settings.secret_key)


def _current_nonce(request: Request) -> str | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    return unsign(_secret(request), PURPOSE, token, max_age=MAX_AGE)


def token_for(request: Request) -> str:
    """The token the page's forms must send back; creates one for a new browser."""
    nonce = getattr(request.state, "csrf_nonce", None) or _current_nonce(request)
    if nonce is None:
        nonce = secrets.token_urlsafe(24)
    request.state.csrf_nonce = nonce
    return sign(_secret(request), PURPOSE, nonce)


def ensure_cookie(request: Request, response: Response) -> None:
    nonce = getattr(request.state, "csrf_nonce", None)
    if nonce is not None and nonce != _current_nonce(request):
        token = sign(_secret(request), PURPOSE, nonce)
        set_cookie(request, response, COOKIE, token, max_age=MAX_AGE)


async def verify(request: Request) -> None:
    """Dependency for every state-changing form route: refuses a missing or foreign token."""
    form = await request.form()
    submitted = form.get(FIELD)
    expected = _current_nonce(request)
    given = (
        unsign(_secret(request), PURPOSE, submitted, max_age=MAX_AGE)
        if isinstance(submitted, str)
        else None
    )
    if (
        expected is None
        or given is None
        or not hmac.compare_digest(expected.encode(), given.encode())
    ):
        raise Forbidden(
            lazy(
                "The form has expired or did not come from this site. "
                "Reload the page and try again."
            )
        )


async def protect(request: Request) -> None:
    """Application-wide: every state-changing page request must carry the token, so a new
    form cannot forget it. The JSON API is exempt: it reads no cookie, only bearer tokens,
    so a cross-site page has no ambient credential to abuse there."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.url.path.startswith("/api/"):
        return
    await verify(request)
