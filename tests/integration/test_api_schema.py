"""Schemathesis drives every API operation with generated input: no 5xx, and every
response matches the published OpenAPI schema (status codes, content types, bodies)."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from schemathesis.checks import positive_data_acceptance

from interagency.bootstrap import Container, bootstrap
from interagency.config import Settings
from interagency.demo import load_demo
from interagency.web.app import create_app
from tests.support.identity import Council, api_token

EXAMPLES_PER_OPERATION = 200
SCHEMA_PATH = "/api/openapi.json"


def operation_labels() -> list[str]:
    """Every operation the API publishes, read from a throwaway app at collection time."""
    app = create_app(bootstrap(Settings(_env_file=None, database_url="sqlite://")))  # type: ignore[call-arg]
    # From the schema document itself: the app is never started, so it needs no database.
    schema = schemathesis.openapi.from_dict(app.openapi())
    return sorted(result.ok().label for result in schema.get_all_operations())


@pytest.mark.parametrize("label", operation_labels())
def test_every_operation_conforms_to_its_schema(
    label: str, app: FastAPI, container: Container, council: Council
) -> None:
    load_demo(container)
    # The secretariat's administrator may call every operation there is so far.
    headers = {"Authorization": f"Bearer {api_token(container, council, 'sec_admin')}"}
    schema = schemathesis.openapi.from_asgi(SCHEMA_PATH, app)
    operations = {result.ok().label: result.ok() for result in schema.get_all_operations()}
    operation = operations[label]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION)
    def exercise(case: schemathesis.Case) -> None:
        # Rules across fields (a request needs a deadline, RED names a desk, an agency code
        # must exist) cannot be written in JSON Schema: such input is schema-valid yet
        # rightly refused with a documented 422, which the other checks still verify.
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    exercise()


def test_every_operation_is_exercised() -> None:
    labels = operation_labels()
    for expected in (
        "GET /api/v1/states",
        "GET /api/v1/states/{code}",
        "GET /api/v1/agencies",
        "GET /api/v1/me",
        "GET /api/v1/users",
    ):
        assert expected in labels


def test_without_a_token_every_operation_answers_401_problem_details(
    client: TestClient,
) -> None:
    for path, methods in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        for method in methods:
            url = path.replace("{code}", "KZ")
            response = client.request(method.upper(), url)
            assert response.status_code == 401, f"{method.upper()} {path}"
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_schema_publishes_problem_details_for_errors(app: FastAPI) -> None:
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            assert "application/problem+json" in operation["responses"]["422"]["content"], (
                f"{method.upper()} {path}"
            )
