"""Accounts through the pages and the API: asked for by one person, approved by a supervisor
of the owning agency, opened through a single-use enrolment link that only the user uses."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import httpx2
import pyotp
import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.db import utcnow
from interagency.identity.models import (
    ApiToken,
    ApprovalRequest,
    AuthSession,
    EnrolmentLink,
    Notification,
    Role,
    User,
)
from tests.support.forms import hidden_fields
from tests.support.forms import submit as forms_submit
from tests.support.identity import Council, add_member, api_token, csrf_token, sign_in, submit

NEW_ACCOUNT: dict[str, str | list[str]] = {
    "login": "new_officer",
    "full_name": "Новый Офицер",
    "agency": "RU-SVC",
    "personnel_number": "RU-7731",
    "desks": ["CT"],
    "roles": ["liaison_officer"],
    "reason": "Joins the counter-terrorism desk on Monday",
}


def ask_for_account(client: TestClient, **changes: str | list[str]) -> httpx2.Response:
    """The users page's form as a browser sends it: a refusal comes back on that page."""
    hidden = hidden_fields(client.get("/admin/users").text, "/admin/users")
    data = {**hidden, **NEW_ACCOUNT, **changes}
    return client.post("/admin/users", data=data, follow_redirects=False)


def as_user(app: FastAPI, council: Council, login: str) -> TestClient:
    client = TestClient(app)
    assert sign_in(client, council, login).status_code == 303
    return client


def account(container: Container, login: str) -> User:
    with container.uow() as uow:
        user = uow.session.scalar(select(User).where(User.login == login))
        assert user is not None
        uow.session.expunge_all()
        return user


def last_request(container: Container) -> ApprovalRequest:
    with container.uow() as uow:
        row = uow.session.scalar(select(ApprovalRequest).order_by(ApprovalRequest.id.desc()))
        assert row is not None
        uow.session.expunge_all()
        return row


def decide(client: TestClient, row: ApprovalRequest, decision: str) -> httpx2.Response:
    return submit(
        client, "/approvals", f"/approvals/{row.public_id}", decision=decision, digest=row.digest
    )


def shown_secret(answer: httpx2.Response) -> str:
    match = re.search(r'data-testid="secret">([^<]+)<', answer.text)
    assert match, "the approval shows no secret"
    return match.group(1)


def enrol(app: FastAPI, link: str, password: str) -> tuple[httpx2.Response, str]:
    """Opens the link as the new user would, adds the authenticator, sets the password."""
    path = link.removeprefix("http://testserver.local")
    with TestClient(app) as fresh:
        page = fresh.get(path)
        assert page.status_code == 200, page.text
        secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page.text)
        assert secret
        code = pyotp.TOTP(secret.group(1)).now()
        answer = fresh.post(
            path,
            data={
                "password": password,
                "repeated": password,
                "code": code,
                "csrf_token": csrf_token(page.text),
            },
            follow_redirects=False,
        )
        return answer, secret.group(1)


def audited(container: Container, action: str) -> list[AuditEntry]:
    with container.uow() as uow:
        rows = list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        uow.session.expunge_all()
        return rows


def test_an_account_opens_only_after_the_agencys_supervisor_approves_and_the_user_enrols(
    app: FastAPI, council: Council, container: Container
) -> None:
    admin = as_user(app, council, "ru_admin")
    asked = ask_for_account(admin)
    assert asked.status_code == 303
    pending = account(container, "new_officer")
    assert pending.pending
    assert pending.password_hash is None
    assert pending.personnel_number == "RU-7731"
    assert 'data-testid="user-new_officer"' in admin.get("/admin/users").text
    assert "waiting for approval" in admin.get("/admin/users").text

    row = last_request(container)
    # The asker may not decide; the agency's supervisor may.
    assert decide(admin, row, "approve").status_code == 403
    supervisor = as_user(app, council, "ru_supervisor")
    assert f'data-testid="approval-{row.public_id}"' in supervisor.get("/approvals").text
    approved = decide(supervisor, row, "approve")
    assert approved.status_code == 200
    assert approved.headers["cache-control"] == "no-store"
    link = shown_secret(approved)
    assert "/enrol/" in link
    opened = account(container, "new_officer")
    assert not opened.pending
    assert opened.password_hash is None

    finished, totp_secret = enrol(app, link, "my own long passphrase")
    assert finished.status_code == 303
    assert finished.headers["location"] == "/login"
    council.secrets["new_officer"] = totp_secret
    with TestClient(app) as newcomer:
        first = submit(
            newcomer, "/login", "/login", username="new_officer", password="my own long passphrase"
        )
        assert first.status_code == 303
        second = submit(
            newcomer,
            "/login/code",
            "/login/code",
            code=council.code("new_officer", utcnow() + timedelta(seconds=30)),
        )
        assert second.status_code == 303
        assert newcomer.get("/directory").status_code == 200
    # A link works once.
    with TestClient(app) as again:
        assert again.get(link.removeprefix("http://testserver.local")).status_code == 404
    assert audited(container, "auth:enrolment:complete")


def test_a_refused_account_never_opens_and_its_asker_is_told(
    app: FastAPI, council: Council, container: Container
) -> None:
    admin = as_user(app, council, "ru_admin")
    ask_for_account(admin)
    row = last_request(container)
    supervisor = as_user(app, council, "ru_supervisor")
    assert decide(supervisor, row, "refuse").status_code == 303
    refused = account(container, "new_officer")
    assert refused.refused
    with container.uow() as uow:
        told = set(
            uow.session.scalars(
                select(Notification.user_id).where(Notification.kind == "accounts:decided")
            )
        )
    assert council.users["ru_admin"] in told
    assert council.users["ru_dpo"] in told
    # The number is free again; the login never is (the audit trail names it).
    again = ask_for_account(admin, login="new_officer2")
    assert again.status_code == 303
    taken = ask_for_account(admin, personnel_number="RU-0001")
    assert taken.status_code == 409
    assert "is taken" in taken.text


def test_one_person_has_one_account_per_agency_and_both_the_form_and_the_api_say_so(
    app: FastAPI, client: TestClient, council: Council, container: Container
) -> None:
    admin = as_user(app, council, "ru_admin")
    twice = ask_for_account(admin, personnel_number="P-ru_liaison")
    assert twice.status_code == 409
    assert "personnel number P-ru_liaison" in twice.text
    assert "ru_liaison" in twice.text
    assert 'value="Новый Офицер"' in twice.text  # what was typed is kept

    token = api_token(container, council, "ru_admin")
    body = {**NEW_ACCOUNT, "personnel_number": "P-ru_liaison"}
    answer = client.post("/api/v1/users", json=body, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 409
    assert "one account per agency" in answer.json()["detail"]
    # The same number in another agency is another person.
    kz_token = api_token(container, council, "kz_admin")
    other = {**body, "login": "kz_new", "agency": "KZ-SVC"}
    made = client.post("/api/v1/users", json=other, headers={"Authorization": f"Bearer {kz_token}"})
    assert made.status_code == 201
    assert made.json()["status"] == "pending"
    assert made.json()["requested_by"] == "kz_admin"


def test_a_form_with_mistakes_says_what_to_fix_and_keeps_the_input(
    app: FastAPI, council: Council
) -> None:
    admin = as_user(app, council, "ru_admin")
    answer = ask_for_account(admin, login="X!", reason="short")
    assert answer.status_code == 422
    assert "login" in answer.text
    assert "reason" in answer.text
    assert 'value="Новый Офицер"' in answer.text
    unnumbered = ask_for_account(admin, personnel_number="")
    assert unnumbered.status_code == 422
    assert "personnel number" in unnumbered.text
    no_desk = ask_for_account(admin, desks=[])
    assert no_desk.status_code == 422
    misplaced = ask_for_account(admin, roles=["neutrality_reviewer"])
    assert misplaced.status_code == 422
    assert "does not belong" in misplaced.text


def test_a_new_supervisor_needs_another_supervisor_of_the_same_agency(
    app: FastAPI, council: Council, container: Container
) -> None:
    add_member(container, council, "ru_supervisor2", "RU-SVC", Role.SUPERVISOR)
    asker = as_user(app, council, "ru_supervisor")
    assert (
        submit(
            asker,
            "/admin/users",
            "/admin/users/ru_analyst/roles",
            role="supervisor",
            reason="Leads the CT desk from December",
        ).status_code
        == 303
    )
    row = last_request(container)
    assert decide(asker, row, "approve").status_code == 404  # own request: not offered
    for login in ("ru_admin", "ru_admin2", "sec_admin", "kz_admin"):
        assert decide(as_user(app, council, login), row, "approve").status_code in (403, 404)
    assert Role.SUPERVISOR.value not in {r.role for r in account(container, "ru_analyst").roles}
    assert decide(as_user(app, council, "ru_supervisor2"), row, "approve").status_code == 303
    assert Role.SUPERVISOR.value in {r.role for r in account(container, "ru_analyst").roles}
    assert audited(container, "identity:account-change:role-grant:approve")


def test_an_approval_carries_out_exactly_what_was_seen(
    app: FastAPI, council: Council, container: Container
) -> None:
    admin = as_user(app, council, "ru_admin")
    submit(
        admin,
        "/admin/users",
        "/admin/users/ru_analyst/desks",
        desk="BORDER",
        reason="Covers the border desk in winter",
    )
    row = last_request(container)
    supervisor = as_user(app, council, "ru_supervisor")
    stale = submit(
        supervisor, "/approvals", f"/approvals/{row.public_id}", decision="approve", digest="0" * 64
    )
    assert stale.status_code == 409
    # The account changes after the request: the approval no longer applies to it.
    with container.uow() as uow:
        user = uow.session.get(User, council.users["ru_analyst"])
        assert user is not None
        user.full_name = "Someone Else Now"
        uow.commit()
    changed = decide(supervisor, row, "approve")
    assert changed.status_code == 409
    assert "changed after request" in changed.text
    assert {d.code for d in _desks(container, "ru_analyst")} == {"CT"}
    assert decide(supervisor, row, "refuse").status_code == 303


def _desks(container: Container, login: str) -> list[object]:
    with container.uow() as uow:
        user = uow.session.scalar(select(User).where(User.login == login))
        assert user is not None
        desks = list(user.desks)
        uow.session.expunge_all()
        return desks


def test_a_reset_ends_every_session_and_token_and_the_user_enrols_again(
    app: FastAPI, council: Council, container: Container
) -> None:
    victim = as_user(app, council, "ru_liaison")
    token = api_token(container, council, "ru_liaison")
    admin = as_user(app, council, "ru_admin")
    submit(
        admin,
        "/admin/users",
        "/admin/users/ru_liaison/reset",
        reason="Phone lost on a mission abroad",
    )
    assert victim.get("/directory").status_code == 200  # nothing happens before approval
    supervisor = as_user(app, council, "ru_supervisor")
    approved = decide(supervisor, last_request(container), "approve")
    assert approved.status_code == 200
    reset = account(container, "ru_liaison")
    assert reset.password_hash is None
    assert reset.totp_secret is None
    assert victim.get("/directory", follow_redirects=False).status_code == 303
    assert (
        TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    finished, _ = enrol(app, shown_secret(approved), "a fresh long passphrase")
    assert finished.status_code == 303
    assert account(container, "ru_liaison").password_hash is not None


def test_a_password_change_ends_every_other_session_and_the_users_tokens(
    app: FastAPI, council: Council, container: Container
) -> None:
    elsewhere = as_user(app, council, "ru_liaison")
    token = api_token(container, council, "ru_liaison")
    service_token = _approved_service_token(app, council, container)
    here = as_user(app, council, "ru_liaison")
    changed = submit(
        here,
        "/account/password",
        "/account/password",
        current="correct horse battery staple",
        new="an entirely new passphrase",
        repeated="an entirely new passphrase",
    )
    assert changed.status_code == 303
    assert here.get("/directory").status_code == 200  # the session that changed it stays
    assert elsewhere.get("/directory", follow_redirects=False).status_code == 303
    api = TestClient(app)
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    # A service account's token is not the user's: it stays.
    assert (
        api.get("/api/v1/me", headers={"Authorization": f"Bearer {service_token}"}).status_code
        == 200
    )


def _approved_service_token(app: FastAPI, council: Council, container: Container) -> str:
    admin = as_user(app, council, "ru_admin")
    asked = ask_for_account(
        admin,
        login="border_system",
        full_name="Border crossing system",
        personnel_number="",
        service="true",
        roles=["analyst"],
        reason="The border service screens crossings",
    )
    assert asked.status_code == 303, asked.text
    supervisor = as_user(app, council, "ru_supervisor")
    assert decide(supervisor, last_request(container), "approve").status_code == 303
    submit(
        admin,
        "/admin/users",
        "/admin/users/border_system/tokens",
        name="Screening at Brest crossing",
        days="30",
        reason="Installed on the crossing's server",
    )
    approved = decide(supervisor, last_request(container), "approve")
    assert approved.status_code == 200
    return shown_secret(approved)


def test_a_service_account_has_no_password_and_acts_only_through_an_approved_token(
    app: FastAPI, council: Council, container: Container
) -> None:
    secret = _approved_service_token(app, council, container)
    service = account(container, "border_system")
    assert service.is_service
    assert service.password_hash is None
    answer = TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    assert answer.json()["login"] == "border_system"
    with container.uow() as uow:
        token = uow.session.scalar(select(ApiToken).where(ApiToken.user_id == service.id))
        assert token is not None
        assert token.approval_id is not None
    # The asker is never shown the secret; the listing shows the service apart.
    admin = as_user(app, council, "ru_admin")
    assert secret not in admin.get("/approvals").text
    listing = admin.get("/admin/users").text
    services = listing[listing.index('data-testid="services"') :]
    assert "border_system" in services
    # No password, so no sign-in at all.
    with TestClient(app) as anyone:
        refused = submit(anyone, "/login", "/login", username="border_system", password="x" * 12)
        assert refused.status_code == 401
    # A service never becomes a supervisor.
    wrong = submit(
        admin,
        "/admin/users",
        "/admin/users/border_system/roles",
        role="supervisor",
        reason="A system that would approve",
    )
    assert wrong.status_code == 422


def test_an_address_change_and_a_re_enabling_wait_for_the_supervisor(
    app: FastAPI, council: Council, container: Container
) -> None:
    admin = as_user(app, council, "ru_admin")
    submit(
        admin,
        "/admin/users",
        "/admin/users/ru_liaison/email",
        email="attacker@evil.demo.invalid",
        reason="New mailbox for the officer",
    )
    assert account(container, "ru_liaison").email is None
    supervisor = as_user(app, council, "ru_supervisor")
    row = last_request(container)
    assert "attacker@evil.demo.invalid" in supervisor.get("/approvals").text
    decide(supervisor, row, "approve")
    assert account(container, "ru_liaison").email == "attacker@evil.demo.invalid"

    submit(admin, "/admin/users", "/admin/users/ru_analyst/disable", reason="Left the service")
    assert account(container, "ru_analyst").disabled_at is not None
    submit(
        admin,
        "/admin/users",
        "/admin/users/ru_analyst/re-enable",
        reason="Came back from the secondment",
    )
    assert account(container, "ru_analyst").disabled_at is not None
    decide(supervisor, last_request(container), "approve")
    assert account(container, "ru_analyst").disabled_at is None


def test_the_agency_sees_every_request_and_decision_with_who_asked_and_who_approved(
    app: FastAPI, council: Council, container: Container
) -> None:
    proposer = as_user(app, council, "sec_admin")
    assert (
        ask_for_account(proposer, reason="Proposed by the council's secretariat").status_code == 303
    )
    row = last_request(container)
    with container.uow() as uow:
        asked = {
            (n.user_id, n.link)
            for n in uow.session.scalars(
                select(Notification).where(Notification.kind == "accounts:asked")
            )
        }
    assert asked == {
        (council.users["ru_supervisor"], "/approvals"),
        (council.users["ru_dpo"], "/accounts/changes"),
    }
    supervisor = as_user(app, council, "ru_supervisor")
    decide(supervisor, row, "refuse")
    dpo = as_user(app, council, "ru_dpo")
    page = dpo.get("/accounts/changes")
    assert page.status_code == 200
    entry = page.text[page.text.index(f'data-testid="change-{row.public_id}"') :]
    assert "sec_admin (TEST-SEC)" in entry
    assert "ru_supervisor" in entry
    assert "refused" in entry
    # Another agency sees none of it.
    kz = as_user(app, council, "kz_dpo")
    assert f'data-testid="change-{row.public_id}"' not in kz.get("/accounts/changes").text
    assert as_user(app, council, "ru_liaison").get("/accounts/changes").status_code == 403


def test_an_enrolment_link_expires_and_a_wrong_code_counts(
    app: FastAPI, council: Council, container: Container
) -> None:
    admin = as_user(app, council, "ru_admin")
    ask_for_account(admin)
    approved = decide(as_user(app, council, "ru_supervisor"), last_request(container), "approve")
    path = shown_secret(approved).removeprefix("http://testserver.local")
    with TestClient(app) as fresh:
        page = fresh.get(path)
        wrong = fresh.post(
            path,
            data={
                "password": "my own long passphrase",
                "repeated": "my own long passphrase",
                "code": "000000",
                "csrf_token": csrf_token(page.text),
            },
        )
        assert wrong.status_code == 401
        assert audited(container, "auth:enrolment:failed")
        with time_machine.travel(utcnow() + timedelta(hours=73)):
            assert fresh.get(path).status_code == 404
    with container.uow() as uow:
        link = uow.session.scalar(select(EnrolmentLink))
        assert link is not None
        assert link.used_at is None
        assert len(link.token_hash) == 64
        assert link.token_hash not in path


def test_a_member_agencys_administrator_cannot_reach_another_agency(
    app: FastAPI, council: Council, container: Container
) -> None:
    kz_admin = as_user(app, council, "kz_admin")
    answer = ask_for_account(kz_admin)  # an RU-SVC account
    assert answer.status_code == 403
    # Another agency's account is as unknown to them as a login nobody has.
    assert (
        submit(kz_admin, "/admin/users", "/admin/users/ru_liaison/disable", reason="no").status_code
        == 404
    )
    # The secretariat proposes, but never disables a member agency's account.
    sec = as_user(app, council, "sec_admin")
    assert (
        submit(sec, "/admin/users", "/admin/users/ru_liaison/disable", reason="no").status_code
        == 403
    )
    assert account(container, "ru_liaison").disabled_at is None


def test_sessions_of_an_account_end_with_its_trust(
    app: FastAPI, council: Council, container: Container
) -> None:
    """A pending account has no session to end; a disabled one has all of its ended."""
    with container.uow() as uow:
        live = uow.session.scalar(
            select(AuthSession).where(AuthSession.user_id == council.users["ru_analyst"])
        )
    assert live is None
    analyst = as_user(app, council, "ru_analyst")
    submit(
        as_user(app, council, "ru_supervisor"),
        "/admin/users",
        "/admin/users/ru_analyst/disable",
        reason="Suspected compromise",
    )
    assert analyst.get("/directory", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("login", ["ru_liaison", "ru_dpo", "ru_auditor"])
def test_the_account_pages_are_for_those_who_ask_or_decide(
    app: FastAPI, council: Council, login: str
) -> None:
    someone = as_user(app, council, login)
    assert someone.get("/admin/users").status_code == 403
    assert someone.get("/approvals").status_code == 403


def test_a_role_or_a_desk_is_taken_away_at_once_and_the_agency_is_told(
    app: FastAPI, council: Council, container: Container
) -> None:
    analyst = as_user(app, council, "ru_analyst")
    assert analyst.get("/records").status_code == 200
    admin = as_user(app, council, "ru_admin")
    taken = submit(
        admin,
        "/admin/users",
        "/admin/users/ru_analyst/roles/remove",
        role="analyst",
        reason="Moved to another service",
    )
    assert taken.status_code == 303
    assert account(container, "ru_analyst").roles == []
    # The signed-in session loses the access with the same request that follows.
    assert analyst.get("/records").status_code == 403
    desk = submit(
        admin, "/admin/users", "/admin/users/ru_liaison/desks/remove", desk="CT", reason="Rotated"
    )
    assert desk.status_code == 303
    assert account(container, "ru_liaison").desks == []
    with container.uow() as uow:
        told = set(
            uow.session.scalars(
                select(Notification.user_id).where(Notification.kind == "accounts:taken-away")
            )
        )
    assert told == {council.users["ru_supervisor"], council.users["ru_dpo"]}
    # Another agency's administrator reaches nothing; taking away what is not held says so.
    kz = as_user(app, council, "kz_admin")
    refused = submit(
        kz, "/admin/users", "/admin/users/ru_supervisor/roles/remove", role="supervisor", reason="x"
    )
    assert refused.status_code == 404
    again = submit(
        admin, "/admin/users", "/admin/users/ru_liaison/desks/remove", desk="CT", reason="Again"
    )
    assert again.status_code == 409
    assert len(audited(container, "identity:user:take-away")) == 2


def test_a_refused_enrolment_says_beside_the_field_what_to_fix_and_sets_nothing(
    app: FastAPI, council: Council, container: Container
) -> None:
    admin = as_user(app, council, "ru_admin")
    ask_for_account(admin)
    approved = decide(as_user(app, council, "ru_supervisor"), last_request(container), "approve")
    path = urlsplit(shown_secret(approved)).path
    with TestClient(app) as fresh:
        fields = {"password": "my own long passphrase", "repeated": "another long one", "code": "1"}
        answer = forms_submit(fresh, path, path, fields, "ru")
    assert answer.status_code == 422
    assert 'id="e-repeated">Новые пароли не совпадают' in answer.text
    assert 'data-testid="totp-secret"' in answer.text  # the page itself, to try again
    assert "passphrase" not in answer.text
    assert "another long one" not in answer.text
    assert account(container, "new_officer").password_hash is None
    with container.uow() as uow:
        link = uow.session.scalar(select(EnrolmentLink))
        assert link is not None
        assert link.used_at is None
