"""What the Labs forms share: the questions asked before a write, and a draw's date, time and
fasting (the new-draw form and the edit dialog of a result ask them alike)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, time
from functools import partial
from typing import cast

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QTimeEdit, QWidget

from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.labs.result_row import FASTING_CHOICES, ResultRow
from fertilitytracker.gui.widgets.ask import Question, ask_unit, confirm_future_date
from fertilitytracker.gui.widgets.date_edit import DateEdit


class AsksBeforeSaving:
    """A form (a QWidget) that asks before it writes: first about a value that fits another
    unit far better, one row at a time, then about a date after today, once for that date.
    Each answer saves again; Cancel writes nothing and keeps what was typed."""

    _context: AppContext
    question: Question | None = None  # the question asked before saving, if any
    _confirmed_day: date | None = None  # the date after today the person confirmed

    def save(self) -> None:
        raise NotImplementedError

    def asked_first(
        self, rows: Iterable[ResultRow], day: date, what: str, *, known_day: date | None = None
    ) -> bool:
        """Whether a question now stands between the form and the write of `rows` on `day`.

        `what` names the record in the date question; `known_day` (the date the record has
        already) is not asked about.
        """
        parent = cast(QWidget, self)
        for row in rows:
            mismatch = row.unit_mismatch()
            if mismatch is not None:
                self.question = ask_unit(
                    parent,
                    mismatch,
                    partial(self._again, partial(row.set_unit, mismatch.suggested_unit)),
                    partial(self._again, row.keep_unit),
                )
                return True
        if day in (self._confirmed_day, known_day):
            return False
        question = confirm_future_date(
            parent,
            day,
            self._context.today(),
            what,
            partial(self._again, partial(self._confirm, day)),
        )
        if question is not None:
            self.question = question
        return question is not None

    def _confirm(self, day: date) -> None:
        self._confirmed_day = day

    def _again(self, answer: Callable[[], object]) -> None:
        answer()
        self.save()


class DrawWhen(AsksBeforeSaving):
    """A form of a blood draw: its date, and the time and fasting state that belong to the
    whole draw (docs/clinical.md §8)."""

    date_edit: DateEdit
    time_check: QCheckBox
    time_edit: QTimeEdit
    fasting_combo: QComboBox

    def when_fields(
        self, day: date, draw_time: time | None = None, fasting: bool | None = None
    ) -> tuple[QHBoxLayout, QHBoxLayout]:
        """Make the fields, showing `day`, `draw_time` and `fasting`; returns the line of the
        date and the line of the time and fasting, for the form to lay out."""
        parent = cast(QWidget, self)
        self.date_edit = DateEdit(day, "Draw date", parent)
        self.time_check = QCheckBox("Time", parent)
        self.time_check.setAccessibleName("Record the time of the draw")
        self.time_edit = QTimeEdit(parent)
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.setAccessibleName("Draw time")
        self.fasting_combo = QComboBox(parent)
        self.fasting_combo.setAccessibleName("Fasting before the draw")
        for text, choice in FASTING_CHOICES:
            self.fasting_combo.addItem(text, choice)
        self.show_when(draw_time, fasting)
        self.time_check.toggled.connect(self.time_edit.setEnabled)

        date_label = QLabel("&Date", parent)
        date_label.setBuddy(self.date_edit)
        date_line = QHBoxLayout()
        date_line.addWidget(date_label)
        date_line.addWidget(self.date_edit, 1)
        # Time and fasting on a line of their own: the form stays narrow enough for 1024 px.
        when_line = QHBoxLayout()
        when_line.addWidget(self.time_check)
        when_line.addWidget(self.time_edit)
        when_line.addSpacing(12)
        when_line.addWidget(self.fasting_combo)
        when_line.addStretch(1)
        return date_line, when_line

    def show_when(self, draw_time: time | None, fasting: bool | None) -> None:
        """Show the draw's time (08:00 offered when none is recorded) and fasting state."""
        self.time_check.setChecked(draw_time is not None)
        shown = draw_time or time(8, 0)
        self.time_edit.setTime(QTime(shown.hour, shown.minute))
        self.time_edit.setEnabled(draw_time is not None)
        choices = [choice for _text, choice in FASTING_CHOICES]
        self.fasting_combo.setCurrentIndex(choices.index(fasting))

    def when(self) -> tuple[time | None, bool | None]:
        """The draw's time and fasting state as shown (None: not recorded)."""
        shown = self.time_edit.time()
        draw_time = time(shown.hour(), shown.minute()) if self.time_check.isChecked() else None
        return draw_time, self.fasting_combo.currentData()
