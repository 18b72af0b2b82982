"""The scan hook: a stored file stays in quarantine until a scanner has passed it.

`NoopScanner` passes everything (the default: a deployment plugs in its own).
`CommandScanner` runs a command with the plaintext on its standard input, e.g. ClamAV's
`clamdscan --no-summary -` (exit 0: clean, 1: infected, anything else: the scan failed and
the file stays in quarantine for `scan_pending` to try again).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Verdict:
    clean: bool
    # For the audit trail when not clean: what the scanner found (no file content).
    reason: str = ""


class ScanFailed(RuntimeError):
    """The scanner could not judge the file; it stays in quarantine."""


class Scanner(Protocol):
    name: str

    def scan(self, content: Iterable[bytes], media_type: str) -> Verdict:
        """Judges the plaintext; raises `ScanFailed` when it cannot."""
        ...


class NoopScanner:
    name = "none"

    def scan(self, content: Iterable[bytes], media_type: str) -> Verdict:
        return Verdict(clean=True)


class CommandScanner:
    """Runs `command` with the file's plaintext on standard input."""

    CLEAN_EXIT = 0
    INFECTED_EXIT = 1

    def __init__(self, command: Sequence[str], timeout_seconds: float = 120) -> None:
        if not command:
            raise ValueError("the scan command is empty")
        self.command = list(command)
        self.name = command[0]
        self.timeout_seconds = timeout_seconds

    def scan(self, content: Iterable[bytes], media_type: str) -> Verdict:
        try:
            # The command is the operator's configuration, never user input.
            finished = subprocess.run(  # noqa: S603
                self.command,
                input=b"".join(content),
                capture_output=True,
                timeout=self.timeout_seconds,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ScanFailed(f"{self.name} did not run: {exc}") from exc
        if finished.returncode == self.CLEAN_EXIT:
            return Verdict(clean=True)
        if finished.returncode == self.INFECTED_EXIT:
            found = finished.stdout.decode("utf-8", "replace").strip().splitlines()
            return Verdict(clean=False, reason=(found[-1] if found else "infected")[:200])
        raise ScanFailed(f"{self.name} ended with exit code {finished.returncode}")
