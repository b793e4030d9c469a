"""Imports are checked like typed input: dates, huge numbers, NUL and bytes that are not text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fertilitytracker.cli import EXIT_OK, EXIT_REFUSED, run

from .conftest import observation

OBSERVATION = observation("2986-8", 450, "ng/dL", when="2026-01-05T08:30:00Z")


def _import(tmp_path: Path, name: str, content: bytes, capsys) -> tuple[int, str]:
    source = tmp_path / name
    source.write_bytes(content)
    capsys.readouterr()
    code = run(["--db", str(tmp_path / "journal.sqlite3"), "import", str(source)])
    return code, capsys.readouterr().err


def _journal_is_empty(tmp_path: Path, capsys) -> bool:
    capsys.readouterr()
    assert run(["--db", str(tmp_path / "journal.sqlite3"), "labs", "--json"]) == EXIT_OK
    return json.loads(capsys.readouterr().out) in ([], {"draws": []})


@pytest.mark.parametrize("when", ["0001-01-01", "1850-06-01T09:00:00Z", "9999-12-31"])
def test_a_fhir_date_the_cli_would_refuse_is_refused(tmp_path: Path, capsys, when: str) -> None:
    document = {**OBSERVATION, "effectiveDateTime": when}
    code, err = _import(tmp_path, "obs.json", json.dumps(document).encode(), capsys)
    assert code == EXIT_REFUSED, err
    assert "effectiveDateTime" in err and "out of range" in err
    assert "Traceback" not in err
    assert _journal_is_empty(tmp_path, capsys)


def test_the_same_dates_are_refused_when_typed(tmp_path: Path, capsys) -> None:
    for when in ("0001-01-01", "1850-06-01", "9999-12-31"):
        db = str(tmp_path / "journal.sqlite3")
        assert run(["--db", db, "lab", when, "total_testosterone", "450", "ng/dL"]) == 2
        assert "out of range" in capsys.readouterr().err


@pytest.mark.parametrize("digits", [400, 5000])
def test_a_fhir_value_of_thousands_of_digits_names_the_field(
    tmp_path: Path, capsys, digits: int
) -> None:
    text = json.dumps(OBSERVATION).replace('"value": 450', f'"value": {"9" * digits}')
    code, err = _import(tmp_path, "obs.json", text.encode(), capsys)
    assert code == EXIT_REFUSED, err
    assert "valueQuantity.value" in err and "not a number" in err
    assert "unexpected error" not in err
    assert _journal_is_empty(tmp_path, capsys)


@pytest.mark.parametrize(
    ("good_rows", "bad_row", "line", "named"),
    [
        (3, b"lab_result,2026-01-06,lh,4\x00,IU/L\n", "line 5", "NUL character"),
        (2000, b"lab_result,2026-01-06,lh,4,IU/L \xff\n", "line 2002", "0xFF"),
    ],
    ids=["nul", "not-utf8"],
)
def test_a_bad_character_in_a_csv_names_the_line_and_the_character(
    tmp_path: Path, capsys, good_rows: int, bad_row: bytes, line: str, named: str
) -> None:
    good = "record_type,date,analyte,value,unit\n" + "lab_result,2026-01-05,lh,4,IU/L\n" * good_rows
    code, err = _import(tmp_path, "labs.csv", good.encode() + bad_row, capsys)
    assert code == EXIT_REFUSED
    assert line in err and named in err
    assert _journal_is_empty(tmp_path, capsys)
