"""Identity and access in a real browser: signing in with a code, what each role sees,
session ids that change with each factor and die at sign-out, and four-eyes approval."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from interagency.demo import DEMO_PASSWORD
from tests.e2e.conftest import (
    SESSION_COOKIE,
    Authenticator,
    NewPage,
    SignedInPage,
    console_problems,
    enter_code,
    enter_password,
    session_cookie,
)

# Every link of the main navigation that depends on a role, in both languages.
ROLE_LINKS = {
    "en": (
        "Directory",
        "Review queue",
        "Users",
        "Approvals",
        "Account changes",
        "Break-glass review",
        "Audit trail",
    ),
    "ru": (
        "Справочник",
        "Очередь на проверку",
        "Пользователи",
        "Подтверждения",
        "Изменения учётных записей",
        "Проверка экстренного доступа",
        "Журнал аудита",
    ),
}
ACCESS_DENIED = {"en": "Access denied", "ru": "Доступ запрещён"}
ROLE_REFUSED = {
    "en": "Your role does not allow this.",
    "ru": "Ваша роль не даёт права на это действие.",
}
# What Chromium logs for every page that answers 403, the refusals these tests ask for.
FORBIDDEN_LOAD = "Failed to load resource: the server responded with a status of 403 (Forbidden)"


def unexpected_console_problems(page: Page) -> list[str]:
    return [problem for problem in console_problems(page) if problem != FORBIDDEN_LOAD]


def role_links_shown(page: Page, language: str) -> set[str]:
    name = {"en": "Main navigation", "ru": "Основная навигация"}[language]
    nav = page.get_by_role("navigation", name=name)
    return {
        label
        for label in ROLE_LINKS[language]
        if nav.get_by_role("link", name=label, exact=True).count()
    }


def switch_language(page: Page, language: str) -> None:
    page.get_by_role("button", name={"en": "English", "ru": "Русский"}[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def expect_forbidden(page: Page, path: str, language: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 403, path
    expect(page.get_by_role("heading", level=1)).to_have_text(ACCESS_DENIED[language])
    expect(page.get_by_role("main")).to_contain_text(ROLE_REFUSED[language])


def test_a_liaison_officer_signs_in_with_a_code_and_sees_only_what_the_role_allows(
    page: Page, authenticator: Authenticator
) -> None:
    page.goto("/audit")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Faudit$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Войти")

    page.get_by_label("Логин").fill("ivanov")
    page.get_by_label("Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Продолжить").click()
    expect(page).to_have_url(re.compile(r"/login/code\?next=%2Faudit$"))
    expect(page.get_by_role("main")).to_contain_text(
        "Введите шестизначный код, который приложение-аутентификатор показывает для Interagency."
    )
    page.get_by_label("Код", exact=True).press_sequentially(authenticator.code("ivanov"))
    page.get_by_role("button", name="Войти").click()

    # Signed in, back where the user was going, and still not allowed there.
    expect(page).to_have_url(re.compile(r"/audit$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Доступ запрещён")
    expect(page.get_by_role("main")).to_contain_text("Ваша роль не даёт права на это действие.")
    expect(page.locator(".signout .who")).to_have_text("Иван Петрович Иванов · ivanov")
    assert role_links_shown(page, "ru") == {"Справочник"}

    switch_language(page, "en")
    expect(page).to_have_url(re.compile(r"/audit$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Access denied")
    expect(page.get_by_role("main")).to_contain_text("Your role does not allow this.")
    assert role_links_shown(page, "en") == {"Directory"}
    expect_forbidden(page, "/admin/users", "en")
    expect_forbidden(page, "/break-glass", "en")

    page.get_by_role("link", name="Directory", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory of agencies and desks")
    expect(
        page.get_by_role("cell", name="National Security Committee of the Republic of Kazakhstan")
    ).to_be_visible()

    switch_language(page, "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Справочник ведомств и направлений")
    expect(
        page.get_by_role("cell", name="Комитет национальной безопасности Республики Казахстан")
    ).to_be_visible()
    assert unexpected_console_problems(page) == []


@dataclass(frozen=True)
class RoleView:
    login: str
    language: str
    links: set[str]  # the role-dependent links shown in the navigation
    opens: str  # a link the role follows ...
    heading: str  # ... and the heading of the page it opens
    forbidden: tuple[str, ...]  # addresses that give the 403 page


ROLE_VIEWS = [
    RoleView(
        "sokolov",
        "ru",
        {"Справочник", "Пользователи", "Подтверждения", "Изменения учётных записей"},
        "Пользователи",
        "Пользователи",
        ("/audit", "/review", "/break-glass"),
    ),
    RoleView(
        "gasparyan",
        "en",
        {"Review queue"},
        "Review queue",
        "Neutrality review queue",
        ("/directory", "/admin/users", "/audit"),
    ),
    RoleView(
        "volkov",
        "en",
        {"Directory", "Audit trail"},
        "Audit trail",
        "Audit trail",
        ("/admin/users", "/break-glass", "/review"),
    ),
    RoleView(
        "morozova",
        "ru",
        {
            "Справочник",
            "Изменения учётных записей",
            "Проверка экстренного доступа",
            "Журнал аудита",
        },
        "Проверка экстренного доступа",
        "Случаи экстренного доступа, ожидающие проверки",
        ("/admin/users", "/review"),
    ),
]


@pytest.mark.parametrize("view", ROLE_VIEWS, ids=lambda view: view.login)
def test_each_role_sees_its_own_pages_in_the_language_chosen(
    signed_in_page: SignedInPage, view: RoleView
) -> None:
    page = signed_in_page(view.login)
    # There and back: the choice is remembered across pages either way.
    switch_language(page, "en")
    if view.language == "ru":
        switch_language(page, "ru")
    assert role_links_shown(page, view.language) == view.links

    page.get_by_role("link", name=view.opens, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(view.heading)
    expect(page.locator("html")).to_have_attribute("lang", view.language)
    for path in view.forbidden:
        expect_forbidden(page, path, view.language)
    assert unexpected_console_problems(page) == []


def test_each_factor_gives_a_new_session_id_and_signing_out_ends_the_session(
    new_page: NewPage, browser: Browser, live_server: str, authenticator: Authenticator
) -> None:
    page = new_page()
    page.goto("/login")
    anonymous = session_cookie(page)
    enter_password(page, "kuznetsov")
    after_password = session_cookie(page)
    enter_code(page, authenticator.code("kuznetsov"))
    expect(page.locator(".signout .who")).to_contain_text("kuznetsov")
    after_code = session_cookie(page)

    assert after_password
    assert after_code
    assert after_password != anonymous
    assert after_code != after_password

    def with_cookie(value: str, path: str) -> Page:
        context = browser.new_context(base_url=live_server, locale="ru-RU")
        context.add_cookies([{"name": SESSION_COOKIE, "value": value, "url": live_server}])
        other = context.new_page()
        other.goto(path)
        return other

    # The id carried to another browser opens the account: a stolen live cookie works ...
    copy = with_cookie(after_code, "/account")
    expect(copy.get_by_role("heading", level=1)).to_have_text("Моя учётная запись")
    expect(copy.get_by_role("main")).to_contain_text("kuznetsov")
    copy.context.close()
    # ... but the id of the half-finished sign-in is dead once the code is given.
    stale = with_cookie(after_password, "/account")
    expect(stale).to_have_url(re.compile(r"/login\?next=%2Faccount$"))
    stale.context.close()

    page.get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_have_text("Вы вышли из системы.")
    assert session_cookie(page) is None

    for path in ("/account", "/", "/directory", "/approvals"):
        replayed = with_cookie(after_code, path)
        expect(replayed).to_have_url(re.compile(r"/login(\?next=.+)?$"))
        expect(replayed.get_by_role("heading", level=1)).to_have_text("Войти")
        replayed.context.close()


def test_a_role_is_given_only_when_the_agencys_supervisor_approves(
    signed_in_page: SignedInPage,
) -> None:
    reason = "Назначена руководителем направления CT с 1 декабря"
    requester = signed_in_page("sokolov")
    requester.goto("/admin/users")
    row = requester.get_by_test_id("user-smirnova")
    expect(row.locator("td").nth(4)).to_have_text("Аналитик")
    row.get_by_text("Управление", exact=True).click()
    form = row.locator("form[action$='/roles']")
    form.get_by_label("Роль", exact=True).select_option(label="Руководитель")
    form.get_by_label("Основание", exact=True).fill(reason)
    form.get_by_role("button", name="Запросить роль").click()

    status = requester.get_by_role("status")
    expect(status).to_have_text(
        re.compile(r"^Запрос № [a-z2-7]{26} ожидает подтверждения руководителем ведомства\.$")
    )
    match = re.search(r"[a-z2-7]{26}", status.inner_text())
    assert match is not None
    request_id = match.group()
    description = "Назначить пользователю smirnova роль «Руководитель»"

    # Neither the requester nor a second administrator may approve: the page does not
    # offer it, and the server answers as if the request did not exist.
    for administrator in (requester, signed_in_page("popov")):
        administrator.goto("/approvals")
        expect(administrator.get_by_test_id(f"approval-{request_id}")).to_have_count(0)
        expect(administrator.get_by_role("button", name="Подтвердить")).to_have_count(0)
        csrf = administrator.locator("input[name=csrf_token]").first.input_value()
        refused = administrator.request.post(
            f"/approvals/{request_id}",
            form={"csrf_token": csrf, "decision": "approve", "digest": "0" * 64, "note": ""},
            max_redirects=0,
        )
        assert refused.status == 403
        # Refused for the role, not for want of a valid form token.
        assert ROLE_REFUSED["ru"] in refused.text()
    requester.goto("/approvals")
    mine = requester.get_by_role("row").filter(has_text=description)
    expect(mine).to_contain_text("ожидает")

    approver = signed_in_page("kuznetsov")
    approver.goto("/approvals")
    card = approver.get_by_test_id(f"approval-{request_id}")
    expect(card).to_contain_text(description)
    expect(card).to_contain_text("sokolov")
    expect(card).to_contain_text(reason)
    card.get_by_label("Примечание").fill("Приказ видел")
    card.get_by_role("button", name="Подтвердить").click()
    expect(approver.get_by_role("status")).to_have_text(
        f"Запрос № {request_id} подтверждён и исполнен."
    )
    expect(approver.get_by_test_id(f"approval-{request_id}")).to_have_count(0)

    approver.goto("/admin/users")
    roles = approver.get_by_test_id("user-smirnova").locator("td").nth(4)
    expect(roles.locator(".tag")).to_have_text(["Аналитик", "Руководитель"])

    requester.reload()
    expect(requester.get_by_role("row").filter(has_text=description)).to_contain_text("подтверждён")
    assert console_problems(requester) == []
    assert console_problems(approver) == []
