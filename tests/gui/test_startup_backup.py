"""Opening the app takes the day's backup once Today is on screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fertilitytracker.gui.app import build_window
from fertilitytracker.gui.ui_state import UiState
from fertilitytracker.services.operations import record_symptom
from fertilitytracker.storage.backup import backups_dir
from fertilitytracker.storage.journal import Journal

pytestmark = pytest.mark.gui


def test_the_days_backup_is_taken_after_the_journal_is_shown(
    qtbot, tmp_path: Path, ui_state: UiState
) -> None:
    path = tmp_path / "kept.sqlite3"
    journal = Journal.open(path)
    record_symptom(journal, date(2026, 5, 1), "fatigue", "3")
    journal.close()

    window = build_window(path, ui_state)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.context is not None)

    def daily_backups() -> list[Path]:
        folder = backups_dir(path)
        return sorted(folder.glob("*daily*")) if folder.exists() else []

    qtbot.waitUntil(lambda: len(daily_backups()) == 1, timeout=10000)
    copy = Journal.open(daily_backups()[0], create=False)
    assert [entry.name for entry in copy.symptoms.all()] == ["fatigue"]
    copy.close()
    window.context.journal.close()
