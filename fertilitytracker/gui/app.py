"""Composition root of the desktop app: builds the journal and the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from fertilitytracker.storage.database import JournalError
from fertilitytracker.storage.journal import Journal


def run_app(journal_path: Path) -> int:
    """Run the Qt event loop on `journal_path`."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Fertility Tracker")
    try:
        journal = Journal.open(journal_path)
    except JournalError as error:
        QMessageBox.critical(None, "Fertility Tracker", str(error))
        return 1
    window = QMainWindow()
    window.setWindowTitle(f"Fertility Tracker — {journal_path.name}")
    window.setCentralWidget(QLabel("Fertility Tracker"))
    window.resize(1100, 720)
    window.show()
    return app.exec()
