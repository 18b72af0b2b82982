"""`xcheck` on a dirty file: every row kept, every unusable value listed, and pairs
explained field by field."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from interagency.matching.model import SHIPPED_MODEL
from tests.support.xcheck import app, runner

from .people import population

pytestmark = pytest.mark.slow


# One of each kind of dirty value, written into B over a true pair's own values.
DIRTY = {
    "birth_date": ["19450493", "0000-00-00", "1900-01-01", "N/A", "31.02.1981", "12.03.87"],
    "passport": ["000000", "123456789", "N/A", "XXXXXXX"],
}


def _dirty_b(b: pd.DataFrame) -> tuple[pd.DataFrame, dict[tuple[int, str], str]]:
    """B with dirty values in its first rows; {(row, column): value written}."""
    b = b.copy()
    written: dict[tuple[int, str], str] = {}
    row = 0
    for column, values in DIRTY.items():
        for value in values:
            b.loc[b.index[row], column] = value
            written[(row + 1, column)] = value
            row += 1
    # Mixed formats in the same column, which must still be read.
    for offset, fmt in enumerate(("%d.%m.%Y", "%Y%m%d", "%Y-%m-%d 00:00:00")):
        index = b.index[row + offset]
        when = pd.Timestamp(b.loc[index, "birth_date"])
        b.loc[index, "birth_date"] = when.strftime(fmt)
    return b, written


def test_a_dirty_file_links_and_reports_what_it_set_aside(tmp_path: Path) -> None:
    a, b, truth = population(seed=21, persons=200)
    b, written = _dirty_b(b)
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    out = tmp_path / "pairs.csv"
    args = ["xcheck", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--out", str(out)]
    result = runner.invoke(app, [*args, "--model", str(SHIPPED_MODEL), "--explain"])
    assert result.exit_code == 0, result.output + result.stderr

    rejects = pd.read_csv(tmp_path / "pairs.rejects.csv", dtype=str, keep_default_na=False)
    listed = {(int(r.row), r.column): r.value for r in rejects.itertuples() if r.file == "b.csv"}
    assert listed == written
    assert (rejects["why"] != "").all()
    kinds = dict(zip(rejects["value"], rejects["kind"], strict=True))
    assert (kinds["19450493"], kinds["0000-00-00"], kinds["000000"]) == (
        "unreadable",
        "placeholder",
        "placeholder",
    )
    assert "b.csv: 10 values set aside: birth_date 6" in " ".join(result.stderr.split())

    pairs = pd.read_csv(out, dtype={"a_id": str, "b_id": str}, keep_default_na=False)
    found = set(zip(pairs["a_id"], pairs["b_id"], strict=True))
    assert len(found & truth) / len(truth) >= 0.95
    # The explanation adds up: the prior and each field's weight give the probability.
    prior = _prior_weight(pairs)
    for pair in pairs.itertuples():
        weights = sum(getattr(pair, f"{field}_weight") for field in FIELDS)
        probability = 1 / (1 + 2 ** -(prior + weights))
        assert math.isclose(probability, pair.probability, abs_tol=0.01)
    assert set(pairs["birth_date_level"]) >= {"Exact match on dob", "no value on one side"}


FIELDS = ("surname", "given_name", "patronymic", "birth_date", "passport", "sex", "nationality")


def _prior_weight(pairs: pd.DataFrame) -> float:
    """The prior that xcheck estimated, read back from any pair far from 0 and 1."""
    middle = pairs[(pairs["probability"] > 0.05) & (pairs["probability"] < 0.95)]
    row = (middle if len(middle) else pairs).iloc[0]
    total = sum(row[f"{field}_weight"] for field in FIELDS)
    p = min(max(row["probability"], 1e-6), 1 - 1e-6)
    return math.log2(p / (1 - p)) - total


def test_strict_refuses_the_same_file(tmp_path: Path) -> None:
    a, b, _ = population(seed=22, persons=40)
    b, _ = _dirty_b(b)
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    args = ["xcheck", str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]
    result = runner.invoke(
        app, [*args, "--out", str(tmp_path / "p.csv"), "--model", str(SHIPPED_MODEL), "--strict"]
    )
    assert result.exit_code == 2
    assert "row 1, column 'birth_date', value '19450493'" in " ".join(result.stderr.split())
