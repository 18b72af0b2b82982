"""The accreditation pages, in English and Russian: the host declares the terms, uploads a
CSV batch (a bad row refused with its line), another supervisor approves it; an agency
taking part opts a record in and sees the hits on its records; the host sees a
confirmed hit as "hit at agency X" and decides."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency.background import run_pending
from interagency.events import dossier
from interagency.events.accreditation_models import ApplicantBatch
from interagency.events.models import Event
from interagency.events.schemas import DelegationIn
from interagency.identity.models import Role
from interagency.records.models import Hit
from interagency.web.app import create_app
from tests.integration.events.conftest import act, hosted
from tests.integration.records.conftest import RASHAD_RU, Records, person
from tests.integration.records.conftest import records as records  # the fixture
from tests.support.forms import hidden_fields
from tests.support.forms import submit as submit_form
from tests.support.identity import add_member, sign_in

HEADER = "surname,given_name,patronymic,birth_date,sex,nationality,document_number,role,employer"
GOOD = (
    f"{HEADER}\nHUSEYNOV,RASHAD,,1985-03-14,M,AZE,C01234567,contractor,Kazan Catering\n"
    "Петрова,Анна,,02.07.1994,F,RUS,4510123456,volunteer,Волонтёрский центр\n"
)
BAD = f"{HEADER}\nПетрова,Анна,,02.07.1994,F,RUS,4510123456,volunteer,Центр\nX,Y,,,M,RUS,1,spy,Z\n"


def _client(records: Records, login: str) -> TestClient:
    client = TestClient(create_app(records.container))
    assert sign_in(client, records.council, login).status_code == 303
    return client


def _upload(client: TestClient, page: str, text: str, language: str = "en") -> str:
    shown = client.get(page, headers={"Accept-Language": language})
    data = hidden_fields(shown.text, f"{page}/batches")
    answer = client.post(
        f"{page}/batches",
        data=data,
        files={"file": ("applicants.csv", text.encode(), "text/csv")},
        headers={"Accept-Language": language},
        follow_redirects=True,
    )
    return answer.text


def test_the_accreditation_pages(records: Records) -> None:
    event_id = hosted(records.container, records.council)
    act(records.container, records.council, "ru_liaison",
        lambda uow, caller: dossier.add_participant(uow, caller, event_id,
                                                    DelegationIn(agency="KZ-SVC")))  # fmt: skip
    with records.container.uow() as uow:
        event_ref = uow.session.scalar(select(Event.public_id).where(Event.id == event_id))
    page = f"/events/{event_ref}/accreditation"
    host = _client(records, "ru_supervisor")
    saved = submit_form(host, page, f"{page}/terms", {"quota": "10", "offences": ["terrorism"]})
    assert "Saved." in saved.text
    assert "terrorism" in saved.text.lower()
    russian = host.get(page, headers={"Accept-Language": "ru"})
    assert russian.status_code == 200
    assert '<html lang="ru">' in russian.text

    refused = _upload(host, page, BAD)
    assert "Rows 3 are not valid" in refused
    assert "Kazan" not in _upload(host, page, GOOD)
    with records.container.uow() as uow:
        batch_ref = uow.session.scalar(select(ApplicantBatch.public_id))
    assert batch_ref is not None
    # The uploader is offered no approval; another supervisor is.
    assert f"{page}/batches/{batch_ref}/approve" not in host.get(page).text

    kz = _client(records, "kz_liaison")
    record = records.save("kz_liaison", person(RASHAD_RU)).record
    opted = submit_form(kz, page, f"{page}/opt-in", {"record": record.public_id})
    assert "The record is opted in." in opted.text

    add_member(records.container, records.council, "ru_chief", "RU-SVC", Role.SUPERVISOR)
    other = _client(records, "ru_chief")
    approved = submit_form(other, page, f"{page}/batches/{batch_ref}/approve", {})
    assert "Approved" in approved.text
    run_pending(records.container)
    with records.container.uow() as uow:
        reference = uow.session.scalar(select(Hit.reference))
    assert reference is not None
    owner_page = kz.get(page).text
    assert reference in owner_page
    for secret in ("contractor", "Kazan", "AZE", "C01234567"):
        assert secret not in owner_page
    batch_page = host.get(f"{page}/batches/{batch_ref}").text
    assert "Hit at" not in batch_page
    how = "Compared the passport copy and the photograph on file with the record."
    checked = submit_form(
        kz, f"/records/hits/{reference}", f"/records/hits/{reference}/check",
        {"outcome": "confirmed", "how": how},
    )  # fmt: skip
    assert checked.status_code == 200
    batch_page = host.get(f"{page}/batches/{batch_ref}", headers={"Accept-Language": "ru"}).text
    assert "KZ-SVC" in batch_page
    assert "HUSEYNOV RASHAD" in batch_page


def test_the_event_links_its_accreditation_only_to_those_it_has_something_for(
    records: Records,
) -> None:
    event_id = hosted(records.container, records.council)
    act(records.container, records.council, "ru_liaison",
        lambda uow, caller: dossier.add_participant(uow, caller, event_id,
                                                    DelegationIn(agency="KZ-SVC")))  # fmt: skip
    with records.container.uow() as uow:
        event_ref = uow.session.scalar(select(Event.public_id).where(Event.id == event_id))
    link = f'href="/events/{event_ref}/accreditation"'
    # The host's staff (its batches) and an agency taking part (its opt-ins and hits).
    for login in ("ru_liaison", "kz_liaison"):
        client = _client(records, login)
        assert link in client.get(f"/events/{event_ref}").text, login
        assert client.get(f"/events/{event_ref}/accreditation").status_code == 200, login
    # The secretariat reads the dossier but sees no applicant: no link to a refusal.
    secretariat = _client(records, "sec_officer")
    dossier_page = secretariat.get(f"/events/{event_ref}")
    assert dossier_page.status_code == 200
    assert link not in dossier_page.text
    assert secretariat.get(f"/events/{event_ref}/accreditation").status_code == 403
