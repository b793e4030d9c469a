"""The blood-draw form: date, time, fasting and one row per result, saved as one draw."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import UnitSystem
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.labs.entry import DrawWhen
from fertilitytracker.gui.screens.labs.result_row import ResultRow, form_analytes
from fertilitytracker.gui.widgets.fields import ErrorLabel
from fertilitytracker.services import operations as services

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


class DrawForm(QGroupBox, DrawWhen):
    """The new-draw form: date, optional time, rows of results; Save writes them in one go."""

    saved = Signal(object)  # the Change

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("New blood draw", parent)
        self._context = context
        self.rows: list[ResultRow] = []
        date_line, when_line = self.when_fields(context.today())
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
        self.saved_date: date | None = None  # the date of the draw saved last

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
        layout.addLayout(date_line)
        layout.addLayout(when_line)
        layout.addLayout(panels)
        layout.addWidget(self.hint)
        layout.addLayout(self.rows_box)
        layout.addWidget(self.form_error)
        layout.addLayout(buttons)

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
                position = values.index(watched)
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
            for draw in self._context.records_on("draws", (day,))
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

    def save(self) -> None:
        """Write the filled rows as one draw; a refused row shows the service's reason.

        Before writing, a value that fits another unit far better is asked about (one row at
        a time), and so is a date after today.
        """
        if not self.revalidate():
            return
        filled = [row for row in self.rows if not row.is_blank()]
        if not self.asked_first(filled, self.date_edit.value(), "blood draw"):
            self._write(filled)

    def _write(self, filled: Sequence[ResultRow]) -> None:
        draw_time, fasting = self.when()
        try:
            change = services.record_draw(
                self._context.journal,
                self.date_edit.value(),
                [row.entry() for row in filled],
                draw_time,
                fasting=fasting,
            )
        except InputError as error:
            self._show_save_error(filled, error)
            return
        self.saved_date = self.date_edit.value()
        self._confirmed_day = None
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
