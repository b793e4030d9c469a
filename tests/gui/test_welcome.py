"""First run: the welcome page of an empty journal and its three ways to begin."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from fertilitytracker.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, context, ui_state) -> MainWindow:
    made = MainWindow(ui_state, context)
    qtbot.addWidget(made)
    made.show()
    return made


def welcome(window: MainWindow):
    assert window.current_page() == "welcome"
    return window.stack.currentWidget()


def test_explore_with_demo_data_opens_a_separate_demo_journal(qtbot, window, context) -> None:
    own_path = context.journal.path
    page = welcome(window)
    with qtbot.waitSignal(page.demo_opened, timeout=20000):
        qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)
    assert context.journal.path == own_path.parent / "demo.sqlite3"
    assert "demo.sqlite3 (demo data, not your journal)" in window.windowTitle()
    assert window.current_page() == "today"
    assert len(context.history().regimens) == 2
    today = window.page("today")
    assert today.latest_box.findChildren(type(today.heading))  # latest hormones are listed
    # The person's own journal stayed empty.
    from fertilitytracker.storage.journal import Journal

    own = Journal.open(own_path)
    try:
        assert own.is_empty()
    finally:
        own.close()


def test_start_a_medication_opens_the_start_form(qtbot, window) -> None:
    page = welcome(window)
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == "medications"
    assert window.page("medications").tabs.currentIndex() == 0


def test_add_a_lab_result_goes_to_labs(qtbot, window) -> None:
    page = welcome(window)
    qtbot.mouseClick(page.lab_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == "labs"
