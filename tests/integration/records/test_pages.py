"""The records' pages: enter a record by form, see it and its safeguards, find the hit on
the other side, walk the details through four eyes, upload a file, and the DPO's and the
review board's pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from interagency.background import run_pending
from interagency.bootstrap import Container
from interagency.records.schemas import RecordIn
from interagency.web.app import create_app
from tests.integration.records.conftest import Records
from tests.support.forms import submit as submit_form
from tests.support.identity import Council, sign_in, submit

PERSON_FORM = {
    "kind": "person",
    "p_surname": "Гусейнов",
    "p_given_name": "Рашад",
    "p_birth_date": "14.03.1985",
    "subject_category": "suspect",
    "purpose": "Security of the regional games",
    "legal_basis": "Agreement on cooperation against terrorism, art. 5",
    "offence_article": "Criminal code, art. 205",
    "offence_category": "terrorism",
    "handling_code": "H0",
    "tlp": "AMBER",
    "source_grade": "B",
    "information_grade": "2",
}


def _client(container: Container, council: Council, login: str) -> TestClient:
    client = TestClient(create_app(container))
    assert sign_in(client, council, login).status_code == 303
    return client


def test_a_record_entered_by_form_is_found_by_the_other_agency_and_its_details_released(
    container: Container, council: Council, records: Records
) -> None:
    owner = _client(container, council, "ru_liaison")
    created = submit(owner, "/records/new", "/records", **PERSON_FORM)
    assert created.status_code == 303, created.text
    record_page = owner.get(created.headers["location"])
    assert "Гусейнов" in record_page.text
    assert record_page.text.count("14.03.1985") == 1

    searcher = _client(container, council, "kz_liaison")
    latin = {**PERSON_FORM, "p_surname": "Huseynov", "p_given_name": "Rashad"}
    found = submit(searcher, "/records/new", "/records", **latin)
    assert found.status_code == 303
    listing = searcher.get("/records/hits")
    assert "possible match, not an identification" in listing.text
    reference = listing.text.split('href="/records/hits/')[1].split('"')[0]
    hit_page = searcher.get(f"/records/hits/{reference}")
    assert "RU-SVC" in hit_page.text
    assert "Гусейнов" not in hit_page.text
    assert 'id="score"' not in hit_page.text
    asked = submit(
        searcher,
        f"/records/hits/{reference}",
        f"/records/hits/{reference}/details",
        justification="A plot against the games: we must know who he is",
    )
    assert asked.status_code == 303

    owner_view = owner.get(f"/records/hits/{reference}")
    assert 'id="score"' in owner_view.text
    # The owner checks the hit before any release is offered.
    assert 'id="confirm-first"' in owner_view.text
    assert "/release/propose" not in owner_view.text
    assert "/check" not in hit_page.text  # the searching side has nothing to compare
    checked = submit(
        owner,
        f"/records/hits/{reference}",
        f"/records/hits/{reference}/check",
        outcome="confirmed",
        how="Compared the birth date with our file",
    )
    assert checked.status_code == 303
    proposed = submit(
        owner,
        f"/records/hits/{reference}",
        f"/records/hits/{reference}/release/propose",
        note="Checked: same birth date, release",
    )
    assert proposed.status_code == 303
    supervisor = _client(container, council, "ru_supervisor")
    released = submit(
        supervisor, f"/records/hits/{reference}", f"/records/hits/{reference}/release/approve"
    )
    assert released.status_code == 303
    assert "released" in searcher.get(f"/records/hits/{reference}").text


def test_bad_rows_of_an_upload_are_reported_and_nothing_is_stored(
    container: Container, council: Council, records: Records
) -> None:
    client = _client(container, council, "ru_liaison")
    page = client.get("/records/upload")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    content = (
        b"surname,given_name,birth_date,subject_category,purpose,legal_basis\n"
        b"Aliyev,Elnur,31.02.1990,suspect,Games security,Agreement art. 5\n"
        b"Karimov,Timur,1990,bystander,Games security,Agreement art. 5\n"
    )
    answer = client.post(
        "/records/upload",
        data={"csrf_token": token, "kind": "person"},
        files={"file": ("people.csv", content, "text/csv")},
    )
    # Accepted at once: the upload's page shows its job waiting, then what it found.
    assert answer.status_code == 200
    assert answer.url.path.startswith("/records/uploads/")
    assert 'http-equiv="refresh"' in answer.text
    assert "waiting for a worker" in answer.text
    assert run_pending(container) == 1
    report = client.get(answer.url.path)
    assert "nothing stored: rows are wrong" in report.text
    problems = report.text.split('id="upload-report"')[1].split("</section>")[0]
    assert "subject_category" in problems
    # The impossible date is no problem of its row: it would be stored without it.
    set_aside = report.text.split('id="upload-set-aside"')[1].split("</section>")[0]
    assert "31.02.1990" in set_aside
    assert "impossible date" in set_aside
    assert "31.02.1990" not in problems
    assert 'http-equiv="refresh"' not in report.text
    assert "No records yet" in client.get("/records").text


def test_other_roles_see_only_their_pages(
    container: Container, council: Council, records: Records
) -> None:
    reviewer = _client(container, council, "board_reviewer")
    assert "Nothing is submitted for review" in reviewer.get("/review").text
    assert reviewer.get("/records").status_code == 403
    dpo = _client(container, council, "ru_dpo")
    assert dpo.get("/records/dpo").status_code == 200
    admin = _client(container, council, "ru_admin")
    assert admin.get("/records").status_code == 403
    assert admin.get("/records/dpo").status_code == 403


def test_the_record_page_actions_flag_review_extend_and_erase(
    container: Container, council: Council, records: Records
) -> None:
    owner = _client(container, council, "ru_liaison")
    path = submit(owner, "/records/new", "/records", **PERSON_FORM).headers["location"]
    flagged = submit(
        owner, path, f"{path}/flag", reason="The case may be political: please review", version="1"
    )
    assert flagged.status_code == 303
    assert "awaiting the review board" in owner.get(path).text

    reviewer = _client(container, council, "board_reviewer")
    record_id = path.rsplit("/", 1)[-1]
    assert f"R-{record_id}" in reviewer.get("/records/review").text
    assert "Гусейнов" in reviewer.get(path).text  # while the record is before the board
    decided = submit(
        reviewer,
        "/records/review",
        f"{path}/neutrality",
        cleared="yes",
        reason="An ordinary criminal case of a bombing plot",
    )
    assert decided.status_code == 303
    assert reviewer.get(path).status_code == 404  # decided: no longer before the board
    assert "cleared by the review board" in owner.get(path).text

    dpo = _client(container, council, "ru_dpo")
    asked = submit(dpo, path, f"{path}/erasure", reason="Data subject request 2026/17")
    assert asked.status_code == 303
    supervisor = _client(container, council, "ru_supervisor")
    erased = submit(supervisor, path, f"{path}/erasure-approve")
    assert erased.status_code == 303
    page = owner.get(path).text
    assert "Erased: only the reference remains." in page
    assert "Гусейнов" not in page


def test_the_link_form_is_a_form_like_the_others_and_names_link_kinds_in_words(
    container: Container, council: Council, records: Records
) -> None:
    owner = _client(container, council, "ru_liaison")
    path = submit(owner, "/records/new", "/records", **PERSON_FORM).headers["location"]
    document = {
        "kind": "document",
        "particulars": {"number": "AK 1234567", "issuing_country": "AZE"},
        "subject_category": "suspect",
        "purpose": "Security of the regional games",
        "legal_basis": "Agreement on cooperation against terrorism, art. 5",
    }
    passport = records.save("ru_liaison", RecordIn.model_validate(document)).record.public_id
    page = owner.get(path).text
    form = page[page.index(f'action="{path}/links"') :].split("</form>")[0]
    assert form.count('class="field"') == 2
    assert '<label for="link-kind">' in form
    assert '<label for="to-record">' in form
    assert ">holds the document<" in form
    for raw in ("holds_document", "uses_phone", "drives_vehicle", "belongs_to"):
        assert f">{raw}<" not in form
    linked = submit(
        owner, path, f"{path}/links", link_kind="holds_document", to_record=f"R-{passport}"
    )
    assert linked.status_code == 303, linked.text[:500]
    links = owner.get(path).text
    assert f'holds the document: <a href="/records/{passport}">' in links
    assert "holds_document:" not in links

    refused = submit_form(
        owner, path, f"{path}/links", {"link_kind": "owns_yacht", "to_record": f"R-{passport}"}
    )
    assert refused.status_code == 422
    # The error stands beside the link type, whatever the service calls that field.
    assert 'id="e-link_kind">Choose one of' in refused.text
    assert f'value="R-{passport}"' in refused.text


def _links(page: str) -> set[str]:
    return set(re.findall(r'href="(/[^"#]*)', page))


def test_the_review_queue_says_what_the_board_decides_on_and_offers_only_usable_links(
    container: Container, council: Council, records: Records
) -> None:
    owner = _client(container, council, "ru_liaison")
    path = submit(
        owner, "/records/new", "/records", **{**PERSON_FORM, "offence_category": "extremism"}
    ).headers["location"]
    flagged = records.save("ru_liaison", RecordIn.model_validate({
        "kind": "person", "particulars": {"surname": "Алиев"}, "subject_category": "suspect",
        "purpose": "Security of the regional games", "legal_basis": "Agreement, art. 5",
    })).record.public_id  # fmt: skip
    assert submit(
        owner,
        f"/records/{flagged}",
        f"/records/{flagged}/flag",
        reason="He spoke at a rally of the opposition",
        version="1",
    ).is_redirect
    reviewer = _client(container, council, "board_reviewer")
    queue = reviewer.get("/records/review").text
    first = queue.split(f'id="review-{path.rsplit("/", 1)[-1]}"')[1].split("</section>")[0]
    assert "extremism" in first
    assert "RU-SVC" in first
    second = queue.split(f'id="review-{flagged}"')[1].split("</section>")[0]
    assert "He spoke at a rally of the opposition" in second
    assert "RU-SVC" in second
    pages = [queue, reviewer.get(path).text]
    for page in pages:
        for link in _links(page):
            assert reviewer.get(link).status_code == 200, link


def test_a_refused_record_form_keeps_what_was_typed_with_each_error_beside_its_field(
    container: Container, council: Council, records: Records
) -> None:
    from tests.support.forms import submit as submit_form

    owner = _client(container, council, "ru_liaison")
    typed = {
        **PERSON_FORM,
        "p_surname": "Г" * 201,
        "p_sex": "X",
        "p_birth_date": "01.05.2099",
        "purpose": "Охрана региональных игр",
        "tlp": "GREEN",
    }
    answer = submit_form(owner, "/records/new", "/records", typed, language="ru")
    assert answer.status_code == 422
    page = answer.text
    assert "String should" not in page
    surname = page.split('id="e-p_surname"')[1].split("</p>")[0]
    assert "Слишком длинно: не более 200 символов" in surname
    sex = page.split('id="e-p_sex"')[1].split("</p>")[0]
    assert "Значение не в том виде, который требует поле" in sex
    assert 'id="e-p_birth_date"' in page
    # Everything typed is there again, to be corrected rather than typed anew.
    assert 'value="' + "Г" * 201 + '"' in page
    assert 'value="01.05.2099"' in page
    assert ">Охрана региональных игр</textarea>" in page
    assert '<option value="GREEN" selected>' in page
    assert (
        "No records yet" in owner.get("/records").text
        or "Записей пока нет" in owner.get("/records", headers={"Accept-Language": "ru"}).text
    )


def test_a_refused_reason_is_kept_in_its_own_form_only(
    container: Container, council: Council, records: Records
) -> None:
    owner = _client(container, council, "ru_liaison")
    path = submit(owner, "/records/new", "/records", **PERSON_FORM).headers["location"]
    answer = submit_form(owner, path, f"{path}/flag", {"reason": "Why?"}, "ru")
    assert answer.status_code == 422
    flag_form = answer.text.split(f'action="{path}/flag"', 1)[1].split("</form>", 1)[0]
    assert ">Why?</textarea>" in flag_form
    assert 'class="field-error" id="e-reason">Слишком коротко' in flag_form
    # The page's other reason forms are left as they were: empty and unmarked.
    erasure = answer.text.split(f'action="{path}/erasure"', 1)
    if len(erasure) == 2:
        assert "Why?" not in erasure[1].split("</form>", 1)[0]
    assert "awaiting the review board" not in owner.get(path).text
