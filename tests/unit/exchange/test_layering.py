"""The web layer knows no feature: the exchange registers what the page shell shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from interagency.exchange.web_context import SHELL_COUNTS, new_incoming
from interagency.web.app import SHELL_COUNTS as ASSEMBLED

ROOT = Path(__file__).resolve().parents[3]


def test_the_web_layer_imports_no_feature() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--contract", "web-knows-no-feature", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KEPT" in done.stdout


def test_the_exchange_registers_its_navigation_count() -> None:
    assert SHELL_COUNTS["exchange_new"] is new_incoming
    assert ASSEMBLED["exchange_new"] is new_incoming
