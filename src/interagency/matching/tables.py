"""Reading person tables from CSV and Parquet files, with errors a person can act on."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import pandas as pd

from interagency.matching.features import INPUT_COLUMNS, InputError, check_columns

CSV_SUFFIXES: Final = frozenset({".csv", ".txt"})
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".pq"})


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
        try:
            frame = pd.read_parquet(path).astype("string")
        except (OSError, ValueError) as error:
            raise InputError(f"{path.name}: not a readable Parquet file ({error})") from None
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
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bad = data[error.start : error.end].hex(" ")
        raise InputError(
            f"{path.name}: not UTF-8 text at line {line} (bytes {bad}); save the file as UTF-8",
            row=line - 1,
        ) from None
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path.name}: not a readable CSV file ({error})") from None


def _check_ids(path: Path, frame: pd.DataFrame) -> None:
    ids = frame["id"].fillna("").astype(str).str.strip()
    for number, value in enumerate(ids, start=1):
        if not value:
            raise InputError(f"{path.name}: empty id", number, "id", value)
    repeated = ids.duplicated()
    if repeated.any():
        number = int(repeated.to_numpy().argmax()) + 1
        raise InputError(f"{path.name}: repeated id", number, "id", ids.iloc[number - 1])
