"""Labs › Paste results…: paste a lab's text, check and correct the preview, save, see it."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.dialogs.paste_results import (
    ANALYTE,
    SAVE,
    STORE,
    UNIT,
    VALUE,
    PasteResultsDialog,
)
from fertilitytracker.gui.main_window import MainWindow
from fertilitytracker.gui.screens.labs import LabsScreen
from fertilitytracker.gui.ui_state import UiState
from fertilitytracker.services.operations import log_dose, start_regimen
from tests.gui._fixtures_labs import column_named, column_texts

pytestmark = pytest.mark.gui

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "lab_text"


@pytest.fixture
def screen(show, context: AppContext) -> LabsScreen:
    return show(LabsScreen(context), 1300, 800)


def open_dialog(qtbot, screen: LabsScreen) -> PasteResultsDialog:
    qtbot.mouseClick(screen.paste_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(PasteResultsDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def paste(qtbot, dialog: PasteResultsDialog, text: str) -> None:
    QApplication.clipboard().setText(text)
    dialog.text_edit.setFocus()
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0 or dialog.message.isVisible())


def cell(dialog: PasteResultsDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def row_of(dialog: PasteResultsDialog, analyte_name: str) -> int:
    for row in range(dialog.table.rowCount()):
        if cell(dialog, row, ANALYTE) == analyte_name:
            return row
    raise AssertionError(analyte_name)


def test_paste_edit_one_row_save_and_see_the_draw_on_labs(
    qtbot, screen: LabsScreen, context: AppContext
) -> None:
    dialog = open_dialog(qtbot, screen)
    assert not dialog.save_button.isEnabled()
    paste(qtbot, dialog, (SAMPLES / "nhs.txt").read_text("utf-8"))
    assert dialog.table.rowCount() == 12
    assert "line 19" in dialog.not_read.toPlainText()  # eGFR: not an analyte of the app
    prolactin = row_of(dialog, "Prolactin")
    # mIU/L cannot be converted without the lab's factor: refused in the preview, Save is off.
    assert cell(dialog, prolactin, STORE).startswith("✕")
    assert not dialog.save_button.isEnabled()
    testosterone = row_of(dialog, "Total testosterone")
    assert cell(dialog, testosterone, STORE) == f"{8.5 * 28.842:.4g} ng/dL"

    # The person corrects the prolactin row to the lab's ng/mL figure.
    dialog.set_cell(prolactin, VALUE, "9.9")
    dialog.set_cell(prolactin, UNIT, "ng/mL")
    assert cell(dialog, prolactin, STORE) == "9.9 ng/mL"
    assert dialog.save_button.isEnabled()
    assert context.journal.history().draws == ()  # nothing saved before Save

    with qtbot.waitSignal(context.journal_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    (draw,) = context.journal.history().draws
    assert (draw.date, draw.time) == (date(2026, 3, 14), time(8, 10))
    assert len(draw.results) == 12
    assert draw.result("prolactin").entered_value == 9.9  # type: ignore[union-attr]
    model = screen.draws_table.model()
    qtbot.waitUntil(lambda: column_texts(model, 0) == ["2026-03-14"])  # time on hover
    assert column_texts(model, column_named(model, "Total T"))[0].startswith("245")


def test_an_unticked_row_is_left_out(qtbot, screen: LabsScreen, context: AppContext) -> None:
    dialog = open_dialog(qtbot, screen)
    paste(qtbot, dialog, (SAMPLES / "nhs.txt").read_text("utf-8"))
    prolactin = row_of(dialog, "Prolactin")
    item = dialog.table.item(prolactin, SAVE)
    assert item is not None
    item.setCheckState(Qt.CheckState.Unchecked)
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(context.journal_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (draw,) = context.journal.history().draws
    assert draw.result("prolactin") is None and len(draw.results) == 11


def test_an_ambiguous_date_asks_for_the_date_order(
    qtbot, screen: LabsScreen, context: AppContext
) -> None:
    dialog = open_dialog(qtbot, screen)
    paste(qtbot, dialog, (SAMPLES / "labcorp.txt").read_text("utf-8"))
    assert dialog.date_order_combo.isVisible()
    assert not dialog.save_button.isEnabled()
    dialog.date_order_combo.setCurrentIndex(dialog.date_order_combo.findData("mdy"))
    qtbot.waitUntil(dialog.save_button.isEnabled)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    # A direct free testosterone of 6.1 pg/mL reads far below usual values: asked, as typed.
    qtbot.waitUntil(lambda: dialog.question is not None)
    assert dialog.question is not None
    with qtbot.waitSignal(context.journal_changed):
        dialog.question.choose("Keep 6.1 pg/mL")
    (draw,) = context.journal.history().draws
    assert (draw.date, draw.time, draw.fasting) == (date(2026, 3, 14), time(8, 20), False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Testosterone 250 ng/dL\n" * 50_000, "too long"),
        ("\x00\x01\x02\x03 binary \x00 Testosterone 250 ng/dL", "binary"),
        ("Dear patient,\nall fine.\n", "no lab results"),
    ],
    ids=["long", "binary", "no results"],
)
def test_hostile_text_gets_a_clear_message_and_cannot_be_saved(
    qtbot, screen: LabsScreen, context: AppContext, text: str, message: str
) -> None:
    dialog = open_dialog(qtbot, screen)
    dialog.text_edit.setPlainText(text)
    assert dialog.message.isVisible() and message in dialog.message.text()
    assert dialog.table.rowCount() == 0
    assert not dialog.save_button.isEnabled()
    dialog.reject()
    assert context.journal.history().draws == ()


def test_a_draw_shows_its_context_beside_it(qtbot, context: AppContext) -> None:
    start_regimen(context.journal, "anastrozole", "0.5", "mg", "daily", date(2026, 1, 1))
    log_dose(context.journal, "anastrozole", datetime(2026, 3, 13, 21, 0))
    labs = LabsScreen(context)
    qtbot.addWidget(labs)
    labs.show()
    qtbot.waitExposed(labs)
    labs.draw_form.date_edit.set_value(date(2026, 3, 14))
    labs.draw_form.time_check.setChecked(True)
    labs.draw_form.time_edit.setTime(labs.draw_form.time_edit.time().fromString("14:30", "HH:mm"))
    labs.draw_form.fasting_combo.setCurrentIndex(labs.draw_form.fasting_combo.findData(True))
    row = labs.draw_form.rows[0]
    row.value_edit.setText("250")
    with qtbot.waitSignal(context.journal_changed):
        qtbot.mouseClick(labs.draw_form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "14:30" in labs.context_label.text())
    shown = labs.context_label.text()
    assert "fasting" in shown and "not fasting" not in shown
    assert "anastrozole 17.5 h after the last logged dose" in shown
    assert "guidelines ask for a morning draw" in shown and "AUA 2018" in shown
    assert "not yet confirmed by a second morning draw" in shown


def test_the_labs_menu_opens_the_paste_dialog(
    qtbot, demo_context: AppContext, ui_state: UiState
) -> None:
    window = MainWindow(ui_state, demo_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    labs_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Labs")
    assert [a.text() for a in labs_menu.actions()] == ["&Paste results…"]
    window.paste_results_action.trigger()
    dialog = window.findChild(PasteResultsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.reject()


def test_a_pasted_value_that_fits_another_unit_is_asked_about_before_anything_is_saved(
    qtbot, screen: LabsScreen, context: AppContext
) -> None:
    dialog = open_dialog(qtbot, screen)
    paste(qtbot, dialog, "Date: 2026-03-14\nTestosterone 14.1 ng/dL\nEstradiol 30 ng/dL\n")
    assert dialog.table.rowCount() == 2
    qtbot.waitUntil(dialog.save_button.isEnabled)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: dialog.question is not None)
    question = dialog.question
    assert question is not None
    qtbot.waitUntil(question.isVisible)
    assert question.text() == (
        "14.1 ng/dL is far below usual adult male values of total testosterone. "
        "Did you mean 14.1 nmol/L?"
    )
    assert question.button_texts() == ["Save as 14.1 nmol/L", "Keep 14.1 ng/dL"]
    assert context.journal.history().draws == ()  # nothing written before the answer
    question.choose("Save as 14.1 nmol/L")

    # The second row is asked about in its turn; still nothing written.
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question is not question)
    second = dialog.question
    assert second is not None
    assert second.button_texts() == ["Save as 30 pg/mL", "Keep 30 ng/dL"]
    assert context.journal.history().draws == ()
    with qtbot.waitSignal(context.journal_changed):
        second.choose("Keep 30 ng/dL")

    (draw,) = context.journal.history().draws
    entered = {r.analyte: (r.entered_value, r.entered_unit) for r in draw.results}
    assert entered == {
        "total_testosterone": (14.1, "nmol/L"),
        "estradiol": (30.0, "ng/dL"),
    }


def test_choosing_the_date_order_after_correcting_the_preview_keeps_the_corrections(
    qtbot, screen: LabsScreen, context: AppContext
) -> None:
    dialog = open_dialog(qtbot, screen)
    paste(qtbot, dialog, (SAMPLES / "labcorp.txt").read_text("utf-8"))
    free_t = row_of(dialog, "Free testosterone")
    prolactin = row_of(dialog, "Prolactin")
    dialog.set_cell(free_t, VALUE, "61")  # the person reads the report again: 61 pg/mL
    item = dialog.table.item(prolactin, SAVE)
    assert item is not None
    item.setCheckState(Qt.CheckState.Unchecked)

    dialog.date_order_combo.setCurrentIndex(dialog.date_order_combo.findData("mdy"))
    qtbot.waitUntil(dialog.save_button.isEnabled)
    assert cell(dialog, row_of(dialog, "Free testosterone"), VALUE) == "61"
    assert not dialog.included(row_of(dialog, "Prolactin"))

    with qtbot.waitSignal(context.journal_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (draw,) = context.journal.history().draws
    assert draw.date == date(2026, 3, 14)
    free = draw.result("free_testosterone")
    assert free is not None and (free.entered_value, free.entered_unit) == (61, "pg/mL")
    assert draw.result("prolactin") is None
