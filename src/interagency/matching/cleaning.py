"""Reading the person fields of a whole file as they come from real registries: a value
that cannot be used becomes missing for its field, the row is kept, and what was set
aside is reported (row, column, value, why).

This is for bulk input (`xcheck`, bulk uploads), where one bad value among thousands
must not stop the file and nobody is there to correct it; a form or a single API call
still refuses a bad value, because the person typing it can. `strict` restores
refusal for users who prefer it: a value that cannot be read at all stops the file;
placeholders and partial dates are still read as what they are.

Birth dates in one column may be written in several formats. Each column's dominant
format is learnt from its own values, tried first, then the others in the order of
DATE_FORMATS. Day-first and month-first slashed dates (03/04/1987) are told apart by
the column's unambiguous values (25/04/1987 is day-first); when the column does not
settle the order, an ambiguous date keeps only its year. A column that holds far more
births on 1 January than a day's share (JANUARY_FIRST_EXCESS) uses it for "year only",
and such dates keep only their year.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

import pandas as pd

from interagency.matching.features import NAME_COLUMNS, InputError
from interagency.matching.fields import (
    IN_THE_FUTURE,
    PartialDate,
    document_key,
    is_missing_word,
    is_unknown_name_word,
    normalise_document,
    normalise_sex,
    placeholder_date_reason,
)


class Why(StrEnum):
    """The kind of a value set aside; only UNREADABLE stops a strict reading."""

    UNREADABLE = "unreadable"
    PLACEHOLDER = "placeholder"
    PARTIAL = "partial"


@dataclass(frozen=True, slots=True)
class Reading:
    """A field's value as the engine will use it ("" for missing), and why the value
    as written was set aside ("" when it was used whole)."""

    value: str
    why: str = ""
    kind: Why | None = None


@dataclass(frozen=True, slots=True)
class SetAside:
    """A value not used (or used only in part): its row (the first row below the header
    is 1), column, the value as written, why, and what was kept of it."""

    row: int
    column: str
    value: str
    why: str
    kind: Why
    kept: str = ""


@dataclass(frozen=True, slots=True)
class DateFormat:
    name: str
    pattern: re.Pattern[str]
    order: str  # the order of the groups: "ymd", "dmy" or "mdy"

    def parts(self, text: str) -> tuple[int, int, int] | None:
        """(year, month, day) as written, or None when the text is not in this format."""
        match = self.pattern.match(text)
        if match is None:
            return None
        fields = dict(zip(self.order, (int(g) for g in match.groups()), strict=True))
        return fields["y"], fields["m"], fields["d"]


def _format(name: str, pattern: str, order: str) -> DateFormat:
    return DateFormat(name, re.compile(pattern), order)


# Registries that know only the year of birth write 1 January. In a column where it is
# this many times as common as a day's share of a year (and not a handful of rows), 1
# January keeps only its year; elsewhere it is a birthday like any other.
JANUARY_FIRST_EXCESS: Final = 3.0
_JANUARY_FIRST_MIN: Final = 3

DAY_FIRST: Final = _format("DD/MM/YYYY", r"^(\d{1,2})/(\d{1,2})/(\d{4})$", "dmy")
MONTH_FIRST: Final = _format("MM/DD/YYYY", r"^(\d{1,2})/(\d{1,2})/(\d{4})$", "mdy")
# The order in which formats are tried after a column's dominant one: the standard and
# the CIS habit first, the slashed and dashed forms of other registries after.
DATE_FORMATS: Final = (
    _format("YYYY-MM-DD", r"^(\d{4})-(\d{1,2})-(\d{1,2})$", "ymd"),
    _format("DD.MM.YYYY", r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", "dmy"),
    _format("YYYYMMDD", r"^(\d{4})(\d{2})(\d{2})$", "ymd"),
    DAY_FIRST,
    MONTH_FIRST,
    _format("DD-MM-YYYY", r"^(\d{1,2})-(\d{1,2})-(\d{4})$", "dmy"),
    _format("YYYY/MM/DD", r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$", "ymd"),
)
# A year alone, or a month and a year (the month is not compared on its own).
_YEAR_ONLY: Final = re.compile(
    r"^(?:(?:0?[1-9]|1[0-2])[./-])?(\d{4})$|^(\d{4})-(?:0?[1-9]|1[0-2])$"
)
# Exports from spreadsheets and databases append a midnight time to dates.
_MIDNIGHT: Final = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?$")
_TWO_DIGIT_YEAR: Final = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2}$")
_EXPECTED_DATES: Final = ", ".join(f.name for f in DATE_FORMATS) + " or YYYY"


class DateColumn:
    """Reads the birth dates of one column, its dominant format first."""

    def __init__(
        self,
        formats: Sequence[DateFormat],
        order_settled: bool,
        january_first_unknown: bool = False,
    ) -> None:
        self._formats = tuple(formats)
        self._order_settled = order_settled
        self._january_first_unknown = january_first_unknown
        self._cache: dict[str, Reading] = {}

    @classmethod
    def learn(cls, values: Iterable[str]) -> DateColumn:
        """The column's formats in the order to try them, and whether it writes 1 January
        for an unknown date, learnt from its values."""
        values = list(values)
        readable: Counter[str] = Counter()
        settled: Counter[str] = Counter()  # slashed dates only one order can read
        for text in {_bare(v) for v in values}:
            formats = [f for f in DATE_FORMATS if _valid(f.parts(text))]
            readable.update(f.name for f in formats)
            slashed = [f.name for f in formats if f in (DAY_FIRST, MONTH_FIRST)]
            if len(slashed) == 1:
                settled[slashed[0]] += 1
        first, second = DAY_FIRST, MONTH_FIRST
        if settled[MONTH_FIRST.name] > settled[DAY_FIRST.name]:
            first, second = MONTH_FIRST, DAY_FIRST
        documented = [first if f is DAY_FIRST else second if f is MONTH_FIRST else f
                      for f in DATE_FORMATS]  # fmt: skip
        # sorted() is stable: formats read equally often stay in the documented order.
        dominant = sorted(documented, key=lambda f: -readable[f.name])[0]
        rest = [f for f in documented if f is not dominant]
        column = cls([dominant, *rest], settled[DAY_FIRST.name] != settled[MONTH_FIRST.name])
        full = [d for v in values if len(d := column.read(v).value) == len("YYYY-MM-DD")]
        january_first = sum(d.endswith("-01-01") for d in full)
        if january_first >= _JANUARY_FIRST_MIN and (
            january_first > JANUARY_FIRST_EXCESS * len(full) / 365
        ):
            return cls(column._formats, column._order_settled, january_first_unknown=True)
        return column

    def read(self, value: str) -> Reading:
        """The date as YYYY-MM-DD or YYYY, or "" with the reason it was set aside."""
        if (cached := self._cache.get(value)) is None:
            cached = self._cache[value] = self._read(value)
        return cached

    def _read(self, value: str) -> Reading:
        text = _bare(value)
        if not text:
            return Reading("")
        if is_missing_word(text):
            return Reading("", "placeholder for an unknown value", Why.PLACEHOLDER)
        if match := _YEAR_ONLY.match(text):
            return self._checked(PartialDate(int(match.group(1) or match.group(2))))
        impossible = ""
        readings: list[tuple[DateFormat, tuple[int, int, int]]] = []
        for fmt in self._formats:
            parts = fmt.parts(text)
            if parts is None:
                continue
            if _valid(parts):
                readings.append((fmt, parts))
            elif not impossible:
                impossible = _impossible(parts)
        if not readings:
            if impossible:
                return Reading("", f"impossible date: {impossible}", Why.UNREADABLE)
            if _TWO_DIGIT_YEAR.match(text):
                return Reading("", "two-digit year: write the year in full", Why.UNREADABLE)
            return Reading("", f"not a date ({_EXPECTED_DATES})", Why.UNREADABLE)
        fmt, (year, month, day) = readings[0]
        if month == day == 0:
            return self._checked(PartialDate(year))
        # A slashed date the other order reads as another date (03/04, not 04/04).
        others = {
            (y, m, d) for f, (y, m, d) in readings[1:] if {f, fmt} == {DAY_FIRST, MONTH_FIRST}
        }
        if others - {(year, month, day)} and not self._order_settled:
            partial = self._checked(PartialDate(year))
            if partial.kind is not None:
                return partial
            return Reading(
                partial.value,
                "day and month order unknown, and the column does not settle it: kept the year",
                Why.PARTIAL,
            )
        return self._checked(PartialDate(year, month, day))

    def _checked(self, birth: PartialDate) -> Reading:
        """The date unless it is a placeholder; 1 January keeps only its year in a column
        that writes it for an unknown date."""
        if reason := placeholder_date_reason(birth):
            # A date to come is a slip, not a registry's way of writing "unknown".
            kind = Why.UNREADABLE if reason == IN_THE_FUTURE else Why.PLACEHOLDER
            return Reading("", reason, kind)
        if self._january_first_unknown and (birth.month, birth.day) == (1, 1):
            return Reading(
                f"{birth.year:04d}",
                "1 January, which this column writes for an unknown date: kept the year",
                Why.PARTIAL,
            )
        return Reading(birth.iso or f"{birth.year:04d}")


def _bare(value: str) -> str:
    return _MIDNIGHT.sub("", value.strip())


def _valid(parts: tuple[int, int, int] | None) -> bool:
    if parts is None:
        return False
    year, month, day = parts
    if month == day == 0:
        return True  # some registries write an unknown month and day as zeros
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _impossible(parts: tuple[int, int, int]) -> str:
    year, month, day = parts
    if not 1 <= month <= 12:
        return f"month {month}"
    return f"day {day} of {year:04d}-{month:02d}"


def read_document(value: str) -> Reading:
    text = value.strip()
    if not text:
        return Reading("")
    if is_missing_word(text):
        return Reading("", "placeholder for an unknown value", Why.PLACEHOLDER)
    number = normalise_document(text)
    if not number:
        return Reading("", "no letters or digits", Why.UNREADABLE)
    if not document_key(text):
        return Reading(
            "",
            "placeholder number (too short, one character repeated, or counting)",
            Why.PLACEHOLDER,
        )
    return Reading(text)


def read_sex(value: str) -> Reading:
    text = value.strip()
    if not text:
        return Reading("")
    if sex := normalise_sex(text):
        return Reading(sex)
    if is_missing_word(text) or text.lower() in {"u", "<"}:
        return Reading("", "placeholder for an unknown value", Why.PLACEHOLDER)
    return Reading("", "not a sex (M or F, male or female, м or ж)", Why.UNREADABLE)


def read_nationality(value: str) -> Reading:
    code = value.strip().upper()
    if not code:
        return Reading("")
    if code == "XXX" or is_missing_word(code):
        return Reading("", "placeholder for an unknown value", Why.PLACEHOLDER)
    if not re.fullmatch(r"[A-Z]{3}", code):
        return Reading("", "not an ISO 3166 alpha-3 code (RUS, KAZ, UZB)", Why.UNREADABLE)
    return Reading(code)


def read_name(value: str) -> Reading:
    text = value.strip()
    if not text:
        return Reading("")
    # Only placeholders: what else a name may hold is for the input's own checks.
    if all(is_unknown_name_word(word) for word in text.split()):
        return Reading("", "placeholder for an unknown name", Why.PLACEHOLDER)
    return Reading(text)


@dataclass(frozen=True)
class Cleaned:
    """A person table whose fields the engine can use, and what was set aside."""

    table: pd.DataFrame
    set_aside: tuple[SetAside, ...]

    def counts(self) -> dict[str, Counter[str]]:
        return counts_by_kind(self.set_aside)


def counts_by_kind(set_aside: Iterable[SetAside]) -> dict[str, Counter[str]]:
    """How many values of each column were set aside, by kind (unreadable, placeholder,
    partial)."""
    counts: dict[str, Counter[str]] = {}
    for entry in set_aside:
        counts.setdefault(entry.column, Counter())[entry.kind.value] += 1
    return counts


_READERS: Final[dict[str, Callable[[str], Reading]]] = {
    **dict.fromkeys(NAME_COLUMNS, read_name),
    "sex": read_sex,
    "nationality": read_nationality,
    "passport": read_document,
}


def read_person_fields(
    row: Mapping[str, str], dates: DateColumn, *, number: int
) -> tuple[dict[str, str], list[SetAside]]:
    """One row's person fields as the engine can use them, and what was set aside;
    the row's other columns are returned as they are. `dates` reads the file's
    birth-date column (learnt with `DateColumn.learn` over the whole column)."""
    readers = {**_READERS, "birth_date": dates.read}
    used = dict(row)
    set_aside = []
    for column, read in readers.items():
        value = row.get(column)
        if value is None:
            continue
        reading = read(value)
        used[column] = reading.value
        if reading.kind is not None:
            set_aside.append(
                SetAside(number, column, value, reading.why, reading.kind, reading.value)
            )
    return used, set_aside


def clean_people(table: pd.DataFrame, *, strict: bool = False) -> Cleaned:
    """The table with every person field readable by the engine, and what was set
    aside. With `strict`, raises InputError (row, column, value, why) for the first
    value that cannot be read at all."""
    cleaned = table.copy(deep=False)  # each column it changes is replaced, not written into
    set_aside: list[SetAside] = []
    for column in cleaned.columns:
        name = str(column)
        values = cleaned[column].fillna("").astype(str).tolist()
        read: Callable[[str], Reading]
        if name == "birth_date":
            read = DateColumn.learn(values).read
        elif name in _READERS:
            read = _READERS[name]
        else:
            continue
        readings = [read(value) for value in values]
        for row, (value, reading) in enumerate(zip(values, readings, strict=True), start=1):
            if reading.kind is None:
                continue
            if strict and reading.kind is Why.UNREADABLE:
                raise InputError(reading.why, row, name, value)
            set_aside.append(SetAside(row, name, value, reading.why, reading.kind, reading.value))
        cleaned[column] = [r.value for r in readings]
    set_aside.sort(key=lambda entry: entry.row)
    return Cleaned(cleaned, tuple(set_aside))
