"""What a reader of the audit trail sees of one entry, without a database."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from interagency.audit import AuditEntryView
from interagency.identity.audit_policy import AuditReader, entry_agency

RU, KZ, SECRETARIAT = 1, 2, 3


def reference(name: str) -> str:
    # A stand-in for the vault's keyed reference: only its stability matters here.
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def reader(agency_id: int) -> AuditReader:
    def public_id(kind: str, ref: str) -> str | None:
        return f"pub-{kind}-{ref}" if kind == "record" else None

    return AuditReader(agency_id=agency_id, reference=reference, public_id=public_id)


def entry(**fields: Any) -> AuditEntryView:
    values: dict[str, Any] = {
        "seq": 1,
        "at": datetime(2026, 1, 1, tzinfo=UTC),
        "action": "records:record:view",
        "outcome": "ok",
        "actor_login": "ru_liaison",
        "actor_agency_id": RU,
        "object_kind": "record",
        "object_ref": "17",
        "client_address": None,
        "detail": {},
        "personal": None,
        "personal_erased": False,
    }
    values.update(fields)
    return AuditEntryView(**values)


def test_an_entry_belongs_to_the_acting_agency_else_to_the_key_of_its_personal_values() -> None:
    assert entry_agency(entry()) == RU
    assert entry_agency(entry(actor_agency_id=None, personal_agency_id=KZ)) == KZ
    assert entry_agency(entry(actor_agency_id=None)) is None


def test_personal_values_open_only_for_the_agency_whose_key_seals_them() -> None:
    assert reader(RU).may_open(RU)
    assert not reader(SECRETARIAT).may_open(RU)
    assert not reader(KZ).may_open(RU)


def test_the_own_agency_sees_public_ids_and_no_facts_of_another_agency() -> None:
    legacy_hit = entry(
        action="records:hit:found",
        object_kind="hit",
        object_ref="HIT-1A2B3C4D5E",
        detail={"searching_record": 5, "found_record": 9, "band": "strong", "score": 0.97},
    )
    seen = reader(RU).project(legacy_hit)
    assert seen.object_ref == "HIT-1A2B3C4D5E"  # a kind with no public id: as stored
    assert reader(RU).project(entry(client_address="192.0.2.10")).client_address == "192.0.2.10"
    assert seen.detail == {"searching_record": 5, "band": "strong"}
    assert reader(RU).project(entry()).object_ref == "pub-record-17"
    screen = entry(action="records:record:screen", detail={"hits": [], "compared": 40})
    assert reader(RU).project(screen).detail == {"hits": []}


def test_another_agency_sees_opaque_references_and_only_the_listed_values() -> None:
    detail = {
        "ids": [17, 18],
        "returned": [17],
        "prefix": "ia_3f9a2c",
        "payload": {"roles": ["analyst"], "user": 4},
        "total": 2,
        "tlp": "RED",
        "confirmed": True,
        "desk": None,
        "compared": 40,
        "something_new": 7,
    }
    seen = reader(SECRETARIAT).project(entry(detail=detail, client_address="192.0.2.10"))
    assert seen.object_ref == "ref-" + reference("record:17")
    assert seen.client_address == "ref-" + reference("192.0.2.10")
    assert seen.detail["ids"] == ["ref-" + reference("ids:17"), "ref-" + reference("ids:18")]
    assert seen.detail["returned"] == ["ref-" + reference("returned:17")]
    assert seen.detail["prefix"] == "ref-" + reference("ia_3f9a2c")
    assert seen.detail["payload"] == {"roles": ["analyst"], "user": "ref-" + reference("user:4")}
    assert seen.detail["something_new"] == "ref-" + reference("something_new:7")
    for kept in ("total", "tlp", "confirmed", "desk", "compared"):
        assert seen.detail[kept] == detail[kept]


def test_a_text_reference_correlates_wherever_it_appears() -> None:
    found = entry(action="records:hit:found", object_kind="hit", object_ref="HIT-1A2B3C4D5E")
    listed = entry(
        action="records:hit:list", object_ref=None, detail={"references": ["HIT-1A2B3C4D5E"]}
    )
    outsider = reader(SECRETARIAT)
    assert outsider.project(found).object_ref == outsider.project(listed).detail["references"][0]


def test_an_operators_command_belongs_to_the_agency_it_concerns() -> None:
    command = entry(
        actor_login="operator:root",
        actor_agency_id=None,
        personal_agency_id=KZ,
        object_kind="user",
        detail={"approval": 41},
    )
    assert reader(KZ).project(command).detail == {"approval": 41}
    assert reader(SECRETARIAT).project(command).detail == {
        "approval": "ref-" + reference("approval:41")
    }
