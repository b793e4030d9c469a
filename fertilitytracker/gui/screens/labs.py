"""The Labs screen: enter a blood draw, see every draw with flags and derived values, DEXA scans."""

from __future__ import annotations

import contextlib
import html
import itertools
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, time

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.analytes import Analyte, all_analytes, get_analyte
from fertilitytracker.core.draw_context import all_draw_contexts, draw_context, morning_low_dates
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.plausibility import UnitMismatch, check_typed_unit_fit
from fertilitytracker.core.records import DexaScan, LabResult, UnitSystem
from fertilitytracker.core.units import from_canonical, parse_unit, unit_for_system
from fertilitytracker.core.validation import build_dexa
from fertilitytracker.gui.context import AppContext, follow_changes
from fertilitytracker.gui.models.draws import DexaTableModel, DrawsTableModel, ResultsTableModel
from fertilitytracker.gui.theme import fit_columns, keep_columns_fitted, widen_columns
from fertilitytracker.gui.widgets.ask import Question, ask_unit, confirm_future_date
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.gui.widgets.fields import ErrorLabel
from fertilitytracker.gui.widgets.record_table import (
    delete_with_undo,
    record_table,
    selected_record,
    sorted_proxy,
)
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.gui.widgets.undo_bar import UndoBar
from fertilitytracker.services import operations as services
from fertilitytracker.services.operations import (
    DEXA_SITES,
    Change,
    ResultInput,
)
from fertilitytracker.services.views import DrawView, ResultView, context_summary, lab_draw_view

# The groups offered in the draw form, in the order of the analyte combo. Semen parameters have
# their own screen and the DEXA T-score its own form below.
FORM_GROUPS: tuple[tuple[str, str], ...] = (
    ("hormone", "Hormones"),
    ("blood", "Blood"),
    ("lipid", "Lipids"),
)
DEXA_SITE_WORDS = {"spine": "Spine", "femur_neck": "Femur neck", "hip": "Hip"}
# Panel templates: one click fills a row per analyte, in the user's units. The keys of the
# hormone and lipid panels are the tests a reminder asks for, so "Log result" fills the panel.
PANELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "hormone_panel",
        "&Hormone panel",
        ("total_testosterone", "estradiol", "lh", "fsh", "shbg", "albumin"),
    ),
    ("lipid_panel", "L&ipids", ("total_cholesterol", "hdl", "ldl", "triglycerides")),
    ("safety", "Sa&fety", ("hematocrit", "psa")),
)
ANALYTE_KEY_ROLE = Qt.ItemDataRole.UserRole
FORM_WIDTH_PX = 420


def form_analytes() -> tuple[Analyte, ...]:
    """The analytes a blood-draw row can hold, grouped as in the combo."""
    groups = [group for group, _ in FORM_GROUPS]
    return tuple(
        analyte
        for group in groups
        for analyte in all_analytes()
        if analyte.group == group and not analyte.derived
    )


def _analyte_model() -> QStandardItemModel:
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


def _range_field_error(field: str) -> bool:
    return field.startswith("lab range") or field in ("lab_low", "lab_high")


def _number_text(value: float) -> str:
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
        self.analyte_combo.setModel(_analyte_model())
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
        if _range_field_error(field):
            return f"Lab range: {error.reason}"
        return error.reason

    def set_extra_error(self, reason: str | None) -> None:
        """An error known from outside the row (duplicate analyte, refused on save)."""
        self._extra_error = reason

    def show_reason(self, reason: str | None) -> None:
        self.error_label.show_reason(reason)
        self.value_edit.setAccessibleDescription(reason or "")


class DrawForm(QGroupBox):
    """The new-draw form: date, optional time, rows of results; Save writes them in one go."""

    saved = Signal(object)  # the Change

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("New blood draw", parent)
        self._context = context
        self.rows: list[ResultRow] = []
        self.date_edit = DateEdit(context.today(), "Draw date", self)
        self.time_check = QCheckBox("Time", self)
        self.time_check.setAccessibleName("Record the time of the draw")
        self.time_edit = QTimeEdit(self)
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setTime(QTime(8, 0))
        self.time_edit.setEnabled(False)
        self.time_edit.setAccessibleName("Draw time")
        self.fasting_combo = QComboBox(self)
        self.fasting_combo.setAccessibleName("Fasting before the draw")
        for text, fasting in (("Fasting?", None), ("Fasting", True), ("Not fasting", False)):
            self.fasting_combo.addItem(text, fasting)
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(4)
        self.add_row_button = QPushButton("&Add row", self)
        self.add_row_button.setAccessibleName("Add a result row")
        self.panel_buttons: dict[str, QPushButton] = {}
        for key, label, analytes in PANELS:
            button = QPushButton(label, self)
            names = ", ".join(get_analyte(analyte).name for analyte in analytes)
            button.setToolTip(f"Fill rows for {names}")
            button.setAccessibleName(f"Fill the rows of the {label.replace('&', '').lower()}")
            button.clicked.connect(lambda _checked=False, key=key: self.fill_panel(key))
            self.panel_buttons[key] = button
        self.save_button = QPushButton("&Save draw", self)
        self.save_button.setAccessibleName("Save the draw")
        self.save_button.setDefault(True)
        self.form_error = ErrorLabel(self)
        self.hint = QLabel("Rows left blank are skipped. Lab range and method are optional.", self)
        self.hint.setWordWrap(True)
        self.question: Question | None = None  # the question asked before saving, if any
        self.saved_date: date | None = None  # the date of the draw saved last
        self._future_confirmed: date | None = None

        date_label = QLabel("&Date", self)
        date_label.setBuddy(self.date_edit)
        top = QHBoxLayout()
        top.addWidget(date_label)
        top.addWidget(self.date_edit, 1)
        # Time and fasting on a line of their own: the form stays narrow enough for 1024 px.
        when = QHBoxLayout()
        when.addWidget(self.time_check)
        when.addWidget(self.time_edit)
        when.addSpacing(12)
        when.addWidget(self.fasting_combo)
        when.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_row_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        panels = QHBoxLayout()
        panels.addWidget(QLabel("Fill:", self))
        for button in self.panel_buttons.values():
            panels.addWidget(button)
        panels.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(when)
        layout.addLayout(panels)
        layout.addWidget(self.hint)
        layout.addLayout(self.rows_box)
        layout.addWidget(self.form_error)
        layout.addLayout(buttons)

        self.time_check.toggled.connect(self.time_edit.setEnabled)
        self.date_edit.dateChanged.connect(self.revalidate)
        self.date_edit.line_edit.returnPressed.connect(self.save)
        self.add_row_button.clicked.connect(lambda: self.add_row(focus=True))
        self.save_button.clicked.connect(self.save)
        self.reset()

    def add_row(self, analyte_key: str | None = None, focus: bool = False) -> ResultRow:
        """Append a result row (for `analyte_key`, or the first analyte not yet in the form)."""
        if analyte_key is None:
            taken = {row.analyte_key() for row in self.rows}
            free = [a.key for a in form_analytes() if a.key not in taken]
            analyte_key = free[0] if free else form_analytes()[0].key
        row = ResultRow(len(self.rows) + 1, self._context.unit_system(), analyte_key, True, self)
        row.changed.connect(self.revalidate)
        row.remove_requested.connect(self.remove_row)
        for edit in (row.value_edit, row.low_edit, row.high_edit, row.method_edit):
            edit.returnPressed.connect(self.save)  # Enter saves a valid form
        row.value_edit.installEventFilter(self)
        self.rows.append(row)
        self.rows_box.addWidget(row)
        self._update_tab_order()
        self.revalidate()
        if focus:
            row.analyte_combo.setFocus()
        return row

    def remove_row(self, row: ResultRow) -> None:
        if len(self.rows) <= 1:
            return
        self.rows.remove(row)
        self.rows_box.removeWidget(row)
        row.deleteLater()
        for number, other in enumerate(self.rows, start=1):
            other.set_number(number)
        self._update_tab_order()
        self.revalidate()

    def reset(self, analytes: Sequence[str] | None = None) -> None:
        """Empty the form, with one row per analyte given (one row when none)."""
        for row in list(self.rows):
            self.rows_box.removeWidget(row)
            row.deleteLater()
        self.rows = []
        wanted: list[str | None] = list(analytes) if analytes else [None]
        for key in wanted:
            self.add_row(key)
        self.fasting_combo.setCurrentIndex(0)
        self.form_error.show_reason(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Tab in a value field goes to the next row's value (Shift+Tab to the previous one):
        a lab report is typed in down its column of numbers."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            values = [row.value_edit for row in self.rows]
            if watched in values and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                position = values.index(watched)  # type: ignore[arg-type]
                backwards = event.key() == Qt.Key.Key_Backtab
                step = -1 if backwards else 1
                if 0 <= position + step < len(values):
                    values[position + step].setFocus(Qt.FocusReason.TabFocusReason)
                    return True
                if not backwards:
                    self.add_row_button.setFocus(Qt.FocusReason.TabFocusReason)
                    return True
        return super().eventFilter(watched, event)

    def fill_panel(self, key: str) -> None:
        """Rows for every analyte of panel `key` (rows already typed in are kept)."""
        analytes = next(analytes for panel, _label, analytes in PANELS if panel == key)
        typed = [row for row in self.rows if not row.is_blank()]
        for row in [row for row in self.rows if row.is_blank()]:
            self.rows.remove(row)
            self.rows_box.removeWidget(row)
            row.deleteLater()
        present = {row.analyte_key() for row in typed}
        for analyte in analytes:
            if analyte not in present:
                self.add_row(analyte)
        if not self.rows:
            self.add_row()
        for number, row in enumerate(self.rows, start=1):
            row.set_number(number)
        self._update_tab_order()
        self.revalidate()
        first_empty = next((row for row in self.rows if row.is_blank()), self.rows[0])
        first_empty.value_edit.setFocus()

    def _update_tab_order(self) -> None:
        # Within the value column Tab goes down the rows (eventFilter); elsewhere row by row.
        chain: list[QWidget] = [
            self.date_edit.line_edit,
            self.time_check,
            self.time_edit,
            self.fasting_combo,
        ]
        chain += list(self.panel_buttons.values())
        for row in self.rows:
            chain += [
                row.analyte_combo,
                row.value_edit,
                row.unit_combo,
                row.remove_button,
                row.low_edit,
                row.high_edit,
                row.method_edit,
            ]
        chain += [self.add_row_button, self.save_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def revalidate(self, *_args: object) -> bool:
        """Check every row as the person types; Save is enabled only when all would be saved."""
        day = self.date_edit.value()
        existing = {
            result.analyte
            for draw in self._context.history().draws
            if draw.date == day
            for result in draw.results
        }
        seen: set[str] = set()
        valid = True
        filled = 0
        for row in self.rows:
            reason = row.check()
            key = row.analyte_key()
            if reason is None and not row.is_blank():
                name = get_analyte(key).name
                if key in seen:
                    reason = f"{name} is given twice in this draw"
                elif key in existing:
                    reason = f"{name} is already recorded for {day.isoformat()} (edit or delete it)"
            if not row.is_blank():
                filled += 1
                seen.add(key)
            row.show_reason(reason)
            valid = valid and reason is None
        valid = valid and filled > 0
        self.save_button.setEnabled(valid)
        self.save_button.setToolTip("" if valid else "Enter at least one valid result")
        return valid

    def draw_time(self) -> time | None:
        if not self.time_check.isChecked():
            return None
        shown = self.time_edit.time()
        return time(shown.hour(), shown.minute())

    def save(self) -> None:
        """Write the filled rows as one draw; a refused row shows the service's reason.

        Before writing, a value that fits another unit far better is asked about (one row at
        a time), and so is a date after today.
        """
        if not self.revalidate():
            return
        filled = [row for row in self.rows if not row.is_blank()]
        for row in filled:
            mismatch = row.unit_mismatch()
            if mismatch is not None:
                self.question = ask_unit(
                    self,
                    mismatch,
                    lambda row=row, unit=mismatch.suggested_unit: self._use_unit(row, unit),
                    lambda row=row: self._keep_unit(row),
                )
                return
        day = self.date_edit.value()
        if day != self._future_confirmed:
            question = confirm_future_date(
                self, day, self._context.today(), "blood draw", lambda: self._confirm_future(day)
            )
            if question is not None:
                self.question = question
                return
        self._write(filled)

    def _use_unit(self, row: ResultRow, unit: str) -> None:
        row.set_unit(unit)
        self.save()

    def _keep_unit(self, row: ResultRow) -> None:
        row.keep_unit()
        self.save()

    def _confirm_future(self, day: date) -> None:
        self._future_confirmed = day
        self.save()

    def _write(self, filled: Sequence[ResultRow]) -> None:
        try:
            change = services.record_draw(
                self._context.journal,
                self.date_edit.value(),
                [row.entry() for row in filled],
                self.draw_time(),
                fasting=self.fasting_combo.currentData(),
            )
        except InputError as error:
            self._show_save_error(filled, error)
            return
        self.saved_date = self.date_edit.value()
        self._future_confirmed = None
        self.reset()
        self.saved.emit(change)

    def set_unit_system(self, system: UnitSystem) -> None:
        """Entry units follow the unit system chosen in Settings at once."""
        for row in self.rows:
            row.set_unit_system(system)

    def _show_save_error(self, rows: Sequence[ResultRow], error: InputError) -> None:
        for row in rows:
            if error.analyte is not None and row.analyte_key() == error.analyte:
                row.set_extra_error(row.describe_error(error))
                row.show_reason(row.describe_error(error))
                self.save_button.setEnabled(False)
                return
        self.form_error.show_reason(error.reason)


class DexaForm(QGroupBox):
    """A DEXA scan: date, T-score, site, bone mineral density."""

    saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("New DEXA scan", parent)
        self._context = context
        self.date_edit = DateEdit(context.today(), "DEXA date", self)
        self.t_score_edit = QLineEdit(self)
        self.t_score_edit.setPlaceholderText("e.g. −1.2")
        self.t_score_edit.setAccessibleName("T-score")
        self.site_combo = QComboBox(self)
        self.site_combo.setAccessibleName("Site")
        self.site_combo.addItem("—", "")
        for site in DEXA_SITES:
            self.site_combo.addItem(DEXA_SITE_WORDS[site], site)
        self.bmd_edit = QLineEdit(self)
        self.bmd_edit.setPlaceholderText("optional")
        self.bmd_edit.setAccessibleName("Bone mineral density, g/cm²")
        self.t_score_error = ErrorLabel(self)
        self.bmd_error = ErrorLabel(self)
        self.save_button = QPushButton("Save &DEXA", self)
        self.save_button.setAccessibleName("Save the DEXA scan")
        form = QFormLayout(self)
        form.addRow("Date", self.date_edit)
        form.addRow("T-score", self.t_score_edit)
        form.addRow("", self.t_score_error)
        form.addRow("Site", self.site_combo)
        form.addRow("BMD g/cm²", self.bmd_edit)
        form.addRow("", self.bmd_error)
        form.addRow("", self.save_button)
        self.t_score_edit.textChanged.connect(self.revalidate)
        self.bmd_edit.textChanged.connect(self.revalidate)
        self.save_button.clicked.connect(self.save)
        for edit in (self.t_score_edit, self.bmd_edit, self.date_edit.line_edit):
            edit.returnPressed.connect(self.save)  # Enter saves a valid form
        self.question: Question | None = None
        self._future_confirmed: date | None = None
        self.revalidate()

    def revalidate(self, *_args: object) -> bool:
        """The same checks the service makes, as the person types."""
        t_reason = bmd_reason = None
        t_text = self.t_score_edit.text().strip()
        bmd_text = self.bmd_edit.text().strip()
        day = self.date_edit.value()
        # The core's builder judges each field alone, as it will on save.
        if t_text:
            try:
                build_dexa(day, t_text)
            except InputError as error:
                t_reason = error.reason
        if bmd_text:
            try:
                build_dexa(day, 0.0, bmd=bmd_text)
            except InputError as error:
                bmd_reason = error.reason
        self.t_score_error.show_reason(t_reason)
        self.bmd_error.show_reason(bmd_reason)
        valid = bool(t_text) and t_reason is None and bmd_reason is None
        self.save_button.setEnabled(valid)
        return valid

    def save(self) -> None:
        if not self.revalidate():
            return
        day = self.date_edit.value()
        if day != self._future_confirmed:
            question = confirm_future_date(
                self, day, self._context.today(), "DEXA scan", lambda: self._confirm_future(day)
            )
            if question is not None:
                self.question = question
                return
        self._future_confirmed = None
        try:
            change = services.record_dexa(
                self._context.journal,
                self.date_edit.value(),
                self.t_score_edit.text().strip(),
                self.site_combo.currentData() or None,
                self.bmd_edit.text().strip() or None,
            )
        except InputError as error:
            label = self.bmd_error if error.field == "bmd" else self.t_score_error
            label.show_reason(error.reason)
            self.save_button.setEnabled(False)
            return
        self.t_score_edit.clear()
        self.bmd_edit.clear()
        self.site_combo.setCurrentIndex(0)
        self.saved.emit(change)

    def _confirm_future(self, day: date) -> None:
        self._future_confirmed = day
        self.save()


class EditResultDialog(QDialog):
    """Correct one result: value, unit, lab range and method, validated as typed."""

    def __init__(
        self,
        context: AppContext,
        result: LabResult,
        parent: QWidget | None = None,
        draw_date: date | None = None,
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
                _number_text(from_canonical(result.analyte, result.lab_low, unit))
            )
        if result.lab_high is not None:
            self.row.high_edit.setText(
                _number_text(from_canonical(result.analyte, result.lab_high, unit))
            )
        self.row.method_edit.setText(result.method or "")
        self.date_edit = DateEdit(draw_date or context.today(), "Draw date", self)
        self._draw_date = draw_date
        date_row = QHBoxLayout()
        date_label = QLabel("&Date", self)
        date_label.setBuddy(self.date_edit)
        date_row.addWidget(date_label)
        date_row.addWidget(self.date_edit, 1)
        self.date_hint = QLabel("", self)
        self.date_hint.setWordWrap(True)
        self.question: Question | None = None
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addLayout(date_row)
        layout.addWidget(self.date_hint)
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

    def _write(self, day: date) -> None:
        assert self._result.id is not None
        try:
            self.change = services.replace_result(
                self._context.journal,
                self._result.id,
                self.row.entry(),
                day if day != self._draw_date else None,
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


class LabsScreen(QWidget):
    """Blood draws (form, table, details with edit and delete) and DEXA scans."""

    navigate_requested = Signal(object)  # a gui.navigation.Navigation
    result_saved = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labs_screen")
        self._context = context
        self._selected_draw: date | None = None

        self.undo_bar = UndoBar(self)
        self.draw_form = DrawForm(context, self)
        self.dexa_form = DexaForm(context, self)

        self.draws_model = DrawsTableModel(parent=self)
        self.draws_proxy = sorted_proxy(self.draws_model, self)
        self.draws_table = record_table("Blood draws", self, word_wrap=False)
        self.draws_table.setModel(self.draws_proxy)
        self.draws_table.setSortingEnabled(True)
        self.draws_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        keep_columns_fitted(self.draws_table)

        self.results_model = ResultsTableModel(parent=self)
        self.results_table = record_table("Results of the selected draw", self, word_wrap=False)
        self.results_table.setModel(self.results_model)
        self.results_table.horizontalHeader().setStretchLastSection(True)
        self.details_title = QLabel("Select a draw to see all its results.", self)
        # The selected draw's context (docs/clinical.md §8): time, fasting, doses, notes.
        self.context_label = QLabel("", self)
        self.context_label.setWordWrap(True)
        self.context_label.setObjectName("draw_context")
        self.paste_button = QPushButton("&Paste results…", self)
        self.paste_button.setAccessibleName("Paste lab results as the lab printed them")
        self.edit_button = QPushButton("&Edit result…", self)
        self.edit_button.setAccessibleName("Edit the selected result")
        self.delete_button = QPushButton("Delete result", self)
        self.delete_button.setAccessibleName("Delete the selected result")

        self.dexa_model = DexaTableModel(parent=self)
        self.dexa_proxy = sorted_proxy(self.dexa_model, self)
        self.dexa_table = record_table("DEXA scans", self, word_wrap=False)
        self.dexa_table.setModel(self.dexa_proxy)
        self.dexa_table.setSortingEnabled(True)
        self.dexa_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.dexa_table.horizontalHeader().setStretchLastSection(True)
        self.delete_dexa_button = QPushButton("Delete scan", self)
        self.delete_dexa_button.setAccessibleName("Delete the selected DEXA scan")

        self._build_layout()

        self.draw_form.saved.connect(self._draw_saved)
        self.dexa_form.saved.connect(self._saved)
        self.draws_table.selectionModel().selectionChanged.connect(self._draw_selected)
        self.results_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.results_table.doubleClicked.connect(lambda _index: self.edit_selected_result())
        self.dexa_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.edit_button.clicked.connect(self.edit_selected_result)
        self.delete_button.clicked.connect(self.delete_selected_result)
        self.delete_dexa_button.clicked.connect(self.delete_selected_dexa)
        self.paste_button.clicked.connect(self.open_paste_dialog)
        self.follower = follow_changes(self, context, self.apply_change)
        context.journal_replaced.connect(self._journal_replaced)
        self.refresh()

    def _build_layout(self) -> None:
        title = QLabel("<h2>Labs</h2>", self)
        forms = QWidget(self)
        forms_layout = QVBoxLayout(forms)
        forms_layout.setContentsMargins(0, 0, 0, 0)
        forms_layout.addWidget(self.paste_button)
        forms_layout.addWidget(self.draw_form)
        forms_layout.addWidget(self.dexa_form)
        forms_layout.addStretch(1)
        self.form_scroll = QScrollArea(self)
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setWidget(forms)
        self.form_scroll.setMinimumWidth(400)

        tables = QWidget(self)
        tables_layout = QVBoxLayout(tables)
        tables_layout.setContentsMargins(0, 0, 0, 0)
        draws_label = QLabel(
            "<b>Blood draws</b> — ▼ below / ▲ above target range · ◆ cannot tell (a limit) · "
            "⚠ estradiol below the floor or cannot tell, on an aromatase inhibitor · — not "
            "computed (hover for why) · * albumin assumed",
            self,
        )
        draws_label.setWordWrap(True)
        tables_layout.addWidget(draws_label)
        tables_layout.addWidget(self.draws_table, 3)
        tables_layout.addWidget(self.details_title)
        tables_layout.addWidget(self.context_label)
        tables_layout.addWidget(self.results_table, 2)
        detail_buttons = QHBoxLayout()
        detail_buttons.addStretch(1)
        detail_buttons.addWidget(self.edit_button)
        detail_buttons.addWidget(self.delete_button)
        tables_layout.addLayout(detail_buttons)
        tables_layout.addWidget(QLabel("<b>DEXA scans</b> — WHO bands", self))
        tables_layout.addWidget(self.dexa_table, 1)
        dexa_buttons = QHBoxLayout()
        dexa_buttons.addStretch(1)
        dexa_buttons.addWidget(self.delete_dexa_button)
        tables_layout.addLayout(dexa_buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.form_scroll)
        splitter.addWidget(tables)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        # The form as narrow as it can be, so that the draws table beside it fits 1440 px.
        splitter.setSizes([FORM_WIDTH_PX, 10 * FORM_WIDTH_PX])
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.undo_bar)
        layout.addWidget(splitter, 1)

    # --- reading ----------------------------------------------------------------------------

    def draw_views(self) -> list[DrawView]:
        """The blood draws as the services view them, in the user's unit system."""
        history = self._context.history()
        system = self._context.unit_system()
        edition = self._context.who_edition()
        contexts = all_draw_contexts(history)
        return [
            replace(lab_draw_view(draw, history, system, edition), context=contexts[draw.date])
            for draw in history.draws
        ]

    def refresh(self, *_args: object) -> None:
        """Re-read the journal: tables, the selected draw's details and form validity."""
        history = self._context.history()
        self._morning_lows = len(morning_low_dates(history))
        self.draws_model.set_draws(self.draw_views(), self._context.unit_system())
        for column, spec in enumerate(self.draws_model.columns):
            empty = spec.key in {key for key, _ in _ANALYTE_COLUMNS} and not (
                self.draws_model.has_values(spec.key)
            )
            self.draws_table.setColumnHidden(column, empty)
        fit_columns(self.draws_table)
        self.dexa_model.set_rows(history.dexa)
        self.draw_form.set_unit_system(self._context.unit_system())
        self._reselect_draw()
        self.draw_form.revalidate()
        self._update_buttons()

    def apply_change(self, change: Change) -> None:
        """Show what `change` touched: the draws it may change row by row, or else everything.

        A draw's row shows its context (docs/clinical.md §8): a dose changes the hours since
        the last dose of the draws after it.
        """
        if not change.touches("labs", "dexa", "targets", "settings", "doses", "regimens"):
            return
        if not change.is_bounded or change.touches("targets", "regimens"):
            self.refresh()
            return
        assert change.dates is not None
        history = self._context.history()
        days: set[date] = set()
        if change.touches("labs"):
            days |= change.dates
        if change.touches("doses"):
            first = min(change.dates)
            days |= {draw.date for draw in history.draws if draw.date >= first}
        if days and not self._update_draws(frozenset(days)):
            self.refresh()
            return
        if change.touches("dexa"):
            self.dexa_model.set_rows(history.dexa)
        self.draw_form.revalidate()
        self._update_buttons()

    def _update_draws(self, days: frozenset[date]) -> bool:
        """Update the rows of the draws of `days`; False when every row must be read again
        (the unconfirmed-low note of every low total testosterone came or went)."""
        history = self._context.history()
        morning_lows = len(morning_low_dates(history))
        if (morning_lows < 2) != (self._morning_lows < 2):
            return False
        system = self._context.unit_system()
        edition = self._context.who_edition()
        views = [
            replace(
                lab_draw_view(draw, history, system, edition), context=draw_context(draw, history)
            )
            for draw in history.draws
            if draw.date in days
        ]
        self._morning_lows = morning_lows
        rows = self.draws_model.update_draws(days, views)
        for view in views:
            for result in view.results:
                with contextlib.suppress(KeyError):
                    self.draws_table.setColumnHidden(
                        self.draws_model.column_of(result.analyte), False
                    )
        source = self.draws_model
        widen_columns(
            self.draws_table,
            [self.draws_proxy.mapFromSource(source.index(row, 0)).row() for row in rows],
        )
        selected = self.selected_draw()
        # A draw just saved is to be selected (_draw_saved names it), not only refreshed.
        if selected is None or selected.date != self._selected_draw:
            self._reselect_draw()
        elif self._selected_draw in days:
            self._show_details()
        return True

    def _journal_replaced(self) -> None:
        self.undo_bar.dismiss()
        self._selected_draw = None
        self.draw_form.reset()
        self.refresh()

    def _reselect_draw(self) -> None:
        target_row = -1
        for row in range(self.draws_proxy.rowCount()):
            source = self.draws_proxy.mapToSource(self.draws_proxy.index(row, 0))
            if self.draws_model.row_at(source.row()).date == self._selected_draw:
                target_row = row
        if target_row < 0 and self.draws_proxy.rowCount():
            target_row = 0
        if target_row >= 0:
            self.draws_table.selectRow(target_row)
        self._show_details()

    def selected_draw(self) -> DrawView | None:
        view: DrawView | None = selected_record(self.draws_table)
        return view

    def _draw_selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        view = self.selected_draw()
        if view is not None:
            self._selected_draw = view.date
        self._show_details()

    def _show_details(self) -> None:
        view = self.selected_draw()
        if view is None:
            self.results_model.set_rows(())
            self.details_title.setText("Select a draw to see all its results.")
            self.context_label.setText("")
        else:
            self.results_model.set_rows(view.results)
            self.results_table.resizeColumnsToContents()
            when = view.date.isoformat() + (f" {view.time:%H:%M}" if view.time else "")
            self.details_title.setText(f"<b>Results of {when}</b> — as entered and converted")
            self.context_label.setText(_context_html(view))
        self._update_buttons()

    def selected_result(self) -> ResultView | None:
        result: ResultView | None = selected_record(self.results_table)
        return result

    def selected_dexa(self) -> DexaScan | None:
        scan: DexaScan | None = selected_record(self.dexa_table)
        return scan

    def _update_buttons(self, *_args: object) -> None:
        has_result = self.selected_result() is not None
        self.edit_button.setEnabled(has_result)
        self.delete_button.setEnabled(has_result)
        self.delete_dexa_button.setEnabled(self.selected_dexa() is not None)

    # --- writing ----------------------------------------------------------------------------

    def open_new_draw(self, analytes: list[str] | None = None, test: str | None = None) -> None:
        """Focus the draw form, with one row per analyte given (used by "Log result", Ctrl+L).

        A reminder's `test` with a panel template ("hormone_panel") fills its whole panel.
        """
        panel = next((panel for key, _label, panel in PANELS if key == test), None)
        if panel is not None:
            analytes = list(panel)
        self.draw_form.reset(analytes)
        self.draw_form.date_edit.set_value(self._context.today())
        self.form_scroll.ensureWidgetVisible(self.draw_form)
        first = self.draw_form.rows[0]
        (first.value_edit if analytes else first.analyte_combo).setFocus()

    def open_paste_dialog(self) -> QDialog:
        """Labs › Paste results…: the preview dialog (returned for tests; not modal)."""
        from fertilitytracker.gui.dialogs.paste_results import PasteResultsDialog

        dialog = PasteResultsDialog(self._context, self)
        dialog.saved.connect(lambda change: show_status(self, change.summary))
        dialog.open()
        return dialog

    def open_new_dexa(self) -> None:
        """Focus the DEXA form (used by the DEXA reminder's "Log result")."""
        self.dexa_form.date_edit.set_value(self._context.today())
        self.form_scroll.ensureWidgetVisible(self.dexa_form)
        self.dexa_form.t_score_edit.setFocus()

    def show_draw(self, day: date) -> bool:
        """Select the draw of `day` in the table (a click on a chart point); False if none."""
        for row in range(self.draws_proxy.rowCount()):
            source = self.draws_proxy.mapToSource(self.draws_proxy.index(row, 0))
            if self.draws_model.row_at(source.row()).date == day:
                self.draws_table.selectRow(row)
                self.draws_table.scrollTo(self.draws_proxy.index(row, 0))
                return True
        return False

    def _draw_saved(self, change: Change) -> None:
        # The draw just saved becomes the selected one, so its results show at once.
        self._selected_draw = self.draw_form.saved_date
        self._saved(change)

    def _saved(self, change: Change) -> None:
        self._context.notify(change)
        show_status(self, change.summary)
        self.result_saved.emit(change)

    def _record_for(self, result_id: int | None) -> LabResult | None:
        for draw in self._context.history().draws:
            for result in draw.results:
                if result.id == result_id:
                    return result
        return None

    def _draw_of(self, record: LabResult) -> date | None:
        for draw in self._context.history().draws:
            if any(result.id == record.id for result in draw.results):
                return draw.date
        return None

    def edit_selected_result(self) -> EditResultDialog | None:
        """Open the edit dialog for the selected result (returned for tests; modal otherwise)."""
        view = self.selected_result()
        record = self._record_for(view.result_id) if view else None
        if record is None:
            return None
        assert view is not None
        dialog = EditResultDialog(self._context, record, self, draw_date=self._draw_of(record))
        dialog.accepted.connect(lambda: self._edited(dialog))
        dialog.open()
        return dialog

    def _edited(self, dialog: EditResultDialog) -> None:
        if dialog.change is not None:
            self._context.notify(dialog.change)
            show_status(self, dialog.change.summary)

    def delete_selected_result(self) -> None:
        """Delete the selected result; the undo bar offers it back."""
        view = self.selected_result()
        if view is None or view.result_id is None:
            return
        message = f"{view.name} result deleted."
        delete_with_undo(self, self._context, self.undo_bar, "lab_result", view.result_id, message)

    def delete_selected_dexa(self) -> None:
        scan = self.selected_dexa()
        if scan is None or scan.id is None:
            return
        message = f"DEXA scan of {scan.date.isoformat()} deleted."
        delete_with_undo(self, self._context, self.undo_bar, "dexa", scan.id, message)


def _context_html(view: DrawView) -> str:
    if view.context is None:
        return ""
    lines = [f"<b>Context:</b> {html.escape(context_summary(view.context))}"]
    lines += [
        f"<b>Note:</b> {html.escape(note.text)} <i>({html.escape(note.source)})</i>"
        for note in view.context.notes
    ]
    return "<br>".join(lines)


_ANALYTE_COLUMNS = tuple(
    (analyte.key, analyte.name) for analyte in all_analytes() if not analyte.is_semen
)
