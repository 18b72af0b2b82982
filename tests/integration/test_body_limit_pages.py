"""An upload too large for the platform: a person gets the error page in their language,
a program gets problem details."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from interagency.bootstrap import Container
from interagency.config import Settings
from tests.support.databases import settings_for
from tests.support.identity import Council, api_token, sign_in

LIMIT = 1024
# Past the limit and the room left for the form around the file (one MiB).
TOO_LARGE = LIMIT + 1024 * 1024 + 1
# A day's manifest has a larger limit of its own.
MANIFEST_LIMIT = 4 * 1024 * 1024


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, attachment_max_bytes=LIMIT, manifest_max_bytes=MANIFEST_LIMIT)


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


def test_a_manifest_larger_than_any_attachment_is_received_up_to_its_own_limit(
    client: TestClient, container: Container, council: Council
) -> None:
    token = {"Authorization": f"Bearer {api_token(container, council, 'kz_liaison')}"}
    header = "surname,document_number,document_country,occurred_at,crossing_point,direction\n"
    row = "TESTOV,N0000001,KAZ,2026-12-01T08:00+05:00,Nur Zholy,exit\n"
    body = (header + row * (TOO_LARGE // len(row) + 1)).encode()
    assert LIMIT + 1024 * 1024 < len(body) < MANIFEST_LIMIT
    # Too large for any other route ...
    refused = client.post(
        "/api/v1/exchange/threads", files={"file": ("day.csv", body, "text/csv")}, headers=token
    )
    assert refused.status_code == 413
    # ... but a manifest is received, and past its own limit refused alike.
    path = "/api/v1/movements/manifests"
    sent = client.post(path, files={"file": ("day.csv", body, "text/csv")}, headers=token)
    assert sent.status_code == 202, sent.text[:300]
    huge = body * (MANIFEST_LIMIT // len(body) + 2)
    refused = client.post(path, files={"file": ("day.csv", huge, "text/csv")}, headers=token)
    assert refused.status_code == 413
