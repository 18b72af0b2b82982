"""Nobody who knows a login can keep its owner out: the back-off holds the guessing address."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import time_machine
from fastapi import FastAPI
from fastapi.testclient import TestClient

from interagency.identity.throttle import source_of
from tests.support.identity import PASSWORD, Council, submit

OWNER_ADDRESS = "198.51.100.20"


@contextmanager
def browser_at(app: FastAPI, address: str) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, client=(address, 40000)) as client:
        yield client


def try_password(client: TestClient, password: str) -> int:
    answer = submit(client, "/login", "/login", username="ru_analyst", password=password)
    return answer.status_code


def owner_signs_in(app: FastAPI, council: Council) -> int:
    """The owner, at their own desk, types the right password and then the right code."""
    with browser_at(app, OWNER_ADDRESS) as owner:
        assert try_password(owner, PASSWORD) == 303
        return submit(
            owner, "/login/code", "/login/code", code=council.code("ru_analyst")
        ).status_code


def test_four_wrong_tries_elsewhere_hold_the_guesser_not_the_owner(
    app: FastAPI, council: Council
) -> None:
    with (
        time_machine.travel(datetime.now(UTC), tick=False),
        browser_at(app, "203.0.113.9") as guesser,
    ):
        assert [try_password(guesser, "wrong") for _ in range(4)] == [401, 401, 401, 429]
        # The guesser is held even with the right password: the wait says nothing of it.
        assert try_password(guesser, PASSWORD) == 429
        assert owner_signs_in(app, council) == 303


def test_a_wrong_try_every_quarter_hour_never_keeps_the_owner_out(
    app: FastAPI, council: Council
) -> None:
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        with browser_at(app, "203.0.113.10") as guesser:
            for _ in range(12):  # three hours of patient guessing, just inside each wait
                clock.shift(timedelta(minutes=14))
                try_password(guesser, "wrong")
        assert owner_signs_in(app, council) == 303


def test_guessing_from_many_addresses_is_slowed_and_the_owner_still_gets_in(
    app: FastAPI, council: Council
) -> None:
    with time_machine.travel(datetime.now(UTC), tick=False):
        for n in range(10):  # one try each: no address alone comes near its back-off
            with browser_at(app, f"203.0.113.{100 + n}") as guesser:
                assert try_password(guesser, "wrong") == 401
        # Past 10 failures the account is under attack: an address waits after its first.
        with browser_at(app, "203.0.113.200") as guesser:
            assert try_password(guesser, "wrong") == 429
            assert try_password(guesser, PASSWORD) == 429
        assert owner_signs_in(app, council) == 303


def test_the_owners_own_mistakes_are_counted_at_the_owners_address(
    app: FastAPI, council: Council
) -> None:
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        with browser_at(app, OWNER_ADDRESS) as owner:
            assert [try_password(owner, "typo") for _ in range(4)] == [401, 401, 401, 429]
            assert try_password(owner, PASSWORD) == 429
            clock.shift(timedelta(seconds=3))
        assert owner_signs_in(app, council) == 303


def test_an_ipv6_client_is_counted_by_its_64_and_ipv4_by_its_address() -> None:
    assert source_of("2001:db8:1:2:aaaa::1") == source_of("2001:db8:1:2:ffff::9")
    assert source_of("2001:db8:1:2::1") != source_of("2001:db8:1:3::1")
    assert source_of("192.0.2.1") != source_of("192.0.2.2")
    assert source_of(None) is None
