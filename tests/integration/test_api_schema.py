"""Schemathesis drives every API operation with generated input: no 5xx, and every
response matches the published OpenAPI schema (status codes, content types, bodies)."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import given, settings

from interagency.bootstrap import Container, bootstrap
from interagency.config import Settings
from interagency.demo import load_demo
from interagency.web.app import create_app

EXAMPLES_PER_OPERATION = 200
SCHEMA_PATH = "/api/openapi.json"


def operation_labels() -> list[str]:
    """Every operation the API publishes, read from a throwaway app at collection time."""
    app = create_app(bootstrap(Settings(_env_file=None, database_url="sqlite://")))  # type: ignore[call-arg]
    schema = schemathesis.openapi.from_asgi(SCHEMA_PATH, app)
    return sorted(result.ok().label for result in schema.get_all_operations())


@pytest.mark.parametrize("label", operation_labels())
def test_every_operation_conforms_to_its_schema(
    label: str, app: FastAPI, container: Container
) -> None:
    load_demo(container)
    schema = schemathesis.openapi.from_asgi(SCHEMA_PATH, app)
    operations = {result.ok().label: result.ok() for result in schema.get_all_operations()}
    operation = operations[label]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION)
    def exercise(case: schemathesis.Case) -> None:
        case.call_and_validate()

    exercise()


def test_every_operation_is_exercised() -> None:
    labels = operation_labels()
    assert "GET /api/v1/states" in labels
    assert "GET /api/v1/states/{code}" in labels


def test_the_schema_publishes_problem_details_for_errors(app: FastAPI) -> None:
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            assert "application/problem+json" in operation["responses"]["422"]["content"], (
                f"{method.upper()} {path}"
            )
