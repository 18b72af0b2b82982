"""The insider attack on accounts, in a real browser against the demo: the secretariat's
administrator asks for a liaison officer in RU-FSB at the desks that receive RED traffic.
The account stays closed; RU-FSB's supervisor sees the request and refuses it; RU-FSB's
data protection officer sees the attempt, with who asked and who refused."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SignedInPage, console_problems

REASON = "Liaison officer for the summit, needed today"


def to_english(page: Page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_the_secretariat_cannot_plant_an_officer_in_a_member_agency(
    signed_in_page: SignedInPage,
) -> None:
    attacker = signed_in_page("belov")
    to_english(attacker)
    attacker.goto("/admin/users")
    form = attacker.locator("form[action='/admin/users']")
    form.get_by_label("Login", exact=True).fill("plant")
    form.get_by_label("Full name").fill("Пётр Подставной")
    form.get_by_label("Personnel number in the agency (people only)").fill("RU-9999")
    form.get_by_label("Agency", exact=True).select_option("RU-FSB")
    form.get_by_label("RU-FSB · CT").check()
    form.get_by_label("RU-FSB · FTF").check()
    form.get_by_label("Liaison officer").check()
    form.get_by_label("Reason", exact=True).fill(REASON)
    form.get_by_role("button", name="Ask for the account").click()

    status = attacker.get_by_role("status")
    expect(status).to_have_text(
        re.compile(r"^Request [a-z2-7]{26} waits for the approval of a supervisor of the agency\.$")
    )
    match = re.search(r"[a-z2-7]{26}", status.inner_text())
    assert match is not None
    request_id = match.group()
    row = attacker.get_by_test_id("user-plant")
    expect(row).to_contain_text("waiting for approval")
    expect(row).to_contain_text("RU-FSB")
    # Nothing to sign in with: the account has no password, and the asker cannot decide.
    expect(attacker.get_by_test_id(f"approval-{request_id}")).to_have_count(0)
    attacker.goto("/approvals")
    expect(attacker.get_by_test_id(f"approval-{request_id}")).to_have_count(0)
    expect(attacker.get_by_role("row").filter(has_text="plant")).to_contain_text("waiting")

    supervisor = signed_in_page("kuznetsov")
    to_english(supervisor)
    supervisor.goto("/approvals")
    card = supervisor.get_by_test_id(f"approval-{request_id}")
    expect(card).to_contain_text("Open the account plant")
    expect(card).to_contain_text("RU-9999")
    expect(card).to_contain_text("CT, FTF")
    expect(card).to_contain_text("belov (COUNCIL-SEC)")
    expect(card).to_contain_text(REASON)
    card.get_by_label("Note").fill("Nobody of ours; the secretariat does not staff our desks")
    card.get_by_role("button", name="Refuse").click()
    expect(supervisor.get_by_role("status")).to_have_text(f"Request {request_id} refused.")

    dpo = signed_in_page("morozova")
    to_english(dpo)
    dpo.get_by_role("link", name="Account changes", exact=True).click()
    entry = dpo.get_by_test_id(f"change-{request_id}")
    expect(entry).to_contain_text("Open the account plant")
    expect(entry).to_contain_text("belov (COUNCIL-SEC)")
    expect(entry).to_contain_text("refused")
    expect(entry).to_contain_text("kuznetsov")

    # The refused account never opens: no sign-in with any password.
    attacker.goto("/admin/users")
    expect(attacker.get_by_test_id("user-plant")).to_contain_text("refused")
    for page in (attacker, supervisor, dpo):
        assert console_problems(page) == []
