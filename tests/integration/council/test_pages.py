"""The council's pages and API through the real application: forms, refusals, exports."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
from fastapi.testclient import TestClient

from interagency.bootstrap import Container
from tests.integration.council.conftest import Secretariat
from tests.support import forms
from tests.support.audit_trail import audit_actions
from tests.support.identity import api_token, sign_in, submit
from tests.unit.council import pdfcheck


def created_id(location: str) -> str:
    """The public id at the end of a redirect."""
    match = re.search(r"/([a-z2-7]{26})$", location)
    assert match, location
    return match.group(1)


def test_a_meeting_cycle_in_the_pages(
    client: TestClient, members: Secretariat, container: Container, tmp_path: Path
) -> None:
    assert sign_in(client, members.council, "sec_officer").status_code == 303
    assert 'href="/council"' in client.get("/").text  # the navigation offers the council
    answer = submit(
        client,
        "/council",
        "/council/meetings",
        number="45",
        title="Заседание Совета",
        held_on="2026-03-14",
        place="Ереван",
        chair="Председатель",
        participants="RU-SVC\nKZ-SVC",
        handling_code="H1",
        tlp="GREEN",
    )
    assert answer.status_code == 303, answer.text
    page = answer.headers["location"]
    meeting_id = created_id(page)
    for number in range(1, 4):
        answer = submit(
            client,
            page,
            f"/council/meetings/{meeting_id}/items",
            title=f"Вопрос {number}",
            rapporteur="RU-SVC",
        )
        assert answer.status_code == 303, answer.text
    submit(
        client,
        page,
        f"/council/meetings/{meeting_id}/minutes",
        minutes="Открыл заседание.\n\nЗакрыл.",
    )
    shown = client.get(page).text
    assert "Вопрос 3" in shown
    assert '<span class="handling handling-h1">H1</span> <span class="tlp tlp-green">' in shown
    assert "Закрыл." in shown

    agenda = client.get(f"/council/meetings/{meeting_id}/agenda.pdf?lang=ru")
    assert agenda.status_code == 200
    assert agenda.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "agenda.pdf"
    pdf.write_bytes(agenda.content)
    text = pdfcheck.page_text(pdf, 1)
    assert "Вопрос 3" in text
    assert "sec_officer" in text
    assert "H1 · TLP:GREEN" in text
    minutes = client.get(f"/council/meetings/{meeting_id}/minutes.docx?lang=en")
    word = docx.Document(io.BytesIO(minutes.content))
    assert "Minutes of meeting No. 45" in [p.text for p in word.paragraphs]
    exports = [a for a, outcome, _ in audit_actions(container, "council:export") if outcome == "ok"]
    assert len(exports) == 2


def test_a_refused_council_form_keeps_what_was_typed_with_errors_beside_the_fields(
    client: TestClient, members: Secretariat
) -> None:
    sign_in(client, members.council, "sec_officer")
    typed = {
        "number": "x",
        "title": "Заседание Совета",
        "held_on": "14.03.2026",
        "place": "Ереван",
        "chair": "Председатель",
        "participants": "RU-SVC\nKZ-SVC",
        "handling_code": "H1",
        "tlp": "GREEN",
    }
    answer = forms.submit(client, "/council", "/council/meetings", typed)
    assert answer.status_code == 422
    page = answer.text
    # The overview again, its form filled in as typed, each error right after its field.
    assert 'action="/council/meetings"' in page
    assert 'value="Заседание Совета"' in page
    assert ">RU-SVC\nKZ-SVC</textarea>" in page
    assert '<option value="GREEN" selected>' in page
    assert (
        'value="14.03.2026" aria-invalid="true" aria-describedby="e-held_on">'
        '<p class="field-error" id="e-held_on">Enter a date as YYYY-MM-DD.</p>'
    ) in page
    assert 'id="e-number">Enter a whole number.</p>' in page
    assert 'id="e-title"' not in page
    assert client.get("/council").text.count("Заседание Совета") == 0  # nothing was saved


def test_a_rule_of_the_marking_is_shown_beside_the_restriction(
    client: TestClient, members: Secretariat
) -> None:
    sign_in(client, members.council, "sec_officer")
    rule = forms.submit(
        client,
        "/council",
        "/council/meetings",
        {
            "number": "45",
            "title": "Заседание",
            "held_on": "2026-03-14",
            "place": "Ереван",
            "chair": "Председатель",
            "handling_code": "H3",
        },
        "ru",
    )
    assert rule.status_code == 422
    assert '<option value="H3" selected>' in rule.text
    assert 'id="e-marking">Для кода H3 ограничение нужно изложить словами.</p>' in rule.text


def test_an_administrator_sees_no_council_content(client: TestClient, members: Secretariat) -> None:
    sign_in(client, members.council, "sec_admin")
    assert 'href="/council"' not in client.get("/").text
    assert client.get("/council").status_code == 403
    assert client.get("/council/register").status_code == 403


def test_a_member_officer_reads_but_does_not_manage(
    client: TestClient, members: Secretariat
) -> None:
    sign_in(client, members.council, "ru_liaison")
    page = client.get("/council")
    assert page.status_code == 200
    assert 'action="/council/meetings"' not in page.text
    refused = submit(
        client,
        "/council",
        "/council/meetings",
        number="1",
        title="t",
        held_on="2026-01-01",
        place="p",
        chair="c",
    )
    assert refused.status_code == 403


def test_the_api_reports_results_and_refuses_administrators(
    client: TestClient, members: Secretariat, container: Container
) -> None:
    officer = {"Authorization": f"Bearer {api_token(container, members.council, 'sec_officer')}"}
    created = client.post(
        "/api/v1/council/programmes",
        json={"code": "CT-2014", "title": "Программа", "first_year": 2014, "last_year": 2016},
        headers=officer,
    )
    assert created.status_code == 201, created.text
    programme_id = created.json()["id"]
    measure = client.post(
        f"/api/v1/council/programmes/{programme_id}/measures",
        json={"number": "1", "title": "Учения", "due_on": "2015-12-31", "responsible": ["KZ-SVC"]},
        headers=officer,
    )
    assert measure.status_code == 201, measure.text
    liaison = {"Authorization": f"Bearer {api_token(container, members.council, 'kz_liaison')}"}
    update = client.post(
        f"/api/v1/council/measures/{measure.json()['id']}/updates",
        json={"reported_on": "2015-05-01", "progress": 60, "text": "Проведены", "evidence": "Акт"},
        headers=liaison,
    )
    assert update.status_code == 201, update.text
    results = client.get(
        f"/api/v1/council/programmes/{programme_id}/results", headers=liaison
    ).json()
    assert results["average_progress"] == 60.0
    assert [(p["year"], p["average_progress"]) for p in results["by_period"]] == [
        (2014, 0.0),
        (2015, 60.0),
        (2016, 60.0),
    ]
    assert results["by_agency"] == [
        {"agency": "KZ-SVC", "measures": 1, "done": 0, "average_progress": 60.0, "updates": 1}
    ]
    admin = {"Authorization": f"Bearer {api_token(container, members.council, 'sec_admin')}"}
    refused = client.get(f"/api/v1/council/programmes/{programme_id}/results", headers=admin)
    assert refused.status_code == 404  # content they may not see is not there for them
    assert refused.headers["content-type"] == "application/problem+json"


def test_a_member_agency_opens_a_programme_it_reports_on(
    client: TestClient, members: Secretariat, container: Container
) -> None:
    officer = {"Authorization": f"Bearer {api_token(container, members.council, 'sec_officer')}"}
    created = client.post(
        "/api/v1/council/programmes",
        json={"code": "CT-2020", "title": "Программа 2020", "first_year": 2020, "last_year": 2022},
        headers=officer,
    )
    programme_id = created.json()["id"]
    measure = client.post(
        f"/api/v1/council/programmes/{programme_id}/measures",
        json={"number": "1", "title": "Учения", "due_on": "2021-12-31", "responsible": ["RU-SVC"]},
        headers=officer,
    )
    assert measure.status_code == 201, measure.text
    sign_in(client, members.council, "ru_liaison")
    page = client.get(f"/council/programmes/{programme_id}")
    assert page.status_code == 200, page.text
    # The agency responsible for the measure is offered the form to report its progress.
    assert f'action="/council/measures/{measure.json()["id"]}/updates"' in page.text
    assert "Progress, %</label>" in page.text


def test_a_refused_progress_report_opens_its_own_measure_form_again(
    client: TestClient, members: Secretariat, container: Container
) -> None:
    officer = {"Authorization": f"Bearer {api_token(container, members.council, 'sec_officer')}"}
    programme_id = client.post(
        "/api/v1/council/programmes",
        json={"code": "CT-2021", "title": "Программа 2021", "first_year": 2021, "last_year": 2023},
        headers=officer,
    ).json()["id"]
    measures = [
        client.post(
            f"/api/v1/council/programmes/{programme_id}/measures",
            json={
                "number": n,
                "title": "Учения",
                "due_on": "2022-12-31",
                "responsible": ["RU-SVC"],
            },
            headers=officer,
        ).json()["id"]
        for n in ("1", "2")
    ]
    sign_in(client, members.council, "ru_liaison")
    page = f"/council/programmes/{programme_id}"
    action = f"/council/measures/{measures[1]}/updates"
    fields = {"reported_on": "2022-05-01", "progress": "много", "text": "Проведены учения"}
    answer = forms.submit(client, page, action, {**fields, "evidence": "Акт №7"})
    assert answer.status_code == 422
    refused, other = (
        answer.text.split(f'action="/council/measures/{m}/updates"')[1] for m in measures[::-1]
    )
    # Only the form that was sent is filled in and open; the other measure's stays empty.
    assert "Проведены учения</textarea>" in refused.split("</form>")[0]
    assert 'id="e-progress">' in refused.split("</form>")[0]
    assert "Проведены учения" not in other.split("</form>")[0]
    assert answer.text.count("<details open>") == 1
