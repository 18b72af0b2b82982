"""Domain errors raised by services; the web layer maps each kind to one HTTP status.

Messages are English source strings translated at display time, and never carry
internal details (SQL, paths, stack traces).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from interagency.audit.events import AuditEvent


class DomainError(Exception):
    """Base of every error a user can cause and correct."""

    status = 400
    title = "Bad request"
    # Where a browser is sent instead of an error page, when there is a page that fixes it.
    redirect_to: str | None = None
    # The audit event of a refusal: the policy raises, the handler that answers audits.
    refusal: AuditEvent | None = None

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def refused_as(self, event: AuditEvent) -> Self:
        """This error, carrying the refusal it answers (`audit.refusals`)."""
        self.refusal = event
        return self


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class InvalidInput(DomainError):
    status = 422
    title = "Invalid input"

    def __init__(self, message: str, *, for_field: str | None = None, **params: object) -> None:
        super().__init__(message, **params)
        # The form field the message is shown beside; None for a rule of the whole form.
        self.for_field = for_field


class NotAuthenticated(DomainError):
    """No valid session or token: pages send the browser to sign in, the API answers 401."""

    status = 401
    title = "Sign-in required"


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, message: str, retry_after: int, **params: object) -> None:
        super().__init__(message, retry_after=retry_after, **params)
        self.retry_after = retry_after
