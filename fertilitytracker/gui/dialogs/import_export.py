"""File › Import… with a preview (what will be added, what skipped and why) and File › Export….

Reading and planning the file, writing the import and writing an export all run off the UI
thread through `BackgroundTask`. The journal is read once on the UI thread (a snapshot); the
import itself is written through a second connection that the worker opens and closes, since
SQLite connections stay in the thread that made them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
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
    ImportPlan,
    JournalSnapshot,
    PlanRow,
    apply_plan,
    export_format_for,
    export_snapshot,
    plan_file,
)
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


def _apply_in_own_connection(journal_path: Path, plan: ImportPlan) -> Change:
    """Write the plan through a connection of the worker thread (opened and closed here)."""
    journal = Journal.open(journal_path, create=False)
    try:
        return apply_plan(journal, plan)
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
        self._task: BackgroundTask | None = None
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

    # --- planning (nothing is written) ---

    def start_planning(self) -> None:
        """Read and check the file off the UI thread against a snapshot of the journal."""
        self.plan = None
        self.import_button.setEnabled(False)
        self.model.set_rows([])
        self.notices_label.clear()
        self.error_label.show_reason(None)
        self.summary_label.setText(f"Reading {self.path.name}…")
        snapshot = JournalSnapshot.of(self.context.journal)
        path, chosen = self.path, self.selected_format()
        self._task = run_in_background(
            lambda: plan_file(path, snapshot, chosen), self, self._planned, self._refused
        )

    def _planned(self, plan: object) -> None:
        assert isinstance(plan, ImportPlan)
        self.plan = plan
        self.model.set_rows(plan.rows())
        self.summary_label.setText(plan.summary())
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
        """Write the previewed plan in one transaction, off the UI thread."""
        if self.plan is None:
            return
        self.import_button.setEnabled(False)
        self.format_box.setEnabled(False)
        self.summary_label.setText(f"Importing {self.plan.new_count} record(s)…")
        plan, journal_path = self.plan, self.context.journal.path
        self._task = run_in_background(
            lambda: _apply_in_own_connection(journal_path, plan),
            self,
            self._imported,
            self._import_failed,
        )

    def _imported(self, change: object) -> None:
        assert isinstance(change, Change)
        self.change = change
        self.context.notify(change)
        show_status(self.parentWidget() or self, change.summary)
        self.imported.emit(change)
        self.accept()

    def _import_failed(self, error: object) -> None:
        reason = _reason(error)
        self.summary_label.setText("Nothing was imported.")
        self.error_label.show_reason(reason)
        self.format_box.setEnabled(True)
        self.import_failed.emit(reason)


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
