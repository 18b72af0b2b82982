"""Every main page, in Russian and in English, passes axe-core with no serious or critical
violation, and every link a page offers opens.

Each demo role signs in once and walks its pages by following links: the navigation first,
then every link inside the pages, one page per kind (`/exchange/threads/{id}` stands for
every thread). A page added later is walked as soon as some page links to it. axe-core comes
from npm (`make test` installs the locked version into node_modules/) and enters each page
as a script the browser runs before the page's own, which the page's CSP does not govern, so
the production CSP stays as it is.

With INTERAGENCY_SCREENSHOTS=1 the walk also saves a full-page screenshot of every page it
visits, in both languages, as var/screenshots/<role>/<language>/<page>.png.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from interagency.web.security import LANGUAGE_COOKIE
from tests.e2e.conftest import Authenticator, sign_in

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
SCREENSHOTS_WANTED = os.environ.get("INTERAGENCY_SCREENSHOTS", "") not in ("", "0")

# One demo user per role, the richest walk first: a kind of page already checked for an
# earlier role is not checked again (its links are still followed), which keeps the walk
# within two minutes. With screenshots every role's pages are checked and kept.
ROLES = {
    "liaison_officer": "ivanov",
    "analyst": "smirnova",
    "supervisor": "kuznetsov",
    "secretariat": "orlova",
    "dpo": "morozova",
    "auditor": "volkov",
    "administrator": "sokolov",
    "neutrality_reviewer": "gasparyan",
}
BLOCKING = frozenset({"serious", "critical"})

# Reviewed exceptions, each with the reason it may wait. Keep them short: an entry is a
# known fault to fix, not a rule that does not apply.
# (kind of page, axe rule): violations found but not yet fixed.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}
# (role, kind of page): links the role is offered to pages it may not open. An entry that
# no longer fails is reported, so that the list only shrinks.
KNOWN_BROKEN_LINKS: dict[tuple[str, str], str] = {}

# Links that are not pages: files, the API and its generated documentation, signing in.
NOT_PAGES = re.compile(r"^/(api|static|login|logout|enrol)(/|$)|/[^/]*\.[a-z0-9]+$")
# A path segment naming one object: ids, hit references, numbers.
OBJECT_SEGMENT = re.compile(r"[0-9]|^[a-z2-7]{20,}$", re.IGNORECASE)

LINKS = """() => [...document.querySelectorAll('header nav a[href], main a[href]')]
    .map(a => a.getAttribute('href'))"""
AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({
        rule: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 3).map(node => node.target.join(' ')),
    }));
}"""


def kind_of_page(path: str) -> str:
    """`/records/hits/HIT-1F1F071382` -> `/records/hits/{id}`: pages drawn by one template."""
    segments = ["{id}" if OBJECT_SEGMENT.search(s) else s for s in path.split("/")]
    return "/".join(segments)


def screenshot_name(kind: str) -> str:
    return kind.strip("/").replace("/", "-").replace("{id}", "id") or "overview"


def page_links(page: Page) -> list[str]:
    """The site's own pages a page links to, without query or fragment variants."""
    found: list[str] = []
    for href in page.evaluate(LINKS):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if not NOT_PAGES.search(parts.path):
            found.append(parts.path)
    return found


@dataclass
class Findings:
    """What the walk found wrong, and the kinds of page already checked in this run."""

    checked: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def axe(self, page: Page, where: str, kind: str) -> None:
        for violation in page.evaluate(AXE_RUN):
            if violation["impact"] not in BLOCKING:
                continue
            if (kind, violation["rule"]) in KNOWN_VIOLATIONS:
                continue
            targets = ", ".join(violation["targets"])
            self.problems.append(
                f"{where}: {violation['impact']} {violation['rule']}: {violation['help']}"
                f" ({targets})"
            )


@pytest.fixture(scope="module")
def findings() -> Findings:
    return Findings()


@pytest.fixture
def context(browser: Browser, live_server: str) -> Iterator[BrowserContext]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test`, which installs it from npm")
    context = browser.new_context(base_url=live_server, locale="ru-RU")
    # An init script is added by the browser itself, outside the page's CSP.
    context.add_init_script(path=AXE)
    yield context
    context.close()


@dataclass
class Walk:
    """One role's walk: the kinds of page it saw, those it checked ({kind: path}) and those
    its links led to in vain."""

    role: str
    findings: Findings
    seen: set[str] = field(default_factory=set)
    checked: dict[str, str] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)

    def visit(self, page: Page, path: str, language: str) -> bool:
        """Opens a page a link leads to; a link the user is offered must open."""
        response = page.goto(path)
        if response is not None and response.status < 400:
            return True
        kind = kind_of_page(path)
        self.broken.add(kind)
        if (self.role, kind) not in KNOWN_BROKEN_LINKS:
            status = response.status if response else "no response"
            self.findings.problems.append(
                f"{self.role} {language} {path}: a link leads to a page answering {status}"
            )
        return False

    def check(self, page: Page, language: str, kind: str) -> None:
        self.findings.axe(page, f"{self.role} {language} {page.url}", kind)
        if SCREENSHOTS_WANTED:
            shot = SCREENSHOTS / self.role / language / f"{screenshot_name(kind)}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)

    def in_russian(self, page: Page) -> None:
        """Follows links breadth-first from the navigation, checking each new kind of page."""
        if SCREENSHOTS_WANTED:  # no picture of a page that has gone is left from an earlier run
            shutil.rmtree(SCREENSHOTS / self.role, ignore_errors=True)
        page.goto("/")
        queue = page_links(page)
        navigation = len(queue)
        while queue:
            path = queue.pop(0)
            kind = kind_of_page(path)
            if kind in self.seen:
                continue
            self.seen.add(kind)
            if not self.visit(page, path, "ru"):
                continue
            if SCREENSHOTS_WANTED or kind not in self.findings.checked:
                self.checked[kind] = path
                self.findings.checked.add(kind)
                self.check(page, "ru", kind)
            queue.extend(page_links(page))
        # Some link inside a page led further than the navigation.
        assert len(self.seen) > navigation, f"{self.role}: only {sorted(self.seen)}"

    def in_english(self, page: Page) -> None:
        """The pages checked in Russian, again in English."""
        for kind, path in self.checked.items():
            if self.visit(page, path, "en"):
                assert page.locator("html").get_attribute("lang") == "en", path
                self.check(page, "en", kind)

    def stale_exceptions(self) -> list[str]:
        return [
            f"{role} {kind}: opens now or is no longer offered; remove it from KNOWN_BROKEN_LINKS"
            for role, kind in KNOWN_BROKEN_LINKS
            if role == self.role and kind not in self.broken
        ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_is_accessible_in_both_languages(
    role: str,
    context: BrowserContext,
    live_server: str,
    authenticator: Authenticator,
    findings: Findings,
) -> None:
    page = context.new_page()
    sign_in(page, ROLES[role], authenticator)
    before = len(findings.problems)
    walk = Walk(role, findings)
    walk.in_russian(page)
    context.add_cookies([{"name": LANGUAGE_COOKIE, "value": "en", "url": live_server}])
    walk.in_english(page)
    assert findings.problems[before:] + walk.stale_exceptions() == []


def test_the_check_sees_a_serious_violation_and_the_sign_in_page_has_none(
    context: BrowserContext,
) -> None:
    page = context.new_page()
    page.goto("/login")
    clean = Findings()
    clean.axe(page, "ru /login", "/login")
    assert clean.problems == []

    # An image with no text alternative and a field with no label: what a careless template
    # change would add. Added as elements, since the page's CSP forbids inline scripts.
    page.evaluate("""() => {
        const image = document.createElement('img');
        image.src = '/static/favicon.svg';
        const field = document.createElement('input');
        document.querySelector('main').append(image, field);
    }""")
    broken = Findings()
    broken.axe(page, "ru /login", "/login")
    assert sorted(problem.split(": ")[1].split(" ")[1] for problem in broken.problems) == [
        "image-alt",
        "label",
    ]


def test_messages_and_errors_after_a_post_are_accessible(context: BrowserContext) -> None:
    """What no link leads to: a refused sign-in, a saved form's message, a field's error."""
    page = context.new_page()
    findings = Findings()
    page.goto("/login")
    page.get_by_label("Логин").fill("nobody")
    page.get_by_label("Пароль").fill("not-the-password")
    page.get_by_role("button", name="Продолжить").click()
    expect(page.get_by_role("alert")).to_be_visible()
    findings.axe(page, "ru refused sign-in", "/login")

    page.goto("/preferences")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status")).to_have_text("Настройки сохранены.")
    findings.axe(page, "ru saved preferences", "/preferences")

    # A zone the server does not know, as a hand-made request would send.
    page.evaluate("""() => {
        const zone = document.querySelector('#timezone');
        zone.append(new Option('Mars/Olympus', 'Mars/Olympus', true, true));
    }""")
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.get_by_role("button", name="Сохранить").click()
    assert sent.value.status == 422
    expect(page.locator("#e-timezone")).to_be_visible()
    findings.axe(page, "ru a field's error", "a refused form")
    assert findings.problems == []
