"""Reading person tables from CSV and Parquet files, with errors a person can act on.

A table is refused before it is read whole when it is larger than xcheck reads on one
machine: MAX_TABLE_BYTES on disk (or, for Parquet, once decompressed, as its footer
declares) and MAX_TABLE_ROWS rows, counted while reading. The benchmark's million
persons a side fit in some 8 GiB; the limits leave five times that room.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import pandas as pd

from interagency.matching.features import INPUT_COLUMNS, InputError, check_columns

CSV_SUFFIXES: Final = frozenset({".csv", ".txt"})
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".pq"})
MAX_TABLE_ROWS: Final = 5_000_000
MAX_TABLE_BYTES: Final = 2 * 1024 * 1024 * 1024
_CHUNK_BYTES: Final = 1024 * 1024


def parse_renames(pairs: list[str]) -> dict[str, str]:
    """`OURS=THEIRS` options as {their column: our column}.

    Raises ValueError naming the bad option.
    """
    renames: dict[str, str] = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not sep or not ours or not theirs:
            raise ValueError(f"expected OURS=THEIRS, got {pair!r}")
        if ours not in INPUT_COLUMNS:
            raise ValueError(
                f"{ours!r} is not one of our columns ({', '.join(INPUT_COLUMNS)}) in {pair!r}"
            )
        renames[theirs] = ours
    return renames


def read_person_table(path: Path, renames: Mapping[str, str] | None = None) -> pd.DataFrame:
    """All columns of a CSV (UTF-8) or Parquet file as strings, renamed to ours.

    Raises InputError for an unknown file type, a bad encoding (with the row), a
    missing required column, or an empty or repeated id (with the row).
    """
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        frame = _read_csv(path)
    elif suffix in PARQUET_SUFFIXES:
        frame = _read_parquet(path)
    else:
        raise InputError(f"{path.name}: expected a .csv or .parquet file")
    frame = frame.rename(columns=dict(renames or {}))
    try:
        check_columns([str(c) for c in frame.columns])
    except InputError as error:
        raise InputError(f"{path.name}: {error}") from None
    _check_ids(path, frame)
    return frame.fillna("")


def _read_csv(path: Path) -> pd.DataFrame:
    _check_bytes(path, path.stat().st_size)
    try:
        frame = pd.read_csv(
            path,
            encoding="utf-8-sig",
            compression=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            nrows=MAX_TABLE_ROWS + 1,
        )
    except UnicodeDecodeError:
        line, bad = _first_bad_byte(path)
        raise InputError(
            f"{path.name}: not UTF-8 text at line {line} (bytes {bad}); save the file as UTF-8",
            row=line - 1,
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path.name}: not a readable CSV file ({error})") from None
    _check_rows(path, len(frame))
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        # The footer declares the rows and their decompressed size: checked before reading.
        metadata = pq.ParquetFile(path).metadata
        _check_rows(path, metadata.num_rows)
        unpacked = sum(
            metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups)
        )
        _check_bytes(path, max(unpacked, path.stat().st_size))
        return pd.read_parquet(path).astype("string")
    except InputError:
        raise
    except (OSError, ValueError) as error:
        raise InputError(f"{path.name}: not a readable Parquet file ({error})") from None


def _check_bytes(path: Path, size: int) -> None:
    if size > MAX_TABLE_BYTES:
        raise InputError(
            f"{path.name}: more than {MAX_TABLE_BYTES // (1024 * 1024)} MiB of data, more "
            "than xcheck reads on one machine; split it into several files"
        )


def _check_rows(path: Path, rows: int) -> None:
    if rows > MAX_TABLE_ROWS:
        raise InputError(
            f"{path.name}: more than {MAX_TABLE_ROWS} rows, more than xcheck reads on one "
            "machine; split it into several files"
        )


def _first_bad_byte(path: Path) -> tuple[int, str]:
    """The line of the first byte that is not UTF-8, and the bytes, read in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    line = 1
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK_BYTES):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                # After at most three held-back bytes of an unfinished character, none
                # of them a newline, the decoder's input is the chunk.
                before = error.object[: error.start]
                return line + before.count(b"\n"), error.object[error.start : error.end].hex(" ")
            line += chunk.count(b"\n")
    return line, ""


def _check_ids(path: Path, frame: pd.DataFrame) -> None:
    ids = frame["id"].fillna("").astype(str).str.strip()
    for number, value in enumerate(ids, start=1):
        if not value:
            raise InputError(f"{path.name}: empty id", number, "id", value)
    repeated = ids.duplicated()
    if repeated.any():
        number = int(repeated.to_numpy().argmax()) + 1
        raise InputError(f"{path.name}: repeated id", number, "id", ids.iloc[number - 1])
