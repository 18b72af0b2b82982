"""The audit trail's CSV leaves through the export gate: marked as personal data that is
never passed on, under an export id named on its first line and in its headers."""

from __future__ import annotations

import csv
import io
import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.egress.models import Export
from tests.support.identity import Council, sign_in

MARKING = "H2 · TLP:AMBER+STRICT"


def exports(container: Container) -> list[Export]:
    with container.uow() as uow:
        rows = list(uow.session.scalars(select(Export).where(Export.door == "audit:file")))
        uow.session.expunge_all()
        return rows


def audited(container: Container, action: str) -> list[AuditEntry]:
    with container.uow() as uow:
        rows = list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        uow.session.expunge_all()
        return rows


def test_the_first_line_names_the_export_and_its_marking(
    client: TestClient, council: Council, container: Container
) -> None:
    assert sign_in(client, council, "sec_auditor").status_code == 303
    answer = client.get("/audit/export.csv?outcome=ok")
    assert answer.status_code == 200
    export_id = answer.headers["x-export-id"]
    assert len(export_id) == 26
    # Header values are Latin-1: the middle dot is replaced there, never in the file.
    assert answer.headers["x-marking"] == "H2; TLP:AMBER+STRICT"
    assert answer.headers["x-content-type-options"] == "nosniff"
    text = io.StringIO(answer.text)
    assert next(csv.reader(text)) == ["export", export_id, "marking", MARKING]
    assert next(csv.reader(text))[:4] == ["seq", "at", "action", "outcome"]

    [row] = exports(container)
    assert row.public_id == export_id
    assert row.format == "csv"
    assert row.destination == "reader"
    assert row.reader_user_id == council.users["sec_auditor"]
    [item] = row.items
    assert item["kind"] == "audit"
    assert (item["tlp"], item["handling"]) == ("AMBER+STRICT", "H2")
    assert item["owner"] == council.agencies["TEST-SEC"]

    [gate_entry] = audited(container, "egress:export")
    assert gate_entry.object_ref == export_id
    assert json.loads(gate_entry.detail)["door"] == "audit:file"
    [own_entry] = audited(container, "audit:export")
    assert json.loads(own_entry.detail)["export"] == export_id


def test_a_refused_export_records_no_export(
    client: TestClient, council: Council, container: Container
) -> None:
    assert sign_in(client, council, "ru_liaison").status_code == 303
    assert client.get("/audit/export.csv").status_code == 403
    assert exports(container) == []
    assert audited(container, "egress:export") == []
