"""Backups: verified private copies, the daily/weekly rotation, the newest good one, restore."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fertilitytracker.core.errors import InputError
from fertilitytracker.services.operations import record_symptom
from fertilitytracker.storage.backup import (
    DAILY_KEPT,
    WEEKLY_KEPT,
    backup_name,
    backup_now,
    backup_to,
    copy_backup_beside,
    daily_backup,
    list_backups,
    newest_good_backup,
    restore_journal,
    rotate_backups,
    verify_journal_file,
)
from fertilitytracker.storage.database import DamagedJournalError, JournalError
from fertilitytracker.storage.journal import Journal
from tests.builders import digest, open_journal, symptom_names, umask

NOW = datetime(2026, 3, 4, 9, 30)


@pytest.fixture(autouse=True)
def _usual_umask():
    # Privacy must not depend on a strict umask: run every test under the common 022.
    with umask(0o022):
        yield


def _journal_with(path: Path, *names: str) -> Path:
    with open_journal(path) as journal:
        for name in names:
            record_symptom(journal, date(2026, 1, 5), name, "3", None)
    return path


def damage(path: Path) -> None:
    """Overwrite b-tree pages in the middle of a closed journal with garbage."""
    size = path.stat().st_size
    assert size >= 4 * 4096, "the journal is too small to damage realistically"
    with path.open("r+b") as handle:
        handle.seek(2 * 4096)
        handle.write(b"\x13" * min(8 * 4096, size - 3 * 4096))


def _damaged_after_a_backup(tmp_path: Path, to: Path | None = None) -> tuple[Path, Path]:
    """A journal of 60 symptoms, backed up (to `to`, else into backups/), then damaged:
    the journal's path and the good backup's."""
    journal_path = _journal_with(tmp_path / "journal.sqlite3", *[f"s{i}" for i in range(60)])
    with open_journal(journal_path) as journal:
        if to is None:
            good = backup_now(journal.db.conn, journal_path, NOW)
        else:
            good = backup_to(journal.db.conn, journal_path, to, NOW)
    damage(journal_path)
    return journal_path, good


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- copies ----------------------------------------------------------------------------------


def test_backup_now_is_a_verified_private_copy_with_the_same_records(tmp_path: Path) -> None:
    journal_path = _journal_with(tmp_path / "journal.sqlite3", "headache", "fatigue")
    journal = Journal.open(journal_path)
    try:
        copy = backup_now(journal.db.conn, journal_path, NOW)
    finally:
        journal.close()
    assert copy.parent == tmp_path / "backups"
    assert copy.name == "journal-manual-20260304-093000.sqlite3"
    assert _mode(copy) == 0o600
    assert _mode(copy.parent) == 0o700
    assert not list(copy.parent.glob("*.partial")), "no temporary file left behind"
    assert not Path(f"{copy}-wal").exists(), "a backup is one self-contained file"
    verify_journal_file(copy)
    assert symptom_names(copy) == {"headache", "fatigue"}


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(tmp_path: Path) -> None:
    journal = Journal.open(_journal_with(tmp_path / "journal.sqlite3", "a"))
    try:
        first = backup_now(journal.db.conn, journal.path, NOW)
        second = backup_now(journal.db.conn, journal.path, NOW)
    finally:
        journal.close()
    assert first != second
    assert first.exists() and second.exists()


def test_backup_to_a_folder_writes_a_dated_file_inside(tmp_path: Path) -> None:
    journal = Journal.open(_journal_with(tmp_path / "journal.sqlite3", "a"))
    out = tmp_path / "usb"
    out.mkdir()
    try:
        written = backup_to(journal.db.conn, journal.path, out, NOW)
    finally:
        journal.close()
    assert written.parent == out
    assert _mode(written) == 0o600
    verify_journal_file(written)


def test_backup_to_refuses_to_overwrite_a_file_that_is_not_a_journal(tmp_path: Path) -> None:
    journal = Journal.open(_journal_with(tmp_path / "journal.sqlite3", "a"))
    precious = tmp_path / "thesis.docx"
    precious.write_bytes(b"four years of work")
    try:
        with pytest.raises(JournalError, match="not a journal backup"):
            backup_to(journal.db.conn, journal.path, precious, NOW)
        with pytest.raises(InputError, match="the journal or one of its backups"):
            backup_to(journal.db.conn, journal.path, journal.path, NOW)
    finally:
        journal.close()
    assert precious.read_bytes() == b"four years of work"


def test_backup_to_replaces_an_older_backup_atomically(tmp_path: Path) -> None:
    journal_path = _journal_with(tmp_path / "journal.sqlite3", "old")
    out = tmp_path / "copy.sqlite3"
    journal = Journal.open(journal_path)
    try:
        backup_to(journal.db.conn, journal_path, out, NOW)
        record_symptom(journal, date(2026, 1, 6), "new", "2", None)
        backup_to(journal.db.conn, journal_path, out, NOW)
    finally:
        journal.close()
    assert symptom_names(out) == {"old", "new"}


def test_a_failed_copy_leaves_the_previous_backup_and_no_partial_file(tmp_path: Path) -> None:
    journal_path = _journal_with(tmp_path / "journal.sqlite3", "kept")
    journal = Journal.open(journal_path)
    target = backup_now(journal.db.conn, journal_path, NOW)
    before = digest(target)
    journal.close()  # a closed connection cannot be copied: the backup fails midway
    with pytest.raises(sqlite3.ProgrammingError):
        from fertilitytracker.storage.database import backup_database

        backup_database(journal.db.conn, target)
    assert digest(target) == before
    assert not list(target.parent.glob("*.partial"))


# --- daily backups and rotation ----------------------------------------------------------------


def test_daily_backup_is_taken_once_a_day_with_a_weekly_one(tmp_path: Path) -> None:
    journal = Journal.open(_journal_with(tmp_path / "journal.sqlite3", "a"))
    try:
        made = daily_backup(journal.db.conn, journal.path, date(2026, 3, 4))
        again = daily_backup(journal.db.conn, journal.path, date(2026, 3, 4))
    finally:
        journal.close()
    assert [path.name for path in made] == [
        "journal-daily-2026-03-04.sqlite3",
        "journal-weekly-2026-W10.sqlite3",
    ]
    assert again == []
    for path in made:
        verify_journal_file(path)
        assert _mode(path) == 0o600


def test_rotation_keeps_the_last_seven_daily_and_four_weekly(tmp_path: Path) -> None:
    journal = Journal.open(_journal_with(tmp_path / "journal.sqlite3", "a"))
    first_day = date(2099, 1, 1)  # after the real today, whose backup opening the journal took
    try:
        manual = backup_now(journal.db.conn, journal.path, NOW)
        for offset in range(45):
            daily_backup(journal.db.conn, journal.path, first_day + timedelta(days=offset))
    finally:
        journal.close()
    folder = tmp_path / "backups"
    daily = sorted(p.name for p in folder.glob("journal-daily-*"))
    weekly = sorted(p.name for p in folder.glob("journal-weekly-*"))
    last_day = first_day + timedelta(days=44)
    assert daily == [
        f"journal-daily-{last_day - timedelta(days=back):%Y-%m-%d}.sqlite3"
        for back in range(DAILY_KEPT - 1, -1, -1)
    ]
    assert len(weekly) == WEEKLY_KEPT
    assert weekly[-1] == f"journal-weekly-{last_day:%G-W%V}.sqlite3"
    assert manual.exists(), "manual backups are never rotated away"


@settings(max_examples=40, deadline=None)
@given(days=st.sets(st.integers(min_value=0, max_value=400), max_size=30))
def test_rotation_keeps_exactly_the_newest(tmp_path_factory, days: set[int]) -> None:
    folder = tmp_path_factory.mktemp("rotation")
    journal_path = folder / "journal.sqlite3"
    (folder / "backups").mkdir()
    start = datetime(2025, 1, 1)
    weeks = set()
    for offset in days:
        moment = start + timedelta(days=offset)
        backup_name(journal_path, "daily", moment).touch()
        weeks.add(backup_name(journal_path, "weekly", moment).name)
        backup_name(journal_path, "weekly", moment).touch()
    rotate_backups(journal_path)
    kept_daily = sorted(p.name for p in (folder / "backups").glob("journal-daily-*"))
    kept_weekly = sorted(p.name for p in (folder / "backups").glob("journal-weekly-*"))
    expected_daily = sorted(
        f"journal-daily-{start + timedelta(days=offset):%Y-%m-%d}.sqlite3" for offset in days
    )[-DAILY_KEPT:]
    assert kept_daily == expected_daily
    assert kept_weekly == sorted(weeks)[-WEEKLY_KEPT:]


def test_opening_an_existing_journal_takes_the_daily_backup(tmp_path: Path) -> None:
    journal_path = tmp_path / "journal.sqlite3"
    Journal.open(journal_path).close()
    assert not (tmp_path / "backups").exists(), "a brand-new journal has nothing to back up"
    _journal_with(journal_path, "a")
    Journal.open(journal_path).close()
    names = {p.name for p in (tmp_path / "backups").iterdir()}
    days = {date.today(), date.today() - timedelta(days=1)}  # the test may straddle midnight
    assert any(f"journal-daily-{day:%Y-%m-%d}.sqlite3" in names for day in days)


# --- finding a good backup -------------------------------------------------------------------


def _aged(path: Path, hours_ago: int) -> Path:
    moment = (datetime.now() - timedelta(hours=hours_ago)).timestamp()
    os.utime(path, (moment, moment))
    return path


def test_newest_good_backup_skips_damaged_and_foreign_files(tmp_path: Path) -> None:
    journal_path = _journal_with(tmp_path / "journal.sqlite3", *[f"s{i}" for i in range(60)])
    journal = Journal.open(journal_path, create=False)
    try:
        older = _aged(backup_now(journal.db.conn, journal_path, NOW), 5)
        newer = _aged(backup_now(journal.db.conn, journal_path, NOW), 3)
        broken = _aged(backup_now(journal.db.conn, journal_path, NOW), 1)
    finally:
        journal.close()
    for automatic in [
        *(tmp_path / "backups").glob("journal-daily-*"),
        *(tmp_path / "backups").glob("journal-weekly-*"),
    ]:
        automatic.unlink()  # taken by the open above; this test sets its own ages
    damage(broken)
    _aged(broken, 1)
    impostor = tmp_path / "backups" / "journal-manual-20990101-000000.sqlite3"
    impostor.write_text("not a journal")
    _aged(impostor, 0)
    found = newest_good_backup(journal_path)
    assert found is not None
    assert found.path == newer
    assert [b.path for b in list_backups(journal_path)][:3] == [impostor, broken, newer]
    assert older.exists()


def test_no_backup_at_all_gives_none(tmp_path: Path) -> None:
    assert newest_good_backup(tmp_path / "journal.sqlite3") is None


def test_verify_refuses_what_is_not_a_healthy_journal_of_this_version(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite3"
    text.write_text("hello")
    with pytest.raises(JournalError, match="not a SQLite file"):
        verify_journal_file(text)

    other = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(JournalError, match="not a Fertility Tracker journal"):
        verify_journal_file(other)

    newer = _journal_with(tmp_path / "newer.sqlite3", "a")
    connection = sqlite3.connect(newer)
    connection.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('fertilitytracker', '9999_from_the_future', '2030-01-01')"
    )
    connection.commit()
    connection.close()
    with pytest.raises(JournalError, match="newer version"):
        verify_journal_file(newer)

    damaged = _journal_with(tmp_path / "damaged.sqlite3", *[f"s{i}" for i in range(60)])
    damage(damaged)
    with pytest.raises(JournalError, match=r"integrity|malformed|damaged"):
        verify_journal_file(damaged)


# --- a damaged journal is never overwritten ---------------------------------------------------


def test_a_damaged_journal_is_left_byte_for_byte_and_the_error_names_a_backup(
    tmp_path: Path,
) -> None:
    journal_path, good = _damaged_after_a_backup(tmp_path)
    before = digest(journal_path)
    for _ in range(2):
        with pytest.raises(DamagedJournalError) as raised:
            Journal.open(journal_path)
        assert digest(journal_path) == before
    assert raised.value.newest_backup == good
    assert str(good) in str(raised.value)
    assert "left unchanged" in str(raised.value)


def test_a_file_that_is_not_sqlite_is_left_unchanged(tmp_path: Path) -> None:
    journal_path = tmp_path / "journal.sqlite3"
    journal_path.write_bytes(b"%PDF-1.7 not a journal at all" * 100)
    before = digest(journal_path)
    with pytest.raises(DamagedJournalError, match="No good backup"):
        Journal.open(journal_path)
    assert digest(journal_path) == before


def test_a_copy_of_a_backup_beside_the_journal_leaves_the_damaged_file_alone(
    tmp_path: Path,
) -> None:
    journal_path, good = _damaged_after_a_backup(tmp_path)
    before = digest(journal_path)
    copy = copy_backup_beside(journal_path, good, NOW)
    assert copy.parent == tmp_path
    assert copy.name == "journal-recovered-20260304-093000.sqlite3"
    assert _mode(copy) == 0o600
    assert len(symptom_names(copy)) == 60
    assert digest(journal_path) == before


# --- restore ---------------------------------------------------------------------------------


def test_restore_backs_up_the_current_journal_first_and_open_readers_see_it(
    tmp_path: Path,
) -> None:
    journal_path = _journal_with(tmp_path / "journal.sqlite3", "before")
    journal = Journal.open(journal_path)
    source = backup_to(journal.db.conn, journal_path, tmp_path / "saved.sqlite3", NOW)
    record_symptom(journal, date(2026, 1, 9), "after", "4", None)
    outcome = restore_journal(journal_path, source, NOW)
    try:
        # The app's connection, opened before the restore, reads the restored journal.
        assert {entry.name for entry in journal.symptoms.all()} == {"before"}
        assert journal.check() == []
    finally:
        journal.close()
    assert outcome.safety_backup is not None
    assert outcome.safety_backup.name == "journal-before-restore-20260304-093000.sqlite3"
    assert symptom_names(outcome.safety_backup) == {"before", "after"}
    assert symptom_names(journal_path) == {"before"}
    assert _mode(journal_path) == 0o600


def test_restore_refuses_a_file_that_is_not_a_journal_and_changes_nothing(
    tmp_path: Path,
) -> None:
    journal_path = _journal_with(tmp_path / "journal.sqlite3", "mine")
    before = digest(journal_path)
    impostor = tmp_path / "photo.jpg"
    impostor.write_bytes(b"\xff\xd8\xff" + b"0" * 5000)
    with pytest.raises(JournalError, match="not a SQLite file"):
        restore_journal(journal_path, impostor, NOW)
    with pytest.raises(JournalError, match="the journal itself"):
        restore_journal(journal_path, journal_path, NOW)
    assert digest(journal_path) == before
    assert not (tmp_path / "backups").exists() or not any(
        p.name.startswith("journal-before-restore") for p in (tmp_path / "backups").iterdir()
    )


def test_restore_over_a_damaged_journal_moves_it_aside_unchanged(tmp_path: Path) -> None:
    journal_path, good = _damaged_after_a_backup(tmp_path, to=tmp_path / "good.sqlite3")
    before = digest(journal_path)
    outcome = restore_journal(journal_path, good, NOW)
    assert outcome.damaged_moved_to is not None
    assert digest(outcome.damaged_moved_to) == before
    assert len(symptom_names(journal_path)) == 60
    assert newest_good_backup(journal_path) is None or (
        newest_good_backup(journal_path).path != outcome.damaged_moved_to
    )


def test_restore_into_a_missing_journal_creates_it(tmp_path: Path) -> None:
    source = _journal_with(tmp_path / "elsewhere.sqlite3", "carried")
    journal_path = tmp_path / "new" / "journal.sqlite3"
    outcome = restore_journal(journal_path, source, NOW)
    assert outcome.safety_backup is None and outcome.damaged_moved_to is None
    assert symptom_names(journal_path) == {"carried"}
    assert _mode(journal_path) == 0o600
    assert _mode(journal_path.parent) == 0o700


def test_rotation_removes_copies_abandoned_by_a_killed_process(tmp_path: Path) -> None:
    journal = Journal.open(_journal_with(tmp_path / "journal.sqlite3", "a"))
    folder = tmp_path / "backups"
    folder.mkdir(exist_ok=True)
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    gone = int(finished.stdout)  # a process id that no longer runs
    abandoned = folder / f".journal-daily-2099-01-01.sqlite3.{gone}.partial"
    abandoned.write_bytes(b"half a copy")
    running = folder / f".journal-daily-2099-01-02.sqlite3.{os.getpid()}.partial"
    running.write_bytes(b"being written")
    try:
        daily_backup(journal.db.conn, journal.path, date(2099, 1, 3))
    finally:
        journal.close()
    assert not abandoned.exists()
    assert running.exists(), "a copy still being written by a live process stays"
