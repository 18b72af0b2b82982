"""The secretariat registers and withdraws third parties; the list shows the active ones,
with the legal basis for those who judge it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.egress import services
from interagency.egress.models import ThirdParty
from interagency.egress.schemas import ThirdPartyIn
from interagency.errors import Conflict, NotFound
from interagency.web.ids import NO_ROW
from tests.integration.egress.conftest import INTERPOL, Gate, third_party_key
from tests.support.audit_trail import audit_actions
from tests.support.refusals import refused


def listed(gate: Gate, login: str) -> list[tuple[str, str, str | None]]:
    with gate.container.uow() as uow:
        rows = services.list_third_parties(uow, gate.caller(uow, login))
        uow.commit()
    return [(row.name, row.country, row.legal_basis) for row in rows]


def test_the_secretariat_registers_and_everyone_at_work_sees_the_list(gate: Gate) -> None:
    gate.register()
    name = "INTERPOL General Secretariat"
    for login in ("ru_liaison", "ru_analyst", "kz_liaison"):
        assert listed(gate, login) == [(name, "FR", None)]
    for login in ("sec_officer", "ru_supervisor", "ru_dpo", "kz_dpo"):
        assert listed(gate, login) == [(name, "FR", INTERPOL.legal_basis)]
    assert audit_actions(gate.container, "egress:third-party:register") == [
        ("egress:third-party:register", "ok", "sec_officer")
    ]


@pytest.mark.parametrize("login", ["ru_admin", "sec_admin", "ru_auditor", "ru_supervisor"])
def test_nobody_but_the_secretariat_registers_one(gate: Gate, login: str) -> None:
    with gate.container.uow() as uow, refused() as events:
        services.register_third_party(uow, gate.caller(uow, login), INTERPOL)
    assert events[0].action == "egress:third-party:register"
    assert events[0].actor_login == login
    assert listed(gate, "sec_officer") == []


@pytest.mark.parametrize("login", ["ru_admin", "ru_auditor", "board_reviewer"])
def test_who_does_not_work_with_content_does_not_list_them(gate: Gate, login: str) -> None:
    gate.register()
    with gate.container.uow() as uow, refused():
        services.list_third_parties(uow, gate.caller(uow, login))


def test_a_withdrawn_one_is_kept_but_listed_no_more(gate: Gate) -> None:
    public_id = gate.register()
    key = third_party_key(gate.container, public_id)
    with gate.container.uow() as uow, refused() as events:
        services.withdraw_third_party(uow, gate.caller(uow, "ru_supervisor"), key)
    assert (events[0].action, events[0].object_ref) == ("egress:third-party:withdraw", str(key))
    with gate.container.uow() as uow:
        services.withdraw_third_party(uow, gate.caller(uow, "sec_officer"), key)
        uow.commit()
    assert listed(gate, "ru_liaison") == []
    with gate.container.uow() as uow:
        row = uow.session.scalar(select(ThirdParty).where(ThirdParty.public_id == public_id))
        assert row is not None
        assert row.withdrawn_at is not None
        with pytest.raises(Conflict):
            services.withdraw_third_party(uow, gate.caller(uow, "sec_officer"), key)
        with pytest.raises(NotFound):
            services.withdraw_third_party(uow, gate.caller(uow, "sec_officer"), NO_ROW)
    assert audit_actions(gate.container, "egress:third-party:withdraw") == [
        ("egress:third-party:withdraw", "ok", "sec_officer")
    ]


def test_the_same_body_is_registered_once(gate: Gate) -> None:
    gate.register()
    with gate.container.uow() as uow, pytest.raises(Conflict):
        services.register_third_party(uow, gate.caller(uow, "sec_officer"), INTERPOL)


def test_the_legal_basis_is_sealed(gate: Gate) -> None:
    public_id = gate.register()
    with gate.container.uow() as uow:
        stored = uow.session.scalar(
            select(ThirdParty.legal_basis_sealed).where(ThirdParty.public_id == public_id)
        )
    assert stored is not None
    assert "Соглашение".encode() not in stored


@pytest.mark.parametrize(
    ("field", "value"),
    [("country", "QQ"), ("country", "fr"), ("country", "EU"), ("legal_basis", "   "),
     ("name", "")],
)  # fmt: skip
def test_a_country_must_exist_and_a_legal_basis_be_written(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ThirdPartyIn.model_validate(INTERPOL.model_dump() | {field: value})
    assert raised.value.errors()[0]["loc"] == (field,)


def test_no_single_country_is_written_xx(container: Container) -> None:
    data = ThirdPartyIn.model_validate(INTERPOL.model_dump() | {"country": "XX"})
    assert data.country == "XX"
