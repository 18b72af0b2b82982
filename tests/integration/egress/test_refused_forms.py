"""The gate's forms refused for what was typed: each comes back on its own page with what
was typed kept, the error beside its field in the page's language, and nothing saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from interagency.config import Settings
from interagency.egress.models import Consent, Subscription, ThirdParty
from tests.integration.egress.conftest import DAILY_LIMIT, Gate
from tests.support.databases import settings_for
from tests.support.forms import submit
from tests.support.identity import sign_in


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url, bulk_read_daily_limit=DAILY_LIMIT)


def rows(gate: Gate, model: type[object]) -> int:
    with gate.container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_third_party_with_an_unknown_country_is_refused_beside_the_country(
    client: TestClient, gate: Gate
) -> None:
    sign_in(client, gate.council, "sec_officer")
    fields = {
        "name": "Генеральный секретариат Интерпола",
        "country": "qq",
        "legal_basis": "Соглашение о сотрудничестве, статья 4",
    }
    answer = submit(client, "/exports/third-parties", "/exports/third-parties", fields, "ru")
    assert answer.status_code == 422
    assert 'id="e-country">QQ — не код страны по ISO 3166-1' in answer.text
    assert 'aria-invalid="true" aria-describedby="e-country"' in answer.text
    assert 'value="Генеральный секретариат Интерпола"' in answer.text
    assert ">Соглашение о сотрудничестве, статья 4</textarea>" in answer.text
    assert rows(gate, ThirdParty) == 0


def test_a_subscription_within_the_daily_limit_is_refused_beside_the_limit(
    client: TestClient, gate: Gate
) -> None:
    sign_in(client, gate.council, "ru_supervisor")
    until = (date.today() + timedelta(days=20)).isoformat()
    fields = {
        "reader": "ru_feed",
        "door": "exchange:thread-list",
        "daily_limit": str(DAILY_LIMIT),
        "purpose": "Сверка журнала пограничных событий",
        "valid_until": until,
        "third_party": "",
    }
    answer = submit(client, "/exports/subscriptions", "/exports/subscriptions", fields, "ru")
    assert answer.status_code == 422
    assert 'id="e-daily_limit">Без подписки читается до 3 объектов в день' in answer.text
    assert 'value="ru_feed"' in answer.text
    assert f'value="{until}"' in answer.text
    assert ">Сверка журнала пограничных событий</textarea>" in answer.text
    assert rows(gate, Subscription) == 0


def test_a_consent_to_an_object_id_of_the_wrong_form_is_refused_beside_it(
    client: TestClient, gate: Gate
) -> None:
    party = gate.register()
    sign_in(client, gate.council, "ru_supervisor")
    fields = {"third_party": party, "object_kind": "record", "object_ref": "R-17"}
    answer = submit(client, "/exports/consents", "/exports/consents", fields, "ru")
    assert answer.status_code == 422
    assert 'id="e-object_ref">' in answer.text
    assert 'value="R-17"' in answer.text
    assert f'value="{party}" selected' in answer.text
    assert 'value="record" selected' in answer.text
    assert rows(gate, Consent) == 0
