"""`xcheck` rejects bad input with exit code 2 and says where the problem is."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.xcheck import app, runner


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, ["xcheck", *map(str, args)])
    return result.exit_code, " ".join((result.output + result.stderr).split())


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return _write(tmp_path / "good.csv", "id,full_name,birth_date\n1,Иванов Иван,1980-01-02\n")


def test_missing_id_column(tmp_path: Path, good: Path) -> None:
    bad = _write(tmp_path / "b.csv", "name,birth_date\nIvan Ivanov,1980-01-02\n")
    code, output = _run(good, bad, "--out", tmp_path / "out.csv")
    assert code == 2
    assert "b.csv" in output
    assert "missing required column 'id'" in output


def test_missing_name_columns(tmp_path: Path, good: Path) -> None:
    bad = _write(tmp_path / "b.csv", "id,birth_date\n1,1980-01-02\n")
    code, output = _run(good, bad, "--out", tmp_path / "out.csv")
    assert code == 2
    assert "need 'full_name' or any of 'given_name'" in output


def test_bad_encoding_names_the_row(tmp_path: Path, good: Path) -> None:
    bad = _write(
        tmp_path / "b.csv", "id,full_name\n1,Ivanov Ivan\n2,Петров Пётр\n", encoding="cp1251"
    )
    code, output = _run(good, bad, "--out", tmp_path / "out.csv")
    assert code == 2
    assert "not UTF-8 text at line 3" in output
    assert "row 2" in output


def test_strict_refuses_an_unreadable_date_naming_row_and_value(tmp_path: Path, good: Path) -> None:
    bad = _write(
        tmp_path / "b.csv",
        "id,full_name,birth_date\n1,Ivan Ivanov,1980\n2,Petr Petrov,31.02.1981\n",
    )
    code, output = _run(good, bad, "--out", tmp_path / "out.csv", "--strict")
    assert code == 2
    assert "row 2" in output
    assert "'31.02.1981'" in output
    assert "without --strict the value is set aside" in output
    assert not (tmp_path / "out.csv").exists()


def test_repeated_id_names_the_row(tmp_path: Path, good: Path) -> None:
    bad = _write(tmp_path / "b.csv", "id,full_name\n7,Ivan Ivanov\n8,Petr Petrov\n7,Oleg Orlov\n")
    code, output = _run(good, bad, "--out", tmp_path / "out.csv")
    assert code == 2
    assert "repeated id" in output
    assert "row 3" in output


def test_column_option_must_name_one_of_our_columns(tmp_path: Path, good: Path) -> None:
    code, output = _run(good, "--out", tmp_path / "out.csv", "--column", "shoe_size=size")
    assert code == 2
    assert "'shoe_size' is not one of our columns" in output
    code, output = _run(good, "--out", tmp_path / "out.csv", "--column", "full_name")
    assert code == 2
    assert "expected OURS=THEIRS" in output


def test_missing_input_file_and_missing_out(tmp_path: Path, good: Path) -> None:
    code, output = _run(tmp_path / "nowhere.csv", "--out", tmp_path / "out.csv")
    assert code == 2
    assert "does not exist" in output
    code, output = _run(good)
    assert code == 2
    assert "--out" in output


def test_unknown_file_type(tmp_path: Path) -> None:
    odd = _write(tmp_path / "persons.xlsx", "id,full_name\n1,Ivan\n")
    code, output = _run(odd, "--out", tmp_path / "out.csv")
    assert code == 2
    assert "expected a .csv or .parquet file" in output


def test_a_file_that_is_not_a_model(tmp_path: Path, good: Path) -> None:
    model = _write(tmp_path / "model.json", '{"hello": "world"}')
    code, output = _run(good, "--out", tmp_path / "out.csv", "--model", model)
    assert code == 2
    assert "not a saved linkage model" in output


def test_unknown_engine(tmp_path: Path, good: Path) -> None:
    code, output = _run(good, "--out", tmp_path / "out.csv", "--engine", "oracle")
    assert code == 2
    assert "--engine" in output
    assert "duckdb, spark" in output
    assert not (tmp_path / "out.csv").exists()
