"""Bulk upload: a report by row and column, nothing stored unless every row is valid or
the user accepts only the valid rows, then the batch engine's cross-check."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from interagency.errors import InvalidInput
from interagency.records.bulk import Problem
from interagency.records.models import Record
from interagency.records.particulars import PersonParticulars
from interagency.records.sealing import open_particulars
from tests.integration.records.conftest import RASHAD_RU, Records, person
from tests.support.uploads import Uploaded, upload_and_run

HEADER = (
    "surname,given_name,birth_date,subject_category,purpose,legal_basis,"
    "offence_article,offence_category,is_minor"
)
GOOD = "Huseynov,Rashad,1985-03-14,suspect,Games security,Agreement art. 5,Art. 205,terrorism,no"
NAME_ONLY = "Huseynov,Rashad,,suspect,Games security,Agreement art. 5,Art. 205,terrorism,no"
BAD_DATE = "Aliyev,Elnur,31.02.1990,suspect,Games security,Agreement art. 5,Art. 205,terrorism,no"
BAD_CATEGORY = "Karimov,Timur,1990,bystander,Games security,Agreement art. 5,Art. 205,terrorism,no"
NO_BASIS = "Karimov,Timur,1990,suspect,Games security,,Art. 205,terrorism,maybe"


def _csv(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode()


def _submit(records: Records, data: bytes, *, accept: bool, name: str = "upload.csv") -> Uploaded:
    return upload_and_run(
        records.container,
        lambda uow: records.council.caller(uow, "kz_liaison"),
        data,
        name=name,
        accept_valid_only=accept,
    )


def _stored(records: Records) -> int:
    with records.container.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Record)) or 0)


def test_nothing_is_stored_while_a_row_is_wrong_and_the_report_says_where(records: Records) -> None:
    submitted = _submit(records, _csv(GOOD, BAD_DATE, BAD_CATEGORY, NO_BASIS), accept=False)
    assert (submitted.upload.status, submitted.upload.rows_total) == ("rejected", 4)
    assert _stored(records) == 0
    problems = {(p.row, p.column) for p in submitted.report.problems}
    # An impossible date is set aside, not a problem: the row would be stored without it.
    assert (3, "birth_date") not in problems
    assert [(e.row, e.column, e.value) for e in submitted.report.set_aside] == [
        (3, "birth_date", "31.02.1990")
    ]
    assert (4, "subject_category") in problems
    assert (5, "is_minor") in problems
    assert (5, "legal_basis") in problems
    assert 2 not in {p.row for p in submitted.report.problems}
    assert submitted.upload.stored_file_id is None  # the file is released with the job


def test_accepting_the_valid_rows_stores_them_and_the_batch_engine_finds_the_hits(
    records: Records,
) -> None:
    held = records.save("ru_liaison", person(RASHAD_RU))
    submitted = _submit(records, _csv(GOOD, NAME_ONLY, BAD_DATE, NO_BASIS), accept=True)
    assert _stored(records) == 4  # the RU record and three rows, one without its date
    job = submitted.upload
    assert (job.status, job.rows_total, job.rows_stored, job.hits_found) == ("done", 4, 3, 1)
    with records.container.uow() as uow:
        waiting = uow.session.scalar(select(func.count()).where(Record.screen_pending.is_(True)))
    assert waiting == 0
    kz_hits = records.notices("kz_liaison")
    assert [kind for kind, _ in kz_hits] == ["records:hit"]
    assert [kind for kind, _ in records.notices("ru_liaison")] == ["records:hit-on-yours"]
    assert held.record.id > 0


def test_a_spreadsheet_reads_like_a_csv(records: Records) -> None:
    book = Workbook()
    sheet = book.active
    for line in (HEADER, GOOD, NO_BASIS):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    submitted = _submit(records, buffer.getvalue(), accept=False, name="upload.xlsx")
    assert {(p.row, p.column) for p in submitted.report.problems} == {
        (3, "legal_basis"),
        (3, "is_minor"),
    }
    assert Problem(3, "is_minor", "expected yes or no") in submitted.report.problems


def test_files_that_cannot_be_read_are_refused_with_what_to_do(records: Records) -> None:
    # Text that is not UTF-8 is not text the file store accepts.
    with pytest.raises(InvalidInput, match="type of file"):
        _submit(records, "surname\nГусейнов".encode("cp1251"), accept=False)
    with pytest.raises(InvalidInput, match="type of file"):
        _submit(records, b"PK\x03\x04 not really a workbook", accept=False, name="x.xlsx")
    unknown = _submit(records, b"surname,shoe_size\nX,44", accept=False)
    assert Problem(1, "shoe_size", "unknown column") in unknown.report.problems


def test_dirty_values_are_stored_as_missing_and_listed(records: Records) -> None:
    """Each kind of dirty value of real extracts: the rows are stored, the values that
    cannot be used are missing from the records, and the report lists each one."""
    header = (
        "surname,given_name,birth_date,sex,nationality,passport,"
        "subject_category,purpose,legal_basis"
    )
    basis = "suspect,Games security,Agreement art. 5"
    lines = [
        f"Aliyev,Elnur,19450493,M,AZE,C1234567,{basis}",  # impossible
        f"Karimov,Timur,0000-00-00,X,XXX,000000,{basis}",  # placeholders
        f"Nazarov,Ilkhom,01.01.1980,M,UZB,N/A,{basis}",  # a birthday, and no passport
        f"Sultanov,Bakhtiyor,25/04/1987,M,UZB,AA7654321,{basis}",  # day first...
        f"Rakhimov,Aziz,03/04/1990,M,UZB,AA7654322,{basis}",  # ...so 3 April
        f"Ergashev,Dilshod,1991-06-30 00:00:00,M,Uzbekistan,AA7654323,{basis}",
    ]
    data = "\n".join([header, *lines]).encode()
    submitted = _submit(records, data, accept=False)
    assert submitted.report.problems == []
    assert (submitted.upload.status, submitted.upload.rows_stored) == ("done", 6)
    listed = {
        (e.row, e.column): (e.value, e.kind.value, e.kept) for e in submitted.report.set_aside
    }
    assert listed == {
        (2, "birth_date"): ("19450493", "unreadable", ""),
        (3, "birth_date"): ("0000-00-00", "placeholder", ""),
        (3, "sex"): ("X", "placeholder", ""),
        (3, "nationality"): ("XXX", "placeholder", ""),
        (3, "passport"): ("000000", "placeholder", ""),
        (4, "passport"): ("N/A", "placeholder", ""),
        (7, "nationality"): ("Uzbekistan", "unreadable", ""),
    }
    assert submitted.report.set_aside_count == 7
    with records.container.uow() as uow:
        people = [
            open_particulars(uow, records.container.vault, record)
            for record in uow.session.scalars(select(Record))
        ]
    stored = {p.surname: p for p in people if isinstance(p, PersonParticulars)}
    assert stored["Aliyev"].birth_date == ""
    karimov = stored["Karimov"]
    assert (karimov.birth_date, karimov.sex, karimov.nationality, karimov.passport) == ("",) * 4
    assert stored["Nazarov"].birth_date == "1980-01-01"
    assert stored["Sultanov"].birth_date == "1987-04-25"
    assert stored["Rakhimov"].birth_date == "1990-04-03"
    assert (stored["Ergashev"].birth_date, stored["Ergashev"].nationality) == ("1991-06-30", "")
