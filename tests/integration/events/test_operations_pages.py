"""The operations pages: an incident logged through its form (a refused one shown again
with its error), seen in the log, on the situation board and on the venue map (inline
SVG, no script), its status changed by the host, the pages in Russian and English, and
an agency with no part in the event answered 404."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from interagency.bootstrap import Container
from interagency.events import dossier
from interagency.events.schemas import DelegationIn, VenueIn
from interagency.web.app import create_app
from tests.integration.events.conftest import hosted
from tests.support.forms import submit as submit_form
from tests.support.identity import Council, sign_in, submit


def _client(container: Container, council: Council, login: str) -> TestClient:
    client = TestClient(create_app(container))
    assert sign_in(client, council, login).status_code == 303
    return client


def test_an_incident_through_the_operations_pages(container: Container, council: Council) -> None:
    event_id = hosted(container, council)
    with container.uow() as uow:
        ru = council.caller(uow, "ru_liaison")
        hall = dossier.add_venue(
            uow, ru, event_id,
            VenueIn(name="Конгресс-холл", address="Казань", latitude=55.80, longitude=49.10),
        )  # fmt: skip
        dossier.add_venue(
            uow, ru, event_id,
            VenueIn(name="Арена", address="Казань", latitude=55.82, longitude=49.16),
        )  # fmt: skip
        dossier.add_participant(uow, ru, event_id, DelegationIn(agency="KZ-SVC"))
        uow.commit()
        event_ref, hall_ref = hall.event.public_id, hall.public_id
    base = f"/events/{event_ref}"
    page = f"{base}/operations"

    kz = _client(container, council, "kz_liaison")
    assert f'href="{page}"' in kz.get(base).text  # the event's page links to its operations
    when = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    incident = {"occurred_at": when, "venue": hall_ref, "category": "suspicious_item",
                "severity": "3", "description": "", "threads": ""}  # fmt: skip
    refused = submit_form(kz, page, f"{base}/incidents", incident)
    assert refused.status_code == 422
    assert 'id="e-description"' in refused.text
    wrong = submit_form(kz, page, f"{base}/incidents", {**incident, "description": "Сумка",
                        "threads": "EX-2026-00000000"})  # fmt: skip
    assert wrong.status_code == 422
    assert 'id="e-threads"' in wrong.text
    logged = submit(kz, page, f"{base}/incidents",
                    **{**incident, "description": "Оставленная сумка у входа"})  # fmt: skip
    assert logged.status_code == 303, logged.text
    incident_page = logged.headers["location"]
    assert re.fullmatch(rf"{base}/incidents/[a-z2-7]{{26}}", incident_page)

    ru = _client(container, council, "ru_supervisor")
    shown = ru.get(page, headers={"Accept-Language": "ru"}).text
    row = shown.split(f'id="board-{hall_ref}"')[1].split("</tr>")[0]
    assert '<td class="count">1</td>' in row
    svg = shown.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in svg
    assert 'aria-labelledby="map-title map-desc"' in svg
    circles = dict(re.findall(r'data-venue="([a-z2-7]{26})" data-open="(\d+)"', shown))
    assert sorted(circles.values()) == ["0", "1"]
    assert circles[hall_ref] == "1"
    assert "<script" not in svg
    assert "Конгресс-холл" in svg  # the venues are labelled on the map
    english = ru.get(page, headers={"Accept-Language": "en"}).text
    assert "Situation board" in english
    assert "suspicious item" in english

    opened = ru.get(incident_page).text
    assert "Оставленная сумка у входа" in opened
    assert f'action="{incident_page}/status"' in opened
    closed = submit(ru, incident_page, f"{incident_page}/status", status="closed")
    assert closed.status_code == 303, closed.text
    after = ru.get(page).text.split(f'id="board-{hall_ref}"')[1].split("</tr>")[0]
    assert '<td class="count">0</td>' in after

    # the secretariat reads without forms; an agency's DPO is told there is no such event
    sec = _client(container, council, "sec_officer")
    assert "Оставленная сумка у входа" in sec.get(incident_page).text
    assert f'action="{base}/incidents"' not in sec.get(page).text
    assert f'action="{incident_page}/status"' not in sec.get(incident_page).text
    observer = _client(container, council, "kz_dpo")
    assert observer.get(page).status_code == 404
    assert observer.get(incident_page).status_code == 404
