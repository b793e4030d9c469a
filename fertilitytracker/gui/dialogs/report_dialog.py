"""File › Export report…: choose period, units and paper, then write the PDF in the background."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QObject, Signal
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

from fertilitytracker.core.errors import InputError
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.gui.workers import BackgroundTask

DEFAULT_PERIOD_DAYS = 365


class _Progress(QObject):
    """Carries progress from the worker thread to the dialog (a queued signal)."""

    moved = Signal(float, str)


class ReportDialog(QDialog):
    """Asks where and what to export, runs the export off the UI thread, shows progress."""

    exported = Signal(object)  # services.report.ReportResult
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export report for your clinician")
        self._context = context
        self._task: BackgroundTask | None = None
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

        self.path = QLineEdit(self)
        self.path.setAccessibleName("Save as")
        self.path.setText(str(Path.home() / f"fertility-report-{today.isoformat()}.pdf"))
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
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start_export)
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
        """Read what the report needs here, then write the PDF in the background."""
        from fertilitytracker.services.report import check_output_path, report_settings

        start: date | None = None
        end: date | None = None
        if not self.whole_history.isChecked():
            start, end = self.start.value(), self.end.value()
            if start > end:
                self._show_error("Period: the start is after the end.")
                return
        try:
            path = check_output_path(self.path.text().strip())
            settings = report_settings(self._context.journal, units=self.units.currentData())
        except InputError as error:
            self._show_error(f"{error.field}: {error.reason}")
            return
        history = self._context.history()
        today = self._context.today()
        page_size = self.page_size.currentText()
        relay = _Progress(self)
        relay.moved.connect(self._moved)

        def work() -> object:
            from fertilitytracker.services.report import export_report

            return export_report(
                history,
                settings,
                path,
                today=today,
                start=start,
                end=end,
                page_size=page_size,  # type: ignore[arg-type]
                progress=lambda fraction, stage: relay.moved.emit(fraction, stage),
            )

        self.export_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.message.setText("Writing the report…")
        self._task = BackgroundTask(work, self)
        self._task.finished.connect(self._done)
        self._task.failed.connect(self._failed)
        self._task.start()

    def _moved(self, fraction: float, stage: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.message.setText(stage)

    def _done(self, result: object) -> None:
        self.export_button.setEnabled(True)
        self.progress.setValue(100)
        pages = getattr(result, "pages", 0)
        self.message.setText(f"Saved {getattr(result, 'path', '')} ({pages} pages).")
        self.exported.emit(result)

    def _failed(self, error: object) -> None:
        self.export_button.setEnabled(True)
        self.progress.setVisible(False)
        if isinstance(error, InputError):
            self._show_error(f"{error.field}: {error.reason}")
        else:
            self._show_error(f"The report could not be written: {error}")

    def _show_error(self, text: str) -> None:
        self.message.setText(f"⚠ {text}")
        self.failed.emit(text)
