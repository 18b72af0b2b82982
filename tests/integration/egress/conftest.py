"""The test council with what the gate's own rows need: a second supervisor in RU-SVC, a
supervisor in KZ-SVC, a service account of RU-SVC, and a daily limit of three objects
(fixture `gate`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.egress import bind_limits, services
from interagency.egress.doors import Door
from interagency.egress.models import ThirdParty
from interagency.egress.schemas import SubscriptionIn, ThirdPartyIn
from interagency.identity.models import AccountKind, Desk, Role, User, UserRole
from interagency.identity.principals import Caller
from tests.support.identity import Council, add_member

DAILY_LIMIT = 3
FEED = "ru_feed"  # a service account of RU-SVC
INTERPOL = ThirdPartyIn(
    name="INTERPOL General Secretariat",
    country="FR",
    legal_basis="Соглашение о сотрудничестве, статья 4: розыск лиц и похищенных документов",
)


@dataclass
class Gate:
    council: Council
    container: Container

    def caller(self, uow: UnitOfWork, login: str) -> Caller:
        return self.council.caller(uow, login)

    def register(self, data: ThirdPartyIn = INTERPOL) -> str:
        """A third party registered by the secretariat; its public id."""
        with self.container.uow() as uow:
            row = services.register_third_party(uow, self.caller(uow, "sec_officer"), data)
            uow.commit()
            return row.public_id

    def ask(self, asker: str, reader: str = FEED, **changes: object) -> int:
        """A subscription asked for by `asker`; its key."""
        with self.container.uow() as uow:
            row = services.ask_subscription(uow, self.caller(uow, asker), asking(reader, **changes))
            uow.commit()
            return row.id


def asking(reader: str = FEED, **changes: object) -> SubscriptionIn:
    values: dict[str, object] = {
        "reader": reader,
        "door": Door.THREAD_LIST.value,
        "daily_limit": 100,
        "purpose": "Сверка журнала пограничных событий",
        "valid_until": (date.today() + timedelta(days=30)).isoformat(),
    }
    return SubscriptionIn.model_validate(values | changes)


def add_service_account(container: Container, council: Council, login: str, agency: str) -> int:
    with container.uow() as uow:
        desk = uow.session.scalar(select(Desk).where(Desk.agency_id == council.agencies[agency]))
        user = User(
            login=login,
            full_name=f"System {login}",
            agency_id=council.agencies[agency],
            kind=AccountKind.SERVICE.value,
        )
        user.roles = [UserRole(role=Role.ANALYST.value)]
        user.desks = [desk] if desk else []
        uow.session.add(user)
        uow.session.flush()
        council.users[login] = user.id
        uow.commit()
    return council.users[login]


@pytest.fixture
def gate(container: Container, council: Council) -> Gate:
    # As `bulk_read_daily_limit` in the settings would (`bootstrap` binds it alike).
    bind_limits(container.session_factory, DAILY_LIMIT)
    add_member(container, council, "ru_supervisor2", "RU-SVC", Role.SUPERVISOR)
    add_member(container, council, "kz_supervisor", "KZ-SVC", Role.SUPERVISOR)
    add_service_account(container, council, FEED, "RU-SVC")
    return Gate(council, container)


def third_party_key(container: Container, public_id: str) -> int:
    with container.uow() as uow:
        key = uow.session.scalar(select(ThirdParty.id).where(ThirdParty.public_id == public_id))
    assert key is not None
    return key
