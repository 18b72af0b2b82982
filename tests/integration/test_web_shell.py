"""The shell every page stands on: headers, errors, languages, forms, time zones."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx2
import pytest
import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from interagency.bootstrap import Container, bootstrap
from interagency.demo import load_demo
from interagency.web.app import create_app
from interagency.web.security import CONTENT_SECURITY_POLICY
from tests.support.databases import settings_for
from tests.support.identity import Council, api_token

REQUIRED_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def csrf_token(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def post_preferences(client: TestClient, **fields: str) -> httpx2.Response:
    """Submits the preferences form as a browser would, with the page's CSRF token."""
    page = client.get("/preferences", headers={"Accept-Language": "en"})
    return client.post(
        "/preferences",
        data={**fields, "csrf_token": csrf_token(page.text)},
        headers={"Accept-Language": "en"},
    )


@pytest.mark.parametrize(
    "path", ["/", "/states", "/preferences", "/api/docs", "/api/v1/states", "/nowhere"]
)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    for name, value in REQUIRED_HEADERS.items():
        assert response.headers[name] == value
    csp = response.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in csp
    assert "script-src 'self'" in csp
    assert response.headers["cache-control"] == "no-store"


def test_pages_have_no_inline_script_or_foreign_asset(client: TestClient) -> None:
    for path in ("/", "/states", "/preferences", "/api/docs"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html, path
        assert not re.search(r'(src|href)="(https?:)?//', html), path


def test_the_language_follows_accept_language(signed_in: TestClient) -> None:
    russian = signed_in.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert '<html lang="ru">' in russian.text
    assert "Государства-участники" in russian.text
    english = signed_in.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.text
    assert "Member states" in english.text


def test_the_language_switch_is_remembered(client: TestClient) -> None:
    page = client.get("/states", headers={"Accept-Language": "en"})
    response = client.post(
        "/language",
        data={"language": "ru", "next": "/states", "csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/states"
    again = client.get("/states", headers={"Accept-Language": "en"})
    assert '<html lang="ru">' in again.text


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "javascript:alert(1)",
        "states",
    ],
)
def test_the_language_switch_never_redirects_off_site(client: TestClient, target: str) -> None:
    page = client.get("/")
    response = client.post(
        "/language",
        data={"language": "en", "next": target, "csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_a_return_path_with_a_control_character_is_refused(client: TestClient) -> None:
    page = client.get("/")
    response = client.post(
        "/language",
        data={"language": "en", "next": "/\tevil", "csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "location" not in response.headers


def test_a_form_without_the_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/")
    response = client.post("/language", data={"language": "en", "next": "/"})
    assert response.status_code == 403
    assert "Reload the page" in response.text or "Обновите страницу" in response.text


def test_a_token_from_another_browser_is_refused(app: FastAPI, client: TestClient) -> None:
    with TestClient(app) as other:
        foreign = csrf_token(other.get("/").text)
    client.get("/")
    response = client.post("/language", data={"language": "en", "csrf_token": foreign})
    assert response.status_code == 403


def test_preferences_are_saved_with_a_flash_message_and_times_follow(
    client: TestClient, container: Container
) -> None:
    response = post_preferences(client, language="en", timezone="Asia/Tashkent")
    assert response.status_code == 200
    assert "Preferences saved." in response.text
    assert "Times are shown in UTC+05:00, Tashkent." in response.text
    assert "Preferences saved." not in client.get("/preferences").text


def test_invalid_preferences_say_what_to_fix(client: TestClient) -> None:
    response = post_preferences(client, language="de", timezone="Mars/Base")
    assert response.status_code == 422
    assert "Choose Russian or English." in response.text
    assert "Choose a time zone from the list." in response.text


def test_a_missing_page_is_a_translated_html_404(client: TestClient) -> None:
    english = client.get("/nowhere", headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert english.headers["content-type"].startswith("text/html")
    assert "There is nothing at this address." in english.text
    russian = client.get("/nowhere", headers={"Accept-Language": "ru"})
    assert "По этому адресу ничего нет." in russian.text


def test_api_errors_are_problem_details(
    client: TestClient, container: Container, council: Council
) -> None:
    load_demo(container)
    client.headers["Authorization"] = f"Bearer {api_token(container, council, 'ru_liaison')}"
    missing = client.get("/api/v1/states/QQ", headers={"Accept-Language": "en"})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "No member state has the code QQ.",
        "instance": "/api/v1/states/QQ",
    }
    invalid = client.get("/api/v1/states/kz", headers={"Accept-Language": "en"})
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["status"] == 422
    assert body["errors"] == [
        {"field": "path.code", "problem": "The value does not have the expected form (^[A-Z]{2}$)."}
    ]
    russian = client.get("/api/v1/states/kz", headers={"Accept-Language": "ru"}).json()
    assert russian["title"] == "Неверные данные"
    assert russian["errors"][0]["problem"] == (
        "Значение не соответствует ожидаемому виду (^[A-Z]{2}$)."
    )


def test_an_internal_error_leaks_nothing(
    app: FastAPI, signed_in: TestClient, container: Container, council: Council
) -> None:
    client = signed_in
    client.headers["Authorization"] = f"Bearer {api_token(container, council, 'ru_liaison')}"

    @app.get("/api/v1/explode")
    def explode() -> None:
        raise RuntimeError("secret internal detail: /srv/db password=hunter2")

    @app.get("/explode")
    def explode_page() -> None:
        raise RuntimeError("secret internal detail: /srv/db password=hunter2")

    api = client.get("/api/v1/explode", headers={"Accept-Language": "en"})
    assert api.status_code == 500
    assert api.headers["content-type"] == "application/problem+json"
    assert "hunter2" not in api.text
    assert api.json()["detail"].startswith("Something went wrong on our side.")
    page = client.get("/explode", headers={"Accept-Language": "ru"})
    assert page.status_code == 500
    assert "hunter2" not in page.text
    assert "Ничего не сохранено." in page.text
    assert page.headers["x-frame-options"] == "DENY"


def test_the_api_schema_and_docs_are_local(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/states" in schema["paths"]
    docs = client.get("/api/docs").text
    assert '/static/swagger/swagger-ui-bundle.js"' in docs
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/js/api-docs.js").status_code == 200


def test_the_member_states_page_lists_the_demo_council(
    signed_in: TestClient, container: Container
) -> None:
    load_demo(container)
    russian = signed_in.get("/states", headers={"Accept-Language": "ru"}).text
    assert "Республика Казахстан" in russian
    english = signed_in.get("/states", headers={"Accept-Language": "en"}).text
    assert "Republic of Kazakhstan" in english
    assert "Республика Казахстан" not in english


def test_behind_https_cookies_are_secure_and_hsts_is_sent(
    database_url: str, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    settings = settings_for(database_url, base_url="https://interagency.example")
    container = bootstrap(settings, engine=engine, session_factory=session_factory)
    with TestClient(create_app(container), base_url="https://testserver") as client:
        response = client.get("/")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie


def test_plain_http_sends_no_hsts(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/").headers


def test_times_are_shown_in_the_chosen_zone_and_language(client: TestClient) -> None:
    client.cookies.set("tz", "Asia/Tashkent")
    with time_machine.travel(datetime(2026, 3, 1, 4, 30, tzinfo=UTC), tick=False):
        english = client.get("/", headers={"Accept-Language": "en"}).text
        client.cookies.set("lang", "ru")
        russian = client.get("/").text
    assert 'datetime="2026-03-01T04:30:00+00:00"' in english
    # 04:30 UTC is 09:30 in Tashkent (UTC+5): day, month in letters, year, 24-hour time,
    # and the zone by its offset (Tashkent has no abbreviation in letters).
    assert "1 Mar 2026, 09:30 UTC+05:00" in english
    assert "1 мар. 2026 г., 09:30 UTC+05:00" in russian


def test_a_form_missing_a_field_gets_a_422_page_naming_it(client: TestClient) -> None:
    response = post_preferences(client, language="en")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "<strong>timezone</strong>" in response.text


def test_a_forged_time_zone_cookie_falls_back_to_the_default(client: TestClient) -> None:
    client.cookies.set("tz", "<script>Mars/Base")
    page = client.get("/", headers={"Accept-Language": "en"}).text
    assert "Times are shown in UTC+05:00, Almaty." in page
    assert "Mars/Base" not in page


def test_a_malformed_cookie_header_is_ignored(client: TestClient) -> None:
    response = client.get("/", headers={"Cookie": 'lang="ru; tz=\\', "Accept-Language": "en"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.text


def test_the_language_switch_keeps_the_query_of_the_page(client: TestClient) -> None:
    page = client.get("/login?next=%2Faudit", headers={"Accept-Language": "en"})
    assert 'name="next" value="/login?next=%2Faudit"' in page.text


def test_the_time_zone_chooser_names_zones_by_offset_and_city(client: TestClient) -> None:
    client.cookies.set("lang", "en")
    with time_machine.travel(datetime(2026, 12, 6, 11, 0, tzinfo=UTC), tick=False):
        page = client.get("/preferences").text
    options = dict(re.findall(r'<option value="([\w/]+)"[^>]*>([^<]*)</option>', page))
    assert options["Europe/Moscow"] == "UTC+03:00, Moscow (MSK)"
    assert options["Asia/Bishkek"] == "UTC+06:00, Bishkek"
    assert options["UTC"] == "UTC"
