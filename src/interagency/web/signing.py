"""Short signed tokens for cookies and forms (HMAC-SHA-256, bound to a purpose and an age)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


def _mac(secret: str, purpose: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}\x00{payload}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def sign(secret: str, purpose: str, value: str, *, now: float | None = None) -> str:
    issued = str(int(now if now is not None else time.time()))
    payload = base64.urlsafe_b64encode(value.encode()).decode().rstrip("=") + "." + issued
    return payload + "." + _mac(secret, purpose, payload)


def unsign(
    secret: str, purpose: str, token: str, *, max_age: int, now: float | None = None
) -> str | None:
    """The signed value, or None when the token is forged, for another purpose, or too old."""
    try:
        encoded, issued, mac = token.split(".")
        payload = f"{encoded}.{issued}"
        if not hmac.compare_digest(mac.encode(), _mac(secret, purpose, payload).encode()):
            return None
        age = (now if now is not None else time.time()) - int(issued)
        if age < 0 or age > max_age:
            return None
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeError):
        return None
