"""The draw's fasting state: added by migration 0002_draw_fasting, kept through edits and undo."""

from __future__ import annotations

import sqlite3
from datetime import date, time
from pathlib import Path

from fertilitytracker.services.operations import ResultInput, remove, replace_result, restore
from fertilitytracker.storage.journal import Journal
from tests import builders

DAY = date(2026, 3, 14)


def test_a_journal_of_the_first_schema_gains_fasting_unrecorded(first_schema_path: Path) -> None:
    with builders.open_journal(first_schema_path, create=False) as journal:
        assert journal.schema() == ["0001_initial", "0002_draw_fasting"]
        draws = journal.history().draws
        assert len(draws) == 6
        assert {draw.fasting for draw in draws} == {None}
        builders.draw(journal, DAY, ("lh", "4.2", "IU/L"), at=time(7, 40), fasting=True)
        (draw,) = [draw for draw in journal.history().draws if draw.date == DAY]
        assert draw.fasting is True


def test_the_column_takes_only_yes_no_or_nothing(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path / "journal.sqlite3")
    journal.close()
    connection = sqlite3.connect(tmp_path / "journal.sqlite3")
    try:
        connection.execute("INSERT INTO draws (date, fasting) VALUES ('2026-01-01', 1)")
        try:
            connection.execute("INSERT INTO draws (date, fasting) VALUES ('2026-01-02', 7)")
        except sqlite3.IntegrityError:
            pass
        else:  # pragma: no cover - the CHECK constraint is the behaviour under test
            raise AssertionError("fasting = 7 was accepted")
    finally:
        connection.close()


def test_fasting_survives_editing_and_undoing_the_last_result(journal: Journal) -> None:
    builders.draw(journal, DAY, ("lh", "4.2", "IU/L"), at=None, fasting=False)
    (result,) = journal.history().draws[0].results
    assert result.id is not None
    replace_result(journal, result.id, ResultInput("lh", "4.4", "IU/L"))
    assert journal.history().draws[0].fasting is False
    (edited,) = journal.history().draws[0].results
    assert edited.id is not None
    _, removed = remove(journal, "lab_result", edited.id)
    assert journal.history().draws == ()
    restore(journal, removed)
    assert journal.history().draws[0].fasting is False


def test_a_later_result_does_not_overwrite_a_recorded_fasting(journal: Journal) -> None:
    builders.draw(journal, DAY, ("lh", "4.2", "IU/L"), at=None, fasting=True)
    builders.draw(journal, DAY, ("fsh", "3.2", "IU/L"), at=None)
    builders.draw(journal, DAY, ("shbg", "30", "nmol/L"), at=None, fasting=False)
    assert journal.history().draws[0].fasting is True
