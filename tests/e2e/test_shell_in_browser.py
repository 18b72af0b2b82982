"""The shell in a real browser: languages, navigation, keyboard use, the API docs under CSP."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

SCREENSHOTS = Path("var/screenshots")


def test_a_russian_browser_gets_russian_and_can_switch_to_english(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Совет руководителей органов безопасности и специальных служб"
    )
    expect(page.locator(".demo-banner")).to_contain_text("вымышлены")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Council of heads of security agencies"
    )

    page.get_by_role("link", name="Member states", exact=True).first.click()
    expect(page).to_have_url(page.url.split("/states")[0].rstrip("/") + "/states")
    expect(page.get_by_role("cell", name="Republic of Armenia")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "member-states.png"), full_page=True)
    assert page.console_problems == []  # type: ignore[attr-defined]


def test_the_skip_link_is_the_first_stop_for_the_keyboard(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"


def test_preferences_change_the_time_zone_shown(page: Page) -> None:
    page.goto("/preferences")
    page.get_by_label("Часовой пояс").select_option("Asia/Tashkent")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status")).to_have_text("Настройки сохранены.")
    expect(page.locator(".site-footer")).to_contain_text("Asia/Tashkent")


def test_the_api_documentation_renders_under_the_strict_csp(page: Page) -> None:
    page.goto("/api/docs")
    expect(page.locator("#swagger-ui")).to_contain_text("List the council's member states")
    assert page.console_problems == []  # type: ignore[attr-defined]


def test_every_form_control_has_a_label(page: Page) -> None:
    for path in ("/", "/preferences", "/states"):
        page.goto(path)
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                .map(el => el.name || el.id)"""
        )
        assert unlabelled == [], path
