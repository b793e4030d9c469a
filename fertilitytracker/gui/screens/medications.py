"""Medications: the regimens table, start / change / stop / backfill forms, history, delete."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.adherence import Adherence, adherence_for
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import (
    class_label,
)
from fertilitytracker.core.records import Regimen
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.gui.context import AppContext, refresh_on
from fertilitytracker.gui.dialogs.dose_history import DoseHistoryDialog
from fertilitytracker.gui.models.base import Column, RowTableModel
from fertilitytracker.gui.screens.regimen_forms import (
    NO_SELECTION,
    BackfillForm,
    ChangeForm,
    RegimenForm,
    StopForm,
)
from fertilitytracker.gui.screens.regimen_start_form import StartForm
from fertilitytracker.gui.widgets.record_table import delete_with_undo, record_table
from fertilitytracker.gui.widgets.undo_bar import UndoBar
from fertilitytracker.services.formatting import format_dose, format_percent, format_time


def describe_schedule(schedule: str) -> str:
    """The schedule in the words Today and Reminders use ("every other day")."""
    try:
        return parse_schedule(schedule).describe()
    except InputError:
        return schedule  # a stored schedule this build cannot read is shown as written


@dataclass(frozen=True)
class RegimenRow:
    """One row of the regimens table: the regimen and its adherence up to today."""

    regimen: Regimen
    adherence: Adherence


def _adherence_text(row: RegimenRow) -> str:
    summary = row.adherence
    if summary.adherence is None:
        return "—"
    return f"{format_percent(summary.adherence)} ({summary.taken}/{summary.expected})"


REGIMEN_COLUMNS: tuple[Column[RegimenRow], ...] = (
    Column("Name", lambda row: row.regimen.name),
    Column("Class", lambda row: class_label(row.regimen.med_class)),
    Column(
        "Dose",
        lambda row: format_dose(row.regimen.current.dose, row.regimen.current.unit),
        sort_key=lambda row: row.regimen.current.dose,
    ),
    Column("Schedule", lambda row: describe_schedule(row.regimen.current.schedule)),
    Column("Start", lambda row: row.regimen.start.isoformat()),
    Column("Stop", lambda row: row.regimen.stop.isoformat() if row.regimen.stop else "ongoing"),
    Column("Time", lambda row: format_time(row.regimen.time_of_day)),
    Column(
        "Adherence",
        _adherence_text,
        sort_key=lambda row: row.adherence.adherence,
        tooltip=lambda row: (
            f"taken {row.adherence.taken}, skipped {row.adherence.skipped}, "
            f"missed {row.adherence.missed} of {row.adherence.expected} expected"
        ),
        align_right=True,
    ),
)


class MedicationsScreen(QWidget):
    """Regimens: what is taken, since when, how well, and the forms that change it."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setAccessibleName("Medications")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.undo_bar = UndoBar(self)
        heading = QLabel("<h2>Medications</h2>", self)
        layout.addWidget(heading)
        layout.addWidget(self.undo_bar)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        layout.addWidget(splitter, 1)

        top = QWidget(splitter)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.model: RowTableModel[RegimenRow] = RowTableModel(REGIMEN_COLUMNS, self)
        self.table = record_table("Regimens", top)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # by start date
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        top_layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.history_button = QPushButton("Dose &history…", top)
        self.history_button.setAccessibleName("Dose history of the selected regimen")
        self.history_button.clicked.connect(self.open_dose_history)
        buttons.addWidget(self.history_button)
        self.delete_button = QPushButton("Delete regimen…", top)
        self.delete_button.setAccessibleName("Delete the selected regimen")
        self.delete_button.clicked.connect(self.delete_selected)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        top_layout.addLayout(buttons)
        splitter.addWidget(top)

        bottom = QWidget(splitter)
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(bottom)
        self.tabs.setAccessibleName("Regimen forms")
        self.start_form = StartForm(context)
        self.start_form.started.connect(self.select_regimen)
        self.start_form.change_requested.connect(self._open_change_of)
        self.change_form = ChangeForm(context)
        self.stop_form = StopForm(context)
        self.backfill_form = BackfillForm(context)
        self._regimen_forms: tuple[RegimenForm, ...] = (
            self.change_form,
            self.stop_form,
            self.backfill_form,
        )
        self.tabs.addTab(self.start_form, "&Start")
        self.tabs.addTab(self.change_form, "C&hange")
        self.tabs.addTab(self.stop_form, "S&top")
        self.tabs.addTab(self.backfill_form, "&Backfill")
        bottom_layout.addWidget(self.tabs, 3)
        history_box = QWidget(bottom)
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 0)
        self.history_title = QLabel(f"History of changes — {NO_SELECTION.lower()}", history_box)
        self.history_list = QListWidget(history_box)
        self.history_list.setAccessibleName("History of changes of the selected regimen")
        history_layout.addWidget(self.history_title)
        history_layout.addWidget(self.history_list)
        bottom_layout.addWidget(history_box, 2)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        self.follower = refresh_on(self, context, self.refresh, ("regimens", "doses"))
        context.journal_replaced.connect(self._on_replaced)
        self.refresh()

    # --- forms ----------------------------------------------------------------------------

    def _update_buttons(self, *_args: object) -> None:
        selected = self.selected_regimen() is not None
        self.delete_button.setEnabled(selected)
        self.history_button.setEnabled(selected)

    def _open_change_of(self, regimen_id: int) -> None:
        self.select_regimen(regimen_id)
        self.open_change_form()

    def open_dose_history(self) -> DoseHistoryDialog | None:
        """The dose history of the selected regimen, where past days can be corrected."""
        regimen = self.selected_regimen()
        if regimen is None or regimen.id is None:
            return None
        dialog = DoseHistoryDialog(self.context, regimen.id, self)
        dialog.open()
        return dialog

    def open_change_form(self) -> None:
        """Show the Change form of the selected regimen, its dose field focused."""
        self.tabs.setCurrentWidget(self.change_form)
        self.change_form.dose.editor.setFocus()

    # --- delete with undo -------------------------------------------------------------------

    def delete_selected(self) -> None:
        """Delete the selected regimen and its doses, with an Undo offer."""
        regimen = self.selected_regimen()
        if regimen is None or regimen.id is None:
            return
        delete_with_undo(
            self,
            self.context,
            self.undo_bar,
            "regimen",
            regimen.id,
            lambda removed: f"{regimen.name} deleted with its {len(removed.doses)} logged dose(s).",
            error_prefix="Not deleted: ",
            restored_status=f"Restored: {regimen.name}",
        )

    # --- table ------------------------------------------------------------------------------

    def _on_replaced(self) -> None:
        self.undo_bar.dismiss()
        self.follower.mark_stale()  # the other journal: now if shown, else on the next visit

    def refresh(self) -> None:
        """Reload the regimens and their adherence; keep the selection by regimen id."""
        selected = self.selected_regimen()
        selected_id = selected.id if selected is not None else None
        history = self.context.history(("regimens", "doses"))
        today = self.context.today()
        rows = [
            RegimenRow(
                regimen,
                adherence_for(
                    regimen, [d for d in history.doses if d.regimen_id == regimen.id], today
                ),
            )
            for regimen in history.regimens
        ]
        self.model.set_rows(rows)
        header = self.table.horizontalHeader()
        if header.sortIndicatorSection() < self.model.columnCount():
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if selected_id is not None:
            self.select_regimen(selected_id)
        self._selection_changed()

    def select_regimen(self, regimen_id: int) -> None:
        for row, entry in enumerate(self.model.rows()):
            if entry.regimen.id == regimen_id:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.setCurrentIndex(self.model.index(row, 0))
                return

    def selected_regimen(self) -> Regimen | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.row_at(rows[0].row()).regimen

    def _selection_changed(self, *_args: object) -> None:
        regimen = self.selected_regimen()
        self.history_list.clear()
        if regimen is None:
            text = NO_SELECTION
            self.history_title.setText(f"History of changes — {NO_SELECTION.lower()}")
        else:
            current = regimen.current
            dose = format_dose(current.dose, current.unit)
            text = f"{regimen.name}: {dose}, {describe_schedule(current.schedule)}"
            if regimen.stop is not None:
                text += f" (stopped {regimen.stop})"
            self.history_title.setText(f"History of {regimen.name}")
            for index, step in enumerate(regimen.steps):
                verb = "Started" if index == 0 else "Changed to"
                dose = format_dose(step.dose, step.unit)
                self.history_list.addItem(
                    f"{step.date}  {verb} {dose}, {describe_schedule(step.schedule)}"
                )
            if regimen.stop is not None:
                self.history_list.addItem(f"{regimen.stop}  Stopped")
        for form in self._regimen_forms:
            form.set_regimen(regimen, text)
        self._update_buttons()

    def open_start_form(self) -> None:
        """Show the Start form with the focus on the name (Welcome's "Start a medication")."""
        self.tabs.setCurrentWidget(self.start_form)
        self.start_form.name.editor.setFocus()
