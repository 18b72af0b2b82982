"""Token buckets of the API rate limit, on a clock the test moves."""

from __future__ import annotations

import pytest

from interagency.web.ratelimit import RateLimiter, process_share


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_up_to_the_rate_passes_and_the_next_waits() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, clock=clock)
    assert [limiter.retry_after("a") for _ in range(6)] == [0] * 6
    assert limiter.retry_after("a") == 10  # one request every 10 s at 6 a minute


def test_keys_are_counted_apart() -> None:
    limiter = RateLimiter(per_minute=1, clock=Clock())
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("b") == 0
    assert limiter.retry_after("a") > 0


def test_the_bucket_refills_with_time() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, clock=clock)
    for _ in range(60):
        limiter.retry_after("a")
    assert limiter.retry_after("a") == 1
    clock.now += 1.0
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("a") == 1


def test_refilled_buckets_are_forgotten_when_the_table_is_full() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, clock=clock)
    limiter.MAX_KEYS = 3  # type: ignore[misc]
    for key in "abc":
        limiter.retry_after(key)
    clock.now += 120
    limiter.retry_after("d")
    assert set(limiter._buckets) == {"d"}


@pytest.mark.parametrize(
    ("per_minute", "processes", "share"), [(300, 1, 300), (300, 2, 150), (10, 3, 3), (4, 4, 1)]
)
def test_each_process_gets_an_equal_share_that_never_adds_up_to_more(
    per_minute: int, processes: int, share: int
) -> None:
    assert process_share(per_minute, processes) == share
    assert process_share(per_minute, processes) * processes <= per_minute


@pytest.mark.parametrize(("per_minute", "processes"), [(3, 4), (10, 0)])
def test_a_limit_cannot_be_shared_by_more_processes_than_requests(
    per_minute: int, processes: int
) -> None:
    with pytest.raises(ValueError, match="cannot share"):
        process_share(per_minute, processes)
