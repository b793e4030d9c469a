"""One result row of the blood-draw form: analyte, value, unit, lab range and method."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLineEdit,
    QToolButton,
    QWidget,
)

from fertilitytracker.core.analytes import Analyte, all_analytes, get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.plausibility import UnitMismatch, check_typed_unit_fit
from fertilitytracker.core.records import UnitSystem
from fertilitytracker.core.units import unit_for_system
from fertilitytracker.gui.widgets.fields import ErrorLabel
from fertilitytracker.services import operations as services
from fertilitytracker.services.operations import (
    ResultInput,
)

# The groups offered in the draw form, in the order of the analyte combo. Semen parameters have
# their own screen and the DEXA T-score its own form below.
FORM_GROUPS: tuple[tuple[str, str], ...] = (
    ("hormone", "Hormones"),
    ("blood", "Blood"),
    ("lipid", "Lipids"),
)
FASTING_CHOICES: tuple[tuple[str, bool | None], ...] = (
    ("Fasting?", None),
    ("Fasting", True),
    ("Not fasting", False),
)
ANALYTE_KEY_ROLE = Qt.ItemDataRole.UserRole


def form_analytes() -> tuple[Analyte, ...]:
    """The analytes a blood-draw row can hold, grouped as in the combo."""
    groups = [group for group, _ in FORM_GROUPS]
    return tuple(
        analyte
        for group in groups
        for analyte in all_analytes()
        if analyte.group == group and not analyte.derived
    )


def analyte_model() -> QStandardItemModel:
    """Analyte names under non-selectable group headings."""
    model = QStandardItemModel()
    for group, heading in FORM_GROUPS:
        header = QStandardItem(f"— {heading} —")
        header.setFlags(Qt.ItemFlag.NoItemFlags)
        model.appendRow(header)
        for analyte in form_analytes():
            if analyte.group == group:
                item = QStandardItem(analyte.name)
                item.setData(analyte.key, ANALYTE_KEY_ROLE)
                model.appendRow(item)
    return model


def range_field_error(field: str) -> bool:
    return field.startswith("lab range") or field in ("lab_low", "lab_high")


def number_text(value: float) -> str:
    return f"{value:.6g}"


class ResultRow(QWidget):
    """One result of the draw form: analyte, value, unit, and optional lab range and method."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(
        self,
        number: int,
        system: UnitSystem,
        analyte_key: str | None = None,
        removable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._system: UnitSystem = system
        self.analyte_combo = QComboBox(self)
        self.analyte_combo.setModel(analyte_model())
        self.value_edit = QLineEdit(self)
        self.value_edit.setPlaceholderText("e.g. 24 or <5")
        self.unit_combo = QComboBox(self)
        self.low_edit = QLineEdit(self)
        self.low_edit.setPlaceholderText("lab low")
        self.high_edit = QLineEdit(self)
        self.high_edit.setPlaceholderText("lab high")
        self.method_edit = QLineEdit(self)
        self.method_edit.setPlaceholderText("method (optional)")
        self.remove_button = QToolButton(self)
        self.remove_button.setText("✕")
        self.remove_button.setToolTip("Remove this row")
        self.remove_button.setVisible(removable)
        self.error_label = ErrorLabel(self)
        self._extra_error: str | None = None
        # (value, unit) the person chose to keep after being asked about the unit
        self._kept_unit: tuple[str, str] | None = None
        self.set_number(number)

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.analyte_combo, 0, 0, 1, 2)
        layout.addWidget(self.value_edit, 0, 2)
        layout.addWidget(self.unit_combo, 0, 3)
        layout.addWidget(self.remove_button, 0, 4)
        layout.addWidget(self.low_edit, 1, 0)
        layout.addWidget(self.high_edit, 1, 1)
        layout.addWidget(self.method_edit, 1, 2, 1, 2)
        layout.addWidget(self.error_label, 2, 0, 1, 5)
        layout.setColumnStretch(0, 2)
        layout.setColumnStretch(1, 2)
        layout.setColumnStretch(2, 3)
        layout.setColumnStretch(3, 2)

        self.analyte_combo.currentIndexChanged.connect(self._analyte_changed)
        for edit in (self.value_edit, self.low_edit, self.high_edit, self.method_edit):
            edit.textChanged.connect(self._edited)
        self.unit_combo.currentIndexChanged.connect(self._edited)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.set_analyte(analyte_key or form_analytes()[0].key)

    def set_number(self, number: int) -> None:
        """Name the controls after the row's position (for screen readers)."""
        self.analyte_combo.setAccessibleName(f"Analyte, row {number}")
        self.value_edit.setAccessibleName(f"Value, row {number}")
        self.unit_combo.setAccessibleName(f"Unit, row {number}")
        self.low_edit.setAccessibleName(f"Lab range low, row {number} (optional)")
        self.high_edit.setAccessibleName(f"Lab range high, row {number} (optional)")
        self.method_edit.setAccessibleName(f"Method, row {number} (optional)")
        self.remove_button.setAccessibleName(f"Remove row {number}")

    def analyte_key(self) -> str:
        key = self.analyte_combo.currentData(ANALYTE_KEY_ROLE)
        return str(key) if key else ""

    def set_analyte(self, key: str) -> None:
        """Choose the analyte `key` (its unit list and default unit follow)."""
        position = self.analyte_combo.findData(get_analyte(key).key, ANALYTE_KEY_ROLE)
        if position >= 0:
            if position == self.analyte_combo.currentIndex():
                self._analyte_changed()
            self.analyte_combo.setCurrentIndex(position)

    def set_unit(self, unit_text: str) -> None:
        position = self.unit_combo.findText(unit_text)
        if position >= 0:
            self.unit_combo.setCurrentIndex(position)

    def _analyte_changed(self, *_args: object) -> None:
        key = self.analyte_key()
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        if key:
            analyte = get_analyte(key)
            # Only this analyte's units: a unit of another analyte cannot be chosen at all.
            self.unit_combo.addItems([unit.text for unit in analyte.units])
            self.unit_combo.setCurrentText(unit_for_system(key, self._system).text)
        self.unit_combo.blockSignals(False)
        self._edited()

    def _edited(self, *_args: object) -> None:
        self._extra_error = None
        self.changed.emit()

    def set_unit_system(self, system: UnitSystem) -> None:
        """Follow a new unit system: the unit moves when it was the old system's unit."""
        if system == self._system:
            return
        key = self.analyte_key()
        old_default = unit_for_system(key, self._system).text if key else ""
        self._system = system
        if key and self.unit_combo.currentText() == old_default:
            self.set_unit(unit_for_system(key, system).text)

    def unit_mismatch(self) -> UnitMismatch | None:
        """The unit question to ask before saving (None once the person kept his unit)."""
        if self.is_blank() or not self.value_edit.text().strip():
            return None
        typed = (self.value_edit.text().strip(), self.unit_combo.currentText())
        if typed == self._kept_unit:
            return None
        return check_typed_unit_fit(self.analyte_key(), *typed)

    def keep_unit(self) -> None:
        """The person confirmed the value in the unit chosen: do not ask again for it."""
        self._kept_unit = (self.value_edit.text().strip(), self.unit_combo.currentText())

    def is_blank(self) -> bool:
        """Nothing typed in the row (a blank row is skipped on save)."""
        return not any(
            edit.text().strip()
            for edit in (self.value_edit, self.low_edit, self.high_edit, self.method_edit)
        )

    def entry(self) -> ResultInput:
        """The row as the service takes it."""
        return ResultInput(
            analyte=self.analyte_key(),
            value=self.value_edit.text().strip(),
            unit=self.unit_combo.currentText(),
            lab_low=self.low_edit.text().strip() or None,
            lab_high=self.high_edit.text().strip() or None,
            method=self.method_edit.text().strip() or None,
        )

    def check(self) -> str | None:
        """Why the row would be refused (the service's own validation), or None."""
        if self.is_blank():
            return None
        try:
            services.build_result(self.entry())
        except InputError as error:
            return self.describe_error(error)
        return self._extra_error

    def describe_error(self, error: InputError) -> str:
        """The reason of an error raised for this row, saying which field it is about."""
        # The error carries its field and the result's analyte as data.
        field = error.field
        if field == "unit":
            return f"Unit: {error.reason}"
        if range_field_error(field):
            return f"Lab range: {error.reason}"
        return error.reason

    def set_extra_error(self, reason: str | None) -> None:
        """An error known from outside the row (duplicate analyte, refused on save)."""
        self._extra_error = reason

    def show_reason(self, reason: str | None) -> None:
        self.error_label.show_reason(reason)
        self.value_edit.setAccessibleDescription(reason or "")
