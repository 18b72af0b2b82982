"""Subscriptions to read more than the daily limit: asked for by one person of the reading
agency, decided by another, a supervisor of it who neither asked nor reads; listed for the
reading agency, the asker, and the DPOs of the agencies whose data it has read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from interagency.db import new_public_id
from interagency.egress import Door, Item, release, services
from interagency.egress.models import Subscription, SubscriptionStatus
from interagency.egress.schemas import SubscriptionOut, Verdict
from interagency.errors import Conflict, Forbidden, InvalidInput, NotFound
from interagency.markings import HandlingCode, Tlp
from tests.integration.egress.conftest import (
    FEED,
    Gate,
    asking,
    third_party_key,
)
from tests.support.audit_trail import audit_actions
from tests.support.refusals import refused


def decide(gate: Gate, login: str, key: int, verdict: Verdict = Verdict.APPROVE) -> str:
    with gate.container.uow() as uow:
        row = services.decide_subscription(uow, gate.caller(uow, login), key, verdict)
        uow.commit()
        return row.status


def listed(gate: Gate, login: str) -> list[SubscriptionOut]:
    with gate.container.uow() as uow:
        rows = services.list_subscriptions(uow, gate.caller(uow, login))
        uow.commit()
    return rows


def read_threads(gate: Gate, login: str, owners: list[str]) -> None:
    """One bulk read through the exchange's list door of threads owned by `owners`."""
    items = [
        Item(kind="thread", ref=new_public_id(), owner_agency_id=gate.council.agencies[owner],
             tlp=Tlp.GREEN, handling=HandlingCode.H0)
        for owner in owners
    ]  # fmt: skip
    with gate.container.uow() as uow:
        release(uow, gate.caller(uow, login), Door.THREAD_LIST, items, fmt="json")
        uow.commit()


def test_one_asks_another_approves(gate: Gate) -> None:
    key = gate.ask("ru_liaison")
    [shown] = listed(gate, "ru_liaison")
    assert (shown.reader, shown.asked_by, shown.status) == (FEED, "ru_liaison", "pending")
    assert (shown.may_decide, shown.may_end) == (False, True)
    [for_supervisor] = listed(gate, "ru_supervisor")
    assert (for_supervisor.may_decide, for_supervisor.may_end) == (True, True)
    assert decide(gate, "ru_supervisor", key) == SubscriptionStatus.APPROVED.value
    with gate.container.uow() as uow:
        row = uow.session.get(Subscription, key)
        assert row is not None
        assert row.decided_by_id == gate.council.users["ru_supervisor"]
        assert row.purpose == "Сверка журнала пограничных событий"
    assert [(a, who) for a, _, who in audit_actions(gate.container, "egress:subscription:")
            if not a.endswith(":list")] == [
        ("egress:subscription:ask", "ru_liaison"),
        ("egress:subscription:approve", "ru_supervisor"),
    ]  # fmt: skip


def test_the_asker_does_not_approve_their_own(gate: Gate) -> None:
    key = gate.ask("ru_supervisor", reader="ru_supervisor")
    with gate.container.uow() as uow, refused() as events:
        services.decide_subscription(uow, gate.caller(uow, "ru_supervisor"), key, Verdict.APPROVE)
    assert events[0].action == "egress:subscription:decide"
    assert decide(gate, "ru_supervisor2", key, Verdict.REFUSE) == "refused"


def test_the_reader_does_not_approve(gate: Gate) -> None:
    """A subscription asked for a supervisor by someone else (as an older row could be):
    the supervisor who would read under it still does not decide."""
    with gate.container.uow() as uow:
        row = Subscription(
            agency_id=gate.council.agencies["RU-SVC"],
            reader_user_id=gate.council.users["ru_supervisor"],
            door=Door.THREAD_LIST.value, daily_limit=100,
            valid_until=date.today() + timedelta(days=5),
            asked_by_id=gate.council.users["ru_liaison"],
        )  # fmt: skip
        row.purpose = "Сверка"
        uow.session.add(row)
        uow.commit()
        key = row.id
    with gate.container.uow() as uow, refused():
        services.decide_subscription(uow, gate.caller(uow, "ru_supervisor"), key, Verdict.APPROVE)
    assert decide(gate, "ru_supervisor2", key) == "approved"


@pytest.mark.parametrize("login", ["ru_admin", "ru_auditor", "sec_admin", "ru_liaison", "ru_dpo"])
def test_who_is_no_supervisor_does_not_decide(gate: Gate, login: str) -> None:
    key = gate.ask("ru_analyst", reader="ru_analyst")
    with gate.container.uow() as uow, refused():
        services.decide_subscription(uow, gate.caller(uow, login), key, Verdict.APPROVE)


def test_another_agencys_supervisor_is_answered_as_if_there_were_none(gate: Gate) -> None:
    key = gate.ask("ru_liaison")
    with gate.container.uow() as uow, refused(NotFound) as events:
        services.decide_subscription(uow, gate.caller(uow, "kz_supervisor"), key, Verdict.APPROVE)
    assert events[0].object_ref == str(key)
    with gate.container.uow() as uow, refused(NotFound):
        services.end_subscription(uow, gate.caller(uow, "kz_supervisor"), key)
    assert listed(gate, "kz_supervisor") == []


def test_a_dpo_of_another_agency_sees_it_once_it_read_their_data(gate: Gate) -> None:
    key = gate.ask("ru_liaison")
    decide(gate, "ru_supervisor", key)
    assert listed(gate, "kz_dpo") == []
    # Within the limit nothing is read under the subscription.
    read_threads(gate, FEED, ["KZ-SVC", "RU-SVC"])
    assert listed(gate, "kz_dpo") == []
    read_threads(gate, FEED, ["KZ-SVC", "RU-SVC"])  # the 3rd and 4th objects of the day
    [seen] = listed(gate, "kz_dpo")
    assert (seen.agency, seen.reached, seen.purpose) == (
        "RU-SVC", ["KZ-SVC", "RU-SVC"], "Сверка журнала пограничных событий",
    )  # fmt: skip
    # Who reads and who asked stay within the reading agency.
    assert (seen.reader, seen.asked_by, seen.may_decide, seen.may_end) == (None, None, False, False)
    assert listed(gate, "kz_liaison") == []
    [own] = listed(gate, "ru_dpo")
    assert own.reached == ["KZ-SVC", "RU-SVC"]


def test_the_asker_or_a_supervisor_ends_it(gate: Gate) -> None:
    first = gate.ask("ru_liaison")
    decide(gate, "ru_supervisor", first)
    with gate.container.uow() as uow, refused():
        services.end_subscription(uow, gate.caller(uow, "ru_dpo"), first)
    # A colleague who neither asked nor leads does not even see it.
    with gate.container.uow() as uow, refused(NotFound):
        services.end_subscription(uow, gate.caller(uow, "ru_analyst"), first)
    with gate.container.uow() as uow:
        services.end_subscription(uow, gate.caller(uow, "ru_liaison"), first)
        uow.commit()
    second = gate.ask("ru_analyst", reader="ru_analyst")
    with gate.container.uow() as uow:
        services.end_subscription(uow, gate.caller(uow, "ru_supervisor2"), second)
        uow.commit()
        with pytest.raises(Conflict):
            services.end_subscription(uow, gate.caller(uow, "ru_supervisor2"), second)
        with pytest.raises(Conflict):
            services.decide_subscription(
                uow, gate.caller(uow, "ru_supervisor"), second, Verdict.APPROVE
            )
    statuses = {row.id: row.status for row in listed(gate, "ru_supervisor")}
    assert sorted(statuses.values()) == ["ended", "ended"]


def test_an_ended_subscription_no_longer_lifts_the_limit(gate: Gate) -> None:
    key = gate.ask("ru_liaison")
    decide(gate, "ru_supervisor", key)
    read_threads(gate, FEED, ["RU-SVC"] * 4)
    with gate.container.uow() as uow:
        services.end_subscription(uow, gate.caller(uow, "ru_supervisor"), key)
        uow.commit()
    with pytest.raises(Forbidden):
        read_threads(gate, FEED, ["RU-SVC"])


def test_a_second_ask_for_the_same_reader_and_door_waits_for_the_first(gate: Gate) -> None:
    gate.ask("ru_liaison")
    with pytest.raises(Conflict):
        gate.ask("ru_supervisor")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"daily_limit": 3}, InvalidInput),  # not above the configured limit
        ({"valid_until": (date.today() - timedelta(days=1)).isoformat()}, InvalidInput),
        ({"valid_until": (date.today() + timedelta(days=366)).isoformat()}, InvalidInput),
        ({"third_party": new_public_id()}, InvalidInput),
    ],
)
def test_the_terms_are_checked(gate: Gate, changes: dict[str, object], error: type) -> None:
    with gate.container.uow() as uow, pytest.raises(error):
        services.ask_subscription(uow, gate.caller(uow, "ru_liaison"), asking(FEED, **changes))


@pytest.mark.parametrize(
    "changes",
    [{"daily_limit": 1_000_001}, {"door": Door.THREAD_FILE.value}, {"purpose": " "}],
)
def test_the_request_itself_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        asking(FEED, **changes)


def test_the_longest_subscription_runs_a_year(gate: Gate) -> None:
    last = (date.today() + timedelta(days=365)).isoformat()
    key = gate.ask("ru_liaison", daily_limit=1_000_000, valid_until=last)
    assert decide(gate, "ru_supervisor", key) == "approved"


def test_the_reader_is_oneself_or_a_service_account_of_ones_agency(gate: Gate) -> None:
    with gate.container.uow() as uow:
        ru = gate.caller(uow, "ru_liaison")
        with pytest.raises(InvalidInput):
            services.ask_subscription(uow, ru, asking("ru_analyst"))
        with refused(NotFound) as events:
            services.ask_subscription(uow, ru, asking("kz_liaison"))
        assert events[0].object_kind == "user"
        with pytest.raises(NotFound):
            services.ask_subscription(uow, ru, asking("nobody-here"))


def test_a_service_account_does_not_ask_for_itself(gate: Gate) -> None:
    with gate.container.uow() as uow, refused():
        services.ask_subscription(uow, gate.caller(uow, FEED), asking(FEED))


@pytest.mark.parametrize("login", ["ru_admin", "ru_auditor", "ru_dpo"])
def test_who_does_not_read_content_does_not_ask(gate: Gate, login: str) -> None:
    with gate.container.uow() as uow, refused():
        services.ask_subscription(uow, gate.caller(uow, login), asking(login))


def test_an_approval_needs_its_third_party_still_registered(gate: Gate) -> None:
    party = gate.register()
    key = gate.ask("ru_liaison", third_party=party)
    with gate.container.uow() as uow:
        services.withdraw_third_party(
            uow, gate.caller(uow, "sec_officer"), third_party_key(gate.container, party)
        )
        uow.commit()
    with pytest.raises(Conflict):
        decide(gate, "ru_supervisor", key)
    with gate.container.uow() as uow:
        status = uow.session.scalar(select(Subscription.status).where(Subscription.id == key))
    assert status == "pending"


def test_a_subscription_to_a_third_party_needs_the_owners_consent(gate: Gate) -> None:
    party = gate.register()
    key = gate.ask("ru_liaison", third_party=party)
    decide(gate, "ru_supervisor", key)
    items = [
        Item(kind="thread", ref=new_public_id(), owner_agency_id=gate.council.agencies[owner],
             tlp=Tlp.GREEN, handling=HandlingCode.H0)
        for owner in ("RU-SVC", "KZ-SVC")
    ]  # fmt: skip
    with gate.container.uow() as uow:
        receipt = release(uow, gate.caller(uow, FEED), Door.THREAD_LIST, items, fmt="json")
        uow.commit()
    assert [receipt.passed(item.ref) for item in items] == [True, False]
