"""Every door of the exchange goes through the export gate: thread files (for the reader's
agency or a registered third party), attachment downloads and API reads of threads.

The expectations are written out here from the rules in words, not from the policy
tables: RED never leaves; H0 leaves with anyone who may read the thread; above H0 a
recipient needs the originator's consent and the provider exports its own; a third
party must be registered, needs the originator's consent for that destination, and
never receives RED or AMBER+STRICT.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from interagency.audit.models import AuditEntry
from interagency.bootstrap import Container, bootstrap
from interagency.egress import services as egress_services
from interagency.egress.models import Consent, DailyReads, Export, ThirdParty
from interagency.egress.schemas import ConsentIn
from interagency.errors import Forbidden, InvalidInput
from interagency.exchange import dissemination, exporting, services
from interagency.exchange.schemas import DecisionIn, DisseminationIn, ReplyIn
from interagency.markings import HandlingCode, Tlp
from interagency.web.app import create_app
from tests.support.databases import settings_for
from tests.support.exchange import Address, Exchange, Sent
from tests.support.identity import Council, api_token, sign_in

AUTHOR = "a_ct_liaison_officer"
ORIGINATOR = "a_ct_analyst"  # of the sending desk: reads RED too
RECIPIENT = "b_ct_analyst"  # of the addressed desk
DECIDER = "a_ct_supervisor"
BODY = "Сведения о перевозчиках, использующих горный перевал."
REASON = "Для совместного расследования с партнёрами."
UNKNOWN_PARTY = "a" * 26  # well formed, registered nowhere

TLPS = (Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)
CODES = (HandlingCode.H0, HandlingCode.H1, HandlingCode.H2, HandlingCode.H3)


# --- helpers ------------------------------------------------------------------------------


def _send(exchange: Exchange, tlp: Tlp, handling: HandlingCode) -> Sent:
    return exchange.send(
        AUTHOR, [Address("B", desk="CT")], tlp=tlp, handling=handling, from_desk="CT", body=BODY
    )


def _export(
    exchange: Exchange, login: str, thread: Sent, to: str | None = None, fmt: str = "csv"
) -> exporting.ExportedFile:
    with exchange.container.uow() as uow:
        exported = exporting.export_thread(
            uow, exchange.caller(uow, login), exchange.context, thread.id, fmt, to=to
        )
        uow.commit()
    return exported


def _refusal(exchange: Exchange, login: str, thread: Sent, to: str | None = None) -> str:
    """The refusal's words, after checking that nothing was recorded as exported."""
    before = _exports(exchange)
    with pytest.raises(Forbidden) as refused:
        _export(exchange, login, thread, to)
    assert _exports(exchange) == before
    return refused.value.message.format(**refused.value.params)


def _exports(exchange: Exchange) -> int:
    with exchange.container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Export)) or 0


def _ask(exchange: Exchange, login: str, thread: Sent, third_party: str | None = None) -> int:
    data = DisseminationIn(purpose="export", reason=REASON, third_party=third_party)
    with exchange.container.uow() as uow:
        row = dissemination.request(
            uow, exchange.caller(uow, login), exchange.context, thread.id, data
        )
        uow.commit()
        return row.id


def _approve(exchange: Exchange, request_id: int) -> None:
    with exchange.container.uow() as uow:
        dissemination.decide(
            uow, exchange.caller(uow, DECIDER), exchange.context, request_id,
            DecisionIn(approve=True),
        )  # fmt: skip
        uow.commit()


def _register(exchange: Exchange, name: str) -> str:
    """A third party as the secretariat registers it; its public id."""
    with exchange.container.uow() as uow:
        party = ThirdParty(
            name=name,
            country="CH",
            legal_basis="Agreement on cooperation of 2024, article 7",
            entered_by_id=exchange.council.users["sec_officer"],
        )
        uow.session.add(party)
        uow.commit()
        return party.public_id


def _csv_export_id(exported: exporting.ExportedFile) -> str:
    header = next(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    return header[header.index("export") + 1]


def _assert_left(exchange: Exchange, login: str, thread: Sent, to: str | None = None) -> None:
    """The thread left as a CSV file under an export id that is recorded with it."""
    exported = _export(exchange, login, thread, to)
    assert BODY in exported.content.decode("utf-8-sig")
    export_id = _csv_export_id(exported)
    assert export_id == exported.receipt.export_id
    row, detail = _recorded(exchange.container, export_id)
    assert (row.door, row.format) == ("exchange:thread-file", "csv")
    assert row.destination == ("third_party" if to else "reader")
    assert row.reader_user_id == exchange.users[login]
    assert row.items == [
        {
            "kind": "thread",
            "ref": thread.public_id,
            "owner": exchange.agencies["A"],
            "tlp": thread.tlp.value,
            "handling": thread.handling.value,
            "expires": None,
        }
    ]
    assert detail["items"] == [thread.public_id]
    assert (detail["door"], detail["format"]) == ("exchange:thread-file", "csv")
    if to:
        assert detail["third_party"] == to


# --- thread files for the reader's own agency ---------------------------------------------


@pytest.mark.parametrize("handling", CODES, ids=lambda code: code.value)
@pytest.mark.parametrize("tlp", TLPS, ids=lambda tlp: tlp.value)
def test_who_exports_a_thread_for_their_own_agency(
    exchange: Exchange, tlp: Tlp, handling: HandlingCode
) -> None:
    thread = _send(exchange, tlp, handling)
    if tlp is Tlp.RED:
        for login in (ORIGINATOR, RECIPIENT):
            assert "RED is never exported" in _refusal(exchange, login, thread)
        return
    _assert_left(exchange, ORIGINATOR, thread)  # the provider exports its own
    if handling is HandlingCode.H0:
        _assert_left(exchange, RECIPIENT, thread)
        return
    assert "consent" in _refusal(exchange, RECIPIENT, thread)
    _approve(exchange, _ask(exchange, RECIPIENT, thread))
    _assert_left(exchange, RECIPIENT, thread)


def test_a_pdf_carries_its_export_id_on_the_page_and_in_the_header(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    thread = _api_thread(client, sender)
    exported = client.get(
        f"/api/v1/exchange/threads/{thread['id']}/export", params={"format": "pdf"}, headers=sender
    )
    assert exported.status_code == 200, exported.text
    export_id = exported.headers["x-export-id"]
    assert exported.headers["x-marking"] == "H0; TLP:AMBER"
    assert exported.headers["content-disposition"].startswith("attachment;")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=exported.content, capture_output=True, check=True
    ).stdout.decode()
    assert export_id in text
    with container.uow() as uow:
        row = uow.session.scalar(select(Export).where(Export.public_id == export_id))
        assert row is not None
        assert (row.door, row.format, row.items[0]["ref"]) == (
            "exchange:thread-file", "pdf", thread["id"]
        )  # fmt: skip


# --- thread files for a third party -------------------------------------------------------


def test_a_third_party_must_be_registered(exchange: Exchange) -> None:
    thread = _send(exchange, Tlp.AMBER, HandlingCode.H0)
    for login in (ORIGINATOR, RECIPIENT):
        assert "registered" in _refusal(exchange, login, thread, to=UNKNOWN_PARTY)
    with pytest.raises(InvalidInput) as unknown:
        _ask(exchange, RECIPIENT, thread, third_party=UNKNOWN_PARTY)
    assert "no registered third party" in unknown.value.message


def test_a_third_party_is_named_only_for_an_export(exchange: Exchange) -> None:
    party = _register(exchange, "Interpol General Secretariat")
    with pytest.raises(ValidationError, match="only when asking for consent to an export"):
        DisseminationIn(purpose="recipient", agency="UZ-SVC", reason=REASON, third_party=party)


@pytest.mark.parametrize("handling", [HandlingCode.H0, HandlingCode.H2], ids=["H0", "H2"])
def test_a_recipient_exports_to_a_third_party_only_with_the_consent_for_it(
    exchange: Exchange, handling: HandlingCode
) -> None:
    thread = _send(exchange, Tlp.AMBER, handling)
    party = _register(exchange, "Interpol General Secretariat")
    other = _register(exchange, "Europol")
    refused = _refusal(exchange, RECIPIENT, thread, to=party)
    assert "consent" in refused
    request_id = _ask(exchange, RECIPIENT, thread, third_party=party)
    assert "consent" in _refusal(exchange, RECIPIENT, thread, to=party)  # asked, not given
    _approve(exchange, request_id)
    with exchange.container.uow() as uow:
        consents = uow.session.execute(
            select(Consent.owner_agency_id, Consent.object_kind, Consent.object_ref,
                   Consent.granted_by_id, ThirdParty.public_id)
            .join(ThirdParty, ThirdParty.id == Consent.third_party_id)
        ).all()  # fmt: skip
    assert consents == [
        (exchange.agencies["A"], "thread", thread.public_id, exchange.users[DECIDER], party)
    ]
    _assert_left(exchange, RECIPIENT, thread, to=party)
    # The consent is for that destination alone.
    assert "consent" in _refusal(exchange, RECIPIENT, thread, to=other)
    if handling is not HandlingCode.H0:
        # ... and not for the recipient's own use, which it asks for on its own.
        assert "consent" in _refusal(exchange, RECIPIENT, thread)


def _reply(exchange: Exchange, login: str, thread: Sent) -> None:
    with exchange.container.uow() as uow:
        services.reply(
            uow, exchange.caller(uow, login), exchange.context, thread.id,
            ReplyIn(body="Дополнение к сведениям.", handling_code=thread.handling, tlp=thread.tlp),
        )  # fmt: skip
        uow.commit()


def _consent_of(exchange: Exchange, login: str, thread: Sent, party: str) -> None:
    with exchange.container.uow() as uow:
        egress_services.record_consent(
            uow, exchange.caller(uow, login),
            ConsentIn(third_party=party, object_kind="thread", object_ref=thread.public_id),
        )  # fmt: skip
        uow.commit()


def test_every_agency_that_wrote_on_the_thread_consents_to_a_third_party(
    exchange: Exchange,
) -> None:
    """A's consent covers A's messages only: C's reply goes out once C consents too, and a
    later message of A's needs A's consent again."""
    thread = exchange.send(
        AUTHOR, [Address("B", desk="CT"), Address("C", desk="CT")], tlp=Tlp.AMBER,
        handling=HandlingCode.H0, from_desk="CT", body=BODY,
    )  # fmt: skip
    party = _register(exchange, "Interpol General Secretariat")
    _reply(exchange, "c_ct_analyst", thread)
    _approve(exchange, _ask(exchange, RECIPIENT, thread, third_party=party))
    assert "consent" in _refusal(exchange, RECIPIENT, thread, to=party)  # C has not
    _consent_of(exchange, "c_ct_supervisor", thread, party)
    exported = _export(exchange, RECIPIENT, thread, to=party)
    row, _ = _recorded(exchange.container, exported.receipt.export_id)
    assert [item["owner"] for item in row.items] == [
        exchange.agencies["A"],
        exchange.agencies["C"],
    ]
    _reply(exchange, ORIGINATOR, thread)  # written after A consented
    assert "consent" in _refusal(exchange, RECIPIENT, thread, to=party)


def test_the_originator_sends_its_own_to_a_registered_third_party(exchange: Exchange) -> None:
    thread = _send(exchange, Tlp.AMBER, HandlingCode.H2)
    party = _register(exchange, "Interpol General Secretariat")
    _assert_left(exchange, ORIGINATOR, thread, to=party)


@pytest.mark.parametrize("tlp", [Tlp.AMBER_STRICT, Tlp.RED], ids=lambda tlp: tlp.value)
def test_amber_strict_and_red_never_go_to_a_third_party(exchange: Exchange, tlp: Tlp) -> None:
    thread = _send(exchange, tlp, HandlingCode.H0)
    party = _register(exchange, "Interpol General Secretariat")
    if tlp is Tlp.AMBER_STRICT:
        _approve(exchange, _ask(exchange, RECIPIENT, thread, third_party=party))
    expected = "RED is never exported" if tlp is Tlp.RED else "never goes to Interpol"
    for login in (ORIGINATOR, RECIPIENT):
        assert expected in _refusal(exchange, login, thread, to=party)


def test_a_third_party_export_over_the_api(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    thread = _api_thread(client, sender)
    path = f"/api/v1/exchange/threads/{thread['id']}/export"
    unknown = client.get(path, params={"to": UNKNOWN_PARTY}, headers=sender)
    assert unknown.status_code == 403
    assert "registered" in unknown.json()["detail"]
    with container.uow() as uow:
        party = ThirdParty(
            name="Europol", country="NL", legal_basis="Operational agreement, article 3",
            entered_by_id=council.users["sec_officer"],
        )  # fmt: skip
        uow.session.add(party)
        uow.commit()
    exported = client.get(path, params={"to": party.public_id}, headers=sender)
    assert exported.status_code == 200, exported.text
    with container.uow() as uow:
        row = uow.session.scalar(
            select(Export).where(Export.public_id == exported.headers["x-export-id"])
        )
        assert row is not None
        assert (row.destination, row.third_party_id) == ("third_party", party.id)


# --- attachments --------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_attachment_download_passes_the_gate(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    receiver = {"Authorization": f"Bearer {api_token(container, council, 'kz_liaison')}"}
    thread = _api_thread(client, sender, handling_code="H3", restriction="Only border services")
    message = thread["messages"][0]["id"]
    added = client.post(
        f"/api/v1/exchange/threads/{thread['id']}/messages/{message}/attachments",
        params={"filename": "route.pdf"}, content=PDF, headers=sender,
    )  # fmt: skip
    assert added.status_code == 201, added.text
    got = client.get(f"/api/v1/exchange/attachments/{added.json()['id']}", headers=receiver)
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["content-length"] == str(len(PDF))
    assert got.headers["x-marking"] == "H3; TLP:AMBER"
    assert got.headers["x-restriction"] == "UTF-8''Only%20border%20services"
    assert got.headers["x-content-type-options"] == "nosniff"
    with container.uow() as uow:
        row = uow.session.scalar(
            select(Export).where(Export.public_id == got.headers["x-export-id"])
        )
        assert row is not None
        assert (row.door, row.format, row.destination) == (
            "exchange:attachment", "original", "reader"
        )  # fmt: skip
        assert [(item["kind"], item["ref"]) for item in row.items] == [
            ("attachment", added.json()["id"])
        ]


# --- API reads ----------------------------------------------------------------------------

LIMIT = 3


@pytest.fixture
def limited_client(
    database_url: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    container: Container,
) -> Iterator[TestClient]:
    """The application with a daily limit of three threads read through the API.

    Built after the test's `container`, whose sessions come from the same factory: the
    limit is carried by the factory, and the last application built sets it."""
    settings = settings_for(database_url, bulk_read_daily_limit=LIMIT)
    app = create_app(bootstrap(settings, engine=engine, session_factory=session_factory))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_api_reads_are_counted_and_refused_past_the_daily_limit(
    limited_client: TestClient, council: Council, container: Container
) -> None:
    client = limited_client
    sender = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    sent = [_api_thread(client, sender)["id"] for _ in range(2)]

    listed = client.get("/api/v1/exchange/threads", headers=sender)
    assert listed.status_code == 200, listed.text
    assert sorted(item["id"] for item in listed.json()["items"]) == sorted(sent)
    with container.uow() as uow:
        row = uow.session.scalar(
            select(Export).where(Export.public_id == listed.headers["x-export-id"])
        )
        assert row is not None
        assert (row.door, row.format) == ("exchange:thread-list", "json")
        assert sorted(item["ref"] for item in row.items) == sorted(sent)
    _, detail = _recorded(container, listed.headers["x-export-id"])
    assert detail["query"] == {"box": "all", "page": "1", "per_page": "25"}

    found = client.get("/api/v1/exchange/search", params={"q": "перевал"}, headers=sender)
    assert found.status_code == 403, found.text  # 2 read, 2 more found: past the limit of 3
    assert "the daily limit is 3" in found.json()["detail"]
    assert client.get("/api/v1/exchange/threads", headers=sender).status_code == 403
    # One thread more is within the limit.
    one = client.get("/api/v1/exchange/threads", params={"per_page": 1}, headers=sender)
    assert one.status_code == 200
    assert len(one.json()["items"]) == 1


def test_reading_thread_by_thread_counts_like_reading_pages(
    limited_client: TestClient, council: Council, container: Container
) -> None:
    client = limited_client
    sender = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    sent = [_api_thread(client, sender)["id"] for _ in range(LIMIT + 1)]
    for thread_id in sent[:LIMIT]:
        read = client.get(f"/api/v1/exchange/threads/{thread_id}", headers=sender)
        assert read.status_code == 200, read.text
        assert read.headers["x-export-id"]
    refused = client.get(f"/api/v1/exchange/threads/{sent[LIMIT]}", headers=sender)
    assert refused.status_code == 403
    assert f"the daily limit is {LIMIT}" in refused.json()["detail"]


def test_the_inbox_pages_are_not_api_reads(
    limited_client: TestClient, council: Council, container: Container
) -> None:
    client = limited_client
    sender = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    for _ in range(2):
        _api_thread(client, sender)
    sign_in(client, council, "ru_liaison")
    for _ in range(3):
        assert client.get("/exchange").status_code == 200
        assert client.get("/exchange/search", params={"q": "перевал"}).status_code == 200
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(DailyReads)) == 0
    assert client.get("/api/v1/exchange/threads", headers=sender).status_code == 200


def _recorded(container: Container, export_id: str) -> tuple[Export, dict[str, Any]]:
    """The export's row and the detail of its audit entry."""
    with container.uow() as uow:
        row = uow.session.scalar(select(Export).where(Export.public_id == export_id))
        entry = uow.session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "egress:export", AuditEntry.object_ref == export_id
            )
        )
        assert row is not None
        assert entry is not None
        uow.session.expunge(row)  # (read after the unit of work ends)
        return row, json.loads(entry.detail)


def _api_thread(client: TestClient, headers: dict[str, str], **marking: Any) -> dict[str, Any]:
    data = {
        "subject": "Маршрут через горный перевал",
        "body": BODY,
        "kind": "request",
        "deadline": (date.today() + timedelta(days=3)).isoformat(),
        "recipients": [{"agency": "KZ-SVC"}],
        "tlp": "AMBER",
        "handling_code": "H0",
        **marking,
    }
    sent = client.post("/api/v1/exchange/threads", json=data, headers=headers)
    assert sent.status_code == 201, sent.text
    return dict(sent.json())


def test_the_thread_page_names_the_third_party_and_exports_for_it(
    client: TestClient, council: Council, container: Container
) -> None:
    sender = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    receiver = {"Authorization": f"Bearer {api_token(container, council, 'kz_liaison')}"}
    thread = _api_thread(client, sender, handling_code="H1")
    with container.uow() as uow:
        party = ThirdParty(
            name="Europol", country="NL", legal_basis="Operational agreement, article 3",
            entered_by_id=council.users["sec_officer"],
        )  # fmt: skip
        uow.session.add(party)
        uow.commit()
    asked = client.post(
        f"/api/v1/exchange/threads/{thread['id']}/disseminations",
        json={"purpose": "export", "reason": REASON, "third_party": party.public_id},
        headers=receiver,
    )
    assert asked.status_code == 201, asked.text
    sign_in(client, council, "ru_liaison")
    page = client.get(f"/exchange/threads/{thread['id']}")
    assert "asks for consent to export the thread to Europol" in page.text
    assert f'<option value="{party.public_id}">Europol</option>' in page.text
    exported = client.get(
        f"/exchange/threads/{thread['id']}/export.csv", params={"to": party.public_id}
    )
    assert exported.status_code == 200
    assert exported.headers["x-export-id"] in exported.content.decode("utf-8-sig")
