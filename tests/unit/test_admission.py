"""Load shedding: requests beyond the limit in flight are turned away at once, with 503."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from interagency.web import errors
from interagency.web.admission import AdmissionMiddleware
from tests.support.asynchronous import run_async


class SlowWhereAsked:
    """An application that answers 200 at once, except on /slow until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/slow":
            await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def request(app: AdmissionMiddleware, path: str) -> dict[str, Any]:
    scope: Scope = {
        "type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
        "query_string": b"", "headers": [], "scheme": "http",
        "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000), "root_path": "",
    }  # fmt: skip
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    return {
        "status": start["status"],
        "headers": {k.decode(): v.decode() for k, v in start["headers"]},
        "body": b"".join(m.get("body", b"") for m in sent[1:]),
    }


def test_a_request_beyond_the_limit_is_turned_away_until_one_finishes() -> None:
    async def scenario() -> None:
        inner = SlowWhereAsked()
        app = AdmissionMiddleware(inner, limit=2, busy_app=errors.busy_app)
        first = asyncio.create_task(request(app, "/slow"))
        second = asyncio.create_task(request(app, "/slow"))
        await asyncio.sleep(0.01)
        assert app.in_flight == 2
        refused = await request(app, "/api/v1/exchange/threads")
        assert refused["status"] == 503
        assert refused["headers"]["content-type"] == "application/problem+json"
        assert refused["headers"]["retry-after"] == str(errors.BUSY_RETRY_AFTER)
        assert json.loads(refused["body"])["status"] == 503
        # The health check is always let in, busy or not.
        assert (await request(app, "/health"))["status"] == 200
        inner.release.set()
        assert [(await first)["status"], (await second)["status"]] == [200, 200]
        assert app.in_flight == 0
        assert (await request(app, "/api/v1/exchange/threads"))["status"] == 200

    run_async(scenario())


def test_a_failing_request_still_leaves_room_for_the_next() -> None:
    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("the handler failed")

    async def scenario() -> None:
        app = AdmissionMiddleware(failing, limit=1, busy_app=errors.busy_app)
        for _ in range(3):  # a leaked count would turn the second away as busy instead
            with pytest.raises(RuntimeError, match="the handler failed"):
                await request(app, "/api/v1/me")
        assert app.in_flight == 0

    run_async(scenario())
