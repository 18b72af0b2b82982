"""An event's dossier, risk register and after-action report leave as PDF and DOCX files:
taken by the host, the agencies taking part and the secretariat (a draft report by the
host alone), never by an agency with no part in the event; each passes the export gate,
carries its export id on its pages and is audited before it is sent; the text is in the
language asked for and the roster in the reader's zone."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container
from interagency.db import UnitOfWork
from interagency.egress.models import Export, ThirdParty
from interagency.events import after_action, dossier, operations, planning, register
from interagency.events.models import Event
from interagency.events.schemas import (
    DelegationIn,
    IncidentIn,
    MeasureIn,
    PhaseIn,
    ReportIn,
    RiskIn,
    ShiftIn,
    TaskIn,
    VenueIn,
)
from interagency.identity.principals import Caller
from interagency.web.app import create_app
from tests.integration.events.conftest import act, hosted
from tests.support.identity import Council, api_token, sign_in

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHIFT_START = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
# The same words as the application's Russian catalogue gives them, written out here.
RUSSIAN = {
    "roster": "График дежурств представителей (24/7)",
    "matrix": "Матрица рисков",
    "worked": "Что сработало",
}


def _event(container: Container, council: Council, with_kz: bool = True) -> str:
    """An event hosted by RU-SVC (with KZ-SVC taking part, unless not): a venue, a duty
    shift, a task past its deadline, a risk with a measure, an incident, and findings."""
    event_id = hosted(container, council)

    def build(uow: UnitOfWork, ru: Caller) -> str:
        hall = dossier.add_venue(
            uow, ru, event_id,
            VenueIn(name="Конгресс-холл", address="Казань, ул. Ершова", latitude=55.8,
                    longitude=49.1),
        )  # fmt: skip
        if with_kz:
            dossier.add_participant(uow, ru, event_id, DelegationIn(agency="KZ-SVC"))
        dossier.add_shift(
            uow, ru, event_id,
            ShiftIn(agency="RU-SVC", officer="Майор Петров", contact="+7 900 000 00 00",
                    starts_at=SHIFT_START, ends_at=SHIFT_START + timedelta(hours=12)),
        )  # fmt: skip
        phase = planning.add_phase(uow, ru, event_id, PhaseIn(name="Подготовка"))
        planning.add_task(
            uow, ru, event_id,
            TaskIn(phase=phase.public_id, title="Учения штаба", owner="RU-SVC",
                   due_on=date.today() - timedelta(days=3)),
        )  # fmt: skip
        risk = register.add_risk(
            uow, ru, event_id,
            RiskIn(category="arson", scenario="Поджог склада", likelihood=3, impact=4,
                   treatment="reduce", treatment_note="Охрана складов", owner="RU-SVC"),
        )  # fmt: skip
        register.add_measure(
            uow, ru, event_id, risk.id, MeasureIn(title="Пост охраны", status="done",
                                                  evidence="Акт проверки")
        )  # fmt: skip
        operations.log_incident(
            uow, ru, event_id,
            IncidentIn(occurred_at=datetime.now(UTC) - timedelta(hours=1), venue=hall.public_id,
                       category="medical", severity=2, description="Плохо зрителю"),
        )  # fmt: skip
        after_action.save_findings(
            uow, ru, event_id,
            ReportIn(worked="Связь между ведомствами", failed="Поздно открыли выходы",
                     recommendations="Учения"),
        )  # fmt: skip
        event = uow.session.get(Event, event_id)
        assert event is not None
        return event.public_id

    return act(container, council, "ru_liaison", build)


def _make_final(container: Container, council: Council, event_ref: str) -> None:
    def final(uow: UnitOfWork, ru: Caller) -> None:
        event = uow.session.scalar(select(Event).where(Event.public_id == event_ref))
        assert event is not None
        after_action.make_final(uow, ru, event.id)

    act(container, council, "ru_liaison", final)


def _browser(container: Container, council: Council, login: str) -> TestClient:
    client = TestClient(create_app(container))
    assert sign_in(client, council, login).status_code == 303
    return client


def _api(container: Container, council: Council, login: str) -> TestClient:
    client = TestClient(create_app(container))
    client.headers["Authorization"] = f"Bearer {api_token(container, council, login)}"
    return client


def pdf_text(content: bytes, folder: Path) -> str:
    path = folder / "export.pdf"
    path.write_bytes(content)
    # In the order the text is drawn, so that the diagonal watermark never interleaves.
    command = ["pdftotext", "-raw", str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def docx_text(content: bytes) -> tuple[str, str]:
    """(the body: paragraphs and table cells; the headers and footers of every section)."""
    document = docx.Document(io.BytesIO(content))
    body = [p.text for p in document.paragraphs]
    body += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    margins = [
        p.text
        for section in document.sections
        for part in (section.header, section.footer)
        for p in part.paragraphs
    ]
    return "\n".join(body), "\n".join(margins)


def export_entries(container: Container) -> list[dict[str, object]]:
    with container.uow() as uow:
        rows = uow.session.scalars(
            select(AuditEntry.detail)
            .where(AuditEntry.action == "events:export", AuditEntry.outcome == "ok")
            .order_by(AuditEntry.seq)
        )
        return [json.loads(detail) for detail in rows]


def gate_exports(container: Container) -> list[tuple[str, str, str]]:
    with container.uow() as uow:
        rows = uow.session.execute(
            select(Export.public_id, Export.format, Export.destination)
            .where(Export.door == "events:file")
            .order_by(Export.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def refusals(container: Container, prefix: str, suffix: str = "") -> int:
    """How many refusals were audited under an action of that prefix (and suffix)."""
    with container.uow() as uow:
        rows = uow.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.action.startswith(prefix), AuditEntry.outcome == "denied"
            )
        )
        return len([action for action in rows if action.endswith(suffix)])


def _took(answer: httpx2.Response, media: str) -> str:
    """The export id of a file answer, once its headers say what a download must."""
    assert answer.status_code == 200, answer.text
    headers = answer.headers
    assert headers["content-type"].startswith(media)
    assert headers["content-disposition"].startswith("attachment;")
    assert headers["x-marking"] == "H2; TLP:AMBER"
    export_id: str = headers["x-export-id"]
    return export_id


# --- each document, as PDF and DOCX, in either language -------------------------------------


def test_the_host_takes_the_dossier_as_pdf_in_english_with_the_roster_in_its_zone(
    container: Container, council: Council, tmp_path: Path
) -> None:
    event_ref = _event(container, council)
    host = _browser(container, council, "ru_liaison")
    host.cookies.set("tz", "Asia/Vladivostok")
    page = host.get(f"/events/{event_ref}").text
    assert f"/events/{event_ref}/exports/dossier.pdf?lang=en" in page
    answer = host.get(f"/events/{event_ref}/exports/dossier.pdf?lang=en")
    export_id = _took(answer, PDF)
    text = pdf_text(answer.content, tmp_path)
    assert f"export {export_id}" in text
    assert "ru_liaison" in text
    assert "Liaison roster (24/7)" in text
    assert "Конгресс-холл" in text
    assert "Майор Петров" in text
    assert "Учения штаба" in text
    assert "overdue" in text
    vladivostok = SHIFT_START.astimezone(ZoneInfo("Asia/Vladivostok"))
    assert f"{vladivostok:%Y-%m-%d %H:%M}" in text
    assert f"{SHIFT_START:%Y-%m-%d %H:%M}" not in text


def test_a_participant_takes_the_dossier_as_docx_in_russian_through_the_api_in_utc(
    container: Container, council: Council
) -> None:
    event_ref = _event(container, council)
    answer = _api(container, council, "kz_liaison").get(
        f"/api/v1/events/{event_ref}/exports/dossier.docx?lang=ru"
    )
    export_id = _took(answer, DOCX)
    body, margins = docx_text(answer.content)
    assert export_id in margins
    assert "kz_liaison" in margins
    assert RUSSIAN["roster"] in body
    assert "Liaison roster" not in body
    assert f"{SHIFT_START:%Y-%m-%d %H:%M} UTC" in body
    assert "Майор Петров" in body


def test_the_register_as_docx_and_pdf_for_a_participant_and_the_secretariat(
    container: Container, council: Council, tmp_path: Path
) -> None:
    event_ref = _event(container, council)
    kz = _browser(container, council, "kz_liaison")
    assert f"/events/{event_ref}/exports/register.docx" in kz.get(f"/events/{event_ref}/risks").text
    answer = kz.get(f"/events/{event_ref}/exports/register.docx?lang=ru")
    export_id = _took(answer, DOCX)
    body, margins = docx_text(answer.content)
    assert export_id in margins
    assert RUSSIAN["matrix"] in body
    assert "Поджог склада" in body
    assert "Пост охраны" in body
    assert "Акт проверки" in body
    # The risk scores 3 x 4 = 12: the matrix's cell of likelihood 3, impact 4 names it.
    assert "12 · " in body
    assert "#1" in body

    secretariat = _browser(container, council, "sec_officer")
    pdf = secretariat.get(f"/events/{event_ref}/exports/register.pdf?lang=en")
    pdf_id = _took(pdf, PDF)
    text = pdf_text(pdf.content, tmp_path)
    assert f"export {pdf_id}" in text
    assert "Risk matrix" in text
    assert "Поджог склада" in text
    assert "arson" in text


def test_the_final_report_as_pdf_and_docx_for_every_reader(
    container: Container, council: Council, tmp_path: Path
) -> None:
    event_ref = _event(container, council)
    _make_final(container, council, event_ref)
    kz = _browser(container, council, "kz_liaison")
    assert f"/events/{event_ref}/exports/report.pdf" in kz.get(f"/events/{event_ref}/report").text
    pdf = kz.get(f"/events/{event_ref}/exports/report.pdf?lang=en")
    pdf_id = _took(pdf, PDF)
    text = pdf_text(pdf.content, tmp_path)
    assert f"export {pdf_id}" in text
    assert "After-action report" in text
    assert "Связь между ведомствами" in text
    assert "medical emergency" in text  # the incident, by category

    answer = _api(container, council, "sec_officer").get(
        f"/api/v1/events/{event_ref}/exports/report.docx?lang=ru"
    )
    docx_id = _took(answer, DOCX)
    body, margins = docx_text(answer.content)
    assert docx_id in margins
    assert RUSSIAN["worked"] in body
    assert "Поздно открыли выходы" in body


def test_a_draft_report_is_taken_by_the_host_alone(container: Container, council: Council) -> None:
    event_ref = _event(container, council)
    kz = _browser(container, council, "kz_liaison")
    assert "/exports/report." not in kz.get(f"/events/{event_ref}/report").text
    assert kz.get(f"/events/{event_ref}/exports/report.pdf?lang=en").status_code == 403
    secretariat = _api(container, council, "sec_officer")
    assert secretariat.get(f"/api/v1/events/{event_ref}/exports/report.docx").status_code == 403
    assert export_entries(container) == []
    assert gate_exports(container) == []

    host = _browser(container, council, "ru_liaison")
    export_id = _took(host.get(f"/events/{event_ref}/exports/report.docx?lang=en"), DOCX)
    [entry] = export_entries(container)
    assert entry["export"] == export_id
    assert entry["what"] == "report"


# --- who is refused, and what is recorded ----------------------------------------------------


def test_an_agency_with_no_part_in_the_event_is_told_it_does_not_exist(
    container: Container, council: Council
) -> None:
    event_ref = _event(container, council, with_kz=False)
    kz = _browser(container, council, "kz_liaison")
    kz_api = _api(container, council, "kz_liaison")
    for what in ("dossier", "register", "report"):
        assert kz.get(f"/events/{event_ref}/exports/{what}.pdf").status_code == 404
        assert kz_api.get(f"/api/v1/events/{event_ref}/exports/{what}.docx").status_code == 404
    # Nor does anyone of the host's agency who sees no content.
    dpo = _browser(container, council, "ru_dpo")
    assert dpo.get(f"/events/{event_ref}/exports/dossier.pdf").status_code == 404
    assert export_entries(container) == []
    assert gate_exports(container) == []
    # Refusals are audited: the first of each source in a minute at once (KZ's dossier, the
    # DPO's), the next ones of the minute counted together (`audit.refusals`).
    assert refusals(container, "events:event:export") == 2


def test_every_export_is_audited_with_its_format_marking_language_and_export_id(
    container: Container, council: Council
) -> None:
    event_ref = _event(container, council)
    kz = _browser(container, council, "kz_liaison")
    first = _took(kz.get(f"/events/{event_ref}/exports/dossier.pdf?lang=ru"), PDF)
    second = _took(kz.get(f"/events/{event_ref}/exports/register.docx?lang=en"), DOCX)
    entries = export_entries(container)
    assert [(e["what"], e["format"], e["language"], e["export"]) for e in entries] == [
        ("dossier", "pdf", "ru", first),
        ("register", "docx", "en", second),
    ]
    assert {e["marking"] for e in entries} == {"H2 · TLP:AMBER"}
    assert gate_exports(container) == [(first, "pdf", "reader"), (second, "docx", "reader")]


# --- the gate ----------------------------------------------------------------------------------


def _third_party(container: Container, council: Council) -> str:
    with container.uow() as uow:
        party = ThirdParty(
            name="Regional Anti-Terrorist Structure",
            country="XX",
            legal_basis="Agreement on cooperation, art. 9",
            entered_by_id=council.users["sec_officer"],
        )
        uow.session.add(party)
        uow.session.flush()
        public_id = party.public_id
        uow.commit()
    return public_id


def test_the_gate_sends_a_file_to_a_third_party_only_with_the_hosts_consent(
    container: Container, council: Council
) -> None:
    event_ref = _event(container, council)
    party = _third_party(container, council)
    kz = _browser(container, council, "kz_liaison")
    # A participant may read and export the event, but the host has not consented to its
    # going to this third party: the gate refuses, and nothing is recorded as exported.
    refused = kz.get(f"/events/{event_ref}/exports/dossier.pdf?to={party}")
    assert refused.status_code == 403
    # A destination nobody registered is refused as such.
    unknown = kz.get(f"/events/{event_ref}/exports/dossier.pdf?to={'a' * 26}")
    assert unknown.status_code == 403
    assert export_entries(container) == []
    assert gate_exports(container) == []
    # The gate's refusal is audited (the second of the minute only counted with it).
    assert refusals(container, "egress:refused") == 1
    # The host's own data: it sends it where it chooses, among registered third parties.
    host = _browser(container, council, "ru_liaison")
    export_id = _took(host.get(f"/events/{event_ref}/exports/dossier.docx?to={party}"), DOCX)
    assert gate_exports(container) == [(export_id, "docx", "third_party")]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("dossier.xls", "PDF or DOCX"),
        ("dossier.pdf?lang=fr", "Russian (ru) or English (en)"),
        ("minutes.pdf", "the dossier, the risk register or the after-action report"),
    ],
)
def test_a_wrong_format_language_or_document_is_named(
    container: Container, council: Council, path: str, words: str
) -> None:
    event_ref = _event(container, council)
    answer = _api(container, council, "ru_liaison").get(
        f"/api/v1/events/{event_ref}/exports/{path}", headers={"Accept-Language": "en"}
    )
    assert answer.status_code == 422
    assert words in answer.json()["detail"]
    assert export_entries(container) == []
