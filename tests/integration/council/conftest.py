"""The test council plus what the council's work needs: a supervisor in KZ-SVC, so that
both member agencies can take positions on a document."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.identity.models import Role, User, UserRole
from interagency.identity.principals import Caller
from tests.support.identity import Council, password_hash


@dataclass
class Secretariat:
    council: Council
    container: Container

    def caller(self, uow: UnitOfWork, login: str) -> Caller:
        return self.council.caller(uow, login)


@pytest.fixture
def members(container: Container, council: Council) -> Secretariat:
    with container.uow() as uow:
        user = User(
            login="kz_supervisor",
            full_name="Test kz_supervisor",
            agency_id=council.agencies["KZ-SVC"],
            password_hash=password_hash(),
        )
        user.roles = [UserRole(role=Role.SUPERVISOR.value)]
        uow.session.add(user)
        uow.session.flush()
        council.users["kz_supervisor"] = user.id
        uow.commit()
    return Secretariat(council, container)


def audit_actions(container: Container, prefix: str) -> list[tuple[str, str, str | None]]:
    """(action, outcome, actor login) of the audit entries whose action starts with prefix."""
    with container.uow() as uow:
        rows = uow.session.execute(
            select(AuditEntry.action, AuditEntry.outcome, AuditEntry.actor_login)
            .where(AuditEntry.action.startswith(prefix))
            .order_by(AuditEntry.seq)
        )
        return [(action, outcome, login) for action, outcome, login in rows]
