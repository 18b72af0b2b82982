"""Onward dissemination and export consent: B asks, A decides, C sees nothing before.

Nothing of a thread reaches a third agency without the originator's approval, and
nothing handled above H0 leaves the platform as a file from a recipient without it.
"""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import select

from interagency.audit import AuditEvent
from interagency.audit.models import AuditEntry
from interagency.errors import Conflict, Forbidden, NotFound
from interagency.exchange import dissemination, exporting, queries, search, services
from interagency.exchange.models import Dissemination
from interagency.exchange.queries import InboxFilter
from interagency.exchange.schemas import DecisionIn, DisseminationIn, RecipientIn, ReplyIn
from interagency.markings import HandlingCode, Tlp
from tests.support.exchange import Address, Exchange, Sent
from tests.support.refusals import refused

ORIGINATOR = "a_ct_liaison_officer"
SUBJECT = "Маршрут контрабанды мигрантов"
BODY = "Сведения о перевозчиках, использующих горный перевал."
REASON = "Маршрут проходит через территорию третьего государства."
C_USERS = ("c_ct_liaison_officer", "c_ct_analyst", "c_border_supervisor", "c_ct_dpo")


def _send(
    exchange: Exchange, tlp: Tlp = Tlp.AMBER, handling: HandlingCode = HandlingCode.H2
) -> Sent:
    return exchange.send(
        ORIGINATOR, [Address("B", desk="CT")], tlp=tlp, handling=handling, from_desk="CT",
        subject=SUBJECT, body=BODY,
    )  # fmt: skip


def _c_sees(exchange: Exchange, thread: Sent) -> list[object]:
    """Everything C's users learn of the thread: openings, inbox entries and search hits."""
    seen: list[object] = []
    for login in C_USERS:
        with exchange.container.uow() as uow:
            caller = exchange.caller(uow, login)
            with contextlib.suppress(NotFound):
                seen.append(queries.thread_view(uow, caller, exchange.context, thread.id))
            seen += [
                item
                for item in queries.inbox(uow, caller, exchange.context, InboxFilter()).items
                if item.id == thread.public_id
            ]
            seen += search.search(uow, caller, exchange.context, "перевозчики", InboxFilter()).items
            uow.commit()
    return seen


def _request(
    exchange: Exchange, login: str, thread: Sent, purpose: str = "recipient", **target: str
) -> int:
    data = DisseminationIn(purpose=purpose, reason=REASON, **target)
    with exchange.container.uow() as uow:
        row = dissemination.request(
            uow, exchange.caller(uow, login), exchange.context, thread.id, data
        )
        uow.commit()
        return row.id


def _decide(exchange: Exchange, login: str, request_id: int, *, approve: bool) -> None:
    with exchange.container.uow() as uow:
        dissemination.decide(
            uow, exchange.caller(uow, login), exchange.context, request_id,
            DecisionIn(approve=approve, note="Решение принято."),
        )  # fmt: skip
        uow.commit()


def _export(exchange: Exchange, login: str, thread: Sent) -> bytes:
    with exchange.container.uow() as uow:
        exported = exporting.export_thread(
            uow, exchange.caller(uow, login), exchange.context, thread.id, "csv"
        )
        uow.commit()
    return exported.content


def test_c_sees_nothing_until_the_originator_approves(exchange: Exchange) -> None:
    thread = _send(exchange)
    request_id = _request(exchange, "b_ct_analyst", thread, agency="UZ-SVC")
    assert _c_sees(exchange, thread) == []
    # B's reply while the request waits does not reach C either.
    with exchange.container.uow() as uow:
        services.reply(
            uow, exchange.caller(uow, "b_ct_analyst"), exchange.context, thread.id,
            ReplyIn(body="Перевозчики известны.", tlp=Tlp.AMBER, handling_code=HandlingCode.H2),
        )  # fmt: skip
        uow.commit()
    assert _c_sees(exchange, thread) == []

    _decide(exchange, "a_ct_supervisor", request_id, approve=True)
    with exchange.container.uow() as uow:
        shown = queries.thread_view(
            uow, exchange.caller(uow, "c_border_analyst"), exchange.context, thread.id
        )
        found = search.search(
            uow, exchange.caller(uow, "c_border_analyst"), exchange.context, "перевозчики",
            InboxFilter(),
        )  # fmt: skip
        uow.commit()
    assert shown.subject == SUBJECT
    assert [m.body for m in shown.messages] == [BODY, "Перевозчики известны."]
    assert [hit.thread.id for hit in found.items] == [thread.public_id]
    assert "UZ-SVC" in shown.recipients
    kinds = [event.kind for event in shown.timeline]
    assert "recipient-requested" in kinds
    assert "recipient-approved" in kinds


def test_a_refused_request_leaves_c_outside(exchange: Exchange) -> None:
    thread = _send(exchange)
    request_id = _request(exchange, "b_ct_liaison_officer", thread, agency="UZ-SVC", desk="CT")
    _decide(exchange, ORIGINATOR, request_id, approve=False)
    assert _c_sees(exchange, thread) == []
    with exchange.container.uow() as uow:
        row = uow.session.get(Dissemination, request_id)
        assert row is not None
        assert row.status == "refused"
        with pytest.raises(Conflict):
            dissemination.decide(
                uow, exchange.caller(uow, ORIGINATOR), exchange.context, request_id,
                DecisionIn(approve=True),
            )  # fmt: skip
    assert _c_sees(exchange, thread) == []


def test_only_the_originators_deciders_let_c_in(exchange: Exchange) -> None:
    thread = _send(exchange)
    request_id = _request(exchange, "b_ct_analyst", thread, agency="UZ-SVC")
    carried: list[AuditEvent] = []
    for login in ("b_ct_supervisor", "a_ct_analyst", "a_ct_auditor"):
        with refused(Forbidden, carried):
            _decide(exchange, login, request_id, approve=True)
    for login in ("c_ct_supervisor", "a_ct_administrator", "a_border_neutrality_reviewer"):
        with refused(NotFound, carried):
            _decide(exchange, login, request_id, approve=True)
    # A recipient cannot add C directly either.
    with exchange.container.uow() as uow, refused(Forbidden, carried):
        services.add_recipient(
            uow, exchange.caller(uow, "b_ct_supervisor"), exchange.context, thread.id,
            RecipientIn(agency="UZ-SVC"), None,
        )  # fmt: skip
    assert _c_sees(exchange, thread) == []
    assert {e.object_ref for e in carried} == {str(thread.id)}
    assert [e.actor_login for e in carried] == [
        "b_ct_supervisor", "a_ct_analyst", "a_ct_auditor",
        "c_ct_supervisor", "a_ct_administrator", "a_border_neutrality_reviewer",
        "b_ct_supervisor",
    ]  # fmt: skip


def test_a_guessed_request_number_reveals_neither_request_nor_thread(
    exchange: Exchange,
) -> None:
    thread = _send(exchange)
    request_id = _request(exchange, "b_ct_analyst", thread, agency="UZ-SVC")
    answers = []
    for guess in (request_id, request_id + 1000):
        with pytest.raises(NotFound) as refused:
            _decide(exchange, "c_ct_supervisor", guess, approve=True)
        answers.append((refused.value.message, refused.value.params))
    # The same words for both, and neither repeats the key asked for.
    assert answers == [("There is no such dissemination request.", {})] * 2


@pytest.mark.parametrize("tlp", [Tlp.AMBER_STRICT, Tlp.RED])
def test_amber_strict_and_red_take_no_onward_request(exchange: Exchange, tlp: Tlp) -> None:
    thread = _send(exchange, tlp=tlp)
    with pytest.raises(Forbidden):
        _request(exchange, "b_ct_liaison_officer", thread, agency="UZ-SVC")
    with exchange.container.uow() as uow:
        pending = dissemination.pending_for_thread(uow, thread.id)
    assert pending == []


def test_the_originator_may_address_c_itself(exchange: Exchange) -> None:
    thread = _send(exchange)
    with exchange.container.uow() as uow:
        services.add_recipient(
            uow, exchange.caller(uow, "a_ct_supervisor"), exchange.context, thread.id,
            RecipientIn(agency="UZ-SVC", desk="BORDER"), None,
        )  # fmt: skip
        uow.commit()
    assert _c_sees(exchange, thread) != []


def test_an_h1_thread_leaves_b_as_a_file_only_after_a_consents(exchange: Exchange) -> None:
    thread = _send(exchange, handling=HandlingCode.H1)
    with refused() as before_asking:
        _export(exchange, "b_ct_analyst", thread)
    request_id = _request(exchange, "b_ct_analyst", thread, purpose="export")
    with refused() as before_consent:
        _export(exchange, "b_ct_analyst", thread)
    # The export gate refuses, and says which door, destination and format it refused.
    for event in before_asking + before_consent:
        assert (event.action, event.actor_login) == ("egress:refused", "b_ct_analyst")
        assert (event.object_kind, event.object_ref) == ("thread", thread.public_id)
        assert event.detail == {
            "door": "exchange:thread-file", "destination": "reader", "format": "csv"
        }  # fmt: skip
    _decide(exchange, "a_ct_supervisor", request_id, approve=True)
    content = _export(exchange, "b_ct_analyst", thread).decode("utf-8")
    assert BODY in content
    assert "b_ct_analyst" in content  # the watermark names who exported it
    assert "H1" in content
    # Consent for an export adds nobody to the thread.
    assert _c_sees(exchange, thread) == []
    with exchange.container.uow() as uow:
        outcomes = uow.session.execute(
            select(AuditEntry.actor_login, AuditEntry.outcome).where(
                AuditEntry.action == "exchange:thread:export",
                AuditEntry.object_ref == str(thread.id),
            )
        ).all()
    assert outcomes == [("b_ct_analyst", "ok")]


def test_a_refused_export_request_gives_no_consent(exchange: Exchange) -> None:
    thread = _send(exchange, handling=HandlingCode.H2)
    request_id = _request(exchange, "b_ct_analyst", thread, purpose="export")
    _decide(exchange, ORIGINATOR, request_id, approve=False)
    with pytest.raises(Forbidden):
        _export(exchange, "b_ct_analyst", thread)


def test_the_provider_exports_its_own_and_h0_is_free(exchange: Exchange) -> None:
    own = _send(exchange, handling=HandlingCode.H2)
    assert BODY in _export(exchange, "a_ct_analyst", own).decode("utf-8")
    free = _send(exchange, handling=HandlingCode.H0)
    assert BODY in _export(exchange, "b_ct_analyst", free).decode("utf-8")


def test_red_is_never_exported(exchange: Exchange) -> None:
    red = _send(exchange, tlp=Tlp.RED, handling=HandlingCode.H0)
    for login in (ORIGINATOR, "a_ct_supervisor", "b_ct_analyst"):
        with pytest.raises(Forbidden):
            _export(exchange, login, red)
