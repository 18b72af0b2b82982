"""The auditor's page is one an auditor can read all day: fifty entries a page with the
filters kept from page to page, details in words, outcomes in the reader's language."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency import audit
from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from tests.support.identity import Council, sign_in

PROBE = "test:probe"


def _record(container: Container, *events: audit.AuditEvent) -> None:
    with container.uow() as uow:
        for event in events:
            audit.record(uow, event)
        uow.commit()


def _rows(text: str) -> list[str]:
    return re.findall(r'<tr class="outcome-\w+">(.*?)</tr>', text, re.S)


def _searches(container: Container) -> list[AuditEntry]:
    with container.uow() as uow:
        query = select(AuditEntry).where(AuditEntry.action == "audit:search")
        rows = list(uow.session.scalars(query.order_by(AuditEntry.seq)))
        uow.session.expunge_all()
        return rows


def _auditor(client: TestClient, council: Council, language: str = "en") -> TestClient:
    client.cookies.set("lang", language)
    assert sign_in(client, council, "sec_auditor").status_code == 303
    return client


def test_fifty_entries_a_page_and_the_filters_follow_the_pages(
    client: TestClient, council: Council, container: Container
) -> None:
    _record(container, *(audit.AuditEvent(PROBE, detail={"n": n}) for n in range(120)))
    auditor = _auditor(client, council)

    first = auditor.get("/audit", params={"action": PROBE, "outcome": "ok"})
    assert first.status_code == 200
    assert len(_rows(first.text)) == 50
    assert 'rel="prev"' not in first.text
    (older,) = re.findall(r'href="([^"]+)" rel="next"', first.text)
    older = older.replace("&amp;", "&")
    assert "action=test%3Aprobe" in older
    assert "outcome=ok" in older
    assert "page=2" in older

    last = auditor.get("/audit", params={"action": PROBE, "outcome": "ok", "page": 3})
    assert len(_rows(last.text)) == 20  # 120 = 50 + 50 + 20
    assert 'rel="next"' not in last.text  # no empty fourth page offered
    (newer,) = re.findall(r'href="([^"]+)" rel="prev"', last.text)
    assert "page=2" in newer
    assert "action=test%3Aprobe" in newer

    # Reading is audited as before: each page, with the entries it showed.
    first_read, last_read = (json.loads(e.detail) for e in _searches(container)[-2:])
    assert len(first_read["ids"]) == 50
    assert last_read["page"] == 3
    assert len(last_read["ids"]) == 20


def test_details_are_words_not_json(
    client: TestClient, council: Council, container: Container
) -> None:
    long_value = "x" * 300
    _record(
        container,
        audit.AuditEvent(
            PROBE,
            outcome="denied",
            # Keys every reader sees as recorded (`audit_policy.SHOWN`), and a boolean.
            detail={"reason": "Кириллица", "rows": [7, 8], "why": long_value, "kept": True},
        ),
    )
    page = _auditor(client, council).get("/audit", params={"action": PROBE})
    (row,) = _rows(page.text)
    assert "Кириллица" in row
    assert "\\u041a" not in page.text
    # No JSON object left on the page, escaped or not.
    assert "{&#34;" not in row
    assert '{"' not in row
    assert "<dt><code>reason</code></dt><dd><samp>Кириллица</samp></dd>" in row
    assert "<dt><code>rows</code></dt><dd><samp>7, 8</samp></dd>" in row
    assert "<dt><code>kept</code></dt><dd><samp>yes</samp></dd>" in row
    # A long value is cut to its beginning, the whole of it one click away.
    assert (
        f"<details><summary><samp>{'x' * 80}…</samp></summary><samp>{long_value}</samp></details>"
        in row
    )
    assert "access denied" in row
    assert "<code>test:probe</code>" in row


def test_outcomes_and_known_actions_are_in_words(
    client: TestClient, council: Council, container: Container
) -> None:
    _record(container, audit.AuditEvent("auth:login:failed", outcome="failed"))
    page = _auditor(client, council).get("/audit", params={"action": "auth:login:failed"})
    row = _rows(page.text)[0]
    assert "Sign-in failed" in row
    assert '<td class="outcome short">did not succeed</td>' in row
    assert '<option value="denied" >access denied</option>' in page.text
