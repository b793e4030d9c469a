"""Opening the app takes the day's backup once Today is on screen and the pages are left alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fertilitytracker.gui import app as app_module
from fertilitytracker.gui.app import build_window
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.main_window import MainWindow
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


def test_the_days_backup_waits_while_the_person_moves_between_pages(
    qapp, demo_window: MainWindow, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[Journal] = []
    monkeypatch.setattr(Journal, "daily_backup", lambda journal: taken.append(journal))
    monkeypatch.setattr(app_module, "DAILY_BACKUP_AFTER_MS", 0)
    app_module.take_daily_backup(demo_window, demo_context, demo_context.journal)
    monkeypatch.setattr(app_module, "DAILY_BACKUP_AFTER_MS", 60_000)
    demo_window.show_page("medications")  # before the backup's turn came
    for _ in range(3):
        qapp.processEvents()  # the turn comes and goes: the copy waits for the pages' quiet
    assert taken == []


def test_the_days_backup_is_taken_once_the_pages_are_left_alone(
    qtbot, qapp, demo_window: MainWindow, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[Journal] = []
    monkeypatch.setattr(Journal, "daily_backup", lambda journal: taken.append(journal))
    monkeypatch.setattr(app_module, "DAILY_BACKUP_AFTER_MS", 0)
    app_module.take_daily_backup(demo_window, demo_context, demo_context.journal)
    demo_window.show_page("medications")
    qtbot.waitUntil(lambda: taken == [demo_context.journal])
    demo_window.show_page("today")  # later page changes take no second one
    for _ in range(3):
        qapp.processEvents()
    assert taken == [demo_context.journal]
