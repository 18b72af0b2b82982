"""The one way this application sets a cookie: HttpOnly always, Secure behind HTTPS."""

from __future__ import annotations

from typing import Literal

from fastapi import Request
from starlette.responses import Response


def set_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int,
    samesite: Literal["strict", "lax"] = "strict",
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite=samesite,
        secure=request.app.state.container.settings.serves_https,
    )
