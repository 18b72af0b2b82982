"""Browser fixtures: Playwright drives Debian's Chromium against a live demo server.

Every test opens its own browser contexts (one per user, as on separate machines) and
signs in through the real pages: login and password, then the code an authenticator app
would show for the demo user's published TOTP secret.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from interagency.demo import DEMO_PASSWORD, demo_totp_secret
from tests.support.live_server import demo_server

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium tries to reach outside services at start-up; none are reachable.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STEP_SECONDS = 30
SESSION_COOKIE = "session"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("live")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test`, which installs it from Debian")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleProblems(list[str]):
    """Console errors and CSP violations seen by a page; a clean page has none."""


class Authenticator:
    """The demo users' authenticator apps, shared by all tests of one live server.

    The server accepts a code once, for its own 30-second step or one step either side,
    and only for a step later than the last one that user signed in with. The server lives
    for the whole run, so the last step used per login is remembered here for the run.
    """

    def __init__(self) -> None:
        self.last_step: dict[str, int] = {}

    def code(self, login: str) -> str:
        now_step = int(time.time()) // STEP_SECONDS
        # The current step or the next one is accepted whatever the clock does before the
        # form is sent; the previous one could expire on the way.
        step = max(now_step, self.last_step.get(login, now_step - 1) + 1)
        if step > now_step + 1:
            # A third sign-in of one user within one step: like a person, wait for the app
            # to show a new code. The tests are arranged so that this does not happen.
            time.sleep((step - 1) * STEP_SECONDS - time.time() + 0.1)
        self.last_step[login] = step
        return str(pyotp.TOTP(demo_totp_secret(login)).at(step * STEP_SECONDS))


@pytest.fixture(scope="session")
def authenticator() -> Authenticator:
    return Authenticator()


def console_problems(page: Page) -> ConsoleProblems:
    return page.console_problems  # type: ignore[attr-defined, no-any-return]


NewPage = Callable[[], Page]


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[NewPage]:
    """Opens a page in a browser context of its own: a Russian browser with no cookies."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server, locale="ru-RU")
        contexts.append(context)
        page = context.new_page()
        problems = ConsoleProblems()

        def record(message: ConsoleMessage) -> None:
            if message.type == "error":
                problems.append(message.text)

        page.on("console", record)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.console_problems = problems  # type: ignore[attr-defined]
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page()


def session_cookie(page: Page) -> str | None:
    for cookie in page.context.cookies():
        if cookie.get("name") == SESSION_COOKIE:
            return cookie.get("value")
    return None


def enter_password(page: Page, login: str) -> None:
    """The first factor, on the Russian sign-in page."""
    if "/login" not in page.url:
        page.goto("/login")
    page.get_by_label("Логин").fill(login)
    page.get_by_label("Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Продолжить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Второй фактор")


def enter_code(page: Page, code: str) -> None:
    """The second factor, typed key by key as from the app."""
    page.get_by_label("Код", exact=True).press_sequentially(code)
    page.get_by_role("button", name="Войти").click()


def sign_in(page: Page, login: str, authenticator: Authenticator) -> None:
    enter_password(page, login)
    enter_code(page, authenticator.code(login))
    expect(page.locator(".signout .who")).to_contain_text(login)


SignedInPage = Callable[[str], Page]


@pytest.fixture
def signed_in_page(new_page: NewPage, authenticator: Authenticator) -> SignedInPage:
    """`signed_in_page(login)`: a page of a new context where that demo user has signed in."""

    def open_as(login: str) -> Page:
        page = new_page()
        sign_in(page, login, authenticator)
        return page

    return open_as
