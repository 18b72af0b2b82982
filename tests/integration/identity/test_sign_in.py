"""Signing in through the pages: password, TOTP, sessions, back-off, logout, fixation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.identity import login
from interagency.identity.models import User
from interagency.identity.sessions import SessionLimits
from interagency.web.auth import SESSION_COOKIE
from tests.support.identity import PASSWORD, Council, sign_in, submit


def password_step(client: TestClient, username: str, password: str = PASSWORD) -> int:
    return submit(client, "/login", "/login", username=username, password=password).status_code


def audit_actions(container: Container) -> list[str]:
    with container.uow() as uow:
        return list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_password_then_code_signs_in_and_opens_protected_pages(
    client: TestClient, council: Council
) -> None:
    assert client.get("/directory", follow_redirects=False).headers["location"] == (
        "/login?next=%2Fdirectory"
    )
    answer = sign_in(client, council, "ru_liaison")
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    page = client.get("/directory")
    assert page.status_code == 200
    assert "RU-SVC" in page.text


def test_the_password_alone_opens_nothing(client: TestClient, council: Council) -> None:
    assert password_step(client, "ru_liaison") == 303
    assert client.get("/directory", follow_redirects=False).status_code == 303


def test_an_unknown_login_gets_the_same_answer_as_a_wrong_password(
    client: TestClient, council: Council
) -> None:
    wrong = submit(client, "/login", "/login", username="ru_liaison", password="not it at all")
    unknown = submit(client, "/login", "/login", username="nobody_here", password="not it")
    assert wrong.status_code == unknown.status_code == 401
    assert "The login or the password is wrong." in wrong.text
    assert "The login or the password is wrong." in unknown.text
    assert SESSION_COOKIE not in wrong.headers.get("set-cookie", "")


def test_failed_sign_ins_are_audited_with_the_login_kept_aside(
    client: TestClient, council: Council, container: Container
) -> None:
    password_step(client, "nobody_here", "guess")
    with container.uow() as uow:
        entry = uow.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "auth:login:failed")
        )
        assert entry is not None
        assert entry.outcome == "failed"
        # The attempted login is personal data: it is in the side table, not in the entry.
        assert "nobody_here" not in entry.detail


def test_back_off_holds_an_account_after_repeated_failures_then_lets_it_in(
    client: TestClient, council: Council
) -> None:
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            assert password_step(client, "ru_analyst", "wrong password") == 401
        assert password_step(client, "ru_analyst", "wrong password") == 429
        # Even the right password waits: the back-off is not a hint that it was right.
        held = submit(client, "/login", "/login", username="ru_analyst", password=PASSWORD)
        assert held.status_code == 429
        assert "try again in" in held.text
        clock.shift(timedelta(seconds=3))
        assert password_step(client, "ru_analyst") == 303


def test_back_off_per_address_stops_guessing_across_many_logins(
    client: TestClient, council: Council
) -> None:
    with time_machine.travel(datetime.now(UTC), tick=False):
        statuses = [password_step(client, f"guess{n}", "wrong") for n in range(21)]
        assert statuses[:20] == [401] * 20
        assert statuses[20] == 429
        assert password_step(client, "ru_analyst") == 429


def test_a_totp_code_is_accepted_only_once(client: TestClient, council: Council) -> None:
    code = council.code("ru_liaison")
    password_step(client, "ru_liaison")
    first = submit(client, "/login/code", "/login/code", code=code)
    assert first.status_code == 303
    assert submit(client, "/logout", "/logout").status_code == 303
    password_step(client, "ru_liaison")
    replay = submit(client, "/login/code", "/login/code", code=code)
    assert replay.status_code == 401
    assert "used already" in replay.text


def test_the_session_id_changes_at_each_factor_and_old_ids_are_dead(
    client: TestClient, council: Council
) -> None:
    client.get("/login")
    password_step(client, "ru_liaison")
    after_password = client.cookies[SESSION_COOKIE]
    submit(client, "/login/code", "/login/code", code=council.code("ru_liaison"))
    after_code = client.cookies[SESSION_COOKIE]
    assert after_password != after_code
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, after_password)
    assert client.get("/directory", follow_redirects=False).status_code == 303


def test_a_planted_session_id_is_worth_nothing(client: TestClient, council: Council) -> None:
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver.local")
    sign_in(client, council, "ru_liaison")
    assert client.cookies[SESSION_COOKIE] != "planted-by-an-attacker"


def test_logout_really_ends_the_session(client: TestClient, council: Council) -> None:
    sign_in(client, council, "ru_liaison")
    session_id = client.cookies[SESSION_COOKIE]
    assert submit(client, "/directory", "/logout").status_code == 303
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, session_id)
    assert client.get("/directory", follow_redirects=False).status_code == 303


def test_sessions_end_when_idle_and_at_the_absolute_limit(
    client: TestClient, council: Council, container: Container
) -> None:
    settings = container.settings
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, council, "ru_liaison")
        clock.shift(timedelta(minutes=settings.session_idle_minutes - 1))
        assert client.get("/directory", follow_redirects=False).status_code == 200
        clock.shift(timedelta(minutes=settings.session_idle_minutes + 1))
        assert client.get("/directory", follow_redirects=False).status_code == 303
    with time_machine.travel(start + timedelta(hours=1), tick=False) as clock:
        sign_in(client, council, "ru_liaison")
        # Active every few minutes, yet the absolute limit still ends it.
        for _ in range(settings.session_absolute_hours * 3):
            clock.shift(timedelta(minutes=20))
            if client.get("/directory", follow_redirects=False).status_code != 200:
                break
        elapsed = datetime.now(UTC) - (start + timedelta(hours=1))
        assert timedelta(hours=settings.session_absolute_hours) <= elapsed
        assert elapsed < timedelta(hours=settings.session_absolute_hours, minutes=21)


def test_production_makes_a_user_without_a_second_factor_enrol(
    container: Container, council: Council
) -> None:
    config = login.LoginConfig(
        limits=SessionLimits(timedelta(minutes=30), timedelta(hours=12)),
        key_dir=container.settings.key_dir,
        second_factor_required=True,
    )
    with container.uow() as uow:
        user = uow.session.get(User, council.users["ru_analyst"])
        assert user is not None
        user.totp_secret = None
        step = login.sign_in(uow, "ru_analyst", PASSWORD, None, config)
        assert isinstance(step, login.Step)
        assert step.must_enrol
        enrolment = login.begin_enrolment(uow, user, config.key_dir)
        code = login.totp.code_for(enrolment.secret, datetime.now(UTC))
        done = login.confirm_code(uow, step.session_id, code, None, config)
        assert isinstance(done, login.Step)
        assert done.stage.value == "complete"
        assert user.totp_secret is not None
        assert user.totp_pending is None
        uow.commit()
    assert "auth:totp:enrolled" in audit_actions(container)


def test_without_production_a_user_with_no_factor_signs_in_with_the_password(
    client: TestClient, container: Container, council: Council
) -> None:
    with container.uow() as uow:
        user = uow.session.get(User, council.users["ru_analyst"])
        assert user is not None
        user.totp_secret = None
        uow.commit()
    assert password_step(client, "ru_analyst") == 303
    page = client.get("/account")
    assert page.status_code == 200
    assert "required in production" in page.text


def test_a_half_signed_in_session_expires_quickly(client: TestClient, council: Council) -> None:
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert password_step(client, "ru_liaison") == 303
        clock.shift(timedelta(minutes=6))
        late = submit(client, "/login/code", "/login/code", code=council.code("ru_liaison"))
        assert late.status_code == 303
        assert late.headers["location"] == "/login"
        assert client.get("/directory", follow_redirects=False).status_code == 303


def test_spelling_the_login_differently_does_not_escape_the_back_off(
    client: TestClient, council: Council
) -> None:
    with time_machine.travel(datetime.now(UTC), tick=False):
        for variant in ("ru_analyst", " ru_analyst", "RU_ANALYST "):
            assert password_step(client, variant, "wrong password") == 401
        assert password_step(client, "\u00a0ru_analyst", "wrong password") == 429
        assert password_step(client, " Ru_Analyst ") == 429
        # A control character is refused before anything is tried, as in every text.
        assert password_step(client, "\tru_analyst", "wrong password") == 422


def test_digits_of_another_script_are_a_wrong_code_not_an_error(
    client: TestClient, council: Council
) -> None:
    password_step(client, "ru_liaison")
    answer = submit(client, "/login/code", "/login/code", code="１２３４５６")
    assert answer.status_code == 401


def test_a_forged_non_ascii_form_token_is_refused_cleanly(client: TestClient) -> None:
    client.get("/login")
    answer = client.post("/language", data={"language": "en", "csrf_token": "é.1.é"})
    assert answer.status_code == 403
