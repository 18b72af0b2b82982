"""The compose page and the thread's forms offer recipients by name, grades with their
meaning, and no example that names an agency that does not exist."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from tests.integration.exchange.test_pages import As, as_user, compose, sent_thread

__all__ = ["as_user"]  # the fixture, shared with the neighbouring tests

RUSSIAN = {"Accept-Language": "ru"}


def checkboxes(page_html: str) -> dict[str, str]:
    """Each recipient checkbox's value and the text of its label."""
    found = re.findall(
        r'<label data-chooser-item><input type="checkbox" name="recipients" value="([^"]+)"'
        r"\s*> <span>([^<]+)</span></label>",
        page_html,
    )
    return {value: unescape(label) for value, label in found}


def test_recipients_are_checkboxes_named_in_the_readers_language(as_user: As) -> None:
    ru = as_user("ru_liaison")
    english = checkboxes(ru.get("/exchange/new").text)
    russian = checkboxes(ru.get("/exchange/new", headers=RUSSIAN).text)

    assert english["KZ-SVC"] == "KZ-SVC (en) — the whole agency (KZ-SVC)"
    assert english["KZ-SVC/CT"] == "KZ-SVC (en) — CT (KZ-SVC/CT)"
    assert english["KZ-SVC/BORDER"] == "KZ-SVC (en) — BORDER (KZ-SVC/BORDER)"
    assert russian["KZ-SVC/CT"] == "KZ-SVC (ru) — CT (KZ-SVC/CT)"
    assert russian["KZ-SVC"].startswith("KZ-SVC (ru) — ")
    # The sender's own agency is not offered.
    assert not [value for value in english if value.startswith("RU-SVC")]


def test_the_chooser_groups_by_agency_and_works_without_javascript(as_user: As) -> None:
    page = as_user("ru_liaison").get("/exchange/new").text
    assert "<legend>KZ-SVC (en) (KZ-SVC)</legend>" in page
    assert 'name="recipients" multiple' not in page  # no Ctrl-click list any more
    # The filter box is hidden until the script shows it: without JavaScript, the list.
    assert re.search(r'<div class="chooser-filter" hidden data-chooser-filter>', page)
    assert '<script src="/static/js/chooser.js" defer></script>' in page


def test_the_filter_script_is_served_from_the_site(client: TestClient) -> None:
    script = client.get("/static/js/chooser.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert "data-chooser-item" in script.text


def test_several_ticked_recipients_all_receive_the_thread(as_user: As) -> None:
    ru = as_user("ru_liaison")
    thread_id = sent_thread(ru, recipients=["KZ-SVC/CT", "TEST-SEC"])
    page = ru.get(f"/exchange/threads/{thread_id}").text
    recipients = page.split('data-testid="recipients"')[1].split("</table>")[0]
    assert "<td>KZ-SVC</td>" in recipients
    assert "<td>TEST-SEC</td>" in recipients


def test_the_ticked_recipients_are_kept_when_the_form_is_refused(as_user: As) -> None:
    answer = compose(as_user("ru_liaison"), recipients=["KZ-SVC/CT"], subject="")
    assert answer.status_code == 422
    assert re.search(r'value="KZ-SVC/CT"\s+checked>', answer.text)
    assert not re.search(r'value="KZ-SVC/BORDER"\s+checked>', answer.text)


def test_the_named_user_example_names_no_agency(as_user: As) -> None:
    page = as_user("ru_liaison").get("/exchange/new").text
    placeholder = re.search(r'id="f-named_users"[^>]*placeholder="([^"]*)"', page)
    assert placeholder is not None
    assert placeholder.group(1) == "AGENCY:login"


def test_grades_say_what_they_mean(as_user: As) -> None:
    ru = as_user("ru_liaison")
    english = ru.get("/exchange/new").text
    assert '<option value="B" selected>B — usually reliable</option>' in english
    assert '<option value="X" >X — cannot be assessed</option>' in english
    assert "4 — not known personally to the source, cannot be corroborated" in english
    assert "What the grades mean (EU 4x4 evaluation)" in english


def test_grades_say_what_they_mean_in_russian(as_user: As) -> None:
    russian = as_user("ru_liaison").get("/exchange/new", headers=RUSSIAN).text
    assert "B — обычно надёжный" in russian
    assert "1 — достоверность не вызывает сомнений" in russian


def test_the_thread_offers_recipients_by_name(as_user: As) -> None:
    ru = as_user("ru_liaison")
    thread_id = sent_thread(ru)
    page = ru.get(f"/exchange/threads/{thread_id}").text
    added = page.split('id="f-target"')[1].split("</select>")[0]
    assert '<optgroup label="KZ-SVC (en) (KZ-SVC)">' in added
    assert '<option value="KZ-SVC/CT" >KZ-SVC (en) — CT (KZ-SVC/CT)</option>' in added
    assert "RU-SVC" not in added  # the originator is on the thread already
