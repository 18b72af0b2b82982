"""Generated input against the records API as users who may act (not only as one who is
refused): whatever the particulars, the answer is a documented one, never a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from schemathesis.checks import positive_data_acceptance

from interagency.bootstrap import Container
from interagency.errors import InvalidInput
from tests.integration.records.conftest import Records, person
from tests.support.identity import Council, api_token

OPERATIONS = {
    "POST /api/v1/records": "ru_liaison",
    "POST /api/v1/records/access-requests": "ru_dpo",
    "GET /api/v1/records/hits": "kz_liaison",
}


@pytest.mark.parametrize(("label", "login"), sorted(OPERATIONS.items()))
def test_generated_input_gets_a_documented_answer(
    label: str, login: str, app: FastAPI, container: Container, council: Council, records: Records
) -> None:
    headers = {"Authorization": f"Bearer {api_token(container, council, login)}"}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operation = next(r.ok() for r in schema.get_all_operations() if r.ok().label == label)

    @given(case=operation.as_strategy())
    @settings(max_examples=100)
    def exercise(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    exercise()


NAME = st.text(min_size=1, max_size=40)


@given(surname=NAME, given_name=st.text(max_size=40), passport=st.text(max_size=20))
@settings(max_examples=60)
def test_any_name_in_any_script_is_stored_and_screened_or_refused_with_a_reason(
    records: Records, surname: str, given_name: str, passport: str
) -> None:
    particulars = {"surname": surname, "given_name": given_name, "passport": passport}
    try:
        saved = records.save(
            "kz_liaison", person(particulars, offence_category=None, offence_article=None)
        )
    except (InvalidInput, ValidationError):
        return
    assert saved.record.id > 0
