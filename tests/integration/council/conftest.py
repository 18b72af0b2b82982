"""The test council plus what the council's work needs: a supervisor in KZ-SVC, so that
both member agencies can take positions on a document."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

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
