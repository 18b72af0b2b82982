"""The exchange's pages through the real application: compose, inbox, thread, search, overdue.

Two member agencies of the test council: RU-SVC sends, KZ-SVC receives; TEST-SEC stands
for an agency that is not on the thread. Each person browses with a client of their own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.exchange import attachments, queries, services
from interagency.exchange.models import Message, Recipient, Thread
from interagency.exchange.schemas import RecipientIn, ThreadIn
from interagency.exchange.web_context import exchange_context
from tests.support.asynchronous import run_async
from tests.support.forms import hidden_fields
from tests.support.identity import Council, csrf_token, sign_in, submit
from tests.support.ids import key_of

As = Callable[[str], TestClient]

SUBJECT = "Forged passports of one series"
BODY = "Please check passport numbers 4511207 and 4511208 against your border records."


@pytest.fixture
def as_user(app: FastAPI, council: Council) -> Iterator[As]:
    """A signed-in browser per login; several people can work side by side."""
    clients: dict[str, TestClient] = {}

    def browser(login: str) -> TestClient:
        if login not in clients:
            client = TestClient(app, raise_server_exceptions=False)
            assert sign_in(client, council, login).status_code == 303
            clients[login] = client
        return clients[login]

    yield browser
    for client in clients.values():
        client.close()


def next_week() -> str:
    return (date.today() + timedelta(days=7)).isoformat()


def compose(client: TestClient, **changes: str | list[str]) -> httpx2.Response:
    """Submits the compose form: an urgent AMBER H0 request to KZ-SVC, but for the changes."""
    fields: dict[str, str | list[str]] = {
        "subject": SUBJECT,
        "body": BODY,
        "kind": "request",
        "priority": "urgent",
        "tlp": "AMBER",
        "handling_code": "H0",
        "source_grade": "B",
        "information_grade": "2",
        "deadline": next_week(),
        "recipients": ["KZ-SVC"],
    }
    page = client.get("/exchange/new").text
    data = {**hidden_fields(page, "/exchange/new"), **fields, **changes}
    return client.post("/exchange/new", data=data, follow_redirects=False)


def sent_thread(client: TestClient, **changes: str | list[str]) -> str:
    """The public id of the thread sent."""
    answer = compose(client, **changes)
    assert answer.status_code == 303, answer.text
    match = re.fullmatch(r"/exchange/threads/([a-z2-7]{26})", answer.headers["location"])
    assert match, answer.headers["location"]
    return match.group(1)


def version_on(page_html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', page_html)
    assert match, "the page has no version field"
    return match.group(1)


def post_on_thread(
    client: TestClient, thread_id: int, action: str, **fields: str
) -> httpx2.Response:
    page = client.get(f"/exchange/threads/{thread_id}").text
    path = f"/exchange/threads/{thread_id}/{action}"
    # A form the page no longer offers (the thread is closed) is posted as a stale tab would.
    offered = f'action="{path}"' in page
    guard = {"csrf_token": csrf_token(page), "form_page": f"/exchange/threads/{thread_id}"}
    data = {**(hidden_fields(page, path) if offered else guard), **fields}
    if "version" not in data and 'name="version"' in page:
        data["version"] = version_on(page)
    return client.post(path, data=data, follow_redirects=False)


def audit_actions(container: Container, thread_id: str) -> list[tuple[str, str]]:
    """What the audit recorded of the thread (which it names by its key)."""
    key = key_of(container, Thread, thread_id)
    with container.uow() as uow:
        rows = uow.session.execute(
            select(AuditEntry.action, AuditEntry.outcome)
            .where(AuditEntry.object_ref == str(key))
            .order_by(AuditEntry.seq)
        ).all()
    return [(action, outcome) for action, outcome in rows]


# --- compose, inbox, thread ---------------------------------------------------------------


def test_a_request_goes_from_one_agency_to_another_and_is_answered(
    as_user: As, container: Container
) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    thread_id = sent_thread(ru)

    sender_view = ru.get(f"/exchange/threads/{thread_id}").text
    assert SUBJECT in sender_view
    assert BODY in sender_view
    assert "TLP:AMBER" in sender_view

    # The recipient's navigation counts the new thread; the inbox lists it.
    assert "Exchange (1)" in kz.get("/").text
    inbox = kz.get("/exchange?box=incoming").text
    assert SUBJECT in inbox
    assert f'href="/exchange/threads/{thread_id}"' in inbox

    assert post_on_thread(kz, thread_id, "acknowledge").status_code == 303
    assert "Exchange (1)" not in kz.get("/").text
    reply = post_on_thread(
        kz, thread_id, "reply", body="Both numbers were used at Khorgos on 3 May.", tlp="AMBER",
        handling_code="H0", source_grade="A", information_grade="2",
    )  # fmt: skip
    assert reply.status_code == 303

    answered = ru.get(f"/exchange/threads/{thread_id}").text
    assert "Both numbers were used at Khorgos on 3 May." in answered
    assert "acknowledged receipt" in answered  # on the timeline
    assert "answered" in answered
    actions = [action for action, _ in audit_actions(container, thread_id)]
    for expected in ("exchange:thread:send", "exchange:thread:acknowledge",
                     "exchange:thread:reply", "exchange:thread:read"):  # fmt: skip
        assert expected in actions


def test_the_compose_form_names_every_problem_and_keeps_the_input(as_user: As) -> None:
    ru = as_user("ru_liaison")
    answer = compose(ru, handling_code="H3", restriction="", recipients=[], subject="Kept subject")
    assert answer.status_code == 422
    page = answer.text
    assert "H3 needs the restriction written out in words." in page
    assert "Choose at least one recipient." in page
    assert 'value="Kept subject"' in page
    assert BODY in page


def test_deadlines_belong_to_requests_and_lie_ahead(as_user: As) -> None:
    ru = as_user("ru_liaison")
    request = compose(ru, deadline="")
    assert request.status_code == 422
    assert "A request for information needs a deadline." in request.text
    notification = compose(ru, kind="notification")
    assert notification.status_code == 422
    assert "Only a request for information has a deadline" in notification.text
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    past = compose(ru, deadline=yesterday)
    assert past.status_code == 422
    assert "has already passed" in past.text


def test_red_must_name_a_desk(as_user: As) -> None:
    ru = as_user("ru_liaison")
    answer = compose(ru, tlp="RED", recipients=["KZ-SVC"])
    assert answer.status_code == 422
    assert "RED must name a desk or a user of every recipient agency." in answer.text
    assert compose(ru, tlp="RED", recipients=["KZ-SVC/CT"]).status_code == 303


def test_a_stale_version_gets_the_conflict_message(as_user: As) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    thread_id = sent_thread(ru)
    stale = version_on(kz.get(f"/exchange/threads/{thread_id}").text)
    assert post_on_thread(ru, thread_id, "close").status_code == 303  # the version moves on
    answer = post_on_thread(kz, thread_id, "acknowledge", version=stale)
    assert answer.status_code == 409
    assert "changed since you opened it" in answer.text


def test_a_reply_cannot_lower_the_marking(as_user: As) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    thread_id = sent_thread(ru, tlp="AMBER+STRICT", handling_code="H2")
    page = kz.get(f"/exchange/threads/{thread_id}").text
    reply_form = page.split('id="reply"')[1]
    # The form offers only markings at least as strict as the thread's.
    assert 'value="GREEN"' not in reply_form
    assert 'value="H1"' not in reply_form
    answer = post_on_thread(
        kz, thread_id, "reply", body="Lowered.", tlp="GREEN", handling_code="H2",
        source_grade="B", information_grade="2",
    )  # fmt: skip
    assert answer.status_code == 422
    assert "may not be marked lower" in answer.text


# --- who sees what ------------------------------------------------------------------------


def test_an_auditor_sees_metadata_only(as_user: As) -> None:
    thread_id = sent_thread(as_user("ru_liaison"))
    page = as_user("ru_auditor").get(f"/exchange/threads/{thread_id}")
    assert page.status_code == 200
    assert "— metadata only —" in page.text
    assert SUBJECT not in page.text
    assert BODY not in page.text
    assert "TLP:AMBER" in page.text
    listing = as_user("ru_auditor").get("/exchange").text
    assert "— metadata only —" in listing
    assert SUBJECT not in listing


def test_an_agency_not_on_the_thread_learns_nothing(as_user: As, container: Container) -> None:
    thread_id = sent_thread(as_user("ru_liaison"))
    outsider = as_user("sec_officer")
    assert outsider.get(f"/exchange/threads/{thread_id}").status_code == 404
    listing = outsider.get("/exchange").text
    assert SUBJECT not in listing
    assert f"/exchange/threads/{thread_id}" not in listing
    assert ("exchange:thread:metadata", "denied") in audit_actions(container, thread_id)


def test_administrators_and_reviewers_have_no_exchange(as_user: As) -> None:
    for login in ("ru_admin", "board_reviewer"):
        browser = as_user(login)
        assert 'href="/exchange"' not in browser.get("/").text
        assert browser.get("/exchange").status_code == 403
        assert browser.get("/exchange/new").status_code == 403


def test_only_senders_may_compose(as_user: As) -> None:
    auditor = as_user("ru_auditor")
    assert 'href="/exchange"' in auditor.get("/").text
    assert auditor.get("/exchange/new").status_code == 403


# --- search and the overdue dashboard -------------------------------------------------------


def test_search_finds_what_the_reader_may_read_with_a_snippet(as_user: As) -> None:
    ru = as_user("ru_liaison")
    thread_id = sent_thread(ru)
    sent_thread(ru, subject="Smuggling route alert", body="A new route through the mountains.",
                kind="alert", deadline="")  # fmt: skip
    found = as_user("kz_liaison").get("/exchange/search", params={"q": "borders"})
    assert found.status_code == 200
    assert f"/exchange/threads/{thread_id}" in found.text
    assert "against your border records" in found.text  # the snippet around the word
    assert "Smuggling route alert" not in found.text
    # The auditor may not read content, so search shows nothing to them.
    hidden = as_user("ru_auditor").get("/exchange/search", params={"q": "passport"}).text
    assert f"/exchange/threads/{thread_id}" not in hidden
    filtered = as_user("kz_liaison").get(
        "/exchange/search", params={"q": "passport", "kind": "alert"}
    )
    assert f"/exchange/threads/{thread_id}" not in filtered.text


def test_bad_filters_are_named(as_user: As) -> None:
    answer = as_user("kz_liaison").get("/exchange", params={"tlp": "PURPLE", "since": "May"})
    assert answer.status_code == 422
    assert "Choose one of: CLEAR, GREEN, AMBER, AMBER+STRICT, RED." in answer.text
    assert "Enter a date as YYYY-MM-DD." in answer.text


def test_the_overdue_dashboard_shows_both_sides(as_user: As, container: Container) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    thread_id = sent_thread(ru)
    with container.uow() as uow:
        recipient = uow.session.scalars(
            select(Recipient).where(Recipient.thread_id == key_of(container, Thread, thread_id))
        ).one()
        recipient.deadline_at = datetime.now(UTC) - timedelta(hours=1)
        uow.commit()
    link = f"/exchange/threads/{thread_id}"
    owe, wait = kz.get("/exchange/overdue").text.split('<h2 id="we-wait"')
    assert link in owe
    assert link not in wait
    owe, wait = ru.get("/exchange/overdue").text.split('<h2 id="we-wait"')
    assert link in wait
    assert link not in owe
    assert f"/exchange/threads/{thread_id}" in ru.get("/exchange?overdue=1").text


# --- sharing, export, inspection, notifications ---------------------------------------------


def test_onward_dissemination_is_asked_for_and_approved(as_user: As, container: Container) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    thread_id = sent_thread(ru)
    reason = "The secretariat coordinates this case."
    asked = post_on_thread(
        kz, thread_id, "dissemination", purpose="recipient", target="TEST-SEC", reason=reason
    )
    assert asked.status_code == 303
    assert as_user("sec_officer").get(f"/exchange/threads/{thread_id}").status_code == 404

    page = ru.get(f"/exchange/threads/{thread_id}").text
    assert "The secretariat coordinates this case." in page
    request_id = re.search(r'action="/exchange/dissemination/([a-z2-7]{26})/decision"', page)
    assert request_id
    decided = ru.post(
        f"/exchange/dissemination/{request_id.group(1)}/decision",
        data={"csrf_token": csrf_token(page), "decision": "approve"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    assert SUBJECT in as_user("sec_officer").get(f"/exchange/threads/{thread_id}").text


def test_a_short_reason_for_dissemination_is_refused(as_user: As) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    thread_id = sent_thread(ru)
    answer = post_on_thread(kz, thread_id, "dissemination", purpose="recipient",
                            target="TEST-SEC", reason="short")  # fmt: skip
    assert answer.status_code == 422
    assert "Too short: at least 10 characters." in answer.text


def test_export_links_only_where_the_handling_code_allows(as_user: As) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    open_thread = sent_thread(ru, handling_code="H0")
    restricted = sent_thread(ru, handling_code="H1")
    assert "export.pdf" in kz.get(f"/exchange/threads/{open_thread}").text
    page = kz.get(f"/exchange/threads/{restricted}").text
    assert "export.pdf" not in page
    assert "Request export consent" in page
    assert "export.pdf" in ru.get(f"/exchange/threads/{restricted}").text


def test_a_dpo_inspects_for_a_time_with_a_reason(as_user: As, container: Container) -> None:
    thread_id = sent_thread(as_user("ru_liaison"))
    dpo = as_user("kz_dpo")
    before = dpo.get(f"/exchange/threads/{thread_id}").text
    assert BODY not in before
    assert "Inspect" in before
    too_short = post_on_thread(dpo, thread_id, "inspect", reason="a look", minutes="30")
    assert too_short.status_code == 422
    assert "Too short: at least 20 characters." in too_short.text
    opened = post_on_thread(
        dpo, thread_id, "inspect", reason="Complaint of a data subject, case 17/2026", minutes="30"
    )
    assert opened.status_code == 303
    during = dpo.get(f"/exchange/threads/{thread_id}").text
    assert BODY in during
    assert "You are inspecting this thread" in during
    assert ("exchange:thread:inspect", "ok") in audit_actions(container, thread_id)


def test_notifications_name_the_thread_and_its_marking(as_user: As) -> None:
    ru = as_user("ru_liaison")
    thread_id = sent_thread(ru)
    with_ref = as_user("kz_liaison").get("/notifications").text
    reference = re.search(r"EX-\d{4}-[0-9A-F]{8}", ru.get(f"/exchange/threads/{thread_id}").text)
    assert reference
    assert f"Thread {reference.group(0)} (TLP:AMBER, H0) has reached your agency." in with_ref
    assert SUBJECT not in with_ref


def test_attachments_are_listed_with_size_type_and_digest(
    as_user: As, container: Container, council: Council
) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    thread_id = sent_thread(ru)
    content = b"Passport series 4511200-4511299, seen at Khorgos.\n"

    async def chunks() -> AsyncIterator[bytes]:
        yield content

    thread_key = key_of(container, Thread, thread_id)
    with container.uow() as uow:
        message = uow.session.scalars(select(Message).where(Message.thread_id == thread_key)).one()
        message_id = message.public_id
        attachment = run_async(
            attachments.attach(
                uow, council.caller(uow, "ru_liaison"), exchange_context(container),
                container.file_store, thread_key, message.id, chunks(),
                filename="series.txt", declared_length=len(content),
            )
        )  # fmt: skip
        uow.commit()
    page = kz.get(f"/exchange/threads/{thread_id}").text
    assert "series.txt" in page
    assert hashlib.sha256(content).hexdigest() in page
    assert "plain text (UTF-8)" in page
    assert f'href="/exchange/attachments/{attachment.public_id}"' in page
    # Only the author adds files to their message: the recipient gets no upload form.
    assert f"/messages/{message_id}/attachments" not in page
    assert f"/messages/{message_id}/attachments" in ru.get(f"/exchange/threads/{thread_id}").text


def test_the_pages_render_in_russian(as_user: As) -> None:
    ru = as_user("ru_liaison")
    thread_id = sent_thread(ru)
    switched = submit(ru, "/exchange", "/language", language="ru", next="/exchange")
    assert switched.status_code == 303
    for path in ("/exchange", f"/exchange/threads/{thread_id}", "/exchange/new",
                 "/exchange/overdue", "/exchange/search?q=паспорт"):  # fmt: skip
        page = ru.get(path)
        assert page.status_code == 200, path
        assert '<html lang="ru">' in page.text


def test_a_file_is_uploaded_through_the_page_and_downloaded_as_a_file(
    as_user: As, container: Container
) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    thread_id = sent_thread(ru)
    content = b"Passport series 4511200-4511299, seen at Khorgos.\n"
    page = ru.get(f"/exchange/threads/{thread_id}").text
    action = re.search(
        r'action="(/exchange/threads/[a-z2-7]{26}/messages/[a-z2-7]{26}/attachments)"', page
    )
    assert action, "the author is offered no upload form"
    uploaded = ru.post(
        action.group(1),
        data={"csrf_token": csrf_token(page)},
        files={"file": ("серия.txt", content, "application/octet-stream")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    after = ru.get(uploaded.headers["location"]).text
    assert "The file is attached." in after, re.findall(r'class="flash[^"]*"[^>]*>([^<]*)', after)
    seen = kz.get(f"/exchange/threads/{thread_id}").text
    assert hashlib.sha256(content).hexdigest() in seen
    link = re.search(r'href="(/exchange/attachments/[a-z2-7]{26})"', seen)
    assert link
    got = kz.get(link.group(1))
    assert got.content == content
    assert got.headers["content-disposition"].startswith("attachment;")


def test_past_the_cap_the_inbox_says_more_than_and_pages_on(
    as_user: As, council: Council, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    # A page of 25 is always counted whole: one more thread than a page goes past the cap.
    data = ThreadIn(
        subject=SUBJECT, body=BODY, kind="notification", recipients=[RecipientIn(agency="KZ-SVC")]
    )
    with container.uow() as uow:
        for _ in range(26):
            services.send(uow, council.caller(uow, "ru_liaison"), exchange_context(container), data)
        uow.commit()
    page = as_user("kz_liaison").get("/exchange", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "More than 25 threads" in page.text
    assert "Page 1 of more than 1" in page.text
    assert 'rel="next"' in page.text
    assert "more than 2" in page.text  # the count of new threads, past the cap
