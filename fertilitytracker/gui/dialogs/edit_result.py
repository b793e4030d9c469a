"""The edit dialog of one saved lab result: value, unit, range, method, date, time, fasting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import LabResult
from fertilitytracker.core.units import from_canonical, parse_unit
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.labs.result_row import FASTING_CHOICES, ResultRow, number_text
from fertilitytracker.gui.widgets.ask import Question, ask_unit, confirm_future_date
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.services import operations as services
from fertilitytracker.services.operations import (
    Change,
)


class EditResultDialog(QDialog):
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
        self.date_edit = DateEdit(draw_date or context.today(), "Draw date", self)
        self._draw_date = draw_date
        date_row = QHBoxLayout()
        date_label = QLabel("&Date", self)
        date_label.setBuddy(self.date_edit)
        date_row.addWidget(date_label)
        date_row.addWidget(self.date_edit, 1)
        # The draw's time and fasting (docs/clinical.md §8) belong to the whole draw.
        self.time_check = QCheckBox("Time", self)
        self.time_check.setAccessibleName("Record the time of the draw")
        self.time_edit = QTimeEdit(self)
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setAccessibleName("Draw time")
        self.time_check.setChecked(draw_time is not None)
        self.time_edit.setTime(
            QTime(draw_time.hour, draw_time.minute) if draw_time else QTime(8, 0)
        )
        self.time_edit.setEnabled(draw_time is not None)
        self.fasting_combo = QComboBox(self)
        self.fasting_combo.setAccessibleName("Fasting before the draw")
        for text, choice in FASTING_CHOICES:
            self.fasting_combo.addItem(text, choice)
        self.fasting_combo.setCurrentIndex(self.fasting_combo.findData(fasting))
        self._when = (draw_time, fasting)
        when_row = QHBoxLayout()
        when_row.addWidget(self.time_check)
        when_row.addWidget(self.time_edit)
        when_row.addSpacing(12)
        when_row.addWidget(self.fasting_combo)
        when_row.addStretch(1)
        self.when_hint = QLabel("Time and fasting apply to every result of the draw.", self)
        self.when_hint.setWordWrap(True)
        self.time_check.toggled.connect(self.time_edit.setEnabled)
        self.date_hint = QLabel("", self)
        self.date_hint.setWordWrap(True)
        self.question: Question | None = None
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addLayout(date_row)
        layout.addWidget(self.date_hint)
        layout.addLayout(when_row)
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
        mismatch = self.row.unit_mismatch()
        if mismatch is not None:
            unit = mismatch.suggested_unit
            self.question = ask_unit(
                self, mismatch, lambda: self._retry(lambda: self.row.set_unit(unit)), self._keep
            )
            return
        day = self.date_edit.value()
        if day != self._draw_date:
            question = confirm_future_date(
                self, day, self._context.today(), "result", lambda: self._write(day)
            )
            if question is not None:
                self.question = question
                return
        self._write(day)

    def _retry(self, first: Callable[[], object]) -> None:
        first()
        self.save()

    def _keep(self) -> None:
        self.row.keep_unit()
        self.save()

    def when(self) -> tuple[time | None, bool | None]:
        """The draw's time and fasting state as shown (None: not recorded)."""
        shown = self.time_edit.time()
        draw_time = time(shown.hour(), shown.minute()) if self.time_check.isChecked() else None
        return draw_time, self.fasting_combo.currentData()

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
