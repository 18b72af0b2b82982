"""`interagency outbox send|list`: one dispatch pass by hand, and what the outbox holds."""

from __future__ import annotations

from typing import Annotated

import typer

from interagency.errors import DomainError
from interagency.terminal import console, container_or_exit, fail, refused

from .dispatch import dispatch_due
from .mailer import SmtpMailer
from .models import EmailStatus
from .services import recent

outbox_app = typer.Typer(
    help="E-mail notifications: send what is due, list what the outbox holds.",
    no_args_is_help=True,
)


@outbox_app.command("send")
def send(
    batch: Annotated[int, typer.Option(help="At most this many e-mails.", min=1)] = 50,
) -> None:
    """Send the e-mail that is due now, once (the web server also does it periodically)."""
    container = container_or_exit()
    settings = container.settings
    if not settings.email_enabled:
        raise fail("e-mail is off: set INTERAGENCY_SMTP_HOST (see docs/operations.md)")
    try:
        mailer = SmtpMailer.from_settings(settings)
    except DomainError as exc:
        raise fail(f"INTERAGENCY_MAIL_FROM: {exc.message.format(**exc.params)}") from None
    report = dispatch_due(container, mailer, batch=batch)
    console.print(
        f"Sent {report.sent}; {report.retried} to retry later; {report.failed} failed for good."
    )


@outbox_app.command("list")
def list_emails(
    limit: Annotated[int, typer.Option(help="How many of the newest e-mails.", min=1)] = 50,
    status: Annotated[EmailStatus | None, typer.Option(help="Only this status.")] = None,
) -> None:
    """List the newest e-mails with their status, attempts and last error (never bodies).

    Times are UTC."""
    try:
        with container_or_exit().uow() as uow:
            rows = recent(uow.session, limit=limit, status=status)
    except DomainError as exc:
        raise refused(exc) from None
    # One line per e-mail rather than a table: it never wraps, and `grep` finds rows.
    for row in rows:
        if row.sent_at is not None:
            when = f"sent {row.sent_at:%Y-%m-%d %H:%M:%S}"
        elif row.status == EmailStatus.PENDING:
            when = f"next {row.next_attempt_at:%Y-%m-%d %H:%M:%S}"
        else:
            when = "given up"
        console.print(
            f"#{row.id}  {row.status}  attempts {row.attempts}  "
            f"created {row.created_at:%Y-%m-%d %H:%M:%S}  {when}  "
            f"{row.recipient}  {row.reference}",
            markup=False,
        )
        if row.last_error:
            console.print(f"    last error: {row.last_error}", markup=False)
    if not rows:
        console.print("The outbox holds no such e-mail.")
