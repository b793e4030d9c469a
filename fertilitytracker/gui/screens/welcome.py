"""First run: an empty journal greets the person with three ways to begin."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.navigation import Navigation, NewDraw, StartMedication
from fertilitytracker.gui.widgets.fields import ErrorLabel
from fertilitytracker.gui.widgets.journal_files import switch_journal
from fertilitytracker.gui.workers import BackgroundTask, run_in_background

DEMO_FILE = "demo.sqlite3"


def fill_demo_file(path: Path, today: date) -> Path:
    """Create the demo journal at `path` (runs in a worker thread, on its own connection).

    An existing demo journal with data is kept as it is.
    """
    from fertilitytracker.services.demo import fill_demo
    from fertilitytracker.storage.journal import Journal

    journal = Journal.open(path)
    try:
        if journal.is_empty():
            fill_demo(journal, today)
    finally:
        journal.close()
    return path


class WelcomeScreen(QWidget):
    """ "Start a medication", "Add a lab result", "Explore with demo data"."""

    navigate_requested = Signal(object)  # a Navigation
    demo_opened = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._task: BackgroundTask | None = None
        self.setAccessibleName("Welcome")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(48, 48, 48, 48)
        # One centred column: wrapped labels get their height for the column's width.
        column = QWidget(self)
        column.setMaximumWidth(680)
        outer.addStretch(1)
        outer.addWidget(column, 4)
        outer.addStretch(1)
        layout = QVBoxLayout(column)
        layout.addStretch(1)
        title = QLabel("Welcome to Fertility Tracker", self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        intro = QLabel(
            "A private journal of your treatment: doses, lab results, semen analyses and "
            "symptoms, with reminders for the tests your treatment calls for. Everything stays "
            "on this computer.",
            self,
        )
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(intro)
        layout.addSpacing(24)
        self.start_button = QPushButton("Start a medication", self)
        self.lab_button = QPushButton("Add a lab result", self)
        self.demo_button = QPushButton("Explore with demo data", self)
        self.demo_button.setToolTip(
            f"Opens a separate journal, {DEMO_FILE}, filled with six months of made-up data. "
            "Your own journal is left untouched."
        )
        for button in (self.start_button, self.lab_button, self.demo_button):
            button.setMinimumHeight(40)
            button.setMinimumWidth(280)
            button.setAccessibleName(button.text())
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.demo_note = QLabel(
            f"The demo goes into a separate file ({DEMO_FILE}); open your own journal again "
            "from File › Open journal.",
            self,
        )
        self.demo_note.setWordWrap(True)
        self.demo_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.demo_note)
        self.error_label = ErrorLabel(self)
        layout.addWidget(self.error_label)
        layout.addStretch(2)
        self.start_button.clicked.connect(
            lambda: self.navigate_requested.emit(Navigation("medications", StartMedication()))
        )
        self.lab_button.clicked.connect(
            lambda: self.navigate_requested.emit(Navigation("labs", NewDraw()))
        )
        self.demo_button.clicked.connect(self.open_demo)

    def refresh(self) -> None:
        """Nothing to reload: the page is static."""

    def demo_path(self) -> Path:
        """Where the demo journal goes: beside the open journal."""
        return self.context.journal.path.parent / DEMO_FILE

    def open_demo(self) -> None:
        """Fill the demo journal off the UI thread, then switch to it."""
        self.demo_button.setEnabled(False)
        self.demo_button.setText("Preparing the demo…")
        self.error_label.show_reason(None)
        path, today = self.demo_path(), self.context.today()
        self._task = run_in_background(
            lambda: fill_demo_file(path, today), self, self._demo_ready, self._demo_failed
        )

    def _demo_ready(self, path: object) -> None:
        self._reset_button()
        problem = switch_journal(self.context, Path(str(path)), create=False)
        if problem:
            self.error_label.show_reason(problem)
            return
        self.demo_opened.emit()

    def _demo_failed(self, error: object) -> None:
        self._reset_button()
        self.error_label.show_reason(f"The demo could not be created: {error}")

    def _reset_button(self) -> None:
        self.demo_button.setEnabled(True)
        self.demo_button.setText("Explore with demo data")
