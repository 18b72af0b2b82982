"""Progress of long commands: a live bar on a terminal, plain lines without one."""

from __future__ import annotations

from io import StringIO

import pytest
from rich.console import Console

from interagency.progress import progress_of


class Clock:
    """Time that passes only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def plain() -> tuple[Console, StringIO]:
    buffer = StringIO()
    return Console(file=buffer, width=40), buffer


def lines(buffer: StringIO) -> list[str]:
    return buffer.getvalue().splitlines()


def test_without_a_terminal_a_line_at_each_tenth_then_the_closing_line() -> None:
    out, buffer = plain()
    clock = Clock()
    with progress_of("reindex", 50, out=out, clock=clock) as meter:
        for _ in range(50):
            meter.advance()
        clock.now += 3.0

    assert lines(buffer) == [
        "reindex: 0/50 (0%)",
        "reindex: 5/50 (10%)",
        "reindex: 10/50 (20%)",
        "reindex: 15/50 (30%)",
        "reindex: 20/50 (40%)",
        "reindex: 25/50 (50%)",
        "reindex: 30/50 (60%)",
        "reindex: 35/50 (70%)",
        "reindex: 40/50 (80%)",
        "reindex: 45/50 (90%)",
        "reindex: 50/50 (100%), finished in 3.0 s",
    ]
    assert "\x1b" not in buffer.getvalue()


def test_a_line_longer_than_the_console_is_not_wrapped() -> None:
    out, buffer = plain()
    with progress_of("re-wrapping the data keys of every agency", 2, out=out, clock=Clock()) as m:
        m.reached(2)
    assert lines(buffer)[-1] == (
        "re-wrapping the data keys of every agency: 2/2 (100%), finished in 0.0 s"
    )


def test_with_an_unknown_total_lines_come_with_time_and_at_each_stage() -> None:
    out, buffer = plain()
    clock = Clock()
    with progress_of("xcheck", out=out, every=10.0, clock=clock) as meter:
        meter.advance(100)  # too soon for a line
        clock.now += 10.0
        meter.advance(100)
        clock.now += 4.0
        meter.advance(100)  # too soon again
        meter.stage("scoring")
        clock.now += 10.0
        meter.advance(0)  # time passed, but nothing was done: nothing to say
        clock.now += 61.0

    assert lines(buffer) == [
        "xcheck: started",
        "xcheck: 200",
        "xcheck: scoring",
        "xcheck: scoring, finished in 1 min 25 s",
    ]


def test_a_stage_with_its_own_total_counts_from_zero() -> None:
    out, buffer = plain()
    with progress_of("xcheck", out=out, clock=Clock()) as meter:
        meter.stage("reading", 2)
        meter.advance()
        meter.advance()
        meter.stage("features", 3000)
        meter.advance(1000)
        meter.advance(2000)

    assert lines(buffer) == [
        "xcheck: started",
        "xcheck: reading: 0/2 (0%)",
        "xcheck: reading: 1/2 (50%)",
        "xcheck: features: 0/3000 (0%)",
        "xcheck: features: 1000/3000 (33%)",
        "xcheck: features: 3000/3000 (100%), finished in 0.0 s",
    ]


def test_a_service_callback_may_learn_the_total_late() -> None:
    out, buffer = plain()
    with progress_of("rescreen", out=out, clock=Clock()) as meter:
        for done in range(5):
            meter.reached(done, 4)

    assert lines(buffer) == [
        "rescreen: started",
        "rescreen: 0/4 (0%)",
        "rescreen: 1/4 (25%)",
        "rescreen: 2/4 (50%)",
        "rescreen: 3/4 (75%)",
        "rescreen: 4/4 (100%), finished in 0.0 s",
    ]


def test_work_that_fails_says_where_it_stopped() -> None:
    out, buffer = plain()
    clock = Clock()

    def rotate() -> None:
        with progress_of("keys rotate", 4, out=out, clock=clock) as meter:
            meter.advance()
            clock.now += 12.4
            raise RuntimeError("the key store went away")

    with pytest.raises(RuntimeError):
        rotate()
    assert lines(buffer)[-1] == "keys rotate: 1/4 (25%), stopped after 12 s"


def test_nothing_to_do_is_all_done() -> None:
    out, buffer = plain()
    with progress_of("reindex", 0, out=out, clock=Clock()):
        pass
    assert lines(buffer) == ["reindex: 0/0 (100%)", "reindex: 0/0 (100%), finished in 0.0 s"]


def test_on_a_terminal_a_live_bar_with_counts_and_rate() -> None:
    buffer = StringIO()
    terminal = Console(file=buffer, force_terminal=True, force_interactive=True, width=100)
    with progress_of("reindex", 40, out=terminal) as meter:
        for _ in range(40):
            meter.advance()

    drawn = buffer.getvalue()
    assert "\x1b[" in drawn  # drawn in place, with colours
    assert "━" in drawn  # the bar
    assert "40/40" in drawn
    assert "100%" in drawn
    assert "/s" in drawn  # the rate
    assert "finished in" not in drawn  # the bar itself stays as the last word


def test_a_terminal_that_cannot_redraw_gets_plain_lines() -> None:
    buffer = StringIO()
    dumb = Console(file=buffer, force_terminal=True, force_interactive=False, width=100)
    with progress_of("reindex", 1, out=dumb, clock=Clock()) as meter:
        meter.advance()
    assert lines(buffer) == ["reindex: 0/1 (0%)", "reindex: 1/1 (100%), finished in 0.0 s"]
