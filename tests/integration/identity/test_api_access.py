"""The API's gate: bearer tokens only, expiry, rate limits, and deny by default everywhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container, bootstrap
from interagency.web.app import ROUTERS, create_app
from interagency.web.auth import is_public
from tests.support.databases import settings_for
from tests.support.identity import Council, api_token, sign_in


def test_every_page_and_operation_refuses_anonymous_callers(
    app: FastAPI, client: TestClient
) -> None:
    checked = 0
    routes = [route for router in ROUTERS for route in router.routes]
    for route in routes:
        if not isinstance(route, APIRoute) or is_public(route.path):
            continue
        path = route.path.replace("{code}", "KZ")
        for part in ("{user_id}", "{access_id}", "{request_id}", "{token_id}", "{login}"):
            path = path.replace(part, "1")
        for method in route.methods:
            answer = client.request(method, path, follow_redirects=False)
            if path.startswith("/api/"):
                assert answer.status_code == 401, f"{method} {path}"
            elif method == "GET":
                assert answer.status_code == 303, f"{method} {path}"
                assert answer.headers["location"].startswith("/login"), f"{method} {path}"
            else:  # a form post is refused for its missing CSRF token or missing sign-in
                assert answer.status_code in (303, 403), f"{method} {path}"
            checked += 1
    assert checked > 20


def test_the_api_ignores_the_browser_session(client: TestClient, council: Council) -> None:
    sign_in(client, council, "ru_liaison")
    assert client.get("/directory").status_code == 200
    # A cookie is an ambient credential a foreign page could ride on; the API wants a token.
    assert client.get("/api/v1/me").status_code == 401


def test_an_expired_token_is_refused(
    client: TestClient, council: Council, container: Container
) -> None:
    token = api_token(container, council, "ru_liaison")  # valid for one day
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    with time_machine.travel(datetime.now(UTC) + timedelta(days=1, minutes=1)):
        assert client.get("/api/v1/me", headers=bearer).status_code == 401


@pytest.mark.parametrize("header", ["Bearer ia_forged", "Bearer ", "Basic dXNlcjpwYXNz", "ia_x"])
def test_malformed_or_forged_tokens_are_refused(client: TestClient, header: str) -> None:
    answer = client.get("/api/v1/me", headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.json()["status"] == 401


def test_a_refused_token_is_audited(client: TestClient, container: Container) -> None:
    client.get("/api/v1/me", headers={"Authorization": "Bearer ia_forged_token_value"})
    with container.uow() as uow:
        entry = uow.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "auth:token:refused")
        )
        assert entry is not None
        assert json.loads(entry.detail)["prefix"] == "ia_forged_"


@pytest.fixture
def limited_app(
    database_url: str, engine: Engine, session_factory: sessionmaker[Session]
) -> Callable[..., FastAPI]:
    """Makes the application with the given limits (settings) on the test's database."""

    def make(**limits: int) -> FastAPI:
        settings = settings_for(database_url, **limits)
        return create_app(bootstrap(settings, engine=engine, session_factory=session_factory))

    return make


def test_each_token_is_rate_limited(
    limited_app: Callable[..., FastAPI], container: Container, council: Council
) -> None:
    app = limited_app(api_rate_per_token=5)
    first = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    second = {"Authorization": f"Bearer {api_token(container, council, 'kz_liaison')}"}
    with TestClient(app) as client:
        assert [client.get("/api/v1/me", headers=first).status_code for _ in range(5)] == [200] * 5
        limited = client.get("/api/v1/me", headers=first)
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.headers["content-type"] == "application/problem+json"
        assert client.get("/api/v1/me", headers=second).status_code == 200


def test_a_server_process_keeps_its_share_of_the_token_limit(
    limited_app: Callable[..., FastAPI], container: Container, council: Council
) -> None:
    # Three processes share 10 requests a minute: this one allows 3 of them.
    app = limited_app(api_rate_per_token=10, web_workers=3)
    token = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    with TestClient(app) as client:
        statuses = [client.get("/api/v1/me", headers=token).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_each_client_address_is_rate_limited_even_without_a_token(
    limited_app: Callable[..., FastAPI],
) -> None:
    app = limited_app(api_rate_per_address=3)
    with TestClient(app) as client:
        statuses = [client.get("/api/v1/states").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_requests_arriving_together_at_a_new_server_share_one_limit(
    limited_app: Callable[..., FastAPI],
) -> None:
    app = limited_app(api_rate_per_address=3)
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: client.get("/api/v1/states").status_code, range(8)))
    assert sorted(statuses) == [401] * 3 + [429] * 5
