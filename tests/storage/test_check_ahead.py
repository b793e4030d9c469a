"""The integrity check started ahead of opening (the app's start) decides only for the file it
read, unchanged: a damaged journal is refused with it as without it, and a journal replaced
since the check began is checked again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fertilitytracker.storage.database import DamagedJournalError, open_database
from fertilitytracker.storage.integrity import CheckAhead
from tests.builders import digest
from tests.storage.test_backup import _journal_with, damage


def _good_journal(tmp_path: Path, name: str = "journal.sqlite3") -> Path:
    return _journal_with(tmp_path / name, *[f"s{i}" for i in range(60)])


def test_a_good_journal_opens_with_its_check_ahead(tmp_path: Path) -> None:
    path = _good_journal(tmp_path)
    ahead = CheckAhead(path)

    assert ahead.status_of(path) == (True, "ok")
    database = open_database(path, daily_backup=False, check_ahead=ahead)
    assert database.execute("SELECT count(*) FROM symptoms").fetchone()[0] == 60
    database.conn.close()


def test_a_damaged_journal_is_refused_with_its_check_ahead_and_left_as_found(
    tmp_path: Path,
) -> None:
    path = _good_journal(tmp_path)
    damage(path)
    before = digest(path)
    ahead = CheckAhead(path)

    with pytest.raises(DamagedJournalError):
        open_database(path, daily_backup=False, check_ahead=ahead)
    assert digest(path) == before


def test_a_journal_replaced_after_its_check_began_is_checked_again(tmp_path: Path) -> None:
    path = _good_journal(tmp_path)
    ahead = CheckAhead(path)
    damaged = _good_journal(tmp_path, "other.sqlite3")
    damage(damaged)
    os.replace(damaged, path)  # as a sync tool or a restore would put another file there

    assert ahead.status_of(path) == (False, None)
    with pytest.raises(DamagedJournalError):
        open_database(path, daily_backup=False, check_ahead=ahead)


def test_a_check_ahead_of_another_file_does_not_count(tmp_path: Path) -> None:
    good = _good_journal(tmp_path)
    damaged = _good_journal(tmp_path, "damaged.sqlite3")
    damage(damaged)
    ahead = CheckAhead(good)

    assert ahead.status_of(damaged) == (False, None)
    with pytest.raises(DamagedJournalError):
        open_database(damaged, daily_backup=False, check_ahead=ahead)


def test_no_check_ahead_counts_for_a_file_that_is_not_a_plain_journal(tmp_path: Path) -> None:
    missing = tmp_path / "not-yet.sqlite3"
    ahead = CheckAhead(missing)
    assert ahead.status_of(missing) == (False, None)
    database = open_database(missing, daily_backup=False, check_ahead=ahead)
    assert "symptoms" in database.table_names()
    database.conn.close()
