"""The smaller parts of the window: Help › About, Edit › Undo, recent journals, the demo banner
and the undo bar going by itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fertilitytracker import __version__
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.main_window import DEMO_FILE, MainWindow
from fertilitytracker.gui.ui_state import UiState
from fertilitytracker.gui.widgets.undo_bar import UNDO_BAR_TIMEOUT_MS, UndoBar
from fertilitytracker.services.demo import fill_demo
from fertilitytracker.services.operations import ResultInput, record_draw
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, context: AppContext, ui_state: UiState) -> MainWindow:
    record_draw(context.journal, TODAY, [ResultInput("lh", "4", "IU/L")])
    context.reload()
    made = MainWindow(ui_state, context)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    return made


def test_about_names_version_licence_and_the_journal(window: MainWindow, context) -> None:
    box = window.show_about()
    text = box.text() + box.informativeText()  # type: ignore[attr-defined]
    assert __version__ in text
    assert "GNU General Public License" in text
    assert str(context.journal.path) in text


def test_edit_undo_undoes_the_last_deletion_of_the_page(
    qtbot, window: MainWindow, context: AppContext
) -> None:
    labs = window.show_page("labs")
    labs.results_table.selectRow(0)  # type: ignore[union-attr]
    qtbot.mouseClick(labs.delete_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    assert context.journal.history().draws == ()
    window.undo_action.trigger()
    assert [r.analyte for d in context.journal.history().draws for r in d.results] == ["lh"]
    window.undo_action.trigger()  # nothing left: says so
    assert window.statusBar().currentMessage() == "Nothing to undo"


def test_the_undo_bar_goes_by_itself(qtbot) -> None:
    assert UNDO_BAR_TIMEOUT_MS == 10_000
    bar = UndoBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.timer.setInterval(20)  # the test does not wait ten seconds
    bar.offer("Deleted.", lambda: None)
    assert bar.isVisible()
    qtbot.waitUntil(lambda: not bar.isVisible())


def test_demo_banner_and_back_to_my_journal_and_recent_journals(
    qtbot, window: MainWindow, context: AppContext, tmp_path: Path
) -> None:
    mine = context.journal.path
    assert not window.demo_banner.isVisible()
    demo_path = tmp_path / DEMO_FILE
    demo = Journal.open(demo_path, create=True)
    fill_demo(demo, date(2026, 6, 1))
    demo.close()
    assert window.open_journal_path(demo_path, create=False) is None
    assert window.demo_banner.isVisible()
    assert "Nothing here is your journal" in window.demo_banner_label.text()
    window._fill_recent_menu()
    labels = [action.text() for action in window.recent_menu.actions()]
    assert labels == [f"{mine.name} — {mine.parent}"]
    qtbot.mouseClick(window.back_button, Qt.MouseButton.LeftButton)
    assert window.context is not None and window.context.journal.path == mine
    assert not window.demo_banner.isVisible()
    window._fill_recent_menu()
    assert [a.text() for a in window.recent_menu.actions()] == [f"{DEMO_FILE} — {tmp_path} (demo)"]
