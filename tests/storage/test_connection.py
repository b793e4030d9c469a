"""The journal's connection behaves as sqlite-utils' Database did for storage: a write outside a
transaction is kept, a nested transaction is a savepoint, a failed statement leaves no
transaction open; and opening a journal needs no sqlite-utils (only a migration does)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from fertilitytracker.core.records import SymptomEntry
from fertilitytracker.storage.connection import Database
from fertilitytracker.storage.journal import Journal


def _symptom(day: int, name: str) -> SymptomEntry:
    return SymptomEntry(date(2026, 1, day), name, 3)


def test_a_write_outside_a_transaction_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    journal = Journal.open(path)
    journal.symptoms.add(_symptom(5, "headache"))
    journal.close()
    reopened = Journal.open(path, read_only=True)
    try:
        assert [entry.name for entry in reopened.symptoms.all()] == ["headache"]
    finally:
        reopened.close()


def test_a_failed_inner_transaction_undoes_only_its_own_writes(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path / "journal.sqlite3")
    try:
        with journal.transaction():
            journal.symptoms.add(_symptom(5, "kept"))
            with pytest.raises(RuntimeError), journal.transaction():
                journal.symptoms.add(_symptom(6, "undone"))
                raise RuntimeError("refused")
            journal.symptoms.add(_symptom(7, "kept too"))
        assert [entry.name for entry in journal.symptoms.all()] == ["kept", "kept too"]
        assert not journal.db.conn.in_transaction
    finally:
        journal.close()


def test_a_failed_statement_leaves_no_transaction_open(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "plain.sqlite3", isolation_level=None)
    db = Database(connection)
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO t (name) VALUES (NULL)")
    assert not connection.in_transaction
    db.execute("INSERT INTO t (name) VALUES (?)", ["one"])
    assert list(db.query("SELECT id, name FROM t")) == [{"id": 1, "name": "one"}]
    assert db.table_names() == ["t"]
    with pytest.raises(ValueError, match="execute"):
        db.query("DELETE FROM t")
    connection.close()


def test_opening_and_reading_a_journal_loads_no_sqlite_utils(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal.open(path).close()  # made (and migrated) in this process
    probe = (
        "import sys, json\n"
        "from fertilitytracker.storage.journal import Journal\n"
        "journal = Journal.open(sys.argv[1])\n"
        "journal.history()\n"
        "journal.close()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('sqlite_utils'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == []
