"""`xcheck` end to end: CSV and Parquet in, pairs out, a model saved and reused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.support.xcheck import app, runner

from .people import population

pytestmark = pytest.mark.slow


def test_link_two_files_then_reuse_the_saved_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for forces_a_terminal in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(forces_a_terminal, raising=False)
    a, b, truth = population(seed=11, persons=200)
    a.to_csv(tmp_path / "a.csv", index=False)
    # Their column names differ from ours, and B comes as Parquet.
    b.rename(columns={"full_name": "name", "birth_date": "dob"}).to_parquet(tmp_path / "b.parquet")
    model = tmp_path / "model.json"
    args = [
        "xcheck", str(tmp_path / "a.csv"), str(tmp_path / "b.parquet"),
        "--out", str(tmp_path / "pairs.csv"), "--model", str(model),
        "--column", "full_name=name", "--column", "birth_date=dob",
    ]  # fmt: skip
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output + first.stderr
    assert model.exists()
    pairs = pd.read_csv(tmp_path / "pairs.csv", dtype=str)
    assert list(pairs.columns) == ["a_id", "b_id", "probability"]
    found = set(zip(pairs["a_id"], pairs["b_id"], strict=True))
    assert len(found & truth) / len(truth) >= 0.95
    # Not a terminal: each stage as a plain line, counting the records read and the
    # pairs written.
    progress = first.stderr.splitlines()
    assert "xcheck: reading: 0/2 (0%)" in progress
    assert f"xcheck: features: 0/{len(a) + len(b)} (0%)" in progress
    assert "xcheck: training" in progress
    assert "xcheck: scoring" in progress
    assert f"xcheck: writing: {len(pairs)}/{len(pairs)} (100%), finished in" in first.stderr
    assert "\x1b" not in first.stderr

    saved = model.read_text(encoding="utf-8")
    second = runner.invoke(app, [*args, "--threshold", "0.9"])
    assert second.exit_code == 0, second.output + second.stderr
    assert model.read_text(encoding="utf-8") == saved  # reused, not retrained
    assert "xcheck: estimating the prior" in second.stderr.splitlines()
    strict = pd.read_csv(tmp_path / "pairs.csv")
    assert (strict["probability"] >= 0.9).all()
    assert len(strict) <= len(pairs)


def test_deduplicate_one_file(tmp_path: Path) -> None:
    a, b, truth = population(seed=12, persons=150)
    pd.concat([a, b]).to_csv(tmp_path / "all.csv", index=False)
    result = runner.invoke(
        app, ["xcheck", str(tmp_path / "all.csv"), "--out", str(tmp_path / "dupes.csv")]
    )
    assert result.exit_code == 0, result.output + result.stderr
    pairs = pd.read_csv(tmp_path / "dupes.csv", dtype=str)
    found = {tuple(sorted(p)) for p in zip(pairs["a_id"], pairs["b_id"], strict=True)}
    assert len(found & {tuple(sorted(p)) for p in truth}) / len(truth) >= 0.9
