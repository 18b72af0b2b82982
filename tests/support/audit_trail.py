"""Reading the audit trail back in tests."""

from __future__ import annotations

from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container


def audit_actions(container: Container, prefix: str) -> list[tuple[str, str, str | None]]:
    """(action, outcome, actor login) of the audit entries whose action starts with prefix."""
    with container.uow() as uow:
        rows = uow.session.execute(
            select(AuditEntry.action, AuditEntry.outcome, AuditEntry.actor_login)
            .where(AuditEntry.action.startswith(prefix))
            .order_by(AuditEntry.seq)
        )
        return [(action, outcome, login) for action, outcome, login in rows]
