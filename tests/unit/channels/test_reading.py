"""Reading a hand-written reports file: what is kept, and each bad value's reject."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from interagency.channels import reading
from interagency.channels.reading import Reject, ReportsError, read_reports, write_rejects
from interagency.channels.reports import Direction, Report

HEADER = (
    "report_id,agency,date,crossing_point,origin,transit,destination,modus,migrants,"
    "migrant_nationalities,facilitators,phones,vehicle_plates,documents,transfers,direction"
)
REQUIRED = HEADER.rsplit(",transfers,direction", 1)[0]

GOOD = (
    "R1,KAZ,2024-03-05,KAZ-KORDAY,AFG;TJK,KGZ,RUS,hidden-in-lorry,12,AFG:10;TJK:2,"
    "Иванов Иван;Rustam K.,8 701 123 45 67;+998901234567,123 ABC 02,AB 1234567,"
    "MTCN 1234567890,entry"
)
# Every column but the id, state and date holds a bad value beside a good one.
BAD_VALUES = (
    "R2,uzb,05.03.2024,UZB-XXX,AFG;XYZ,,RUS,by-camel,many,AFG:3;IRN;XXX:2;AFG:1,"
    "???;Karimov,12;90 123 45 67,Б123ВГ77;01 A 123 BC,№,ДЕ-12;WU 42,sideways"
)


def read_text(text: str) -> reading.Read:
    return read_reports(io.StringIO(text))


def test_a_good_row_is_read_whole() -> None:
    read = read_text(f"{HEADER}\n{GOOD}\n")
    assert read.rejects == []
    assert read.reports == [
        Report(
            report_id="R1",
            agency="KAZ",
            date=date(2024, 3, 5),
            crossing_point="KAZ-KORDAY",
            origin=("AFG", "TJK"),
            transit=("KGZ",),
            destination=("RUS",),
            modus="hidden-in-lorry",
            migrants=12,
            migrant_nationalities={"AFG": 10, "TJK": 2},
            facilitators=("Иванов Иван", "Rustam K."),
            phones=("8 701 123 45 67", "+998901234567"),
            vehicle_plates=("123 ABC 02",),
            documents=("AB 1234567",),
            transfers=("MTCN 1234567890",),
            direction=Direction.ENTRY,
        )
    ]


def test_bad_values_are_dropped_and_the_report_kept() -> None:
    read = read_text(f"{HEADER}\n{BAD_VALUES}\n")
    assert read.reports == [
        Report(
            report_id="R2",
            agency="UZB",
            date=date(2024, 3, 5),
            crossing_point="",
            origin=("AFG",),
            transit=(),
            destination=("RUS",),
            modus="",
            migrants=0,
            migrant_nationalities={"AFG": 3},
            facilitators=("Karimov",),
            phones=("90 123 45 67",),
            vehicle_plates=("01 A 123 BC",),
            documents=(),
            transfers=("WU 42",),
            direction=Direction.UNKNOWN,
        )
    ]
    assert read.rejects == [
        Reject(
            2,
            "crossing_point",
            "UZB-XXX",
            "unknown crossing point: use a code of the reference list (e.g. KAZ-KORDAY)",
        ),
        Reject(2, "origin", "XYZ", "not a country: use ISO 3166 alpha-3 (e.g. AFG)"),
        Reject(
            2,
            "modus",
            "by-camel",
            "unknown modus operandi: use a code of the reference list (e.g. boat)",
        ),
        Reject(2, "migrants", "many", "not a number of migrants: write digits only, 0 to 100,000"),
        Reject(
            2,
            "migrant_nationalities",
            "IRN",
            "not ALPHA3:count: write each nationality as e.g. AFG:3",
        ),
        Reject(
            2,
            "migrant_nationalities",
            "XXX:2",
            "not a country before the colon: use ISO 3166 alpha-3 (e.g. AFG:3)",
        ),
        Reject(
            2,
            "migrant_nationalities",
            "AFG:1",
            "nationality counted twice: give one count per country",
        ),
        Reject(2, "facilitators", "???", "no letter in the name: write the name or leave it out"),
        Reject(
            2,
            "phones",
            "12",
            "not a phone number: write it as dialled in the reporting state, or with +",
        ),
        Reject(
            2,
            "vehicle_plates",
            "Б123ВГ77",
            "not a plate: Latin or look-alike Cyrillic letters and digits only",
        ),
        Reject(2, "documents", "№", "no letter or digit: write the document's series and number"),
        Reject(2, "transfers", "ДЕ-12", "not a transfer reference: Latin letters and digits only"),
        Reject(
            2,
            "direction",
            "sideways",
            "not a direction: write one of entry, exit, transit, unknown",
        ),
    ]


def test_rows_without_id_state_or_date_are_rejected_whole() -> None:
    empty = ",,,,,,,,,,,,,,,"
    lines = [
        HEADER,
        GOOD,  # line 2
        ",KAZ,2024-03-05" + empty[3:],  # 3: no id
        "R1,KAZ,2024-03-06" + empty[3:],  # 4: R1 again
        "R7,Kazakhstan,2024-03-05" + empty[3:],  # 5
        "R8,KAZ,2024-02-30" + empty[3:],  # 6: no such day
        "R9,KAZ,5/3/2024" + empty[3:],  # 7
        "R10,,," + empty[3:],  # 8: the first fault in column order is named
        "R11,RUS,31.12.2023" + empty[3:],  # 9: kept
    ]
    read = read_text("\n".join(lines) + "\n")
    assert [report.report_id for report in read.reports] == ["R1", "R11"]
    assert read.reports[1].date == date(2023, 12, 31)
    assert read.rejects == [
        Reject(3, "report_id", "", "no report_id: give every report an id"),
        Reject(
            4,
            "report_id",
            "R1",
            "report_id already used on line 2: give every report its own id",
        ),
        Reject(
            5,
            "agency",
            "Kazakhstan",
            "not a country: the reporting state as ISO 3166 alpha-3 (e.g. KAZ)",
        ),
        Reject(6, "date", "2024-02-30", "not a date: write it YYYY-MM-DD or DD.MM.YYYY"),
        Reject(7, "date", "5/3/2024", "not a date: write it YYYY-MM-DD or DD.MM.YYYY"),
        Reject(
            8,
            "agency",
            "",
            "not a country: the reporting state as ISO 3166 alpha-3 (e.g. KAZ)",
        ),
    ]


def test_rows_are_named_by_the_line_they_begin_on() -> None:
    lines = [
        HEADER,
        "",  # 2: blank, skipped
        'R3,GEO,2024-03-07,GEO-SARPI,,,,,0,,"Ali',  # 3: a name over two lines
        'Vali",,,,,',
        'R4,GEO,2024-03-07,GEO-SARPI,,,,,0,,,"555 12 34 56;abc",,,,',  # 5
    ]
    read = read_text("\n".join(lines) + "\n")
    assert [report.facilitators for report in read.reports] == [("Ali\nVali",), ()]
    assert read.reports[1].phones == ("555 12 34 56",)
    assert read.rejects == [
        Reject(
            5,
            "phones",
            "abc",
            "not a phone number: write it as dialled in the reporting state, or with +",
        )
    ]


def test_a_row_whose_values_do_not_fit_the_columns_is_rejected_whole() -> None:
    lines = [
        HEADER,
        GOOD + ",Petrov",  # 2: a name with an unquoted comma shifts everything
        GOOD.replace("R1", "R2") + ",,",  # 3: empty cells past the end are harmless
        "R4,KAZ,2024-03-05,KAZ-KORDAY",  # 4: required columns missing
    ]
    read = read_text("\n".join(lines) + "\n")
    assert [report.report_id for report in read.reports] == ["R2"]
    assert read.rejects == [
        Reject(
            2, "", "", "17 values where the header has 16 columns: quote values that hold a comma"
        ),
        Reject(
            4, "", "", "4 values where the header has 16 columns: quote values that hold a comma"
        ),
    ]


def test_optional_columns_may_be_absent_from_the_file() -> None:
    row = GOOD.rsplit(",MTCN 1234567890,entry", 1)[0]
    read = read_text(f"{REQUIRED}\n{row}\n")
    assert read.rejects == []
    assert read.reports[0].transfers == ()
    assert read.reports[0].direction is Direction.UNKNOWN
    assert read.reports[0].documents == ("AB 1234567",)


def test_a_missing_required_column_stops_the_file_naming_it() -> None:
    header = HEADER.replace("vehicle_plates,", "plates,")
    with pytest.raises(ReportsError, match="missing from the header: vehicle_plates"):
        read_text(f"{header}\n{GOOD}\n")


def test_an_empty_file_has_no_columns() -> None:
    with pytest.raises(ReportsError, match="report_id, agency, date"):
        read_text("")


def test_unknown_and_repeated_header_columns_are_reported_not_read() -> None:
    header = " Report_ID ," + HEADER.split(",", 1)[1] + ",notes,agency"
    read = read_text(f"{header}\n{GOOD},remark,RUS\n")
    assert read.reports[0].report_id == "R1"
    assert read.reports[0].agency == "KAZ"  # the first "agency" column is read
    assert read.rejects == [
        Reject(1, "notes", "", "unknown column: it is not read"),
        Reject(1, "agency", "", "column named twice in the header: only the first is read"),
    ]


def test_cell_limits_reject_the_value() -> None:
    long_name = "x" * 1001
    phones = ";".join(f"+7701123{number:04d}" for number in range(65))
    row = GOOD.replace("Иванов Иван;Rustam K.", long_name).replace(
        "8 701 123 45 67;+998901234567", phones
    )
    read = read_text(f"{HEADER}\n{row}\n")
    assert read.reports[0].facilitators == ()
    assert read.reports[0].phones == ()
    assert read.reports[0].vehicle_plates == ("123 ABC 02",)
    assert read.rejects == [
        Reject(
            2,
            "facilitators",
            "x" * 100 + "…",
            "longer than 1,000 characters: shorten it",
        ),
        Reject(2, "phones", phones[:100] + "…", "more than 64 values: split the report"),
    ]


def test_sixty_four_values_are_within_the_limit() -> None:
    phones = ";".join(f"+7701123{number:04d}" for number in range(64))
    row = GOOD.replace("8 701 123 45 67;+998901234567", phones)
    read = read_text(f"{HEADER}\n{row}\n")
    assert len(read.reports[0].phones) == 64
    assert read.rejects == []


def test_reading_stops_after_the_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    rows = [GOOD.replace("R1", f"R{number}") for number in (1, 2, 3, 4)]
    read = read_text("\n".join([HEADER, *rows]) + "\n")
    assert [report.report_id for report in read.reports] == ["R1", "R2"]
    assert read.rejects == [
        Reject(4, "", "", "more than 2 reports: split the file; the rest was not read")
    ]


def test_an_unreadable_record_costs_only_itself() -> None:
    huge = "y" * (csv.field_size_limit() + 1)
    read = read_text(f"{HEADER}\nR0,KAZ,2024-03-05,,,,,,,,{huge}\n{GOOD}\n")
    assert [report.report_id for report in read.reports] == ["R1"]
    assert len(read.rejects) == 1
    assert (read.rejects[0].row, read.rejects[0].column) == (2, "")
    assert read.rejects[0].why.startswith("not readable as CSV (field larger than field limit")


def test_a_file_with_a_byte_order_mark_and_a_stray_byte(tmp_path: Path) -> None:
    path = tmp_path / "reports.csv"
    bad_name = b"Karimov\xff"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + HEADER.encode()
        + b"\r\n"
        + GOOD.replace("Иванов Иван;Rustam K.", "@NAME@").encode().replace(b"@NAME@", bad_name)
        + b"\r\n"
    )
    read = read_reports(path)
    assert read.reports[0].report_id == "R1"
    assert read.reports[0].facilitators == ()
    assert read.rejects == [
        Reject(2, "facilitators", "Karimov\ufffd", "not valid UTF-8: save the file as UTF-8")
    ]


def test_write_rejects_round_trip(tmp_path: Path) -> None:
    rejects = [
        Reject(2, "phones", "8 701, ext. 5", "not a phone number"),
        Reject(4, "", "", 'line with "quotes"'),
    ]
    target = tmp_path / "rejects.csv"
    assert write_rejects(iter(rejects), target) == 2
    with target.open(encoding="utf-8", newline="") as file:
        assert list(csv.reader(file)) == [
            ["row", "column", "value", "why"],
            ["2", "phones", "8 701, ext. 5", "not a phone number"],
            ["4", "", "", 'line with "quotes"'],
        ]
