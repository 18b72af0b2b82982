"""Refuses a request whose body is larger than the largest attachment, unread.

Browsers declare the length of every form they send, so an oversized upload is refused
here, before the form parser spools any of it, and a page request whose body has no
declared length (chunked) is refused outright: no browser sends one, and the form parser
would spool it without limit. An API request may be chunked (the API's upload streams
its file through the file store, which counts the bytes and stops at its limit); its body
is counted here as it is read, and refused with 413 once past the limit, so that no other
route reads an unbounded body whole.

A few routes receive files of their own kind with a larger limit of their own (`larger`,
by exact path: a day's passenger manifest); every other request keeps the attachments'.

A page request refused for its size is answered by `page_app` (the translated error page)
rather than with problem details: a person sent it, not a program.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Room for the multipart envelope and the form's other fields around the file itself.
ENVELOPE_BYTES = 1024 * 1024


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        page_app: ASGIApp | None = None,
        larger: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.page_app = page_app
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            max_bytes = self.larger.get(scope["path"], self.max_bytes)
            headers = dict(scope["headers"])
            declared = headers.get(b"content-length")
            if declared is not None and (
                not declared.isdigit() or int(declared) > max_bytes + ENVELOPE_BYTES
            ):
                await self._refuse(scope, receive, send, max_bytes)
                return
            chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
            if chunked and declared is None:
                if not scope["path"].startswith("/api/"):
                    await self._refuse(scope, receive, send, max_bytes)
                    return
                receive = self._counted(receive, max_bytes)
        await self.app(scope, receive, send)

    def _counted(self, receive: Receive, max_bytes: int) -> Receive:
        """`receive`, refusing the request (413, through the app's error handler) once the
        body read so far is past the limit."""
        limit = max_bytes + ENVELOPE_BYTES
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413)
            return message

        return counted

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        if self.page_app is not None and not scope["path"].startswith("/api/"):
            await self.page_app(scope, _unread, _closing(send))
            return
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Content Too Large",
                "status": 413,
                "detail": (
                    f"The request is larger than the limit of {max_bytes // 1048576} MiB"
                    " for a file; send a smaller file."
                ),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def _unread() -> Message:
    """The body is never read: the page that refuses it does not need it."""
    return {"type": "http.request", "body": b"", "more_body": False}


def _closing(send: Send) -> Send:
    """`send`, closing the connection after the answer: the unread body is still on it."""

    async def closing(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [item for item in message.get("headers", []) if item[0] != b"connection"]
            message = {**message, "headers": [*headers, (b"connection", b"close")]}
        await send(message)

    return closing
