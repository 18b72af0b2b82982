"""The web app's background sender: a pass at start, and a clean stop at shutdown."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.outbox import OutgoingEmail, dispatch_periodically, enqueue
from interagency.outbox.models import OutboxEmail

# Bounds for waiting on another thread; reaching one fails the test, it does not time it.
PATIENCE_SECONDS = 60


def run_in_own_loop(coroutine: Coroutine[Any, Any, None]) -> None:
    # A loop of its own in another thread: the browser tests' driver may hold a running
    # loop in this one for the whole session, and asyncio.run refuses to nest.
    failures: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - surfaced in the test thread below
            failures.append(exc)

    runner = threading.Thread(target=main)
    runner.start()
    runner.join()
    assert failures == []


@dataclass
class HeldMailer:
    """Records e-mail; the first send waits in the mail system until `release` is set."""

    sent: list[str] = field(default_factory=list)
    in_send: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def send(self, email: OutgoingEmail) -> None:
        self.in_send.set()
        if not self.release.wait(PATIENCE_SECONDS):
            raise RuntimeError("the test never released the mailer")
        self.sent.append(email.recipient)


def add(container: Container, *recipients: str) -> None:
    with UnitOfWork(container.session_factory) as uow:
        for recipient in recipients:
            enqueue(
                uow.session,
                recipient=recipient,
                subject="Уведомление",
                body="Новое сообщение ждёт вас в системе.",
                reference="test:periodic",
            )
        uow.commit()


def statuses(container: Container) -> list[tuple[str, str]]:
    with UnitOfWork(container.session_factory) as uow:
        rows = uow.session.execute(
            select(OutboxEmail.recipient, OutboxEmail.status).order_by(OutboxEmail.id)
        )
        return [(recipient, status) for recipient, status in rows]


def test_without_an_smtp_host_the_sender_ends_at_once(container: Container) -> None:
    async def start() -> None:
        await asyncio.wait_for(dispatch_periodically(container), PATIENCE_SECONDS)

    run_in_own_loop(start())


def test_a_stop_finishes_the_email_in_hand_and_leaves_the_rest_pending(
    container: Container,
) -> None:
    add(container, "first@fsb.demo.invalid", "second@fsb.demo.invalid")
    mailer = HeldMailer()

    async def start_then_stop() -> None:
        task = asyncio.create_task(dispatch_periodically(container, mailer, interval_seconds=3600))
        assert await asyncio.to_thread(mailer.in_send.wait, PATIENCE_SECONDS)
        task.cancel()
        # One turn of the loop lets the task take the cancellation and ask its pass to stop.
        await asyncio.sleep(0)
        mailer.release.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    run_in_own_loop(start_then_stop())

    assert mailer.sent == ["first@fsb.demo.invalid"]
    assert statuses(container) == [
        ("first@fsb.demo.invalid", "sent"),
        ("second@fsb.demo.invalid", "pending"),
    ]
    with UnitOfWork(container.session_factory) as uow:
        second = uow.session.scalars(
            select(OutboxEmail).where(OutboxEmail.recipient == "second@fsb.demo.invalid")
        ).one()
        assert second.attempts == 0
