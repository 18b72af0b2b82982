"""CPU accounting of the exchange benchmark: reading /proc/<pid>/stat, grouping processes
and adding up what each spent during a phase."""

from __future__ import annotations

import os

import pytest

from tests.unit.benchmarks.modules import benchmark

cpu = benchmark("exchange_cpu")


def _stat_line(pid: int, name: str, ppid: int, pgrp: int, utime: int, stime: int) -> str:
    # Fields 3 to 17 of proc(5), then enough of the rest to look like the real thing.
    rest = ["S", ppid, pgrp, pgrp, 0, -1, 4194560, 10, 0, 0, 0, utime, stime, 3, 4, 20, 0, 1]
    return f"{pid} ({name}) " + " ".join(str(v) for v in rest)


def test_a_stat_line_gives_parent_group_and_user_plus_system_ticks() -> None:
    stat = cpu.parse_stat(_stat_line(4242, "postgres", 2228, 2228, 150, 25))
    assert stat == cpu.ProcStat(pid=4242, ppid=2228, pgrp=2228, ticks=175)


def test_a_command_name_with_spaces_and_parentheses_does_not_shift_the_fields() -> None:
    stat = cpu.parse_stat(_stat_line(7, "uv (worker) 1", 5, 5, 1000, 1))
    assert (stat.pid, stat.ppid, stat.pgrp, stat.ticks) == (7, 5, 5, 1001)


def test_this_process_reads_as_itself() -> None:
    stat = cpu.read_stat(os.getpid())
    assert stat is not None
    assert stat.ppid == os.getppid()
    assert stat.pgrp == os.getpgrp()


def test_a_phase_counts_each_process_from_its_first_reading_to_its_last() -> None:
    ledger = cpu.Ledger()
    tick = cpu.TICKS_PER_SECOND
    ledger.note(cpu.ProcStat(1, 0, 1, 10 * tick), "app", at_start=True)
    ledger.note(cpu.ProcStat(2, 0, 1, 5 * tick), "postgres", at_start=True)
    # A backend that started during the phase counts from zero; one that ended keeps
    # its last reading.
    ledger.note(cpu.ProcStat(3, 0, 1, 2 * tick), "postgres", at_start=False)
    ledger.note(cpu.ProcStat(1, 0, 1, 13 * tick), "app", at_start=False)
    ledger.note(cpu.ProcStat(2, 0, 1, 6 * tick), "postgres", at_start=False)
    assert ledger.seconds() == pytest.approx({"app": 3.0, "postgres": 3.0})


def test_the_servers_processes_are_its_process_group() -> None:
    classify = cpu.app_group(server_pid=900)
    assert classify(cpu.ProcStat(901, 900, 900, 0), lambda: "") == "app"
    assert classify(cpu.ProcStat(950, 1, 950, 0), lambda: "") is None


def test_postgres_backends_of_the_benchmarks_database_are_told_from_others() -> None:
    classify = cpu.postgres_groups(postmaster_pid=100, database="interagency_bench_7")

    def group(ppid: int, command: str) -> object:
        return classify(cpu.ProcStat(200, ppid, 200, 0), lambda: command)

    mine = "postgres: 15/main: postgres interagency_bench_7 127.0.0.1(5000) idle"
    assert group(100, mine) == "postgres"
    assert group(100, "postgres: 15/main: postgres interagency_bench_77 [local] idle") is None
    assert group(100, "postgres: 15/main: walwriter") == "postgres shared"
    assert group(101, mine) is None  # another server's


def test_the_first_classifier_that_knows_a_process_names_its_group() -> None:
    classify = cpu.combined(cpu.app_group(5), lambda stat, command: "other")
    assert classify(cpu.ProcStat(6, 5, 5, 0), lambda: "") == "app"
    assert classify(cpu.ProcStat(9, 1, 9, 0), lambda: "") == "other"
