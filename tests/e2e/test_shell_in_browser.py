"""The shell in a real browser: languages, navigation, keyboard use, the API docs under CSP."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SignedInPage, console_problems

SCREENSHOTS = Path("var/screenshots")


def test_a_russian_browser_gets_russian_and_can_switch_to_english(
    signed_in_page: SignedInPage,
) -> None:
    page = signed_in_page("orlova")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Совет руководителей органов безопасности и специальных служб"
    )
    expect(page.locator(".demo-banner")).to_contain_text("вымышлены")
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Council of heads of security agencies"
    )
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("link", name="See all member states").click()
    expect(page).to_have_url(page.url.split("/states")[0].rstrip("/") + "/states")
    expect(page.get_by_role("cell", name="Republic of Armenia")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "member-states.png"), full_page=True)
    assert console_problems(page) == []


def test_the_skip_link_is_the_first_stop_for_the_keyboard(
    page: Page, signed_in_page: SignedInPage
) -> None:
    for shown in (page, signed_in_page("nurlanov")):
        shown.goto("/login" if shown is page else "/")
        shown.keyboard.press("Tab")
        focused = shown.evaluate("document.activeElement.getAttribute('href')")
        assert focused == "#main", shown.url


def test_preferences_change_the_time_zone_shown(page: Page) -> None:
    page.goto("/preferences")
    page.get_by_label("Часовой пояс").select_option("Asia/Tashkent")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status")).to_have_text("Настройки сохранены.")
    expect(page.locator(".site-footer")).to_contain_text("UTC+05:00, Ташкент")


def test_the_api_documentation_renders_under_the_strict_csp(page: Page) -> None:
    page.goto("/api/docs")
    expect(page.locator("#swagger-ui")).to_contain_text("List the council's member states")
    assert console_problems(page) == []


CONTROLS = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .map(el => ({
        name: el.name || el.id,
        labelled: Boolean((el.labels && el.labels.length) || el.getAttribute('aria-label')),
    }))"""


def test_every_form_control_has_a_label(page: Page, signed_in_page: SignedInPage) -> None:
    # Pages with forms of their own; the overview and the member states have none but the
    # shell's, which are checked on every page.
    visits = [
        (page, ("/login", "/preferences")),
        # The secretariat's administrator manages every agency's users: the longest page.
        (signed_in_page("belov"), ("/account", "/admin/users", "/admin/agencies", "/", "/states")),
        (signed_in_page("zaitseva"), ("/audit",)),
    ]
    for shown, paths in visits:
        for path in paths:
            response = shown.goto(path)
            assert response is not None
            assert response.status == 200, path
            controls = shown.evaluate(CONTROLS)
            if path not in ("/", "/states"):
                assert controls, f"{path} shows no form control"
            assert [control["name"] for control in controls if not control["labelled"]] == [], path
