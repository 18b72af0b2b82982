"""The fighters' JSON API as a border system and an agency's officers call it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from interagency.web.app import create_app
from tests.support.identity import api_token

from ..records.conftest import Records
from .conftest import RASHAD_PASSPORT, keep_profile


def test_a_border_system_submits_and_the_holder_reads_its_board_through_the_gate(
    records: Records,
) -> None:
    record = keep_profile(records)
    container, council = records.container, records.council
    border = {"Authorization": f"Bearer {api_token(container, council, 'kz_liaison')}"}
    holder = {"Authorization": f"Bearer {api_token(container, council, 'ru_liaison')}"}
    crossing = {
        **RASHAD_PASSPORT,
        "occurred_at": "2026-12-01T08:15:00+05:00",
        "crossing_point": "Nur Zholy",
        "direction": "entry",
    }
    with TestClient(create_app(container)) as client:
        sent = client.post("/api/v1/movements/crossings", json=crossing, headers=border)
        assert sent.status_code == 201, sent.text
        hits = sent.json()["hits"]
        assert [(h["owner_agency"], h["band"] in ("strong", "possible")) for h in hits] == [
            ("RU-SVC", True)
        ]
        # A selector by nationality, religion or ethnicity does not exist: refused.
        selected = client.post(
            "/api/v1/movements/crossings", json={**crossing, "nationality": "AZE"}, headers=border
        )
        assert selected.status_code == 422
        board = client.get("/api/v1/movements/board", headers=holder)
        assert board.status_code == 200
        assert [p["record_id"] for p in board.json()["profiles"]] == [record.public_id]
        assert board.headers["X-Export-Id"]
        # The border agency holds no profile: its board is empty.
        assert client.get("/api/v1/movements/board", headers=border).json()["profiles"] == []
        counts = client.get("/api/v1/movements/counts", headers=holder)
        assert counts.status_code == 200
