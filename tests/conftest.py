"""Suite-wide rules: a fixed Hypothesis budget, and in CI a skipped test fails the run."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ["tests.support.databases", "tests.support.web"]

# At least 200 examples per property in every run, CI or not: the budget is fixed so a
# run is as thorough on a fast machine as on a slow one, and no deadline flakes.
settings.register_profile(
    "interagency",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("interagency")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and _skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if IN_CI and _skipped:
        terminalreporter.write_line(
            f"CI=true: {len(_skipped)} skipped test(s) fail the run: " + ", ".join(_skipped[:10]),
            red=True,
        )
