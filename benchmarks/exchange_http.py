"""The HTTP side of the exchange benchmark: the servers under test, a lean keep-alive
client, and the two ways of sending (open loop on a clock, and one at a time).

Each server is uvicorn in a child process of its own session, serving a factory of this
module: the application as `interagency serve` builds it, or a bare FastAPI reference.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

BENCHMARKS = Path(__file__).resolve().parent
TIMEOUT_S = 30.0
MAX_CONNECTIONS = 500
IDLE_REUSE_S = 3.0


@dataclass
class Result:
    operation: str
    latency_s: float
    status: int  # 0: no answer (connection error or time-out)


# -- the arrival clock -------------------------------------------------------------


def arrivals(rates: Mapping[str, float], duration: float) -> list[tuple[float, str]]:
    """When each request is due, in seconds from the start: every operation on its own
    fixed clock (`rate` a second, evenly spaced), all merged in time order."""
    due: list[tuple[float, str]] = []
    for operation, rate in rates.items():
        if rate <= 0:
            continue
        spacing = 1 / rate
        due += [(k * spacing, operation) for k in range(round(duration * rate))]
    return sorted(due)


# -- servers ---------------------------------------------------------------------


def interagency_app() -> FastAPI:
    """The application as each process of `interagency serve` builds it, configured from
    the environment."""
    from interagency.web.app import app_from_environment

    return app_from_environment()


def bare_app() -> FastAPI:
    """The reference: FastAPI with one small JSON endpoint, a plain function like the
    application's (so it also runs in the thread pool)."""
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/bare")
    def bare() -> dict[str, object]:
        return {"items": [], "total": 0, "page": 1, "per_page": 25}

    return app


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Served:
    url: str
    pid: int  # the supervisor's, which is also its process group's id


@contextmanager
def server(factory: str, env: Mapping[str, str], workers: int, folder: Path) -> Iterator[Served]:
    """Runs `factory` of this module under uvicorn in a child process of its own session
    (so that its workers are a process group of their own)."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", f"exchange_http:{factory}", "--factory",
        "--app-dir", str(BENCHMARKS), "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--no-access-log", "--log-level", "warning",
        "--no-server-header",
    ]  # fmt: skip
    log_path = folder / f"{factory}-{port}.log"  # one a phase: a later one keeps it
    with log_path.open("wb") as log:
        # A session of its own: the worker processes go with their supervisor. An
        # overloaded worker would otherwise drain its queue long after the phase ended.
        process = subprocess.Popen(
            command, cwd=folder, env={**os.environ, **env}, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_serving(f"{url}/health", process, log_path)
            yield Served(url, process.pid)
        finally:
            _stop_group(process)
    lines = log_path.read_text(errors="replace").splitlines()
    errors = [number for number, line in enumerate(lines) if "Error" in line]
    if errors:
        print(f"  {factory} server log has {len(errors)} error lines; the first, in context:")
        print(
            "\n".join(f"    {line[:200]}" for line in lines[max(0, errors[0] - 30) : errors[0] + 1])
        )


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stops the server and its workers: politely, then whatever is left by force."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within 60 s")


# -- a lean HTTP/1.1 client --------------------------------------------------------


class ProtocolError(Exception):
    """The server's answer was not HTTP/1.1 as this client reads it."""


def parse_head(head: bytes) -> tuple[int, int]:
    """Status and Content-Length of a response head (status line and headers, up to the
    blank line). The application answers with a length; a chunked answer is refused."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise ProtocolError(f"not a status line: {lines[0]!r}")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            raise ProtocolError("chunked answers are not read by this client")
    return int(parts[1]), length


def request_bytes(
    method: str, path: str, host: str, headers: Mapping[str, str], body: bytes | None
) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


class LoopbackClient:
    """Keep-alive HTTP/1.1 connections to one server, opened as needed and reused.

    httpx spent 2.7 ms of CPU a request here, most of a core at 300 requests a second on
    a 2-core machine shared with the server; this client spends a small fraction of that.
    """

    def __init__(self, base_url: str) -> None:
        address = base_url.removeprefix("http://").rstrip("/")
        host, _, port = address.partition(":")
        self.host, self.port, self.authority = host, int(port or 80), address
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self._all: list[asyncio.StreamWriter] = []
        # Beyond this many requests in flight, a request waits (and the wait is timed).
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)

    async def request(
        self, method: str, path: str, headers: Mapping[str, str] | None = None,
        payload: object = None,
    ) -> int:  # fmt: skip
        """The response's status; the body is read and dropped."""
        body = None if payload is None else json.dumps(payload).encode()
        async with self._slots:
            return await self._exchange(method, path, headers or {}, body)

    async def _exchange(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes | None
    ) -> int:
        # uvicorn closes a connection idle for 5 s: older ones are not reused.
        while self._idle and time.monotonic() - self._idle[-1][2] > IDLE_REUSE_S:
            self._idle.pop()[1].close()
        if self._idle:
            reader, writer, _ = self._idle.pop()
        else:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            self._all.append(writer)
        try:
            writer.write(request_bytes(method, path, self.authority, headers, body))
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT_S)
            status, length = parse_head(head)
            await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        self._idle.append((reader, writer, time.monotonic()))
        return status

    async def close(self) -> None:
        for writer in self._all:
            writer.close()


# -- sending -----------------------------------------------------------------------

Send = Callable[["LoopbackClient", str], Awaitable[int]]


async def open_loop(
    base_url: str, schedule: Sequence[tuple[float, str]], send: Send
) -> list[Result]:
    """Sends each request when it is due, without waiting for earlier answers."""
    results: list[Result] = []
    client = LoopbackClient(base_url)
    # perf_counter, not loop.time(): uvloop's clock moves in whole milliseconds.
    clock = time.perf_counter

    async def one(operation: str, due: float) -> None:
        try:
            # Waiting for a free connection counts too: an overloaded run still ends.
            status = await asyncio.wait_for(send(client, operation), TIMEOUT_S)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ProtocolError):
            status = 0
        results.append(Result(operation, clock() - due, status))

    try:
        begin = clock() + 0.1
        tasks = []
        for offset, operation in schedule:
            due = begin + offset
            delay = due - clock()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(operation, due)))
        await asyncio.gather(*tasks)
    finally:
        await client.close()
    return results


async def one_at_a_time(base_url: str, operations: Sequence[str], send: Send) -> list[Result]:
    """Each operation sent after the previous one was answered: the time of a request
    alone, without the queueing of a load."""
    results = []
    client = LoopbackClient(base_url)
    try:
        for operation in operations:
            began = time.perf_counter()
            try:
                status = await asyncio.wait_for(send(client, operation), TIMEOUT_S)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ProtocolError):
                status = 0
            results.append(Result(operation, time.perf_counter() - began, status))
    finally:
        await client.close()
    return results
