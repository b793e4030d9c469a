"""What a person types in the Labs forms is what is saved: the unit question, typed dates,
future dates, moving a result to another draw, Enter to save, units following Settings."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QApplication

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.navigation import NewDraw
from fertilitytracker.gui.screens.labs import DrawForm, LabsScreen, ResultRow
from fertilitytracker.gui.widgets.ask import Question
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.services.operations import Change
from fertilitytracker.services.settings import set_setting
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY, draw
from tests.gui._fixtures_labs import edit_result
from tests.gui.test_labs import type_row

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(show, context: AppContext) -> LabsScreen:
    return show(LabsScreen(context), 1300, 800)


@pytest.fixture
def form(screen: LabsScreen) -> DrawForm:
    """The new-draw form of a Labs screen on show."""
    return screen.draw_form


def asked(qtbot, holder: object) -> Question:
    """The question the form opened (waits until it is on screen)."""
    qtbot.waitUntil(lambda: getattr(holder, "question", None) is not None)
    question = holder.question  # type: ignore[attr-defined]
    assert isinstance(question, Question)
    qtbot.waitUntil(question.isVisible)
    return question


def saved_results(journal: Journal) -> list[tuple[str, float, str]]:
    return [
        (result.analyte, result.entered_value, result.entered_unit)
        for draw in journal.history().draws
        for result in draw.results
    ]


def type_and_save(qtbot, form: DrawForm, analyte_key: str, value: str, unit: str) -> None:
    """Types one result into the form's first row and clicks Save."""
    type_row(qtbot, form.rows[0], analyte_key, value, unit)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)


def answer(
    qtbot, question: Question, choice: str, journal: Journal
) -> list[tuple[str, float, str]]:
    """Chooses `choice` in the question and waits for the save it leads to: what is saved."""
    question.choose(choice)
    qtbot.waitUntil(lambda: bool(saved_results(journal)))
    return saved_results(journal)


def cancel(qtbot, question: Question) -> None:
    """Closes the question with its Cancel button."""
    with qtbot.waitSignal(question.finished):
        question.cancel_button.click()


def test_a_value_that_fits_another_unit_is_asked_about_and_the_answer_saved(
    qtbot, form: DrawForm, journal: Journal
) -> None:
    type_and_save(qtbot, form, "total_testosterone", "14.1", "ng/dL")

    question = asked(qtbot, form)
    assert question.text() == (
        "14.1 ng/dL is far below usual adult male values of total testosterone. "
        "Did you mean 14.1 nmol/L?"
    )
    assert question.button_texts() == ["Save as 14.1 nmol/L", "Keep 14.1 ng/dL"]
    assert saved_results(journal) == []  # nothing is written before the answer
    saved = answer(qtbot, question, "Save as 14.1 nmol/L", journal)
    assert saved == [("total_testosterone", 14.1, "nmol/L")]


def test_keeping_the_unit_saves_the_value_as_typed_and_cancel_saves_nothing(
    qtbot, form: DrawForm, journal: Journal
) -> None:
    type_and_save(qtbot, form, "estradiol", "30", "ng/dL")
    cancel(qtbot, asked(qtbot, form))
    assert saved_results(journal) == []
    assert form.rows[0].value_edit.text() == "30"  # the form keeps what was typed

    form.question = None
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    saved = answer(qtbot, asked(qtbot, form), "Keep 30 ng/dL", journal)
    assert saved == [("estradiol", 30.0, "ng/dL")]


def test_a_usual_value_is_saved_without_a_question(qtbot, form: DrawForm, journal: Journal) -> None:
    type_and_save(qtbot, form, "total_testosterone", "14.1", "nmol/L")
    assert form.question is None
    assert saved_results(journal) == [("total_testosterone", 14.1, "nmol/L")]


def test_select_all_and_type_a_whole_date_keeps_the_typed_year(
    qtbot, form: DrawForm, journal: Journal
) -> None:
    line = form.date_edit.line_edit
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, "2025-06-10")
    assert form.date_edit.value() == date(2025, 6, 10)
    assert form.date_edit.shown_label.text() == "Tue 10 Jun 2025"  # what will be saved
    type_and_save(qtbot, form, "total_testosterone", "450", "ng/dL")
    assert [draw.date for draw in journal.history().draws] == [date(2025, 6, 10)]


def test_a_pasted_date_replaces_the_whole_date_and_half_typed_text_keeps_the_last_date(
    qtbot,
) -> None:
    field = DateEdit(TODAY, "Date")
    qtbot.addWidget(field)
    field.show()
    QApplication.clipboard().setText("2024-12-31")
    field.line_edit.setFocus()
    field.line_edit.selectAll()
    qtbot.keyClick(field.line_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert field.value() == date(2024, 12, 31)
    field.line_edit.selectAll()
    qtbot.keyClicks(field.line_edit, "2023-0")
    assert field.value() == date(2024, 12, 31)
    assert field.shown_label.text() == "Tue 31 Dec 2024"
    field.line_edit.editingFinished.emit()
    assert field.text() == "2024-12-31"
    qtbot.keyClick(field.line_edit, Qt.Key.Key_Down)
    assert field.value() == date(2024, 12, 30)


def test_a_draw_dated_in_the_future_is_asked_about_first(
    qtbot, form: DrawForm, journal: Journal
) -> None:
    form.date_edit.set_value(date(2026, 7, 1))
    type_and_save(qtbot, form, "total_testosterone", "450", "ng/dL")
    question = asked(qtbot, form)
    assert "2026-07-01, in 30 days" in question.text()
    assert saved_results(journal) == []
    answer(qtbot, question, "Save with 2026-07-01", journal)
    assert [draw.date for draw in journal.history().draws] == [date(2026, 7, 1)]


def test_a_dexa_scan_dated_in_the_future_is_asked_about_first(
    qtbot, screen: LabsScreen, journal: Journal
) -> None:
    form = screen.dexa_form
    form.date_edit.set_value(date(2026, 6, 2))
    qtbot.keyClicks(form.t_score_edit, "-1.2")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    question = asked(qtbot, form)
    assert "tomorrow" in question.text()
    cancel(qtbot, question)
    assert journal.history().dexa == ()


def test_enter_saves_a_valid_form_and_the_new_draw_is_selected(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    draw(journal, date(2026, 5, 1), ("total_testosterone", "400", "ng/dL"), at=None)
    context.reload()
    form = screen.draw_form
    form.date_edit.set_value(date(2026, 3, 1))
    row: ResultRow = form.rows[0]
    type_row(qtbot, row, "estradiol", "25", "pg/mL")
    with qtbot.waitSignal(context.journal_changed):
        qtbot.keyClick(row.value_edit, Qt.Key.Key_Return)
    assert [draw.date for draw in journal.history().draws] == [date(2026, 3, 1), date(2026, 5, 1)]
    selected = screen.selected_draw()
    assert selected is not None and selected.date == date(2026, 3, 1)
    assert "Results of 2026-03-01" in screen.details_title.text()


def test_enter_in_an_invalid_form_saves_nothing(
    qtbot, screen: LabsScreen, journal: Journal
) -> None:
    row = screen.draw_form.rows[0]
    type_row(qtbot, row, "estradiol", "abc", "pg/mL")
    qtbot.keyClick(row.value_edit, Qt.Key.Key_Return)
    assert saved_results(journal) == []
    assert "not a number" in row.error_label.text()


def test_the_edit_dialog_moves_a_result_to_another_draw(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    draw(journal, TODAY, ("total_testosterone", "450", "ng/dL"), ("lh", "4", "IU/L"), at=None)
    draw(journal, date(2026, 5, 20), ("estradiol", "25", "pg/mL"), at=None)
    context.reload()
    screen.show_draw(TODAY)
    dialog = edit_result(screen, 1)  # LH
    assert dialog.date_edit.value() == TODAY
    dialog.date_edit.line_edit.selectAll()
    qtbot.keyClicks(dialog.date_edit.line_edit, "2026-05-20")
    assert "moves to the draw of 2026-05-20" in dialog.date_hint.text()
    with qtbot.waitSignal(context.journal_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    draws = {draw.date: [r.analyte for r in draw.results] for draw in journal.history().draws}
    assert draws == {TODAY: ["total_testosterone"], date(2026, 5, 20): ["estradiol", "lh"]}


def test_moving_a_result_onto_a_draw_that_has_it_is_refused_and_nothing_changes(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    draw(journal, TODAY, ("lh", "4", "IU/L"), at=None)
    draw(journal, date(2026, 5, 20), ("lh", "5", "IU/L"), at=None)
    context.reload()
    screen.show_draw(TODAY)
    dialog = edit_result(screen, 0)
    dialog.date_edit.set_value(date(2026, 5, 20))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "LH is already recorded for 2026-05-20" in dialog.date_hint.text()
    assert dialog.isVisible()
    values = sorted((d.date, r.entered_value) for d in journal.history().draws for r in d.results)
    assert values == [(date(2026, 5, 20), 5.0), (TODAY, 4.0)]


def test_entry_units_follow_the_unit_system_at_once(
    qtbot, form: DrawForm, journal: Journal, context: AppContext
) -> None:
    type_row(qtbot, form.rows[0], "total_testosterone", "", "ng/dL")
    form.add_row("estradiol")
    form.rows[1].set_unit("ng/L")  # chosen by hand: stays
    assert form.rows[0].unit_combo.currentText() == "ng/dL"
    set_setting(journal, "unit_system", "si")
    context.notify(Change(frozenset({"settings"}), "units"))
    assert form.rows[0].unit_combo.currentText() == "nmol/L"
    assert form.rows[1].unit_combo.currentText() == "ng/L"
    form.add_row("lh")
    assert form.rows[2].unit_combo.currentText() == "IU/L"


def test_in_si_mode_the_t_lh_header_names_its_units(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    draw(journal, TODAY, ("total_testosterone", "450", "ng/dL"), ("lh", "4", "IU/L"), at=None)
    set_setting(journal, "unit_system", "si")
    context.reload()
    model = screen.draws_table.model()
    headers = [
        str(model.headerData(column, Qt.Orientation.Horizontal))
        for column in range(model.columnCount())
    ]
    assert "T/LH\nng/dL÷IU/L" in headers
    assert "Total T\nnmol/L" in headers


def test_a_panel_template_fills_its_rows_in_the_users_units(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    set_setting(journal, "unit_system", "si")
    context.reload()
    form = screen.draw_form
    type_row(qtbot, form.rows[0], "prolactin", "9", "ng/mL")  # typed first: kept
    qtbot.mouseClick(form.panel_buttons["hormone_panel"], Qt.MouseButton.LeftButton)
    rows = [(row.analyte_key(), row.unit_combo.currentText()) for row in form.rows]
    assert rows == [
        ("prolactin", "ng/mL"),
        ("total_testosterone", "nmol/L"),
        ("estradiol", "pmol/L"),
        ("lh", "IU/L"),
        ("fsh", "IU/L"),
        ("shbg", "nmol/L"),
        ("albumin", "g/L"),
    ]
    assert form.rows[1].value_edit.hasFocus() or not screen.isActiveWindow()
    qtbot.mouseClick(form.panel_buttons["safety"], Qt.MouseButton.LeftButton)
    assert [row.analyte_key() for row in form.rows] == ["prolactin", "hematocrit", "psa"]


def test_tab_runs_down_the_value_column(qtbot, screen: LabsScreen) -> None:
    form = screen.draw_form
    form.fill_panel("lipid_panel")
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    form.rows[0].value_edit.setFocus()
    qtbot.waitUntil(form.rows[0].value_edit.hasFocus)
    for value, row in zip(("190", "45", "120"), form.rows, strict=False):
        qtbot.keyClicks(row.value_edit, value)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert form.rows[3].value_edit.hasFocus()
    assert [row.value_edit.text() for row in form.rows] == ["190", "45", "120", ""]


def test_log_result_from_a_due_reminder_fills_the_whole_panel(
    qtbot, demo_context: AppContext, ui_state
) -> None:
    from fertilitytracker.gui.main_window import MainWindow

    window = MainWindow(ui_state, demo_context)
    qtbot.addWidget(window)
    window.show()
    window.show_page("labs", NewDraw(None, "hormone_panel"))
    labs = window.page("labs")
    assert isinstance(labs, LabsScreen)
    assert [row.analyte_key() for row in labs.draw_form.rows] == [
        "total_testosterone",
        "estradiol",
        "lh",
        "fsh",
        "shbg",
        "albumin",
    ]


def test_choosing_si_in_settings_switches_the_open_lab_form_at_once(
    qtbot, context: AppContext, ui_state
) -> None:
    from fertilitytracker.gui.main_window import MainWindow
    from fertilitytracker.gui.screens.settings import SettingsScreen

    draw(context.journal, TODAY, ("lh", "4", "IU/L"), at=None)
    context.reload()
    window = MainWindow(ui_state, context)
    qtbot.addWidget(window)
    window.show()
    labs = window.show_page("labs")
    assert isinstance(labs, LabsScreen)
    labs.draw_form.rows[0].set_analyte("total_testosterone")
    assert labs.draw_form.rows[0].unit_combo.currentText() == "ng/dL"
    settings = window.show_page("settings")
    assert isinstance(settings, SettingsScreen)
    settings.set_unit_system("si")
    # Back on Labs (a hidden page catches up when shown), with no restart.
    window.show_page("labs")
    assert labs.draw_form.rows[0].unit_combo.currentText() == "nmol/L"


def test_the_edit_dialog_changes_the_time_and_fasting_of_the_draw(
    qtbot, screen: LabsScreen, journal: Journal, context: AppContext
) -> None:
    from datetime import time

    draw(
        journal, TODAY, ("total_testosterone", "450", "ng/dL"), ("lh", "4", "IU/L"), at=time(15, 30)
    )
    context.reload()
    screen.show_draw(TODAY)
    dialog = edit_result(screen, 0)
    qtbot.waitExposed(dialog)
    assert dialog.time_check.isChecked()
    assert dialog.time_edit.time().toString("HH:mm") == "15:30"
    assert dialog.fasting_combo.currentText() == "Fasting?"

    dialog.time_edit.setTime(QTime(7, 45))
    dialog.fasting_combo.setCurrentIndex(dialog.fasting_combo.findText("Fasting"))
    with qtbot.waitSignal(context.journal_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    (saved,) = journal.history().draws
    assert (saved.time, saved.fasting) == (time(7, 45), True)
    assert sorted(r.analyte for r in saved.results) == ["lh", "total_testosterone"]
    qtbot.waitUntil(lambda: "07:45" in screen.details_title.text())
    assert "fasting" in screen.context_label.text().lower()
