"""Labs › Paste results…: lab results pasted (or opened from a .txt or PDF) as the lab printed
them, read into a preview the person checks and corrects; nothing is saved until Save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.plausibility import check_typed_unit_fit
from fertilitytracker.core.records import LabResult
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.theme import error_color
from fertilitytracker.gui.widgets.ask import Question, ask_unit
from fertilitytracker.gui.widgets.date_edit import DateEdit
from fertilitytracker.gui.widgets.fields import ErrorLabel
from fertilitytracker.services.exchange.lab_files import read_lab_file
from fertilitytracker.services.exchange.lab_text import (
    DateOrder,
    DrawToRecord,
    LabText,
    ProposedDraw,
    ReadResult,
    parse_range_text,
    read_lab_text,
    record_confirmed,
)
from fertilitytracker.services.formatting import format_bounds
from fertilitytracker.services.operations import Change, ResultInput, build_result

COLUMNS = ("Save", "Draw", "Analyte", "Value", "Unit", "Lab range", "Lab flag", "Will store")
SAVE, DRAW, ANALYTE, VALUE, UNIT, RANGE, FLAG, STORE = range(len(COLUMNS))
EDITABLE = (VALUE, UNIT, RANGE)
DATE_ORDER_CHOICES: tuple[tuple[str, DateOrder | None], ...] = (
    ("Choose how dates like 03/04/2026 are written…", None),
    ("Month first: 03/04/2026 is 4 March (US)", "mdy"),
    ("Day first: 03/04/2026 is 3 April (UK, Europe)", "dmy"),
)
FASTING_CHOICES: tuple[tuple[str, bool | None], ...] = (
    ("Not recorded", None),
    ("Yes, fasting", True),
    ("No, not fasting", False),
)
PLACEHOLDER = (
    "Paste the results here as your lab printed them: a portal page, an e-mail or the text of "
    "a PDF. Nothing is saved until you check the table below and press Save."
)


def _number(value: float) -> str:
    return f"{value:.6g}"


def _read_cells(read: ReadResult) -> dict[int, str]:
    """The preview cells of a result as the text gives it, before any correction."""
    return {
        ANALYTE: get_analyte(read.analyte).name,
        VALUE: f"{read.comparator or ''}{_number(read.value)}",
        UNIT: read.unit,
        RANGE: range_text(read.lab_low, read.lab_high),
        FLAG: read.flag or "",
        STORE: "",
    }


def range_text(low: float | None, high: float | None) -> str:
    """A lab range as shown in the preview (and typed back by the person)."""
    return format_bounds(low, high, _number, at_least=">=", at_most="<=")


@dataclass(frozen=True)
class PreviewRow:
    """One row of the preview: the result as read and the draw it belongs to."""

    draw: int  # index into the proposed draws
    read: ReadResult


class PasteResultsDialog(QDialog):
    """Paste or open lab results, check the preview, then Save (one transaction)."""

    saved = Signal(object)  # the Change

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Paste lab results")
        self.resize(980, 720)
        self._context = context
        self._lab_text: LabText | None = None
        self._rows: list[PreviewRow] = []
        self._filling = False
        self.question: Question | None = None  # the unit question asked before saving, if any
        # (row, value, unit) the person kept after the unit question: not asked again.
        self._kept_units: set[tuple[int, str, str]] = set()
        self.change: Change | None = None

        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlaceholderText(PLACEHOLDER)
        self.text_edit.setAccessibleName("Lab results as printed")
        self.text_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        # Lab reports are laid out in columns: a fixed-width font keeps them readable.
        self.text_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.open_button = QPushButton("&Open .txt or PDF…", self)
        self.open_button.setAccessibleName("Open a lab report file")
        self.message = ErrorLabel(self)
        self.date_order_label = QLabel("&Dates:", self)
        self.date_order_combo = QComboBox(self)
        self.date_order_combo.setAccessibleName("How the report writes dates")
        for text, order in DATE_ORDER_CHOICES:
            self.date_order_combo.addItem(text, order)
        self.date_order_label.setBuddy(self.date_order_combo)
        self.date_label = QLabel("Draw &date:", self)
        self.date_edit = DateEdit(context.today(), "Draw date", self)
        self.date_label.setBuddy(self.date_edit)
        self.date_hint = QLabel("The text prints no collection date: check this one.", self)
        self.fasting_combo = QComboBox(self)
        self.fasting_combo.setAccessibleName("Fasting before the draw")
        for text, fasting in FASTING_CHOICES:
            self.fasting_combo.addItem(text, fasting)
        fasting_label = QLabel("&Fasting:", self)
        fasting_label.setBuddy(self.fasting_combo)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setAccessibleName("Results read from the text")
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.not_read_label = QLabel("<b>Not read</b> — check these lines by hand:", self)
        self.not_read = QPlainTextEdit(self)
        self.not_read.setReadOnly(True)
        self.not_read.setAccessibleName("Lines that were not read")
        self.not_read.setMaximumHeight(110)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )

        top = QHBoxLayout()
        top.addWidget(QLabel("Paste the results below, or", self))
        top.addWidget(self.open_button)
        top.addStretch(1)
        options = QHBoxLayout()
        options.addWidget(self.date_order_label)
        options.addWidget(self.date_order_combo)
        options.addWidget(self.date_label)
        options.addWidget(self.date_edit)
        options.addWidget(self.date_hint)
        options.addStretch(1)
        options.addWidget(fasting_label)
        options.addWidget(self.fasting_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text_edit, 2)
        layout.addWidget(self.message)
        layout.addLayout(options)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.not_read_label)
        layout.addWidget(self.not_read)
        layout.addWidget(self.buttons)

        self.text_edit.textChanged.connect(self.read_text)
        self.open_button.clicked.connect(self._choose_file)
        self.date_order_combo.currentIndexChanged.connect(self.read_text)
        self.date_edit.dateChanged.connect(self.revalidate)
        self.table.itemChanged.connect(self._item_changed)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.read_text()

    # --- reading ----------------------------------------------------------------------------

    @property
    def save_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def date_order(self) -> DateOrder | None:
        order: DateOrder | None = self.date_order_combo.currentData()
        return order

    def set_date_order(self, order: DateOrder) -> None:
        self.date_order_combo.setCurrentIndex(self.date_order_combo.findData(order))

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open a lab report", "", "Lab reports (*.txt *.pdf);;All files (*)"
        )
        if name:
            self.open_file(Path(name))

    def open_file(self, path: Path) -> None:
        """Put the text of a .txt or text-layer PDF in the box (a refused file says why)."""
        try:
            text = read_lab_file(path)
        except InputError as error:
            self.message.show_reason(error.reason)
            return
        self.text_edit.setPlainText(text)

    def read_text(self, *_args: object) -> None:
        """Read the box again: the preview shows what would be saved."""
        text = self.text_edit.toPlainText()
        self._lab_text = None
        reason: str | None = None
        if text.strip():
            try:
                self._lab_text = read_lab_text(text, self.date_order())
            except InputError as error:
                reason = error.reason
        self.message.show_reason(reason)
        lab_text = self._lab_text
        if lab_text is not None and lab_text.needs_date_order and self.date_order() is None:
            printed = next(draw.date_text for draw in lab_text.draws if draw.date is None)
            self.message.show_reason(
                f"The report dates the draw {printed}: choose how it writes dates."
            )
        needs_order = bool(lab_text and lab_text.needs_date_order) or self.date_order() is not None
        self.date_order_label.setVisible(needs_order)
        self.date_order_combo.setVisible(needs_order)
        # A date the text does not print at all is asked for; an ambiguous one is read once the
        # date order is chosen, never replaced by a date picked here.
        undated = bool(lab_text and any(draw.date_text is None for draw in lab_text.draws))
        for widget in (self.date_label, self.date_edit, self.date_hint):
            widget.setVisible(undated)
        if lab_text is not None and reason is None and self.date_order() is not None:
            problems = [draw.date_problem for draw in lab_text.draws if draw.date_problem]
            self.message.show_reason(problems[0] if problems else None)
            reason = problems[0] if problems else None
        if lab_text is not None and lab_text.draws[0].fasting is not None:
            self.fasting_combo.setCurrentIndex(
                self.fasting_combo.findData(lab_text.draws[0].fasting)
            )
        self._fill_table()
        self._fill_not_read()
        self.revalidate()

    def _draws(self) -> tuple[ProposedDraw, ...]:
        return self._lab_text.draws if self._lab_text is not None else ()

    def _edits(self) -> dict[tuple[int, str], tuple[dict[int, str], bool]]:
        """The person's corrections by source line: edited cells and whether ticked."""
        edits: dict[tuple[int, str], tuple[dict[int, str], bool]] = {}
        for row, preview in enumerate(self._rows):
            read = preview.read
            original = _read_cells(read)
            changed = {
                column: self._cell(row, column)
                for column in EDITABLE
                if self._cell(row, column) != original[column]
            }
            if changed or not self.included(row):
                edits[(read.line_number, read.line)] = (changed, self.included(row))
        return edits

    def _fill_table(self) -> None:
        # Rows whose line of text did not change keep the person's corrections (a new date
        # order re-reads the text but must not undo what was typed in the preview).
        edits = self._edits()
        self._filling = True
        self._kept_units.clear()
        self._rows = [
            PreviewRow(index, result)
            for index, draw in enumerate(self._draws())
            for result in draw.results
        ]
        self.table.setRowCount(len(self._rows))
        for row, preview in enumerate(self._rows):
            read = preview.read
            changed, ticked = edits.get((read.line_number, read.line), ({}, True))
            cells = {DRAW: self._draw_text(self._draws()[preview.draw])}
            cells |= _read_cells(read) | changed
            save = QTableWidgetItem()
            save.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            save.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            save.setToolTip(f"Line {read.line_number}: {read.line}")
            self.table.setItem(row, SAVE, save)
            for column, text in cells.items():
                item = QTableWidgetItem(text)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if column in EDITABLE:
                    flags |= Qt.ItemFlag.ItemIsEditable
                item.setFlags(flags)
                item.setToolTip(f"Line {read.line_number}: {read.line}")
                self.table.setItem(row, column, item)
        self._filling = False

    def _draw_text(self, draw: ProposedDraw) -> str:
        if draw.date is None and draw.date_text is not None:
            return f"{draw.date_text}?"
        if draw.date is None:
            return self.date_edit.value().isoformat()
        return draw.date.isoformat() + (f" {draw.time:%H:%M}" if draw.time else "")

    def _fill_not_read(self) -> None:
        lines = [
            f"line {line.line_number}: {line.line}   ({line.reason})"
            for draw in self._draws()
            for line in draw.not_read
        ]
        self.not_read.setPlainText("\n".join(lines))
        self.not_read.setVisible(bool(lines))
        self.not_read_label.setVisible(bool(lines))

    # --- checking ---------------------------------------------------------------------------

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if not self._filling:
            self.revalidate()

    def included(self, row: int) -> bool:
        item = self.table.item(row, SAVE)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def set_cell(self, row: int, column: int, text: str) -> None:
        """Edit one cell as the person would (the preview re-checks it at once)."""
        item = self.table.item(row, column)
        assert item is not None
        item.setText(text)

    def entry(self, row: int) -> ResultInput:
        """The row as the recording services take it, with the person's edits."""
        read = self._rows[row].read
        low, high = parse_range_text(self._cell(row, RANGE))
        return ResultInput(
            analyte=read.analyte,
            value=self._cell(row, VALUE),
            unit=self._cell(row, UNIT),
            lab_low=low,
            lab_high=high,
            method=read.method,
        )

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _day_of(self, preview: PreviewRow) -> date:
        draw = self._draws()[preview.draw]
        return draw.date if draw.date is not None else self.date_edit.value()

    def check_row(self, row: int) -> LabResult | str:
        """What storing the row would keep, or why it is refused."""
        preview = self._rows[row]
        try:
            built = build_result(self.entry(row))
        except InputError as error:
            return error.reason
        day = self._day_of(preview)
        for draw in self._context.history().draws:
            if draw.date == day and draw.result(built.analyte) is not None:
                return f"already recorded for {day.isoformat()} (edit it on Labs)"
        return built

    def revalidate(self, *_args: object) -> bool:
        """Re-check every row; Save is enabled when every row to save would be saved."""
        self._filling = True
        valid = True
        chosen = 0
        bad = error_color(self.palette())
        seen: set[tuple[int, str]] = set()
        for row, preview in enumerate(self._rows):
            draw_item = self.table.item(row, DRAW)
            if draw_item is not None:
                draw_item.setText(self._draw_text(self._draws()[preview.draw]))
            outcome = self.check_row(row)
            key = (preview.draw, preview.read.analyte)
            if self.included(row) and key in seen and isinstance(outcome, LabResult):
                name = get_analyte(preview.read.analyte).phrase
                outcome = f"a second {name} in this draw: untick one"
            if self.included(row):
                seen.add(key)
            item = self.table.item(row, STORE)
            assert item is not None
            if isinstance(outcome, LabResult):
                analyte = get_analyte(outcome.analyte)
                comparator = outcome.comparator or ""
                item.setText(f"{comparator}{outcome.value:.4g} {analyte.canonical_unit}")
                item.setForeground(QBrush())
            else:
                item.setText(f"✕ {outcome}")
                item.setForeground(QBrush(bad))
            item.setToolTip(item.text())
            if self.included(row):
                chosen += 1
                valid = valid and isinstance(outcome, LabResult)
        undated = [
            draw for draw in self._draws() if draw.date is None and draw.date_problem is not None
        ]
        if undated and self.date_order() is None:
            valid = False
        self._filling = False
        valid = valid and chosen > 0
        self.save_button.setEnabled(valid)
        not_read = sum(len(draw.not_read) for draw in self._draws())
        if self._rows:
            self.summary.setText(
                f"{len(self._rows)} result(s) read, {chosen} to save"
                + (f", {not_read} line(s) not read" if not_read else "")
                + ". Double-click a value, unit or range to correct it; untick a row to leave"
                " it out."
            )
        else:
            self.summary.setText("")
        return valid

    # --- saving -----------------------------------------------------------------------------

    def draws_to_record(self) -> list[DrawToRecord]:
        """The checked rows grouped into their draws, with date, time and fasting."""
        fasting: bool | None = self.fasting_combo.currentData()
        grouped: dict[int, list[ResultInput]] = {}
        for row, preview in enumerate(self._rows):
            if self.included(row):
                grouped.setdefault(preview.draw, []).append(self.entry(row))
        records = []
        for index, entries in grouped.items():
            draw = self._draws()[index]
            day = draw.date if draw.date is not None else self.date_edit.value()
            moment: time | None = draw.time
            records.append(DrawToRecord(day, moment, fasting, tuple(entries)))
        return records

    def save(self) -> None:
        """Write the checked rows (the `lab` rules, one transaction), then close.

        Before writing, a value that fits another unit far better is asked about, one row at a
        time, as on the typed form (docs/design.md, plausibility.json): nothing is saved until
        every such row is answered.
        """
        if not self.revalidate():
            return
        for row, preview in enumerate(self._rows):
            typed = (self._cell(row, VALUE), self._cell(row, UNIT))
            if not self.included(row) or (row, *typed) in self._kept_units:
                continue
            mismatch = check_typed_unit_fit(preview.read.analyte, *typed)
            if mismatch is not None:
                self.question = ask_unit(
                    self,
                    mismatch,
                    partial(self._use_unit, row, mismatch.suggested_unit),
                    partial(self._keep_unit, row, typed),
                )
                return
        try:
            self.change = record_confirmed(self._context.journal, self.draws_to_record())
        except InputError as error:
            self.message.show_reason(error.reason)
            self.save_button.setEnabled(False)
            return
        self._context.notify(self.change)
        self.saved.emit(self.change)
        self.accept()

    def _use_unit(self, row: int, unit: str) -> None:
        self.set_cell(row, UNIT, unit)
        self.save()

    def _keep_unit(self, row: int, typed: tuple[str, str]) -> None:
        self._kept_units.add((row, *typed))
        self.save()
