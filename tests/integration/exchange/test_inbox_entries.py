"""The inbox table lists exactly what the policy's clause over every thread lists.

Random sequences of sends, replies, acknowledgements, closings, recipients added later and
DPO inspections (which expire) are run through the services; after each step, for every
user of the grid and for variants of them whose desks have changed, the threads the inbox
table yields (for a page, and for a search's check of each thread) must be the threads
`visibility.listable` yields, now and after every inspection has ended. The table's rows
must also be those derived afresh from the stored threads: no write path left them stale.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Connection, select

from interagency.db import UnitOfWork, utcnow
from interagency.errors import DomainError
from interagency.exchange import inspection, listing, queries, services
from interagency.exchange.models import InboxEntry, Recipient, Thread
from interagency.exchange.policy import Action
from interagency.exchange.queries import InboxFilter
from interagency.exchange.schemas import InspectionIn, RecipientIn, ReplyIn
from interagency.exchange.visibility import listable
from interagency.identity.models import Desk, User
from interagency.identity.policy import Principal
from interagency.identity.principals import Caller, principal_of
from interagency.markings import HandlingCode, Tlp
from tests.support.exchange import DESKS, MEMBERS, SIDES, Address, Exchange

everyone = st.sampled_from(sorted(MEMBERS))
# One user of each role that sees something of the exchange, spread over the agencies
# and desks (every role and relation is covered by test_access).
WATCHED = (
    "a_ct_liaison_officer",
    "a_border_dpo",
    "b_ct_analyst",
    "b_border_supervisor",
    "c_border_auditor",
    "c_ct_dpo",
)
sides = st.sampled_from(sorted(SIDES))
TLPS = list(Tlp)
REASON = "Проверка соблюдения правил обработки данных"
BODY = "Сведения о маршруте через перевал."


def _principals(uow: UnitOfWork, exchange: Exchange) -> list[Principal]:
    """Every user of the grid as signed in, and each also with the other desk of their
    agency, both desks and none: desks change without any thread being written."""
    found = []
    desks: dict[int, list[int]] = {}
    for desk in uow.session.scalars(select(Desk)):
        desks.setdefault(desk.agency_id, []).append(desk.id)
    for login in WATCHED:
        user = uow.session.get(User, exchange.users[login])
        assert user is not None
        principal = principal_of(user)
        found.append(principal)
        own = desks[principal.agency_id]
        for variant in ({d for d in own if d not in principal.desk_ids}, set(own), set()):
            found.append(dataclasses.replace(principal, desk_ids=frozenset(variant)))
    return found


def _by_clause(uow: UnitOfWork, principal: Principal, action: Action, at: datetime) -> set[int]:
    listed = select(Thread.id).where(listable(principal, action))
    return set(uow.session.scalars(listed, {"visible_at": at}))


def _by_table(uow: UnitOfWork, principal: Principal, action: Action, at: datetime) -> set[int]:
    clause = queries.visible_among(uow, principal, InboxFilter(), at, action, Thread.id)
    parameters = listing.reader_parameters(principal, at)
    return set(uow.session.scalars(select(Thread.id).where(clause), parameters))


def _rows(uow: UnitOfWork) -> Counter[tuple[object, ...]]:
    columns = [c for c in InboxEntry.__table__.columns if c.key != "id"]
    return Counter(tuple(row) for row in uow.session.execute(select(*columns)))


def run_machine(exchange: Exchange, connection: Connection) -> None:
    class InboxMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = connection.begin_nested()
            self.threads: list[int] = []

        def teardown(self) -> None:
            self.savepoint.rollback()

        def _try(self, login: str, step: object) -> None:
            try:
                with exchange.container.uow() as uow:
                    step(uow, exchange.caller(uow, login))  # type: ignore[operator]
                    uow.commit()
            except DomainError:
                pass  # refused whole: nothing was written

        def _thread(self, data: st.DataObject) -> int:
            return data.draw(st.sampled_from(self.threads), label="thread")

        @rule(data=st.data(), author=everyone)
        def send(self, data: st.DataObject, author: str) -> None:
            member = MEMBERS[author]
            tlp = data.draw(st.sampled_from(TLPS), label="tlp")
            side = data.draw(st.sampled_from(sorted(set(SIDES) - {member.side})))
            how = data.draw(st.sampled_from(["agency", "desk", "user"]), label="how")
            desk = data.draw(st.sampled_from(DESKS), label="desk")
            named = sorted(m.login for m in MEMBERS.values() if m.side == side and m.desk == desk)
            address = Address(
                side,
                desk=desk if how == "desk" else None,
                user=data.draw(st.sampled_from(named)) if how == "user" else None,
            )
            if tlp is Tlp.RED and how == "agency":
                address = Address(side, desk=desk)
            from_desk = data.draw(st.sampled_from([member.desk, None]), label="from_desk")
            try:
                sent = exchange.send(author, [address], tlp=tlp, from_desk=from_desk)
            except DomainError:
                return
            self.threads.append(sent.id)

        @precondition(lambda self: self.threads)
        @rule(data=st.data(), actor=everyone)
        def reply(self, data: st.DataObject, actor: str) -> None:
            thread_id = self._thread(data)

            def step(uow: UnitOfWork, caller: Caller) -> None:
                thread = uow.session.get(Thread, thread_id)
                assert thread is not None
                marking = ReplyIn(body=BODY, tlp=Tlp(thread.tlp), handling_code=HandlingCode.H0)
                services.reply(uow, caller, exchange.context, thread_id, marking)

            self._try(actor, step)

        @precondition(lambda self: self.threads)
        @rule(data=st.data(), actor=everyone)
        def acknowledge(self, data: st.DataObject, actor: str) -> None:
            thread_id = self._thread(data)
            self._try(
                actor,
                lambda uow, caller: services.acknowledge(
                    uow, caller, exchange.context, thread_id, None
                ),
            )

        @precondition(lambda self: self.threads)
        @rule(data=st.data(), actor=everyone)
        def close(self, data: st.DataObject, actor: str) -> None:
            thread_id = self._thread(data)
            self._try(
                actor,
                lambda uow, caller: services.close(uow, caller, exchange.context, thread_id, None),
            )

        @precondition(lambda self: self.threads)
        @rule(data=st.data(), actor=everyone, side=sides, desk=st.sampled_from([None, *DESKS]))
        def add_recipient(
            self, data: st.DataObject, actor: str, side: str, desk: str | None
        ) -> None:
            thread_id = self._thread(data)
            added = RecipientIn(agency=SIDES[side], desk=desk)
            self._try(
                actor,
                lambda uow, caller: services.add_recipient(
                    uow, caller, exchange.context, thread_id, added, None
                ),
            )

        @precondition(lambda self: self.threads)
        @rule(data=st.data(), actor=everyone, minutes=st.sampled_from([5, 240]))
        def inspect(self, data: st.DataObject, actor: str, minutes: int) -> None:
            thread_id = self._thread(data)
            look = InspectionIn(reason=REASON, minutes=minutes)
            self._try(
                actor,
                lambda uow, caller: inspection.open_inspection(
                    uow, caller, exchange.context, thread_id, look
                ),
            )

        @invariant()
        def the_table_lists_what_the_policy_lists(self) -> None:
            now = utcnow()
            with exchange.container.uow() as uow:
                for principal in _principals(uow, exchange):
                    for at in (now, now + timedelta(minutes=30)):
                        for action in (Action.READ_METADATA, Action.READ_CONTENT):
                            expected = _by_clause(uow, principal, action, at)
                            assert _by_table(uow, principal, action, at) == expected, (
                                principal, action, at,
                            )  # fmt: skip
                    caller = Caller(principal, "192.0.2.20")
                    page = queries.inbox(uow, caller, exchange.context, InboxFilter(per_page=100))
                    shown = {item.id for item in page.items}
                    listed = _by_clause(uow, principal, Action.READ_METADATA, now)
                    assert shown == set(
                        uow.session.scalars(select(Thread.public_id).where(Thread.id.in_(listed)))
                    )
                    assert page.total == len(listed)
                    assert page.total_exact

        @invariant()
        def the_rows_are_those_derived_afresh(self) -> None:
            with exchange.container.uow() as uow:
                stored = _rows(uow)
                ids = list(uow.session.scalars(select(Thread.id)))
                listing.rewrite(uow.session, ids)
                assert _rows(uow) == stored
                # Rolled back: the check leaves the rows as the services wrote them.

    run_state_machine_as_test(
        InboxMachine, settings=settings(max_examples=10, stateful_step_count=8, deadline=None)
    )


def test_the_inbox_table_lists_exactly_what_the_policy_allows(
    exchange: Exchange, connection: Connection
) -> None:
    run_machine(exchange, connection)


def test_an_expired_inspection_lists_the_thread_no_more(exchange: Exchange) -> None:
    sent = exchange.send("a_ct_liaison_officer", [Address("B", desk="CT")], tlp=Tlp.RED)
    dpo = "b_border_dpo"
    look = InspectionIn(reason=REASON, minutes=5)
    with exchange.container.uow() as uow:
        inspection.open_inspection(uow, exchange.caller(uow, dpo), exchange.context, sent.id, look)
        uow.commit()
    with exchange.container.uow() as uow:
        principal = exchange.caller(uow, dpo).principal
        assert principal is not None
        rows = uow.session.scalars(select(InboxEntry).where(InboxEntry.thread_id == sent.id)).all()
        assert any(r.relation == "inspecting" for r in rows)
        now = utcnow()
        seen = _by_table(uow, principal, Action.READ_CONTENT, now)
        later = _by_table(uow, principal, Action.READ_CONTENT, now + timedelta(minutes=6))
    assert sent.id in seen
    assert sent.id not in later


def test_a_recipient_added_later_finds_the_thread(exchange: Exchange) -> None:
    sent = exchange.send("a_ct_liaison_officer", [Address("B")])
    with exchange.container.uow() as uow:
        caller = exchange.caller(uow, "c_ct_analyst")
        before = queries.inbox(uow, caller, exchange.context, InboxFilter())
        assert sent.public_id not in {i.id for i in before.items}
        sender = exchange.caller(uow, "a_ct_liaison_officer")
        services.add_recipient(
            uow, sender, exchange.context, sent.id, RecipientIn(agency=SIDES["C"]), None
        )
        uow.commit()
    with exchange.container.uow() as uow:
        caller = exchange.caller(uow, "c_ct_analyst")
        after = queries.inbox(uow, caller, exchange.context, InboxFilter(box="incoming"))
        assert sent.public_id in {i.id for i in after.items}


def test_totals_and_counts_stop_at_the_cap_and_say_so(
    exchange: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    for _ in range(4):
        exchange.send("a_ct_liaison_officer", [Address("B")])
    with exchange.container.uow() as uow:
        caller = exchange.caller(uow, "b_ct_analyst")
        first = queries.inbox(uow, caller, exchange.context, InboxFilter(per_page=1))
        last = queries.inbox(uow, caller, exchange.context, InboxFilter(page=4, per_page=1))
        counted = queries.counts(uow, caller)
    assert (first.total, first.total_exact) == (2, False)
    # A page past the cap counts up to its own end, and here that is every thread.
    assert (last.total, last.total_exact, len(last.items)) == (4, True, 1)
    assert counted["new"] == 3  # the cap and one more: "more than 2"
    assert counted["closed"] == 0


def test_a_recipient_added_beside_its_loaded_thread_still_gets_its_rows(
    exchange: Exchange,
) -> None:
    """The rows are derived from the session's objects when it holds the thread whole; a
    recipient written by its thread id alone is not in the thread's loaded list, and the
    rows must then be read from the database."""
    sent = exchange.send("a_ct_liaison_officer", [Address("B")])
    with exchange.container.uow() as uow:
        thread = uow.session.get(Thread, sent.id)
        assert thread is not None
        assert len(thread.recipients) == 1  # loaded, without the one added below
        thread.priority = "urgent"
        uow.session.add(Recipient(thread_id=sent.id, agency_id=exchange.agencies["C"]))
        uow.commit()
    with exchange.container.uow() as uow:
        holders = set(
            uow.session.scalars(select(InboxEntry.holder).where(InboxEntry.thread_id == sent.id))
        )
        priorities = set(
            uow.session.scalars(select(InboxEntry.priority).where(InboxEntry.thread_id == sent.id))
        )
    assert f"a:{exchange.agencies['C']}" in holders
    assert priorities == {"urgent"}
