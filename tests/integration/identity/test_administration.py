"""Administration through the pages: users, four-eyes approvals, break-glass, the audit page."""

from __future__ import annotations

import csv
import io

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.identity.accounts import user_out
from interagency.identity.models import AuthSession, Notification, User
from interagency.identity.schemas import UserOut
from tests.support.identity import Council, api_token, sign_in, submit
from tests.support.ids import public_of


def user(container: Container, council: Council, login: str) -> UserOut:
    with container.uow() as uow:
        row = uow.session.get(User, council.users[login])
        assert row is not None
        return user_out(row)


def entries(container: Container, action: str) -> list[AuditEntry]:
    with container.uow() as uow:
        rows = list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        uow.session.expunge_all()  # keeps the loaded values readable after the block
        return rows


NEW_USER: dict[str, str | list[str]] = {
    "login": "new_officer",
    "full_name": "New Officer",
    "agency": "RU-SVC",
    "personnel_number": "RU-9001",
    "desks": ["CT"],
    "roles": ["analyst"],
    "reason": "Joins the analysis desk",
}


def add_user_form(admin: TestClient, **changes: str | list[str]) -> httpx2.Response:
    """Submits the form asking for an account: a valid new analyst, but for the fields
    changed."""
    return submit(admin, "/admin/users", "/admin/users", **{**NEW_USER, **changes})


def as_user(app_client: TestClient, council: Council, login: str) -> TestClient:
    assert sign_in(app_client, council, login).status_code == 303
    return app_client


def test_an_agency_administrator_cannot_touch_another_agencys_users(
    client: TestClient, council: Council, container: Container
) -> None:
    admin = as_user(client, council, "kz_admin")
    answer = submit(admin, "/admin/users", "/admin/users/ru_liaison/disable", reason="no")
    # Another agency's account is as unknown to them as a login nobody has.
    assert answer.status_code == 404
    missing = submit(admin, "/admin/users", "/admin/users/nobody_at_all/disable", reason="no")
    assert missing.status_code == 404
    assert "No user has the login ru_liaison." in answer.text
    assert "No user has the login nobody_at_all." in missing.text
    assert user(container, council, "ru_liaison").disabled_at is None
    refusals = [e for e in entries(container, "users:manage") if e.outcome == "denied"]
    assert refusals, "the refusal is audited"


def test_disabling_a_user_ends_every_session_and_token_at_once(
    app: object, client: TestClient, council: Council, container: Container
) -> None:
    token = api_token(container, council, "ru_liaison")
    with TestClient(app) as victim:  # type: ignore[arg-type]
        as_user(victim, council, "ru_liaison")
        assert (
            victim.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )
        admin = as_user(client, council, "ru_admin")
        done = submit(
            admin, "/admin/users", "/admin/users/ru_liaison/disable", reason="Left the service"
        )
        assert done.status_code == 303
        assert victim.get("/directory", follow_redirects=False).status_code == 303
        assert (
            victim.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 401
        )
    with container.uow() as uow:
        live = uow.session.scalars(
            select(AuthSession).where(
                AuthSession.user_id == council.users["ru_liaison"], AuthSession.ended_at.is_(None)
            )
        ).all()
        assert live == []


def test_break_glass_opens_another_agencys_profile_and_alerts_both_dpos(
    app: object, client: TestClient, council: Council, container: Container
) -> None:
    supervisor = as_user(client, council, "ru_supervisor")
    target = public_of(container, User, council.users["kz_liaison"])
    locked = supervisor.get(f"/users/{target}")
    assert locked.status_code == 403
    assert "break-glass" in locked.text
    too_short = submit(
        supervisor,
        f"/users/{target}",
        f"/users/{target}/break-glass",
        reason="urgent",
        minutes="30",
    )
    assert too_short.status_code == 422
    opened = submit(
        supervisor,
        f"/users/{target}",
        f"/users/{target}/break-glass",
        reason="Suspected impersonation in a joint operation",
        minutes="30",
    )
    assert opened.status_code == 303
    assert "Test kz_liaison" in supervisor.get(f"/users/{target}").text
    with container.uow() as uow:
        alerted = set(
            uow.session.scalars(
                select(Notification.user_id).where(Notification.kind == "break-glass:opened")
            )
        )
    assert alerted == {council.users["kz_dpo"], council.users["ru_dpo"]}
    with TestClient(app) as other:  # type: ignore[arg-type]
        dpo = as_user(other, council, "kz_dpo")
        assert "(1)" in dpo.get("/").text  # the unread count in the navigation
        listing = dpo.get("/break-glass").text
        access_id = _access_id(container)
        assert f"/break-glass/{access_id}" in listing
        closed = submit(
            dpo,
            f"/break-glass/{access_id}",
            f"/break-glass/{access_id}/close",
            note="Justified: confirmed with the KZ desk",
        )
        assert closed.status_code == 303
        assert f"/break-glass/{access_id}" not in dpo.get("/break-glass").text
    # The review also ends the access.
    assert supervisor.get(f"/users/{target}").status_code == 403


def _access_id(container: Container) -> str:
    """The public id of the one break-glass access."""
    from interagency.identity.models import BreakGlassAccess

    with container.uow() as uow:
        found = uow.session.scalar(select(BreakGlassAccess.public_id))
        assert found is not None
        return found


def test_a_dpo_of_an_agency_not_concerned_sees_nothing_to_review(
    client: TestClient, council: Council, container: Container
) -> None:
    from interagency.identity import breakglass

    with container.uow() as uow:
        breakglass.open_access(
            uow,
            council.caller(uow, "ru_supervisor"),
            "user",
            public_of(container, User, council.users["ru_analyst"]),
            "Checking an account used out of hours",
            30,
        )
        uow.commit()
    dpo = as_user(client, council, "kz_dpo")
    assert dpo.get(f"/break-glass/{_access_id(container)}").status_code == 403


def test_agency_auditors_read_their_agency_and_council_auditors_read_all(
    app: object, client: TestClient, council: Council, container: Container
) -> None:
    with TestClient(app) as kz:  # type: ignore[arg-type]
        as_user(kz, council, "kz_liaison")
        kz.get("/directory")
    auditor = as_user(client, council, "ru_auditor")
    page = auditor.get("/audit?action=auth:login")
    assert page.status_code == 200
    assert "ru_auditor" in page.text
    assert "kz_liaison" not in page.text
    with TestClient(app) as other:  # type: ignore[arg-type]
        council_auditor = as_user(other, council, "sec_auditor")
        assert "kz_liaison" in council_auditor.get("/audit?action=auth:login").text
    searches = entries(container, "audit:search")
    assert searches
    assert "ids" in searches[0].detail


def test_the_audit_export_is_csv_and_is_itself_audited(
    client: TestClient, council: Council, container: Container
) -> None:
    auditor = as_user(client, council, "sec_auditor")
    export = auditor.get("/audit/export.csv?outcome=ok")
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    text = io.StringIO(export.text)
    assert next(csv.reader(text))[0] == "export"  # the gate's line comes first
    rows = list(csv.DictReader(text))
    assert rows
    assert {row["outcome"] for row in rows} == {"ok"}
    assert any(row["action"] == "auth:login:ok" for row in rows)
    assert entries(container, "audit:export")


def test_the_audit_page_refuses_other_roles_and_audits_the_refusal(
    client: TestClient, council: Council, container: Container
) -> None:
    officer = as_user(client, council, "ru_liaison")
    assert officer.get("/audit").status_code == 403
    assert officer.get("/audit/export.csv").status_code == 403
    refused = [e for e in entries(container, "audit:view") if e.outcome == "denied"]
    assert refused
    assert refused[0].actor_login == "ru_liaison"


def test_the_review_board_sees_only_its_queue(client: TestClient, council: Council) -> None:
    reviewer = as_user(client, council, "board_reviewer")
    assert reviewer.get("/review").status_code == 200
    assert reviewer.get("/directory").status_code == 403
    home = reviewer.get("/").text
    assert 'href="/directory"' not in home
    assert 'href="/review"' in home


def test_an_api_token_is_shown_once_works_and_can_be_revoked(
    client: TestClient, council: Council
) -> None:
    officer = as_user(client, council, "ru_liaison")
    page = submit(officer, "/account", "/account/tokens", name="nightly sync", days="30")
    assert page.status_code == 200
    import re

    match = re.search(r'data-testid="new-token">(ia_[^<]+)<', page.text)
    assert match
    secret = match.group(1)
    assert secret not in officer.get("/account").text
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=bearer).json()["login"] == "ru_liaison"
    token_id = re.search(r"/account/tokens/([a-z2-7]{26})/revoke", officer.get("/account").text)
    assert token_id
    submit(officer, "/account", f"/account/tokens/{token_id.group(1)}/revoke")
    assert client.get("/api/v1/me", headers=bearer).status_code == 401


def test_the_approvals_page_is_only_for_those_who_ask_or_decide(
    client: TestClient, council: Council, container: Container
) -> None:
    dpo = as_user(client, council, "ru_dpo")
    assert dpo.get("/approvals").status_code == 403
    assert [e.actor_login for e in entries(container, "accounts:change:decide")] == ["ru_dpo"]


def test_the_role_in_a_refusal_is_named_in_the_readers_language(
    client: TestClient, council: Council
) -> None:
    admin = as_user(client, council, "ru_admin")
    answer = add_user_form(admin, login="sneaky", roles=["neutrality_reviewer"])
    client.cookies.set("lang", "ru", domain="testserver.local")
    again = add_user_form(admin, login="sneaky", roles=["neutrality_reviewer"])
    assert "Neutrality reviewer" in answer.text
    assert "эксперт по проверке нейтральности" in again.text.lower()


@pytest.mark.parametrize("login", ["ru_liaison", "nobody_at_all"])
def test_whether_a_login_exists_is_not_told_to_those_without_the_right(
    client: TestClient, council: Council, login: str
) -> None:
    reviewer = as_user(client, council, "board_reviewer")
    assert (
        submit(reviewer, "/review", f"/admin/users/{login}/disable", reason="x").status_code == 403
    )


@pytest.mark.parametrize("role", ["administrator", "supervisor"])
def test_another_agencys_roles_are_not_told_by_a_different_answer(
    client: TestClient, council: Council, role: str
) -> None:
    supervisor = as_user(client, council, "ru_supervisor")
    answer = submit(
        supervisor,
        "/",
        "/admin/users/kz_admin/roles",
        role=role,
        reason="Probing what kz_admin holds",
    )
    assert answer.status_code == 404  # as for a login nobody has


def test_break_glass_falls_back_to_the_secretariats_dpos_and_never_goes_unreviewed(
    container: Container, council: Council
) -> None:
    from interagency.errors import Conflict
    from interagency.identity import breakglass
    from interagency.identity.models import UserRole

    target = public_of(container, User, council.users["kz_liaison"])
    reason = "Suspected impersonation in a joint operation"
    with container.uow() as uow:
        for login in ("ru_dpo", "kz_dpo"):
            row = uow.session.get(User, council.users[login])
            assert row is not None
            row.roles = []
        uow.session.flush()
        with pytest.raises(Conflict):
            breakglass.open_access(
                uow, council.caller(uow, "ru_supervisor"), "user", target, reason, 30
            )
        uow.session.add(UserRole(user_id=council.users["sec_admin"], role="dpo"))
        uow.session.flush()
        access = breakglass.open_access(
            uow, council.caller(uow, "ru_supervisor"), "user", target, reason, 30
        )
        assert council.agencies["TEST-SEC"] in {agency.id for agency in access.agencies}
        alerted = set(uow.session.scalars(select(Notification.user_id)))
        assert alerted == {council.users["sec_admin"]}


def test_replacing_the_authenticator_needs_a_code_of_the_current_one(
    client: TestClient, council: Council, container: Container
) -> None:
    officer = as_user(client, council, "ru_liaison")
    refused = submit(officer, "/account", "/account/2fa", current_code="000000")
    assert refused.status_code == 422
    assert entries(container, "auth:reauthentication:failed")
    assert 'data-testid="totp-secret"' not in officer.get("/account").text
    accepted = submit(officer, "/account", "/account/2fa", current_code=council.code("ru_liaison"))
    assert accepted.status_code == 303
    assert 'data-testid="totp-secret"' in officer.get("/account").text
