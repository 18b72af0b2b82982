"""Shared records under test: the test council (RU-SVC and KZ-SVC) plus a second RU
supervisor (four eyes) and a KZ supervisor, and helpers that enter records as a user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.identity.models import Notification, Role, User, UserRole
from interagency.records import services
from interagency.records.schemas import RecordIn
from tests.support.identity import Council, password_hash

EXTRA_USERS = {
    "ru_supervisor2": ("RU-SVC", Role.SUPERVISOR),
    "kz_supervisor": ("KZ-SVC", Role.SUPERVISOR),
}

RASHAD_RU = {"surname": "Гусейнов", "given_name": "Рашад", "birth_date": "14.03.1985", "sex": "M"}
RASHAD_LATIN = {"surname": "Huseynov", "given_name": "Rashad", "birth_date": "1985-03-14"}


def person(particulars: dict[str, str] | None = None, **fields: Any) -> RecordIn:
    """A suspect's record on terrorism charges unless `fields` say otherwise."""
    values: dict[str, Any] = {
        "kind": "person",
        "particulars": particulars or RASHAD_RU,
        "subject_category": "suspect",
        "purpose": "Prevention of a terrorist attack during the regional games",
        "legal_basis": "Agreement on cooperation against terrorism, art. 5",
        "offence_article": "Criminal code, art. 205",
        "offence_category": "terrorism",
    }
    values.update(fields)
    return RecordIn.model_validate(values)


@dataclass
class Records:
    council: Council
    container: Container

    def context(self) -> services.Context:
        return services.Context(vault=self.container.vault)

    def save(self, login: str, data: RecordIn) -> services.Saved:
        with self.container.uow() as uow:
            saved = services.create(uow, self.council.caller(uow, login), self.context(), data)
            uow.commit()
        return saved

    def hit_count(self) -> int:
        from interagency.records.models import Hit

        with self.container.uow() as uow:
            return len(uow.session.scalars(select(Hit.id)).all())

    def notices(self, login: str) -> list[tuple[str, dict[str, Any]]]:
        with self.container.uow() as uow:
            rows = uow.session.execute(
                select(Notification.kind, Notification.params)
                .where(Notification.user_id == self.council.users[login])
                .order_by(Notification.id)
            )
            return [(kind, params) for kind, params in rows]

    def audit(self, prefix: str) -> list[tuple[str, str, str | None]]:
        with self.container.uow() as uow:
            rows = uow.session.execute(
                select(AuditEntry.action, AuditEntry.outcome, AuditEntry.actor_login)
                .where(AuditEntry.action.startswith(prefix))
                .order_by(AuditEntry.seq)
            )
            return [(action, outcome, login) for action, outcome, login in rows]


@pytest.fixture
def records(container: Container, council: Council) -> Records:
    with container.uow() as uow:
        for login, (agency, role) in EXTRA_USERS.items():
            user = User(
                login=login,
                full_name=f"Test {login}",
                agency_id=council.agencies[agency],
                password_hash=password_hash(),
            )
            user.roles = [UserRole(role=role.value)]
            uow.session.add(user)
            uow.session.flush()
            council.users[login] = user.id
        uow.commit()
    return Records(council, container)
