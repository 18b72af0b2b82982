"""`xcheck` refuses a table larger than it reads on one machine before reading it whole,
naming the limit, and names the line of a byte that is not UTF-8 without decoding the
whole file at once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from interagency.matching import tables
from interagency.matching.features import InputError

HEADER = "id,full_name,birth_date"


def _csv(path: Path, rows: int) -> Path:
    lines = [HEADER, *(f"{n},Иванов Иван,1980-01-02" for n in range(1, rows + 1))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_csv_of_more_rows_than_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_TABLE_ROWS", 3)
    assert len(tables.read_person_table(_csv(tmp_path / "three.csv", 3))) == 3
    with pytest.raises(InputError) as caught:
        tables.read_person_table(_csv(tmp_path / "four.csv", 4))
    assert caught.value.message == (
        "four.csv: more than 3 rows, more than xcheck reads on one machine; "
        "split it into several files"
    )


def test_a_csv_larger_than_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_TABLE_BYTES", 1024 * 1024)
    big = _csv(tmp_path / "big.csv", 40_000)
    assert big.stat().st_size > 1024 * 1024
    with pytest.raises(InputError, match=r"big.csv: more than 1 MiB of data"):
        tables.read_person_table(big)


def test_a_parquet_table_is_refused_by_the_rows_its_footer_declares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "MAX_TABLE_ROWS", 3)
    frame = pd.DataFrame({"id": ["1", "2", "3", "4"], "full_name": ["Ivan Ivanov"] * 4})
    frame.to_parquet(tmp_path / "four.parquet")
    with pytest.raises(InputError, match=r"four.parquet: more than 3 rows"):
        tables.read_person_table(tmp_path / "four.parquet")
    frame.head(3).to_parquet(tmp_path / "three.parquet")
    assert list(tables.read_person_table(tmp_path / "three.parquet")["id"]) == ["1", "2", "3"]


@pytest.mark.parametrize("bad_line", [2, 700, 1501])
def test_the_line_of_a_byte_not_in_utf8_is_found_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad_line: int
) -> None:
    monkeypatch.setattr(tables, "_CHUNK_BYTES", 1000)
    lines = [HEADER.encode()] + [f"{n},Иванов Иван,1980-01-02".encode() for n in range(1, 1501)]
    # "Иванов" in cp1251: c8 would open a UTF-8 pair, but e2 cannot close it.
    lines[bad_line - 1] = b"9,\xc8\xe2\xe0\xed\xee\xe2,1980-01-02"
    path = tmp_path / "cp1251.csv"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError) as caught:
        tables.read_person_table(path)
    assert caught.value.message == (
        f"cp1251.csv: not UTF-8 text at line {bad_line} (bytes c8); save the file as UTF-8"
    )
    assert caught.value.row == bad_line - 1
