"""Reading a bulk upload of records (CSV or XLSX) into checked records, with a report of
every problem by row and column.

One row is one record of the upload's kind. Its columns are the record's fields
(`subject_category`, `purpose`, `legal_basis`, ...) and the particulars of the kind
(`surname`, `birth_date`, ... for persons; `number`, `issuing_country` for documents).
Lists (`hit_agencies`) are separated by semicolons; flags (`is_minor`) read yes/no,
true/false, 1/0, да/нет. Row 1 is the header; the report counts rows as a spreadsheet
shows them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError

from interagency.errors import InvalidInput
from interagency.i18n import lazy
from interagency.records.models import RecordKind
from interagency.records.particulars import PARTICULARS
from interagency.records.schemas import RecordIn

MAX_ROWS: Final = 200_000
RECORD_COLUMNS: Final = tuple(
    name for name in RecordIn.model_fields if name not in {"kind", "particulars"}
)
_LISTS: Final = frozenset({"hit_agencies"})
_FLAGS: Final = frozenset({"is_minor", "smuggled_migrant"})
_TRUE: Final = frozenset({"yes", "true", "1", "да", "y"})
_FALSE: Final = frozenset({"no", "false", "0", "нет", "n", ""})
_XLSX_MAGIC: Final = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Checked:
    """The rows that can be stored, numbered as in the file, and what is wrong with the rest."""

    valid: tuple[tuple[int, RecordIn], ...]
    problems: tuple[Problem, ...]
    rows: int


def columns_of(kind: RecordKind) -> tuple[str, ...]:
    """Every column an upload of this kind may have."""
    return (*PARTICULARS[kind].model_fields, *RECORD_COLUMNS)


def read_rows(filename: str, data: bytes) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8) or XLSX file as header → text. Raises InvalidInput for a
    file that is neither, or has no header."""
    if data.startswith(_XLSX_MAGIC):
        rows = list(_xlsx_rows(data))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise InvalidInput(
                lazy("{file}: not UTF-8 text at line {line}; save it as UTF-8 CSV or as XLSX."),
                file=filename,
                line=line,
            ) from None
        rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InvalidInput(lazy("{file}: the first row must name the columns."), file=filename)
    header = [cell.strip().lower() for cell in rows[0]]
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if len(body) > MAX_ROWS:
        raise InvalidInput(
            lazy("{file}: at most {limit} rows per upload."), file=filename, limit=MAX_ROWS
        )
    return [
        dict(zip(header, [*row, *[""] * (len(header) - len(row))], strict=False)) for row in body
    ]


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput(lazy("The file is not a readable XLSX workbook.")) from None
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield ["" if cell is None else _cell_text(cell) for cell in row]
    workbook.close()


def _cell_text(cell: Any) -> str:
    if hasattr(cell, "strftime"):
        return str(cell.strftime("%Y-%m-%d"))
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def check(kind: RecordKind, rows: list[dict[str, str]]) -> Checked:
    """Every row checked as a record of `kind`; unknown columns are a problem of row 1."""
    allowed = set(columns_of(kind))
    problems: list[Problem] = [
        Problem(1, column, "unknown column")
        for column in (rows[0] if rows else {})
        if column and column not in allowed
    ]
    particular_fields = set(PARTICULARS[kind].model_fields)
    valid: list[tuple[int, RecordIn]] = []
    for number, row in enumerate(rows, start=2):
        values: dict[str, Any] = {"kind": kind.value}
        particulars = {k: v.strip() for k, v in row.items() if k in particular_fields and v.strip()}
        row_problems: list[Problem] = []
        for column in RECORD_COLUMNS:
            text = (row.get(column) or "").strip()
            if column in _LISTS:
                if text:
                    values[column] = [part.strip() for part in text.split(";") if part.strip()]
            elif column in _FLAGS:
                if text.lower() not in _TRUE | _FALSE:
                    row_problems.append(Problem(number, column, "expected yes or no"))
                values[column] = text.lower() in _TRUE
            elif text:
                values[column] = text
        try:
            PARTICULARS[kind].model_validate(particulars)
        except ValidationError as error:
            row_problems.extend(_problems(number, error))
        values["particulars"] = particulars
        try:
            record = RecordIn.model_validate(values)
        except ValidationError as error:
            row_problems.extend(p for p in _problems(number, error) if p.column != "particulars")
        else:
            if not row_problems:
                valid.append((number, record))
        problems.extend(row_problems)
    return Checked(tuple(valid), tuple(problems), len(rows))


def _problems(number: int, error: ValidationError) -> Iterator[Problem]:
    for item in error.errors():
        location = [str(part) for part in item["loc"] if not isinstance(part, int)]
        column = location[-1] if location else "-"
        message = str(item["msg"]).removeprefix("Value error, ")
        yield Problem(number, column, message)
