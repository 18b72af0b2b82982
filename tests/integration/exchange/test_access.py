"""Opening, listing, counting and searching threads agree with the rules, for every user.

A (the originator) sends threads of every TLP to B, through a desk, a named user or the
whole agency; C is on none of them. Every user of every role at every desk of A, B and C
then opens each thread, lists the inbox, counts and searches; each answer is compared
with the oracle of `tests.support.exchange`, and every refusal must be in the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from interagency.audit import AuditEvent, refusal_of
from interagency.errors import Forbidden, NotFound
from interagency.exchange import inspection, queries, search
from interagency.exchange.access import access
from interagency.exchange.policy import Action
from interagency.exchange.queries import InboxFilter
from interagency.exchange.schemas import InspectionIn
from interagency.identity.models import Notification
from interagency.markings import HandlingCode, Tlp
from tests.support.exchange import MEMBERS, Address, Exchange, Sent, View, view_of

SUBJECT = "Запрос о маршруте контрабанды через границу"
BODY = "Просим сообщить сведения о маршруте и о перевозчиках."
AUTHOR = "a_ct_liaison_officer"
# DPOs who open an inspection of every thread before the others look.
INSPECTORS = ("a_border_dpo", "b_ct_dpo")
REASON = "Проверка соблюдения правил обработки персональных данных"


def _send_every_kind(exchange: Exchange) -> list[Sent]:
    sent = [
        exchange.send(
            AUTHOR,
            [Address("B", desk="CT")],
            tlp=tlp,
            handling=HandlingCode.H2,
            from_desk="CT",
            subject=SUBJECT,
            body=BODY,
        )
        for tlp in Tlp
    ]
    sent.append(
        exchange.send(
            AUTHOR,
            [Address("B", user="b_border_analyst")],
            tlp=Tlp.RED,
            from_desk="CT",
            subject=SUBJECT,
            body=BODY,
        )
    )
    # Sent by an author who names no sending desk: on RED nobody else at A is in.
    sent.append(
        exchange.send(
            "a_border_supervisor",
            [Address("B", desk="BORDER")],
            tlp=Tlp.RED,
            subject=SUBJECT,
            body=BODY,
        )
    )
    for tlp in (Tlp.GREEN, Tlp.AMBER_STRICT):
        sent.append(exchange.send(AUTHOR, [Address("B")], tlp=tlp, subject=SUBJECT, body=BODY))
    return sent


def _send_red(exchange: Exchange) -> Sent:
    return exchange.send(
        AUTHOR, [Address("B", desk="CT")], tlp=Tlp.RED, from_desk="CT", subject=SUBJECT, body=BODY
    )


def _inspect_everything(exchange: Exchange, threads: list[Sent]) -> None:
    with exchange.container.uow() as uow:
        for login in INSPECTORS:
            caller = exchange.caller(uow, login)
            for thread in threads:
                inspection.open_inspection(
                    uow, caller, exchange.context, thread.id, InspectionIn(reason=REASON)
                )
        uow.commit()


def _expected(login: str, thread: Sent) -> View:
    return view_of(MEMBERS[login], thread, inspecting=login in INSPECTORS)


def _seen_by_opening(
    exchange: Exchange, login: str, thread: Sent, refused: list[AuditEvent] | None = None
) -> tuple[View, View, View]:
    """What access(read), access(metadata) and thread_view answer, in oracle terms; the
    refusals the errors carry (for the handler to audit) are added to `refused`."""
    carried = [] if refused is None else refused
    with exchange.container.uow() as uow:
        caller = exchange.caller(uow, login)
        now = datetime.now(UTC)
        answers: list[View] = []
        for action in (Action.READ_CONTENT, Action.READ_METADATA):
            try:
                access(uow, caller, thread.id, action, now)
                answers.append("content" if action is Action.READ_CONTENT else "metadata")
            except Forbidden as exc:
                answers.append("metadata")
                carried.append(_refusal(exc))
            except NotFound as exc:
                answers.append("none")
                carried.append(_refusal(exc))
        try:
            shown = queries.thread_view(uow, caller, exchange.context, thread.id)
        except NotFound as exc:
            answers.append("none")
            carried.append(_refusal(exc))
        else:
            if shown.subject is None:
                assert shown.messages == []
                assert shown.restriction is None
                answers.append("metadata")
            else:
                assert shown.subject == SUBJECT
                assert shown.messages[0].body == BODY
                answers.append("content")
        uow.commit()
    return answers[0], answers[1], answers[2]


def _refusal(exc: Exception) -> AuditEvent:
    event = refusal_of(exc)
    assert event is not None, f"{exc!r} carries no refusal to audit"
    return event


def test_every_user_sees_each_thread_as_the_rules_say(exchange: Exchange) -> None:
    threads = _send_every_kind(exchange)
    _inspect_everything(exchange, threads)
    wrong = []
    for login in MEMBERS:
        for thread in threads:
            want = _expected(login, thread)
            # access(READ_METADATA) grants metadata to whoever may read the content.
            want_metadata: View = "metadata" if want == "content" else want
            got = _seen_by_opening(exchange, login, thread)
            if got != (want, want_metadata, want):
                wrong.append((login, thread.tlp.value, thread.recipients, got, want))
    assert wrong == []


def test_inbox_counts_and_search_list_exactly_what_each_user_may_see(
    exchange: Exchange,
) -> None:
    threads = _send_every_kind(exchange)
    _inspect_everything(exchange, threads)
    wrong: list[tuple[object, ...]] = []
    for login in MEMBERS:
        # Lists name threads by public id.
        visible = {
            t.public_id: _expected(login, t) for t in threads if _expected(login, t) != "none"
        }
        readable = {t.public_id for t in threads if _expected(login, t) == "content"}
        with exchange.container.uow() as uow:
            caller = exchange.caller(uow, login)
            listed = queries.inbox(uow, caller, exchange.context, InboxFilter(per_page=100))
            shown: dict[str, View] = {
                item.id: "metadata" if item.subject is None else "content" for item in listed.items
            }
            counted = queries.counts(uow, caller)
            found = search.search(
                uow, caller, exchange.context, "контрабанда", InboxFilter(per_page=100)
            )
            uow.commit()
        if shown != visible or listed.total != len(visible):
            wrong.append((login, "inbox", shown, visible))
        if sum(n for status, n in counted.items() if status != "overdue") != len(visible):
            wrong.append((login, "counts", counted, len(visible)))
        hits = {hit.thread.id for hit in found.items}
        if hits != readable or found.total != len(readable):
            wrong.append((login, "search", hits, readable))
        if any(SUBJECT not in hit.snippet and BODY[:20] not in hit.snippet for hit in found.items):
            wrong.append((login, "snippet", [hit.snippet for hit in found.items]))
    assert wrong == []


def test_every_refusal_carries_its_audit_event(exchange: Exchange) -> None:
    red = _send_red(exchange)
    refused: list[AuditEvent] = []
    for login in ("c_ct_liaison_officer", "a_border_analyst", "b_border_liaison_officer"):
        assert _seen_by_opening(exchange, login, red, refused) == ("none", "none", "none")
    seen = _seen_by_opening(exchange, "a_ct_auditor", red, refused)
    assert seen == ("metadata", "metadata", "metadata")
    assert {(e.outcome, e.object_kind, e.object_ref) for e in refused} == {
        ("denied", "thread", str(red.id))
    }
    denied = [(e.actor_login, e.action) for e in refused]
    assert sorted(denied) == sorted(
        [
            (login, action.value)
            for login in ("c_ct_liaison_officer", "a_border_analyst", "b_border_liaison_officer")
            for action in (Action.READ_CONTENT, Action.READ_METADATA, Action.READ_METADATA)
        ]
        + [("a_ct_auditor", Action.READ_CONTENT.value)]
    )


def test_a_guessed_thread_number_is_as_unknown_as_a_missing_one(exchange: Exchange) -> None:
    red = _send_red(exchange)
    with exchange.container.uow() as uow:
        caller = exchange.caller(uow, "c_ct_liaison_officer")
        with pytest.raises(NotFound) as hidden:
            queries.thread_view(uow, caller, exchange.context, red.id)
        with pytest.raises(NotFound) as missing:
            queries.thread_view(uow, caller, exchange.context, red.id + 1000)
    assert hidden.value.message == missing.value.message
    # Neither answer repeats the key asked for: keys are internal.
    assert hidden.value.params == missing.value.params == {}


def test_an_inspection_shows_content_for_its_time_and_tells_the_originator(
    exchange: Exchange,
) -> None:
    red = _send_red(exchange)
    assert _seen_by_opening(exchange, "b_border_dpo", red)[2] == "metadata"
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        with exchange.container.uow() as uow:
            opened = inspection.open_inspection(
                uow,
                exchange.caller(uow, "b_border_dpo"),
                exchange.context,
                red.id,
                InspectionIn(reason=REASON, minutes=30),
            )
            uow.commit()
        assert opened.expires_at == start + timedelta(minutes=30)
        assert _seen_by_opening(exchange, "b_border_dpo", red)[2] == "content"
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert _seen_by_opening(exchange, "b_border_dpo", red)[2] == "metadata"
    # A DPO of an agency that is not on the thread cannot inspect it, nor learn of it.
    with exchange.container.uow() as uow, pytest.raises(NotFound):
        inspection.open_inspection(
            uow,
            exchange.caller(uow, "c_ct_dpo"),
            exchange.context,
            red.id,
            InspectionIn(reason=REASON),
        )
    with exchange.container.uow() as uow:
        told = set(
            uow.session.scalars(
                select(Notification.user_id).where(Notification.kind == "exchange:inspected")
            )
        )
    assert exchange.users[AUTHOR] in told
    assert exchange.users["a_ct_dpo"] in told
    assert exchange.users["b_border_dpo"] not in told
