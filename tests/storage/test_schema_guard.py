"""Open and restore refuse a journal whose schema is not the one the migrations define."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from fertilitytracker.cli import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, run
from fertilitytracker.storage.backup import restore_journal, verify_journal_file
from fertilitytracker.storage.database import JournalError, SchemaMismatchError, open_database
from tests.builders import digest
from tests.storage.conftest import FIRST_SCHEMA

WIPER = (
    "CREATE TRIGGER wipe AFTER INSERT ON symptoms BEGIN DELETE FROM lab_results; END",
    'trigger "wipe" on symptoms',
)
TAMPERINGS = [
    WIPER,
    ("CREATE VIEW everything AS SELECT * FROM symptoms", 'view "everything"'),
    ("DROP INDEX idx_symptoms_date", 'index "idx_symptoms_date" on symptoms is missing'),
    ("ALTER TABLE symptoms ADD COLUMN extra TEXT", 'table "symptoms" is not defined'),
    ("CREATE TABLE spare (x)", 'table "spare"'),
    ("CREATE INDEX idx_extra ON lab_results(value)", 'index "idx_extra" on lab_results'),
]


def _journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    assert run(["--db", str(path), "lab", "2026-01-05", "lh", "4", "IU/L"]) == EXIT_OK
    assert run(["--db", str(path), "symptom", "2026-01-05", "headache", "3"]) == EXIT_OK
    return path


def _tampered_copy(source: Path, target: Path, statement: str) -> Path:
    shutil.copy(source, target)
    connection = sqlite3.connect(target)
    connection.execute(statement)
    connection.commit()
    connection.close()
    return target


@pytest.mark.parametrize(("statement", "named"), TAMPERINGS)
def test_restore_refuses_a_backup_with_a_foreign_schema(
    tmp_path: Path, capsys, statement: str, named: str
) -> None:
    journal = _journal(tmp_path)
    assert run(["--db", str(journal), "backup", str(tmp_path / "good.sqlite3")]) == EXIT_OK
    evil = _tampered_copy(tmp_path / "good.sqlite3", tmp_path / "evil.sqlite3", statement)
    before = digest(journal)
    capsys.readouterr()
    assert run(["--db", str(journal), "restore", str(evil)]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "has a schema this version did not create" in err and named in err
    assert digest(journal) == before
    with pytest.raises(JournalError, match="schema this version did not create"):
        restore_journal(journal, evil, datetime(2026, 3, 1))
    with pytest.raises(JournalError, match="schema"):
        verify_journal_file(evil)


def test_the_wiping_trigger_never_runs_after_a_restore_attempt(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    assert run(["--db", str(journal), "backup", str(tmp_path / "good.sqlite3")]) == EXIT_OK
    evil = _tampered_copy(tmp_path / "good.sqlite3", tmp_path / "evil.sqlite3", WIPER[0])
    assert run(["--db", str(journal), "restore", str(evil)]) == EXIT_REFUSED
    assert run(["--db", str(journal), "symptom", "2026-01-06", "tired", "2"]) == EXIT_OK
    connection = sqlite3.connect(journal)
    assert connection.execute("SELECT count(*) FROM lab_results").fetchone()[0] == 1
    connection.close()


def test_opening_a_tampered_journal_is_refused_and_check_reports_it(tmp_path: Path, capsys) -> None:
    journal = _journal(tmp_path)
    assert run(["--db", str(journal), "backup"]) == EXIT_OK
    connection = sqlite3.connect(journal)
    connection.execute(WIPER[0])
    connection.commit()
    connection.close()
    before = digest(journal)
    with pytest.raises(SchemaMismatchError) as refused:
        open_database(journal)
    assert refused.value.newest_backup is not None
    capsys.readouterr()
    assert run(["--db", str(journal), "symptom", "2026-01-06", "x", "1"]) == EXIT_FAILED
    assert 'trigger "wipe" on symptoms' in capsys.readouterr().err
    assert run(["--db", str(journal), "check"]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert "Schema: not the one this version creates" in out
    assert 'an unexpected trigger "wipe" on symptoms' in out
    assert run(["--db", str(journal), "check", "--json"]) == EXIT_FAILED
    report = __import__("json").loads(capsys.readouterr().out)
    assert report["healthy"] is False
    assert report["schema_problems"] == ['an unexpected trigger "wipe" on symptoms']
    assert digest(journal) == before


def test_a_tampered_journal_is_restored_from_a_good_backup(tmp_path: Path, capsys) -> None:
    journal = _journal(tmp_path)
    good = tmp_path / "good.sqlite3"
    assert run(["--db", str(journal), "backup", str(good)]) == EXIT_OK
    connection = sqlite3.connect(journal)
    connection.execute(WIPER[0])
    connection.commit()
    connection.close()
    assert run(["--db", str(journal), "restore", str(good)]) == EXIT_OK
    assert "moved, unchanged" in capsys.readouterr().out
    assert run(["--db", str(journal), "check"]) == EXIT_OK


def test_the_released_fixture_journal_still_opens(tmp_path: Path) -> None:
    copy = tmp_path / "journal.sqlite3"
    shutil.copy(FIRST_SCHEMA, copy)
    open_database(copy, daily_backup=False).conn.close()
