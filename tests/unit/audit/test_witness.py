"""Signed heads and the witness file, with a key made in the test's folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from interagency.audit import keys, witness
from interagency.audit.services import neutralise_formula

WHEN = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_a_signed_head_checks_and_any_change_is_refused(tmp_path: Path) -> None:
    key = keys.load_or_create_signing_key(tmp_path)
    trusted = keys.trusted_public_keys(tmp_path)
    path = tmp_path / "witness.jsonl"
    witness.append_line(path, witness.sign(key, 5, "ab" * 32, WHEN))
    line = json.loads(path.read_text())
    assert set(line) == {"seq", "entry_hash", "signed_at", "key_id", "signature"}
    assert line["signed_at"] == "2026-11-28T12:00:00.000000+00:00"
    heads, problems = witness.read_heads(path, trusted)
    assert (heads[0].seq, heads[0].entry_hash, problems) == (5, "ab" * 32, [])

    forged = dict(line, seq=6)
    path.write_text(json.dumps(line) + "\n" + json.dumps(forged) + "\nnot json\n")
    heads, problems = witness.read_heads(path, trusted)
    assert [head.seq for head in heads] == [5]
    assert [problem.source for problem in problems] == [
        "witness file line 2",
        "witness file line 3",
    ]
    assert "bad signature" in problems[0].reason


def test_a_head_signed_by_another_key_is_refused(tmp_path: Path) -> None:
    other = keys.load_or_create_signing_key(tmp_path / "other")
    keys.load_or_create_signing_key(tmp_path / "ours")
    path = tmp_path / "witness.jsonl"
    witness.append_line(path, witness.sign(other, 1, "cd" * 32, WHEN))
    heads, problems = witness.read_heads(path, keys.trusted_public_keys(tmp_path / "ours"))
    assert heads == []
    assert "unknown key" in problems[0].reason


def test_the_key_is_private_and_kept_across_loads(tmp_path: Path) -> None:
    first = keys.load_or_create_signing_key(tmp_path / "k")
    second = keys.load_or_create_signing_key(tmp_path / "k")
    assert keys.key_id(first.public_key()) == keys.key_id(second.public_key())
    assert (tmp_path / "k" / keys.PRIVATE_KEY_FILE).stat().st_mode & 0o777 == 0o600


def test_spreadsheet_formulas_are_neutralised() -> None:
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)"):
        assert neutralise_formula(cell) == "'" + cell
    assert neutralise_formula("plain") == "plain"
