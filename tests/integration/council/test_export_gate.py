"""The council's files and API lists leave through the export gate: a file carries its
export id in its headers and on its pages, RED never leaves, a third party gets a file
only when the secretariat registered it, and every export is recorded."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.egress.models import Export, ThirdParty
from tests.integration.council.conftest import Secretariat
from tests.support.identity import api_token, sign_in
from tests.unit.council import pdfcheck

BODY = "Статья 1. Стороны сотрудничают."


def create_document(
    client: TestClient, members: Secretariat, title: str, tlp: str, handling: str = "H1"
) -> str:
    token = api_token(members.container, members.council, "sec_officer")
    created = client.post(
        "/api/v1/council/documents",
        json={
            "kind": "agreement",
            "title": title,
            "parties": ["RU-SVC", "KZ-SVC"],
            "body": BODY,
            "marking": {"tlp": tlp, "handling_code": handling},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text
    document_id: str = created.json()["id"]
    return document_id


def exports(container: Container, door: str = "council:file") -> list[Export]:
    with container.uow() as uow:
        rows = list(
            uow.session.scalars(select(Export).where(Export.door == door).order_by(Export.id))
        )
        uow.session.expunge_all()
        return rows


def entries(container: Container, action: str) -> list[tuple[str, str | None, dict[str, object]]]:
    """(outcome, object ref, detail) of the audit entries of `action`, oldest first."""
    with container.uow() as uow:
        rows = uow.session.execute(
            select(AuditEntry.outcome, AuditEntry.object_ref, AuditEntry.detail)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.seq)
        )
        return [(outcome, ref, json.loads(detail)) for outcome, ref, detail in rows]


def register_third_party(members: Secretariat) -> str:
    with members.container.uow() as uow:
        party = ThirdParty(
            name="Regional Anti-Terrorist Structure",
            country="XX",
            legal_basis="Agreement on cooperation, art. 9",
            entered_by_id=members.council.users["sec_officer"],
        )
        uow.session.add(party)
        uow.session.flush()
        public_id = party.public_id
        uow.commit()
    return public_id


def test_an_amber_document_leaves_as_docx_with_its_export_id(
    client: TestClient, members: Secretariat, container: Container
) -> None:
    document_id = create_document(client, members, "Соглашение об обмене", "AMBER")
    assert sign_in(client, members.council, "kz_liaison").status_code == 303
    answer = client.get(f"/council/documents/{document_id}/export.docx?lang=en")
    assert answer.status_code == 200, answer.text
    export_id = answer.headers["x-export-id"]
    assert answer.headers["x-marking"] == "H1; TLP:AMBER"
    assert answer.headers["content-disposition"].startswith("attachment;")
    word = docx.Document(io.BytesIO(answer.content))
    for section in word.sections:
        for part in (section.header, section.footer):
            text = "\n".join(p.text for p in part.paragraphs)
            assert f"export {export_id}" in text
            assert "kz_liaison" in text

    [export] = exports(container)
    assert export.public_id == export_id
    assert (export.format, export.destination) == ("docx", "reader")
    assert export.reader_user_id == members.council.users["kz_liaison"]
    assert export.items == [
        {
            "kind": "document",
            "ref": document_id,
            "owner": members.council.agencies["TEST-SEC"],  # the council's own paper
            "tlp": "AMBER",
            "handling": "H1",
            "expires": None,
        }
    ]
    [(outcome, ref, _detail)] = entries(container, "egress:export")
    assert (outcome, ref) == ("ok", export_id)
    [(_outcome, _ref, council_detail)] = entries(container, "council:export")
    assert council_detail["export"] == export_id


def test_an_agenda_pdf_names_its_export_on_the_page(
    client: TestClient, members: Secretariat, container: Container, tmp_path: Path
) -> None:
    officer = {"Authorization": f"Bearer {api_token(container, members.council, 'sec_officer')}"}
    created = client.post(
        "/api/v1/council/meetings",
        json={
            "number": 46,
            "title": "Заседание Совета",
            "held_on": "2026-03-14",
            "place": "Ереван",
            "chair": "Председатель",
            "participants": [{"agency": "RU-SVC", "delegates": "Делегат"}],
            "marking": {"tlp": "GREEN", "handling_code": "H0"},
        },
        headers=officer,
    )
    assert created.status_code == 201, created.text
    assert sign_in(client, members.council, "sec_officer").status_code == 303
    agenda = client.get(f"/council/meetings/{created.json()['id']}/agenda.pdf?lang=en")
    assert agenda.status_code == 200, agenda.text
    pdf = tmp_path / "agenda.pdf"
    pdf.write_bytes(agenda.content)
    assert f"export {agenda.headers['x-export-id']}" in pdfcheck.page_text(pdf, 1)
    [export] = exports(container)
    assert export.items[0]["kind"] == "meeting"


def test_a_red_document_is_never_exported(
    client: TestClient, members: Secretariat, container: Container
) -> None:
    document_id = create_document(client, members, "Совершенно секретно", "RED")
    # The secretariat may read it and its own table allows an export: the gate does not.
    assert sign_in(client, members.council, "sec_officer").status_code == 303
    assert client.get(f"/council/documents/{document_id}").status_code == 200
    refused = client.get(f"/council/documents/{document_id}/export.pdf")
    assert refused.status_code == 403
    assert "RED is never exported" in refused.text
    assert exports(container) == []
    assert entries(container, "egress:export") == []
    assert [(outcome, ref) for outcome, ref, _ in entries(container, "egress:refused")] == [
        ("denied", document_id)
    ]


def test_a_file_for_a_third_party_needs_it_registered_and_the_owner_or_its_consent(
    client: TestClient, members: Secretariat, container: Container
) -> None:
    document_id = create_document(client, members, "Соглашение об обмене", "GREEN")
    party = register_third_party(members)
    assert sign_in(client, members.council, "kz_liaison").status_code == 303
    # A member agency sends the council's paper on only with the secretariat's consent.
    assert client.get(f"/council/documents/{document_id}/export.pdf?to={party}").status_code == 403
    assert sign_in(client, members.council, "sec_officer").status_code == 303
    unknown = "a" * 26
    assert (
        client.get(f"/council/documents/{document_id}/export.pdf?to={unknown}").status_code == 403
    )
    assert client.get(f"/council/documents/{document_id}/export.pdf?to=x").status_code == 422
    sent = client.get(f"/council/documents/{document_id}/export.pdf?to={party}")
    assert sent.status_code == 200, sent.text
    [export] = exports(container)
    assert export.public_id == sent.headers["x-export-id"]
    assert export.destination == "third_party"
    assert export.third_party_id is not None


def test_the_api_lists_are_bulk_reads_with_their_export_id(
    client: TestClient, members: Secretariat, container: Container
) -> None:
    first = create_document(client, members, "Соглашение 1", "AMBER")
    second = create_document(client, members, "Соглашение 2", "RED")
    liaison = {"Authorization": f"Bearer {api_token(container, members.council, 'ru_liaison')}"}
    listed = client.get("/api/v1/council/documents", headers=liaison)
    assert listed.status_code == 200
    assert {row["id"] for row in listed.json()} == {first, second}  # RU-SVC is a party
    [export] = exports(container, "council:list")
    assert listed.headers["x-export-id"] == export.public_id
    assert listed.headers["x-marking"] == "H1; TLP:RED"  # the strictest of what left
    assert sorted(item["ref"] for item in export.items) == sorted([first, second])
    meetings = client.get("/api/v1/council/meetings", headers=liaison)
    assert meetings.status_code == 200
    assert meetings.headers["x-export-id"] == exports(container, "council:list")[1].public_id
    register = client.get("/api/v1/council/register", headers=liaison)
    assert register.json() == []  # nothing adopted yet, and the read is still recorded
    assert register.headers["x-export-id"] == exports(container, "council:list")[2].public_id
    one = client.get(f"/api/v1/council/documents/{second}", headers=liaison)  # one by one
    assert one.status_code == 200
    single = exports(container, "council:list")[3]
    assert one.headers["x-export-id"] == single.public_id
    assert [item["ref"] for item in single.items] == [second]
