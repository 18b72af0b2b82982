"""The gate's pages and API, driven as a browser and a system would: the overview of doors
and rules, the forms of each row, and a service account past its daily limit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.bootstrap import Container
from interagency.config import Settings
from interagency.egress.doors import DOORS, Door
from interagency.egress.models import Subscription, ThirdParty
from interagency.egress.policy import RULES
from tests.integration.egress.conftest import DAILY_LIMIT, FEED, Gate
from tests.support.databases import settings_for
from tests.support.identity import api_token, sign_in, submit


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The limit as an operator configures it, for this module's application."""
    return settings_for(database_url, bulk_read_daily_limit=DAILY_LIMIT)


def bearer(gate: Gate, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(gate.container, gate.council, login)}"}


def test_every_signed_in_user_reads_the_doors_and_rules(client: TestClient, gate: Gate) -> None:
    sign_in(client, gate.council, "ru_auditor")
    page = client.get("/exports")
    assert page.status_code == 200
    for spec in DOORS.values():
        assert spec.door.value in page.text
    assert "RED is never copied out of the platform" in page.text
    answer = client.get("/api/v1/exports/rules", headers=bearer(gate, "ru_admin"))
    assert answer.status_code == 200
    body = answer.json()
    assert [door["door"] for door in body["doors"]] == [door.value for door in DOORS]
    assert [rule["why"] for rule in body["rules"]] == [rule.why for rule in RULES]
    assert body["daily_limit"] == DAILY_LIMIT


def test_the_secretariat_registers_a_third_party_on_its_page(
    client: TestClient, gate: Gate
) -> None:
    sign_in(client, gate.council, "sec_officer")
    sent = submit(
        client, "/exports/third-parties", "/exports/third-parties",
        name="Генеральный секретариат Интерпола", country="fr",
        legal_basis="Соглашение, статья 4",
    )  # fmt: skip
    assert sent.status_code == 303, sent.text
    page = client.get("/exports/third-parties")
    assert "<td>Генеральный секретариат Интерпола</td>" in page.text
    assert "Соглашение, статья 4" in page.text
    with gate.container.uow() as uow:
        public_id = uow.session.scalar(select(ThirdParty.public_id))
    withdrawn = submit(
        client, "/exports/third-parties", f"/exports/third-parties/{public_id}/withdraw"
    )
    assert withdrawn.status_code == 303
    after = client.get("/exports/third-parties").text
    assert "is withdrawn" in after  # the notice names it, the list does not
    assert "<td>Генеральный секретариат Интерпола</td>" not in after


def test_a_liaison_officer_sees_the_list_without_the_legal_basis_and_no_form(
    client: TestClient, gate: Gate
) -> None:
    gate.register()
    sign_in(client, gate.council, "ru_liaison")
    page = client.get("/exports/third-parties")
    assert "INTERPOL General Secretariat" in page.text
    assert "Соглашение" not in page.text
    assert 'action="/exports/third-parties"' not in page.text
    refused = submit(
        client, "/exports/third-parties", "/exports/third-parties",
        name="Другой орган", country="XX", legal_basis="Основание",
    )  # fmt: skip
    assert refused.status_code == 403


def test_a_supervisor_consents_on_the_consents_page(client: TestClient, gate: Gate) -> None:
    party = gate.register()
    sign_in(client, gate.council, "ru_supervisor")
    sent = submit(
        client, "/exports/consents", "/exports/consents",
        third_party=party, object_kind="document", object_ref="",
    )  # fmt: skip
    assert sent.status_code == 303, sent.text
    page = client.get("/exports/consents")
    assert "INTERPOL General Secretariat" in page.text
    assert "/withdraw" in page.text


def test_a_subscription_is_asked_and_approved_on_its_page(client: TestClient, gate: Gate) -> None:
    sign_in(client, gate.council, "ru_liaison")
    asked = submit(
        client, "/exports/subscriptions", "/exports/subscriptions",
        reader=FEED, door=Door.THREAD_LIST.value, daily_limit="50",
        purpose="Сверка журнала", valid_until=(date.today() + timedelta(days=7)).isoformat(),
        third_party="",
    )  # fmt: skip
    assert asked.status_code == 303, asked.text
    with gate.container.uow() as uow:
        public_id = uow.session.scalar(select(Subscription.public_id))
    assert public_id is not None
    mine = client.get("/exports/subscriptions")
    assert public_id in mine.text
    assert "/decision" not in mine.text
    client.cookies.clear()  # another person at another browser
    sign_in(client, gate.council, "ru_supervisor")
    decided = submit(
        client, "/exports/subscriptions", f"/exports/subscriptions/{public_id}/decision",
        decision="approve",
    )  # fmt: skip
    assert decided.status_code == 303, decided.text
    with gate.container.uow() as uow:
        assert uow.session.scalar(select(Subscription.status)) == "approved"


def test_a_service_account_past_its_daily_limit_needs_an_approved_subscription(
    client: TestClient, container: Container, gate: Gate
) -> None:
    """End to end through `GET /api/v1/exchange/threads`: the 4th object of the day is
    refused; once a subscription is asked for and approved, it passes."""
    ru = bearer(gate, "ru_liaison")
    for number in range(DAILY_LIMIT + 1):
        sent = client.post(
            "/api/v1/exchange/threads",
            json={"subject": f"Сводка {number}", "body": "Пограничные события за сутки",
                  "kind": "notification", "recipients": [{"agency": "KZ-SVC"}],
                  "tlp": "GREEN", "handling_code": "H0"},
            headers=ru,
        )  # fmt: skip
        assert sent.status_code == 201, sent.text
    feed = bearer(gate, FEED)
    first = client.get("/api/v1/exchange/threads", params={"per_page": DAILY_LIMIT}, headers=feed)
    assert first.status_code == 200, first.text
    assert len(first.json()["items"]) == DAILY_LIMIT
    assert first.headers["X-Export-Id"]
    fourth = client.get("/api/v1/exchange/threads", params={"per_page": 1}, headers=feed)
    assert fourth.status_code == 403
    assert "daily" in fourth.json()["detail"]

    asked = client.post(
        "/api/v1/exports/subscriptions",
        json={"reader": FEED, "door": "exchange:thread-list", "daily_limit": 1000,
              "purpose": "Сверка журнала пограничных событий",
              "valid_until": (date.today() + timedelta(days=30)).isoformat()},
        headers=ru,
    )  # fmt: skip
    assert asked.status_code == 201, asked.text
    subscription = asked.json()
    assert (subscription["status"], subscription["reader"]) == ("pending", FEED)
    # Asked for is not approved: still refused.
    waiting = client.get("/api/v1/exchange/threads", params={"per_page": 1}, headers=feed)
    assert waiting.status_code == 403
    by_asker = client.post(
        f"/api/v1/exports/subscriptions/{subscription['id']}/decision",
        json={"decision": "approve"}, headers=ru,
    )  # fmt: skip
    assert by_asker.status_code == 403
    approved = client.post(
        f"/api/v1/exports/subscriptions/{subscription['id']}/decision",
        json={"decision": "approve"}, headers=bearer(gate, "ru_supervisor"),
    )  # fmt: skip
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    passed = client.get("/api/v1/exchange/threads", params={"per_page": 1}, headers=feed)
    assert passed.status_code == 200, passed.text
    assert len(passed.json()["items"]) == 1


def test_the_api_answers_a_hidden_subscription_as_a_missing_one(
    client: TestClient, gate: Gate
) -> None:
    key = gate.ask("ru_liaison")
    with gate.container.uow() as uow:
        row = uow.session.get(Subscription, key)
        assert row is not None
        public_id = row.public_id
    kz = bearer(gate, "kz_supervisor")
    hidden = client.post(f"/api/v1/exports/subscriptions/{public_id}/end", headers=kz)
    missing = client.post(f"/api/v1/exports/subscriptions/{'a' * 26}/end", headers=kz)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"]
