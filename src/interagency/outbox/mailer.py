"""Sending one e-mail: the `Mailer` protocol the dispatcher calls, and its SMTP implementation."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

from pydantic import SecretStr

from interagency.config import Settings
from interagency.db import utcnow

from .addresses import normalise_address

# Seconds that one blocking SMTP operation (connect, a command, the data) may take, so that
# a relay that hangs delays the outbox instead of stopping it.
SMTP_TIMEOUT_SECONDS = 20.0
# RFC 5321: reply codes from 500 on are permanent; the same e-mail will fail again.
PERMANENT_REPLY = 500


@dataclass(frozen=True)
class OutgoingEmail:
    """What a mailer sends: one outbox row, read in the dispatcher's claim."""

    id: int
    recipient: str
    subject: str
    body: str
    reference: str
    created_at: datetime


class MailerError(Exception):
    """An e-mail was not accepted; `permanent` when sending it again cannot succeed."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Mailer(Protocol):
    """Hands one e-mail to a mail system.

    Returns once the mail system has accepted the e-mail. Raises MailerError when it was
    not accepted (with `permanent=True` when retrying is pointless, e.g. the recipient's
    address does not exist); any other exception counts as a temporary failure.
    """

    def send(self, email: OutgoingEmail) -> None: ...


def message_id(email: OutgoingEmail, sender: str) -> str:
    """The same Message-ID every time one outbox row is sent.

    Delivery is at least once: after a crash between sending and recording it, the row
    is sent again, and the repeated Message-ID lets mail systems and readers recognise
    the copy. The creation time keeps ids apart across databases that reuse row ids.
    """
    domain = sender.rpartition("@")[2]
    stamp = email.created_at.strftime("%Y%m%d%H%M%S%f")
    return f"<outbox.{email.id}.{stamp}@{domain}>"


def build_message(
    email: OutgoingEmail, sender: str, *, now: datetime | None = None
) -> EmailMessage:
    """A plain-text UTF-8 message; non-ASCII subjects are encoded as RFC 2047 words."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.recipient
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now or utcnow())
    message["Message-ID"] = message_id(email, sender)
    # RFC 3834: a notification, so out-of-office replies are not sent back to the platform.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Interagency-Reference"] = email.reference
    message.set_content(email.body, charset="utf-8")
    return message


@dataclass(frozen=True)
class SmtpMailer:
    """Sends through an SMTP relay, with STARTTLS (certificate checked) when asked to.

    One connection per e-mail: notifications are few, and a fresh connection never
    inherits the state of a failed one.
    """

    host: str
    port: int
    sender: str
    starttls: bool = True
    username: str = ""
    password: SecretStr = field(default_factory=lambda: SecretStr(""), repr=False)
    timeout: float = SMTP_TIMEOUT_SECONDS
    tls_context: ssl.SSLContext | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sender", normalise_address(self.sender))

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer:
        return cls(
            host=settings.smtp_host.strip(),
            port=settings.smtp_port,
            sender=settings.mail_from,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password,
        )

    def send(self, email: OutgoingEmail) -> None:
        message = build_message(email, self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=self.tls_context or ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password.get_secret_value())
                smtp.send_message(message, from_addr=self.sender, to_addrs=[email.recipient])
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _reply in refused.recipients.values()]
            raise MailerError(
                f"the relay refused the recipient: {_replies(refused.recipients)}",
                permanent=all(code >= PERMANENT_REPLY for code in codes),
            ) from None
        except smtplib.SMTPAuthenticationError as exc:
            # Never the password itself; the reply says whether the relay rejected the login.
            raise MailerError(
                f"the relay refused the login {self.username!r}: {exc.smtp_code}"
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise MailerError(
                f"the relay answered {exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise MailerError(
                f"could not reach the relay {self.host}:{self.port}: {type(exc).__name__}: {exc}"
            ) from None


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _replies(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address}: {code} {_text(reply)}" for address, (code, reply) in recipients.items()
    )
