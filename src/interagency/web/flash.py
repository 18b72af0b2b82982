"""One-time messages shown on the next page, kept in a signed cookie (no server state)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import Request
from starlette.responses import Response

from interagency.web.cookies import set_cookie
from interagency.web.signing import sign, unsign

COOKIE = "flash"
PURPOSE = "flash"
MAX_AGE = 300
LEVELS = ("info", "success", "warning", "error")


@dataclass(frozen=True)
class Flash:
    level: str
    message: str


def _secret(request: Request) -> str:
    return str(request.app.state.container.settings.secret_key)


def add(request: Request, response: Response, level: str, message: str) -> None:
    """Queues an already translated message for the next page this browser shows."""
    if level not in LEVELS:
        raise ValueError(f"unknown flash level {level!r}")
    queued = [[f.level, f.message] for f in pending(request)] + [[level, message]]
    token = sign(_secret(request), PURPOSE, json.dumps(queued, ensure_ascii=False))
    set_cookie(request, response, COOKIE, token, max_age=MAX_AGE)


def pending(request: Request) -> list[Flash]:
    token = request.cookies.get(COOKIE)
    if not token:
        return []
    value = unsign(_secret(request), PURPOSE, token, max_age=MAX_AGE)
    if value is None:
        return []
    try:
        return [Flash(level, message) for level, message in json.loads(value) if level in LEVELS]
    except (ValueError, TypeError):
        return []


def clear(response: Response) -> None:
    response.delete_cookie(COOKIE)
