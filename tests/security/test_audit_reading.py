"""The audit trail tells each reader only what their agency may know, on the page and in
the CSV export alike.

Every role that reads the audit (`Action.VIEW_AUDIT`: auditors and DPOs; the export is the
auditors'), in a member agency and in the secretariat, reads one trail: RU-SVC's officer
found a hit on KZ-SVC's record and searched the exchange; the operator proposed an
account for KZ-SVC; somebody failed to sign in with a login nobody has. What each reader
must see is written out below from the rules in their own words, not from the policy.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from interagency import audit
from interagency.bootstrap import Container
from interagency.exchange import search, services
from interagency.exchange.queries import InboxFilter
from interagency.identity.models import AgencyKind, Role
from interagency.identity.policy import role_fits_agency
from interagency.identity.principals import Caller, operator
from interagency.records import hits as record_hits
from interagency.records import services as records
from interagency.records.models import Hit, Record
from tests.integration.records.conftest import RASHAD_LATIN, RASHAD_RU, person
from tests.support.exchange import Address, thread_in
from tests.support.identity import Council, add_member, sign_in

SEARCH_WORDS = "маршрут Самарканд"
OPERATOR_TYPED = "kz_newcomer"
ANONYMOUS_TYPED = "nobody_typed_this"
WITHHELD = "personal data withheld"
OFFICERS_ADDRESS = "192.0.2.10"  # where `Council.caller` says its users work from


@dataclass(frozen=True)
class Reader:
    agency: str
    exports: bool


# Every audit reader there can be: the review board holds no auditor and no DPO.
READERS = {
    "ru_auditor": Reader("RU-SVC", exports=True),
    "ru_dpo": Reader("RU-SVC", exports=False),
    "kz_dpo": Reader("KZ-SVC", exports=False),
    "sec_auditor": Reader("TEST-SEC", exports=True),
    "sec_dpo": Reader("TEST-SEC", exports=False),
}


@dataclass(frozen=True)
class Trail:
    hit: str
    band: str
    score: float
    searching_record: int
    found_record: int
    found_public_id: str
    thread: int
    approval: int


def _record_id(container: Container, public_id: str) -> int:
    with container.uow() as uow:
        key = uow.session.scalar(select(Record.id).where(Record.public_id == public_id))
    assert key is not None
    return key


@pytest.fixture
def trail(container: Container, council: Council) -> Trail:
    add_member(container, council, "sec_dpo", "TEST-SEC", Role.DATA_PROTECTION_OFFICER)
    context = records.Context(vault=container.vault)
    with container.uow() as uow:
        held = records.create(uow, council.caller(uow, "kz_liaison"), context, person(RASHAD_LATIN))
        uow.commit()
    with container.uow() as uow:
        searched = records.create(
            uow, council.caller(uow, "ru_liaison"), context, person(RASHAD_RU)
        )
        uow.commit()
    (found,) = searched.screening.hits
    exchange = services.Context(
        vault=container.vault, default_zone="Europe/Moscow", base_url="https://interagency.test"
    )
    with container.uow() as uow:
        sent = services.send(
            uow,
            council.caller(uow, "kz_liaison"),
            exchange,
            thread_in([Address("A")], subject="Маршрут через Самарканд", body="Сведения."),
        )
        uow.commit()
    with container.uow() as uow:
        answer = search.search(
            uow, council.caller(uow, "ru_liaison"), exchange, SEARCH_WORDS, InboxFilter()
        )
        assert [item.thread.id for item in answer.items] == [sent.public_id]
        # The operator's command about KZ-SVC, and a sign-in attempt by nobody known.
        audit.record(
            uow,
            operator().event(
                "accounts:change:ask",
                object_kind="user",
                detail={"agency": "KZ-SVC", "approval": 41},
                personal={"login": OPERATOR_TYPED},
                owner_agency_id=council.agencies["KZ-SVC"],
            ),
        )
        audit.record(
            uow,
            Caller(None, "198.51.100.7").event(
                "auth:login:failed",
                outcome="failed",
                detail={"reason": "unknown-login"},
                personal={"login": ANONYMOUS_TYPED},
            ),
        )
        uow.commit()
        hit = uow.session.scalar(select(Hit).where(Hit.reference == found.reference))
        assert hit is not None
        score = hit.score
    return Trail(
        hit=found.reference,
        band=found.band,
        score=score,
        searching_record=_record_id(container, searched.record.public_id),
        found_record=_record_id(container, held.record.public_id),
        found_public_id=held.record.public_id,
        thread=sent.id,
        approval=41,
    )


@dataclass(frozen=True)
class Row:
    """An entry as read: each value of its detail and personal values in words, as the
    page shows it (a list as its items separated by commas)."""

    action: str
    object_ref: str
    detail: dict[str, str]
    personal: dict[str, str] | None
    withheld: bool


_ROW = re.compile(r'<tr class="outcome-\w+">(.*?)</tr>', re.S)
_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
_LIST = re.compile(r'<dl class="detail( personal)?">(.*?)</dl>', re.S)
_PAIR = re.compile(r"<dt><code>(.*?)</code></dt><dd>(.*?)</dd>", re.S)
_SAMP = re.compile(r"</?samp>")
_FOLDED = re.compile(r"<details><summary>.*?</summary>(.*?)</details>", re.S)
_ACTION = re.compile(r"<code>(.*?)</code>")


def _shown(pairs: str) -> dict[str, str]:
    """The values of a details list, each whole (a long one is folded after its start)."""
    return {
        html.unescape(key): html.unescape(_SAMP.sub("", _FOLDED.sub(r"\1", value)))
        for key, value in _PAIR.findall(pairs)
    }


def page_rows(text: str) -> list[Row]:
    rows = []
    for body in _ROW.findall(text):
        cells = _CELL.findall(body)
        lists = {bool(personal): _shown(pairs) for personal, pairs in _LIST.findall(cells[7])}
        action = _ACTION.search(cells[2])
        assert action is not None
        rows.append(
            Row(
                action=html.unescape(action.group(1)),
                object_ref=html.unescape(cells[5]).split(" ", 1)[-1].strip(),
                detail=lists.get(False, {}),
                personal=lists.get(True),
                withheld=WITHHELD in cells[7],
            )
        )
    return rows


def csv_rows(text: str) -> list[Row]:
    lines = io.StringIO(text)
    assert next(csv.reader(lines))[0] == "export"  # the export gate's line: id and marking
    return [
        Row(
            action=line["action"],
            object_ref=line["object_ref"],
            detail=_in_words(json.loads(line["detail"])),
            personal=_in_words(json.loads(line["personal"])) if line["personal"] else None,
            withheld=line["personal_withheld"] == "yes",
        )
        for line in csv.DictReader(lines)
    ]


def opaque(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"ref-[0-9a-f]{16}", value) is not None


def _in_words(values: dict[str, Any]) -> dict[str, str]:
    """The export's JSON values as the page writes them (these entries hold only texts,
    numbers and lists of them)."""
    return {
        key: ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        for key, value in values.items()
    }


def _values(detail: dict[str, str]) -> list[str]:
    return [item for value in detail.values() for item in value.split(", ")]


def check(reader: Reader, trail: Trail, text: str, rows: list[Row]) -> None:
    """What `reader` must and must not see, on the page or in the export alike."""
    by_action: dict[str, list[Row]] = {}
    for row in rows:
        by_action.setdefault(row.action, []).append(row)
    hits = by_action.get("records:hit:found", [])
    searches = by_action.get("exchange:search", [])
    proposals = by_action.get("accounts:change:ask", [])
    attempts = by_action.get("auth:login:failed", [])

    # Nobody but the owner is told the owner's record or the score: not by key, public id
    # or value.
    if reader.agency != "KZ-SVC":
        assert trail.found_public_id not in text
        assert repr(trail.score) not in text
    for row in hits:
        assert {"found_record", "score"}.isdisjoint(row.detail)
        assert str(trail.found_record) not in _values(row.detail)
        assert repr(trail.score) not in _values(row.detail)

    if reader.agency == "RU-SVC":  # the searching agency: its own entries, as recorded
        (hit,) = hits
        assert hit.object_ref == trail.hit
        assert hit.detail == {"searching_record": str(trail.searching_record), "band": trail.band}
        (found,) = searches
        assert found.personal is not None
        assert found.personal["query"] == SEARCH_WORDS
        assert found.detail["returned"] == str(trail.thread)
        assert (proposals, attempts) == ([], [])
        assert OFFICERS_ADDRESS in text
    elif reader.agency == "KZ-SVC":  # the owner: the operator's command about it, only
        assert (hits, searches, attempts) == ([], [], [])
        (proposal,) = proposals
        assert proposal.personal == {"login": OPERATOR_TYPED}
        assert proposal.detail == {"agency": "KZ-SVC", "approval": str(trail.approval)}
    else:  # the council: every entry; another agency's objects and words hidden
        (hit,) = hits
        assert opaque(hit.object_ref)
        assert trail.hit not in text
        assert hit.detail["band"] == trail.band
        assert opaque(hit.detail["searching_record"])
        (found,) = searches
        assert found.personal is None
        assert found.withheld
        assert found.detail["total"] == "1"
        assert opaque(found.detail["returned"])  # one thread, by an opaque reference
        for words in (SEARCH_WORDS, json.dumps(SEARCH_WORDS), *SEARCH_WORDS.split()):
            assert words not in text
        assert OFFICERS_ADDRESS not in text
        (proposal,) = proposals
        assert proposal.withheld
        assert proposal.detail["agency"] == "KZ-SVC"
        assert opaque(proposal.detail["approval"])
        assert OPERATOR_TYPED not in text
        # Sealed under no member agency's key: the secretariat reads it.
        (attempt,) = attempts
        assert attempt.personal == {"login": ANONYMOUS_TYPED}
        # One object, one reference: the hit seen from both of its entries.
        views = by_action.get("records:hit:view", [])
        assert [row.object_ref for row in views] == [hit.object_ref]
    if reader.agency != "TEST-SEC":
        assert ANONYMOUS_TYPED not in text


QUERIES = ("records:hit:", "exchange:search", "accounts:change:ask", "auth:login:failed")


@pytest.mark.parametrize("login", sorted(READERS))
def test_each_audit_reader_sees_what_their_agency_may_know(
    app: FastAPI, container: Container, council: Council, trail: Trail, login: str
) -> None:
    reader = READERS[login]
    with container.uow() as uow:
        # The searching side looks at its hit: a second entry about the same object.
        record_hits.view(uow, council.caller(uow, "ru_liaison"), trail.hit)
        uow.commit()
    with TestClient(app) as client:
        assert sign_in(client, council, login).status_code == 303
        pages = [client.get("/audit", params={"action": action}) for action in QUERIES]
        assert {page.status_code for page in pages} == {200}
        text = "".join(page.text for page in pages)
        shown = page_rows(text)
        check(reader, trail, text, shown)
        export = client.get("/audit/export.csv")
    if not reader.exports:
        assert export.status_code == 403
        return
    assert export.status_code == 200
    # The whole export, not only the actions looked at: every other entry obeys too.
    exported = [row for row in csv_rows(export.text) if row.action.startswith(QUERIES)]
    check(reader, trail, export.text, exported)
    # The page and the export name the hit by the same reference.
    assert [row.object_ref for row in shown if row.action == "records:hit:found"] == [
        row.object_ref for row in exported if row.action == "records:hit:found"
    ]


def test_the_review_board_has_nobody_who_reads_the_audit() -> None:
    # The roles that read the audit cannot be held on the board: the tests above cover all.
    for role in (Role.AUDITOR, Role.DATA_PROTECTION_OFFICER):
        assert not role_fits_agency(role, AgencyKind.REVIEW_BOARD)
        assert role_fits_agency(role, AgencyKind.SECRETARIAT)
