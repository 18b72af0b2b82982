"""Random sequences of sends, replies, recipient additions and dissemination requests
never let content reach an agency or desk that must not see it.

The machine keeps its own model of every thread (marking, author, sending desk, the
addresses on it, pending requests) and predicts each step's outcome from the oracle of
`tests.support.exchange`; after every step, what each watched user can open, list and
find must be exactly what the model allows. Each example runs inside a savepoint that is
rolled back, so examples do not see each other's threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Connection

from interagency.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from interagency.exchange import dissemination, queries, search, services
from interagency.exchange.policy import Action, Effect
from interagency.exchange.queries import InboxFilter
from interagency.exchange.schemas import DecisionIn, DisseminationIn, ReplyIn
from interagency.markings import HandlingCode, Tlp
from tests.support.exchange import (
    DESKS,
    MEMBERS,
    SIDES,
    Address,
    Exchange,
    Sent,
    View,
    expected,
    relations,
    view_of,
)

WORD = "перевал"
SUBJECT = f"Сводка: {WORD} и маршрут"
BODY = f"Сведения о маршруте через {WORD}."
# One user per agency and desk, and an overseer; test_access covers every role.
WATCHED = (
    "a_ct_liaison_officer",
    "a_border_analyst",
    "b_ct_liaison_officer",
    "b_border_supervisor",
    "c_ct_analyst",
    "c_border_dpo",
)
TLP_ORDER = list(Tlp)
HANDLING_ORDER = list(HandlingCode)
RESTRICTION = "Только для пограничных служб"

WORKING_ROLES = {"liaison_officer", "analyst", "supervisor", "secretariat"}
# Mostly people who do the exchange, so that most steps change something; now and then
# anyone at all, whose attempts must be refused.
actors = st.one_of(
    st.sampled_from(sorted(m.login for m in MEMBERS.values() if m.role.value in WORKING_ROLES)),
    st.sampled_from(sorted(MEMBERS)),
)
sides = st.sampled_from(sorted(SIDES))


@dataclass
class ModelThread:
    """What the test itself remembers of one thread."""

    id: int
    author: str
    from_desk: str | None
    tlp: Tlp
    handling: HandlingCode
    addresses: list[Address]
    pending: dict[int, tuple[str, Address]] = field(default_factory=dict)

    def snapshot(self) -> Sent:
        return Sent(
            self.id, self.author, self.from_desk, tuple(self.addresses), self.tlp, self.handling
        )

    def may(self, login: str, action: Action) -> bool:
        member = MEMBERS[login]
        effect = expected(
            action, self.tlp, self.handling, relations(member, self.snapshot()), {member.role}
        )
        return effect is Effect.ALLOW

    def view(self, login: str) -> View:
        return view_of(MEMBERS[login], self.snapshot())


def _address(data: st.DataObject, side: str, tlp: Tlp) -> Address:
    how = data.draw(
        st.sampled_from(["desk", "user"] if tlp is Tlp.RED else ["agency", "desk", "user"])
    )
    if how == "agency":
        return Address(side)
    desk = data.draw(st.sampled_from(DESKS))
    if how == "desk":
        return Address(side, desk=desk)
    member = data.draw(
        st.sampled_from(
            sorted(m.login for m in MEMBERS.values() if m.side == side and m.desk == desk)
        )
    )
    return Address(side, user=member)


def _same(a: Address, b: Address) -> bool:
    return (a.side, a.desk, a.user) == (b.side, b.desk, b.user)


def run_machine(exchange: Exchange, connection: Connection) -> None:
    class ExchangeMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = connection.begin_nested()
            self.threads: dict[int, ModelThread] = {}
            self.public_ids: dict[int, str] = {}
            self.touched: int | None = None
            # Whether the last step changed anything; a refused step is rolled back whole,
            # so the database, and what the invariant saw, stay as they were.
            self.changed = False

        def teardown(self) -> None:
            self.savepoint.rollback()

        def _outcome(self, step: object) -> DomainError | None:
            try:
                with exchange.container.uow() as uow:
                    step(uow)  # type: ignore[operator]
                    uow.commit()
            except DomainError as error:
                self.changed = False
                return error
            self.changed = True
            return None

        @rule(data=st.data(), author=actors)
        def send(self, data: st.DataObject, author: str) -> None:
            member = MEMBERS[author]
            tlp = data.draw(st.sampled_from(TLP_ORDER), label="tlp")
            handling = data.draw(st.sampled_from(HANDLING_ORDER), label="handling")
            others = sorted(set(SIDES) - {member.side})
            targets = data.draw(
                st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True)
            )
            addresses = [_address(data, side, tlp) for side in targets]
            from_desk = data.draw(st.sampled_from([member.desk, None]), label="from_desk")
            # Whoever may answer a thread of their own agency may start one.
            own = Sent(0, author, None, (), Tlp.AMBER, HandlingCode.H0)
            may_send = expected(
                Action.REPLY, Tlp.AMBER, HandlingCode.H0, relations(member, own), {member.role}
            )
            try:
                sent = exchange.send(
                    author, addresses, tlp=tlp, handling=handling, from_desk=from_desk,
                    subject=SUBJECT, body=BODY,
                )  # fmt: skip
            except Forbidden:
                assert may_send is not Effect.ALLOW
                self.changed = False
                return
            self.changed = True
            assert may_send is Effect.ALLOW
            self.threads[sent.id] = ModelThread(
                sent.id, author, from_desk, tlp, handling, list(addresses)
            )
            self.public_ids[sent.id] = sent.public_id
            self.touched = sent.id

        def _pick(self, data: st.DataObject) -> ModelThread:
            return self.threads[data.draw(st.sampled_from(sorted(self.threads)), label="thread")]

        @precondition(lambda self: self.threads)
        @rule(data=st.data(), actor=actors)
        def reply(self, data: st.DataObject, actor: str) -> None:
            thread = self._pick(data)
            # At least the thread's marking; RED only on a RED thread.
            top = (
                TLP_ORDER.index(Tlp.RED) if thread.tlp is Tlp.RED else TLP_ORDER.index(Tlp.RED) - 1
            )
            tlp = data.draw(st.sampled_from(TLP_ORDER[TLP_ORDER.index(thread.tlp) : top + 1]))
            handling = data.draw(
                st.sampled_from(HANDLING_ORDER[HANDLING_ORDER.index(thread.handling) :])
            )
            restriction = RESTRICTION if handling is HandlingCode.H3 else None
            reply = ReplyIn(body=BODY, tlp=tlp, handling_code=handling, restriction=restriction)
            error = self._outcome(
                lambda uow: services.reply(
                    uow, exchange.caller(uow, actor), exchange.context, thread.id, reply
                )
            )
            if thread.may(actor, Action.REPLY):
                assert error is None, error
                thread.tlp, thread.handling = tlp, handling
            else:
                want = NotFound if thread.may(actor, Action.READ_METADATA) is False else Forbidden
                assert isinstance(error, want), error
            self.touched = thread.id

        @precondition(lambda self: self.threads)
        @rule(data=st.data(), actor=actors, side=sides)
        def add_recipient(self, data: st.DataObject, actor: str, side: str) -> None:
            thread = self._pick(data)
            address = _address(data, side, thread.tlp)
            error = self._outcome(
                lambda uow: services.add_recipient(
                    uow, exchange.caller(uow, actor), exchange.context, thread.id,
                    address.as_input(), None,
                )
            )  # fmt: skip
            if not thread.may(actor, Action.ADD_RECIPIENT):
                assert isinstance(error, NotFound | Forbidden), error
            elif side == MEMBERS[thread.author].side:
                assert isinstance(error, InvalidInput), error
            elif any(_same(address, a) for a in thread.addresses):
                assert isinstance(error, Conflict), error
            else:
                assert error is None, error
                thread.addresses.append(address)
            self.touched = thread.id

        @precondition(lambda self: self.threads)
        @rule(data=st.data(), actor=actors, side=sides)
        def request_dissemination(self, data: st.DataObject, actor: str, side: str) -> None:
            thread = self._pick(data)
            desk = data.draw(st.sampled_from([None, *DESKS]), label="desk")
            target = Address(side, desk=desk)
            ask = DisseminationIn(
                agency=SIDES[side], desk=desk, reason="Маршрут касается третьей стороны."
            )
            made: list[int] = []
            error = self._outcome(
                lambda uow: made.append(
                    dissemination.request(
                        uow, exchange.caller(uow, actor), exchange.context, thread.id, ask
                    ).id
                )
            )
            requester = MEMBERS[actor].side
            if not thread.may(actor, Action.REQUEST_DISSEMINATION):
                assert isinstance(error, NotFound | Forbidden), error
            elif (
                side == MEMBERS[thread.author].side
                # The agency is already addressed in the same way (a named user counts
                # as the agency as a whole).
                or any(a.side == side and a.desk == desk for a in thread.addresses)
                # The same agency already asked for the same target.
                or any((who, t.side) == (requester, side) for who, t in thread.pending.values())
            ):
                assert isinstance(error, Conflict), error
            else:
                assert error is None, error
                thread.pending[made[0]] = (requester, target)
            self.touched = thread.id

        @precondition(lambda self: any(t.pending for t in self.threads.values()))
        @rule(data=st.data(), actor=actors, approve=st.booleans())
        def decide(self, data: st.DataObject, actor: str, approve: bool) -> None:
            thread = data.draw(
                st.sampled_from(sorted((t for t in self.threads.values() if t.pending),
                                       key=lambda t: t.id))
            )  # fmt: skip
            request_id = data.draw(st.sampled_from(sorted(thread.pending)))
            _, target = thread.pending[request_id]
            error = self._outcome(
                lambda uow: dissemination.decide(
                    uow, exchange.caller(uow, actor), exchange.context, request_id,
                    DecisionIn(approve=approve),
                )
            )  # fmt: skip
            if not thread.may(actor, Action.DECIDE_DISSEMINATION):
                assert isinstance(error, NotFound | Forbidden), error
            elif approve and any(_same(target, a) for a in thread.addresses):
                assert isinstance(error, Conflict), error
            elif approve and thread.tlp is Tlp.RED and target.desk is None:
                assert isinstance(error, InvalidInput), error
            else:
                assert error is None, error
                del thread.pending[request_id]
                if approve:
                    thread.addresses.append(target)
            self.touched = thread.id

        @invariant()
        def content_reaches_only_whom_the_model_allows(self) -> None:
            if not self.changed:
                return
            for login in WATCHED:
                # Lists name threads by public id.
                allowed = {self.public_ids[t.id]: t.view(login) for t in self.threads.values()}
                with exchange.container.uow() as uow:
                    caller = exchange.caller(uow, login)
                    listed = queries.inbox(uow, caller, exchange.context, InboxFilter(per_page=100))
                    found = search.search(
                        uow, caller, exchange.context, WORD, InboxFilter(per_page=100)
                    )
                    opened: View
                    try:
                        shown = queries.thread_view(
                            uow, caller, exchange.context, self.touched or 0
                        )
                        opened = "metadata" if shown.subject is None else "content"
                        if opened == "metadata":
                            assert shown.messages == []
                    except NotFound:
                        opened = "none"
                    uow.commit()
                seen = {
                    item.id: "metadata" if item.subject is None else "content"
                    for item in listed.items
                }
                assert seen == {i: v for i, v in allowed.items() if v != "none"}, login
                hits = {hit.thread.id for hit in found.items}
                assert hits == {i for i, v in allowed.items() if v == "content"}, login
                touched = self.public_ids.get(self.touched or 0, "")
                assert opened == allowed.get(touched, "none"), login

    run_state_machine_as_test(
        ExchangeMachine, settings=settings(max_examples=30, stateful_step_count=12, deadline=None)
    )


def test_content_never_reaches_an_agency_or_desk_that_must_not_see_it(
    exchange: Exchange, connection: Connection
) -> None:
    run_machine(exchange, connection)
