"""A real server process started by the real command line, on a temporary SQLite database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(
    url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text(errors="replace")
            raise RuntimeError(f"the server exited early:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {timeout} s")


@contextmanager
def demo_server(folder: Path) -> Iterator[str]:
    """Runs `interagency demo` (migrate, load, serve) and yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "INTERAGENCY_DATABASE_URL": f"sqlite:///{folder / 'e2e.db'}",
        "INTERAGENCY_KEY_DIR": str(folder / "keys"),
    }
    command = [sys.executable, "-m", "interagency", "demo", "--port", str(port)]
    log_path = folder / "server.log"
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until_serving(f"{base_url}/health", process, log_path)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
