"""Forms across the screens: Enter saves a valid form, and a message never moves the fields."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.labs import LabsScreen
from fertilitytracker.gui.screens.medications import MedicationsScreen
from fertilitytracker.gui.screens.semen import SemenScreen
from fertilitytracker.gui.screens.symptoms import SymptomsScreen

pytestmark = pytest.mark.gui


def test_enter_starts_a_regimen_once_the_form_is_valid(qtbot, show, context: AppContext) -> None:
    screen = show(MedicationsScreen(context))
    qtbot.keyClicks(screen.start_form.name.editor, "anastrozole")
    qtbot.keyClick(screen.start_form.name.editor, Qt.Key.Key_Return)
    assert context.journal.regimens.all() == []  # no dose yet: nothing saved
    qtbot.keyClicks(screen.start_form.dose.editor, "0.5")
    screen.start_form.schedule.set_text("eod")
    with qtbot.waitSignal(context.journal_changed):
        qtbot.keyClick(screen.start_form.dose.editor, Qt.Key.Key_Return)
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


def _tab_order(screen) -> list:
    """The widgets Tab reaches, in order, starting from the screen."""
    order, widget = [], screen.nextInFocusChain()
    while widget is not screen:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(screen):
            order.append(widget)
        widget = widget.nextInFocusChain()
    return order


@pytest.mark.parametrize(
    ("screen_class", "last_field"),
    [
        (SemenScreen, lambda screen: screen.edits["abstinence"]),
        (SymptomsScreen, lambda screen: screen.note_for),
    ],
)
def test_tab_goes_through_the_form_then_save_then_the_table(
    qtbot, context: AppContext, screen_class, last_field
) -> None:
    screen = screen_class(context)
    qtbot.addWidget(screen)
    screen.show()
    order = _tab_order(screen)
    assert order[0] is screen.date_edit.findChildren(QLineEdit)[0]
    save = order.index(screen.save_button)
    assert order.index(last_field(screen)) == save - 1
    assert order[save + 1 : save + 3] == [screen.table, screen.delete_button]
