"""Search leaks nothing: a thread the searcher may not read changes no total, page or snippet.

The searcher is an analyst at B's CT desk. Threads B may read are searched and paged;
then threads that match the same words better (more often, in the subject) are sent
where the searcher may not read them, and every answer must stay exactly the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, insert, select

from interagency.exchange import queries, search, services
from interagency.exchange.indexing import rebuild_thread_index
from interagency.exchange.models import IndexTerm
from interagency.exchange.queries import InboxFilter
from interagency.exchange.schemas import ReplyIn
from interagency.markings import Tlp
from tests.support.exchange import Address, Exchange

SEARCHER = "b_ct_analyst"
QUERY = "поддельные паспорта"
HIDDEN_WORDS = "Секретная подробность"


def _answers(exchange: Exchange, login: str) -> list[Any]:
    """Every page of the search, the inbox and the counts, as plain data."""
    seen: list[Any] = []
    with exchange.container.uow() as uow:
        caller = exchange.caller(uow, login)
        for per_page in (1, 2, 10):
            for page in (1, 2, 3):
                found = search.search(
                    uow, caller, exchange.context, QUERY, InboxFilter(page=page, per_page=per_page)
                )
                seen.append(
                    (
                        found.total,
                        [(hit.thread.id, hit.score, hit.snippet) for hit in found.items],
                    )
                )
        for tlp in Tlp:
            filtered = search.search(
                uow, caller, exchange.context, QUERY, InboxFilter(tlp=tlp.value)
            )
            seen.append((tlp.value, filtered.total, [hit.thread.id for hit in filtered.items]))
        inbox = queries.inbox(uow, caller, exchange.context, InboxFilter(per_page=100))
        seen.append((inbox.total, [item.id for item in inbox.items]))
        seen.append(queries.counts(uow, caller))
        uow.commit()
    return seen


def _send_visible(exchange: Exchange) -> None:
    exchange.send(
        "a_ct_liaison_officer", [Address("B", desk="CT")], tlp=Tlp.AMBER, from_desk="CT",
        subject="Серия поддельных паспортов", body="Выявлены паспорта с признаками подделки.",
    )  # fmt: skip
    exchange.send(
        "a_border_analyst", [Address("B")], tlp=Tlp.GREEN,
        subject="Запрос о пересечении границы", body="Предъявлены поддельные паспорта.",
    )  # fmt: skip
    exchange.send(
        "c_ct_liaison_officer", [Address("B", desk="CT")], tlp=Tlp.RED, from_desk="CT",
        subject="Паспорта", body="Поддельные паспорта изъяты на посту.",
    )  # fmt: skip


def _send_hidden(exchange: Exchange) -> None:
    # Each matches the query more strongly than any visible thread, so a leak in the
    # ranking, the total or the paging would show.
    loud = f"Поддельные паспорта, поддельные паспорта. {HIDDEN_WORDS}"
    exchange.send(  # between A and C only
        "a_ct_liaison_officer", [Address("C")], tlp=Tlp.GREEN,
        subject="Поддельные паспорта", body=loud,
    )  # fmt: skip
    exchange.send(  # RED to B's other desk
        "a_ct_liaison_officer", [Address("B", desk="BORDER")], tlp=Tlp.RED, from_desk="CT",
        subject="Поддельные паспорта", body=loud,
    )  # fmt: skip
    exchange.send(  # RED to a named colleague of the searcher
        "c_ct_supervisor", [Address("B", user="b_ct_supervisor")], tlp=Tlp.RED,
        subject="Поддельные паспорта", body=loud,
    )  # fmt: skip
    exchange.send(  # inside B, from another desk, RED
        "b_border_liaison_officer", [Address("A", desk="BORDER")], tlp=Tlp.RED,
        from_desk="BORDER", subject="Поддельные паспорта", body=loud,
    )  # fmt: skip


def test_hidden_matching_threads_change_no_total_page_or_snippet(exchange: Exchange) -> None:
    _send_visible(exchange)
    before = _answers(exchange, SEARCHER)
    assert before[0][0] == 3  # the three visible threads match
    _send_hidden(exchange)
    after = _answers(exchange, SEARCHER)
    assert after == before
    assert HIDDEN_WORDS not in repr(after)


def test_the_hidden_threads_are_found_by_those_who_may_read_them(exchange: Exchange) -> None:
    # The control: the same hidden threads are there and do match, for their readers.
    _send_visible(exchange)
    _send_hidden(exchange)
    with exchange.container.uow() as uow:
        for login, total in (
            # the two visible ones A sent, the A-C thread, and RED from A's CT desk
            ("a_ct_analyst", 4),
            ("c_ct_analyst", 2),  # the A-C thread, and the RED one C sent
            ("b_ct_supervisor", 4),  # the three visible ones and the RED naming them
        ):
            found = search.search(
                uow, exchange.caller(uow, login), exchange.context, QUERY, InboxFilter()
            )
            assert found.total == total, login
        uow.commit()


def test_the_index_holds_terms_only_for_the_agencies_on_a_thread(exchange: Exchange) -> None:
    sent = exchange.send(
        "a_ct_liaison_officer", [Address("B", desk="CT")], tlp=Tlp.AMBER, from_desk="CT",
        subject="Поддельные паспорта", body="Паспорта изъяты.",
    )  # fmt: skip
    with exchange.container.uow() as uow:
        holders = set(
            uow.session.scalars(select(IndexTerm.agency_id).where(IndexTerm.thread_id == sent.id))
        )
        terms = {
            side: set(
                exchange.container.vault.query_terms(uow.session, exchange.agencies[side], QUERY)
            )
            for side in ("A", "B", "C")
        }
        stored = set(
            uow.session.scalars(
                select(IndexTerm.term).where(
                    IndexTerm.thread_id == sent.id, IndexTerm.agency_id == exchange.agencies["B"]
                )
            )
        )
        uow.commit()
    assert holders == {exchange.agencies["A"], exchange.agencies["B"]}
    # The same words give unrelated terms per agency: C's terms find nothing of B's.
    assert terms["B"] <= stored
    assert not terms["C"] & stored
    assert not terms["A"] & terms["B"]


def test_every_word_must_occur_and_a_word_in_the_subject_ranks_higher(exchange: Exchange) -> None:
    to_b = [Address("B", desk="CT")]
    in_body = exchange.send(
        "a_ct_liaison_officer", to_b, from_desk="CT",
        subject="Запрос о границе", body="Поддельные паспорта предъявлены на посту.",
    )  # fmt: skip
    in_subject = exchange.send(
        "a_ct_liaison_officer", to_b, from_desk="CT",
        subject="Поддельные паспорта", body="Предъявлены на посту.",
    )  # fmt: skip
    exchange.send(  # one of the two words only: not a match
        "a_ct_liaison_officer", to_b, from_desk="CT",
        subject="Паспорта", body="Паспорта изъяты на посту.",
    )  # fmt: skip
    with exchange.container.uow() as uow:
        found = search.search(
            uow, exchange.caller(uow, SEARCHER), exchange.context, QUERY, InboxFilter()
        )
        uow.commit()
    assert [hit.thread.id for hit in found.items] == [in_subject.public_id, in_body.public_id]
    assert found.total == 2
    assert found.items[0].score > found.items[1].score
    assert "оддельные паспорта" in found.items[1].snippet


def _index_rows(exchange: Exchange, thread_ids: list[int]) -> set[tuple[object, ...]]:
    with exchange.container.uow() as uow:
        rows = uow.session.execute(
            select(
                IndexTerm.agency_id, IndexTerm.term, IndexTerm.message_id,
                IndexTerm.thread_id, IndexTerm.in_subject,
            ).where(IndexTerm.thread_id.in_(thread_ids))
        )  # fmt: skip
        return {tuple(row) for row in rows}


def test_a_rebuilt_index_holds_exactly_what_posting_wrote(exchange: Exchange) -> None:
    lost = exchange.send(
        "a_ct_liaison_officer", [Address("B", desk="CT"), Address("C")], from_desk="CT",
        subject="Поддельные паспорта", body="Паспорта изъяты на посту.",
    )  # fmt: skip
    spoiled = exchange.send(
        "a_border_analyst", [Address("B")], subject="Маршрут", body="Маршрут через перевал.",
    )  # fmt: skip
    with exchange.container.uow() as uow:
        services.reply(
            uow, exchange.caller(uow, "b_ct_analyst"), exchange.context, lost.id,
            ReplyIn(body="Поддельные паспорта предъявлены дважды.", tlp=Tlp.AMBER),
        )  # fmt: skip
        uow.commit()
    threads = [lost.id, spoiled.id]
    as_posted = _index_rows(exchange, threads)
    assert {row[3] for row in as_posted} == set(threads)

    # An index as a stemmer shared between threads could leave it: rows missing, and a
    # row of a word the thread does not hold.
    with exchange.container.uow() as uow:
        uow.write(delete(IndexTerm).where(IndexTerm.thread_id == lost.id))
        message_id = next(row[2] for row in as_posted if row[3] == spoiled.id)
        uow.write(
            insert(IndexTerm),
            [{"agency_id": exchange.agencies["B"], "term": "0" * 32, "message_id": message_id,
              "thread_id": spoiled.id, "in_subject": False}],
        )  # fmt: skip
        uow.commit()
    assert _index_rows(exchange, threads) != as_posted

    with exchange.container.uow() as uow:
        written = sum(rebuild_thread_index(uow, exchange.container.vault, t) for t in threads)
        uow.commit()
    assert _index_rows(exchange, threads) == as_posted
    assert written == len(as_posted)
    with exchange.container.uow() as uow:
        found = search.search(
            uow, exchange.caller(uow, SEARCHER), exchange.context, QUERY, InboxFilter()
        )
        uow.commit()
    assert [hit.thread.id for hit in found.items] == [lost.public_id]


def test_matches_are_ranked_among_the_newest_and_the_total_says_there_are_more(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SEARCH_WINDOW", 2)
    to_b = [Address("B", desk="CT")]
    oldest = exchange.send(
        "a_ct_liaison_officer", to_b, from_desk="CT",
        subject="Поддельные паспорта", body="Поддельные паспорта предъявлены на посту.",
    )  # fmt: skip
    newer = [
        exchange.send(
            "a_ct_liaison_officer", to_b, from_desk="CT",
            subject=f"Сводка {n}", body="Поддельные паспорта предъявлены на посту.",
        ).public_id
        for n in range(2)
    ]  # fmt: skip
    with exchange.container.uow() as uow:
        caller = exchange.caller(uow, SEARCHER)
        first = search.search(uow, caller, exchange.context, QUERY, InboxFilter(per_page=1))
        deep = search.search(uow, caller, exchange.context, QUERY, InboxFilter(page=3, per_page=1))
    # The oldest has the words in its subject too and would rank first in a full ranking;
    # among the newest two, it is not there, and the total says there are more.
    assert (first.total, first.total_exact) == (2, False)
    assert [hit.thread.id for hit in first.items] == [newer[1]]
    # A page past the window widens it to the page's end: here, to every match.
    assert (deep.total, deep.total_exact) == (3, True)
    assert [hit.thread.id for hit in deep.items] == [newer[0]]
    assert oldest.public_id not in {hit.thread.id for hit in first.items + deep.items}
