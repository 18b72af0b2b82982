"""Helpers of the exchange load benchmark: percentiles, the arrival clock, the verdict on a
series of steps, CPU per request, and the reading of HTTP response heads."""

from __future__ import annotations

import pytest

from tests.unit.benchmarks.modules import benchmark

bench = benchmark("exchange_load")
http = benchmark("exchange_http")
cpu = benchmark("exchange_cpu")


def test_nearest_rank_percentiles_of_one_to_a_hundred() -> None:
    values = [float(v) for v in range(100, 0, -1)]  # order must not matter
    assert bench.percentile(values, 50) == 50.0
    assert bench.percentile(values, 95) == 95.0
    assert bench.percentile(values, 99) == 99.0
    assert bench.percentile(values, 100) == 100.0


def test_a_percentile_of_few_values_is_one_of_them() -> None:
    assert bench.percentile([7.0], 50) == 7.0
    # Four values: p50 is the 2nd smallest, p95 and p99 the largest.
    assert bench.percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.0
    assert bench.percentile([4.0, 1.0, 3.0, 2.0], 95) == 4.0


def test_no_values_have_no_percentile() -> None:
    with pytest.raises(ValueError, match="no values"):
        bench.percentile([], 50)
    with pytest.raises(ValueError, match="p must be"):
        bench.percentile([1.0], 0)


def test_arrivals_keep_each_operation_on_its_own_fixed_clock() -> None:
    schedule = http.arrivals({"post": 2, "inbox": 4}, duration=3)
    posts = [t for t, op in schedule if op == "post"]
    pages = [t for t, op in schedule if op == "inbox"]
    assert posts == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert pages == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75]
    assert [t for t, _ in schedule] == sorted(t for t, _ in schedule)


def test_arrivals_skip_an_operation_without_rate() -> None:
    assert http.arrivals({"post": 0, "inbox": 1}, duration=2) == [(0.0, "inbox"), (1.0, "inbox")]


def test_exchange_rates_keep_one_post_to_two_pages_and_one_thread_to_two_replies() -> None:
    rates = bench.exchange_rates(300)
    assert rates == pytest.approx({"thread": 100 / 3, "reply": 200 / 3, "inbox": 200})


def _summary(p95_ms: float, errors: int = 0) -> object:
    return bench.Summary(requests=10, errors=errors, p50_ms=1, p95_ms=p95_ms, p99_ms=p95_ms)


def test_the_sustained_rate_is_the_last_step_before_the_first_miss() -> None:
    steps = [
        (60.0, {"inbox": _summary(20), "reply": _summary(40)}),
        (120.0, {"inbox": _summary(50), "reply": _summary(99.9)}),
        (180.0, {"inbox": _summary(60), "reply": _summary(100)}),  # 100 is not under 100
        (240.0, {"inbox": _summary(10), "reply": _summary(10)}),  # after a miss: not counted
    ]
    assert bench.sustained(steps) == 120.0


def test_an_error_fails_a_step_however_fast() -> None:
    steps = [(60.0, {"inbox": _summary(5, errors=1)})]
    assert bench.sustained(steps) is None


def test_summaries_count_unexpected_statuses_as_errors() -> None:
    results = [
        http.Result("inbox", 0.010, 200),
        http.Result("inbox", 0.020, 500),
        http.Result("reply", 0.030, 201),
        http.Result("reply", 0.040, 0),
    ]
    summaries = bench.summarise(results)
    assert summaries["inbox"].errors == 1
    assert summaries["reply"].errors == 1
    assert summaries["all"].requests == 4
    assert summaries["all"].p50_ms == pytest.approx(20.0)
    assert summaries["reply"].statuses == {"201": 1, "0": 1}


def test_a_response_head_gives_status_and_length() -> None:
    head = b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nContent-Length: 42\r\n\r\n"
    assert http.parse_head(head) == (201, 42)
    assert http.parse_head(b"HTTP/1.1 204 No Content\r\n\r\n") == (204, 0)


def test_a_chunked_or_garbled_head_is_refused() -> None:
    with pytest.raises(http.ProtocolError):
        http.parse_head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    with pytest.raises(http.ProtocolError):
        http.parse_head(b"SSH-2.0-OpenSSH\r\n\r\n")


def test_a_request_carries_its_json_body_with_its_length() -> None:
    raw = http.request_bytes(
        "POST", "/api/v1/x", "127.0.0.1:9", {"Authorization": "Bearer t"}, b'{"a":1}'
    )
    assert raw == (
        b"POST /api/v1/x HTTP/1.1\r\nHost: 127.0.0.1:9\r\nAuthorization: Bearer t\r\n"
        b"Content-Type: application/json\r\nContent-Length: 7\r\n\r\n"
        b'{"a":1}'
    )


def test_merged_operations_are_summarised_together_and_apart() -> None:
    results = [
        http.Result("search:rare word", 0.010, 200),
        http.Result("search:common word", 0.030, 200),
        http.Result("search:common word", 0.050, 503),
    ]
    summaries = bench.summarise(results, merge={"search:": "search"})
    assert summaries["search"].requests == 3
    assert summaries["search"].errors == 1  # a search answers 200, whatever its kind
    assert summaries["search:common word"].requests == 2
    assert summaries["all"].requests == 3


def test_refusals_are_counted_apart_from_answers() -> None:
    results = [
        http.Result("inbox", 0.010, 200),
        http.Result("inbox", 0.001, 503),
        http.Result("inbox", 0.001, 503),
        http.Result("inbox", 30.0, 0),
    ]
    summary = bench.summarise(results)["inbox"]
    assert summary.answered == 1
    assert summary.refused == 2
    assert summary.errors == 3


def test_cpu_per_answered_request_adds_application_and_postgres() -> None:
    use = cpu.CpuUse(seconds={"app": 3.0, "postgres": 1.0}, client_seconds=0.5)
    found = bench.cpu_per_request(use, answered=500)
    assert found["app"] == pytest.approx(6.0)
    assert found["postgres"] == pytest.approx(2.0)
    assert found["both"] == pytest.approx(8.0)
    assert found["client"] == pytest.approx(1.0)
    assert found["postgres shared"] is None  # not measured: not reported as zero


def test_cpu_per_request_of_nothing_answered_is_unknown() -> None:
    found = bench.cpu_per_request(cpu.CpuUse(seconds={"app": 1.0, "postgres": 1.0}), 0)
    assert found["app"] is None
    assert found["both"] is None
