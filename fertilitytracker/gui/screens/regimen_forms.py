"""The Change, Stop and Backfill forms of a selected regimen, and what regimen forms share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import DOSE_UNITS, lookup_medication, validate_dose
from fertilitytracker.core.records import Regimen
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.gui.widgets.fields import ValidatedField, action_button, submit_on_enter
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.services import operations as services
from fertilitytracker.services.operations import Change

SCHEDULE_CHOICES = ("daily", "eod", "every 3 days", "mon,thu", "daily x2", "as needed")
NO_SELECTION = "Select a regimen in the table."


def unit_combo(accessible_name: str) -> QComboBox:
    """An editable combo of the dose units, empty until one is chosen or typed."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(DOSE_UNITS)
    combo.setCurrentText("")
    combo.setAccessibleName(accessible_name)
    return combo


def schedule_combo(accessible_name: str) -> QComboBox:
    """An editable combo of the usual schedules; any schedule the core reads may be typed."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(SCHEDULE_CHOICES)
    combo.setAccessibleName(accessible_name)
    return combo


def check_dose(name: str, dose: str | None, unit: str, field: str) -> object:
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


def write_change(
    form: QWidget,
    context: AppContext,
    action: Callable[[], Change],
    fields: Mapping[str, Callable[[str], None]],
) -> Change | None:
    """Run a service write; show a refusal beside the field it names ("*": any other)."""
    try:
        change = action()
    except InputError as error:
        show = fields.get(error.field) or fields.get("*")
        if show is not None:
            show(error.reason)
        return None
    context.notify(change)
    show_status(form, f"Saved: {change.summary}")
    return change


class RegimenForm(QWidget):
    """A form about the regimen selected in the table: its name on top, a line for a refusal
    or an outcome, and one button that Enter presses while the form can be saved."""

    def __init__(
        self, context: AppContext, button_text: str, accessible_name: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.regimen: Regimen | None = None
        self.form = QFormLayout(self)
        self.target = QLabel(NO_SELECTION, self)
        self.error = QLabel("", self)
        self.button = action_button(button_text, self, self.save, accessible_name=accessible_name)
        self.form.addRow("Regimen", self.target)

    def finish(self) -> None:
        """Add the message line and the button under the fields; Enter saves."""
        self.form.addRow("", self.error)
        self.form.addRow("", self.button)
        submit_on_enter(self, self.button)

    def set_regimen(self, regimen: Regimen | None, text: str) -> None:
        """Follow the table's selection; `text` says which regimen the form is about."""
        self.regimen = regimen
        self.target.setText(text)
        self.update_button()

    def update_button(self, *_args: object) -> None:
        self.button.setEnabled(self.regimen is not None)

    def save(self) -> None:
        raise NotImplementedError

    def say(self, text: str) -> None:
        self.error.setText(text)

    def refuse(self, reason: str) -> None:
        self.say(f"⚠ {reason}")


class ChangeForm(RegimenForm):
    """The Change tab: a new dose, unit or schedule of the selected regimen from a date on."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Save change", "Save change", parent)
        self.date = DateEdit(context.today(), "Change from date", self)
        dose = QLineEdit(self)
        dose.setPlaceholderText("unchanged")
        self.dose = ValidatedField(
            dose, self._check_dose, required=False, accessible_name="New dose"
        )
        unit = unit_combo("New unit")
        self.unit = ValidatedField(unit, self._check_unit, required=False)
        schedule = schedule_combo("New schedule")
        schedule.setCurrentText("")
        self.schedule = ValidatedField(schedule, parse_schedule, required=False)
        self.form.addRow("&From", self.date)
        self.form.addRow("New d&ose", self.dose)
        self.form.addRow("New u&nit", self.unit)
        self.form.addRow("New sch&edule", self.schedule)
        # The refusals show beside each field: no message line of its own.
        self.form.addRow("", self.button)
        submit_on_enter(self, self.button)
        unit.currentTextChanged.connect(lambda _text: self.dose.revalidate())
        for field in self._fields():
            field.validity_changed.connect(lambda _valid: self.update_button())
        dose.textChanged.connect(self.update_button)
        for combo in (schedule, unit):
            combo.currentTextChanged.connect(self.update_button)

    def _fields(self) -> tuple[ValidatedField, ...]:
        return (self.dose, self.unit, self.schedule)

    def _check_dose(self, text: str) -> object:
        if self.regimen is None:
            return None
        unit = self.unit.text() or self.regimen.current.unit
        return check_dose(self.regimen.name, text, unit, "dose")

    def _check_unit(self, text: str) -> object:
        if self.regimen is None:
            return None
        return check_dose(self.regimen.name, None, text, "unit")

    def set_regimen(self, regimen: Regimen | None, text: str) -> None:
        self.regimen = regimen
        self.target.setText(text)
        self.dose.revalidate()
        self.unit.revalidate()
        self.update_button()

    def update_button(self, *_args: object) -> None:
        regimen = self.regimen
        something = any(field.text() for field in self._fields())
        self.button.setEnabled(
            regimen is not None
            and regimen.stop is None
            and something
            and all(field.is_valid() for field in self._fields())
        )

    def save(self) -> None:
        regimen = self.regimen
        if regimen is None:
            return
        on = self.date.value()

        def action() -> Change:
            return services.change_regimen(
                self.context.journal,
                regimen.name,
                on,
                dose=self.dose.text() or None,
                unit=self.unit.text() or None,
                schedule=self.schedule.text() or None,
            )

        fields = {
            "dose": self.dose.show_error,
            "unit": self.unit.show_error,
            "schedule": self.schedule.show_error,
            "*": self.dose.show_error,
        }
        if write_change(self, self.context, action, fields) is not None:
            for field in self._fields():
                field.set_text("")


class StopForm(RegimenForm):
    """The Stop tab: the day the selected regimen is no longer taken."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Stop regimen", "Stop regimen", parent)
        self.date = DateEdit(context.today(), "Stop date", self)
        self.form.addRow("No longer taken &from", self.date)
        self.finish()

    def update_button(self, *_args: object) -> None:
        self.button.setEnabled(self.regimen is not None and self.regimen.stop is None)

    def save(self) -> None:
        regimen = self.regimen
        if regimen is None:
            return
        on = self.date.value()
        self.say("")
        write_change(
            self,
            self.context,
            lambda: services.stop_regimen(self.context.journal, regimen.name, on),
            {"*": self.refuse},
        )


class BackfillForm(RegimenForm):
    """The Backfill tab: every scheduled day of a past range logged as taken at once."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Log as taken", "Backfill doses", parent)
        yesterday = context.today() - timedelta(days=1)
        self.start = DateEdit(yesterday - timedelta(days=6), "Backfill from", self)
        self.end = DateEdit(yesterday, "Backfill to", self)
        self.form.addRow(
            QLabel("Taken every scheduled day from … to … (days already logged are kept)")
        )
        self.form.addRow("F&rom", self.start)
        self.form.addRow("&To", self.end)
        self.finish()

    def save(self) -> None:
        regimen = self.regimen
        if regimen is None:
            return
        start, end = self.start.value(), self.end.value()
        self.say("")
        if end >= self.context.today() + timedelta(days=1):
            self.refuse("the end is in the future: only past doses are logged")
            return
        change = write_change(
            self,
            self.context,
            lambda: services.backfill_doses(self.context.journal, regimen.name, start, end),
            {"*": self.refuse},
        )
        if change is not None:
            self.say(change.summary)
