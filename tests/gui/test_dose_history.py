"""The dose history of a regimen: each day taken (with its time), skipped or missed, corrected."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QGuiApplication

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.dialogs.dose_history import DoseHistoryDialog
from fertilitytracker.gui.screens.medications import MedicationsScreen
from fertilitytracker.gui.theme import flag_color, muted_color
from fertilitytracker.services.operations import log_dose, start_regimen

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot, context: AppContext) -> DoseHistoryDialog:
    start_regimen(context.journal, "anastrozole", "1", "mg", "daily", date(2026, 5, 28), time(8, 0))
    log_dose(context.journal, "anastrozole", datetime(2026, 5, 29, 8, 0))
    log_dose(context.journal, "anastrozole", datetime(2026, 5, 30, 8, 0), skipped=True)
    context.reload()
    screen = MedicationsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.table.selectRow(0)
    opened = screen.open_dose_history()
    assert opened is not None
    qtbot.waitExposed(opened)
    return opened


def rows(dialog: DoseHistoryDialog) -> list[tuple[str, str]]:
    model = dialog.model
    return [(model.index(r, 0).data(), model.index(r, 2).data()) for r in range(model.rowCount())]


def select(dialog: DoseHistoryDialog, day: str) -> None:
    for position, (shown, _what) in enumerate(rows(dialog)):
        if shown.endswith(day):
            dialog.table.selectRow(position)
            return
    raise AssertionError(day)


def test_every_day_shows_taken_with_its_time_skipped_or_missed(dialog: DoseHistoryDialog) -> None:
    assert rows(dialog) == [
        ("Mon 2026-06-01", "due today"),
        ("Sun 2026-05-31", "✗ missed"),
        ("Sat 2026-05-30", "⊘ skipped 08:00"),
        ("Fri 2026-05-29", "✓ taken 08:00"),
        ("Thu 2026-05-28", "✗ missed"),
    ]
    model = dialog.model
    colour = Qt.ItemDataRole.ForegroundRole
    palette = QGuiApplication.palette()
    assert model.index(2, 2).data(colour) == muted_color(palette)  # skipped
    assert model.index(1, 2).data(colour) == flag_color(palette, "low")  # missed
    assert model.index(3, 2).data(colour) is None  # taken: plain text


def test_a_past_dose_is_corrected_in_the_history(
    qtbot, dialog: DoseHistoryDialog, context: AppContext
) -> None:
    select(dialog, "2026-05-30")  # logged as skipped: it was taken, in the evening
    dialog.time_edit.setTime(QTime(21, 15))
    with qtbot.waitSignal(context.journal_changed):
        qtbot.mouseClick(dialog.taken_button, Qt.MouseButton.LeftButton)
    doses = {d.at.date(): (d.status, d.at.time()) for d in context.journal.doses.all()}
    assert doses[date(2026, 5, 30)] == ("taken", time(21, 15))
    assert ("Sat 2026-05-30", "✓ taken 21:15") in rows(dialog)

    select(dialog, "2026-05-31")  # not logged: it was skipped
    qtbot.mouseClick(dialog.skipped_button, Qt.MouseButton.LeftButton)
    assert ("Sun 2026-05-31", "⊘ skipped 08:00") in rows(dialog)


def test_a_missed_day_is_confirmed_and_a_wrong_entry_becomes_missed(
    qtbot, dialog: DoseHistoryDialog, context: AppContext
) -> None:
    select(dialog, "2026-05-28")
    assert dialog.missed_button.text() == "Confirm &missed"
    qtbot.mouseClick(dialog.missed_button, Qt.MouseButton.LeftButton)
    assert ("Thu 2026-05-28", "✗ missed (confirmed)") in rows(dialog)

    select(dialog, "2026-05-29")  # logged as taken by mistake
    qtbot.mouseClick(dialog.missed_button, Qt.MouseButton.LeftButton)
    assert ("Fri 2026-05-29", "✗ missed (confirmed)") in rows(dialog)
    assert [d.at.date() for d in context.journal.doses.all()] == [date(2026, 5, 30)]


def test_the_dose_history_model_passes_the_model_tester(
    qtmodeltester, dialog: DoseHistoryDialog
) -> None:
    qtmodeltester.check(dialog.model)


def test_a_dose_later_than_now_is_asked_about_first(
    qtbot, dialog: DoseHistoryDialog, context: AppContext
) -> None:
    select(dialog, "2026-06-01")  # today; the clock says 09:00
    dialog.time_edit.setTime(QTime(21, 30))
    qtbot.mouseClick(dialog.taken_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible())
    question = dialog.question
    assert question is not None
    assert "21:30 today, later than now (09:00)" in question.text()
    assert date(2026, 6, 1) not in {d.at.date() for d in context.journal.doses.all()}
    with qtbot.waitSignal(question.finished):
        question.cancel_button.click()
    assert date(2026, 6, 1) not in {d.at.date() for d in context.journal.doses.all()}

    qtbot.mouseClick(dialog.taken_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible())
    with qtbot.waitSignal(context.journal_changed):
        dialog.question.choose("Save at 21:30")
    assert ("Mon 2026-06-01", "✓ taken 21:30") in rows(dialog)


def test_a_dose_at_an_earlier_time_today_is_saved_without_a_question(
    qtbot, dialog: DoseHistoryDialog, context: AppContext
) -> None:
    select(dialog, "2026-06-01")
    dialog.time_edit.setTime(QTime(8, 45))
    with qtbot.waitSignal(context.journal_changed):
        qtbot.mouseClick(dialog.taken_button, Qt.MouseButton.LeftButton)
    assert dialog.question is None
    assert ("Mon 2026-06-01", "✓ taken 08:45") in rows(dialog)
