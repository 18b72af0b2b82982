"""Per-request context (language, time zone) and the security headers of every response.

A pure ASGI middleware rather than Starlette's BaseHTTPMiddleware: it adds no task per
request, and the language it sets is seen by handlers and error pages alike.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from functools import cache
from http.cookies import CookieError, SimpleCookie
from typing import Any
from zoneinfo import available_timezones

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interagency import i18n
from interagency.config import Settings

logger = logging.getLogger(__name__)

LANGUAGE_COOKIE = "lang"
TIMEZONE_COOKIE = "tz"

# No inline script or style anywhere, the API documentation included: its assets are
# served from this server. Forms may post only here; nobody may frame the pages.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
    ]
    if settings.serves_https:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def request_cookies(scope: Scope) -> dict[str, str]:
    cookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                cookie.load(value.decode("latin-1"))
            except CookieError:  # a malformed cookie header is ignored, not fatal
                return {}
    return {key: morsel.value for key, morsel in cookie.items()}


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, error_app: ASGIApp) -> None:
        self.app = app
        self.settings = settings
        self.error_app = error_app
        self.headers = security_headers(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = request_cookies(scope)
        language = cookies.get(LANGUAGE_COOKIE)
        if language not in i18n.LANGUAGES:
            language = i18n.negotiate(
                header(scope, b"accept-language"), self.settings.default_language
            )
        i18n.set_language(language)
        state: MutableMapping[str, Any] = scope.setdefault("state", {})
        state["language"] = language
        zone = cookies.get(TIMEZONE_COOKIE)
        state["timezone"] = zone if zone in known_timezones() else self.settings.default_timezone
        is_static = scope["path"].startswith("/static/")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {name for name, _value in headers}
                headers.extend(item for item in self.headers if item[0] not in present)
                if not is_static and b"cache-control" not in present:
                    # Pages carry protected data: never keep them in a shared or local cache.
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            logger.exception("unhandled error on %s %s", scope.get("method"), scope["path"])
            if started:
                raise
            await self.error_app(scope, receive, send_with_headers)
