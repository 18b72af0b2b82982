"""Addressing a user by name: only people their own agency lists in the directory, and
every other login gets the very same answer, through the API and through the compose page.

The same login is asked for while it exists nowhere, exists unlisted, is listed but
disabled, and is listed in another agency: the answers must be byte for byte the same
(but for what varies on every page: the CSRF token, nonces, the clock), so that none
tells whether, or how, a login exists. Listed and active, the same login is offered and
resolves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.db import utcnow
from interagency.exchange.models import Recipient
from interagency.identity.models import Role, User
from tests.support.forms import hidden_fields
from tests.support.identity import Council, add_member, api_token, sign_in, submit

PROBE = "kz_probe"
NAMED = f"KZ-SVC:{PROBE}"
SUBJECT = "Passports of one series"
BODY = "Please check passport numbers 4511207 and 4511208 against your border records."
# What differs between any two pages: the form's CSRF token, nonces and the clock.
_VOLATILE = re.compile(r'(name="csrf_token" value=")[^"]+|(nonce=")[^"]+|(<time)[^>]*>[^<]*')
# A person offered by name in the recipient chooser (AGENCY:login).
_LISTED = re.compile(
    r'\s*<label data-chooser-item><input type="checkbox" name="recipients" value="[^"/]+:[^"]+"'
    r"[^>]*> <span>[^<]*</span></label>"
)

Answer = tuple[int, str]


def deadline() -> str:
    return (date.today() + timedelta(days=7)).isoformat()


def api_request() -> dict[str, object]:
    return {
        "subject": SUBJECT,
        "body": BODY,
        "kind": "request",
        "deadline": deadline(),
        "recipients": [{"agency": "KZ-SVC", "user": PROBE}],
    }


def page_fields() -> dict[str, str | list[str]]:
    return {
        "subject": SUBJECT, "body": BODY, "kind": "request", "priority": "routine",
        "tlp": "AMBER", "handling_code": "H0", "source_grade": "B", "information_grade": "2",
        "deadline": deadline(), "named_users": NAMED,
    }  # fmt: skip


@pytest.fixture
def sender(app: FastAPI, council: Council) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as browser:
        assert sign_in(browser, council, "ru_liaison").status_code == 303
        yield browser


def change_probe(container: Container, council: Council, change: Callable[[User], None]) -> None:
    with container.uow() as uow:
        user = uow.session.get(User, council.users[PROBE])
        assert user is not None
        change(user)
        uow.commit()


def test_an_unlisted_disabled_foreign_or_missing_login_gets_one_answer(
    client: TestClient, sender: TestClient, container: Container, council: Council
) -> None:
    headers = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}

    def ask() -> tuple[Answer, Answer]:
        api = client.post("/api/v1/exchange/threads", json=api_request(), headers=headers)
        shown = sender.get("/exchange/new").text
        data = {**hidden_fields(shown, "/exchange/new"), **page_fields()}
        page = sender.post("/exchange/new", data=data, follow_redirects=False)
        page_text = _VOLATILE.sub(lambda m: next(g for g in m.groups() if g) + "…", page.text)
        return (api.status_code, api.text), (page.status_code, page_text)

    missing = ask()
    add_member(container, council, PROBE, "KZ-SVC", Role.LIAISON_OFFICER)
    unlisted = ask()

    def list_and_disable(user: User) -> None:
        user.listed_in_directory = True
        user.disabled_at = utcnow()

    change_probe(container, council, list_and_disable)
    disabled = ask()

    def move_to_the_secretariat(user: User) -> None:
        user.disabled_at = None
        user.agency_id = council.agencies["TEST-SEC"]
        user.desks = []

    change_probe(container, council, move_to_the_secretariat)
    foreign = ask()

    assert unlisted == missing
    assert disabled == missing
    api_answer, page_answer = missing
    assert foreign[0] == api_answer
    assert api_answer[0] == 422
    assert "KZ-SVC lists no user kz_probe in the directory." in api_answer[1]
    assert page_answer[0] == 422
    assert "KZ-SVC lists no user kz_probe in the directory." in page_answer[1]
    # The page offers TEST-SEC's listed user now, and differs by that choice alone.
    assert "TEST-SEC:kz_probe" in foreign[1][1]
    assert (foreign[1][0], _LISTED.sub("", foreign[1][1])) == page_answer

    def back_home(user: User) -> None:
        user.agency_id = council.agencies["KZ-SVC"]

    change_probe(container, council, back_home)
    with container.uow() as uow:
        colleague = uow.session.get(User, council.users["ru_analyst"])
        assert colleague is not None
        colleague.listed_in_directory = True
        uow.commit()
    offered = _LISTED.findall(sender.get("/exchange/new").text)
    assert len(offered) == 1
    assert f'value="{NAMED}"' in offered[0]
    assert f"KZ-SVC (en) — Test {PROBE} ({NAMED})" in offered[0]
    assert "ru_analyst" not in offered[0]  # one's own agency is not offered
    sent = client.post("/api/v1/exchange/threads", json=api_request(), headers=headers)
    assert sent.status_code == 201, sent.text
    # Adding a recipient to the thread offers the same people by login.
    thread_page = sender.get(f"/exchange/threads/{sent.json()['id']}").text
    assert f'<option value="{PROBE}">KZ-SVC (en) — Test {PROBE} (KZ-SVC)</option>' in thread_page
    chosen = page_fields() | {"named_users": "", "recipients": [NAMED]}
    assert submit(sender, "/exchange/new", "/exchange/new", **chosen).status_code == 303
    with container.uow() as uow:
        named = uow.session.scalars(
            select(Recipient).where(Recipient.user_id == council.users[PROBE])
        ).all()
    assert len(named) == 2
