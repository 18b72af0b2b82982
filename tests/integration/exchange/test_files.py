"""Attachments and exports over the API: sniffed, sealed, downloaded safely, watermarked."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from starlette.testclient import TestClient

from interagency.bootstrap import Container
from interagency.filestore.models import StoredFile
from tests.support.identity import Council, api_token

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _auth(container: Container, council: Council, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(container, council, login)}"}


def _thread(client: TestClient, headers: dict[str, str], **marking: Any) -> dict[str, Any]:
    data = {
        "subject": "Маршрут переправки мигрантов через границу",
        "body": '=HYPERLINK("http://example.invalid") Сведения о маршруте прилагаются.',
        "kind": "request",
        "deadline": (date.today() + timedelta(days=3)).isoformat(),
        "recipients": [{"agency": "KZ-SVC"}],
        "tlp": "AMBER",
        "handling_code": "H0",
        **marking,
    }
    sent = client.post("/api/v1/exchange/threads", json=data, headers=headers)
    assert sent.status_code == 201, sent.text
    return dict(sent.json())


def test_an_attachment_is_sniffed_stored_and_downloaded_only_as_a_file(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    thread = _thread(client, sender)
    message = thread["messages"][0]["id"]
    path = f"/api/v1/exchange/threads/{thread['id']}/messages/{message}/attachments"

    disguised = client.post(
        path, params={"filename": "report.pdf"}, content=b"MZ\x90\x00 not a pdf", headers=sender
    )
    assert disguised.status_code == 422

    added = client.post(
        path, params={"filename": "схема маршрута.pdf"}, content=PDF, headers=sender
    )
    assert added.status_code == 201, added.text
    attachment = added.json()
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert attachment["media_type"] == "application/pdf"

    receiver = _auth(container, council, "kz_liaison")
    got = client.get(f"/api/v1/exchange/attachments/{attachment['id']}", headers=receiver)
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in got.headers["content-disposition"]
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in got.headers["content-security-policy"]

    outsider = _auth(container, council, "sec_officer")
    assert (
        client.get(f"/api/v1/exchange/attachments/{attachment['id']}", headers=outsider).status_code
        == 404
    )
    not_author = client.post(path, params={"filename": "x.pdf"}, content=PDF, headers=receiver)
    assert not_author.status_code == 403


def test_an_oversized_upload_is_refused_before_it_is_read(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    thread = _thread(client, sender)
    message = thread["messages"][0]["id"]
    limit = container.settings.attachment_max_bytes
    refused = client.post(
        f"/api/v1/exchange/threads/{thread['id']}/messages/{message}/attachments",
        params={"filename": "big.pdf"},
        content=b"%PDF" + b"0" * (limit + 2 * 1024 * 1024),
        headers=sender,
    )
    assert refused.status_code == 413
    assert "MiB" in refused.json()["detail"]
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    incoming = container.settings.attachment_dir.glob("*/.incoming/*")
    assert not [p for p in incoming if p.is_file()]


def test_a_csv_export_is_watermarked_and_neutralises_formulas(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    thread = _thread(client, sender)
    exported = client.get(
        f"/api/v1/exchange/threads/{thread['id']}/export", params={"format": "csv"}, headers=sender
    )
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["# exported by", "ru_liaison (Test ru_liaison)"]
    assert "TLP:AMBER" in rows[0][-1]
    body_cell = rows[3][-1]
    assert body_cell.startswith("'=HYPERLINK")


def test_red_is_never_exported_and_h1_needs_the_originators_consent(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    receiver = _auth(container, council, "kz_liaison")
    red = _thread(client, sender, tlp="RED", recipients=[{"agency": "KZ-SVC", "desk": "CT"}])
    for who in (sender, receiver):
        refused = client.get(f"/api/v1/exchange/threads/{red['id']}/export", headers=who)
        assert refused.status_code == 403
        assert "RED" in refused.json()["detail"]

    h1 = _thread(client, sender, handling_code="H1")
    path = f"/api/v1/exchange/threads/{h1['id']}/export"
    assert client.get(path, headers=sender).status_code == 200  # the provider's own
    assert client.get(path, headers=receiver).status_code == 403
    asked = client.post(
        f"/api/v1/exchange/threads/{h1['id']}/disseminations",
        json={"purpose": "export", "reason": "For the joint investigation file"},
        headers=receiver,
    )
    assert asked.status_code == 201, asked.text
    decided = client.post(
        f"/api/v1/exchange/disseminations/{asked.json()['id']}/decision",
        json={"approve": True},
        headers=sender,
    )
    assert decided.status_code == 200, decided.text
    assert client.get(path, headers=receiver).status_code == 200


def test_a_pdf_export_carries_the_watermark_and_the_cyrillic_text(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = _auth(container, council, "ru_liaison")
    thread = _thread(client, sender, handling_code="H2")
    exported = client.get(
        f"/api/v1/exchange/threads/{thread['id']}/export", params={"format": "pdf"}, headers=sender
    )
    assert exported.status_code == 200
    assert exported.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=exported.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Маршрут переправки мигрантов" in text
    assert "ru_liaison" in text
    assert "TLP:AMBER" in text
