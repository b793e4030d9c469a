"""Medications: start with validation as you type, change, stop, backfill, delete with undo."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.medications import MedicationsScreen
from fertilitytracker.services.operations import log_dose, start_regimen

pytestmark = pytest.mark.gui


@pytest.fixture
def screen(show, context: AppContext) -> MedicationsScreen:
    return show(MedicationsScreen(context))


def cell(screen: MedicationsScreen, row: int, title: str) -> str:
    column = [
        screen.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(screen.model.columnCount())
    ].index(title)
    return screen.model.index(row, column).data()


def test_start_a_regimen_from_the_form(qtbot, screen: MedicationsScreen, context) -> None:
    assert not screen.start_form.button.isEnabled()
    qtbot.keyClicks(screen.start_form.name.editor, "Arimidex")
    assert screen.start_form.class_label.text() == "aromatase inhibitor; usual unit mg"
    assert screen.start_form.unit.text() == "mg"
    qtbot.keyClicks(screen.start_form.dose.editor, "0.5")
    screen.start_form.schedule.set_text("eod")
    qtbot.keyClicks(screen.start_form.time.editor, "08:00")
    assert screen.start_form.button.isEnabled()

    qtbot.mouseClick(screen.start_form.button, Qt.MouseButton.LeftButton)

    assert screen.model.rowCount() == 1
    assert cell(screen, 0, "Name") == "anastrozole"
    assert cell(screen, 0, "Class") == "aromatase inhibitor"
    assert cell(screen, 0, "Dose") == "0.5 mg"
    assert cell(screen, 0, "Schedule") == "every other day"
    assert cell(screen, 0, "Start") == "2026-06-01"
    assert cell(screen, 0, "Stop") == "ongoing"
    assert cell(screen, 0, "Time") == "08:00"
    (regimen,) = context.journal.regimens.all()
    assert regimen.current.dose == 0.5
    assert screen.start_form.name.text() == ""  # the form is ready for the next one


def test_bad_dose_is_refused_as_you_type(qtbot, screen: MedicationsScreen, context) -> None:
    qtbot.keyClicks(screen.start_form.name.editor, "anastrozole")
    qtbot.keyClicks(screen.start_form.dose.editor, "1000")
    assert screen.start_form.dose.error_label.isVisible()
    assert "1000 mg is far beyond any anastrozole dose" in screen.start_form.dose.error_label.text()
    assert not screen.start_form.button.isEnabled()

    screen.start_form.dose.editor.clear()
    qtbot.keyClicks(screen.start_form.dose.editor, "1,5")
    assert "not a number" in screen.start_form.dose.error_label.text()
    assert not screen.start_form.button.isEnabled()

    screen.start_form.dose.editor.clear()
    qtbot.keyClicks(screen.start_form.dose.editor, "1")
    assert not screen.start_form.dose.error_label.isVisible()
    assert screen.start_form.button.isEnabled()
    assert context.journal.regimens.all() == []


def test_unit_of_another_class_and_bad_schedule_are_refused(
    qtbot, screen: MedicationsScreen
) -> None:
    qtbot.keyClicks(screen.start_form.name.editor, "letrozole")
    qtbot.keyClicks(screen.start_form.dose.editor, "2.5")
    screen.start_form.unit.set_text("IU")
    assert "'IU' is not a unit for letrozole" in screen.start_form.unit.error_label.text()
    assert not screen.start_form.dose.error_label.isVisible()
    assert not screen.start_form.button.isEnabled()
    screen.start_form.unit.set_text("mg")
    screen.start_form.schedule.set_text("now and then")
    assert "not a schedule I understand" in screen.start_form.schedule.error_label.text()
    assert not screen.start_form.button.isEnabled()
    screen.start_form.schedule.set_text("mon,thu")
    assert screen.start_form.button.isEnabled()


def test_already_active_is_shown_beside_the_name(qtbot, screen: MedicationsScreen, context):
    start_regimen(context.journal, "anastrozole", "1", "mg", "eod", date(2026, 5, 1))
    context.reload()
    qtbot.keyClicks(screen.start_form.name.editor, "Arimidex")
    qtbot.keyClicks(screen.start_form.dose.editor, "1")
    qtbot.mouseClick(screen.start_form.button, Qt.MouseButton.LeftButton)
    message = screen.start_form.name.error_label.text()
    assert "anastrozole is already being taken since 2026-05-01" in message
    assert "'med" not in message  # words for people, not a command to type
    assert len(context.journal.regimens.all()) == 1
    # The change form is one click away.
    assert screen.start_form.open_change_button.isVisible()
    qtbot.mouseClick(screen.start_form.open_change_button, Qt.MouseButton.LeftButton)
    assert screen.tabs.currentIndex() == 1
    selected = screen.selected_regimen()
    assert selected is not None and selected.name == "anastrozole"


def started(context: AppContext, screen: MedicationsScreen, *args: object) -> None:
    start_regimen(context.journal, *args)  # type: ignore[arg-type]
    context.reload()
    screen.table.selectRow(0)


def test_change_dose_from_a_date_shows_in_history(qtbot, screen: MedicationsScreen, context):
    started(context, screen, "anastrozole", "1", "mg", "eod", date(2026, 5, 1))
    assert not screen.change_form.button.isEnabled()
    screen.change_form.date.set_value(date(2026, 5, 20))
    qtbot.keyClicks(screen.change_form.dose.editor, "0.5")
    assert screen.change_form.button.isEnabled()
    qtbot.mouseClick(screen.change_form.button, Qt.MouseButton.LeftButton)
    assert cell(screen, 0, "Dose") == "0.5 mg"
    items = [screen.history_list.item(i).text() for i in range(screen.history_list.count())]
    assert items == [
        "2026-05-01  Started 1 mg, every other day",
        "2026-05-20  Changed to 0.5 mg, every other day",
    ]


def test_change_refuses_a_bad_dose(qtbot, screen: MedicationsScreen, context) -> None:
    started(context, screen, "anastrozole", "1", "mg", "eod", date(2026, 5, 1))
    qtbot.keyClicks(screen.change_form.dose.editor, "-1")
    assert "more than 0" in screen.change_form.dose.error_label.text()
    assert not screen.change_form.button.isEnabled()


def test_stop_from_a_date(qtbot, screen: MedicationsScreen, context) -> None:
    started(context, screen, "clomiphene", "25", "mg", "daily", date(2026, 5, 1))
    screen.stop_form.date.set_value(date(2026, 5, 25))
    qtbot.mouseClick(screen.stop_form.button, Qt.MouseButton.LeftButton)
    assert cell(screen, 0, "Stop") == "2026-05-25"
    assert not screen.stop_form.button.isEnabled()
    assert not screen.change_form.button.isEnabled()


def test_stop_before_start_is_refused_in_words(qtbot, screen: MedicationsScreen, context):
    started(context, screen, "clomiphene", "25", "mg", "daily", date(2026, 5, 1))
    screen.stop_form.date.set_value(date(2026, 4, 1))
    qtbot.mouseClick(screen.stop_form.button, Qt.MouseButton.LeftButton)
    assert "before clomiphene started" in screen.stop_form.error.text()
    assert cell(screen, 0, "Stop") == "ongoing"


def test_backfill_logs_every_scheduled_day_once(qtbot, screen: MedicationsScreen, context):
    started(context, screen, "clomiphene", "25", "mg", "daily", date(2026, 5, 20))
    log_dose(context.journal, "clomiphene", datetime(2026, 5, 25, 20, 0))
    context.reload()
    assert cell(screen, 0, "Adherence") == "8 % (1/12)"
    screen.backfill_form.start.set_value(date(2026, 5, 1))
    screen.backfill_form.end.set_value(date(2026, 5, 31))

    qtbot.mouseClick(screen.backfill_form.button, Qt.MouseButton.LeftButton)

    assert cell(screen, 0, "Adherence") == "100 % (12/12)"
    assert len(context.journal.doses.all()) == 12
    assert "11 clomiphene dose(s)" in screen.backfill_form.error.text()
    qtbot.mouseClick(screen.backfill_form.button, Qt.MouseButton.LeftButton)
    assert len(context.journal.doses.all()) == 12
    assert "nothing to backfill" in screen.backfill_form.error.text()


def test_delete_then_undo_restores_the_regimen_and_its_doses(
    qtbot, screen: MedicationsScreen, context
) -> None:
    started(context, screen, "clomiphene", "25", "mg", "daily", date(2026, 5, 30))
    log_dose(context.journal, "clomiphene", datetime(2026, 5, 30, 20, 0))
    log_dose(context.journal, "clomiphene", datetime(2026, 5, 31, 20, 0))
    context.reload()
    screen.table.selectRow(0)
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    assert screen.model.rowCount() == 0
    assert context.journal.doses.all() == []
    assert screen.undo_bar.isVisible()
    assert "clomiphene deleted with its 2 logged dose(s)" in screen.undo_bar.message.text()

    qtbot.mouseClick(screen.undo_bar.undo_button, Qt.MouseButton.LeftButton)

    assert screen.model.rowCount() == 1
    assert cell(screen, 0, "Adherence") == "100 % (2/2)"
    assert len(context.journal.doses.all()) == 2
    assert not screen.undo_bar.isVisible()


def test_table_sorts_by_adherence(qtbot, screen: MedicationsScreen, context) -> None:
    start_regimen(context.journal, "clomiphene", "25", "mg", "daily", date(2026, 5, 30))
    start_regimen(context.journal, "anastrozole", "1", "mg", "daily", date(2026, 5, 30))
    log_dose(context.journal, "clomiphene", datetime(2026, 5, 30, 20, 0))
    context.reload()
    screen.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)
    assert cell(screen, 0, "Name") == "clomiphene"
    screen.table.sortByColumn(7, Qt.SortOrder.AscendingOrder)
    assert cell(screen, 0, "Name") == "anastrozole"


def test_regimen_model_passes_modeltest(qtmodeltester, screen: MedicationsScreen, demo_context):
    other = MedicationsScreen(demo_context)
    assert other.model.rowCount() == 2
    qtmodeltester.check(other.model)
    other.deleteLater()
