"""`fertilitytracker report OUT.pdf`: what it prints, its exit codes, nothing left on failure."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fertilitytracker.cli import build_parser, run
from fertilitytracker.storage.journal import Journal
from tests.builders import digest
from tests.report.conftest import known_journal, read_pdf
from tests.storage.test_schema_guard import WIPER


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    journal = Journal.open(path)
    known_journal(journal)
    journal.close()
    return path


def test_report_writes_and_says_where_and_how_many_pages(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.pdf"
    assert run(["--db", str(db), "report", str(out)]) == 0
    printed = capsys.readouterr().out.strip()
    pages = len(read_pdf(out).pages)
    assert printed == f"wrote {out} ({pages} pages)"


def test_report_json_units_period_and_letter(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "si.pdf"
    code = run(
        [
            "--db",
            str(db),
            "report",
            str(out),
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-31",
            "--units",
            "si",
            "--page-size",
            "Letter",
            "--json",
        ]
    )
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert document["path"] == str(out) and isinstance(document["pages"], int)
    pdf = read_pdf(out)
    assert "2025-03-01 to 2025-03-31" in pdf.pages[0]
    assert "nmol/L" in pdf.pages[0]
    assert round(float(pdf.reader.pages[0].mediabox.width)) == 612


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (["--from", "2025-03-01", "--to", "2025-02-01"], "from"),
        (["--from", "2025-02-30"], "from"),
        (["--to", "yesterday"], "to"),
    ],
)
def test_bad_dates_are_refused_with_exit_2(
    db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    field: str,
) -> None:
    out = tmp_path / "r.pdf"
    assert run(["--db", str(db), "report", str(out), *arguments]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"fertilitytracker: {field}:")
    assert "\n" not in error
    assert not out.exists()


def test_unknown_units_refused(db: Path, tmp_path: Path) -> None:
    assert run(["--db", str(db), "report", str(tmp_path / "r.pdf"), "--units", "metric"]) == 2


def test_missing_folder_is_exit_2(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "r.pdf"
    assert run(["--db", str(db), "report", str(out)]) == 2
    assert "output: the folder" in capsys.readouterr().err
    assert not out.parent.exists()


def test_unwritable_place_is_exit_1_with_one_line(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--db", str(db), "report", "/proc/report.pdf"]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("fertilitytracker: report: cannot write")
    assert "\n" not in error and "Traceback" not in error


def test_the_report_only_reads_and_refuses_a_foreign_schema_as_every_open_does(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.pdf"
    assert build_parser(["report", str(out)]).parse_args(["report", str(out)]).read_only
    connection = sqlite3.connect(db)
    connection.execute(WIPER[0])
    connection.commit()
    connection.close()
    before = digest(db)

    assert run(["--db", str(db), "report", str(out)]) == 1

    error = capsys.readouterr().err
    assert "has a schema this version did not create" in error and WIPER[1] in error
    assert digest(db) == before and not out.exists()


def test_empty_journal_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "empty.pdf"
    assert run(["--db", str(tmp_path / "new.sqlite3"), "report", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out} (1 page)"
    assert "No data yet" in read_pdf(out).text


def test_profile_sets_name_and_birth_date_printed_on_the_report(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", str(db), "profile"]
    assert run([*base, "--name", "  Wang  Xiaoming ", "--birth-date", "1988-05-17", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["name"], shown["birth_date"]) == ("Wang Xiaoming", "1988-05-17")
    assert isinstance(shown["age"], int)
    assert run(base) == 0
    assert "date of birth: 1988-05-17 (age" in capsys.readouterr().out
    out = tmp_path / "report.pdf"
    assert run(["--db", str(db), "report", str(out), "--to", "2025-04-10"]) == 0
    first = " ".join(read_pdf(out).pages[0].split())
    assert "Wang Xiaoming" in first and "1988-05-17 (age 36)" in first


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--birth-date", "1988-02-30"], "birth-date"),
        (["--birth-date", "2999-01-01"], "birth-date"),
        (["--name", "a\x07b"], "name"),
        (["--name", "ok", "--birth-date", "yesterday"], "birth-date"),
    ],
)
def test_profile_refuses_bad_input_and_writes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], field: str
) -> None:
    assert run(["--db", str(db), "profile", "--name", "Kept", "--birth-date", "1980-01-02"]) == 0
    capsys.readouterr()
    assert run(["--db", str(db), "profile", *args]) == 2
    err = capsys.readouterr().err
    assert field in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert run(["--db", str(db), "profile", "--json"]) == 0
    kept = json.loads(capsys.readouterr().out)
    assert (kept["name"], kept["birth_date"]) == ("Kept", "1980-01-02")


def test_the_report_command_loads_only_what_a_report_needs(db: Path, tmp_path: Path) -> None:
    # Its start is most of a short report's time: no Qt, no plotting, no file formats, no
    # sqlite-utils (only a migration needs it), and the right-to-left libraries only when a
    # text needs them (this journal has none).
    probe = (
        "import sys, json\n"
        "from fertilitytracker.__main__ import main\n"
        "code = main(['--db', sys.argv[1], 'report', sys.argv[2]])\n"
        "unwanted = ('PySide6', 'pyqtgraph', 'numpy', 'arabic_reshaper', 'bidi', 'sqlite_utils')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in unwanted\n"
        "    or m.startswith('fertilitytracker.services.exchange'))\n"
        "print(json.dumps({'code': code, 'loaded': loaded}), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(db), str(tmp_path / "report.pdf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(result.stderr.strip().splitlines()[-1]) == {"code": 0, "loaded": []}
    assert (tmp_path / "report.pdf").stat().st_size > 0
