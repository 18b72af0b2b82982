"""Pytest plugin: with CI=true, a skipped test fails the run (a skip would hide a missing part)."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


class SkipsFailInCI:
    def __init__(self) -> None:
        self.skipped: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped:
            self.skipped.append(report.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if in_ci() and self.skipped and exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if in_ci() and self.skipped:
            names = ", ".join(self.skipped[:10])
            terminalreporter.write_line(
                f"CI=true: {len(self.skipped)} skipped test(s) fail the run: {names}", red=True
            )


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SkipsFailInCI(), "interagency-skips-fail-in-ci")
