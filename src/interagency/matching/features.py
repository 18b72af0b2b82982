"""Turn person records with our input columns into the columns the model compares.

Every name feature is computed here, in Python, before any engine sees the data, so
the comparisons are plain SQL (equality, Jaro-Winkler, Levenshtein) that run the
same on DuckDB and Spark with no user-defined functions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from typing import Final

import pandas as pd

from interagency.matching.fields import (
    FieldError,
    document_key,
    is_unknown_name_word,
    normalise_country,
    normalise_sex,
    parse_birth_date,
    usable_birth_date,
)
from interagency.matching.names.canonical import to_latin
from interagency.matching.names.groups import group_of_spelling
from interagency.matching.names.keys import (
    blocking_key_of_spelling,
    loose_blocking_key,
    spelling_key,
)
from interagency.matching.names.latin import detect_flavours
from interagency.matching.names.parse import (
    NameParts,
    is_confident,
    marker_gender,
    name_from_parts,
    parse_name,
    patronymic_suffix,
)

_MIN_STEM_DOCUMENT: Final = 6
# Below this many records per process, starting processes costs more than it saves.
PARALLEL_FROM_RECORDS: Final = 50_000
NAME_COLUMNS: Final = ("full_name", "given_name", "patronymic", "surname")
INPUT_COLUMNS: Final = ("id", *NAME_COLUMNS, "birth_date", "sex", "nationality", "passport")
FEATURE_COLUMNS: Final = (
    "unique_id",
    "given_sp",
    "given_bk",
    "given_grp",
    "given_init",
    "given_is_init",
    "surname_sp",
    "surname_bk",
    "surname_bkl",
    "surname_grp",
    "surname_form",
    "father_bk",
    "dob",
    "dob_y",
    "dob_m",
    "dob_d",
    "passport",
    "passport_stem",
    "passport_tail",
    "sex",
    "nationality",
)


class InputError(ValueError):
    """A record that cannot be read, with its 1-based row number and the value."""

    def __init__(self, message: str, row: int | None = None, column: str = "", value: str = ""):
        self.row = row
        self.column = column
        self.value = value
        self.message = message
        where = f"row {row}, column {column!r}, value {value!r}: " if row is not None else ""
        super().__init__(where + message)

    def __reduce__(self) -> tuple[type[InputError], tuple[str, int | None, str, str]]:
        # Raised in a worker process, it must arrive whole in the caller.
        return (InputError, (self.message, self.row, self.column, self.value))


@dataclass(frozen=True, slots=True)
class NameFeatures:
    given_sp: str
    given_bk: str
    given_grp: str
    given_init: str
    given_is_init: bool
    surname_sp: str
    surname_bk: str
    surname_bkl: str
    surname_grp: str
    surname_form: str
    father_bk: str


@lru_cache(maxsize=262144)
def name_features(parts: NameParts) -> NameFeatures:
    """Keys of each name part; empty strings where a part is absent."""
    # Each part is read in the spelling tradition that the whole name shows.
    whole = detect_flavours(" ".join((parts.given, parts.patronymic, parts.surname)))
    given_words = parts.given.split()
    given_sp = spelling_key(given_words[0], whole) if given_words else ""
    given_bk = blocking_key_of_spelling(given_sp)
    entered = given_words[0].rstrip(".") if given_words else ""
    surname_sp = spelling_key(parts.surname, whole) if parts.surname else ""
    return NameFeatures(
        given_sp=given_sp,
        given_bk=given_bk,
        given_grp=group_of_spelling(given_sp),
        # Initials compare on the blocking key: Y., E. and Е. all stand for Елена.
        given_init=given_bk[:1],
        given_is_init=bool(entered) and len(entered) <= 2 and len(given_bk) <= 1,
        surname_sp=surname_sp,
        surname_bk=blocking_key_of_spelling(surname_sp),
        surname_bkl=loose_blocking_key(surname_sp),
        surname_grp=group_of_spelling(surname_sp),
        # Russian-style female surnames end in -a (Ivanova, -skaya); the stem is shared.
        surname_form=("f" if surname_sp.endswith("a") else "m") if surname_sp else "",
        father_bk=father_key(parts.patronymic, whole),
    )


def father_key(patronymic: str, flavours: frozenset[str] | None = None) -> str:
    """Blocking key of the father's given name inside a patronymic (Ахмедович,
    Əhməd oğlu and Ahmad oʻgʻli all give the key of Ahmad)."""
    words = [w for w in patronymic.split() if not marker_gender(w)]
    if not words:
        return ""
    word = words[0]
    key = spelling_key(word, flavours)
    ending, _ = patronymic_suffix(word)
    if ending:
        key = key[: -len(ending)]
    if len(key) <= 1:
        return key  # an initial
    return blocking_key_of_spelling(group_of_spelling(key))


def parts_of_row(row: dict[str, str], given_hints: frozenset[str] = frozenset()) -> NameParts:
    full_name = _known_name(row.get("full_name", ""))
    if full_name:
        return parse_name(full_name, given_hints)
    return name_from_parts(
        _known_name(row.get("given_name", "")),
        _known_name(row.get("patronymic", "")),
        _known_name(row.get("surname", "")),
    )


def _known_name(value: str) -> str:
    """The name without the words that say a part is unknown (FNU Ivanov, N/A)."""
    return " ".join(word for word in value.split() if not is_unknown_name_word(word))


def check_columns(columns: list[str]) -> None:
    """Raise InputError when the required columns are missing."""
    if "id" not in columns:
        raise InputError(f"missing required column 'id' (columns found: {', '.join(columns)})")
    if not any(c in columns for c in NAME_COLUMNS):
        raise InputError(
            "missing a name column: need 'full_name' or any of 'given_name', "
            f"'patronymic', 'surname' (columns found: {', '.join(columns)})"
        )


def person_features(records: pd.DataFrame, workers: int = 1) -> pd.DataFrame:
    """Feature table (FEATURE_COLUMNS) for records with our input columns.

    With `workers` > 1 and a large table, the records are split between that many
    processes (names are parsed in Python, one core each); the result is the same.
    Raises InputError naming the row and value for an unreadable birth date or a
    missing id.
    """
    columns = [str(c) for c in records.columns]
    check_columns(columns)
    present = [c for c in INPUT_COLUMNS if c in columns]
    text = records[present].astype("string").fillna("")
    records_text = [
        dict(zip(present, values, strict=True))
        for values in zip(*(text[c].tolist() for c in present), strict=True)
    ]
    workers = max(1, min(workers, len(records_text) // PARALLEL_FROM_RECORDS))
    if workers == 1:
        hints = given_name_hints(records_text)
        rows = _features_of_rows(records_text, 1, hints)
    else:
        rows = _features_in_processes(records_text, workers)
    frame = pd.DataFrame(rows, columns=list(FEATURE_COLUMNS))
    numeric = ("dob_y", "dob_m", "dob_d", "passport_tail")
    for column in numeric:
        frame[column] = frame[column].astype("Int64")
    frame["given_is_init"] = frame["given_is_init"].astype(bool)
    # Empty strings become nulls so that the null levels of the model apply.
    for column in FEATURE_COLUMNS:
        if column not in ("unique_id", "given_is_init", *numeric):
            frame[column] = frame[column].replace("", None)
    return frame


def _features_of_rows(
    rows: list[dict[str, str]], first_number: int, hints: frozenset[str]
) -> list[dict[str, object]]:
    return [
        _record_features(number, row, hints) for number, row in enumerate(rows, start=first_number)
    ]


def _features_in_processes(rows: list[dict[str, str]], workers: int) -> list[dict[str, object]]:
    """The features of `rows` computed by `workers` processes, in order. The given-name
    hints are learnt from all rows (each process counts its share) before any name is
    split, so every process splits with the same hints as one process would."""
    size = -(-len(rows) // workers)
    chunks = [(rows[i : i + size], i + 1) for i in range(0, len(rows), size)]
    # Spawned, not forked: the caller may hold DuckDB or Spark threads, which a fork
    # would copy mid-flight.
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        counts = list(pool.map(name_counts, (chunk for chunk, _ in chunks)))
        given = sum((g for g, _ in counts), Counter[str]())
        surnames = sum((s for _, s in counts), Counter[str]())
        hints = hints_from_counts(given, surnames)
        parts = pool.map(
            _features_of_rows,
            [chunk for chunk, _ in chunks],
            [first for _, first in chunks],
            [hints] * len(chunks),
        )
        return [row for part in parts for row in part]


def given_name_hints(rows: list[dict[str, str]], min_count: int = 3) -> frozenset[str]:
    """Spelling keys that the data itself uses as given names: in separate
    given-name columns, or in whole names whose split does not depend on word order.
    They settle the order of names such as "Sultancw Serik" (a typo hides the
    surname ending)."""
    return hints_from_counts(*name_counts(rows), min_count=min_count)


def hints_from_counts(
    given: Counter[str], surnames: Counter[str], min_count: int = 3
) -> frozenset[str]:
    """The given-name hints of `given_name_hints` from counts of spelling keys."""
    return frozenset(k for k, n in given.items() if n >= min_count and n > surnames[k])


def name_counts(rows: list[dict[str, str]]) -> tuple[Counter[str], Counter[str]]:
    """How often each spelling key is a given name and a surname in names whose split
    is confident (see `given_name_hints`)."""
    given: Counter[str] = Counter()
    surnames: Counter[str] = Counter()
    for row in rows:
        full_name = row.get("full_name", "").strip()
        if full_name:
            parts = parse_name(full_name)
            if not is_confident(parts, full_name):
                continue
        else:
            parts = parts_of_row(row)
        words = to_latin(parts.given).split()
        if words and len(words[0]) > 1:
            given[spelling_key(words[0])] += 1
        if parts.surname:
            surnames[spelling_key(parts.surname)] += 1
    return given, surnames


def record_features(
    row: Mapping[str, str], hints: frozenset[str] = frozenset()
) -> dict[str, object]:
    """Features of one record with our input columns, as one row of `person_features`
    (None where that has a null). Raises InputError as `person_features` does."""
    text = {c: str(row.get(c) or "") for c in INPUT_COLUMNS}
    features = _record_features(1, text, hints)
    return {k: (None if v == "" and k != "unique_id" else v) for k, v in features.items()}


def _record_features(
    number: int, row: dict[str, str], hints: frozenset[str] = frozenset()
) -> dict[str, object]:
    record_id = row["id"].strip()
    if not record_id:
        raise InputError("empty id", number, "id", row["id"])
    try:
        birth = usable_birth_date(parse_birth_date(row.get("birth_date", "")))
    except FieldError as error:
        raise InputError(str(error), number, "birth_date", row["birth_date"]) from None
    names = name_features(parts_of_row(row, hints))
    document = document_key(row.get("passport", ""))
    return {
        "unique_id": record_id,
        **{k: getattr(names, k) for k in NameFeatures.__slots__},
        "dob": birth.iso if birth else None,
        "dob_y": birth.year if birth else None,
        "dob_m": birth.month if birth else None,
        "dob_d": birth.day if birth else None,
        "passport": document,
        # Stem and last digit tell consecutive numbers (documents issued together to
        # family members) from typing errors; short numbers would make huge blocks.
        "passport_stem": document[:-1] if len(document) >= _MIN_STEM_DOCUMENT else "",
        "passport_tail": int(document[-1]) if document[-1:].isdigit() else None,
        "sex": normalise_sex(row.get("sex", "")),
        "nationality": normalise_country(row.get("nationality", "")),
    }
