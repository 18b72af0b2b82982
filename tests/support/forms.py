"""Submitting a page's form as a browser does: its hidden fields, then what the user typed."""

from __future__ import annotations

import re
from html import unescape

import httpx2
from fastapi.testclient import TestClient

FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def hidden_fields(page_html: str, action: str) -> dict[str, str]:
    """The hidden fields of the page's form that posts to `action`."""
    for form in FORM.findall(page_html):
        if f'action="{action}"' in form:
            return {name: unescape(value) for name, value in HIDDEN.findall(form)}
    raise AssertionError(f"the page has no form posting to {action}")


def submit(
    client: TestClient,
    page: str,
    action: str,
    fields: dict[str, str | list[str]],
    language: str = "en",
) -> httpx2.Response:
    """Opens `page`, then sends its form for `action` with `fields` filled in."""
    headers = {"Accept-Language": language}
    shown = client.get(page, headers=headers)
    assert shown.status_code == 200, shown.text[:300]
    data = {**hidden_fields(shown.text, action), **fields}
    return client.post(action, data=data, headers=headers, follow_redirects=True)
