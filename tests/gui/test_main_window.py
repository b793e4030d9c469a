"""The main window: lazy pages, shortcuts, saved state, journal switching, start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QRadioButton

from fertilitytracker.gui.app import build_window, describe_traceback
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.main_window import PAGE_KEYS, PAGES, MainWindow
from fertilitytracker.gui.navigation import NewDraw
from fertilitytracker.gui.ui_state import UiState
from fertilitytracker.services.operations import start_regimen
from fertilitytracker.storage.journal import Journal
from tests.builders import digest
from tests.gui.conftest import close_launched, make_context
from tests.storage.test_backup import _journal_with, damage

pytestmark = pytest.mark.gui


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


def named(widget, kind, accessible_name: str):
    for found in widget.findChildren(kind):
        if found.accessibleName() == accessible_name:
            return found
    raise AssertionError(accessible_name)


def test_title_names_the_journal_and_today_is_first(window: MainWindow) -> None:
    assert window.windowTitle() == "Fertility Tracker — demo-course.sqlite3"
    assert window.current_page() == "today"
    assert window.sidebar.currentItem().text() == "Today"
    assert window.page("medications") is None  # pages are built on first show


def test_sidebar_and_ctrl_number_shortcuts_switch_pages(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    for number, page in enumerate(PAGES, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.ControlModifier)
        assert window.current_page() == page.key
        assert window.sidebar.currentRow() == number - 1
    window.sidebar.setCurrentRow(1)
    assert window.current_page() == "medications"


def test_every_page_builds_its_screen(window: MainWindow) -> None:
    for key in PAGE_KEYS:
        widget = window.show_page(key)
        assert window.current_page() == key
        assert type(widget).__name__.endswith("Screen"), key


def test_a_click_on_a_chart_point_opens_that_draw_on_labs(window: MainWindow) -> None:
    charts = window.show_page("charts")
    labs_dates = [view.date for view in window.ensure_screen("labs").draw_views()]
    charts.draw_requested.emit(labs_dates[0])
    assert window.current_page() == "labs"
    assert window.page("labs").selected_draw().date == labs_dates[0]


def test_the_dexa_reminder_focuses_the_dexa_form(qtbot, window: MainWindow) -> None:
    window.show()
    window.show_page("labs", NewDraw(None, "dexa"))
    labs = window.page("labs")
    qtbot.waitUntil(lambda: labs.dexa_form.t_score_edit.hasFocus())


def test_ctrl_d_and_ctrl_l(qtbot, window: MainWindow) -> None:
    window.show_page("settings")
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "today"
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "labs"


def test_log_a_dose_on_today_changes_adherence_in_medications(
    qtbot, window: MainWindow, demo_context: AppContext
) -> None:
    medications = window.show_page("medications")
    model = medications.model
    names = [model.index(row, 0).data() for row in range(model.rowCount())]
    row = names.index("clomiphene")
    before = model.index(row, 7).data()
    today = window.show_page("today")
    qtbot.mouseClick(named(today, QPushButton, "Taken: clomiphene"), Qt.MouseButton.LeftButton)
    assert window.saved_label.text() == "Saved 09:00"
    window.show_page("medications")
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    after = model.index(names.index("clomiphene"), 7).data()
    assert before != after
    taken_before = int(before.split("(")[1].split("/")[0])
    taken_after = int(after.split("(")[1].split("/")[0])
    assert taken_after == taken_before + 1


def test_settings_unit_toggle_turns_today_into_si(qtbot, window: MainWindow) -> None:
    today = window.show_page("today")
    assert named(today, QLabel, "Total testosterone value").text() == "<b>712</b> ng/dL"
    settings = window.show_page("settings")
    qtbot.mouseClick(named(settings, QRadioButton, "Units SI"), Qt.MouseButton.LeftButton)
    window.show_page("today")
    assert named(today, QLabel, "Total testosterone value").text() == "<b>24.7</b> nmol/L"
    assert "pmol/L" in named(today, QLabel, "Estradiol value").text()


def test_switch_journals_changes_title_and_every_screen(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    medications = window.show_page("medications")
    assert medications.model.rowCount() == 2
    other = Journal.open(tmp_path / "mine.sqlite3")
    start_regimen(other, "letrozole", "2.5", "mg", "daily", date(2026, 5, 1))
    other.close()
    assert window.open_journal_path(tmp_path / "mine.sqlite3", create=False) is None
    assert window.windowTitle() == "Fertility Tracker — mine.sqlite3"
    # Today is shown; the pages hidden meanwhile show the other journal when visited.
    assert window.show_page("medications") is medications
    assert [medications.model.index(0, 0).data()] == ["letrozole"]
    assert medications.model.rowCount() == 1
    today = window.show_page("today")
    assert "letrozole" in "".join(label.text() for label in today.findChildren(QLabel))


def test_switching_journals_reads_a_hidden_page_again_only_when_it_is_visited(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fertilitytracker.gui.screens.medications import MedicationsScreen
    from fertilitytracker.gui.screens.reminders import RemindersScreen
    from fertilitytracker.gui.screens.semen import SemenScreen

    refreshed: list[str] = []
    for kind in (MedicationsScreen, SemenScreen, RemindersScreen):
        original = kind.refresh

        def counted(self, *args, original=original) -> None:
            refreshed.append(type(self).__name__)
            original(self, *args)

        monkeypatch.setattr(kind, "refresh", counted)
    for key in ("medications", "semen", "reminders", "settings"):
        window.show_page(key)
    refreshed.clear()
    Journal.open(tmp_path / "other.sqlite3").close()
    assert window.open_journal_path(tmp_path / "other.sqlite3", create=False) is None
    assert refreshed == []  # hidden: nothing of the other journal is read for them yet
    window.show_page("semen")
    assert refreshed == ["SemenScreen"]
    assert window.show_page("medications").model.rowCount() == 0  # the other journal's
    assert refreshed == ["SemenScreen", "MedicationsScreen"]


def test_switching_to_an_encrypted_journal_asks_its_passphrase_until_it_opens(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sqlcipher3", reason="the [encryption] extra is not installed")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QInputDialog

    from fertilitytracker.storage.backup import convert_journal
    from fertilitytracker.storage.encryption import ENV_PASSPHRASE

    monkeypatch.delenv(ENV_PASSPHRASE, raising=False)
    path = tmp_path / "locked.sqlite3"
    other = Journal.open(path)
    start_regimen(other, "letrozole", "2.5", "mg", "daily", date(2026, 5, 1))
    other.close()
    convert_journal(path, None, "correct horse battery")
    asked: list[str] = []

    def answer(text: str | None) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        asked.append(dialog.labelText())
        if text is None:
            dialog.reject()
            return
        dialog.setTextValue(text)
        dialog.accept()
        if text != "correct horse battery":  # a wrong one is asked for again
            QTimer.singleShot(0, lambda: answer("correct horse battery"))

    QTimer.singleShot(0, lambda: answer(None))
    assert window.open_journal_path(path, create=False) == (
        "locked.sqlite3 is encrypted and was not opened"
    )
    assert window.windowTitle() != "Fertility Tracker — locked.sqlite3"
    QTimer.singleShot(0, lambda: answer("wrong"))
    assert window.open_journal_path(path, create=False) is None
    assert "does not open it" in asked[-1]
    assert window.windowTitle() == "Fertility Tracker — locked.sqlite3"
    medications = window.show_page("medications")
    assert [medications.model.index(0, 0).data()] == ["letrozole"]


def test_an_empty_journal_opens_on_the_welcome(qtbot, context, ui_state) -> None:
    made = MainWindow(ui_state, context)
    qtbot.addWidget(made)
    assert made.current_page() == "welcome"
    assert made.sidebar.selectedItems() == []
    made.show_page("today")
    assert made.current_page() == "today"


def test_geometry_last_page_and_theme_are_remembered(qtbot, demo_context, ui_state) -> None:
    first = MainWindow(ui_state, demo_context)
    qtbot.addWidget(first)
    first.show_page("settings")
    first.resize(700, 500)
    first.show()
    qtbot.waitExposed(first)
    first.close()
    assert ui_state.last_page == "settings"
    second = MainWindow(ui_state, make_context(demo_context.journal))
    qtbot.addWidget(second)
    assert second.current_page() == "settings"
    assert second.size().width() == 700


def test_dark_theme_is_applied_and_saved(qtbot, window: MainWindow, ui_state: UiState) -> None:
    app = QApplication.instance()
    try:
        window.set_theme("dark")
        assert ui_state.theme == "dark"
        assert app.palette().window().color().lightness() < 128
        assert app.style().name().lower() == "fusion"
    finally:
        window.set_theme("system")
    assert ui_state.theme == "system"


def test_the_window_shows_before_the_journal_opens(qtbot, tmp_path: Path, ui_state) -> None:
    journal_path = tmp_path / "start.sqlite3"
    made = build_window(journal_path, ui_state)
    qtbot.addWidget(made)
    assert made.isVisible()
    assert made.context is None
    assert "Opening the journal" in made.message_label.text()
    qtbot.waitUntil(lambda: made.context is not None)
    assert made.current_page() == "welcome"
    close_launched(made.context)


def test_a_broken_journal_is_explained_in_words(qtbot, tmp_path: Path, ui_state) -> None:
    broken = tmp_path / "broken.sqlite3"
    broken.write_text("not a database")
    made = build_window(broken, ui_state)
    qtbot.addWidget(made)
    qtbot.waitUntil(lambda: made.message_buttons.isVisibleTo(made))
    assert "could not be opened" in made.message_label.text()
    assert made.context is None
    assert made.open_journal_path(tmp_path / "new.sqlite3", create=True) is None
    assert made.windowTitle() == "Fertility Tracker — new.sqlite3"
    close_launched(made.context)


def test_a_damaged_journal_at_start_is_refused_and_left_as_found(
    qtbot, tmp_path: Path, ui_state
) -> None:
    # The integrity check runs ahead, on its own thread, from the moment the window shows:
    # its verdict still stops the journal from opening, as the check on opening did.
    journal_path = _journal_with(tmp_path / "damaged.sqlite3", *[f"s{i}" for i in range(60)])
    damage(journal_path)
    before = digest(journal_path)

    made = build_window(journal_path, ui_state)
    qtbot.addWidget(made)
    qtbot.waitUntil(lambda: made.message_buttons.isVisibleTo(made))

    assert made.context is None
    assert "could not be opened" in made.message_label.text()
    assert "damaged" in made.message_label.text()
    assert digest(journal_path) == before


def test_file_menu_entries_exist(window: MainWindow) -> None:
    texts = [action.text() for action in window.menuBar().actions()[0].menu().actions()]
    for wanted in ("&New journal…", "&Open journal…", "Export &report…", "&Import…", "&Export…"):
        assert wanted in texts


def test_the_error_log_keeps_no_message() -> None:
    try:
        raise ValueError("estradiol 8 pg/mL")
    except ValueError as error:
        text = describe_traceback(type(error), error.__traceback__)
    assert "ValueError" in text
    assert "estradiol" not in text
    assert "test_the_error_log_keeps_no_message" in text


def test_start_up_does_not_import_plotting_or_pdf(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from fertilitytracker.gui.app import build_window, open_journal_into\n"
        "from fertilitytracker.gui.ui_state import UiState\n"
        "from PySide6.QtCore import QSettings\n"
        f"state = UiState(QSettings({str(tmp_path / 'ui.ini')!r}, QSettings.Format.IniFormat))\n"
        "from pathlib import Path\n"
        f"window = build_window(Path({str(tmp_path / 's.sqlite3')!r}), state)\n"
        "import time\n"
        "deadline = time.monotonic() + 30\n"
        "while window.context is None and time.monotonic() < deadline:\n"
        "    app.processEvents()\n"
        "assert window.context is not None\n"
        "print(sorted(m for m in ('pyqtgraph', 'reportlab') if m in sys.modules))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_start_up_does_not_import_numpy(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "import fertilitytracker.gui.app, fertilitytracker.gui.context\n"
        "import fertilitytracker.storage.journal\n"
        "print('numpy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "False"


def test_the_window_shows_before_the_journal_layers_load(tmp_path: Path) -> None:
    # Everything run_app does before window.show(), on a first launch in a session (the
    # runtime folder does not exist yet): the journal's layers load after the window is up.
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from fertilitytracker.gui.app import MainWindow\n"
        "from fertilitytracker.gui.single_instance import ensure_single_instance\n"
        "from fertilitytracker.gui.ui_state import UiState\n"
        f"instance = ensure_single_instance(Path({str(tmp_path / 'j.sqlite3')!r}))\n"
        "assert instance is not None\n"
        "window = MainWindow(UiState(), defer_build=True)\n"
        "window.show()\n"
        "loaded = ('sqlite_utils', 'fertilitytracker.storage')\n"
        "print(sorted(m for m in loaded if m in sys.modules))\n"
        "instance.close()\n"
    )
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime), HOME=str(tmp_path)
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (runtime / "fertilitytracker").is_dir()


def test_a_minimised_start_opens_the_journal_and_starts_dose_reminders(
    qtbot, tmp_path: Path, ui_state
) -> None:
    made = build_window(tmp_path / "login.sqlite3", ui_state, minimized=True)
    qtbot.addWidget(made)
    qtbot.waitUntil(lambda: made.context is not None)
    assert made.tray is not None
    # Offscreen there is no system tray, so the window waits minimised instead of hidden.
    assert made.isMinimized()
    made.tray.stop()
    close_launched(made.context)


def test_a_damaged_journal_with_a_backup_opens_a_recovered_copy(
    qtbot, tmp_path: Path, ui_state, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fertilitytracker.gui import recovery
    from fertilitytracker.storage.backup import backup_now
    from fertilitytracker.storage.journal import Journal

    journal_path = tmp_path / "journal.sqlite3"
    good = Journal.open(journal_path)
    backup_now(good.db.conn, journal_path, datetime(2026, 6, 1, 9, 0))
    good.close()
    damaged = bytearray(journal_path.read_bytes())
    damaged[:16] = b"garbage garbage!"
    journal_path.write_bytes(bytes(damaged))
    offered: list[Path] = []

    def choose_copy(parent, path, error, passphrase=None) -> Path:
        offered.append(path)
        copy = tmp_path / "recovered.sqlite3"
        Journal.open(copy).close()
        return copy

    monkeypatch.setattr(recovery, "offer_recovery", choose_copy)
    made = build_window(journal_path, ui_state)
    qtbot.addWidget(made)
    qtbot.waitUntil(lambda: made.context is not None)
    assert offered == [journal_path]
    assert made.context.journal.path.name == "recovered.sqlite3"
    assert journal_path.read_bytes() == bytes(damaged)
    made.tray.stop()
    close_launched(made.context)


def test_a_first_start_fits_the_window_on_a_small_screen(qtbot, ui_state: UiState) -> None:
    # The offscreen platform's screen (800x600) is smaller than the usual first size.
    window = MainWindow(ui_state)
    qtbot.addWidget(window)
    available = QApplication.primaryScreen().availableGeometry()
    assert window.width() <= available.width()
    assert window.height() <= available.height()
