"""Saving or selecting a blood draw changes what it must on the Labs screen and nothing else:
the DEXA scan selected stays selected, the form beside the tables stays as wide as it was."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.labs import LabsScreen
from fertilitytracker.storage.journal import Journal
from tests.builders import dexa, draw
from tests.gui.test_labs import type_row

pytestmark = pytest.mark.gui


def save_draw(qtbot, screen: LabsScreen, day: date) -> None:
    """Type one estradiol result dated `day` in the draw form and press Save."""
    form = screen.draw_form
    form.date_edit.set_value(day)
    type_row(qtbot, form.rows[0], "estradiol", "30", "pg/mL")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.draws_model.row_of(day) >= 0)


def test_saving_a_draw_keeps_the_dexa_scan_selected(
    qtbot, show, context: AppContext, journal: Journal
) -> None:
    dexa(journal, date(2026, 3, 1), "-1.1")
    dexa(journal, date(2025, 3, 1), "-0.4")
    screen = show(LabsScreen(context), 1300, 800)
    screen.dexa_table.selectRow(1)
    assert screen.selected_dexa() is not None
    chosen = screen.selected_dexa()

    save_draw(qtbot, screen, date(2026, 5, 1))

    assert screen.selected_dexa() == chosen
    assert screen.delete_dexa_button.isEnabled()


def test_a_t_score_saved_with_a_draw_shows_in_the_dexa_table_at_once(
    qtbot, show, context: AppContext, journal: Journal
) -> None:
    dexa(journal, date(2025, 3, 1), "-0.4")
    screen = show(LabsScreen(context), 1300, 800)
    assert screen.dexa_proxy.rowCount() == 1

    context.notify(draw(journal, date(2026, 2, 1), ("dexa_t_score", "-2.7", "SD")))

    qtbot.waitUntil(lambda: screen.dexa_proxy.rowCount() == 2)
    newest = screen.dexa_proxy.index(0, 1).data()
    assert newest.startswith("−2.7")


def test_the_form_keeps_its_width_when_a_draw_without_a_time_is_saved_or_selected(
    qtbot, show, context: AppContext, journal: Journal
) -> None:
    # The draw shown first has a time: its title ("Results of 2026-05-10 08:00 — ...") is the
    # longer one; a narrow window gives the form and the tables no room to spare.
    draw(journal, date(2026, 4, 1), ("lh", "4.1", "IU/L"), at=None)
    draw(journal, date(2026, 5, 10), ("lh", "5.0", "IU/L"))
    screen = show(LabsScreen(context), 760, 700)
    splitter = screen.form_scroll.parentWidget()
    QApplication.processEvents()
    widths = splitter.sizes()
    narrowest = screen.minimumSizeHint().width()

    screen.show_draw(date(2026, 4, 1))
    QApplication.processEvents()
    assert (splitter.sizes(), screen.minimumSizeHint().width()) == (widths, narrowest)

    screen.show_draw(date(2026, 5, 10))
    save_draw(qtbot, screen, date(2026, 3, 1))
    QApplication.processEvents()
    assert "Results of 2026-03-01" in screen.details_title.text()
    assert (splitter.sizes(), screen.minimumSizeHint().width()) == (widths, narrowest)


def test_a_saved_draw_wider_than_its_column_widens_only_that_column(
    qtbot, show, context: AppContext, journal: Journal
) -> None:
    draw(journal, date(2026, 4, 1), ("estradiol", "3", "pg/mL"), ("lh", "4", "IU/L"))
    screen = show(LabsScreen(context), 1300, 800)
    header = screen.draws_table.horizontalHeader()
    estradiol = screen.draws_model.column_of("estradiol")
    lh = screen.draws_model.column_of("lh")
    widths = [header.sectionSize(column) for column in range(header.count())]

    # A censored low value with its flag and caution is wider than the column's header; LH
    # is not given, so its cell stays empty and its column as it was.
    save_draw_with(qtbot, screen, date(2026, 5, 1), "estradiol", "<5.25", "pg/mL")

    proxy_row = screen.draws_proxy.mapFromSource(
        screen.draws_model.index(screen.draws_model.row_of(date(2026, 5, 1)), 0)
    ).row()
    new_cell = screen.draws_proxy.index(proxy_row, estradiol)
    needed = screen.draws_table.sizeHintForIndex(new_cell).width()
    assert needed > widths[estradiol]  # else this test could not fail
    assert header.sectionSize(estradiol) >= needed
    assert header.sectionSize(lh) == widths[lh]


def save_draw_with(
    qtbot, screen: LabsScreen, day: date, analyte: str, value: str, unit: str
) -> None:
    form = screen.draw_form
    form.date_edit.set_value(day)
    type_row(qtbot, form.rows[0], analyte, value, unit)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.draws_model.row_of(day) >= 0)
