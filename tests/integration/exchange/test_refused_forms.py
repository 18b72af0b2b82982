"""The exchange's forms refused: the page again, what was typed kept, each problem beside
the field it concerns (never named by its code), in the reader's language."""

from __future__ import annotations

import re

from tests.integration.exchange.test_pages import As, as_user, compose, post_on_thread, sent_thread

__all__ = ["as_user"]  # the fixture, shared with the neighbouring tests


def error_of(page_html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="e-{field}">([^<]*)</p>', page_html)
    assert found, f"no error beside {field}"
    return found.group(1)


def summary(page_html: str) -> str:
    found = re.search(r'<div class="flash flash-error form-problems".*?</div>', page_html, re.S)
    assert found, "no summary of the problems"
    return found.group(0)


def test_compose_names_each_problem_beside_its_field(as_user: As) -> None:
    answer = compose(
        as_user("ru_liaison"), subject="", tlp="WHITE", handling_code="H3", recipients=[]
    )
    assert answer.status_code == 422
    page = answer.text
    assert error_of(page, "recipients") == "Choose at least one recipient."
    assert error_of(page, "subject")
    assert "CLEAR" in error_of(page, "tlp")
    assert 'id="f-tlp" name="tlp" aria-invalid="true"' in page
    # Nothing is named by its code: neither in the summary nor anywhere else.
    for code in ("subject", "tlp", "recipients"):
        assert f"<code>{code}</code>" not in summary(page)
        assert f"{code}:" not in page
    assert "send the form again" in summary(page)


def test_a_rule_across_fields_is_shown_beside_the_field_to_fix(as_user: As) -> None:
    answer = compose(as_user("ru_liaison"), handling_code="H3", restriction="")
    assert answer.status_code == 422
    assert error_of(answer.text, "restriction") == "H3 needs the restriction written out in words."
    # What was typed is still there, the handling code chosen with it.
    assert re.search(r'<option value="H3" selected>', answer.text)


def test_a_service_refusal_is_beside_its_field_in_russian(as_user: As) -> None:
    ru = as_user("ru_liaison")
    ru.cookies.set("lang", "ru")
    answer = compose(ru, deadline="2020-01-01", subject="Оставленная тема")
    assert answer.status_code == 422
    assert error_of(answer.text, "deadline").startswith("Срок 2020-01-01")
    assert 'value="Оставленная тема"' in answer.text


def test_a_refused_thread_form_comes_back_in_that_form_alone(as_user: As) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    thread_id = sent_thread(ru)
    answer = post_on_thread(
        kz, thread_id, "dissemination", purpose="recipient", target="TEST-SEC", reason="short"
    )
    assert answer.status_code == 422
    page = answer.text
    onward = page.split('id="f-onward"')[1].split("</form>")[0]
    assert '<p class="field-error" id="e-reason">' in onward
    assert ">short</textarea>" in onward
    assert '<option value="TEST-SEC" selected>' in onward
    assert page.count('id="e-reason"') == 1


def test_a_refused_reply_keeps_the_text_and_marks_the_marking(as_user: As) -> None:
    ru, kz = as_user("ru_liaison"), as_user("kz_liaison")
    thread_id = sent_thread(ru, tlp="AMBER+STRICT")
    answer = post_on_thread(
        kz, thread_id, "reply", body="A kept answer.", tlp="GREEN", handling_code="H0",
        source_grade="A", information_grade="1",
    )  # fmt: skip
    assert answer.status_code == 422
    reply = answer.text.split('id="reply"')[1]
    assert ">A kept answer.</textarea>" in reply
    assert "may not be marked lower" in error_of(reply, "tlp")
    assert re.search(r'<option value="A" selected>', reply)


def test_a_filter_that_cannot_be_used_is_named_in_words(as_user: As) -> None:
    answer = as_user("ru_liaison").get("/exchange/search?q=passport&tlp=WHITE&since=soon")
    assert answer.status_code == 422
    listed = answer.text.split('class="flash flash-error"')[1].split("</div>")[0]
    assert '<a href="#f-since">Enter a date as YYYY-MM-DD.</a>' in listed
    assert ">since<" not in listed
    assert ">tlp<" not in listed
