"""A RED request across three agencies in a real browser.

RU-FSB (ivanov) sends a RED request to the counter-terrorism desk of KZ-KNB; nurlanov,
who works at that desk, reads and answers it; BY-KGB (lukashevich) sees nothing, not in
his inbox, not by guessing the thread's address, not through the API with his own
token; and the council's auditor finds every access and refusal in the audit trail.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SignedInPage, console_problems

SUBJECT = "Возвращение иностранного боевика: проверка маршрута через Актау"
BODY = "Просим подтвердить сведения о пересечении границы 14 ноября. Подробности по запросу."
ANSWER = "Пересечение подтверждено: пункт пропуска Актау, 14 ноября, 06:40 местного времени."
NOT_FOUND_LOAD = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def _english(page: Page) -> None:
    page.get_by_role("button", name="English").click()


def _send_red_request(page: Page) -> str:
    page.goto("/exchange/new")
    # The filter narrows some thirty agencies to those that match what is typed.
    page.get_by_label("Find an agency, desk or person").fill("knb/ct")
    expect(page.locator('input[name=recipients][value="BY-KGB"]')).to_be_hidden()
    page.locator('input[name=recipients][value="KZ-KNB/CT"]').check()
    page.get_by_label("From desk").select_option("FTF")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Message", exact=True).fill(BODY)
    page.get_by_label("Type").select_option("request")
    page.get_by_label("Deadline").fill((date.today() + timedelta(days=5)).isoformat())
    page.get_by_label("TLP").select_option("RED")
    page.get_by_label("Handling code").select_option("H2")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page).to_have_url(re.compile(r"/exchange/threads/[a-z2-7]{26}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    return page.url.rsplit("/", 1)[-1]


def _api_token(page: Page) -> str:
    page.goto("/account#tokens")
    page.get_by_label("Token name").fill("probe")
    page.get_by_role("button", name="Create token").click()
    return page.get_by_test_id("new-token").inner_text().strip()


def test_a_red_request_reaches_the_named_desk_and_nobody_else(
    signed_in_page: SignedInPage,
) -> None:
    sender = signed_in_page("ivanov")
    _english(sender)
    thread_id = _send_red_request(sender)
    expect(sender.locator("main")).to_contain_text("TLP:RED")

    receiver = signed_in_page("nurlanov")
    _english(receiver)
    receiver.goto("/exchange?box=incoming")
    receiver.get_by_role("row").filter(has_text=SUBJECT).get_by_role("link").first.click()
    expect(receiver.locator("main")).to_contain_text(BODY)
    receiver.get_by_label("Message", exact=True).fill(ANSWER)
    receiver.get_by_role("button", name="Send reply").click()
    expect(receiver.locator("main")).to_contain_text(ANSWER)

    sender.reload()
    expect(sender.locator("main")).to_contain_text(ANSWER)

    outsider = signed_in_page("lukashevich")
    _english(outsider)
    outsider.goto("/exchange")
    expect(outsider.locator("main")).not_to_contain_text(SUBJECT)
    guessed = outsider.goto(f"/exchange/threads/{thread_id}")
    assert guessed is not None
    assert guessed.status == 404
    expect(outsider.locator("main")).not_to_contain_text(SUBJECT)
    token = _api_token(outsider)
    headers = {"Authorization": f"Bearer {token}"}
    api = outsider.request.get(f"/api/v1/exchange/threads/{thread_id}", headers=headers)
    assert api.status == 404
    assert SUBJECT not in api.text()
    found = outsider.request.get("/api/v1/exchange/search?q=боевик", headers=headers).json()
    assert found["total"] == 0
    assert [p for p in console_problems(outsider) if p != NOT_FOUND_LOAD] == []

    auditor = signed_in_page("zaitseva")
    _english(auditor)
    auditor.goto(f"/audit?kind=thread&ref={thread_id}")
    trail = auditor.locator("main")
    expect(trail).to_contain_text("exchange:thread:send")
    expect(trail).to_contain_text("exchange:thread:reply")
    expect(trail).to_contain_text("exchange:thread:read")
    expect(trail).to_contain_text("lukashevich")
    expect(trail).to_contain_text("denied")
    expect(trail).not_to_contain_text(SUBJECT)
