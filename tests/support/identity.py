"""A small council for tests: two member agencies, the secretariat, the review board, and
one user per role, with known passwords and TOTP secrets, and a browser-like sign-in.

Users are built directly (factories), with a password hash computed once per run: the
service that adds users has tests of its own, and argon2 is slow on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache

import httpx2
import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.demo import read_member_states
from interagency.identity import passwords, totp
from interagency.identity.models import Agency, AgencyKind, Desk, MemberState, Role, User, UserRole
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller, principal_of
from interagency.identity.services import ensure_member_state

PASSWORD = "correct horse battery staple"

# login -> (agency code, roles)
MEMBERS: dict[str, tuple[str, tuple[Role, ...]]] = {
    "ru_liaison": ("RU-SVC", (Role.LIAISON_OFFICER,)),
    "ru_analyst": ("RU-SVC", (Role.ANALYST,)),
    "ru_supervisor": ("RU-SVC", (Role.SUPERVISOR,)),
    "ru_dpo": ("RU-SVC", (Role.DATA_PROTECTION_OFFICER,)),
    "ru_auditor": ("RU-SVC", (Role.AUDITOR,)),
    "ru_admin": ("RU-SVC", (Role.ADMINISTRATOR,)),
    "ru_admin2": ("RU-SVC", (Role.ADMINISTRATOR,)),
    "kz_liaison": ("KZ-SVC", (Role.LIAISON_OFFICER,)),
    "kz_dpo": ("KZ-SVC", (Role.DATA_PROTECTION_OFFICER,)),
    "kz_admin": ("KZ-SVC", (Role.ADMINISTRATOR,)),
    "sec_officer": ("TEST-SEC", (Role.SECRETARIAT,)),
    "sec_admin": ("TEST-SEC", (Role.ADMINISTRATOR,)),
    "sec_auditor": ("TEST-SEC", (Role.AUDITOR,)),
    "board_reviewer": ("TEST-BOARD", (Role.NEUTRALITY_REVIEWER,)),
}

AGENCIES = {
    "RU-SVC": (AgencyKind.MEMBER_AGENCY, "RU", ("CT", "BORDER")),
    "KZ-SVC": (AgencyKind.MEMBER_AGENCY, "KZ", ("CT", "BORDER")),
    "TEST-SEC": (AgencyKind.SECRETARIAT, None, ("LIAISON",)),
    "TEST-BOARD": (AgencyKind.REVIEW_BOARD, None, ("REVIEW",)),
}
STATES = ("RU", "KZ")


@cache
def password_hash() -> str:
    return passwords.hash_password(PASSWORD)


@dataclass
class Council:
    agencies: dict[str, int]
    users: dict[str, int]
    secrets: dict[str, str]
    used_steps: dict[str, int] = field(default_factory=dict)

    def principal(self, uow: UnitOfWork, login: str) -> Principal:
        user = uow.session.get(User, self.users[login])
        assert user is not None
        return principal_of(user)

    def caller(self, uow: UnitOfWork, login: str) -> Caller:
        return Caller(self.principal(uow, login), "192.0.2.10")

    def code(self, login: str, at: datetime | None = None) -> str:
        """A code not used yet in this test: each later call takes the next 30-second step
        (the server accepts one step of drift), as a user waiting for a new code would."""
        moment = at or datetime.now(UTC)
        step = int(moment.timestamp()) // 30
        step = max(step, self.used_steps.get(login, step - 1) + 1)
        self.used_steps[login] = step
        return pyotp.TOTP(self.secrets[login]).at(step * 30)


def build_council(uow: UnitOfWork, container: Container) -> Council:
    session = uow.session
    for state in read_member_states():
        if state.iso_alpha2 in STATES:
            ensure_member_state(uow, state)
    states = {
        row.iso_alpha2: row.id
        for row in session.scalars(select(MemberState).where(MemberState.iso_alpha2.in_(STATES)))
    }
    agencies: dict[str, int] = {}
    desks: dict[tuple[str, str], Desk] = {}
    for code, (kind, iso2, desk_codes) in AGENCIES.items():
        agency = Agency(
            code=code,
            kind=kind.value,
            member_state_id=states.get(iso2 or ""),
            name_ru=f"{code} (ru)",
            name_en=f"{code} (en)",
        )
        session.add(agency)
        session.flush()
        agencies[code] = agency.id
        for desk_code in desk_codes:
            desk = Desk(agency_id=agency.id, code=desk_code, name_ru=desk_code, name_en=desk_code)
            session.add(desk)
            desks[(code, desk_code)] = desk
    session.flush()
    users: dict[str, int] = {}
    secrets: dict[str, str] = {}
    for login, (agency_code, roles) in MEMBERS.items():
        user = User(
            login=login,
            full_name=f"Test {login}",
            agency_id=agencies[agency_code],
            personnel_number=f"P-{login}",
            password_hash=password_hash(),
        )
        user.roles = [UserRole(role=role.value) for role in roles]
        user.desks = [desk for (code, _), desk in desks.items() if code == agency_code][:1]
        session.add(user)
        session.flush()
        secrets[login] = pyotp.random_base32()
        user.totp_secret = totp.seal(container.settings.key_dir, secrets[login], user.id)
        users[login] = user.id
    session.flush()
    return Council(agencies=agencies, users=users, secrets=secrets)


def add_member(
    container: Container, council: Council, login: str, agency: str, *roles: Role
) -> int:
    """One more signed-up user of the test council (a second supervisor, say), built like
    the others, with a personnel number of its own."""
    with container.uow() as uow:
        desk = uow.session.scalar(select(Desk).where(Desk.agency_id == council.agencies[agency]))
        user = User(
            login=login,
            full_name=f"Test {login}",
            agency_id=council.agencies[agency],
            personnel_number=f"P-{login}",
            password_hash=password_hash(),
        )
        user.roles = [UserRole(role=role.value) for role in roles]
        user.desks = [desk] if desk else []
        uow.session.add(user)
        uow.session.flush()
        council.secrets[login] = pyotp.random_base32()
        user.totp_secret = totp.seal(container.settings.key_dir, council.secrets[login], user.id)
        council.users[login] = user.id
        uow.commit()
    return council.users[login]


@pytest.fixture
def council(container: Container) -> Council:
    with container.uow() as uow:
        built = build_council(uow, container)
        uow.commit()
    return built


def csrf_token(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def submit(
    client: TestClient, page: str, action: str, **fields: str | list[str]
) -> httpx2.Response:
    """Opens `page` and posts a form to `action` with that page's CSRF token."""
    token = csrf_token(client.get(page).text)
    return client.post(action, data={**fields, "csrf_token": token}, follow_redirects=False)


def sign_in(client: TestClient, council: Council, login: str) -> httpx2.Response:
    """Password, then a fresh TOTP code, as the browser would; returns the last answer."""
    first = submit(client, "/login", "/login", username=login, password=PASSWORD)
    assert first.status_code == 303, first.text
    return submit(client, "/login/code", "/login/code", code=council.code(login))


@pytest.fixture
def signed_in(client: TestClient, council: Council) -> TestClient:
    """The client of a liaison officer of RU-SVC, signed in."""
    answer = sign_in(client, council, "ru_liaison")
    assert answer.status_code == 303
    return client


def api_token(container: Container, council: Council, login: str) -> str:
    from interagency.identity import tokens

    with container.uow() as uow:
        user = uow.session.get(User, council.users[login])
        assert user is not None
        issued = tokens.issue(uow, user, "test", 1)
        uow.commit()
    return issued.secret


def later(minutes: float) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)
