"""A real SMTP server on loopback for the outbox tests: aiosmtpd, recording what it accepts.

aiosmtpd's Controller runs its own event loop in a thread of its own, so it does not
meet the loop that the browser tests may keep running in the test process.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from interagency.outbox.mailer import SmtpMailer

SENDER = "notify@council.demo.invalid"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return cast(EmailMessage, message_from_bytes(self.raw, policy=policy.default))


@dataclass
class RecordingHandler:
    """Accepts every message except for the addresses in `refused`."""

    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    async def handle_RCPT(  # noqa: N802 - the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        self.received.append(
            Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), bytes(content))
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpSink:
    """An SMTP server on a fixed loopback port that can be stopped and started again."""

    def __init__(self, **controller_options: Any) -> None:
        self.port = free_port()
        self.handler = RecordingHandler()
        self._options = controller_options
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self._options)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def mailer(self, **options: Any) -> SmtpMailer:
        values: dict[str, Any] = {"starttls": False}
        values.update(options)
        return SmtpMailer(host="127.0.0.1", port=self.port, sender=SENDER, **values)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
