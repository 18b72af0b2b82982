"""The progress of a long command: a bar on a terminal, plain lines in logs.

Apart from `terminal` so that the linkage engine's command, which may not import the
database, shows its progress the same way as every other command.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

# Without a terminal (cron, CI, a log file) a line is written at each tenth of the work
# and otherwise at most this often, so a log shows a long run is alive without flooding.
PROGRESS_LINE_EVERY: Final = 10.0


class Meter(Protocol):
    """Where a long command reports how far it is. `reached` has the shape of a
    service's `progress(done, total)` callback, so a meter can be handed to one."""

    def advance(self, count: int = 1) -> None:
        """`count` more items are done."""

    def reached(self, done: int, total: int | None = None) -> None:
        """`done` items are done in all, of `total` when it is known (learned late, or
        changed)."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage begins, counting from zero; `total` items when known."""


@contextmanager
def progress_of(
    label: str,
    total: int | None = None,
    *,
    out: Console | None = None,
    every: float = PROGRESS_LINE_EVERY,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[Meter]:
    """The progress of `label` while the block runs: a bar (done of total, rate, time
    left) on a terminal, plain lines without one, ending with a line that says whether
    the work finished or stopped. Progress goes to standard error by default, so that
    what a command prints as its result stays apart from it."""
    out = out or Console(stderr=True)
    # A live bar redraws itself: only on a terminal that can (not a dumb one, nor one
    # declared non-interactive with TTY_INTERACTIVE=0).
    meter: _Bar | _Lines = (
        _Bar(out, label, total) if out.is_interactive else _Lines(out, label, total, every, clock)
    )
    finished = False
    try:
        yield meter
        finished = True
    finally:
        meter.close(finished)


class _Rate(ProgressColumn):
    """Items a second: rich's own speed column counts bytes."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")


class _Bar:
    def __init__(self, out: Console, label: str, total: int | None) -> None:
        self._label = label
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            _Rate(),
            TimeRemainingColumn(),
            console=out,
        )
        self._progress.start()
        self._task = self._progress.add_task(label, total=total)

    def advance(self, count: int = 1) -> None:
        self._progress.advance(self._task, count)

    def reached(self, done: int, total: int | None = None) -> None:
        if total is None:
            self._progress.update(self._task, completed=done)
        else:
            self._progress.update(self._task, completed=done, total=total)

    def stage(self, name: str, total: int | None = None) -> None:
        # A fresh task, as rich keeps a known total through reset and the rate is the
        # new stage's own.
        self._progress.remove_task(self._task)
        self._task = self._progress.add_task(f"{self._label}: {name}", total=total)

    def close(self, finished: bool) -> None:
        self._progress.stop()


class _Lines:
    """Plain lines with no control codes, for logs."""

    def __init__(
        self,
        out: Console,
        label: str,
        total: int | None,
        every: float,
        clock: Callable[[], float],
    ) -> None:
        self._out, self._label, self._every, self._clock = out, label, every, clock
        self._stage: str | None = None
        self._total = total
        self._done = 0
        self._started = clock()
        self._said_done: int | None = None
        self._said_total: int | None = None
        self._said_tenth: int | None = None
        self._said_at = self._started
        self._say(self._line() if total is not None else f"{label}: started")

    def advance(self, count: int = 1) -> None:
        self.reached(self._done + count)

    def reached(self, done: int, total: int | None = None) -> None:
        self._done = done
        if total is not None:
            self._total = total
        if self._due():
            self._say(self._line())

    def stage(self, name: str, total: int | None = None) -> None:
        self._stage, self._total, self._done = name, total, 0
        self._say(self._line())

    def close(self, finished: bool) -> None:
        took = _duration(self._clock() - self._started)
        self._say(f"{self._line()}, {'finished in' if finished else 'stopped after'} {took}")

    def _due(self) -> bool:
        if self._total != self._said_total:
            return True  # learned, or changed: worth a line at once
        if self._done == self._said_done:
            return False
        if self._total is not None and self._done >= self._total:
            return False  # the closing line says it
        return self._tenth() != self._said_tenth or self._clock() - self._said_at >= self._every

    def _tenth(self) -> int | None:
        if self._total is None:
            return None
        return 10 if self._total <= 0 else min(10, self._done * 10 // self._total)

    def _line(self) -> str:
        head = self._label if self._stage is None else f"{self._label}: {self._stage}"
        if self._total is not None:
            share = 100 if self._total <= 0 else min(100, self._done * 100 // self._total)
            return f"{head}: {self._done}/{self._total} ({share}%)"
        return f"{head}: {self._done}" if self._done else head

    def _say(self, line: str) -> None:
        self._said_done, self._said_total = self._done, self._total
        self._said_tenth, self._said_at = self._tenth(), self._clock()
        self._out.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)


def _duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, seconds_left = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {seconds_left} s"
    hours, minutes_left = divmod(minutes, 60)
    return f"{hours} h {minutes_left} min"
