"""The edit dialog of one saved lab result: value, unit, range, method, date, time, fasting."""

from __future__ import annotations

from datetime import date, time

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import LabResult
from fertilitytracker.core.units import from_canonical, parse_unit
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.labs.entry import DrawWhen
from fertilitytracker.gui.screens.labs.result_row import ResultRow, number_text
from fertilitytracker.services import operations as services
from fertilitytracker.services.operations import (
    Change,
)


class EditResultDialog(QDialog, DrawWhen):
    """Correct one result: value, unit, lab range and method, validated as typed."""

    def __init__(
        self,
        context: AppContext,
        result: LabResult,
        parent: QWidget | None = None,
        draw_date: date | None = None,
        draw_time: time | None = None,
        fasting: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit {get_analyte(result.analyte).name}")
        self._context = context
        self._result = result
        self.row = ResultRow(1, context.unit_system(), result.analyte, False, self)
        self.row.analyte_combo.setEnabled(False)
        self.row.set_unit(result.entered_unit)
        if self.row.unit_combo.currentText() != result.entered_unit:
            # A unit typed loosely elsewhere ("ng/dl"): show its accepted spelling.
            self.row.set_unit(parse_unit(result.analyte, result.entered_unit).text)
        unit = self.row.unit_combo.currentText()
        self.row.value_edit.setText(f"{result.comparator or ''}{result.entered_value:g}")
        if result.lab_low is not None:
            self.row.low_edit.setText(
                number_text(from_canonical(result.analyte, result.lab_low, unit))
            )
        if result.lab_high is not None:
            self.row.high_edit.setText(
                number_text(from_canonical(result.analyte, result.lab_high, unit))
            )
        self.row.method_edit.setText(result.method or "")
        date_line, when_line = self.when_fields(draw_date or context.today(), draw_time, fasting)
        self._draw_date = draw_date
        self._when = (draw_time, fasting)
        self.when_hint = QLabel("Time and fasting apply to every result of the draw.", self)
        self.when_hint.setWordWrap(True)
        self.date_hint = QLabel("", self)
        self.date_hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addLayout(date_line)
        layout.addWidget(self.date_hint)
        layout.addLayout(when_line)
        layout.addWidget(self.when_hint)
        layout.addWidget(self.row)
        layout.addWidget(self.buttons)
        self.row.changed.connect(self.revalidate)
        self.date_edit.dateChanged.connect(self._date_changed)
        self._date_changed()
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.change: Change | None = None
        self.revalidate()

    @property
    def save_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def revalidate(self) -> bool:
        reason = self.row.check()
        if reason is None and not self.row.value_edit.text().strip():
            reason = "a number is required"
        self.row.show_reason(reason)
        self.save_button.setEnabled(reason is None)
        return reason is None

    def _date_changed(self, *_args: object) -> None:
        day = self.date_edit.value()
        moved = self._draw_date is not None and day != self._draw_date
        self.date_hint.setText(
            f"The result moves to the draw of {day.isoformat()}." if moved else ""
        )
        self.date_hint.setVisible(moved)
        if hasattr(self, "change"):
            self.revalidate()

    def save(self) -> None:
        if not self.revalidate() or self._result.id is None:
            return
        day = self.date_edit.value()
        # A result keeps its draw's date without a question; a new date after today is asked.
        if not self.asked_first([self.row], day, "result", known_day=self._draw_date):
            self._write(day)

    def _write(self, day: date) -> None:
        assert self._result.id is not None
        when = self.when()
        try:
            self.change = services.replace_result(
                self._context.journal,
                self._result.id,
                self.row.entry(),
                day if day != self._draw_date else None,
                when=when if when != self._when else None,
            )
        except InputError as error:
            if error.field == "date":
                self.date_hint.setText(f"⚠ {error.reason}")
                self.date_hint.setVisible(True)
            else:
                self.row.set_extra_error(self.row.describe_error(error))
                self.row.show_reason(self.row.describe_error(error))
            self.save_button.setEnabled(False)
            return
        self.accept()
