"""CPU time of the application's and PostgreSQL's processes during a phase, from /proc.

Each process's user and system time (`/proc/<pid>/stat`, fields 14 and 15) is read when
a phase begins, every quarter of a second while it runs, and when it ends; a process's
share is its last reading less its first (a process that started during the phase
counts from zero). Reading while the phase runs keeps the time of a PostgreSQL backend
that ends before the phase does: the pool closes the connections it opened beyond its
idle ones.

Which processes: the application is every process of the server's process group (the
uvicorn supervisor and its workers). PostgreSQL is every child of the postmaster whose
command line names the benchmark's database (its backends and autovacuum workers); the
server's shared processes (checkpointer, background writer, WAL writer) are counted
apart, since other databases on the same server use them too.
"""

from __future__ import annotations

import os
import resource
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.25
PROC = Path("/proc")
SHARED = ("checkpointer", "background writer", "walwriter", "autovacuum launcher")


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    pgrp: int
    ticks: int  # user + system time, in clock ticks


def parse_stat(line: str) -> ProcStat:
    """The fields of one /proc/<pid>/stat line that this module needs. The command name
    (field 2) is in parentheses and may itself hold spaces and parentheses, so the other
    fields are counted from its last closing parenthesis."""
    head, _, rest = line.rpartition(")")
    pid = int(head.split("(", 1)[0])
    fields = rest.split()
    # fields[0] is field 3 (state): ppid is field 4, pgrp 5, utime 14, stime 15.
    return ProcStat(pid, int(fields[1]), int(fields[2]), int(fields[11]) + int(fields[12]))


def read_stat(pid: int) -> ProcStat | None:
    try:
        return parse_stat((PROC / str(pid) / "stat").read_text())
    except (OSError, ValueError, IndexError):
        return None  # gone meanwhile, or not ours to read


def command_line(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def stats() -> Iterator[ProcStat]:
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (found := read_stat(int(entry.name))) is not None:
            yield found


# Which group a process belongs to (e.g. "app", "postgres"), or None to leave it out;
# the command line is read only when the classifier asks for it.
Classify = Callable[[ProcStat, Callable[[], str]], str | None]


def app_group(server_pid: int) -> Classify:
    """The server started in a session of its own: its group id is its pid."""
    return lambda stat, _command: "app" if stat.pgrp == server_pid else None


def postgres_groups(postmaster_pid: int, database: str) -> Classify:
    def classify(stat: ProcStat, command: Callable[[], str]) -> str | None:
        if stat.ppid != postmaster_pid:
            return None
        words = command()
        if database in words.split():
            return "postgres"
        if any(name in words for name in SHARED):
            return "postgres shared"
        return None

    return classify


def combined(*classifiers: Classify) -> Classify:
    def classify(stat: ProcStat, command: Callable[[], str]) -> str | None:
        for one in classifiers:
            if (group := one(stat, command)) is not None:
                return group
        return None

    return classify


@dataclass
class Ledger:
    """First and last reading of each process seen, by group."""

    first: dict[int, int] = field(default_factory=dict)
    last: dict[int, int] = field(default_factory=dict)
    group: dict[int, str] = field(default_factory=dict)

    def note(self, stat: ProcStat, group: str, *, at_start: bool) -> None:
        if stat.pid not in self.first:
            # A process first seen after the start began during the phase.
            self.first[stat.pid] = stat.ticks if at_start else 0
            self.group[stat.pid] = group
        self.last[stat.pid] = stat.ticks

    def seconds(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for pid, group in self.group.items():
            spent = (self.last[pid] - self.first[pid]) / TICKS_PER_SECOND
            totals[group] = totals.get(group, 0.0) + spent
        return totals


class Sampler:
    """Reads the classified processes' CPU time until stopped; `seconds` by group."""

    def __init__(self, classify: Classify) -> None:
        self._classify = classify
        self._ledger = Ledger()
        self._groups: dict[int, str | None] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._client_began = 0.0
        self.client_seconds = 0.0

    def _sample(self, *, at_start: bool = False) -> None:
        for stat in stats():
            # A process keeps its group: its command line is read once.
            if stat.pid not in self._groups:
                self._groups[stat.pid] = self._classify(stat, partial(command_line, stat.pid))
            group = self._groups[stat.pid]
            if group is not None:
                self._ledger.note(stat, group, at_start=at_start)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._sample()

    def start(self) -> None:
        self._client_began = _own_cpu()
        self._sample(at_start=True)
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.client_seconds = _own_cpu() - self._client_began
        return self._ledger.seconds()


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class CpuUse:
    """CPU seconds of a phase by group, and the load generator's own."""

    seconds: dict[str, float] = field(default_factory=dict)
    client_seconds: float = 0.0

    def per_request_ms(self, group: str, answered: int) -> float | None:
        if answered == 0 or group not in self.seconds:
            return None
        return self.seconds[group] * 1000 / answered


@contextmanager
def measured(classify: Classify) -> Iterator[CpuUse]:
    """CPU used by the classified processes while the block runs."""
    use = CpuUse()
    sampler = Sampler(classify)
    sampler.start()
    try:
        yield use
    finally:
        use.seconds = sampler.stop()
        use.client_seconds = sampler.client_seconds


def per_request(use: CpuUse, answered: int) -> Mapping[str, float | None]:
    """Milliseconds of CPU per answered request: application, PostgreSQL, both."""
    app = use.per_request_ms("app", answered)
    database = use.per_request_ms("postgres", answered)
    both = None if app is None or database is None else app + database
    return {"app": app, "postgres": database, "both": both}
