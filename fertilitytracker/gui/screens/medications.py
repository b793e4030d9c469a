"""Medications: the regimens table, start / change / stop / backfill forms, history, delete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.adherence import Adherence, adherence_for
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import (
    DOSE_UNITS,
    all_medications,
    class_label,
    lookup_medication,
    validate_dose,
)
from fertilitytracker.core.records import Regimen
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.core.validation import parse_time
from fertilitytracker.gui.context import AppContext, refresh_on
from fertilitytracker.gui.dialogs.dose_history import DoseHistoryDialog
from fertilitytracker.gui.models.base import Column, RowTableModel
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.gui.widgets.fields import (
    ValidatedField,
    action_button,
    line_field,
    submit_on_enter,
)
from fertilitytracker.gui.widgets.record_table import delete_with_undo
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.gui.widgets.undo_bar import UndoBar
from fertilitytracker.services import operations as services
from fertilitytracker.services.formatting import format_dose, format_percent, format_time
from fertilitytracker.services.operations import Change

SCHEDULE_CHOICES = ("daily", "eod", "every 3 days", "mon,thu", "daily x2", "as needed")
# Shown in the Class row until a known medication name is typed (an empty row looked broken).
CLASS_HINT = "— filled in from the name"
NO_SELECTION = "Select a regimen in the table."


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


def _completions() -> list[str]:
    names: list[str] = []
    for medication in all_medications():
        names.append(medication.name)
        names.extend(medication.aliases)
    return names


def _unit_combo(accessible_name: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(DOSE_UNITS)
    combo.setCurrentText("")
    combo.setAccessibleName(accessible_name)
    return combo


def _schedule_combo(accessible_name: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(SCHEDULE_CHOICES)
    combo.setAccessibleName(accessible_name)
    return combo


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
        self.table = QTableView(top)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Regimens")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # by start date
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
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
        self.tabs.addTab(self._build_start_form(), "&Start")
        self.tabs.addTab(self._build_change_form(), "C&hange")
        self.tabs.addTab(self._build_stop_form(), "S&top")
        self.tabs.addTab(self._build_backfill_form(), "&Backfill")
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

    # --- forms ------------------------------------------------------------------------------

    def _build_start_form(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        name_edit = QLineEdit(page)
        name_edit.setPlaceholderText("e.g. anastrozole, Arimidex, clomiphene")
        completer = QCompleter(_completions(), name_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        name_edit.setCompleter(completer)
        self.start_name = ValidatedField(name_edit, lookup_medication, accessible_name="Name")
        self.start_class = QLabel(CLASS_HINT, page)
        self.start_class.setAccessibleName("Class")
        self.start_dose = ValidatedField(
            QLineEdit(page), self._check_start_dose, accessible_name="Dose"
        )
        start_unit = _unit_combo("Unit")
        self.start_unit = ValidatedField(start_unit, self._check_start_unit, required=False)
        self.start_schedule = ValidatedField(
            _schedule_combo("Schedule"), parse_schedule, accessible_name="Schedule"
        )
        self.start_date = DateEdit(self.context.today(), "Start date", page)
        self.start_time = line_field(
            page,
            lambda text: parse_time(text, "time"),
            placeholder="HH:MM (optional)",
            required=False,
            accessible_name="Time of day",
        )
        self.start_button = action_button("Start regimen", page, self.save_start)
        # Shown when the medication is already being taken: its change form, one click away.
        self.open_change_button = action_button(
            "Change its dose or schedule…", page, self._open_change_of_typed
        )
        self.open_change_button.setVisible(False)
        form.addRow("&Name", self.start_name)
        form.addRow("Class", self.start_class)
        form.addRow("&Dose", self.start_dose)
        form.addRow("&Unit", self.start_unit)
        form.addRow("Sc&hedule", self.start_schedule)
        form.addRow("Start &date", self.start_date)
        form.addRow("Time of da&y", self.start_time)
        form.addRow("", self.start_button)
        form.addRow("", self.open_change_button)
        self._start_fields = (
            self.start_name,
            self.start_dose,
            self.start_unit,
            self.start_schedule,
            self.start_time,
        )
        name_edit.textChanged.connect(self._start_name_changed)
        start_unit.currentTextChanged.connect(self._start_recheck_dose)
        for field in self._start_fields:
            field.validity_changed.connect(lambda _valid: self._update_buttons())
        submit_on_enter(page, self.start_button)
        return page

    def _build_change_form(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.change_target = QLabel("Select a regimen in the table.", page)
        self.change_date = DateEdit(self.context.today(), "Change from date", page)
        change_dose = QLineEdit(page)
        change_dose.setPlaceholderText("unchanged")
        self.change_dose = ValidatedField(
            change_dose, self._check_change_dose, required=False, accessible_name="New dose"
        )
        change_unit = _unit_combo("New unit")
        self.change_unit = ValidatedField(change_unit, self._check_change_unit, required=False)
        schedule = _schedule_combo("New schedule")
        schedule.setCurrentText("")
        self.change_schedule = ValidatedField(schedule, parse_schedule, required=False)
        self.change_button = QPushButton("Save change", page)
        self.change_button.setAccessibleName("Save change")
        self.change_button.clicked.connect(self.save_change)
        self.change_error = QLabel("", page)
        form.addRow("Regimen", self.change_target)
        form.addRow("&From", self.change_date)
        form.addRow("New d&ose", self.change_dose)
        form.addRow("New u&nit", self.change_unit)
        form.addRow("New sch&edule", self.change_schedule)
        form.addRow("", self.change_button)
        change_unit.currentTextChanged.connect(lambda _text: self.change_dose.revalidate())
        for field in (self.change_dose, self.change_unit, self.change_schedule):
            field.validity_changed.connect(lambda _valid: self._update_buttons())
        change_dose.textChanged.connect(self._update_buttons)
        for combo in (self.change_schedule.editor, self.change_unit.editor):
            combo.currentTextChanged.connect(self._update_buttons)  # type: ignore[union-attr]
        submit_on_enter(page, self.change_button)
        return page

    def _build_stop_form(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.stop_target = QLabel("Select a regimen in the table.", page)
        self.stop_date = DateEdit(self.context.today(), "Stop date", page)
        self.stop_error = QLabel("", page)
        self.stop_button = QPushButton("Stop regimen", page)
        self.stop_button.setAccessibleName("Stop regimen")
        self.stop_button.clicked.connect(self.save_stop)
        form.addRow("Regimen", self.stop_target)
        form.addRow("No longer taken &from", self.stop_date)
        form.addRow("", self.stop_error)
        form.addRow("", self.stop_button)
        submit_on_enter(page, self.stop_button)
        return page

    def _build_backfill_form(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.backfill_target = QLabel("Select a regimen in the table.", page)
        yesterday = self.context.today() - timedelta(days=1)
        self.backfill_start = DateEdit(yesterday - timedelta(days=6), "Backfill from", page)
        self.backfill_end = DateEdit(yesterday, "Backfill to", page)
        self.backfill_error = QLabel("", page)
        self.backfill_button = QPushButton("Log as taken", page)
        self.backfill_button.setAccessibleName("Backfill doses")
        self.backfill_button.clicked.connect(self.save_backfill)
        form.addRow("Regimen", self.backfill_target)
        form.addRow(QLabel("Taken every scheduled day from … to … (days already logged are kept)"))
        form.addRow("F&rom", self.backfill_start)
        form.addRow("&To", self.backfill_end)
        form.addRow("", self.backfill_error)
        form.addRow("", self.backfill_button)
        submit_on_enter(page, self.backfill_button)
        return page

    # --- validation as you type -------------------------------------------------------------

    def _check_start_dose(self, text: str) -> object:
        return self._check_dose(self.start_name.text(), text, self.start_unit.text(), "dose")

    def _check_start_unit(self, text: str) -> object:
        return self._check_dose(self.start_name.text(), None, text, "unit")

    def _check_change_dose(self, text: str) -> object:
        regimen = self.selected_regimen()
        if regimen is None:
            return None
        unit = self.change_unit.text() or regimen.current.unit
        return self._check_dose(regimen.name, text, unit, "dose")

    def _check_change_unit(self, text: str) -> object:
        regimen = self.selected_regimen()
        if regimen is None:
            return None
        return self._check_dose(regimen.name, None, text, "unit")

    @staticmethod
    def _check_dose(name: str, dose: str | None, unit: str, field: str) -> object:
        """Run core validate_dose and raise only the refusal that belongs to `field`.

        The dose field shows dose refusals (not a number, beyond the sanity bound), the unit
        field unit refusals; a unit problem never marks the dose as wrong.
        """
        try:
            medication = lookup_medication(name)
        except InputError:
            return None  # the name field says what is wrong
        try:
            validate_dose(medication, "1" if dose is None else dose, unit)
        except InputError as error:
            if error.field == field:
                raise
        return None

    def _start_name_changed(self, text: str) -> None:
        try:
            medication = lookup_medication(text) if text.strip() else None
        except InputError:
            medication = None
        if medication is None:
            self.start_class.setText(CLASS_HINT)
        else:
            label = class_label(medication.med_class)
            usual = f"; usual unit {medication.usual_unit}" if medication.usual_unit else ""
            self.start_class.setText(f"{label}{usual}")
            if medication.usual_unit and not self.start_unit.text():
                self.start_unit.set_text(medication.usual_unit)
        self._start_recheck_dose()

    def _start_recheck_dose(self, *_args: object) -> None:
        self.start_dose.revalidate()
        self.start_unit.revalidate()
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        self.start_button.setEnabled(all(field.is_valid() for field in self._start_fields))
        regimen = self.selected_regimen()
        stopped = regimen is not None and regimen.stop is not None
        something = bool(
            self.change_dose.text() or self.change_unit.text() or self.change_schedule.text()
        )
        change_fields = (self.change_dose, self.change_unit, self.change_schedule)
        self.change_button.setEnabled(
            regimen is not None
            and not stopped
            and something
            and all(field.is_valid() for field in change_fields)
        )
        self.stop_button.setEnabled(regimen is not None and not stopped)
        self.backfill_button.setEnabled(regimen is not None)
        self.delete_button.setEnabled(regimen is not None)
        self.history_button.setEnabled(regimen is not None)

    # --- saving -----------------------------------------------------------------------------

    def _write(
        self, action: Callable[[], Change], fields: dict[str, Callable[[str], None]]
    ) -> Change | None:
        """Run a service write; show a refusal beside the field it names."""
        try:
            change = action()
        except InputError as error:
            show = fields.get(error.field) or fields.get("*")
            if show is not None:
                show(error.reason)
            return None
        self.context.notify(change)
        show_status(self, f"Saved: {change.summary}")
        return change

    def _active_regimen_named(self, name: str) -> Regimen | None:
        """The regimen of medication `name` still taken on the Start form's date, if any."""
        try:
            medication = lookup_medication(name)
        except InputError:
            return None
        start_day = self.start_date.value()
        for regimen in self.context.history().regimens:
            same = regimen.name.casefold() == medication.name.casefold()
            if same and (regimen.stop is None or regimen.stop > start_day):
                return regimen
        return None

    def _open_change_of_typed(self) -> None:
        regimen = self._active_regimen_named(self.start_name.text())
        if regimen is None or regimen.id is None:
            return
        self.select_regimen(regimen.id)
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
        self.tabs.setCurrentIndex(1)
        self.change_dose.editor.setFocus()

    def save_start(self) -> None:
        """Start the regimen typed in the Start form."""
        time_text = self.start_time.text()
        start_day = self.start_date.value()
        self.open_change_button.setVisible(False)
        active = self._active_regimen_named(self.start_name.text())
        if active is not None:
            # Said in words, with the change form one click away (never a command to type).
            self.start_name.show_error(
                f"{active.name} is already being taken since {active.start.isoformat()}: "
                "change its dose or schedule instead, or stop it first."
            )
            self.open_change_button.setVisible(True)
            self._update_buttons()
            return

        def action() -> Change:
            return services.start_regimen(
                self.context.journal,
                self.start_name.text(),
                self.start_dose.text(),
                self.start_unit.text(),
                self.start_schedule.text(),
                start_day,
                parse_time(time_text, "time") if time_text else None,
            )

        change = self._write(
            action,
            {
                "name": self.start_name.show_error,
                "dose": self.start_dose.show_error,
                "unit": self.start_unit.show_error,
                "schedule": self.start_schedule.show_error,
                "time": self.start_time.show_error,
                "*": self.start_name.show_error,
            },
        )
        if change is not None:
            for field in (self.start_name, self.start_dose, self.start_unit, self.start_time):
                field.set_text("")
            self.start_schedule.set_text(SCHEDULE_CHOICES[0])
            self.start_class.setText(CLASS_HINT)
            if change.ids:
                self.select_regimen(change.ids[0])
        self._update_buttons()

    def save_change(self) -> None:
        regimen = self.selected_regimen()
        if regimen is None:
            return
        on = self.change_date.value()
        self.change_error.setText("")

        def action() -> Change:
            return services.change_regimen(
                self.context.journal,
                regimen.name,
                on,
                dose=self.change_dose.text() or None,
                unit=self.change_unit.text() or None,
                schedule=self.change_schedule.text() or None,
            )

        change = self._write(
            action,
            {
                "dose": self.change_dose.show_error,
                "unit": self.change_unit.show_error,
                "schedule": self.change_schedule.show_error,
                "*": self.change_dose.show_error,
            },
        )
        if change is not None:
            for field in (self.change_dose, self.change_unit, self.change_schedule):
                field.set_text("")

    def save_stop(self) -> None:
        regimen = self.selected_regimen()
        if regimen is None:
            return
        on = self.stop_date.value()
        self.stop_error.setText("")
        self._write(
            lambda: services.stop_regimen(self.context.journal, regimen.name, on),
            {"*": lambda reason: self.stop_error.setText(f"⚠ {reason}")},
        )

    def save_backfill(self) -> None:
        regimen = self.selected_regimen()
        if regimen is None:
            return
        start, end = self.backfill_start.value(), self.backfill_end.value()
        self.backfill_error.setText("")
        if end >= self.context.today() + timedelta(days=1):
            self.backfill_error.setText("⚠ the end is in the future: only past doses are logged")
            return
        change = self._write(
            lambda: services.backfill_doses(self.context.journal, regimen.name, start, end),
            {"*": lambda reason: self.backfill_error.setText(f"⚠ {reason}")},
        )
        if change is not None:
            self.backfill_error.setText(change.summary)

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
        self.refresh()

    def refresh(self) -> None:
        """Reload the regimens and their adherence; keep the selection by regimen id."""
        selected = self.selected_regimen()
        selected_id = selected.id if selected is not None else None
        history = self.context.history()
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
            for label in (self.change_target, self.stop_target, self.backfill_target):
                label.setText("Select a regimen in the table.")
            self.history_title.setText(f"History of changes — {NO_SELECTION.lower()}")
        else:
            current = regimen.current
            dose = format_dose(current.dose, current.unit)
            text = f"{regimen.name}: {dose}, {describe_schedule(current.schedule)}"
            if regimen.stop is not None:
                text += f" (stopped {regimen.stop})"
            for label in (self.change_target, self.stop_target, self.backfill_target):
                label.setText(text)
            self.history_title.setText(f"History of {regimen.name}")
            for index, step in enumerate(regimen.steps):
                verb = "Started" if index == 0 else "Changed to"
                dose = format_dose(step.dose, step.unit)
                self.history_list.addItem(
                    f"{step.date}  {verb} {dose}, {describe_schedule(step.schedule)}"
                )
            if regimen.stop is not None:
                self.history_list.addItem(f"{regimen.stop}  Stopped")
        self.change_dose.revalidate()
        self.change_unit.revalidate()
        self._update_buttons()

    def open_start_form(self) -> None:
        """Show the Start form with the focus on the name (Welcome's "Start a medication")."""
        self.tabs.setCurrentIndex(0)
        self.start_name.editor.setFocus()
