"""Pages made ready hidden after start-up: built while the start page stays on screen, shown
as built by a first visit, put off by a page change, and up to date with a write made while
they were hidden."""

from __future__ import annotations

from datetime import date

import pytest

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.main_window import MainWindow
from fertilitytracker.gui.pages_ahead import PAGES_AHEAD, PagesAhead
from fertilitytracker.gui.screens.labs import LabsScreen
from fertilitytracker.services.operations import ResultInput, record_draw

pytestmark = pytest.mark.gui

NEW_DAY = date(2026, 5, 25)


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def _start(window: MainWindow, after_page_change_ms: int = 0) -> PagesAhead:
    """Build the pages ahead at once after the start page's next paint."""
    ahead = PagesAhead(window, after_start_ms=0, after_page_change_ms=after_page_change_ms)
    window.stack.currentWidget().update()
    return ahead


def test_the_pages_are_built_hidden_while_today_is_shown(qtbot, window: MainWindow) -> None:
    assert window.current_page() == "today"
    ahead = _start(window)
    qtbot.waitUntil(lambda: ahead.done)
    assert window.current_page() == "today"  # built out of sight: Today stays on screen
    assert "charts" not in PAGES_AHEAD  # pyqtgraph loads in slices (gui/charts/prepare.py)
    assert window.page("charts") is None
    others = [key for key in PAGES_AHEAD if key != "today"]
    assert others == ["medications", "labs", "semen", "symptoms", "reminders", "settings"]
    for key in others:
        built = window.page(key)
        assert built is not None and not built.isVisible()
        assert window.show_page(key) is built  # the first visit shows the page built then


def test_a_page_change_puts_the_rest_off(qapp, window: MainWindow) -> None:
    ahead = PagesAhead(window, after_start_ms=0, after_page_change_ms=60_000)
    window.stack.currentWidget().repaint()  # the start page painted: building is due now
    window.show_page("semen")  # but the person went to a page first
    for _ in range(3):
        qapp.processEvents()  # the start's turn comes and goes: nothing is built for it
    assert not ahead.done
    assert [key for key in PAGES_AHEAD if window.page(key) is not None] == ["today", "semen"]


def test_a_draw_saved_while_labs_is_hidden_is_on_its_first_visit(
    qtbot, window: MainWindow, demo_context: AppContext
) -> None:
    ahead = _start(window)
    qtbot.waitUntil(lambda: ahead.done)
    labs = window.page("labs")
    assert isinstance(labs, LabsScreen)
    change = record_draw(
        demo_context.journal, NEW_DAY, [ResultInput("total_testosterone", "612", "ng/dL")]
    )
    demo_context.notify(change)
    assert window.show_page("labs") is labs
    assert labs.draws_model.row_of(NEW_DAY) >= 0
