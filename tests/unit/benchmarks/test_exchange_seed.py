"""The exchange benchmark's bulk seeder: plans keep the rules posting enforces, rows have
the shapes COPY expects, and composing a text's index terms from its words gives what
the vault makes of the whole text."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from interagency.exchange.codes import Status, least_status
from interagency.exchange.sealing import body_context, subject_context
from interagency.vault import blind_index
from tests.unit.benchmarks.modules import benchmark

seed = benchmark("exchange_seed")
texts = benchmark("exchange_search")

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
Person, Party = seed.Person, seed.Party
COUNCIL = seed.Council(
    parties=(
        Party(1, "member_agency", "Europe/Moscow", (11, 12),
              senders=(Person(101, 1, (11,)), Person(102, 1, (11, 12))),
              listed=(Person(101, 1, (11,)),)),
        Party(2, "member_agency", "Asia/Almaty", (21,), senders=(Person(201, 2, (21,)),),
              listed=(Person(201, 2, (21,)),)),
        Party(3, "secretariat", "Europe/Moscow", (31,), senders=(Person(301, 3, ()),),
              listed=()),
        # No one there exchanges: it may receive, never send.
        Party(4, "review_board", "Europe/Moscow", (41,), senders=(), listed=()),
    )
)  # fmt: skip
DESKS = {p.agency_id: set(p.desk_ids) for p in COUNCIL.parties}
LISTED = {p.agency_id: {u.id for u in p.listed} for p in COUNCIL.parties}
SENDERS = {p.agency_id: {u.id for u in p.senders} for p in COUNCIL.parties}


def _plans(count: int = 400) -> list[Any]:
    rng = random.Random(5)
    return [seed.plan_thread(rng, COUNCIL, NOW) for _ in range(count)]


PLANS = _plans()


def test_threads_go_from_an_agency_that_exchanges_to_others() -> None:
    for plan in PLANS:
        agencies = [r.agency_id for r in plan.recipients]
        assert plan.originator_agency_id != 4
        assert plan.author_id in SENDERS[plan.originator_agency_id]
        assert len(agencies) == len(set(agencies)) >= 1
        assert plan.originator_agency_id not in agencies


def test_a_recipient_names_a_desk_of_its_agency_or_a_listed_user_never_both() -> None:
    named: Counter[str] = Counter()
    for plan in PLANS:
        for r in plan.recipients:
            assert r.desk_id is None or r.user_id is None
            assert r.desk_id is None or r.desk_id in DESKS[r.agency_id]
            assert r.user_id is None or r.user_id in LISTED[r.agency_id]
            named["desk" if r.desk_id else "user" if r.user_id else "agency"] += 1
    assert named["agency"] > named["desk"] > 0
    assert named["user"] > 0


def test_red_names_a_desk_or_user_of_every_recipient_agency() -> None:
    red = [plan for plan in PLANS if plan.tlp == "RED"]
    assert red  # the mix has a few
    for plan in red:
        assert all(r.desk_id or r.user_id for r in plan.recipients)
    assert Counter(p.tlp for p in PLANS).most_common(2)[0][0] in ("GREEN", "AMBER")


def test_only_requests_have_deadlines() -> None:
    for plan in PLANS:
        has = {r.deadline_at is not None for r in plan.recipients}
        assert has == {plan.kind == "request"}


def test_history_runs_forward_and_ends_before_now() -> None:
    for plan in PLANS:
        times = [m.at for m in plan.messages]
        assert 1 <= len(times) <= 3
        assert times == sorted(times)
        assert times[0] == plan.created_at
        assert plan.messages[0].author_id == plan.author_id
        assert all(m.kind == "reply" for m in plan.messages[1:])
        assert plan.updated_at >= times[-1]
        assert plan.updated_at <= NOW
        assert plan.version >= len(times)


def test_the_status_is_the_slowest_recipients_unless_closed() -> None:
    closed = 0
    for plan in PLANS:
        if plan.closed_at is not None:
            closed += 1
            assert plan.status == Status.CLOSED.value
            assert plan.updated_at == plan.closed_at
        else:
            assert plan.status == least_status([Status(r.status) for r in plan.recipients])
        for r in plan.recipients:
            if r.status == Status.ANSWERED.value:
                assert r.answered_at is not None
                assert r.acknowledged_at is not None
                assert r.acknowledged_at <= r.answered_at
    assert 0 < closed < len(PLANS)


def _fake_seal(agency_id: int, text: str, context: str) -> bytes:
    return f"{agency_id}|{context}|{text}".encode()


def _fake_terms(agency_id: int, word: str) -> frozenset[str]:
    return frozenset({f"{agency_id}:{word.casefold()}"})


def _rows(plan: Any, thread_id: int = 70) -> Any:
    rows = seed.Rows()
    ids = [500 + n for n in range(len(plan.messages))]
    seed.thread_rows(plan, thread_id, ids, _fake_seal, _fake_terms, rows)
    return rows


def test_rows_have_the_columns_copy_is_given() -> None:
    for plan in PLANS[:50]:
        rows = _rows(plan)
        shapes = (
            (rows.threads, seed.THREAD_COLUMNS), (rows.recipients, seed.RECIPIENT_COLUMNS),
            (rows.messages, seed.MESSAGE_COLUMNS), (rows.terms, seed.TERM_COLUMNS),
            (rows.entries, seed.ENTRY_COLUMNS),
        )  # fmt: skip
        for found, columns in shapes:
            assert found
            assert {len(row) for row in found} == {len(columns)}


def test_content_is_sealed_under_posting_agency_and_context() -> None:
    plan = PLANS[0]
    rows = _rows(plan, thread_id=70)
    thread = dict(zip(seed.THREAD_COLUMNS, rows.threads[0], strict=True))
    agency, context, subject = thread["subject_sealed"].decode().split("|")
    assert (int(agency), context) == (plan.originator_agency_id, subject_context(70))
    assert subject == seed.compose(plan.subject_words)
    for row, message in zip(rows.messages, plan.messages, strict=True):
        columns = dict(zip(seed.MESSAGE_COLUMNS, row, strict=True))
        agency, context, _ = columns["body_sealed"].decode().split("|")
        assert int(agency) == message.agency_id == columns["author_agency_id"]
        assert context == body_context(columns["id"])
    assert len({r[1] for r in rows.threads + rows.messages}) == 1 + len(plan.messages)


def test_each_agency_on_the_thread_indexes_each_message_and_the_subject_once() -> None:
    plan = next(p for p in PLANS if len(p.recipients) > 1 and len(p.messages) > 1)
    rows = _rows(plan)
    agencies = plan.agencies
    for number, message_id in enumerate(500 + n for n in range(len(plan.messages))):
        for agency in agencies:
            mine = [r for r in rows.terms if r[0] == agency and r[2] == message_id]
            words = set(plan.messages[number].words)
            subject = set(plan.subject_words) if number == 0 else set()
            assert {r[1] for r in mine} == {f"{agency}:{w.casefold()}" for w in words | subject}
            assert {r[1] for r in mine if r[4]} == {f"{agency}:{w.casefold()}" for w in subject}
            assert len(mine) == len({r[1] for r in mine})


def test_inbox_rows_give_a_way_onto_the_thread_to_each_party() -> None:
    plan = next(p for p in PLANS if any(r.desk_id for r in p.recipients))
    rows = _rows(plan)
    entries = [dict(zip(seed.ENTRY_COLUMNS, row, strict=True)) for row in rows.entries]
    holders = {e["holder"] for e in entries}
    assert f"u:{plan.author_id}" in holders
    assert f"a:{plan.originator_agency_id}" in holders
    for r in plan.recipients:
        assert f"a:{r.agency_id}" in holders
        if r.desk_id:
            assert f"d:{r.desk_id}" in holders
    assert {e["updated_at"] for e in entries} == {plan.updated_at}
    assert {e["thread_id"] for e in entries} == {70}


def test_a_texts_index_terms_are_the_union_of_its_words_terms() -> None:
    """What makes composing terms honest: the vault tokenises, stems and hashes each
    word alone, so the terms of a text equal the union of its words' terms."""
    key = bytes(range(32))
    rng = random.Random(11)
    for _ in range(30):
        words = seed.words(rng, rng.randint(5, 60))
        words.append(texts.document_number(rng))
        whole = blind_index.index_terms(key, seed.compose(words))
        composed = set().union(*(blind_index.index_terms(key, w) for w in words))
        assert whole == composed


def test_word_terms_are_asked_once_per_agency_and_vocabulary_word() -> None:
    asked: Counter[tuple[int, str]] = Counter()

    def terms_of(agency_id: int, word: str) -> set[str]:
        asked[agency_id, word] += 1
        return {word}

    cache = seed.WordTermCache(terms_of)
    word = texts.VOCABULARY[3]
    for _ in range(3):
        assert cache(1, word) == {word}
        assert cache(2, word) == {word}
        assert cache(1, "AB1234567") == {"AB1234567"}
    assert asked == {(1, word): 1, (2, word): 1, (1, "AB1234567"): 3}


def test_seeded_references_look_like_postings_and_never_repeat() -> None:
    references = [seed.reference_for(thread_id, 2021) for thread_id in range(1, 50_001)]
    assert len(set(references)) == len(references)
    assert all(re.fullmatch(r"EX-2021-[0-9A-F]{8}", r) for r in references[:100])


def test_a_council_needs_two_agencies_that_exchange() -> None:
    with pytest.raises(ValueError, match="two agencies"):
        seed.Council(parties=COUNCIL.parties[2:])
