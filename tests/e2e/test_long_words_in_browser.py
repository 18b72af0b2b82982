"""A word wider than the window (a pasted hash, an address, a run of digits) wraps where it
must: no page grows wider than the window, whatever someone typed."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SignedInPage

# One word of 300 characters, the longest subject there may be.
LONG_WORD = ("Паспорт4511207Хоргос" * 15)[:300]


def _fits_the_window(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_300_character_word_never_widens_the_inbox_or_the_thread(
    signed_in_page: SignedInPage,
) -> None:
    page = signed_in_page("hakobyan")
    page.goto("/exchange/new")
    page.locator('input[name=recipients][value="GE-SSG"]').check()
    page.locator("#f-subject").fill(LONG_WORD)
    page.locator("#f-body").fill(f"{LONG_WORD}\n{LONG_WORD}")
    page.locator("#f-deadline").fill((date.today() + timedelta(days=5)).isoformat())
    page.locator("form.compose button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/exchange/threads/[a-z2-7]{26}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(LONG_WORD)
    assert _fits_the_window(page), "the thread page is wider than the window"

    page.goto("/exchange?box=outgoing")
    expect(page.locator("main")).to_contain_text(LONG_WORD)
    assert _fits_the_window(page), "the inbox is wider than the window"


def test_the_audit_trail_fits_the_window_with_its_times_on_one_line(
    signed_in_page: SignedInPage,
) -> None:
    page = signed_in_page("zaitseva")
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto("/audit")
    expect(page.locator("[data-testid=audit-entries] tbody tr").first).to_be_visible()
    assert _fits_the_window(page), "the audit trail is wider than the window"
    # The lines each time's text takes: one box per line.
    lines = page.evaluate(
        """[...document.querySelectorAll('[data-testid=audit-entries] td.when')].map(td => {
            const range = document.createRange();
            range.selectNodeContents(td);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
        })"""
    )
    assert lines
    assert set(lines) == {1}, "a time wraps onto more than one line"
