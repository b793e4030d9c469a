"""The edit dialog of a result asks what the new-draw form asks before it writes: about a value
that fits another unit far better, and about a new date after today (not about the draw's own
date, even when that is after today)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.dialogs.edit_result import EditResultDialog
from fertilitytracker.gui.screens.labs import LabsScreen
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY, draw
from tests.gui._fixtures_labs import edit_result
from tests.gui.test_labs_entry import asked

pytestmark = pytest.mark.gui


def edit_saved_result(
    show, context: AppContext, day: date, entry: tuple[str, str, str]
) -> EditResultDialog:
    """The edit dialog, on the Labs screen, of the one result `entry` saved on `day`."""
    draw(context.journal, day, entry)
    screen = show(LabsScreen(context), 1300, 800)
    assert screen.show_draw(day)
    return edit_result(screen, 0)


def entered(journal: Journal) -> list[tuple[date, float, str]]:
    return [
        (saved.date, result.entered_value, result.entered_unit)
        for saved in journal.history().draws
        for result in saved.results
    ]


def test_an_edited_value_that_fits_another_unit_is_asked_about(
    qtbot, show, context: AppContext, journal: Journal
) -> None:
    dialog = edit_saved_result(show, context, TODAY, ("total_testosterone", "450", "ng/dL"))
    dialog.row.value_edit.setText("14.1")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    question = asked(qtbot, dialog)
    assert question.button_texts() == ["Save as 14.1 nmol/L", "Keep 14.1 ng/dL"]
    assert entered(journal) == [(TODAY, 450.0, "ng/dL")]  # nothing written before the answer
    with qtbot.waitSignal(context.journal_changed):
        question.choose("Save as 14.1 nmol/L")
    assert entered(journal) == [(TODAY, 14.1, "nmol/L")]


def test_moving_a_result_after_today_is_asked_about_and_cancel_keeps_it(
    qtbot, show, context: AppContext, journal: Journal
) -> None:
    dialog = edit_saved_result(show, context, TODAY, ("lh", "4", "IU/L"))
    dialog.date_edit.set_value(date(2026, 6, 3))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    question = asked(qtbot, dialog)
    assert "2026-06-03" in question.text()
    with qtbot.waitSignal(question.finished):
        question.cancel_button.click()
    assert entered(journal) == [(TODAY, 4.0, "IU/L")]

    dialog.question = None
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(context.journal_changed):
        asked(qtbot, dialog).choose("Save with 2026-06-03")
    assert entered(journal) == [(date(2026, 6, 3), 4.0, "IU/L")]


def test_a_result_of_a_draw_after_today_is_edited_without_a_date_question(
    qtbot, show, context: AppContext, journal: Journal
) -> None:
    later = date(2026, 6, 20)
    dialog = edit_saved_result(show, context, later, ("lh", "4", "IU/L"))
    dialog.row.value_edit.setText("5")
    with qtbot.waitSignal(context.journal_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.question is None
    assert entered(journal) == [(later, 5.0, "IU/L")]
