"""File › Export report…: choose period, units and paper, then write the PDF in the background."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QProcess, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker import own_command
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.ui_state import REPORT_FOLDER_KEY, app_settings
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.services.settings import get_setting, set_setting

DEFAULT_PERIOD_DAYS = 365
FOLDER_KEY = REPORT_FOLDER_KEY


@dataclass(frozen=True)
class ExportedReport:
    """Where the report was written and how many pages it has."""

    path: Path
    pages: int


class ReportDialog(QDialog):
    """Asks where and what to export, runs the export off the UI thread, shows progress."""

    exported = Signal(object)  # ExportedReport
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export report for your clinician")
        self._context = context
        self.process: QProcess | None = None
        today = context.today()

        form = QFormLayout()
        self.whole_history = QCheckBox("Everything recorded", self)
        self.whole_history.setChecked(True)
        self.start = DateEdit(today - timedelta(days=DEFAULT_PERIOD_DAYS), "Report from", self)
        self.end = DateEdit(today, "Report to", self)
        self.whole_history.toggled.connect(self._period_toggled)
        self._period_toggled(True)
        period = QHBoxLayout()
        period.addWidget(self.whole_history)
        period.addWidget(QLabel("or from", self))
        period.addWidget(self.start)
        period.addWidget(QLabel("to", self))
        period.addWidget(self.end)
        form.addRow("Period", period)

        self.units = QComboBox(self)
        self.units.setAccessibleName("Units")
        self.units.addItem("US (ng/dL, pg/mL)", "us")
        self.units.addItem("SI (nmol/L, pmol/L)", "si")
        self.units.setCurrentIndex(1 if context.unit_system() == "si" else 0)
        form.addRow("Units", self.units)

        self.page_size = QComboBox(self)
        self.page_size.setAccessibleName("Paper size")
        self.page_size.addItems(["A4", "Letter"])
        form.addRow("Paper", self.page_size)

        # The report prints the patient's name: asked for here when none is set yet.
        self.patient_name = QLineEdit(self)
        self.patient_name.setAccessibleName("Patient name")
        self.patient_name.setPlaceholderText("printed on the report (optional)")
        self.asks_name = not get_setting(context.journal, "patient_name")
        if self.asks_name:
            form.addRow("Patient name", self.patient_name)
        else:
            self.patient_name.setVisible(False)

        self._settings = app_settings()
        folder = Path(str(self._settings.value(FOLDER_KEY, "") or Path.home()))
        if not folder.is_dir():
            folder = Path.home()
        self.path = QLineEdit(self)
        self.path.setAccessibleName("Save as")
        self.path.setText(str(folder / f"fertility-report-{today.isoformat()}.pdf"))
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        form.addRow("Save as", where)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Export status")

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button = self.buttons.addButton(
            "Open PDF", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self.open_pdf)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start_export)
        self.written: Path | None = None
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(640, self.sizeHint().height())

    def _period_toggled(self, whole: bool) -> None:
        self.start.setEnabled(not whole)
        self.end.setEnabled(not whole)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the report as", self.path.text(), "PDF files (*.pdf)"
        )
        if chosen:
            self.path.setText(chosen if chosen.lower().endswith(".pdf") else f"{chosen}.pdf")

    def start_export(self) -> None:
        """Write the PDF in a separate process running the `report` command.

        A process rather than a thread: reportlab imports modules while it builds, and imports
        in a worker thread race with PySide's import hook (a segfault seen in the test suite).
        The command validates everything and leaves no partial file, exactly as from a shell.
        In the bundle the child is the bundle's own binary (`own_command`), not a Python.
        """
        arguments = ["--db", str(self._context.journal.path), "report"]
        arguments += [self.path.text().strip(), "--json"]
        arguments += ["--units", str(self.units.currentData())]
        arguments += ["--page-size", self.page_size.currentText()]
        if not self.whole_history.isChecked():
            start, end = self.start.value(), self.end.value()
            if start > end:
                self._show_error("Period: the start is after the end.")
                return
            arguments += ["--from", start.isoformat(), "--to", end.isoformat()]
        name = self.patient_name.text().strip()
        if self.asks_name and name:
            set_setting(self._context.journal, "patient_name", name)
        self.export_button.setEnabled(False)
        self.open_button.setVisible(False)
        self.progress.setRange(0, 0)  # busy: the command reports only when it is done
        self.progress.setVisible(True)
        self.message.setText("Writing the report…")
        self.process = QProcess(self)
        self.process.finished.connect(self._finished)
        self.process.errorOccurred.connect(self._process_error)
        program, *program_arguments = own_command(arguments)
        self.process.start(program, program_arguments)

    def _finished(self, exit_code: int, _status: QProcess.ExitStatus) -> None:
        self.export_button.setEnabled(True)
        self.progress.setRange(0, 100)
        process = self.process
        assert process is not None  # _finished is connected to this process's signal
        out = bytes(process.readAllStandardOutput().data()).decode("utf-8", "replace")
        err = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        if exit_code != 0:
            self.progress.setVisible(False)
            lines = err.strip().splitlines() or ["the report command failed"]
            self._show_error(lines[-1].removeprefix("fertilitytracker: "))
            return
        result = json.loads(out)
        self.progress.setValue(100)
        self.message.setText(f"Saved {result['path']} ({result['pages']} pages).")
        self.written = Path(result["path"])
        self._settings.setValue(FOLDER_KEY, str(self.written.parent))
        self.open_button.setVisible(True)
        self.exported.emit(ExportedReport(self.written, int(result["pages"])))

    def open_pdf(self) -> None:
        """Open the report just written in the system's PDF viewer."""
        if self.written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written)))

    def _process_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.export_button.setEnabled(True)
            self.progress.setVisible(False)
            self._show_error("The report writer could not be started.")

    def _show_error(self, text: str) -> None:
        self.message.setText(f"⚠ {text}")
        self.failed.emit(text)
