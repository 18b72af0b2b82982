"""Shared records in a real browser, the whole flow: KZ-KNB uploads a file, the batch
cross-check finds a person RU-FSB holds (written in Cyrillic there, in Latin here), KZ-KNB
asks for the details, an RU-FSB officer confirms the hit against the record and proposes
to release them, an RU-FSB supervisor approves (four eyes), and the KZ-KNB officer reads
them in the exchange."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SignedInPage

UPLOAD = (
    "surname,given_name,birth_date,subject_category,purpose,legal_basis,"
    "offence_article,offence_category\n"
    "Kazaryan,Aram,1988-11-02,suspect,Forged passports at the Khorgos crossing,"
    "Agreement on cooperation art. 3,UK RK art. 385,document_fraud\n"
)
JUSTIFICATION = "Forged passports presented at Khorgos on 14 November: we need to identify him"


def _english(page: Page) -> None:
    page.get_by_role("button", name="English").click()


def test_upload_hit_request_and_four_eyes_release(signed_in_page: SignedInPage) -> None:
    searcher = signed_in_page("nurlanov")
    _english(searcher)
    searcher.goto("/records/upload")
    searcher.get_by_label("Kind of the records in the file").select_option("person")
    searcher.get_by_label("CSV (UTF-8) or XLSX file, first row the column names").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": UPLOAD.encode()}]
    )
    searcher.get_by_role("button", name="Check and upload").click()
    expect(searcher).to_have_url(re.compile(r"/records/uploads/[a-z2-7]{26}$"))
    # The page refreshes itself until the batch engine is done.
    expect(searcher.locator("#upload-status")).to_have_text("done", timeout=60_000)
    searcher.goto("/records/hits")
    expect(searcher.get_by_test_id("possible-match")).to_be_visible()
    searcher.get_by_role("row").filter(has_text="RU-FSB").get_by_role("link").first.click()
    expect(searcher.locator("#hit")).to_contain_text("RU-FSB")
    expect(searcher.locator("main")).not_to_contain_text("Казарян")
    expect(searcher.locator("#score")).to_have_count(0)
    reference = searcher.url.rsplit("/", 1)[-1]
    searcher.get_by_label("Why your agency needs them (the owner decides on this)").fill(
        JUSTIFICATION
    )
    searcher.get_by_role("button", name="Send the request").click()
    expect(searcher.locator("#details-status")).to_contain_text("asked for")

    officer = signed_in_page("ivanov")
    _english(officer)
    officer.goto(f"/records/hits/{reference}")
    expect(officer.locator("#score")).to_be_visible()
    # Nothing is offered for release before a person of RU-FSB has confirmed the hit.
    expect(officer.locator("#confirm-first")).to_be_visible()
    officer.get_by_label("The same: confirmed").check()
    officer.get_by_label("How it was checked").fill("Birth date and both names in our file")
    officer.get_by_role("button", name="Record the check").click()
    expect(officer.locator("#check-status")).to_contain_text("confirmed")
    officer.get_by_label("Why release them").fill("Same birth date and name in two scripts")
    officer.get_by_role("button", name="Propose to release (a supervisor approves)").click()
    expect(officer.locator("#details-status")).to_contain_text("release proposed")
    # The officer who proposed is offered no approval: that takes a second person.
    expect(officer.get_by_role("button", name="Approve and release (four eyes)")).to_have_count(0)

    supervisor = signed_in_page("kuznetsov")
    _english(supervisor)
    supervisor.goto(f"/records/hits/{reference}")
    supervisor.get_by_role("button", name="Approve and release (four eyes)").click()
    expect(supervisor.locator("#details-status")).to_contain_text("released")

    searcher.goto("/exchange")
    subject = f"Details of hit {reference}"
    searcher.get_by_role("row").filter(has_text=subject).get_by_role("link").first.click()
    expect(searcher.locator("main")).to_contain_text("Казарян")
    expect(searcher.locator("main")).to_contain_text("possible match, not an identification")
