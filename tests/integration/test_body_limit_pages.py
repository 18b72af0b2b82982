"""An upload too large for the platform: a person gets the error page in their language,
a program gets problem details."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from interagency.config import Settings
from tests.support.databases import settings_for
from tests.support.identity import Council, sign_in

LIMIT = 1024
# Past the limit and the room left for the form around the file (one MiB).
TOO_LARGE = LIMIT + 1024 * 1024 + 1


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, attachment_max_bytes=LIMIT)


def test_an_oversized_page_upload_gets_the_translated_error_page(
    client: TestClient, council: Council
) -> None:
    sign_in(client, council, "ru_liaison")
    client.cookies.set("lang", "ru")
    refused = client.post(
        "/records/upload",
        files={"file": ("big.csv", b"a" * TOO_LARGE, "text/csv")},
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert refused.headers["connection"] == "close"
    assert '<h1 id="error-title">Слишком большой объём</h1>' in refused.text
    assert "отправьте файл меньшего размера" in refused.text
    assert '"status": 413' not in refused.text


def test_an_oversized_api_request_still_gets_problem_details(
    client: TestClient, council: Council
) -> None:
    refused = client.post(
        "/api/v1/exchange/threads",
        content=b"{" + b" " * TOO_LARGE + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["status"] == 413
