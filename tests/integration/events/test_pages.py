"""The events' pages: an event, a venue, a delegation, a duty shift, a task and a risk made
through their forms (a refused one shown again with its error), the matrix and the
overdue task on the pages, and an agency with no part in the event answered 404."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient

from interagency.bootstrap import Container
from interagency.web.app import create_app
from tests.support.forms import submit as submit_form
from tests.support.identity import Council, sign_in, submit


def _client(container: Container, council: Council, login: str) -> TestClient:
    client = TestClient(create_app(container))
    assert sign_in(client, council, login).status_code == 303
    return client


def test_an_event_through_its_pages(container: Container, council: Council) -> None:
    ru = _client(container, council, "ru_liaison")
    assert 'href="/events"' in ru.get("/").text  # in the main navigation
    start = date.today() + timedelta(days=40)
    made = submit(
        ru, "/events/new", "/events", kind="sports_competition", title="Кубок Содружества",
        description="", starts_on=start.isoformat(),
        ends_on=(start + timedelta(days=5)).isoformat(), expected_attendance="30000",
    )  # fmt: skip
    assert made.status_code == 303, made.text
    page = made.headers["location"]
    assert re.fullmatch(r"/events/[a-z2-7]{26}", page)
    venue = {"name": "Стадион «Астана Арена»", "address": "Астана, Туран 48", "capacity": "30000",
             "latitude": "91", "longitude": "71.40"}  # fmt: skip
    refused = submit_form(ru, page, f"{page}/venues", venue)
    assert refused.status_code == 422
    assert 'id="e-latitude"' in refused.text
    added = submit(ru, page, f"{page}/venues", **{**venue, "latitude": "51,108"})
    assert added.status_code == 303, added.text
    assert (
        submit(ru, page, f"{page}/participants", agency="kz-svc", size="8", note="").status_code
        == 303
    )
    shift = submit(
        ru, page, f"{page}/shifts", agency="KZ-SVC", officer="Дежурный KZ", contact="+7 700",
        starts_at=f"{start.isoformat()}T08:00", ends_at=f"{start.isoformat()}T20:00",
    )  # fmt: skip
    assert shift.status_code == 303, shift.text
    shown = ru.get(page).text
    assert "Стадион «Астана Арена»" in shown
    assert "51.10800, 71.40000" in shown
    assert "Дежурный KZ" in shown
    venue_ref = re.search(r'id="venue-([a-z2-7]{26})"', shown)
    shift_ref = re.search(r'id="shift-([a-z2-7]{26})"', shown)
    assert venue_ref is not None
    assert shift_ref is not None
    moved = submit(ru, page, f"{page}/venues/{venue_ref.group(1)}", **{**venue, "latitude": "51.2"})
    assert moved.status_code == 303, moved.text
    assert "51.20000, 71.40000" in ru.get(page).text
    removed = submit(ru, page, f"{page}/shifts/{shift_ref.group(1)}/remove")
    assert removed.status_code == 303, removed.text
    assert "Дежурный KZ" not in ru.get(page).text

    plan = f"{page}/plan"
    assert submit(ru, plan, f"{plan}/phases", name="Подготовка").status_code == 303
    phase = re.search(r'<option value="([a-z2-7]{26})"[^>]*>1\. Подготовка', ru.get(plan).text)
    assert phase is not None
    task = submit(
        ru, plan, f"{plan}/tasks", phase=phase.group(1), title="Обследовать трибуны",
        owner="RU-SVC", owner_user="", due_on=(date.today() - timedelta(days=2)).isoformat(),
    )  # fmt: skip
    assert task.status_code == 303, task.text
    overdue = ru.get(page).text
    assert 'id="overdue"' in overdue
    assert "Обследовать трибуны" in overdue.split('id="overdue"')[1].split("</table>")[0]

    risks = f"{page}/risks"
    risk = submit(
        ru, risks, risks, category="explosive_attack", scenario="Самодельное взрывное устройство",
        venue="", likelihood="3", impact="5", treatment="reduce", treatment_note="", owner="RU-SVC",
    )  # fmt: skip
    assert risk.status_code == 303, risk.text
    assert re.fullmatch(rf"{risks}/[a-z2-7]{{26}}", risk.headers["location"])
    register = ru.get(risks).text
    cell = re.search(r'<td class="band-high" data-likelihood="3" data-impact="5">(.*?)</td>',
                     register, re.S)  # fmt: skip
    assert cell is not None
    assert "/risks/" in cell.group(1)
    measure = submit(
        ru, risk.headers["location"], f"{risk.headers['location']}/measures",
        title="Досмотр на входе", status="done", evidence="",
    )  # fmt: skip
    assert measure.status_code == 422  # a measure done states its evidence

    # The participant reads, without forms; its DPO, who reads no content, is told there is
    # no such event, as any agency with no part in it is.
    kz = _client(container, council, "kz_liaison")
    assert "Стадион «Астана Арена»" in kz.get(page).text
    assert f'action="{risks}"' not in kz.get(risks).text
    observer = _client(container, council, "kz_dpo")
    assert observer.get(page).status_code == 404
    assert observer.get(risks).status_code == 404
    assert "Кубок Содружества" not in observer.get("/events").text


def test_the_api_reads_and_changes_an_event(container: Container, council: Council) -> None:
    from tests.support.identity import api_token

    ru = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    kz = {"Authorization": f"Bearer {api_token(container, council, 'kz_liaison')}"}
    client = TestClient(create_app(container))
    start = (date.today() + timedelta(days=10)).isoformat()
    made = client.post(
        "/api/v1/events",
        json={"kind": "cultural_festival", "title": "Фестиваль", "starts_on": start,
              "ends_on": start},
        headers=ru,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    event = made.json()["id"]
    bad = client.post(
        f"/api/v1/events/{event}/venues",
        json={"name": "Площадь", "address": "Центр", "latitude": 10, "longitude": 200},
        headers=ru,
    )
    assert bad.status_code == 422
    risk = client.post(
        f"/api/v1/events/{event}/risks",
        json={"category": "crowd_violence", "scenario": "Давка у сцены", "likelihood": 4,
              "impact": 3, "treatment": "reduce", "owner": "RU-SVC"},
        headers=ru,
    )  # fmt: skip
    assert risk.status_code == 201, risk.text
    read = client.get(f"/api/v1/events/{event}", headers=ru).json()
    assert [(r["score"], r["band"]) for r in read["risks"]] == [(12, "high")]
    assert client.get(f"/api/v1/events/{event}", headers=kz).status_code == 404
