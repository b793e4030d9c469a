"""The journal file: creation, privacy, refusals, migrations with backup, transactions."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.operations import ResultInput, record_draw
from fertilitytracker.storage import migrations as migrations_module
from fertilitytracker.storage.database import JournalError
from fertilitytracker.storage.journal import Journal
from tests.builders import open_journal


def known_schema() -> tuple[str, ...]:
    """This build's migrations, in order (a new journal has all of them)."""
    return tuple(migration.name for migration in migrations_module.migrations._migrations)


AddMigration = Callable[[str, Callable[[object], None]], None]


@pytest.fixture
def add_migration(monkeypatch: pytest.MonkeyPatch) -> AddMigration:
    """Register one more migration (name, step) for this test only."""
    registered = list(migrations_module.migrations._migrations)
    monkeypatch.setattr(migrations_module.migrations, "_migrations", registered)

    def add(name: str, step: Callable[[object], None]) -> None:
        migrations_module.migrations(name=name)(step)

    return add


def test_new_journal_is_private_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "private" / "journal.sqlite3"
    with open_journal(path) as journal:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert journal.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert journal.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert journal.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert journal.schema() == list(known_schema())
        assert journal.check() == []


def test_a_text_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my shopping list\n")
    with pytest.raises(JournalError, match="not a Fertility Tracker journal"):
        Journal.open(path)
    assert path.read_text() == "my shopping list\n"


def test_another_apps_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(JournalError, match="not a Fertility Tracker journal"):
        Journal.open(path)
    assert path.read_bytes() == before


def test_a_damaged_journal_is_refused_and_never_overwritten(first_schema_path: Path) -> None:
    data = bytearray(first_schema_path.read_bytes())
    data[4096 : 4096 + 2000] = b"\xff" * 2000  # scribble over the second page
    first_schema_path.write_bytes(bytes(data))
    with pytest.raises(JournalError):
        Journal.open(first_schema_path)
    assert first_schema_path.read_bytes() == bytes(data)


def test_a_journal_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('fertilitytracker', '0099_from_the_future', '2030-01-01')"
    )
    connection.commit()
    connection.close()
    with pytest.raises(JournalError, match="newer version"):
        Journal.open(path)


def test_the_first_released_schema_opens_with_its_records(first_schema_path: Path) -> None:
    with open_journal(first_schema_path) as journal:
        history = journal.history()
        assert [regimen.name for regimen in history.regimens] == ["anastrozole", "clomiphene"]
        assert len(history.draws) == 6
        assert len(history.semen) == 2
        assert history.doses
        assert journal.check() == []


def test_a_pending_migration_backs_the_journal_up_first(
    first_schema_path: Path, add_migration: AddMigration
) -> None:
    def add_column(db: object) -> None:
        db.execute("ALTER TABLE symptoms ADD COLUMN mood_note TEXT")  # type: ignore[attr-defined]

    released = known_schema()
    add_migration("0002_test_only", add_column)

    with open_journal(first_schema_path) as journal:
        assert journal.schema() == [*released, "0002_test_only"]
    backups = list(first_schema_path.parent.glob("backups/journal-before-migration-*.sqlite3"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    names = [row[0] for row in copy.execute("SELECT name FROM _sqlite_migrations")]
    assert names == ["0001_initial"]
    assert copy.execute("SELECT count(*) FROM lab_results").fetchone()[0] > 0
    copy.close()


def test_a_failing_migration_leaves_the_journal_as_it_was(
    first_schema_path: Path, add_migration: AddMigration
) -> None:
    def broken(db: object) -> None:
        db.execute("ALTER TABLE symptoms ADD COLUMN half TEXT")  # type: ignore[attr-defined]
        raise RuntimeError("migration bug")

    add_migration("0002_broken", broken)
    with pytest.raises(RuntimeError):
        Journal.open(first_schema_path)
    connection = sqlite3.connect(first_schema_path)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(symptoms)")]
    connection.close()
    assert "half" not in columns


def test_a_refused_result_writes_nothing_of_its_draw(journal: Journal) -> None:
    with pytest.raises(InputError) as refused:
        record_draw(
            journal,
            date(2026, 1, 5),
            [
                ResultInput("total_testosterone", "450", "ng/dL"),
                ResultInput("estradiol", "30", "pg/dL"),
            ],
        )
    assert (refused.value.field, refused.value.analyte) == ("unit", "estradiol")
    assert refused.value.where == "estradiol unit"
    assert journal.history().draws == ()


def test_an_error_inside_a_transaction_rolls_everything_back(journal: Journal) -> None:
    with pytest.raises(RuntimeError), journal.transaction():
        record_draw(journal, date(2026, 1, 5), [ResultInput("total_testosterone", "450", "ng/dL")])
        raise RuntimeError("power cut")
    assert journal.history().draws == ()
