"""A command that only reads (`labs`) opens the journal read-only, with every promise kept.

It is spared the full integrity check (SQLite's quick check reads every page instead), but a
damaged journal, a foreign schema and a newer version are refused as on every open, an older
schema is still migrated after a backup copy, the day's backup is still taken, and nothing can
be written through it (README "Your data is safe and stays yours").
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from fertilitytracker.cli import EXIT_FAILED, EXIT_OK, run
from fertilitytracker.storage.database import (
    DamagedJournalError,
    JournalError,
    SchemaMismatchError,
)
from fertilitytracker.storage.journal import Journal
from fertilitytracker.storage.migrations import known_migration_names
from tests.builders import digest
from tests.storage.test_schema_guard import TAMPERINGS, WIPER


def _journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    assert run(["--db", str(path), "lab", "2026-01-05", "lh", "4", "IU/L"]) == EXIT_OK
    return path


def _leave_as(path: Path, statement: str) -> None:
    connection = sqlite3.connect(path)
    connection.execute(statement)
    connection.commit()
    connection.close()


@pytest.mark.parametrize(("statement", "named"), TAMPERINGS)
def test_labs_refuses_a_journal_with_a_foreign_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], statement: str, named: str
) -> None:
    journal = _journal(tmp_path)
    _leave_as(journal, statement)
    before = digest(journal)
    capsys.readouterr()

    assert run(["--db", str(journal), "labs", "--json"]) == EXIT_FAILED

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "has a schema this version did not create" in captured.err and named in captured.err
    assert digest(journal) == before


def test_a_read_only_open_refuses_a_damaged_journal_and_leaves_it_as_found(
    first_schema_path: Path,
) -> None:
    data = bytearray(first_schema_path.read_bytes())
    data[4096 : 4096 + 2000] = b"\xff" * 2000  # scribble over the second page
    first_schema_path.write_bytes(bytes(data))
    with pytest.raises(DamagedJournalError):
        Journal.open(first_schema_path, read_only=True)
    assert first_schema_path.read_bytes() == bytes(data)


def test_a_read_only_open_refuses_a_journal_from_a_newer_version(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    _leave_as(
        journal,
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('fertilitytracker', '0099_from_the_future', '2030-01-01')",
    )
    with pytest.raises(JournalError, match="newer version"):
        Journal.open(journal, read_only=True)


def test_the_wiping_trigger_is_refused_by_a_reader_too(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    _leave_as(journal, WIPER[0])
    with pytest.raises(SchemaMismatchError, match="wipe"):
        Journal.open(journal, read_only=True)


def test_nothing_can_be_written_through_a_read_only_journal(tmp_path: Path) -> None:
    journal_path = _journal(tmp_path)
    journal = Journal.open(journal_path, read_only=True)
    try:
        assert [draw.date for draw in journal.labs.all()] == [date(2026, 1, 5)]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            journal.db.execute("DELETE FROM lab_results")
    finally:
        journal.close()


def test_an_older_schema_is_migrated_after_a_backup_copy_then_read(
    first_schema_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--db", str(first_schema_path), "labs", "--json"]) == EXIT_OK
    assert len(capsys.readouterr().out) > 2  # the draws of the fixture journal
    backups = list(first_schema_path.parent.glob("backups/journal-before-migration-*.sqlite3"))
    assert len(backups) == 1
    reopened = Journal.open(first_schema_path, read_only=True)
    try:
        assert set(reopened.schema()) == known_migration_names()
    finally:
        reopened.close()


def test_the_days_backup_is_taken_by_a_reader_and_no_file_is_left_beside_the_journal(
    tmp_path: Path,
) -> None:
    journal = _journal(tmp_path)  # a new journal: nothing to back up yet
    assert not (tmp_path / "backups").exists()
    assert run(["--db", str(journal), "labs", "--json"]) == EXIT_OK
    kinds = sorted(path.name.split("-")[1] for path in (tmp_path / "backups").iterdir())
    assert kinds == ["daily", "weekly"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["backups", "journal.sqlite3"]
