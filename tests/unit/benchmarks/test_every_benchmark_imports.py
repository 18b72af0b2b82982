"""Every benchmark still loads: a benchmark is run by hand, seldom, and a helper it imports
from another one can change under it without anything else noticing."""

from __future__ import annotations

import pytest

from tests.unit.benchmarks.modules import BENCHMARKS, benchmark

SCRIPTS = sorted(path.stem for path in BENCHMARKS.glob("*.py"))


def test_the_folder_holds_the_benchmarks() -> None:
    assert {"export_gate", "movements", "exchange_load", "records_crosscheck"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_benchmark_loads_with_what_it_imports(name: str) -> None:
    module = benchmark(name)
    assert module.__doc__, f"{name}.py says what it measures in its docstring"
