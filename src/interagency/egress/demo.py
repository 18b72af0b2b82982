"""The gate's demo: one third party, registered by the demo secretariat's officer through
the service (so the register is audited as a real one), added only when missing."""

from __future__ import annotations

from typing import Final

from sqlalchemy import select

from interagency.db import UnitOfWork
from interagency.egress import services
from interagency.egress.models import ThirdParty
from interagency.egress.schemas import ThirdPartyIn
from interagency.identity.models import Role, User, UserRole
from interagency.identity.principals import Caller, principal_of

DEMO_THIRD_PARTY: Final = ThirdPartyIn(
    name="INTERPOL General Secretariat",
    country="FR",
    legal_basis=(
        "Соглашение о сотрудничестве между Советом и Генеральным секретариатом Интерпола, "
        "статья 4: обмен сведениями о розыске лиц и похищенных документах "
        "(демонстрационный текст)."
    ),
)


def load(uow: UnitOfWork) -> int:
    """Registers the demo's third party if no third party has its name; returns how many
    were added (0 or 1)."""
    known = uow.session.scalar(
        select(ThirdParty.id).where(ThirdParty.name == DEMO_THIRD_PARTY.name)
    )
    officer = uow.session.scalar(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.SECRETARIAT.value, User.disabled_at.is_(None))
        .order_by(User.id)
        .limit(1)
    )
    if known is not None or officer is None:
        return 0
    services.register_third_party(uow, Caller(principal_of(officer)), DEMO_THIRD_PARTY)
    return 1
