"""The dose history of one regimen: each scheduled day taken (with its time), skipped or
missed, and the corrections a person makes to it afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from PySide6.QtCore import QTime
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.adherence import DayTally, day_tallies
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import DoseEvent, Regimen
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.models.base import Column, RowTableModel
from fertilitytracker.gui.theme import flag_color, muted_color
from fertilitytracker.gui.widgets.ask import Question, confirm_future_dose
from fertilitytracker.gui.widgets.fields import ErrorLabel
from fertilitytracker.gui.widgets.record_table import record_table
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.services import operations as services
from fertilitytracker.services.formatting import format_time
from fertilitytracker.services.operations import Change

DEFAULT_TIME = time(8, 0)
TAKEN_MARK = "✓ taken"
SKIPPED_MARK = "⊘ skipped"
MISSED_MARK = "✗ missed"


@dataclass(frozen=True)
class DayRow:
    """One active day of a regimen with what was logged on it."""

    tally: DayTally
    doses: tuple[DoseEvent, ...]
    confirmed: bool

    @property
    def day(self) -> date:
        return self.tally.day

    def what_happened(self) -> str:
        """ "✓ taken 08:05", "⊘ skipped 20:00", "✗ missed" (one part per dose), in words."""
        parts = [
            f"{TAKEN_MARK if dose.status == 'taken' else SKIPPED_MARK} {format_time(dose.at)}"
            for dose in self.doses
        ]
        if self.tally.missed:
            missed = self.tally.missed
            parts.append(MISSED_MARK if missed == 1 else f"{MISSED_MARK} ×{missed}")
            if self.confirmed:
                parts[-1] += " (confirmed)"
        if not parts:
            return "due today" if self.tally.scheduled else "not scheduled"
        return ", ".join(parts)

    def state(self) -> str:
        """ "missed", "skipped", "taken" or "" (the colour of the row follows it)."""
        if self.tally.missed:
            return "missed"
        if any(dose.status == "skipped" for dose in self.doses):
            return "skipped"
        return "taken" if self.doses else ""


def _colour(row: DayRow) -> object:
    palette = QGuiApplication.palette()
    if row.state() == "missed":
        return flag_color(palette, "low")
    if row.state() == "skipped":
        return muted_color(palette)  # skipped never looks like taken
    return None


COLUMNS: tuple[Column[DayRow], ...] = (
    Column("Date", lambda row: f"{row.day:%a} {row.day.isoformat()}", lambda row: row.day),
    Column("Doses due", lambda row: str(row.tally.scheduled or "—"), align_right=True),
    Column("What happened", DayRow.what_happened, colour=_colour),  # type: ignore[arg-type]
)


class DoseHistoryDialog(QDialog):
    """Every scheduled day of one regimen, newest first, with Taken / Skipped / Missed."""

    def __init__(self, context: AppContext, regimen_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._regimen_id = regimen_id
        self.setWindowTitle("Dose history")
        self.title = QLabel(self)
        self.model: RowTableModel[DayRow] = RowTableModel(COLUMNS, self)
        self.table = record_table("Dose history", self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.time_edit = QTimeEdit(self)
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setAccessibleName("Time the dose was taken")
        self.taken_button = QPushButton("&Taken", self)
        self.taken_button.setAccessibleName("Mark the selected day taken")
        self.skipped_button = QPushButton("&Skipped", self)
        self.skipped_button.setAccessibleName("Mark the selected day skipped")
        self.missed_button = QPushButton("&Missed", self)
        self.missed_button.setAccessibleName("Mark the selected day missed")
        self.error = ErrorLabel(self)
        self.question: Question | None = None  # the future-time question while it is open
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        actions = QHBoxLayout()
        actions.addWidget(QLabel("The selected day was:", self))
        actions.addWidget(self.taken_button)
        actions.addWidget(self.skipped_button)
        actions.addWidget(self.missed_button)
        actions.addSpacing(12)
        time_label = QLabel("&time", self)
        time_label.setBuddy(self.time_edit)
        actions.addWidget(time_label)
        actions.addWidget(self.time_edit)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.error)
        layout.addWidget(close)

        self.taken_button.clicked.connect(lambda: self.mark("taken"))
        self.skipped_button.clicked.connect(lambda: self.mark("skipped"))
        self.missed_button.clicked.connect(lambda: self.mark("missed"))
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.resize(560, 520)
        self.refresh()

    # --- reading ------------------------------------------------------------------------------

    def regimen(self) -> Regimen | None:
        history = self._context.history()
        return next((r for r in history.regimens if r.id == self._regimen_id), None)

    def refresh(self, select: date | None = None) -> None:
        regimen = self.regimen()
        if regimen is None:
            self.model.set_rows(())
            return
        history = self._context.history()
        doses = [dose for dose in history.doses if dose.regimen_id == regimen.id]
        confirmed_by_regimen = services.confirmed_missed(self._context.journal)
        confirmed = confirmed_by_regimen.get(regimen.id or -1, frozenset())
        rows = [
            DayRow(
                tally,
                tuple(sorted((d for d in doses if d.at.date() == tally.day), key=lambda d: d.at)),
                tally.day in confirmed,
            )
            for tally in day_tallies(regimen, doses, self._context.today())
            if tally.scheduled or tally.taken
        ]
        rows.reverse()  # newest first
        self.model.set_rows(rows)
        self.title.setText(f"<b>{regimen.name}</b> since {regimen.start.isoformat()}")
        self.setWindowTitle(f"Dose history — {regimen.name}")
        target = 0
        for position, row in enumerate(rows):
            if row.day == select:
                target = position
        if rows:
            self.table.selectRow(target)
        self._selected()

    def selected_row(self) -> DayRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.row_at(indexes[0].row()) if indexes else None

    def _selected(self, *_args: object) -> None:
        row = self.selected_row()
        for button in (self.taken_button, self.skipped_button, self.missed_button):
            button.setEnabled(row is not None)
        if row is None:
            return
        regimen = self.regimen()
        shown = row.doses[0].at.time() if row.doses else None
        shown = shown or (regimen.time_of_day if regimen else None) or DEFAULT_TIME
        self.time_edit.setTime(QTime(shown.hour, shown.minute))
        self.missed_button.setText("Confirm &missed" if row.tally.missed else "&Missed")

    # --- correcting ---------------------------------------------------------------------------

    def mark(self, state: str) -> None:
        """Make the selected day taken (at the time shown), skipped or missed."""
        row = self.selected_row()
        regimen = self.regimen()
        if row is None or regimen is None or regimen.id is None:
            return
        shown = self.time_edit.time()
        at = datetime.combine(row.day, time(shown.hour(), shown.minute()))
        if state != "missed":
            # A dose later than now is asked about first, as a draw dated ahead is.
            self.question = confirm_future_dose(
                self, at, self._context.now(), lambda: self._save(row, regimen, state, at)
            )
            if self.question is not None:
                return
        self._save(row, regimen, state, at)

    def _save(self, row: DayRow, regimen: Regimen, state: str, at: datetime) -> None:
        self.question = None
        assert regimen.id is not None
        journal = self._context.journal
        changes: list[Change] = []
        try:
            if state == "missed":
                for dose in row.doses:
                    if dose.id is not None:
                        changes.append(services.remove(journal, "dose", dose.id)[0])
                changes.append(services.confirm_missed(journal, regimen.id, [row.day]))
            elif row.tally.missed or not row.doses:
                # A dose not logged yet: log it as the person says now.
                changes.append(
                    services.log_dose(journal, regimen.name, at, skipped=state == "skipped")
                )
            else:
                # Correct the logged dose (the first of the day, or the only one).
                wanted = "skipped" if state == "skipped" else "taken"
                target = next((d for d in row.doses if d.status != wanted), row.doses[0])
                assert target.id is not None
                changes.append(
                    services.correct_dose(journal, target.id, skipped=state == "skipped", at=at)
                )
        except InputError as error:
            self.error.show_reason(error.reason)
            return
        self.error.show_reason(None)
        for change in changes:
            self._context.notify(change)
        if changes:
            show_status(self.parentWidget() or self, changes[-1].summary)
        self.refresh(select=row.day)
