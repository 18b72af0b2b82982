"""Users' e-mail addresses: checked wherever they are set, changed only when a supervisor of
the agency approves, and every change audited (the address itself kept with the erasable
personal data)."""

from __future__ import annotations

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.errors import InvalidInput
from interagency.identity.models import ApprovalRequest, User
from tests.support.forms import submit as submit_form
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
    return submit(
        admin,
        "/admin/users",
        f"/admin/users/{login}/email",
        email=email,
        reason="A new mailbox for notifications",
    )


def test_the_model_keeps_a_normalised_address_and_refuses_a_malformed_one() -> None:
    user = User(login="x", full_name="X", agency_id=1, password_hash="-")
    user.email = "  Ivanov@FSB.Demo.Invalid "
    assert user.email == "Ivanov@fsb.demo.invalid"
    user.email = " "
    assert user.email is None
    with pytest.raises(InvalidInput):
        user.email = "ivanov@localhost"


def approve_last(app: FastAPI, council: Council, container: Container) -> None:
    with container.uow() as uow:
        row = uow.session.scalar(select(ApprovalRequest).order_by(ApprovalRequest.id.desc()))
        assert row is not None
        path, digest = f"/approvals/{row.public_id}", row.digest
    with TestClient(app) as supervisor:
        as_admin(supervisor, council, "ru_supervisor")
        answer = submit(supervisor, "/approvals", path, decision="approve", digest=digest)
        assert answer.status_code in (200, 303), answer.text


def test_an_address_changes_when_the_agencys_supervisor_approves(
    app: FastAPI, client: TestClient, council: Council, container: Container
) -> None:
    admin = as_admin(client, council, "ru_admin")

    set_answer = set_email_form(admin, "ru_liaison", "liaison@fsb.demo.invalid")
    before_approval = email_of(container, council, "ru_liaison")
    approve_last(app, council, container)
    after_set = email_of(container, council, "ru_liaison")
    listing = admin.get("/admin/users").text
    removed = set_email_form(admin, "ru_liaison", "")
    approve_last(app, council, container)

    assert set_answer.status_code == 303
    assert before_approval is None
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


def test_another_agencys_administrator_cannot_ask_for_an_address(
    client: TestClient, council: Council, container: Container
) -> None:
    admin = as_admin(client, council, "kz_admin")

    answer = set_email_form(admin, "ru_liaison", "attacker@evil.demo.invalid")

    assert answer.status_code == 404  # another agency's account: as unknown as a missing one
    assert email_of(container, council, "ru_liaison") is None
    with container.uow() as uow:
        assert uow.session.scalar(select(ApprovalRequest.id)) is None


def test_the_account_form_takes_an_address_and_keeps_a_bad_one_for_correction(
    app: FastAPI, client: TestClient, council: Council, container: Container
) -> None:
    admin = as_admin(client, council, "ru_admin")
    fields: dict[str, str | list[str]] = {
        "login": "mailed_officer",
        "full_name": "Mailed Officer",
        "agency": "RU-SVC",
        "personnel_number": "RU-5150",
        "desks": ["CT"],
        "roles": ["analyst"],
        "reason": "Joins the analysis desk",
    }

    bad = submit_form(admin, "/admin/users", "/admin/users", {**fields, "email": "no-at-sign"})
    good = submit(admin, "/admin/users", "/admin/users", **fields, email="mailed@fsb.demo.invalid")
    approve_last(app, council, container)

    assert bad.status_code == 422
    assert 'value="no-at-sign"' in bad.text
    assert "name@domain.tld" in bad.text
    assert good.status_code == 303
    with container.uow() as uow:
        added = uow.session.scalars(select(User).where(User.login == "mailed_officer")).one()
        assert added.email == "mailed@fsb.demo.invalid"
