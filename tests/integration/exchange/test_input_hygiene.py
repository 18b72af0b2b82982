"""The hygiene of incoming text through the real application: a subject or a file name
that would display in another order than it is written ("Invoice", U+202E, "txt.exe"
shows as "Invoiceexe.txt") is refused with the field and what to fix, on the API and on
the pages; text in decomposed form is stored composed (NFC)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Any

from starlette.testclient import TestClient

from interagency.bootstrap import Container
from tests.support.identity import Council, api_token, csrf_token, sign_in, submit

SPOOFED = "Invoice\u202etxt.exe"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _thread(subject: str) -> dict[str, Any]:
    return {
        "subject": subject,
        "body": "Сведения о маршруте прилагаются.",
        "kind": "request",
        "deadline": (date.today() + timedelta(days=3)).isoformat(),
        "recipients": [{"agency": "KZ-SVC"}],
    }


def test_the_api_refuses_a_spoofed_subject_and_file_name_and_stores_nfc(
    client: TestClient, council: Council, container: Container
) -> None:
    headers = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}

    refused = client.post("/api/v1/exchange/threads", json=_thread(SPOOFED), headers=headers)
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["field"] == "subject"
    assert "U+202E" in error["problem"]

    decomposed = unicodedata.normalize("NFD", "Отчёт о маршруте через Хоргос")
    sent = client.post("/api/v1/exchange/threads", json=_thread(decomposed), headers=headers)
    assert sent.status_code == 201, sent.text
    thread = sent.json()
    assert thread["subject"] == unicodedata.normalize("NFC", decomposed)

    message = thread["messages"][0]["id"]
    path = f"/api/v1/exchange/threads/{thread['id']}/messages/{message}/attachments"
    spoofed = client.post(path, params={"filename": SPOOFED}, content=PDF, headers=headers)
    assert spoofed.status_code == 422, spoofed.text
    [error] = spoofed.json()["errors"]
    assert error["field"] == "query.filename"
    assert "U+202E" in error["problem"]
    kept = client.post(path, params={"filename": "схема.pdf"}, content=PDF, headers=headers)
    assert kept.status_code == 201, kept.text


def test_the_pages_refuse_a_spoofed_subject_and_file_name(
    client: TestClient, council: Council
) -> None:
    assert sign_in(client, council, "ru_liaison").status_code == 303
    fields = {
        "subject": SPOOFED,
        "body": "Сведения о маршруте прилагаются.",
        "kind": "request",
        "deadline": (date.today() + timedelta(days=3)).isoformat(),
        "recipients": ["KZ-SVC"],
    }
    refused = submit(client, "/exchange/new", "/exchange/new", **fields)
    assert refused.status_code == 422, refused.text
    assert "subject" in refused.text
    assert "U+202E" in refused.text

    sent = submit(client, "/exchange/new", "/exchange/new", **{**fields, "subject": "Счёт"})
    assert sent.status_code == 303, sent.text
    page = client.get(sent.headers["location"]).text
    action = re.search(
        r'action="(/exchange/threads/[a-z2-7]{26}/messages/[a-z2-7]{26}/attachments)"', page
    )
    assert action, "the author is offered no upload form"
    uploaded = client.post(
        action.group(1),
        data={"csrf_token": csrf_token(page)},
        files={"file": (SPOOFED, PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    after = client.get(uploaded.headers["location"]).text
    assert "U+202E" in after, re.findall(r'class="flash[^"]*"[^>]*>([^<]*)', after)
    assert "Invoice" not in after
