"""Side doors: what a guessed id, a reference, an inspection or a late message must not
give away; and requests refused cleanly before they reach a page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.testclient import TestClient

from interagency.bootstrap import Container
from tests.support.identity import Council, api_token, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _auth(container: Container, council: Council, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(container, council, login)}"}


def _send(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    data = {
        "subject": "Маршрут через перевал",
        "body": "Группа из двенадцати человек, переход ночью.",
        "kind": "notification",
        "tlp": "AMBER",
        "handling_code": "H1",
        "recipients": [{"agency": "KZ-SVC"}],
        **fields,
    }
    sent = client.post("/api/v1/exchange/threads", json=data, headers=headers)
    assert sent.status_code == 201, sent.text
    return dict(sent.json())


def test_a_hidden_attachment_answers_like_a_missing_one(
    client: TestClient, council: Council, container: Container
) -> None:
    ru = _auth(container, council, "ru_liaison")
    thread = _send(client, ru)
    added = client.post(
        f"/api/v1/exchange/threads/{thread['id']}/messages/{thread['messages'][0]['id']}/attachments",
        params={"filename": "route.pdf"},
        content=PDF,
        headers=ru,
    )
    assert added.status_code == 201
    outsider = _auth(container, council, "sec_officer")
    hidden = client.get(f"/api/v1/exchange/attachments/{added.json()['id']}", headers=outsider)
    missing = client.get("/api/v1/exchange/attachments/999999", headers=outsider)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(str(added.json()["id"]), "N") == missing.json()[
        "detail"
    ].replace("999999", "N")


def test_a_reference_to_a_hidden_thread_is_neither_shown_nor_confirmed(
    client: TestClient, council: Council, container: Container
) -> None:
    ru = _auth(container, council, "ru_liaison")
    red = _send(client, ru, tlp="RED", recipients=[{"agency": "KZ-SVC", "desk": "CT"}])
    linking = _send(client, ru, recipients=[{"agency": "TEST-SEC"}], references=[red["reference"]])
    outsider = _auth(container, council, "sec_officer")
    seen = client.get(f"/api/v1/exchange/threads/{linking['id']}", headers=outsider).json()
    assert seen["references"] == []
    assert client.get(f"/api/v1/exchange/threads/{linking['id']}", headers=ru).json()[
        "references"
    ] == [red["reference"]]

    def refer(reference: str) -> Any:
        return client.post(
            "/api/v1/exchange/threads",
            json={"subject": "s", "body": "b", "kind": "notification",
                  "recipients": [{"agency": "RU-SVC"}], "references": [reference]},
            headers=outsider,
        )  # fmt: skip

    hidden, missing = refer(red["reference"]), refer("EX-2020-00000000")
    assert hidden.status_code == missing.status_code == 422
    assert hidden.json()["detail"].replace(red["reference"], "X") == missing.json()[
        "detail"
    ].replace("EX-2020-00000000", "X")


def test_consent_to_export_does_not_cover_a_later_message(
    client: TestClient, council: Council, container: Container
) -> None:
    ru, kz = _auth(container, council, "ru_liaison"), _auth(container, council, "kz_liaison")
    thread = _send(client, ru)
    asked = client.post(
        f"/api/v1/exchange/threads/{thread['id']}/disseminations",
        json={"purpose": "export", "reason": "For the court file in Almaty"},
        headers=kz,
    ).json()
    client.post(
        f"/api/v1/exchange/disseminations/{asked['id']}/decision",
        json={"approve": True},
        headers=ru,
    )
    export = f"/api/v1/exchange/threads/{thread['id']}/export"
    assert client.get(export, headers=kz).status_code == 200
    later = client.post(
        f"/api/v1/exchange/threads/{thread['id']}/messages",
        json={"body": "Не передавать никому", "handling_code": "H3", "restriction": "only RU"},
        headers=ru,
    )
    assert later.status_code == 201, later.text
    assert client.get(export, headers=kz).status_code == 403


def test_a_dpo_inspection_leaves_no_read_receipt(
    client: TestClient, council: Council, container: Container
) -> None:
    ru = _auth(container, council, "ru_liaison")
    thread = _send(client, ru)
    dpo = _auth(container, council, "kz_dpo")
    opened = client.post(
        f"/api/v1/exchange/threads/{thread['id']}/inspections",
        json={"reason": "Complaint of a data subject about this exchange", "minutes": 30},
        headers=dpo,
    )
    assert opened.status_code == 201, opened.text
    assert opened.json()["messages"]  # the DPO reads the content
    states = client.get(f"/api/v1/exchange/threads/{thread['id']}", headers=ru).json()
    assert [s["read_at"] for s in states["recipient_states"]] == [None]


def test_page_requests_without_a_declared_length_and_absurd_ids_are_refused_cleanly(
    client: TestClient, council: Council
) -> None:
    assert sign_in(client, council, "ru_liaison").status_code == 303

    def chunks() -> Any:
        yield b"csrf_token=x&body=" + b"a" * 1000

    chunked = client.post(
        "/exchange/threads/1/reply",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert chunked.status_code == 413
    # Public ids are 26 characters: a longer one is refused as such, a wrong one is missing.
    assert client.get(f"/exchange/threads/{'a' * 27}").status_code == 422
    assert client.get("/exchange/threads/99999999999999999999").status_code == 404


def test_an_api_body_without_a_declared_length_is_counted_and_refused_past_the_limit(
    client: TestClient, council: Council, container: Container
) -> None:
    ru = _auth(container, council, "ru_liaison")
    limit = container.settings.attachment_max_bytes

    def endless_json() -> Any:
        yield b'{"subject": "s", "body": "'
        for _ in range(limit // (1 << 20) + 2):
            yield b"a" * (1 << 20)
        yield b'"}'

    refused = client.post(
        "/api/v1/exchange/threads",
        content=endless_json(),
        headers={**ru, "Content-Type": "application/json"},
    )
    assert refused.status_code == 413
    assert "larger than the platform accepts" in refused.json()["detail"]


def test_a_rule_across_fields_is_explained_in_its_own_words(
    client: TestClient, council: Council, container: Container
) -> None:
    ru = _auth(container, council, "ru_liaison")
    refused = client.post(
        "/api/v1/exchange/threads",
        json={
            "subject": "s",
            "body": "b",
            "kind": "notification",
            "recipients": [{"agency": "KZ-SVC"}],
            "deadline": (date.today() + timedelta(days=1)).isoformat(),
        },
        headers=ru,
    )
    assert refused.status_code == 422
    assert "Only a request for information has a deadline" in refused.json()["errors"][0]["problem"]
