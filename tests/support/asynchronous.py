"""Running a coroutine from a synchronous test, whatever loop the test process already has.

Playwright's synchronous API keeps an event loop running in the main thread for the whole
session, so `asyncio.run` there fails; a thread of its own gets a loop of its own.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    results: list[T] = []
    failures: list[BaseException] = []

    def main() -> None:
        try:
            results.append(asyncio.run(coroutine))
        except BaseException as exc:  # noqa: BLE001 - raised again in the test's thread
            failures.append(exc)

    # The caller's context goes along (its language, say), as a server's thread pool does.
    context = contextvars.copy_context()
    worker = threading.Thread(target=context.run, args=(main,))
    worker.start()
    worker.join()
    if failures:
        raise failures[0]
    return results[0]
