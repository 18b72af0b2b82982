"""Fighters' movements in a real browser: RU-FSB holds a profile naming a listed group (the
demo's Seitkaziyev), shared with every member agency; a KZ-KNB officer submits a border
crossing through the form, it hits the profile, and the officer, who has the traveller and
the document, confirms the hit on its page. RU-FSB then sees the alert and its deadline,
but neither the crossing's place nor the check form; KZ-KNB never sees the profile."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SignedInPage

# From the demo's profile: its basis and the holder's title stay with RU-FSB.
PROFILE_BASIS = "Tel Abyad"
PROFILE_TITLE = "Seitkaziyev Nurlan"
PLACE = "Nur Zholy"


def _english(page: Page) -> None:
    page.get_by_role("button", name="English").click()


def test_a_crossing_hits_a_profile_the_border_checks_it_and_the_holder_is_alerted(
    signed_in_page: SignedInPage,
) -> None:
    border = signed_in_page("abenov")
    _english(border)
    border.goto("/movements/crossings/new")
    border.get_by_label("Surname").fill("SEITKAZIYEV")
    border.get_by_label("Given name").fill("NURLAN")
    border.get_by_label("Date of birth (YYYY-MM-DD or DD.MM.YYYY)").fill("1987-12-12")
    border.get_by_label("Sex").select_option("M")
    border.get_by_label("Document number").fill("N07654321")
    border.get_by_label("Document's country (ISO alpha-3)").fill("KAZ")
    yesterday = datetime.now(UTC) - timedelta(days=1)
    border.locator("#occurred_at").fill(yesterday.strftime("%Y-%m-%dT%H:%M"))
    border.get_by_label("Crossing point").fill(PLACE)
    border.get_by_label("Direction").select_option("entry")
    border.get_by_role("button", name="Submit and screen").click()
    expect(border).to_have_url(re.compile(r"/movements/crossings/[a-z2-7]{26}$"))
    expect(border.locator("#place")).to_have_text(PLACE)
    crossing_page = border.url
    row = border.locator("#hits tbody tr").filter(has_text="RU-FSB")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    expect(border).to_have_url(re.compile(r"/records/hits/HIT-[0-9A-F]{10}$"))
    reference = border.url.rsplit("/", 1)[-1]
    expect(border.locator("#no-arrest")).to_contain_text("never a request to arrest")
    # The border agency checks the hit: the form is on its side.
    border.get_by_label("The same: confirmed").check()
    border.get_by_label("How it was checked").fill("Passport and photograph compared at the booth")
    border.get_by_role("button", name="Record the check").click()
    expect(border.locator("#check-status")).to_contain_text("confirmed")
    expect(border.get_by_role("button", name="Record the check")).to_have_count(0)
    expect(border.locator("main")).not_to_contain_text(PROFILE_BASIS)
    expect(border.locator("main")).not_to_contain_text(PROFILE_TITLE)
    border.goto(crossing_page)
    expect(border.locator("#hits")).to_contain_text("confirmed")
    expect(border.locator("main")).not_to_contain_text(PROFILE_BASIS)

    holder = signed_in_page("smirnova")
    _english(holder)
    holder.goto("/movements")
    alert = holder.locator(f"#alert-{reference}")
    expect(alert).to_contain_text(PROFILE_TITLE)
    expect(alert).to_contain_text("entry")
    expect(alert.locator(".due")).to_contain_text(re.compile(r"\d{2}:\d{2}"))
    expect(alert.get_by_role("button", name="Take up")).to_be_visible()
    expect(holder.locator("main")).not_to_contain_text(PLACE)
    holder.goto(f"/records/hits/{reference}")
    expect(holder.locator("#check-status")).to_contain_text("confirmed")
    # The holder does not check a crossing's hit, and learns nothing of the crossing.
    expect(holder.get_by_role("button", name="Record the check")).to_have_count(0)
    expect(holder.locator("main")).not_to_contain_text(PLACE)
    holder.goto("/movements")
    holder.locator(f"#alert-{reference}").get_by_role("button", name="Take up").click()
    expect(holder.locator(f"#alert-{reference}")).to_contain_text("taken up")
