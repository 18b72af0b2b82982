"""Transactional outbox: e-mail written in the business transaction, sent afterwards and retried.

Callers write with `enqueue` in their own transaction (references and markings only,
never content); `dispatch_due` sends what is due, run every minute by a worker's job
(`interagency.background`) while SMTP is configured.
"""

from interagency.outbox.dispatch import DispatchReport, dispatch_due
from interagency.outbox.mailer import Mailer, MailerError, OutgoingEmail, SmtpMailer
from interagency.outbox.models import EmailStatus
from interagency.outbox.services import MAX_BODY_CHARS, OutboxEntryView, enqueue, recent

__all__ = [
    "MAX_BODY_CHARS",
    "DispatchReport",
    "EmailStatus",
    "Mailer",
    "MailerError",
    "OutboxEntryView",
    "OutgoingEmail",
    "SmtpMailer",
    "dispatch_due",
    "enqueue",
    "recent",
]
