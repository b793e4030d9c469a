"""Composition root of the desktop app: paints the window, then opens the journal."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from fertilitytracker import APP_ID
from fertilitytracker.gui.main_window import APP_TITLE, MainWindow
from fertilitytracker.gui.ui_state import ORGANIZATION, UiState

if TYPE_CHECKING:
    from fertilitytracker.storage.integrity import CheckAhead

LOG_FILE = "fertilitytracker.log"
log = logging.getLogger("fertilitytracker")


def log_path() -> Path:
    """The error log in the per-user data folder."""
    from fertilitytracker.paths import default_data_dir

    return default_data_dir() / "logs" / LOG_FILE


def describe_traceback(kind: type[BaseException], tb: TracebackType | None) -> str:
    """The traceback without the exception's message or any variable (they may hold health
    data): the error type and the file, line and function of each frame."""
    frames = traceback.extract_tb(tb)
    lines = [f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}' for frame in frames]
    return "Traceback (most recent call last):\n" + "\n".join(lines) + f"\n{kind.__name__}"


def install_excepthook(log_file: Path) -> None:
    """Show unexpected errors as a short message and write their traceback to `log_file`."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        written = True
        try:
            from fertilitytracker.storage.files import append_private_text

            append_private_text(log_file, describe_traceback(kind, tb) + "\n\n")
        except OSError:
            written = False
        where = f"Details were written to {log_file}." if written else ""
        if QApplication.instance() is not None:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(
                None,
                APP_TITLE,
                f"Something went wrong ({kind.__name__}). What you saved before is safe: every "
                f"change is written in one step. {where}",
            )

    sys.excepthook = hook


def open_journal_into(
    window: MainWindow, journal_path: Path, check_ahead: CheckAhead | None = None
) -> None:
    """Open the journal and hand it to the window (runs once the window has painted).

    An encrypted journal asks for its passphrase; a damaged one is never touched: the person
    is offered a working copy of the newest good backup instead. `check_ahead`: its integrity
    check, started as the window was built (storage/integrity.py).
    """
    from fertilitytracker.gui.context import AppContext
    from fertilitytracker.gui.recovery import ask_passphrase, offer_recovery
    from fertilitytracker.gui.single_instance import ExternalWriteWatcher
    from fertilitytracker.storage.database import (
        DamagedJournalError,
        JournalError,
        PassphraseRequiredError,
        open_database,
    )
    from fertilitytracker.storage.journal import Journal

    passphrase: str | None = None
    asked = 0
    while True:
        try:
            # Today's backup waits until Today is on screen (take_daily_backup below).
            database = open_database(
                journal_path, passphrase=passphrase, daily_backup=False, check_ahead=check_ahead
            )
            journal = Journal(database, journal_path, passphrase=passphrase)
        except PassphraseRequiredError:
            passphrase = ask_passphrase(window, journal_path, wrong=asked > 0)
            asked += 1
            if passphrase is None:
                window.show_error(f"{journal_path.name} is encrypted and was not opened.")
                return
            continue
        except DamagedJournalError as error:
            # Without a good backup there is nothing to offer: explain and let them choose.
            copy = (
                offer_recovery(window, journal_path, error, passphrase=passphrase)
                if error.newest_backup
                else None
            )
            if copy is None:
                window.show_error(f"The journal could not be opened: {error}")
                return
            journal_path = copy
            continue
        except (JournalError, OSError) as error:
            window.show_error(f"The journal {journal_path} could not be opened: {error}")
            return
        # Opening ran the integrity check (a damaged file raised DamagedJournalError above);
        # a second one would read the whole file again before Today shows: only links are left.
        problems = journal.link_problems()
        if not problems:
            break
        journal.close()
        copy = offer_recovery(
            window,
            journal_path,
            "it failed its check: " + "; ".join(problems),
            passphrase=passphrase,
        )
        if copy is None:
            window.show_error(f"{journal_path.name} failed its check and was left unchanged.")
            return
        journal_path = copy
    context = AppContext(journal)
    window.set_context(context)
    ExternalWriteWatcher(context)
    start_tray(window, context)
    take_daily_backup(window, context, journal)
    # The other pages are built hidden shortly after the start page has painted, Charts
    # (pyqtgraph, the chart model) in idle slices after that.
    from fertilitytracker.gui.charts.prepare import prepare_charts_when_idle
    from fertilitytracker.gui.pages_ahead import prepare_pages_when_idle

    prepare_pages_when_idle(window)
    prepare_charts_when_idle(window)


# The day's backup (storage/backup.py) is taken once the pages have been left alone this long
# after the journal opened or the last page change: Today shows first, and the copy (which
# grows with the journal) waits for a moment the person is not moving between pages.
DAILY_BACKUP_AFTER_MS = 1500


def take_daily_backup(window: MainWindow, context: object, journal: object) -> None:
    """Take today's rotated backup of `journal` once `window`'s pages are left alone, if it is
    still the open journal."""
    from fertilitytracker.gui.context import AppContext
    from fertilitytracker.storage.journal import Journal

    assert isinstance(context, AppContext) and isinstance(journal, Journal)
    waits = [0]  # delays started; only the last one takes the backup

    def wait(*_args: object) -> None:
        waits[0] += 1
        started = waits[0]
        QTimer.singleShot(DAILY_BACKUP_AFTER_MS, window, lambda: backup(started))

    def backup(started: int) -> None:
        if started != waits[0]:
            return  # a page change since: a later wait takes it
        window.page_changed.disconnect(wait)
        if context.journal is journal:
            journal.daily_backup()

    window.page_changed.connect(wait)
    wait()


def start_tray(window: MainWindow, context: object) -> None:
    """Dose reminders while the app runs: the tray icon, notifications and catch-up."""
    from fertilitytracker.gui.tray import Tray

    app = QApplication.instance()
    tray = Tray(context, window, dialog_parent=window)  # type: ignore[arg-type]
    window.tray = tray
    tray.show_window_requested.connect(lambda: bring_forward(window))
    if app is not None:
        tray.quit_requested.connect(app.quit)
    if tray.has_tray and isinstance(app, QApplication):
        # With a tray icon, closing the window keeps reminders running in the tray.
        app.setQuitOnLastWindowClosed(False)
        window.hide_to_tray = True
    tray.start()


def bring_forward(window: MainWindow) -> None:
    """Show the window in front (from the tray, or when the app is launched a second time)."""
    if window.isMinimized() or not window.isVisible():
        window.showNormal()
    window.raise_()
    window.activateWindow()


# If no paint arrives (a minimised or hidden start), the journal opens anyway.
FIRST_PAINT_FALLBACK_MS = 500


class _AfterFirstPaint(QObject):
    """Runs `action` once, on the event-loop turn after the window first painted."""

    def __init__(self, window: MainWindow, action: object) -> None:
        super().__init__(window)
        self._window = window
        self._action = action
        self._done = False
        window.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self._window:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self._run)
        return False

    def _run(self) -> None:
        if not self._done:
            self._done = True
            self._action()  # type: ignore[operator]


def start_check(journal_path: Path) -> CheckAhead:
    """Start the journal's integrity check on a thread of its own (storage/integrity.py).

    It reads the whole journal: started once the window is shown, it runs while the window
    paints and builds its pages, instead of between that and Today. Loaded only then, as
    the rest of the journal's layers are.
    """
    from fertilitytracker.storage.integrity import CheckAhead

    return CheckAhead(journal_path)


def build_window(
    journal_path: Path, ui_state: UiState | None = None, *, minimized: bool = False
) -> MainWindow:
    """The main window; the journal opens once it has painted (or at once when minimised).

    The first paint shows only the title and "Opening the journal…": the sidebar, the pages,
    the menus and the status bar are built just after it, then the journal opens.
    """
    state = ui_state or UiState()
    if minimized:
        # Start at login: reminders run in the tray; without a tray, a minimised window.
        from PySide6.QtWidgets import QSystemTrayIcon

        window = MainWindow(state)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            window.showMinimized()
        check_ahead = start_check(journal_path)
        QTimer.singleShot(0, lambda: open_journal_into(window, journal_path, check_ahead))
        return window
    window = MainWindow(state, defer_build=True)
    window.show()
    check_ahead = start_check(journal_path)

    def build_then_open() -> None:
        window.ensure_built()
        open_journal_into(window, journal_path, check_ahead)

    _AfterFirstPaint(window, build_then_open)
    return window


def run_app(journal_path: Path, *, minimized: bool = False) -> int:
    """Run the Qt event loop on `journal_path`."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName(ORGANIZATION)
    app.setDesktopFileName(APP_ID)  # the desktop entry's name: docks match the window to it
    from fertilitytracker.gui.single_instance import ensure_single_instance

    instance = ensure_single_instance(journal_path)
    if instance is None:
        return 0  # the app already running on this journal was brought forward
    ui_state = UiState()
    if ui_state.theme != "system":
        # A chosen theme changes the style and palette: set before the first paint, no flash.
        # The system look needs nothing (gui/theme.py loads when the theme is changed).
        from fertilitytracker.gui.theme import apply_theme

        apply_theme(app, ui_state.theme)
    install_excepthook(log_path())
    window = build_window(journal_path, ui_state, minimized=minimized)
    instance.activation_requested.connect(lambda: bring_forward(window))
    code = app.exec()
    tray = getattr(window, "tray", None)
    if tray is not None:
        tray.stop()
    instance.close()
    if window.context is not None:
        window.context.journal.close()
    return code
