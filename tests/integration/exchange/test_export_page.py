"""A thread's file from its page: only the formats offered are linked, any other is not
there (404), and the Russian PDF speaks Russian and gives every time in the reader's zone."""

from __future__ import annotations

import re
import subprocess

from fastapi.testclient import TestClient

from tests.integration.exchange.test_pages import As, as_user, sent_thread
from tests.support.identity import csrf_token

__all__ = ["as_user"]  # the fixture, shared with the neighbouring tests

RUSSIAN = {"Accept-Language": "ru"}


def export_links(page_html: str, thread_id: str) -> list[str]:
    return re.findall(rf'href="/exchange/threads/{thread_id}/export\.(\w+)"', page_html)


def test_the_page_links_exactly_the_formats_offered(as_user: As) -> None:
    ru = as_user("ru_liaison")
    thread_id = sent_thread(ru)
    page = ru.get(f"/exchange/threads/{thread_id}").text
    assert export_links(page, thread_id) == ["pdf", "csv"]
    for fmt in ("pdf", "csv"):
        assert ru.get(f"/exchange/threads/{thread_id}/export.{fmt}").status_code == 200


def test_a_format_not_offered_is_not_there(as_user: As) -> None:
    ru = as_user("ru_liaison")
    thread_id = sent_thread(ru)
    for fmt in ("docx", "json", "exe"):
        answer = ru.get(f"/exchange/threads/{thread_id}/export.{fmt}")
        assert answer.status_code == 404, (fmt, answer.status_code)


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


def test_the_russian_pdf_names_codes_in_russian_and_times_in_the_readers_zone(
    as_user: As,
) -> None:
    ru = as_user("ru_liaison")
    thread_id = sent_thread(ru, kind="notification", priority="routine", deadline="")
    ru.cookies.set("lang", "ru")
    ru.cookies.set("tz", "Europe/Moscow")
    text = pdf_text(ru.get(f"/exchange/threads/{thread_id}/export.pdf").content)

    assert "уведомление" in text
    assert "обычная" in text
    assert "новая" in text
    for raw in ("notification", "routine", " new"):
        assert raw not in text, raw
    # Every time is Moscow's, named: the header's and the message's alike; none in UTC.
    assert "UTC" not in text
    assert len(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d MSK", text)) >= 2


def attach_text(client: TestClient, thread_id: str, content: bytes) -> None:
    page = client.get(f"/exchange/threads/{thread_id}").text
    action = re.search(r'action="(/exchange/threads/\w+/messages/\w+/attachments)"', page)
    assert action is not None
    answer = client.post(
        action.group(1),
        data={"csrf_token": csrf_token(page)},
        files={"file": ("notes.txt", content, "text/plain")},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def attachment_row(page_html: str) -> str:
    return page_html.split('class="table attachments"')[1].split("</table>")[0]


def test_an_attachments_size_and_type_are_in_the_readers_language(as_user: As) -> None:
    ru = as_user("ru_liaison")
    thread_id = sent_thread(ru)
    attach_text(ru, thread_id, b"a line of plain notes\n" * 70)  # 1,540 bytes

    english = attachment_row(ru.get(f"/exchange/threads/{thread_id}").text)
    assert "<td>1.5 KB</td>" in english
    assert "<td>plain text (UTF-8)</td>" in english
    russian = attachment_row(ru.get(f"/exchange/threads/{thread_id}", headers=RUSSIAN).text)
    assert "<td>1,5 КБ</td>" in russian
    assert "<td>обычный текст (UTF-8)</td>" in russian
    for english_word in ("Bytes", "kB", "plain text"):
        assert english_word not in russian
