"""The main window's menus and the journal-file actions behind them (open, recent, import...)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMainWindow, QWidget

from fertilitytracker.gui.navigation import PAGES

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QStackedWidget

    from fertilitytracker.gui.context import AppContext
    from fertilitytracker.gui.ui_state import UiState

APP_TITLE = "Fertility Tracker"
DEMO_FILE = "demo.sqlite3"


def is_demo(path: Path) -> bool:
    """Whether `path` is the demo journal the welcome page creates."""
    return path.name == DEMO_FILE


class WindowMenus(QMainWindow):
    """The menu bar, its shortcuts, and the File and Help actions of the main window."""

    if TYPE_CHECKING:
        # Made by MainWindow (gui/main_window.py), which this class is the menus of.
        context: AppContext | None
        ui_state: UiState
        stack: QStackedWidget

        def set_context(self, context: AppContext) -> None: ...
        def show_page(self, key: str, focus: Any = None) -> QWidget | None: ...
        def log_todays_doses(self) -> None: ...
        def new_lab_draw(self) -> None: ...
        def paste_lab_results(self) -> Any: ...

    # --- menus and shortcuts ----------------------------------------------------------------

    def _action(
        self, menu: Any, text: str, slot: Callable[[], object], shortcut: Any = None
    ) -> QAction:
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        from PySide6.QtGui import QKeySequence

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_journal_action = self._action(
            file_menu, "&New journal…", self.new_journal, QKeySequence.StandardKey.New
        )
        self.open_journal_action = self._action(
            file_menu, "&Open journal…", self.open_journal, QKeySequence.StandardKey.Open
        )
        self.recent_menu = file_menu.addMenu("Recent &journals")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self.export_report_action = self._action(
            file_menu, "Export &report…", self.export_report, "Ctrl+P"
        )
        self.import_action = self._action(file_menu, "&Import…", self.import_file, "Ctrl+I")
        self.export_action = self._action(file_menu, "&Export…", self.export_file, "Ctrl+E")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self._action(
            edit_menu, "&Undo", self.undo_last, QKeySequence.StandardKey.Undo
        )

        go_menu = bar.addMenu("&Go")
        self.page_actions: dict[str, QAction] = {}
        for number, page in enumerate(PAGES, start=1):
            self.page_actions[page.key] = self._action(
                go_menu, page.label, partial(self.show_page, page.key), f"Ctrl+{number}"
            )
        go_menu.addSeparator()
        self.log_doses_action = self._action(
            go_menu, "Log today's &doses", self.log_todays_doses, "Ctrl+D"
        )
        self.new_draw_action = self._action(go_menu, "New &lab draw", self.new_lab_draw, "Ctrl+L")
        labs_menu = bar.addMenu("&Labs")
        self.paste_results_action = self._action(
            labs_menu, "&Paste results…", self.paste_lab_results, "Ctrl+Shift+V"
        )
        help_menu = bar.addMenu("&Help")
        self.about_action = self._action(help_menu, "&About Fertility Tracker", self.show_about)
        self._journal_actions = [
            self.undo_action,
            self.paste_results_action,
            self.export_report_action,
            self.import_action,
            self.export_action,
            self.log_doses_action,
            self.new_draw_action,
            *self.page_actions.values(),
        ]
        for action in self._journal_actions:
            action.setEnabled(False)

    def my_journal(self) -> Path | None:
        """The latest journal opened that is not the demo and still exists."""
        for known in self.ui_state.recent_journals:
            candidate = Path(known)
            if not is_demo(candidate) and candidate.exists():
                return candidate
        return None

    def back_to_my_journal(self) -> None:
        """Leave the demo for the person's own journal."""
        mine = self.my_journal()
        if mine is None:
            return
        problem = self.open_journal_path(mine, create=False)
        if problem is not None:
            self.statusBar().showMessage(problem, 8000)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        current = str(self.context.journal.path) if self.context is not None else ""
        recent = [path for path in self.ui_state.recent_journals if path != current]
        for known in recent:
            path = Path(known)
            label = f"{path.name} — {path.parent}" + (" (demo)" if is_demo(path) else "")
            self._action(
                self.recent_menu,
                label,
                partial(self._open_recent, path),
            )
        if not recent:
            empty = self.recent_menu.addAction("No other journal opened yet")
            empty.setEnabled(False)

    def _open_recent(self, path: Path) -> None:
        problem = self.open_journal_path(path, create=False)
        if problem is not None:
            self.statusBar().showMessage(problem, 8000)

    def undo_last(self) -> None:
        """Edit › Undo: what the undo bar of the page in view offers."""
        bar = getattr(self.stack.currentWidget(), "undo_bar", None)
        if bar is not None and bar.isVisible() and bar.undo_button.isEnabled():
            bar.undo_button.click()
        else:
            self.statusBar().showMessage("Nothing to undo", 4000)

    def show_about(self) -> QWidget:
        """Help › About: version, licence and where the journal is."""
        from PySide6.QtWidgets import QMessageBox

        from fertilitytracker import __version__

        where = str(self.context.journal.path) if self.context is not None else "no journal open"
        box = QMessageBox(self)
        box.setWindowTitle(f"About {APP_TITLE}")
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(f"<b>{APP_TITLE}</b> {__version__}")
        box.setInformativeText(
            "An offline journal of hormone therapy for male infertility. It records and flags; "
            "it never diagnoses or advises a dose.\n\n"
            "Licence: GNU General Public License, version 3 or later.\n\n"
            f"Your journal: {where}\n"
            "Nothing leaves this computer unless you export or print it."
        )
        box.open()
        self.about_box = box
        return box

    def open_journal_path(self, path: Path, *, create: bool) -> str | None:
        """Open or create the journal at `path` and switch to it; the reason if it failed."""
        if self.context is not None:
            from fertilitytracker.gui.widgets.journal_files import switch_journal

            return switch_journal(self.context, path, create=create)
        from fertilitytracker.gui.context import AppContext
        from fertilitytracker.storage.database import JournalError
        from fertilitytracker.storage.journal import Journal

        if create and path.exists():
            return f"{path} already exists: choose another name, or open it instead"
        try:
            journal = Journal.open(path, create=create)
        except (JournalError, OSError) as error:
            return f"{path.name} could not be opened: {error}"
        self.set_context(AppContext(journal))
        return None

    def _ask_and_open(self, create: bool) -> None:
        folder_context = self.context
        if folder_context is None:
            from PySide6.QtWidgets import QFileDialog

            if create:
                chosen, _ = QFileDialog.getSaveFileName(self, "Create a new journal")
            else:
                chosen, _ = QFileDialog.getOpenFileName(self, "Open another journal")
            path = Path(chosen) if chosen else None
        else:
            from fertilitytracker.gui.widgets.journal_files import ask_journal_path

            path = ask_journal_path(self, folder_context, create=create)
        if path is None:
            return
        problem = self.open_journal_path(path, create=create)
        if problem:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, APP_TITLE, problem)

    def new_journal(self) -> None:
        """File › New journal…"""
        self._ask_and_open(create=True)

    def open_journal(self) -> None:
        """File › Open journal…"""
        self._ask_and_open(create=False)

    # --- files in and out (each dialog module is imported on first use) --------------------

    def export_report(self) -> None:
        """File › Export report… (the PDF for the clinician, written in the background)."""
        if self.context is None:
            return
        from fertilitytracker.gui.dialogs.report_dialog import ReportDialog

        self.report_dialog = ReportDialog(self.context, self)
        self.report_dialog.exported.connect(
            lambda result: self.statusBar().showMessage(f"Report saved to {result.path}", 8000)
        )
        self.report_dialog.open()

    def import_file(self) -> None:
        """File › Import… (CSV, FHIR or a JSON backup), with a preview before anything is saved."""
        if self.context is None:
            return
        from fertilitytracker.gui.dialogs.import_export import run_import_dialog

        run_import_dialog(self, self.context)

    def export_file(self) -> None:
        """File › Export… (CSV, FHIR or a JSON backup)."""
        if self.context is None:
            return
        from fertilitytracker.gui.dialogs.import_export import run_export_dialog

        run_export_dialog(self, self.context)
