"""A refused form comes back on its own page: what was typed kept, each error beside its
field, in the page's language, and nothing saved."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import FormData, UploadFile

from interagency.web import forms
from tests.support.forms import hidden_fields, submit


def test_a_refused_form_is_its_page_again_with_the_error_beside_the_field(
    client: TestClient,
) -> None:
    response = submit(
        client, "/preferences", "/preferences", {"language": "en", "timezone": "Mars/Base"}
    )
    assert response.status_code == 422
    # The preferences page itself, not an error page: its form is there to correct.
    assert 'action="/preferences"' in response.text
    assert '<p class="field-error" id="e-timezone">Choose a time zone from the list.</p>' in (
        response.text
    )
    assert "Nothing was saved" in response.text


def test_the_errors_are_in_the_pages_language(client: TestClient) -> None:
    response = submit(
        client, "/preferences", "/preferences", {"language": "xx", "timezone": "UTC"}, "ru"
    )
    assert response.status_code == 422
    assert 'id="e-language">Выберите русский или английский язык.</p>' in response.text


def test_an_error_the_page_does_not_place_is_listed_with_its_field(client: TestClient) -> None:
    # A missing field has no place of its own on the page once removed from the form.
    page = client.get("/preferences").text
    data = {**hidden_fields(page, "/preferences"), "language": "en"}
    response = client.post("/preferences", data=data)
    assert response.status_code == 422
    assert 'id="e-timezone"' in response.text  # the page shows the field, so beside it


@pytest.mark.parametrize("page", ["//elsewhere.example/x", "https://elsewhere.example/", "x"])
def test_only_a_page_of_this_site_is_shown_again(client: TestClient, page: str) -> None:
    shown = client.get("/preferences").text
    data = {**hidden_fields(shown, "/preferences"), "form_page": page, "timezone": "Mars/Base"}
    response = client.post("/preferences", data={**data, "language": "en"})
    assert response.status_code == 422
    # The plain error page answers instead: no form of another site's address is fetched.
    assert "error-page" in response.text
    assert 'action="/preferences"' not in response.text


def test_secrets_files_and_the_guard_are_never_typed_back() -> None:
    upload = UploadFile(io.BytesIO(b"content"), filename="a.txt")
    form = FormData(
        [
            ("password", "hunter2"),
            ("new_password", "x"),
            ("csrf_token", "t"),
            ("form_page", "/preferences"),
            ("file", upload),
            ("note", "kept"),
            ("to", "KZ-KNB"),
            ("to", "UZ-SGB"),
        ]
    )
    assert forms.typed_back(form) == {"note": ["kept"], "to": ["KZ-KNB", "UZ-SGB"]}
