"""`interagency channels detect` end to end on a hand-written reports file."""

from __future__ import annotations

import base64
import csv
import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interagency.cli import app

runner = CliRunner()

HEADER = (
    "report_id,agency,date,crossing_point,origin,transit,destination,modus,migrants,"
    "migrant_nationalities,facilitators,phones,vehicle_plates,documents"
)
# K1-K3: one facilitator's phone, written three ways by two states (K3's "12" is no
# phone). R1-R2: one lorry and one forged passport on another corridor, months later
# (R2's origin "XYZ" is no country). K1 comes again on line 7: the second is refused.
# L1: alone.
ROWS = (
    "K1,KAZ,2024-03-05,KAZ-ZHIBEK-ZHOLY,AFG,TJK;UZB,RUS,hidden-in-car,6,AFG:6,"
    "Иванов Иван,8 701 123 45 67,,",
    "K2,KAZ,2024-03-20,KAZ-KAZYGURT,AFG,UZB,RUS,hidden-in-car,4,AFG:4,,+7 701 123 4567,,",
    "K3,UZB,07.04.2024,,AFG,,RUS,,3,AFG:3,,12;0077011234567,,",
    "R1,KAZ,2024-09-01,KAZ-TAZHEN,IRN,TKM,RUS,hidden-in-lorry,9,IRN:9,Rustam K.,,"
    "123 ABC 02,AB 1234567",
    "R2,KAZ,2024-09-15,KAZ-TAZHEN,XYZ;IRN,TKM,RUS,hidden-in-lorry,7,IRN:7,,,123 АВС 02,AB 1234567",
    "K1,KAZ,2024-03-06,KAZ-ZHIBEK-ZHOLY,AFG,,RUS,,1,AFG:1,,,,",
    "L1,UZB,2025-06-30,,SYR,,TUR,boat,2,SYR:2,,,,",
)


def channel_id(*report_ids: str) -> str:
    digest = hashlib.sha256("\n".join(sorted(report_ids)).encode()).digest()
    return "CH-" + base64.b32encode(digest).decode()[:12]


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def written(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for forces_a_terminal in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(forces_a_terminal, raising=False)


def test_channels_found_and_bad_values_set_aside(tmp_path: Path) -> None:
    reports = written(tmp_path / "reports.csv", HEADER, *ROWS)
    out = tmp_path / "assign.csv"

    result = runner.invoke(
        app,
        [
            "channels",
            "detect",
            str(reports),
            "--out",
            str(out),
            "--explain",
            str(tmp_path / "why.csv"),
        ],
    )

    assert result.exit_code == 0, result.output + result.stderr
    k, r = channel_id("K1", "K2", "K3"), channel_id("R1", "R2")
    assert rows_of(out) == [
        ["report_id", "channel_id"],
        ["K1", k],
        ["K2", k],
        ["K3", k],
        ["R1", r],
        ["R2", r],
        ["L1", ""],
    ]
    rejects = rows_of(tmp_path / "assign.rejects.csv")
    assert rejects[0] == ["row", "column", "value", "why"]
    assert [row[:3] for row in rejects[1:]] == [
        ["4", "phones", "12"],
        ["6", "origin", "XYZ"],
        ["7", "report_id", "K1"],
    ]
    assert "phone" in rejects[1][3]
    assert "country" in rejects[2][3]
    assert "line 2" in rejects[3][3]
    assert "3 values or rows set aside" in result.stderr
    assert "2 channels holding 5 reports" in result.stderr

    explained = rows_of(tmp_path / "why.csv")
    assert explained[0] == ["report_id", "channel_id", "confidence", "why"]
    by_id = {row[0]: row[1:] for row in explained[1:]}
    assert list(by_id) == ["K1", "K2", "K3", "R1", "R2", "L1"]
    assert by_id["K1"][0] == k
    assert by_id["K1"][2].startswith("phone×2")
    assert by_id["R1"][2].startswith("document×1, plate×1")
    assert 0.0 < float(by_id["R1"][1]) <= 1.0
    assert by_id["L1"] == ["", "", "no link to another report"]


def test_the_same_seed_writes_the_same_file(tmp_path: Path) -> None:
    reports = written(tmp_path / "reports.csv", HEADER, *ROWS)
    for name in ("first.csv", "second.csv"):
        args = ["channels", "detect", str(reports), "--out", str(tmp_path / name), "--seed", "3"]
        assert runner.invoke(app, args).exit_code == 0
    assert (tmp_path / "first.csv").read_bytes() == (tmp_path / "second.csv").read_bytes()


def test_a_file_with_its_header_only(tmp_path: Path) -> None:
    reports = written(tmp_path / "reports.csv", HEADER)
    rejects = tmp_path / "set-aside.csv"

    result = runner.invoke(
        app,
        [
            "channels",
            "detect",
            str(reports),
            "--out",
            str(tmp_path / "a.csv"),
            "--rejects",
            str(rejects),
        ],
    )

    assert result.exit_code == 0, result.output + result.stderr
    assert rows_of(tmp_path / "a.csv") == [["report_id", "channel_id"]]
    assert rows_of(rejects) == [["row", "column", "value", "why"]]
    assert "0 reports read" in result.stderr
    assert "0 channels holding 0 reports" in result.stderr


def test_a_missing_column_stops_the_file_and_writes_nothing(tmp_path: Path) -> None:
    without_phones = HEADER.replace(",phones", "")
    reports = written(
        tmp_path / "reports.csv", without_phones, "K1,KAZ,2024-03-05,,AFG,,RUS,,6,,,,"
    )
    out = tmp_path / "assign.csv"

    result = runner.invoke(app, ["channels", "detect", str(reports), "--out", str(out)])

    assert result.exit_code == 2
    assert "phones" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [reports]


def test_a_file_or_folder_not_found_or_an_unknown_engine(tmp_path: Path) -> None:
    out = str(tmp_path / "assign.csv")

    missing = runner.invoke(app, ["channels", "detect", str(tmp_path / "none.csv"), "--out", out])
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr

    reports = written(tmp_path / "reports.csv", HEADER, *ROWS)
    engine = runner.invoke(
        app, ["channels", "detect", str(reports), "--out", out, "--engine", "pandas"]
    )
    assert engine.exit_code == 2
    assert "duckdb, spark" in engine.stderr
    assert not (tmp_path / "assign.csv").exists()

    elsewhere = str(tmp_path / "no-folder" / "assign.csv")
    no_folder = runner.invoke(app, ["channels", "detect", str(reports), "--out", elsewhere])
    assert no_folder.exit_code == 2
    assert "no such folder" in no_folder.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["reports.csv"]
