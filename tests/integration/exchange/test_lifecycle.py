"""A request's life: new, acknowledged, answered, closed; deadlines in each recipient's
zone and overdue derived from them; markings of replies; versions; read receipts; and
the notices it leaves in the app and in the e-mail outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from interagency.errors import Conflict, Forbidden, InvalidInput, NotFound
from interagency.exchange import queries, services
from interagency.exchange.codes import Status
from interagency.exchange.models import ReadReceipt
from interagency.exchange.queries import InboxFilter
from interagency.exchange.schemas import ReplyIn, ThreadOut
from interagency.identity.models import Notification
from interagency.markings import HandlingCode, Tlp
from interagency.outbox.models import OutboxEmail
from tests.support.exchange import MEMBERS, Address, Exchange, Sent

SENDER = "a_ct_liaison_officer"
SUBJECT = "Возвращение иностранного боевика"
BODY = "Просим подтвердить сведения о пересечении границы лицом по списку."
# A fixed week: sent on Tuesday 1 December 2026 at 10:00 UTC, due on Friday the 4th.
SENT_AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
DUE = date(2026, 12, 4)


def _view(exchange: Exchange, login: str, thread: Sent) -> ThreadOut:
    with exchange.container.uow() as uow:
        shown = queries.thread_view(uow, exchange.caller(uow, login), exchange.context, thread.id)
        uow.commit()
    return shown


def _states(shown: ThreadOut) -> dict[str, Status]:
    return {state.agency: state.status for state in shown.recipient_states}


def _acknowledge(exchange: Exchange, login: str, thread: Sent, version: int | None = None) -> None:
    with exchange.container.uow() as uow:
        services.acknowledge(uow, exchange.caller(uow, login), exchange.context, thread.id, version)
        uow.commit()


def _reply(exchange: Exchange, login: str, thread: Sent, **marking: object) -> None:
    data = ReplyIn(body="Сведения подтверждаются.", **marking)
    with exchange.container.uow() as uow:
        services.reply(uow, exchange.caller(uow, login), exchange.context, thread.id, data)
        uow.commit()


def _close(exchange: Exchange, login: str, thread: Sent, version: int | None = None) -> None:
    with exchange.container.uow() as uow:
        services.close(uow, exchange.caller(uow, login), exchange.context, thread.id, version)
        uow.commit()


def test_new_acknowledged_answered_closed(exchange: Exchange) -> None:
    thread = exchange.send(
        SENDER, [Address("B", desk="CT"), Address("C")], from_desk="CT", subject=SUBJECT, body=BODY
    )
    shown = _view(exchange, SENDER, thread)
    assert shown.status is Status.NEW
    assert _states(shown) == {"KZ-SVC": Status.NEW, "UZ-SVC": Status.NEW}

    _acknowledge(exchange, "b_ct_analyst", thread)
    shown = _view(exchange, SENDER, thread)
    assert _states(shown) == {"KZ-SVC": Status.ACKNOWLEDGED, "UZ-SVC": Status.NEW}
    # The originator sees the thread as far as its slowest recipient got.
    assert shown.status is Status.NEW
    with pytest.raises(Conflict):
        _acknowledge(exchange, "b_ct_supervisor", thread)

    _acknowledge(exchange, "c_border_analyst", thread)
    assert _view(exchange, SENDER, thread).status is Status.ACKNOWLEDGED

    _reply(exchange, "b_ct_analyst", thread)
    shown = _view(exchange, SENDER, thread)
    assert _states(shown) == {"KZ-SVC": Status.ANSWERED, "UZ-SVC": Status.ACKNOWLEDGED}
    assert shown.status is Status.ACKNOWLEDGED
    _reply(exchange, "c_ct_liaison_officer", thread)
    assert _view(exchange, SENDER, thread).status is Status.ANSWERED

    # Only the sending side closes, and not its analysts.
    for login in ("b_ct_liaison_officer", "a_ct_analyst"):
        with pytest.raises(Forbidden):
            _close(exchange, login, thread)
    _close(exchange, "a_ct_supervisor", thread)
    shown = _view(exchange, "b_ct_analyst", thread)
    assert shown.status is Status.CLOSED
    kinds = [event.kind for event in shown.timeline]
    # B opens the thread for the first time now, after it was closed: its receipt follows.
    assert kinds[-2:] == ["closed", "read"]
    with pytest.raises(Conflict):
        _reply(exchange, "b_ct_analyst", thread)
    with pytest.raises(Conflict):
        _close(exchange, SENDER, thread)


def test_a_recipient_who_may_not_read_the_thread_cannot_acknowledge_it(
    exchange: Exchange,
) -> None:
    red = exchange.send(SENDER, [Address("B", desk="CT")], tlp=Tlp.RED, from_desk="CT")
    for login in ("b_border_liaison_officer", "c_ct_liaison_officer", "b_ct_auditor"):
        with pytest.raises((Forbidden, NotFound)):
            _acknowledge(exchange, login, red)
    assert _states(_view(exchange, SENDER, red)) == {"KZ-SVC": Status.NEW}


def test_each_recipients_deadline_ends_at_midnight_in_its_own_zone(exchange: Exchange) -> None:
    with time_machine.travel(SENT_AT, tick=False):
        # Sent by C, so that Moscow (A) and Almaty (B) both receive.
        thread = exchange.send(
            "c_ct_liaison_officer", [Address("A", desk="CT"), Address("B", desk="CT")],
            deadline=DUE,
        )  # fmt: skip
        shown = _view(exchange, "c_ct_liaison_officer", thread)
    deadlines = {state.agency: state.deadline_at for state in shown.recipient_states}
    # 23:59:59 on the 4th: UTC+3 in Moscow, UTC+5 in Almaty.
    assert deadlines == {
        "RU-SVC": datetime(2026, 12, 4, 20, 59, 59, tzinfo=UTC),
        "KZ-SVC": datetime(2026, 12, 4, 18, 59, 59, tzinfo=UTC),
    }
    assert shown.deadline_at == datetime(2026, 12, 4, 18, 59, 59, tzinfo=UTC)


def _overdue_for(exchange: Exchange, login: str, thread: Sent) -> tuple[bool, int, list[str]]:
    """The thread's overdue flag, the overdue count and the ids on the overdue dashboard."""
    with exchange.container.uow() as uow:
        caller = exchange.caller(uow, login)
        listed = queries.inbox(uow, caller, exchange.context, InboxFilter())
        flag = next(item.overdue for item in listed.items if item.id == thread.public_id)
        count = queries.counts(uow, caller)["overdue"]
        board = queries.overdue(uow, caller, exchange.context)
        uow.commit()
    return flag, count, sorted(i.id for page in board.values() for i in page.items)


def test_overdue_follows_each_recipients_deadline_and_ends_with_the_answer(
    exchange: Exchange,
) -> None:
    with time_machine.travel(SENT_AT, tick=False):
        thread = exchange.send(
            "c_ct_liaison_officer", [Address("A", desk="CT"), Address("B", desk="CT")],
            from_desk="CT", deadline=DUE,
        )  # fmt: skip
        assert _overdue_for(exchange, "b_ct_analyst", thread) == (False, 0, [])
    # 19:30 UTC on the 4th: past midnight in Almaty, still the 4th in Moscow.
    with time_machine.travel(datetime(2026, 12, 4, 19, 30, tzinfo=UTC), tick=False):
        shown = _view(exchange, "c_ct_analyst", thread)
        late = {state.agency: state.overdue for state in shown.recipient_states}
        assert late == {"RU-SVC": False, "KZ-SVC": True}
        assert shown.overdue
        assert _overdue_for(exchange, "b_ct_analyst", thread) == (True, 1, [thread.public_id])
        assert _overdue_for(exchange, "c_ct_analyst", thread) == (True, 1, [thread.public_id])
        _reply(exchange, "b_ct_analyst", thread)
        assert _overdue_for(exchange, "b_ct_analyst", thread) == (False, 0, [])
    with time_machine.travel(datetime(2026, 12, 4, 21, 30, tzinfo=UTC), tick=False):
        # Moscow's deadline has passed too, and Moscow has not answered.
        assert _overdue_for(exchange, "a_ct_analyst", thread) == (True, 1, [thread.public_id])
        _close(exchange, "c_ct_supervisor", thread)
        assert _overdue_for(exchange, "a_ct_analyst", thread) == (False, 0, [])


@pytest.mark.parametrize(
    ("marking", "why"),
    [
        ({"tlp": Tlp.GREEN, "handling_code": HandlingCode.H2}, "TLP:AMBER"),
        ({"tlp": Tlp.AMBER, "handling_code": HandlingCode.H1}, "H2"),
        ({"tlp": Tlp.RED, "handling_code": HandlingCode.H2}, "RED"),
    ],
)
def test_a_reply_may_not_lower_the_marking(
    exchange: Exchange, marking: dict[str, object], why: str
) -> None:
    thread = exchange.send(SENDER, [Address("B")], tlp=Tlp.AMBER, handling=HandlingCode.H2)
    with pytest.raises(InvalidInput) as refused:
        _reply(exchange, "b_ct_analyst", thread, **marking)
    assert why in refused.value.message.format(**refused.value.params)
    shown = _view(exchange, SENDER, thread)
    assert len(shown.messages) == 1
    assert (shown.tlp, shown.handling_code) == (Tlp.AMBER, HandlingCode.H2)


def test_a_stricter_reply_raises_the_threads_marking(exchange: Exchange) -> None:
    thread = exchange.send(SENDER, [Address("B")], tlp=Tlp.GREEN, handling=HandlingCode.H0)
    _reply(exchange, "b_ct_analyst", thread, tlp=Tlp.AMBER_STRICT, handling_code=HandlingCode.H2)
    shown = _view(exchange, SENDER, thread)
    assert (shown.tlp, shown.handling_code) == (Tlp.AMBER_STRICT, HandlingCode.H2)
    assert [(m.tlp, m.handling_code) for m in shown.messages] == [
        (Tlp.GREEN, HandlingCode.H0),
        (Tlp.AMBER_STRICT, HandlingCode.H2),
    ]


def test_an_h3_restriction_is_carried_onto_every_reply(exchange: Exchange) -> None:
    thread = exchange.send(
        SENDER, [Address("B")], handling=HandlingCode.H3, restriction="Только для погранслужб"
    )
    with pytest.raises(InvalidInput):
        _reply(exchange, "b_ct_analyst", thread, handling_code=HandlingCode.H2)
    _reply(exchange, "b_ct_analyst", thread, handling_code=HandlingCode.H3,
           restriction="Не передавать в суд")  # fmt: skip
    shown = _view(exchange, "b_border_analyst", thread)
    assert shown.handling_code is HandlingCode.H3
    assert shown.restriction is not None
    assert "Только для погранслужб" in shown.restriction
    assert "Не передавать в суд" in shown.restriction


def test_a_stale_version_is_a_conflict(exchange: Exchange) -> None:
    thread = exchange.send(SENDER, [Address("B", desk="CT")], from_desk="CT")
    seen = _view(exchange, SENDER, thread).version
    _acknowledge(exchange, "b_ct_analyst", thread, version=seen)
    now = _view(exchange, SENDER, thread).version
    assert now > seen
    with pytest.raises(Conflict):
        _close(exchange, SENDER, thread, version=seen)
    with pytest.raises(Conflict):
        _reply(exchange, "b_ct_analyst", thread, version=seen)
    _close(exchange, SENDER, thread, version=now)
    assert _view(exchange, SENDER, thread).status is Status.CLOSED


def test_each_agency_leaves_one_read_receipt_its_first_reader(exchange: Exchange) -> None:
    thread = exchange.send(SENDER, [Address("B", desk="CT"), Address("C")], from_desk="CT")
    _view(exchange, "b_ct_auditor", thread)  # metadata only: not a reading
    assert _view(exchange, SENDER, thread).recipient_states[0].read_at is None
    _view(exchange, "b_ct_analyst", thread)
    _view(exchange, "b_ct_supervisor", thread)
    _view(exchange, "c_border_analyst", thread)
    shown = _view(exchange, "c_border_analyst", thread)
    with exchange.container.uow() as uow:
        readers = {
            receipt.agency_id: receipt.user_id
            for receipt in uow.session.scalars(
                select(ReadReceipt).where(ReadReceipt.thread_id == thread.id)
            )
        }
    # Receipts are the receiving agencies'; the sender reading its own thread leaves none.
    assert readers == {
        exchange.agencies["B"]: exchange.users["b_ct_analyst"],
        exchange.agencies["C"]: exchange.users["c_border_analyst"],
    }
    assert all(state.read_at is not None for state in shown.recipient_states)
    assert sorted(e.agency for e in shown.timeline if e.kind == "read") == ["KZ-SVC", "UZ-SVC"]


def _notified(exchange: Exchange, kind: str) -> set[str]:
    with exchange.container.uow() as uow:
        ids = set(
            uow.session.scalars(select(Notification.user_id).where(Notification.kind == kind))
        )
    return {login for login, user_id in exchange.users.items() if user_id in ids}


def _workers(side: str, desk: str | None = None) -> set[str]:
    working = {"liaison_officer", "analyst", "supervisor", "secretariat"}
    return {
        m.login
        for m in MEMBERS.values()
        if m.side == side and m.role.value in working and desk in (None, m.desk)
    }


def test_the_right_people_are_notified_in_the_app(exchange: Exchange) -> None:
    thread = exchange.send(
        SENDER, [Address("B", desk="CT"), Address("C")], from_desk="CT", tlp=Tlp.AMBER
    )
    assert _notified(exchange, "exchange:received") == _workers("B", "CT") | _workers("C")
    _acknowledge(exchange, "b_ct_analyst", thread)
    assert _notified(exchange, "exchange:acknowledged") == _workers("A", "CT")
    _reply(exchange, "c_ct_analyst", thread)
    assert _notified(exchange, "exchange:replied") == _workers("A", "CT") | _workers("B", "CT")
    with exchange.container.uow() as uow:
        params = [n.params for n in uow.session.scalars(select(Notification))]
    assert params
    assert all(SUBJECT not in repr(p) and "Просим" not in repr(p) for p in params)


def test_red_is_announced_only_to_the_named_desk(exchange: Exchange) -> None:
    exchange.send(SENDER, [Address("B", desk="BORDER")], from_desk="CT", tlp=Tlp.RED)
    assert _notified(exchange, "exchange:received") == _workers("B", "BORDER")


def test_e_mail_carries_the_reference_and_marking_never_the_content(
    exchange: Exchange,
) -> None:
    thread = exchange.send(
        SENDER, [Address("B", desk="CT")], from_desk="CT", tlp=Tlp.AMBER,
        handling=HandlingCode.H2, subject=SUBJECT, body=BODY,
    )  # fmt: skip
    reference = _view(exchange, SENDER, thread).reference
    with exchange.container.uow() as uow:
        mails = uow.session.execute(
            select(OutboxEmail.recipient, OutboxEmail.subject, OutboxEmail.body).where(
                OutboxEmail.reference == f"exchange:thread:{thread.id}"
            )
        ).all()
    assert sorted(m.recipient for m in mails) == sorted(
        f"{login}@example.invalid" for login in _workers("B", "CT")
    )
    for mail in mails:
        text = mail.subject + "\n" + mail.body
        assert reference in mail.subject
        assert "TLP:AMBER" in text
        assert "H2" in text
        for secret in (SUBJECT, BODY, "боевик", "границы"):
            assert secret not in text
