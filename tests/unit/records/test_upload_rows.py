"""Rows of a bulk upload pass the hygiene every text passes (`interagency.inputs`), through
the models they are checked into: a refused character is a problem of its row and column."""

from __future__ import annotations

import io
import unicodedata

from interagency.records.bulk import check, read_rows
from interagency.records.models import RecordKind

HEADER = "surname,given_name,subject_category,purpose,legal_basis,offence_article,offence_category"
TAIL = "suspect,Games security,Agreement art. 5,Art. 205,terrorism"


def _checked(*rows: str) -> tuple[list[tuple[int, str]], list[str]]:
    data = "\r\n".join([HEADER, *rows]).encode()
    checked = check(RecordKind.PERSON, read_rows("people.csv", io.BytesIO(data)))
    names = [record.particulars["surname"] for _, record in checked.valid]
    return [(p.row, p.column) for p in checked.problems], names


def test_a_refused_character_is_a_problem_of_its_row_and_column() -> None:
    problems, stored = _checked(
        f"Huseynov,Rashad,{TAIL}",
        f"Ali\u202eyev,Elnur,{TAIL}",
        f"Karimov,\u200b,{TAIL}",
        "Karimov,Timur,suspect,Games\x00,Agreement art. 5,Art. 205,terrorism",
    )
    assert problems == [(3, "surname"), (4, "given_name"), (5, "purpose")]
    assert stored == ["Huseynov"]


def test_a_row_is_stored_in_nfc_with_its_joiners() -> None:
    decomposed = unicodedata.normalize("NFD", "Гусе\u0306нов")
    problems, stored = _checked(f"{decomposed},Rashad,{TAIL}", f"Rezaei,می\u200cخواهم,{TAIL}")
    assert problems == []
    assert stored == [unicodedata.normalize("NFC", decomposed), "Rezaei"]
