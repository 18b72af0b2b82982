"""Reading a bulk upload of records (CSV or XLSX) into checked records, with a report of
every problem by row and column.

One row is one record of the upload's kind. Its columns are the record's fields
(`subject_category`, `purpose`, `legal_basis`, ...) and the particulars of the kind
(`surname`, `birth_date`, ... for persons; `number`, `issuing_country` for documents).
Lists (`hit_agencies`) are separated by semicolons; flags (`is_minor`) read yes/no,
true/false, 1/0, да/нет. Row 1 is the header; the report counts rows as a spreadsheet
shows them, blank rows included.

Rows are read one at a time and every limit is enforced while reading, because a small
file can stand for a great deal of work: 287 KB of XLSX unpacks into two million empty
rows, and a zip member's declared size is whatever its maker wrote. A file over a limit
is refused with a message that names the limit and what to do:

- `MAX_ROWS` rows below the header, blank ones counted too (a sheet of empty rows costs
  as much to read as a full one);
- `MAX_COLUMNS` columns, and `MAX_ROW_CHARS` characters in one CSV row, so that one
  endless line or an unclosed quote cannot take all memory;
- `MAX_UNPACKED_BYTES` of CSV, or of XLSX once inflated, counting the bytes actually
  inflated rather than the sizes the zip declares;
- for XLSX, `MAX_PARTS` parts, and `MAX_LOADED_PART_BYTES` for each part openpyxl loads
  whole into memory (the shared strings above all): every part but the worksheets, which
  it streams.

openpyxl streams a sheet at some 40 µs a row, so an XLSX is first scanned at C speed:
each part is inflated in chunks, its row elements counted, and the file refused as soon
as a limit is passed, within a second even for two million rows. openpyxl then reads the
first sheet row by row and counts again: the scan is the fast refusal, the count the
guarantee.

The limits are module constants read at call time.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice, repeat
from typing import Any, BinaryIO, Final
from xml.etree.ElementTree import ParseError

from pydantic import ValidationError

from interagency.errors import InvalidInput
from interagency.i18n import lazy
from interagency.matching.cleaning import DateColumn, SetAside, read_person_fields
from interagency.records.models import RecordKind
from interagency.records.particulars import PARTICULARS
from interagency.records.schemas import RecordIn

MAX_ROWS: Final = 200_000
MAX_COLUMNS: Final = 200
MAX_ROW_CHARS: Final = 64 * 1024
MAX_UNPACKED_BYTES: Final = 256 * 1024 * 1024
MAX_PARTS: Final = 1_000
MAX_LOADED_PART_BYTES: Final = 32 * 1024 * 1024
PROGRESS_EVERY: Final = 1_000

RECORD_COLUMNS: Final = tuple(
    name for name in RecordIn.model_fields if name not in {"kind", "particulars"}
)
_LISTS: Final = frozenset({"hit_agencies"})
_FLAGS: Final = frozenset({"is_minor", "smuggled_migrant"})
_TRUE: Final = frozenset({"yes", "true", "1", "да", "y"})
_FALSE: Final = frozenset({"no", "false", "0", "нет", "n", ""})
_XLSX_MAGIC: Final = b"PK\x03\x04"
_CHUNK_BYTES: Final = 1024 * 1024
_MEGABYTE: Final = 1024 * 1024
_CONTENT_TYPES: Final = "[Content_Types].xml"
_WORKSHEET_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# The start of a row element, with or without a namespace prefix (`<row `, `<x:row>`);
# `rowBreaks` and the like do not match.
_ROW_TAG_HEAD: Final = 128
_ROW_TAG: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,100}:)?row[\s/>]")
# What a broken or hostile workbook makes zipfile, zlib or openpyxl raise.
_UNREADABLE_XLSX: Final = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    EOFError,
    OSError,
    NotImplementedError,  # a compression method zipfile lacks
    RuntimeError,  # an encrypted member
)


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Checked:
    """The rows that can be stored, numbered as in the file, what is wrong with the
    rest, and the values of stored rows that were set aside as unusable."""

    valid: tuple[tuple[int, RecordIn], ...]
    problems: tuple[Problem, ...]
    rows: int  # rows with any text; blank rows are skipped
    set_aside: tuple[SetAside, ...] = ()


def columns_of(kind: RecordKind) -> tuple[str, ...]:
    """Every column an upload of this kind may have."""
    return (*PARTICULARS[kind].model_fields, *RECORD_COLUMNS)


# ----------------------------------------------------------------------------- reading


class Rows(Iterator[dict[str, str]]):
    """The rows below the header as header → text, one at a time. Blank rows are given
    too, so that counting gives each row's number as a spreadsheet shows it (the first
    is row 2). Every row has every column of the header, "" where it has no cell."""

    def __init__(self, header: tuple[str, ...], cells: Iterator[Sequence[str]]) -> None:
        self.header = header
        self._cells = cells

    def __next__(self) -> dict[str, str]:
        return dict(zip(self.header, chain(next(self._cells), repeat("")), strict=False))


def read_rows(filename: str, source: BinaryIO, *, max_rows: int | None = None) -> Rows:
    """The rows of a CSV (UTF-8) or XLSX file (its first sheet), read as they are asked
    for. `source` is a seekable binary stream. The header is read at once: raises
    InvalidInput for a file that is neither, has no header, or breaks a limit; reading
    the rows raises it when a row breaks one. `max_rows` replaces `MAX_ROWS` for a
    feature whose files are larger (a day's manifest of crossings)."""
    limit = MAX_ROWS if max_rows is None else max_rows
    head = source.read(len(_XLSX_MAGIC))
    source.seek(0)
    cells = (
        _xlsx_cells(filename, source, limit)
        if head == _XLSX_MAGIC
        else _csv_cells(filename, source)
    )
    header = tuple(cell.strip().lower() for cell in next(cells, ()))
    if not any(header):
        raise InvalidInput(lazy("{file}: the first row must name the columns."), file=filename)
    if len(header) > MAX_COLUMNS:
        raise InvalidInput(
            lazy("{file}: more than {limit} columns; keep only the columns of the upload."),
            file=filename,
            limit=MAX_COLUMNS,
        )
    return Rows(header, _at_most(filename, cells, limit))


def _at_most(filename: str, cells: Iterator[Sequence[str]], limit: int) -> Iterator[Sequence[str]]:
    for count, row in enumerate(cells, start=1):
        if count > limit:
            raise _too_many_rows(filename, limit)
        yield row


def _too_many_rows(filename: str, limit: int) -> InvalidInput:
    return InvalidInput(
        lazy("{file}: more than {limit} rows; split it into several uploads."),
        file=filename,
        limit=limit,
    )


def _too_much_data(filename: str) -> InvalidInput:
    return InvalidInput(
        lazy("{file}: more than {limit} MB of data once unpacked; split it into several uploads."),
        file=filename,
        limit=MAX_UNPACKED_BYTES // _MEGABYTE,
    )


# --- CSV


def _csv_cells(filename: str, source: BinaryIO) -> Iterator[list[str]]:
    """The header, then every row, blank ones too (`csv.reader` gives them as [])."""
    if source.seek(0, io.SEEK_END) > MAX_UNPACKED_BYTES:
        raise _too_much_data(filename)
    source.seek(0)
    text = io.TextIOWrapper(io.BufferedReader(_Borrowed(source)), encoding="utf-8-sig", newline="")
    lines = _CsvLines(filename, text)
    reader = csv.reader(lines)
    try:
        for row in reader:
            yield row
            lines.next_row()
    except UnicodeDecodeError:
        raise InvalidInput(
            lazy("{file}: not UTF-8 text at line {line}; save it as UTF-8 CSV or as XLSX."),
            file=filename,
            line=_line_of_first_bad_byte(source),
        ) from None
    except csv.Error:
        raise InvalidInput(
            lazy("{file}: line {line} is not valid CSV; save it again as CSV (UTF-8) or as XLSX."),
            file=filename,
            line=reader.line_num,
        ) from None


class _Borrowed(io.RawIOBase):
    """The caller's stream under a text wrapper, which closes what it wraps when it is
    closed or collected: closing this leaves the caller's stream open."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _CsvLines(Iterator[str]):
    """The text's lines for `csv.reader`, refusing a row (which may run over several lines
    inside quotes) longer than MAX_ROW_CHARS before it is all in memory."""

    def __init__(self, filename: str, text: io.TextIOWrapper) -> None:
        self._filename = filename
        self._text = text
        self._row = 1
        self._row_chars = 0

    def next_row(self) -> None:
        self._row += 1
        self._row_chars = 0

    def __next__(self) -> str:
        limit = MAX_ROW_CHARS
        line = self._text.readline(limit - self._row_chars + 1)
        if not line:
            raise StopIteration
        self._row_chars += len(line)
        if self._row_chars > limit:
            raise InvalidInput(
                lazy(
                    "{file}: row {row} is longer than {limit} characters; "
                    "check that its quotes are closed, or shorten it."
                ),
                file=self._filename,
                row=self._row,
                limit=limit,
            )
        return line


def _line_of_first_bad_byte(source: BinaryIO) -> int:
    """Read again from the start: the text reader decodes ahead of the line it gives."""
    source.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    line = 1
    while chunk := source.read(_CHUNK_BYTES):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            # The decoder's input is the chunk after at most three held-back bytes of
            # an unfinished character, none of them a newline.
            return line + error.object[: error.start].count(b"\n")
        line += chunk.count(b"\n")
    return line


# --- XLSX


def _xlsx_cells(filename: str, source: BinaryIO, max_rows: int) -> Iterator[list[str]]:
    """The header (without its trailing blank cells), then every row of the first sheet
    as wide as the header, blank ones too."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(source) as archive:
            _scan_workbook(filename, archive, max_rows)
        workbook = load_workbook(source, read_only=True, data_only=True)
    except InvalidInput:
        raise
    except _UNREADABLE_XLSX:
        raise _unreadable_workbook() from None
    try:
        sheet = workbook.worksheets[0]
        # A sheet's declared size is often wrong, and openpyxl would pad every row to it.
        sheet.reset_dimensions()
        header = _header_cells(sheet)
        yield header
        width = max(len(header), 1)
        for row in sheet.iter_rows(min_row=2, max_col=width, values_only=True):
            yield _texts(row)
    except _UNREADABLE_XLSX:
        raise _unreadable_workbook() from None
    finally:
        workbook.close()


def _header_cells(sheet: Any) -> list[str]:
    """Row 1 up to its last cell with text, read no wider than one column past the limit
    (a cell far to the right would make openpyxl pad the row up to it)."""
    first = sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True)
    header = _texts(next(first, ()))
    first.close()
    while header and not header[-1].strip():
        header.pop()
    return header


def _unreadable_workbook() -> InvalidInput:
    return InvalidInput(lazy("The file is not a readable XLSX workbook."))


def _texts(row: Iterable[Any]) -> list[str]:
    return ["" if cell is None else _cell_text(cell) for cell in row]


def _cell_text(cell: Any) -> str:
    if hasattr(cell, "strftime"):
        return str(cell.strftime("%Y-%m-%d"))
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _scan_workbook(filename: str, archive: zipfile.ZipFile, max_rows: int) -> None:
    """Inflates every part once, in chunks, and refuses the workbook as soon as it
    passes a limit: parts, bytes inflated, bytes of a part loaded whole, rows of a part."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise InvalidInput(
            lazy(
                "{file}: the workbook holds more than {limit} parts; copy the sheet into "
                "a new workbook, or save it as CSV (UTF-8)."
            ),
            file=filename,
            limit=MAX_PARTS,
        )
    streamed = _worksheet_parts(filename, archive)
    unpacked = 0
    for part in parts:
        rows = _RowTags()
        part_bytes = 0
        for chunk in _inflated(archive, part):
            unpacked += len(chunk)
            part_bytes += len(chunk)
            if unpacked > MAX_UNPACKED_BYTES:
                raise _too_much_data(filename)
            if part.filename not in streamed and part_bytes > MAX_LOADED_PART_BYTES:
                raise _part_too_large(filename)
            rows.feed(chunk)
            # Row 1 is the header.
            if rows.count > max_rows + 1:
                raise _too_many_rows(filename, max_rows)
        if rows.finish() > max_rows + 1:
            raise _too_many_rows(filename, max_rows)


def _worksheet_parts(filename: str, archive: zipfile.ZipFile) -> frozenset[str]:
    """The parts the workbook's manifest declares as worksheets and as nothing else:
    openpyxl streams those and loads every other part whole, finding the shared strings
    by this same manifest, read here as openpyxl reads it."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.functions import fromstring

    manifest = b"".join(_inflated(archive, archive.getinfo(_CONTENT_TYPES), MAX_LOADED_PART_BYTES))
    if len(manifest) > MAX_LOADED_PART_BYTES:
        raise _part_too_large(filename)
    declared: dict[str, set[str]] = {}
    for part in Manifest.from_tree(fromstring(manifest)).Override:
        declared.setdefault(part.PartName.removeprefix("/"), set()).add(part.ContentType)
    return frozenset(name for name, types in declared.items() if types == {_WORKSHEET_TYPE})


def _part_too_large(filename: str) -> InvalidInput:
    return InvalidInput(
        lazy(
            "{file}: a part of the workbook is larger than {limit} MB once unpacked; "
            "save the sheet as CSV (UTF-8) and upload that."
        ),
        file=filename,
        limit=MAX_LOADED_PART_BYTES // _MEGABYTE,
    )


def _inflated(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, at_most: int | None = None
) -> Iterator[bytes]:
    """The part's bytes as zipfile inflates them (the bytes openpyxl will read), in
    chunks; with `at_most`, stops one byte past it."""
    read = 0
    with archive.open(part) as member:
        while chunk := member.read(_CHUNK_BYTES):
            yield chunk
            read += len(chunk)
            if at_most is not None and read > at_most:
                return


class _RowTags:
    """Counts the row elements of XML fed in chunks; a tag cut by a chunk's end is
    counted once, with the next chunk."""

    def __init__(self) -> None:
        self.count = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        text = self._tail + chunk
        # Only a `<` near the end may open a row tag that the next chunk finishes.
        cut = text.rfind(b"<", max(0, len(text) - _ROW_TAG_HEAD))
        if cut < 0:
            cut = len(text)
        self.count += len(_ROW_TAG.findall(text, 0, cut))
        self._tail = text[cut:]

    def finish(self) -> int:
        self.count += len(_ROW_TAG.findall(self._tail))
        self._tail = b""
        return self.count


# ---------------------------------------------------------------------------- checking


def learn_dates(rows: Iterable[dict[str, str]]) -> DateColumn:
    """How the file writes birth dates, from all of its birth-date column."""
    return DateColumn.learn(row.get("birth_date", "") for row in rows)


def check(
    kind: RecordKind,
    rows: Iterable[dict[str, str]],
    progress: Callable[[int], None] | None = None,
    dates: DateColumn | None = None,
) -> Checked:
    """Every row checked as a record of `kind`, read one at a time. Rows are numbered
    from 2 in the order given, blank ones included and otherwise skipped. Unknown
    columns of the header (of `Rows`, or the first row's keys) are problems of row 1.
    `progress`, if given, is called with the number of rows read every PROGRESS_EVERY
    rows and at the end.

    A person's value that cannot be used (an impossible birth date, a placeholder such
    as 0000-00-00 or passport 000000, sex "X") is stored as missing and listed in
    `set_aside`, and the row is kept: nobody is there to correct a file of thousands.
    Birth dates are read as `dates` (`learn_dates` over the whole file) says the file
    writes them; without it, in the documented order of formats."""
    dates = dates or DateColumn.learn(())
    header, rows = _header_of(rows)
    allowed = set(columns_of(kind))
    problems: list[Problem] = [
        Problem(1, column, "unknown column")
        for column in header
        if column and column not in allowed
    ]
    valid: list[tuple[int, RecordIn]] = []
    set_aside: list[SetAside] = []
    filled = read = 0
    for read, row in enumerate(rows, start=1):
        if progress is not None and read % PROGRESS_EVERY == 0:
            progress(read)
        if not any(text.strip() for text in row.values()):
            continue
        filled += 1
        number = read + 1
        record, row_problems, row_set_aside = _record_of(kind, number, row, dates)
        problems.extend(row_problems)
        if record is not None:
            valid.append((number, record))
            set_aside.extend(row_set_aside)
    if progress is not None:
        progress(read)
    return Checked(tuple(valid), tuple(problems), filled, tuple(set_aside))


def _header_of(rows: Iterable[dict[str, str]]) -> tuple[Sequence[str], Iterable[dict[str, str]]]:
    if isinstance(rows, Rows):
        return rows.header, rows
    iterator = iter(rows)
    first = list(islice(iterator, 1))
    return (tuple(first[0]) if first else ()), chain(first, iterator)


def _record_of(
    kind: RecordKind, number: int, row: dict[str, str], dates: DateColumn
) -> tuple[RecordIn | None, list[Problem], list[SetAside]]:
    """The row's record, or None, the row's problems, and its values set aside."""
    particular_fields = PARTICULARS[kind].model_fields
    values: dict[str, Any] = {"kind": kind.value}
    particulars = {k: v.strip() for k, v in row.items() if k in particular_fields and v.strip()}
    set_aside: list[SetAside] = []
    if kind is RecordKind.PERSON:
        used, set_aside = read_person_fields(particulars, dates, number=number)
        particulars = {k: v for k, v in used.items() if v}
    problems: list[Problem] = []
    for column in RECORD_COLUMNS:
        text = (row.get(column) or "").strip()
        if column in _LISTS:
            if text:
                values[column] = [part.strip() for part in text.split(";") if part.strip()]
        elif column in _FLAGS:
            if text.lower() not in _TRUE | _FALSE:
                problems.append(Problem(number, column, "expected yes or no"))
            values[column] = text.lower() in _TRUE
        elif text:
            values[column] = text
    try:
        PARTICULARS[kind].model_validate(particulars)
    except ValidationError as error:
        problems.extend(_problems(number, error))
    values["particulars"] = particulars
    try:
        record = RecordIn.model_validate(values)
    except ValidationError as error:
        problems.extend(p for p in _problems(number, error) if p.column != "particulars")
        return None, problems, set_aside
    return (record if not problems else None), problems, set_aside


def _problems(number: int, error: ValidationError) -> Iterator[Problem]:
    for item in error.errors():
        location = [str(part) for part in item["loc"] if not isinstance(part, int)]
        column = location[-1] if location else "-"
        message = str(item["msg"]).removeprefix("Value error, ")
        yield Problem(number, column, message)
