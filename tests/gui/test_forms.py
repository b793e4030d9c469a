"""Forms across the screens: Enter saves a valid form, and a message never moves the fields."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.labs import LabsScreen
from fertilitytracker.gui.screens.medications import MedicationsScreen
from fertilitytracker.gui.screens.semen import SemenScreen

pytestmark = pytest.mark.gui


def test_enter_starts_a_regimen_once_the_form_is_valid(qtbot, show, context: AppContext) -> None:
    screen = show(MedicationsScreen(context))
    qtbot.keyClicks(screen.start_name.editor, "anastrozole")
    qtbot.keyClick(screen.start_name.editor, Qt.Key.Key_Return)
    assert context.journal.regimens.all() == []  # no dose yet: nothing saved
    qtbot.keyClicks(screen.start_dose.editor, "0.5")
    screen.start_schedule.set_text("eod")
    with qtbot.waitSignal(context.journal_changed):
        qtbot.keyClick(screen.start_dose.editor, Qt.Key.Key_Return)
    (regimen,) = context.journal.regimens.all()
    assert (regimen.name, regimen.current.dose) == ("anastrozole", 0.5)


def test_enter_saves_a_semen_analysis(qtbot, show, context: AppContext) -> None:
    screen = show(SemenScreen(context))
    qtbot.keyClicks(screen.edits["volume"], "3.0")
    qtbot.keyClicks(screen.edits["concentration"], "20")
    with qtbot.waitSignal(context.journal_changed):
        qtbot.keyClick(screen.edits["concentration"], Qt.Key.Key_Enter)
    assert len(context.journal.history().semen) == 1


def test_an_error_message_does_not_move_the_fields_below_it(
    qtbot, show, context: AppContext
) -> None:
    screen = show(LabsScreen(context), 1300, 800)
    form = screen.draw_form
    row = form.rows[0]
    below = form.add_row_button
    before = below.mapTo(screen, below.rect().topLeft())
    qtbot.keyClicks(row.value_edit, "abc")
    assert row.error_label.isVisible()
    QApplication.sendPostedEvents()  # the layouts settle
    assert below.mapTo(screen, below.rect().topLeft()) == before
    row.value_edit.clear()
    assert not row.error_label.isVisible()
    QApplication.sendPostedEvents()
    assert below.mapTo(screen, below.rect().topLeft()) == before
