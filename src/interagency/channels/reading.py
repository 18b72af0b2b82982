"""Reading interception reports from an analyst's CSV file: the command line's input.

The file is UTF-8 (a byte-order mark is tolerated), one report a row, with the columns
`REQUIRED_COLUMNS` and, optionally, `OPTIONAL_COLUMNS`; a cell holds several values
separated by ";". Files come from many agencies' spreadsheets, so a bad value never
stops the file: it is set aside as a `Reject` naming its line, column and what to fix,
and the rest is read. Only a missing column stops it (`ReportsError`): without it no row
can be read as meant.

What a bad value costs is as little as possible: a bad item of a multi-valued or
optional column is dropped and the report kept; a report without a usable id, reporting
state or date is dropped whole, as nothing can be said of it. Identifiers are checked by
the rules that later resolve them (`identifiers`) and kept as written.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final, TextIO

from interagency.channels import identifiers, reference
from interagency.channels.reports import Direction, Report

REQUIRED_COLUMNS: Final = (
    "report_id",
    "agency",
    "date",
    "crossing_point",
    "origin",
    "transit",
    "destination",
    "modus",
    "migrants",
    "migrant_nationalities",
    "facilitators",
    "phones",
    "vehicle_plates",
    "documents",
)
OPTIONAL_COLUMNS: Final = ("transfers", "direction")
VALUE_SEPARATOR: Final = ";"

# Bounds that keep one file's reading within memory and time on an analyst's machine,
# and a mistaken file (a pasted document, a binary) from being read as millions of values.
MAX_ROWS: Final = 2_000_000
MAX_VALUES_PER_CELL: Final = 64
MAX_CELL_CHARS: Final = 1_000
# A group larger than this in one interception is a typing error, not a group.
MAX_MIGRANTS: Final = 100_000
# How much of a rejected value the rejects file repeats.
SHOWN_CHARS: Final = 100

# Resolves one written identifier to its key, None when it cannot (`identifiers`).
_KeyOf = Callable[[str], str | None]

_ISO_DATE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DOTTED_DATE: Final = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})")
_COUNT: Final = re.compile(r"[0-9]{1,9}")


class ReportsError(ValueError):
    """The file cannot be read at all: a required column is missing."""


@dataclass(frozen=True, slots=True)
class Reject:
    """A value, or a whole row, set aside, and why: what the analyst should fix."""

    row: int  # the file's line number, the header being line 1
    column: str  # "" when the row as a whole is at fault
    value: str
    why: str


@dataclass
class Read:
    """What a file gave: the reports kept and what was set aside, in file order."""

    reports: list[Report] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def read_reports(source: Path | TextIO) -> Read:
    """Read the reports of a CSV file (a path, or an open text stream), streaming its rows.

    Raises `ReportsError` naming the missing required columns; any other problem is a
    `Reject` in the result. Bytes that are not UTF-8 in a file read by path reject the
    values they fall in."""
    if isinstance(source, Path):
        # "replace" rather than failing: a stray byte then costs one value, not the file.
        with source.open(encoding="utf-8-sig", errors="replace", newline="") as file:
            return _read(file)
    return _read(source)


def write_rejects(rejects: Iterable[Reject], target: Path) -> int:
    """Write the rejects as CSV (`row,column,value,why`); return how many were written."""
    written = 0
    with target.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(("row", "column", "value", "why"))
        for reject in rejects:
            writer.writerow((reject.row, reject.column, reject.value, reject.why))
            written += 1
    return written


# --- The file -----------------------------------------------------------------------------


def _read(file: TextIO) -> Read:
    read = Read()
    records = _records(file)
    _, header = next(records, (1, []))
    if isinstance(header, csv.Error):
        raise ReportsError(f"the header line is not readable as CSV: {header}")
    checker = _RowChecker(_columns(header, read.rejects), len(header), read.rejects)
    rows = 0
    for line, cells in records:
        if isinstance(cells, csv.Error):
            read.rejects.append(
                Reject(line, "", "", f"not readable as CSV ({cells}): check quotes")
            )
            continue
        if not any(cell.strip() for cell in cells):
            continue
        rows += 1
        if rows > MAX_ROWS:
            why = f"more than {MAX_ROWS:,} reports: split the file; the rest was not read"
            read.rejects.append(Reject(line, "", "", why))
            break
        report = checker.report(line, cells)
        if report is not None:
            read.reports.append(report)
    return read


def _records(file: TextIO) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """Each record with the line it begins on (a quoted value may span lines), or the
    error that made it unreadable: the reader goes on at the next line."""
    reader = csv.reader(file)
    while True:
        line = reader.line_num + 1
        try:
            yield line, next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, error


def _columns(header: list[str], rejects: list[Reject]) -> Mapping[str, int]:
    """Each known column's position; unknown and repeated columns are reported, not read."""
    known = frozenset(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    positions: dict[str, int] = {}
    for position, written in enumerate(header):
        name = written.strip().lstrip("\ufeff").strip().lower()
        if not name:
            continue
        if name not in known:
            rejects.append(Reject(1, name, "", "unknown column: it is not read"))
        elif name in positions:
            rejects.append(
                Reject(1, name, "", "column named twice in the header: only the first is read")
            )
        else:
            positions[name] = position
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise ReportsError(f"required columns missing from the header: {', '.join(missing)}")
    return positions


# --- One row ------------------------------------------------------------------------------


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…"


def _cell_problem(value: str) -> str | None:
    if len(value) > MAX_CELL_CHARS:
        return f"longer than {MAX_CELL_CHARS:,} characters: shorten it"
    if "\ufffd" in value:
        return "not valid UTF-8: save the file as UTF-8"
    return None


class _RowChecker:
    """Turns rows into reports, recording what it sets aside; remembers the ids seen."""

    def __init__(self, columns: Mapping[str, int], width: int, rejects: list[Reject]) -> None:
        self._columns = columns
        self._rejects = rejects
        self._id_lines: dict[str, int] = {}
        self._width = width  # the header's number of columns, unknown ones included
        self._required_width = max(columns[name] for name in REQUIRED_COLUMNS) + 1

    def report(self, line: int, cells: list[str]) -> Report | None:
        """The row's report, or None when the row is rejected whole."""
        head = self._head(line, cells)
        if isinstance(head, Reject):
            self._rejects.append(head)
            return None
        report_id, agency, when = head
        row = _Row(line, cells, self._columns, self._rejects)
        return Report(
            report_id=report_id,
            agency=agency,
            date=when,
            crossing_point=row.crossing_point(),
            origin=row.countries("origin"),
            transit=row.countries("transit"),
            destination=row.countries("destination"),
            modus=row.modus(),
            migrants=row.migrants(),
            migrant_nationalities=row.nationalities(),
            facilitators=row.names("facilitators"),
            phones=row.identifiers("phones", lambda raw: identifiers.phone_key(raw, agency)),
            vehicle_plates=row.identifiers(
                "vehicle_plates", lambda raw: identifiers.plate_key(raw, agency)
            ),
            documents=row.identifiers("documents", identifiers.document_key),
            transfers=row.identifiers("transfers", identifiers.transfer_key),
            direction=row.direction(),
        )

    def _head(self, line: int, cells: list[str]) -> tuple[str, str, date] | Reject:
        """The report's id, reporting state and date, without which there is no report;
        or the one reason the row is rejected whole (the first, in column order)."""
        if len(cells) < self._required_width or any(cell.strip() for cell in cells[self._width :]):
            why = (
                f"{len(cells)} values where the header has {self._width} columns: "
                "quote values that hold a comma"
            )
            return Reject(line, "", "", why)
        report_id, agency, written_date = (
            cells[self._columns[column]].strip() for column in ("report_id", "agency", "date")
        )
        when = _date(written_date)
        id_problem = self._id_problem(line, report_id)
        if id_problem is not None:
            return Reject(line, "report_id", _shown(report_id), id_problem)
        if agency.upper() not in reference.countries():
            why = "not a country: the reporting state as ISO 3166 alpha-3 (e.g. KAZ)"
            return Reject(line, "agency", _shown(agency), why)
        if when is None:
            why = "not a date: write it YYYY-MM-DD or DD.MM.YYYY"
            return Reject(line, "date", _shown(written_date), why)
        return report_id, agency.upper(), when

    def _id_problem(self, line: int, report_id: str) -> str | None:
        problem = _cell_problem(report_id)
        if problem is not None:
            return problem
        if not report_id:
            return "no report_id: give every report an id"
        first = self._id_lines.setdefault(report_id, line)
        if first != line:
            return f"report_id already used on line {first}: give every report its own id"
        return None


def _date(written: str) -> date | None:
    iso, dotted = _ISO_DATE.fullmatch(written), _DOTTED_DATE.fullmatch(written)
    if iso is not None:
        year, month, day = (int(part) for part in iso.groups())
    elif dotted is not None:
        day, month, year = (int(part) for part in dotted.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


class _Row:
    """The optional and multi-valued cells of one accepted row, each checked as read."""

    def __init__(
        self, line: int, cells: list[str], columns: Mapping[str, int], rejects: list[Reject]
    ) -> None:
        self._line = line
        self._cells = cells
        self._columns = columns
        self._rejects = rejects

    def _reject(self, column: str, value: str, why: str) -> None:
        self._rejects.append(Reject(self._line, column, _shown(value), why))

    def text(self, column: str) -> str:
        """The cell, stripped; "" when the column or the cell is absent or rejected."""
        position = self._columns.get(column)
        if position is None or position >= len(self._cells):
            return ""
        value = self._cells[position].strip()
        problem = _cell_problem(value)
        if problem is not None:
            self._reject(column, value, problem)
            return ""
        return value

    def items(self, column: str) -> list[str]:
        """The cell's values, in order, without blanks and exact repeats."""
        cell = self.text(column)
        if not cell:
            return []
        stripped = (item.strip() for item in cell.split(VALUE_SEPARATOR))
        values = list(dict.fromkeys(item for item in stripped if item))
        if len(values) > MAX_VALUES_PER_CELL:
            why = f"more than {MAX_VALUES_PER_CELL} values: split the report"
            self._reject(column, cell, why)
            return []
        return values

    def countries(self, column: str) -> tuple[str, ...]:
        kept: list[str] = []
        for item in self.items(column):
            code = item.upper()
            if code in reference.countries():
                kept.append(code)
            else:
                self._reject(column, item, "not a country: use ISO 3166 alpha-3 (e.g. AFG)")
        return tuple(dict.fromkeys(kept))

    def crossing_point(self) -> str:
        written = self.text("crossing_point")
        if written and written.upper() not in reference.crossing_points():
            why = "unknown crossing point: use a code of the reference list (e.g. KAZ-KORDAY)"
            self._reject("crossing_point", written, why)
            return ""
        return written.upper()

    def modus(self) -> str:
        written = self.text("modus")
        if written and written.lower() not in reference.modi():
            why = "unknown modus operandi: use a code of the reference list (e.g. boat)"
            self._reject("modus", written, why)
            return ""
        return written.lower()

    def migrants(self) -> int:
        """The group's size; an empty cell is 0, a count not given."""
        written = self.text("migrants")
        if not written:
            return 0
        if _COUNT.fullmatch(written) is None or int(written) > MAX_MIGRANTS:
            self._reject(
                "migrants",
                written,
                f"not a number of migrants: write digits only, 0 to {MAX_MIGRANTS:,}",
            )
            return 0
        return int(written)

    def nationalities(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.items("migrant_nationalities"):
            country, colon, number = (part.strip() for part in item.partition(":"))
            country = country.upper()
            if not colon or _COUNT.fullmatch(number) is None or int(number) > MAX_MIGRANTS:
                why = "not ALPHA3:count: write each nationality as e.g. AFG:3"
            elif country not in reference.countries():
                why = "not a country before the colon: use ISO 3166 alpha-3 (e.g. AFG:3)"
            elif country in counts:
                why = "nationality counted twice: give one count per country"
            else:
                counts[country] = int(number)
                continue
            self._reject("migrant_nationalities", item, why)
        return counts

    def names(self, column: str) -> tuple[str, ...]:
        kept: list[str] = []
        for item in self.items(column):
            if any(char.isalpha() for char in item):
                kept.append(item)
            else:
                self._reject(column, item, "no letter in the name: write the name or leave it out")
        return tuple(kept)

    def identifiers(self, column: str, key: _KeyOf) -> tuple[str, ...]:
        """The values that resolve to a key, as written; the others rejected."""
        kept: list[str] = []
        for item in self.items(column):
            if key(item) is None:
                self._reject(column, item, _IDENTIFIER_FIXES[column])
            else:
                kept.append(item)
        return tuple(kept)

    def direction(self) -> Direction:
        written = self.text("direction")
        if not written:
            return Direction.UNKNOWN
        try:
            return Direction(written.lower())
        except ValueError:
            choices = ", ".join(direction.value for direction in Direction)
            self._reject("direction", written, f"not a direction: write one of {choices}")
            return Direction.UNKNOWN


_IDENTIFIER_FIXES: Final[Mapping[str, str]] = {
    "phones": "not a phone number: write it as dialled in the reporting state, or with +",
    "vehicle_plates": "not a plate: Latin or look-alike Cyrillic letters and digits only",
    "documents": "no letter or digit: write the document's series and number",
    "transfers": "not a transfer reference: Latin letters and digits only",
}
