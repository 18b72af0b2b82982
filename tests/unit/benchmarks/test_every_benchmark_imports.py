"""Every benchmark still loads: a benchmark is run by hand, seldom, and a helper it imports
from another one can change under it without anything else noticing. The packages of the
`bench` extra are installed only to run benchmarks, so a benchmark may lack one of them
here, and nothing else."""

from __future__ import annotations

import re
import tomllib

import pytest

from tests.unit.benchmarks.modules import BENCHMARKS, benchmark

SCRIPTS = sorted(path.stem for path in BENCHMARKS.glob("*.py"))
PROJECT = tomllib.loads((BENCHMARKS.parent / "pyproject.toml").read_text(encoding="utf-8"))
BENCH_ONLY = frozenset(
    re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("-", "_")
    for requirement in PROJECT["project"]["optional-dependencies"]["bench"]
)


def test_the_folder_holds_the_benchmarks() -> None:
    assert {
        "accreditation",
        "export_gate",
        "movements",
        "exchange_load",
        "records_crosscheck",
    } <= set(SCRIPTS)
    assert {"psutil", "rigour"} <= BENCH_ONLY


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_benchmark_loads_with_what_it_imports(name: str) -> None:
    try:
        module = benchmark(name)
    except ModuleNotFoundError as missing:
        lacking = (missing.name or "").split(".")[0].lower()
    else:
        assert module.__doc__, f"{name}.py says what it measures in its docstring"
        return
    assert lacking in BENCH_ONLY, f"{name}.py imports {lacking}, which nothing installs"
