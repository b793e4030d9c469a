"""File › Import… with a preview (what will be added, what skipped and why) and File › Export….

The preview and the import are the command line's streamed import (services/exchange/
stream.py): the preview is its dry run (every entry counted, the first ones of each kind
listed, nothing written), the import writes in one transaction and only what the preview
showed, so a file of a million rows takes the memory of a small one. Both run off the UI
thread through `BackgroundTask`, each through a connection the worker opens and closes (SQLite
connections stay in the thread that made them), and Cancel stops either between entries,
writing nothing. An export writes a snapshot of the journal read on the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.errors import InputError
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.models.base import Column, RowTableModel
from fertilitytracker.gui.widgets.fields import ErrorLabel
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.gui.workers import BackgroundTask, run_in_background
from fertilitytracker.services.exchange import (
    ExportResult,
    ImportCancelled,
    ImportPlan,
    JournalSnapshot,
    PlanRow,
    export_format_for,
    export_snapshot,
    import_file,
)
from fertilitytracker.services.exchange.stream import SHOWN_ENTRIES
from fertilitytracker.services.operations import Change
from fertilitytracker.storage.files import refuse_journal_target
from fertilitytracker.storage.journal import Journal

# The action of a preview row in words, with a symbol so that it never relies on colour.
ACTION_LABELS = {
    "add": "＋ add",
    "replace": "↻ replace",
    "present": "= already present",
    "skip": "✕ skip",
}
FORMAT_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("Automatic (from the file)", None),
    ("CSV", "csv"),
    ("FHIR (R4 or STU3)", "fhir"),
    ("JSON backup", "json"),
)
OPEN_FILTER = "Journal files (*.csv *.tsv *.txt *.json);;All files (*)"
# Export filter → (format, the extension a name gets when it lacks one).
EXPORT_FILTERS: dict[str, tuple[str, str]] = {
    "CSV, every record (*.csv)": ("csv", ".csv"),
    "FHIR R4 Bundle (*.fhir.json)": ("fhir", ".fhir.json"),
    "Full JSON backup (*.json)": ("json", ".json"),
}
# Exports still running: kept referenced until they report, whoever started them.
_RUNNING_EXPORTS: set[BackgroundTask] = set()
# Previews and imports still running, kept until they report: a worker outlives a dialog
# closed meanwhile (it notices the cancel at its next look and rolls back).
_RUNNING_IMPORTS: set[BackgroundTask] = set()

PREVIEW_COLUMNS: tuple[Column[PlanRow], ...] = (
    Column("Action", lambda row: ACTION_LABELS[row.action], sort_key=lambda row: row.action),
    Column("Where", lambda row: row.where),
    Column("Record", lambda row: row.what, tooltip=lambda row: row.what),
    Column("Why", lambda row: row.reason, tooltip=lambda row: row.reason),
)


class PreviewModel(RowTableModel[PlanRow]):
    """The rows of an import plan: one per entry of the file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(PREVIEW_COLUMNS, parent)


class _Progress(QObject):
    """Entries read so far, told from the worker thread (queued to the UI thread)."""

    counted = Signal(int)


def _import_in_own_connection(
    current: Journal,
    path: Path,
    format: str | None,
    *,
    dry_run: bool,
    expected: str | None,
    cancel: threading.Event,
    progress: Callable[[int], None],
) -> tuple[ImportPlan, Change | None]:
    """Preview (`dry_run`) or import `path` through a connection of the worker thread."""
    journal = current.another_connection()
    try:
        return import_file(
            journal,
            path,
            format,
            dry_run=dry_run,
            expected=expected,
            cancelled=cancel.is_set,
            progress=progress,
        )
    finally:
        journal.close()


def _reason(error: object) -> str:
    if isinstance(error, InputError):
        return f"{error.where}: {error.reason}"
    return f"{type(error).__name__}: {error}"


class ImportDialog(QDialog):
    """The preview of importing one file; Import writes it in one transaction."""

    plan_ready = Signal(object)  # ImportPlan
    plan_refused = Signal(str)
    imported = Signal(object)  # services.operations.Change
    import_failed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        path: Path,
        format: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.path = Path(path)
        self.plan: ImportPlan | None = None
        self.change: Change | None = None
        # The running work's cancel flag (None when nothing runs), and whether it imports.
        self._cancel: threading.Event | None = None
        self._importing = False
        self.setWindowTitle(f"Import {self.path.name}")
        self.setAccessibleName("Import preview")
        self.resize(820, 520)

        self.format_box = QComboBox()
        self.format_box.setAccessibleName("File format")
        for label, value in FORMAT_CHOICES:
            self.format_box.addItem(label, value)
        if format is not None:
            self.format_box.setCurrentIndex([v for _, v in FORMAT_CHOICES].index(format))
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Import summary")
        self.summary_label.setWordWrap(True)
        self.error_label = ErrorLabel()
        self.error_label.setAccessibleName("Why the file is not imported")
        self.notices_label = QLabel()
        self.notices_label.setAccessibleName("Notes about the file")
        self.notices_label.setWordWrap(True)
        self.notices_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("What will be added, already present or skipped, and why")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton("&Import")
        self.import_button.setAccessibleName("Import")
        self.import_button.setEnabled(False)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow("File:", QLabel(str(self.path)))
        form.addRow("&Format:", self.format_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notices_label)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.format_box, self.table)
        self.setTabOrder(self.table, self.import_button)

        self.format_box.currentIndexChanged.connect(lambda _index: self.start_planning())
        self.start_planning()

    def selected_format(self) -> str | None:
        value = self.format_box.currentData()
        return value if isinstance(value, str) else None

    def _run(
        self,
        *,
        dry_run: bool,
        finished: Callable[[Any], object],
        failed: Callable[[Any], object],
    ) -> None:
        """Start a preview or an import off the UI thread; what an earlier one reports after
        this is ignored (it was cancelled)."""
        if self._cancel is not None:
            self._cancel.set()
        cancel = self._cancel = threading.Event()
        progress = _Progress()

        def counted(entries: int) -> None:
            if self._current(cancel):
                doing = "Importing" if self._importing else "Reading"
                self.summary_label.setText(f"{doing} {self.path.name}… {entries:,} entries so far")

        progress.counted.connect(counted)
        journal, path, chosen = self.context.journal, self.path, self.selected_format()
        expected = None if dry_run or self.plan is None else self.plan.outcome

        def work() -> tuple[ImportPlan, Change | None]:
            return _import_in_own_connection(
                journal,
                path,
                chosen,
                dry_run=dry_run,
                expected=expected,
                cancel=cancel,
                progress=progress.counted.emit,
            )

        def done(result: object) -> None:
            _RUNNING_IMPORTS.discard(task)
            if self._current(cancel):
                self._cancel = None
                finished(result)

        def refused(error: object) -> None:
            _RUNNING_IMPORTS.discard(task)
            if self._current(cancel):
                self._cancel = None
                failed(error)

        task = run_in_background(work, None, done, refused)
        _RUNNING_IMPORTS.add(task)

    def _current(self, cancel: threading.Event) -> bool:
        """Whether `cancel` is the running work's, of a dialog still there."""
        return shiboken6.isValid(self) and cancel is self._cancel

    # --- the preview (a dry run: counted, nothing written) ---

    def start_planning(self) -> None:
        """Read and check the file off the UI thread against the journal; nothing is kept."""
        self.plan = None
        self.import_button.setEnabled(False)
        self.model.set_rows([])
        self.notices_label.clear()
        self.error_label.show_reason(None)
        self.summary_label.setText(f"Reading {self.path.name}…")
        self._run(dry_run=True, finished=self._planned, failed=self._refused)

    def _planned(self, result: object) -> None:
        assert isinstance(result, tuple)
        plan = result[0]
        assert isinstance(plan, ImportPlan)
        self.plan = plan
        self.model.set_rows(plan.rows())
        listed = ""
        if plan.unlisted_new or plan.unlisted_present or plan.unlisted_skipped:
            listed = f". The list shows the first {SHOWN_ENTRIES:,} entries of each kind."
        self.summary_label.setText(plan.summary() + listed)
        self.notices_label.setText("\n".join(f"Note: {notice}" for notice in plan.notices))
        self.import_button.setEnabled(plan.new_count > 0 or bool(plan.settings))
        if not self.import_button.isEnabled():
            self.summary_label.setText(f"{plan.summary()}: nothing to import.")
        self.plan_ready.emit(plan)

    def _refused(self, error: object) -> None:
        reason = _reason(error)
        self.summary_label.setText("The file is not imported; nothing was written.")
        self.error_label.show_reason(reason)
        self.plan_refused.emit(reason)

    # --- importing (one transaction) ---

    def start_import(self) -> None:
        """Write what the preview showed in one transaction, off the UI thread."""
        if self.plan is None or self._cancel is not None:
            return
        self._importing = True
        self.import_button.setEnabled(False)
        self.format_box.setEnabled(False)
        self.summary_label.setText(f"Importing {self.plan.new_count:,} record(s)…")
        self._run(dry_run=False, finished=self._imported, failed=self._import_failed)

    def _imported(self, result: object) -> None:
        assert isinstance(result, tuple)
        change = result[1]
        assert isinstance(change, Change)
        self._importing = False
        self.change = change
        self.context.notify(change)
        show_status(self.parentWidget() or self, change.summary)
        self.imported.emit(change)
        self.accept()

    def _import_failed(self, error: object) -> None:
        self._importing = False
        if isinstance(error, ImportCancelled):
            self.import_failed.emit("cancelled; nothing was imported")
            super().reject()
            return
        reason = _reason(error)
        self.summary_label.setText("Nothing was imported.")
        self.error_label.show_reason(reason)
        self.format_box.setEnabled(True)
        self.cancel_button.setEnabled(True)
        self.import_failed.emit(reason)

    def reject(self) -> None:
        """Cancel: a preview stops at once; an import is rolled back first, and the dialog
        closes when the worker says so (it may have committed just before: then it reports the
        import as done)."""
        if self._importing:
            assert self._cancel is not None
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.summary_label.setText("Cancelling; nothing will be imported…")
            return
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None
        super().reject()


def run_import_dialog(parent: QWidget | None, context: AppContext) -> Change | None:
    """Ask for a file, show what importing it would do, import on request; the change or None."""
    name, _ = QFileDialog.getOpenFileName(parent, "Import records", "", OPEN_FILTER)
    if not name:
        return None
    dialog = ImportDialog(context, Path(name), parent=parent)
    dialog.exec()
    change = dialog.change
    # Without a parent nothing else would ever delete the closed dialog and its worker.
    dialog.deleteLater()
    return change


def export_target(name: str, chosen_filter: str) -> tuple[Path, str]:
    """The file and format of a save dialog's answer; a name lacking the extension gets it."""
    path = Path(name)
    if chosen_filter not in EXPORT_FILTERS:
        return path, export_format_for(path)
    format, extension = EXPORT_FILTERS[chosen_filter]
    if not path.name.lower().endswith(extension):
        path = path.with_name(path.name + extension)
    return path, format


def start_export(
    context: AppContext, path: Path, format: str, parent: QWidget | None = None
) -> BackgroundTask:
    """Write the journal to `path` off the UI thread; reports in the status bar (or a warning)."""
    snapshot = JournalSnapshot.of(context.journal)

    def done(result: object) -> None:
        _RUNNING_EXPORTS.discard(task)
        assert isinstance(result, ExportResult)
        if parent is not None:
            show_status(parent, result.summary())

    def failed(error: object) -> None:
        _RUNNING_EXPORTS.discard(task)
        text = error.strerror if isinstance(error, OSError) and error.strerror else _reason(error)
        QMessageBox.warning(parent, "Export failed", f"{path} was not written: {text}")

    task = run_in_background(lambda: export_snapshot(snapshot, path, format), parent, done, failed)
    _RUNNING_EXPORTS.add(task)
    return task


def run_export_dialog(parent: QWidget | None, context: AppContext) -> BackgroundTask | None:
    """Ask where and in which format to export, then write it in the background."""
    suggested = str(Path.home() / "fertilitytracker-export.csv")
    name, chosen_filter = QFileDialog.getSaveFileName(
        parent, "Export the journal", suggested, ";;".join(EXPORT_FILTERS)
    )
    if not name:
        return None
    try:
        path, format = export_target(name, chosen_filter)
        refuse_journal_target(path, context.journal.path, "out")
    except InputError as error:
        QMessageBox.warning(parent, "Export", error.reason)
        return None
    return start_export(context, path, format, parent)
