"""The command-line scanner: exit 0 passes, 1 rejects, anything else is a failed scan."""

from __future__ import annotations

import pytest

from interagency.filestore.scanning import CommandScanner, NoopScanner, ScanFailed

# Finds the word "EICAR" in the content it reads on standard input.
FINDS_EICAR = ["sh", "-c", "if grep -q EICAR; then echo 'stdin: EICAR FOUND'; exit 1; fi"]


def test_the_default_scanner_passes_everything() -> None:
    assert NoopScanner().scan([b"anything"], "text/plain").clean


def test_a_clean_file_passes_the_command() -> None:
    verdict = CommandScanner(FINDS_EICAR).scan([b"harmless ", b"text"], "text/plain")
    assert verdict.clean


def test_a_file_the_command_finds_infected_is_rejected_with_its_report() -> None:
    verdict = CommandScanner(FINDS_EICAR).scan([b"xx EIC", b"AR xx"], "text/plain")
    assert not verdict.clean
    assert verdict.reason == "stdin: EICAR FOUND"


def test_a_command_that_fails_or_is_missing_leaves_the_file_unjudged() -> None:
    with pytest.raises(ScanFailed, match="exit code 2"):
        CommandScanner(["sh", "-c", "cat >/dev/null; exit 2"]).scan([b"x"], "text/plain")
    with pytest.raises(ScanFailed, match="did not run"):
        CommandScanner(["/nonexistent/scanner"]).scan([b"x"], "text/plain")


def test_an_empty_command_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        CommandScanner([])
