"""Users' e-mail addresses: checked wherever they are set, changed only by those who may,
and every change audited (the address itself kept with the erasable personal data)."""

from __future__ import annotations

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.errors import InvalidInput
from interagency.identity import accounts
from interagency.identity.models import User
from tests.support.identity import Council, sign_in, submit


def email_of(container: Container, council: Council, login: str) -> str | None:
    with container.uow() as uow:
        row = uow.session.get(User, council.users[login])
        assert row is not None
        return row.email


def audited(container: Container, action: str) -> list[tuple[str, str | None]]:
    with container.uow() as uow:
        return [
            (entry.outcome, entry.object_ref)
            for entry in uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        ]


def as_admin(client: TestClient, council: Council, login: str) -> TestClient:
    assert sign_in(client, council, login).status_code == 303
    return client


def set_email_form(admin: TestClient, login: str, email: str) -> httpx2.Response:
    return submit(admin, "/admin/users", f"/admin/users/{login}/email", email=email)


def test_the_model_keeps_a_normalised_address_and_refuses_a_malformed_one() -> None:
    user = User(login="x", full_name="X", agency_id=1, password_hash="-")
    user.email = "  Ivanov@FSB.Demo.Invalid "
    assert user.email == "Ivanov@fsb.demo.invalid"
    user.email = " "
    assert user.email is None
    with pytest.raises(InvalidInput):
        user.email = "ivanov@localhost"


def test_an_administrator_sets_and_removes_an_address_of_their_agency(
    client: TestClient, council: Council, container: Container
) -> None:
    admin = as_admin(client, council, "ru_admin")

    set_answer = set_email_form(admin, "ru_liaison", "liaison@fsb.demo.invalid")
    after_set = email_of(container, council, "ru_liaison")
    listing = admin.get("/admin/users").text
    removed = set_email_form(admin, "ru_liaison", "")

    assert set_answer.status_code == 303
    assert after_set == "liaison@fsb.demo.invalid"
    assert 'value="liaison@fsb.demo.invalid"' in listing
    assert removed.status_code == 303
    assert email_of(container, council, "ru_liaison") is None
    user_ref = str(council.users["ru_liaison"])
    assert audited(container, "identity:user:email") == [("ok", user_ref), ("ok", user_ref)]


def test_a_malformed_address_is_refused_with_what_to_fix(
    client: TestClient, council: Council, container: Container
) -> None:
    admin = as_admin(client, council, "ru_admin")

    answer = set_email_form(admin, "ru_liaison", "ivanov at fsb")

    assert answer.status_code == 422
    assert "name@domain.tld" in answer.text
    assert email_of(container, council, "ru_liaison") is None


def test_another_agencys_administrator_cannot_set_an_address(
    client: TestClient, council: Council, container: Container
) -> None:
    admin = as_admin(client, council, "kz_admin")

    answer = set_email_form(admin, "ru_liaison", "attacker@evil.demo.invalid")

    assert answer.status_code == 403
    assert email_of(container, council, "ru_liaison") is None
    assert ("ok", str(council.users["ru_liaison"])) not in audited(container, "identity:user:email")


def test_the_add_user_form_takes_an_address_and_keeps_a_bad_one_for_correction(
    client: TestClient, council: Council, container: Container
) -> None:
    admin = as_admin(client, council, "ru_admin")
    fields: dict[str, str | list[str]] = {
        "login": "mailed_officer",
        "full_name": "Mailed Officer",
        "agency": "RU-SVC",
        "desks": ["CT"],
        "roles": ["analyst"],
        "password": "a long enough first password",
    }

    bad = submit(admin, "/admin/users", "/admin/users", **fields, email="no-at-sign")
    good = submit(admin, "/admin/users", "/admin/users", **fields, email="mailed@fsb.demo.invalid")

    assert bad.status_code == 422
    assert 'value="no-at-sign"' in bad.text
    assert "name@domain.tld" in bad.text
    assert good.status_code == 303
    with container.uow() as uow:
        added = uow.session.scalars(select(User).where(User.login == "mailed_officer")).one()
        assert added.email == "mailed@fsb.demo.invalid"


def test_the_operator_sets_an_address_without_a_role_but_audited(
    council: Council, container: Container
) -> None:
    with container.uow() as uow:
        out = accounts.set_email(uow, None, "kz_liaison", "liaison@knb.demo.invalid")
        uow.commit()

    assert out.email == "liaison@knb.demo.invalid"
    assert audited(container, "identity:user:email") == [("ok", str(council.users["kz_liaison"]))]
