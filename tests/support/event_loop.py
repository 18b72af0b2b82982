"""Driving the application on an event loop in asyncio's debug mode, to find blocking work.

In debug mode asyncio logs every callback that holds the loop longer than
`slow_callback_duration` ("Executing <Task ...> took 0.312 seconds"). While one callback
holds the loop, no other request of the process is served: a blocking handler freezes
every page. `slow_callbacks` runs a flow of requests against the app in process and
returns those log lines, so a test can require that there are none.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx2
from fastapi import FastAPI

from tests.support.identity import PASSWORD, Council, csrf_token

# The threshold: a callback longer than this is a freeze people notice.
SLOW_CALLBACK_SECONDS = 0.1
# What a real server hands the application at a time; httpx's in-process transport would
# otherwise deliver a whole request body as one chunk.
BODY_CHUNK_BYTES = 64 * 1024

Browser = Callable[[], httpx2.AsyncClient]
# A flow of requests; it opens a client per person with `async with browser() as client:`.
Flow = Callable[[Browser], Awaitable[None]]


class _SlowCallbacks(logging.Handler):
    """Collects asyncio's reports of slow callbacks, each with the request being served
    (the in-process transport runs the application in the client's own task)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: list[str] = []
        self.serving = "no request"

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Executing "):
            self.found.append(f"{self.serving}: {message}")

    async def on_request(self, request: httpx2.Request) -> None:
        self.serving = f"{request.method} {request.url.path}"

    async def on_response(self, response: httpx2.Response) -> None:
        self.serving = "no request"


def slow_callbacks(app: FastAPI, flow: Flow, threshold: float = SLOW_CALLBACK_SECONDS) -> list[str]:
    """Runs `flow` against `app` on a debug-mode loop of its own (in a thread of its own,
    so any loop the test process already runs is no obstacle) and returns what asyncio
    logged about callbacks slower than `threshold`, each after the request it served.
    A failure of the flow itself (an assertion on a response) is raised again here."""
    collector = _SlowCallbacks()
    asyncio_logger = logging.getLogger("asyncio")
    level = asyncio_logger.level
    asyncio_logger.addHandler(collector)
    asyncio_logger.setLevel(logging.WARNING)
    failures: list[BaseException] = []

    def browser() -> httpx2.AsyncClient:
        return httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app),
            base_url="http://testserver",
            event_hooks={"request": [collector.on_request], "response": [collector.on_response]},
        )

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.slow_callback_duration = float("inf")
        async with browser() as client:
            await _build_routes(client)
        # Ends the callback that built them before the threshold applies again.
        await asyncio.sleep(0)
        loop.slow_callback_duration = threshold
        await flow(browser)

    def run() -> None:
        try:
            asyncio.run(main(), debug=True)
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            failures.append(exc)

    try:
        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
    finally:
        asyncio_logger.removeHandler(collector)
        asyncio_logger.setLevel(level)
    if failures:
        raise failures[0]
    return collector.found


async def _build_routes(client: httpx2.AsyncClient) -> None:
    """FastAPI builds each router's table of routes when a request first looks into it: a
    cost of the process's first requests, not of any handler. An address no route
    answers makes it look into every router."""
    answer = await client.get("/api/v1/no-such-address")
    assert answer.status_code == 404, answer.text


async def chunked(content: bytes) -> AsyncIterator[bytes]:
    """`content` as a server receives it from the network: in chunks."""
    for start in range(0, len(content), BODY_CHUNK_BYTES):
        yield content[start : start + BODY_CHUNK_BYTES]


async def form_token(client: httpx2.AsyncClient, page: str) -> str:
    answer = await client.get(page)
    assert answer.status_code == 200, answer.text
    return csrf_token(answer.text)


async def sign_in(client: httpx2.AsyncClient, council: Council, login: str) -> None:
    """Password, then a fresh TOTP code, as the browser would."""
    token = await form_token(client, "/login")
    first = await client.post(
        "/login", data={"username": login, "password": PASSWORD, "csrf_token": token}
    )
    assert first.status_code == 303, first.text
    token = await form_token(client, "/login/code")
    second = await client.post(
        "/login/code", data={"code": council.code(login), "csrf_token": token}
    )
    assert second.status_code == 303, second.text
