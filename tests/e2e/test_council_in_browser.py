"""The council's secretariat in a real browser: a meeting with 13 agenda items, a document
reviewed by two agencies and adopted at it, and the programme results report as PDF."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SignedInPage, console_problems
from tests.unit.council import pdfcheck

ITEMS = 13


def in_english(page: Page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_meeting_cycle_with_adoption_and_the_results_report(
    signed_in_page: SignedInPage, tmp_path: Path
) -> None:
    orlova = signed_in_page("orlova")
    in_english(orlova)
    orlova.get_by_role("link", name="Council", exact=True).click()
    orlova.get_by_label("Number").fill("46")
    orlova.get_by_label("Title").fill("Forty-sixth meeting of the Council")
    orlova.get_by_label("Date").fill("2027-09-15")
    orlova.get_by_label("Place").fill("Ташкент")
    orlova.get_by_label("Chair", exact=True).fill("Chair of the Council (Uzbekistan)")
    orlova.get_by_label("Participating agencies (codes, one a line)").fill("RU-FSB\nKZ-KNB")
    orlova.get_by_role("button", name="Create meeting").click()
    expect(orlova.locator(".flash-success")).to_contain_text("Meeting No. 46 created.")
    meeting_url = orlova.url

    for number in range(1, ITEMS + 1):
        orlova.get_by_label("New agenda item").fill(f"Agenda item {number}: Հայաստան, საქართველო")
        orlova.get_by_label("Rapporteur agency (code)").fill("KZ-KNB" if number % 2 else "")
        orlova.get_by_role("button", name="Add item").click()
        expect(orlova.locator(".flash-success")).to_contain_text(f"Agenda item {number} added.")
    rows = orlova.locator("#agenda + table tbody tr")
    expect(rows).to_have_count(ITEMS)
    expect(rows.nth(ITEMS - 1)).to_contain_text("Agenda item 13")

    # A draft with two parties, sent for review.
    orlova.get_by_role("link", name="Joint documents").first.click()
    orlova.get_by_label("Kind").select_option("recommendation")
    orlova.get_by_label("Title").fill("Рекомендации по защите объектов транспорта")
    orlova.get_by_label("Parties (agency codes, one a line)").fill("RU-FSB\nKZ-KNB")
    orlova.get_by_label("Text").fill("1. Усилить охрану вокзалов.\n\n2. Обмениваться сведениями.")
    orlova.get_by_role("button", name="Create draft").click()
    expect(orlova.locator(".flash-success")).to_contain_text("Draft created.")
    document_url = orlova.url
    orlova.get_by_role("button", name="Send to the parties for review").click()
    expect(orlova.locator("#document-status")).to_have_text("under review")

    # Each party's supervisor approves, in a browser of their own.
    for login in ("kuznetsov", "abenov"):
        supervisor = signed_in_page(login)
        in_english(supervisor)
        supervisor.goto(document_url)
        supervisor.get_by_label("Approve").check()
        supervisor.get_by_role("button", name="Record position").click()
        expect(supervisor.locator(".flash-success")).to_contain_text("Position recorded.")
        assert console_problems(supervisor) == []

    orlova.goto(document_url)
    orlova.get_by_label("Adopted at meeting").select_option(label="46 — 2027-09-15")
    orlova.get_by_role("button", name="Adopt", exact=True).click()
    expect(orlova.locator(".flash-success")).to_contain_text(
        re.compile(r"Adopted and registered as No\. 2027/\d{3}\.")
    )
    expect(orlova.locator("#document-status")).to_have_text("adopted")
    orlova.get_by_role("link", name="Register").first.click()
    orlova.get_by_label("Search by number, title or party").fill("ТРАНСПОРТА")
    orlova.get_by_role("button", name="Search").click()
    expect(orlova.locator("table tbody tr")).to_have_count(1)
    expect(orlova.locator("table tbody")).to_contain_text("2027/")

    # The minutes of the meeting, then the finished programme's results report as PDF.
    orlova.goto(meeting_url)
    orlova.get_by_label("Minutes", exact=True).fill("The Council adopted the recommendations.")
    orlova.get_by_role("button", name="Save minutes").click()
    expect(orlova.locator(".flash-success")).to_contain_text("Minutes saved.")

    orlova.get_by_role("link", name="Programmes").first.click()
    orlova.get_by_role("link", name=re.compile("на 2014–2016 годы")).click()
    expect(orlova.locator("svg[role=img]")).to_have_count(2)
    with orlova.expect_download() as download:
        orlova.get_by_role("link", name="PDF (ru)").click()
    pdf = tmp_path / "results.pdf"
    download.value.save_as(pdf)
    text = pdfcheck.page_text(pdf, 1)
    assert "CT-2014-2016" in text
    assert "2014–2016" in text
    assert "orlova" in text
    assert "H1 · TLP:GREEN" in text
    # Table cells wrap: words are compared with the line breaks made spaces.
    everything = " ".join(
        " ".join(pdfcheck.page_text(pdf, page).split())
        for page in range(1, pdfcheck.page_count(pdf) + 1)
    )
    for measure in ("Совместные антитеррористические учения", "Единый банк данных"):
        assert measure in everything
    # Three measures done, the fourth stopped at 80%: (100 + 100 + 100 + 80) / 4.
    assert "95%" in everything
    assert not pdfcheck.has_tofu(pdf, "Программа")

    # The agenda's Armenian and Georgian words are drawn as letters, not as boxes.
    orlova.goto(meeting_url)
    with orlova.expect_download() as download:
        orlova.get_by_role("link", name="PDF (en)").first.click()
    agenda = tmp_path / "agenda.pdf"
    download.value.save_as(agenda)
    # (Word by word: the diagonal watermark's letters interleave with the text's lines.)
    first_page = [word for word, _box in pdfcheck.words(agenda, 1)]
    assert {"Agenda", "Հայաստան,", "საქართველო", "Ташкент"} <= set(first_page)
    assert not pdfcheck.has_tofu(agenda, "Հայաստան,")
    assert not pdfcheck.has_tofu(agenda, "საქართველო")
    assert console_problems(orlova) == []
