"""The Start tab of Medications: a new regimen, typed and checked as it is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCompleter, QFormLayout, QLabel, QLineEdit, QWidget

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import all_medications, class_label, lookup_medication
from fertilitytracker.core.records import Regimen
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.core.validation import parse_time
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.regimen_forms import (
    SCHEDULE_CHOICES,
    check_dose,
    schedule_combo,
    unit_combo,
    write_change,
)
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.gui.widgets.fields import (
    ValidatedField,
    action_button,
    line_field,
    submit_on_enter,
)
from fertilitytracker.services import operations as services
from fertilitytracker.services.operations import Change

# Shown in the Class row until a known medication name is typed (an empty row looked broken).
CLASS_HINT = "— filled in from the name"


def _completions() -> list[str]:
    names: list[str] = []
    for medication in all_medications():
        names.append(medication.name)
        names.extend(medication.aliases)
    return names


class StartForm(QWidget):
    """Name (with completion), dose, unit, schedule, start date and time of a new regimen."""

    started = Signal(int)  # the id of the regimen started
    change_requested = Signal(int)  # the id of the regimen already taken, to change instead

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        form = QFormLayout(self)
        name_edit = QLineEdit(self)
        name_edit.setPlaceholderText("e.g. anastrozole, Arimidex, clomiphene")
        completer = QCompleter(_completions(), name_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        name_edit.setCompleter(completer)
        self.name = ValidatedField(name_edit, lookup_medication, accessible_name="Name")
        self.class_label = QLabel(CLASS_HINT, self)
        self.class_label.setAccessibleName("Class")
        self.dose = ValidatedField(QLineEdit(self), self._check_dose, accessible_name="Dose")
        unit = unit_combo("Unit")
        self.unit = ValidatedField(unit, self._check_unit, required=False)
        self.schedule = ValidatedField(
            schedule_combo("Schedule"), parse_schedule, accessible_name="Schedule"
        )
        self.date = DateEdit(context.today(), "Start date", self)
        self.time = line_field(
            self,
            lambda text: parse_time(text, "time"),
            placeholder="HH:MM (optional)",
            required=False,
            accessible_name="Time of day",
        )
        self.button = action_button("Start regimen", self, self.save)
        # Shown when the medication is already being taken: its change form, one click away.
        self.open_change_button = action_button(
            "Change its dose or schedule…", self, self._open_change_of_typed
        )
        self.open_change_button.setVisible(False)
        form.addRow("&Name", self.name)
        form.addRow("Class", self.class_label)
        form.addRow("&Dose", self.dose)
        form.addRow("&Unit", self.unit)
        form.addRow("Sc&hedule", self.schedule)
        form.addRow("Start &date", self.date)
        form.addRow("Time of da&y", self.time)
        form.addRow("", self.button)
        form.addRow("", self.open_change_button)
        self._fields = (self.name, self.dose, self.unit, self.schedule, self.time)
        name_edit.textChanged.connect(self._name_changed)
        unit.currentTextChanged.connect(self._recheck_dose)
        for field in self._fields:
            field.validity_changed.connect(lambda _valid: self.update_button())
        submit_on_enter(self, self.button)
        self.update_button()

    # --- validation as you type -------------------------------------------------------------

    def _check_dose(self, text: str) -> object:
        return check_dose(self.name.text(), text, self.unit.text(), "dose")

    def _check_unit(self, text: str) -> object:
        return check_dose(self.name.text(), None, text, "unit")

    def _name_changed(self, text: str) -> None:
        try:
            medication = lookup_medication(text) if text.strip() else None
        except InputError:
            medication = None
        if medication is None:
            self.class_label.setText(CLASS_HINT)
        else:
            label = class_label(medication.med_class)
            usual = f"; usual unit {medication.usual_unit}" if medication.usual_unit else ""
            self.class_label.setText(f"{label}{usual}")
            if medication.usual_unit and not self.unit.text():
                self.unit.set_text(medication.usual_unit)
        self._recheck_dose()

    def _recheck_dose(self, *_args: object) -> None:
        self.dose.revalidate()
        self.unit.revalidate()
        self.update_button()

    def update_button(self) -> None:
        self.button.setEnabled(all(field.is_valid() for field in self._fields))

    # --- saving -----------------------------------------------------------------------------

    def _active_regimen_named(self, name: str) -> Regimen | None:
        """The regimen of medication `name` still taken on the form's start date, if any."""
        try:
            medication = lookup_medication(name)
        except InputError:
            return None
        start_day = self.date.value()
        for regimen in self.context.history().regimens:
            same = regimen.name.casefold() == medication.name.casefold()
            if same and (regimen.stop is None or regimen.stop > start_day):
                return regimen
        return None

    def _open_change_of_typed(self) -> None:
        regimen = self._active_regimen_named(self.name.text())
        if regimen is not None and regimen.id is not None:
            self.change_requested.emit(regimen.id)

    def save(self) -> None:
        """Start the regimen typed in the form."""
        time_text = self.time.text()
        start_day = self.date.value()
        self.open_change_button.setVisible(False)
        active = self._active_regimen_named(self.name.text())
        if active is not None:
            # Said in words, with the change form one click away (never a command to type).
            self.name.show_error(
                f"{active.name} is already being taken since {active.start.isoformat()}: "
                "change its dose or schedule instead, or stop it first."
            )
            self.open_change_button.setVisible(True)
            self.update_button()
            return

        def action() -> Change:
            return services.start_regimen(
                self.context.journal,
                self.name.text(),
                self.dose.text(),
                self.unit.text(),
                self.schedule.text(),
                start_day,
                parse_time(time_text, "time") if time_text else None,
            )

        fields = {
            "name": self.name.show_error,
            "dose": self.dose.show_error,
            "unit": self.unit.show_error,
            "schedule": self.schedule.show_error,
            "time": self.time.show_error,
            "*": self.name.show_error,
        }
        change = write_change(self, self.context, action, fields)
        if change is not None:
            for field in (self.name, self.dose, self.unit, self.time):
                field.set_text("")
            self.schedule.set_text(SCHEDULE_CHOICES[0])
            self.class_label.setText(CLASS_HINT)
            if change.ids:
                self.started.emit(change.ids[0])
        self.update_button()
