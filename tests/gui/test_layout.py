"""Layout at the two window sizes people use: the window never resizes itself, and no page
asks for more room than a 1024×700 window has."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QScrollArea

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.main_window import PAGE_KEYS, MainWindow
from fertilitytracker.gui.ui_state import UiState

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("size", [QSize(1024, 700), QSize(1440, 900)])
def test_the_window_keeps_its_size_on_every_page(
    qtbot, demo_context: AppContext, ui_state: UiState, size: QSize
) -> None:
    window = MainWindow(ui_state, demo_context)
    qtbot.addWidget(window)
    window.resize(size)
    window.show()
    qtbot.waitExposed(window)
    for key in PAGE_KEYS:
        window.show_page(key)
        QApplication.sendPostedEvents()
        assert window.size() == size, key
        assert window.minimumSizeHint().width() <= 1024, key
        assert window.minimumSizeHint().height() <= 700, key
        # No page scrolls sideways (a form or a line of text wider than the window).
        screen = window.page(key)
        assert screen is not None
        sideways = [
            area.objectName() or type(area.widget()).__name__
            for area in screen.findChildren(QScrollArea)
            if area.isVisible() and area.horizontalScrollBar().isVisible()
        ]
        assert sideways == [], key


def test_the_draws_table_fits_a_1440_window_without_a_sideways_scrollbar(
    qtbot, demo_context: AppContext, ui_state: UiState
) -> None:
    window = MainWindow(ui_state, demo_context)
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    qtbot.waitExposed(window)
    labs = window.show_page("labs")
    QApplication.sendPostedEvents()
    table = labs.draws_table  # type: ignore[union-attr]
    header = table.horizontalHeader()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    assert len(shown) >= 15  # the demo's hormones, ratios, safety and lipid columns
    assert header.length() <= table.viewport().width(), (header.length(), table.viewport().width())
    assert not table.horizontalScrollBar().isVisible()
