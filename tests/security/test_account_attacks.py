"""Insiders attacking accounts: every path from an account change to an agency's content.

The attack that worked before accounts were approved by their agency: the secretariat's
administrator made a liaison officer in a member agency, with its desks and a password he
chose, signed in as that officer and read the agency's RED traffic. Each test below is
one such path, tried by every role of every body the test council has; each would have
passed the attacker through before (an administrator created, granted, reset and approved),
and each is closed now: the change waits for a supervisor of the owning agency, who is
never the asker, never the person concerned, and never an administrator.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.errors import Conflict, DomainError, Forbidden, NotFound
from interagency.identity import accounts, approvals, breakglass
from interagency.identity.cli import users_app
from interagency.identity.models import (
    ApprovalRequest,
    ApprovalStatus,
    EnrolmentLink,
    Role,
    User,
)
from interagency.identity.policy import Change
from interagency.identity.schemas import AccountIn
from interagency.web.app import ROUTERS
from tests.support.identity import MEMBERS, Council, add_member, sign_in, submit
from tests.support.ids import public_of

EVERY_LOGIN = sorted(MEMBERS)
# Whoever of the test council may decide an RU-SVC change: its one supervisor.
RU_SUPERVISOR = "ru_supervisor"


def state(uow: UnitOfWork, login: str) -> dict[str, object]:
    user = uow.session.scalar(select(User).where(User.login == login))
    assert user is not None
    uow.session.refresh(user)
    return approvals.account_state(user) | {"password": user.password_hash}


def officer(login: str = "mole", number: str = "RU-6666", agency: str = "RU-SVC") -> AccountIn:
    """The attack's account: a liaison officer at both desks of a member agency."""
    return AccountIn(
        login=login,
        full_name="Planted Officer",
        agency=agency,
        personnel_number=number,
        desks=["CT", "BORDER"],
        roles=[Role.LIAISON_OFFICER],
    )


def try_to_decide(uow: UnitOfWork, council: Council, login: str, row: ApprovalRequest) -> bool:
    """True when `login` could approve; the attempt is rolled back either way."""
    savepoint = uow.session.begin_nested()
    try:
        approvals.decide(
            uow, council.caller(uow, login), row.id, approve=True, seen_digest=row.digest
        )
    except (Forbidden, NotFound):
        return False
    finally:
        savepoint.rollback()
    return True


# --- the attack of the issue, step by step ------------------------------------------------


def test_the_secretariats_administrator_cannot_plant_an_officer_in_a_member_agency(
    container: Container, council: Council
) -> None:
    with container.uow() as uow:
        row = accounts.ask_for_account(
            uow, council.caller(uow, "sec_admin"), officer(), "Urgent liaison for the summit"
        )
        uow.commit()
    with container.uow() as uow:
        planted = state(uow, "mole")
        assert planted["pending"] is True
        assert planted["roles"] == []
        assert planted["desks"] == []
        assert planted["password"] is None
        assert uow.session.scalar(select(EnrolmentLink.id)) is None
        # Nobody but an RU-SVC supervisor lets it in: not the asker, not two administrators.
        deciders = [login for login in EVERY_LOGIN if try_to_decide(uow, council, login, row)]
        assert deciders == [RU_SUPERVISOR]
        # And the supervisor sees what is asked, and by whom.
        pending = approvals.pending_for(uow, council.caller(uow, RU_SUPERVISOR))
        assert [r.id for r in pending] == [row.id]
        assert pending[0].requested_by_id == council.users["sec_admin"]


def test_the_planted_account_cannot_sign_in_with_any_password(
    app: FastAPI, container: Container, council: Council
) -> None:
    with container.uow() as uow:
        accounts.ask_for_account(uow, council.caller(uow, "ru_admin"), officer(), "A new officer")
        uow.commit()
    with TestClient(app) as client:
        for guess in ("correct horse battery staple", "a long enough password"):
            answer = submit(client, "/login", "/login", username="mole", password=guess)
            assert answer.status_code in (401, 429)


# --- every change, every attacker ----------------------------------------------------------

Setup = Callable[[Container, Council], tuple[str, Change, dict[str, object]]]


def _role(container: Container, council: Council) -> tuple[str, Change, dict[str, object]]:
    return "ru_liaison", Change.ROLE, {"role": Role.SUPERVISOR.value}


def _desk(container: Container, council: Council) -> tuple[str, Change, dict[str, object]]:
    return "ru_liaison", Change.DESK, {"desk": "BORDER"}


def _email(container: Container, council: Council) -> tuple[str, Change, dict[str, object]]:
    return "ru_liaison", Change.EMAIL, {"email": "mole@evil.demo.invalid"}


def _reset(container: Container, council: Council) -> tuple[str, Change, dict[str, object]]:
    return "ru_analyst", Change.RESET, {}


def _reenable(container: Container, council: Council) -> tuple[str, Change, dict[str, object]]:
    with container.uow() as uow:
        accounts.disable(uow, None, "ru_analyst", "left the service")
        uow.commit()
    return "ru_analyst", Change.REENABLE, {}


def _token(container: Container, council: Council) -> tuple[str, Change, dict[str, object]]:
    with container.uow() as uow:
        service = AccountIn(
            login="gate_system",
            full_name="Gate system",
            agency="RU-SVC",
            service=True,
            desks=["CT"],
            roles=[Role.ANALYST],
        )
        row = accounts.ask_for_account(
            uow, council.caller(uow, "ru_admin"), service, "The border gates"
        )
        approvals.decide(
            uow,
            council.caller(uow, RU_SUPERVISOR),
            row.id,
            approve=True,
            seen_digest=row.digest,
        )
        uow.commit()
    return "gate_system", Change.SERVICE_TOKEN, {"name": "Gate 4", "days": 30}


CHANGES: dict[str, Setup] = {
    "role": _role,
    "desk": _desk,
    "email": _email,
    "reset": _reset,
    "re-enable": _reenable,
    "service token": _token,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_no_change_reaches_a_member_agencys_content_without_its_supervisor(
    container: Container, council: Council, change: str
) -> None:
    target, kind, payload = CHANGES[change](container, council)
    with container.uow() as uow:
        before = state(uow, target)
        askers = []
        for login in EVERY_LOGIN:
            savepoint = uow.session.begin_nested()
            try:
                approvals.ask_about(
                    uow, council.caller(uow, login), kind, target, payload, "An attempt"
                )
                askers.append(login)
            except (Forbidden, NotFound):
                pass
            finally:
                savepoint.rollback()
        # Only the agency's own administrators and supervisor ask, and the secretariat's
        # administrator proposes (never a service token).
        expected = {"ru_admin", "ru_admin2", RU_SUPERVISOR}
        if kind is not Change.SERVICE_TOKEN:
            expected.add("sec_admin")
        assert set(askers) == expected
        row = approvals.ask_about(
            uow, council.caller(uow, "ru_admin"), kind, target, payload, "An attempt"
        )
        uow.session.flush()
        deciders = [login for login in EVERY_LOGIN if try_to_decide(uow, council, login, row)]
        assert deciders == [RU_SUPERVISOR]
        assert state(uow, target) == before  # nothing happened while it waits


def test_two_administrators_together_cannot_make_a_supervisor(
    container: Container, council: Council
) -> None:
    with container.uow() as uow:
        for asker, target in (("ru_admin", "ru_admin2"), ("ru_admin2", "ru_admin")):
            row = approvals.ask_about(
                uow,
                council.caller(uow, asker),
                Change.ROLE,
                target,
                {"role": "supervisor"},
                "Collusion of two",
            )
            assert not try_to_decide(uow, council, target, row)
            assert not try_to_decide(uow, council, asker, row)
        assert Role.SUPERVISOR.value not in state(uow, "ru_admin")["roles"]


def test_one_person_cannot_hold_two_accounts_to_approve_their_own_request(
    container: Container, council: Council
) -> None:
    with container.uow() as uow:
        caller = council.caller(uow, RU_SUPERVISOR)
        # A second account for the same person is refused outright ...
        twin = officer("ru_supervisor_twin", number="P-ru_supervisor")
        with pytest.raises(Conflict):
            accounts.ask_for_account(uow, caller, twin, "My second desk account")
        # ... and one asked under another number waits for another supervisor, never them.
        row = accounts.ask_for_account(uow, caller, officer(number="RU-4242"), "A new officer")
        assert not try_to_decide(uow, council, RU_SUPERVISOR, row)


def test_a_supervisor_cannot_approve_changes_to_their_own_account(
    container: Container, council: Council
) -> None:
    with container.uow() as uow:
        row = approvals.ask_about(
            uow,
            council.caller(uow, "ru_admin"),
            Change.EMAIL,
            RU_SUPERVISOR,
            {"email": "mine@evil.demo.invalid"},
            "Redirect my notices",
        )
        assert not try_to_decide(uow, council, RU_SUPERVISOR, row)


def test_the_secret_of_an_approval_reaches_the_approver_only(
    app: FastAPI, container: Container, council: Council
) -> None:
    """A reset proposed by the secretariat: the new enrolment link is shown once to the RU
    supervisor who approved it, and appears nowhere the asker can look."""
    with container.uow() as uow:
        row = approvals.ask_about(
            uow, council.caller(uow, "sec_admin"), Change.RESET, "ru_liaison", {}, "Lost phone"
        )
        decision = approvals.decide(
            uow, council.caller(uow, RU_SUPERVISOR), row.id, approve=True, seen_digest=row.digest
        )
        uow.commit()
    assert decision.secret is not None
    assert decision.secret.startswith("/enrol/")
    with TestClient(app) as asker:
        sign_in(asker, council, "sec_admin")
        for page in ("/approvals", "/admin/users", "/notifications", "/accounts/changes"):
            answer = asker.get(page)
            assert decision.secret not in answer.text, page
            assert "/enrol/" not in answer.text, page
    with container.uow() as uow:
        stored = uow.session.scalar(select(EnrolmentLink.token_hash))
        assert stored is not None
        assert stored not in decision.secret


def test_the_operator_proposes_and_bootstraps_but_never_opens_an_agency(
    container: Container, council: Council
) -> None:
    with container.uow() as uow:
        row = accounts.ask_for_account(uow, None, officer(), "Proposed at installation")
        assert state(uow, "mole")["pending"] is True
        assert row.requested_by_id is None
        # The agency has a supervisor: no second bootstrap.
        with pytest.raises(Conflict):
            accounts.add_first_supervisor(uow, officer("boss", number="RU-1"))
        # Nor may the operator ask for a role, a desk, an address or a token.
        for change, payload in (
            (Change.ROLE, {"role": "supervisor"}),
            (Change.DESK, {"desk": "BORDER"}),
            (Change.EMAIL, {"email": "op@evil.demo.invalid"}),
        ):
            with pytest.raises(Forbidden):
                approvals.ask_about(uow, None, change, "ru_liaison", payload, "Operator wants")
    # The command line has no command that sets a password or grants anything directly.
    commands = {command.name for command in users_app.registered_commands}
    assert commands == {"add", "reset", "disable", "list", "demo-code"}


def test_break_glass_opens_profiles_only_and_never_for_administrators(
    container: Container, council: Council
) -> None:
    assert set(breakglass.PROTECTED_KINDS) == {"user"}
    with container.uow() as uow:
        for login in ("ru_admin", "sec_admin", "kz_admin"):
            with pytest.raises(Forbidden):
                breakglass.open_access(
                    uow,
                    council.caller(uow, login),
                    "user",
                    public_of(container, User, council.users["kz_liaison"]),
                    "Looking for a way into another agency",
                    30,
                )
        # A supervisor who opened a KZ profile still cannot touch KZ accounts.
        supervisor = council.caller(uow, RU_SUPERVISOR)
        breakglass.open_access(
            uow,
            supervisor,
            "user",
            public_of(container, User, council.users["kz_liaison"]),
            "Suspected impersonation in a joint operation",
            30,
        )
        # KZ accounts are not RU's to see: the login is answered as one nobody has.
        with pytest.raises(NotFound):
            approvals.ask_about(
                uow, supervisor, Change.DESK, "kz_liaison", {"desk": "BORDER"}, "Via break-glass"
            )


# Routes that only take access away, at once and without approval.
TAKING_AWAY = ("/disable", "/roles/remove", "/desks/remove")


def test_every_account_route_only_asks_or_takes_access_away(
    app: FastAPI, container: Container, council: Council
) -> None:
    """Walks every page route that changes an account: each either leaves the account as
    it was (the change waits for approval) or only takes access away, whatever a route
    added later is called."""
    paths = sorted(
        route.path
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        and route.path.startswith("/admin/users/{login}/")
        and "POST" in route.methods
    )
    assert len(paths) >= 9
    fields = {
        "role": "liaison_officer",
        "desk": "CT",
        "email": "walk@evil.demo.invalid",
        "name": "Walk",
        "days": "10",
        "reason": "Walking every route",
    }
    with TestClient(app) as admin:
        sign_in(admin, council, "ru_admin")
        for path in paths:
            with container.uow() as uow:
                before = state(uow, "ru_liaison")
            answer = submit(admin, "/admin/users", path.replace("{login}", "ru_liaison"), **fields)
            assert answer.status_code in (303, 409, 422), (path, answer.status_code)
            with container.uow() as uow:
                after = state(uow, "ru_liaison")
            if path.endswith(TAKING_AWAY):
                assert set(after["roles"]) <= set(before["roles"]), path
                assert set(after["desks"]) <= set(before["desks"]), path
                assert after["password"] == before["password"], path
                assert after["email"] == before["email"], path
            else:
                assert after == before, path
    with container.uow() as uow:
        waiting = uow.session.scalars(
            select(ApprovalRequest.action).where(
                ApprovalRequest.status == ApprovalStatus.PENDING.value
            )
        )
        assert set(waiting) >= {"email-change", "credentials-reset"}


def test_a_request_made_by_anyone_is_decided_by_nobody_outside_the_agency(
    container: Container, council: Council
) -> None:
    """For the council's bodies too: a secretariat account waits for the secretariat's head,
    whom the member agencies' supervisors are not."""
    add_member(container, council, "sec_head", "TEST-SEC", Role.SUPERVISOR)
    with container.uow() as uow:
        row = accounts.ask_for_account(
            uow,
            council.caller(uow, "sec_admin"),
            AccountIn(
                login="sec_new",
                full_name="New secretary",
                agency="TEST-SEC",
                personnel_number="SEC-1",
                desks=["LIAISON"],
                roles=[Role.SECRETARIAT],
            ),
            "A secretary for the council's drafts",
        )
        logins = [*EVERY_LOGIN, "sec_head"]
        deciders = [login for login in logins if try_to_decide(uow, council, login, row)]
        assert deciders == ["sec_head"]


def test_domain_errors_never_hide_a_half_written_account(
    container: Container, council: Council
) -> None:
    """A request refused half-way (a bad desk) leaves no pending account behind."""
    with container.uow() as uow:
        bad = officer()
        bad.desks = ["NOPE"]
        with pytest.raises(DomainError):
            accounts.ask_for_account(uow, council.caller(uow, "ru_admin"), bad, "Bad desk")
        uow.session.rollback()
        assert uow.session.scalar(select(User.id).where(User.login == "mole")) is None
