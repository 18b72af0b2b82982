"""The CI rule itself: a skipped test fails the run only when CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
A_SKIPPING_TEST = """
import pytest

def test_passes():
    assert True

@pytest.mark.skip(reason="pretend a browser is missing")
def test_skipped():
    pass
"""


def run_pytest(folder: Path, ci: str) -> subprocess.CompletedProcess[str]:
    (folder / "test_sample.py").write_text(A_SKIPPING_TEST)
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "tests.support.ci_rules",
        "-q",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(folder),
        str(folder),
    ]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("ci", "expected_exit"), [("true", 1), ("false", 0), ("", 0)])
def test_a_skip_fails_the_run_only_in_ci(tmp_path: Path, ci: str, expected_exit: int) -> None:
    result = run_pytest(tmp_path, ci)
    assert result.returncode == expected_exit, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
