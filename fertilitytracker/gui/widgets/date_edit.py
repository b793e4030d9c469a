"""A date field that takes a whole typed or pasted ISO date and shows the date it will save.

A QDateEdit edits one section at a time: selecting all and typing "2025-06-10" could leave the
year it had before. This field is a plain line edit parsed by the core (YYYY-MM-DD), a calendar
button, and a line beside it naming the date that will be saved ("Tue 10 Jun 2025"). Text that
is not (yet) a date leaves the last date in force; leaving the field shows that date again.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.validation import MAX_YEAR, MIN_YEAR, parse_date

ISO_DISPLAY = "yyyy-MM-dd"


# DateEdit has a method named `date` (QDateEdit's): inside the class the type is `Day`.
Day = date


def spoken_date(day: date) -> str:
    """ "Tue 10 Jun 2025": the date as people read it, with its weekday."""
    return f"{day:%a} {day.day} {day:%b %Y}"


class DateEdit(QWidget):
    """An ISO date field with a calendar popup, working in `datetime.date`."""

    dateChanged = Signal(QDate)

    def __init__(
        self, value: date, accessible_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._value = value
        self.line_edit = _DateLine(self)
        self.line_edit.setPlaceholderText("YYYY-MM-DD")
        self.line_edit.setMaxLength(24)
        self.line_edit.setMinimumWidth(
            self.line_edit.fontMetrics().horizontalAdvance("0000-00-00") + 12
        )
        self.line_edit.setMaximumWidth(self.line_edit.minimumWidth() + 12)
        self.calendar = QCalendarWidget(self)
        self.calendar.setMinimumDate(QDate(MIN_YEAR, 1, 1))
        self.calendar.setMaximumDate(QDate(MAX_YEAR, 12, 31))
        self.calendar.setGridVisible(False)
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.calendar_button = QToolButton(self)
        self.calendar_button.setText("▾")
        self.calendar_button.setToolTip("Choose on a calendar")
        self.calendar_button.setMenu(menu)
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.shown_label = QLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.calendar_button)
        layout.addWidget(self.shown_label)
        layout.addStretch(1)
        self.setFocusProxy(self.line_edit)
        if accessible_name:
            self.setAccessibleName(accessible_name)
            self.line_edit.setAccessibleName(accessible_name)
            self.calendar_button.setAccessibleName(f"{accessible_name}: calendar")
        self.line_edit.textEdited.connect(self._typed)
        self.line_edit.editingFinished.connect(self._show_value)
        self.calendar.clicked.connect(self._picked)
        menu.aboutToShow.connect(lambda: self.calendar.setSelectedDate(self.date()))
        self._show_value()

    # --- the QDateEdit-like surface -----------------------------------------------------------

    def value(self) -> date:
        """The date that will be saved."""
        return self._value

    def set_value(self, value: date) -> None:
        self._set(value)
        self._show_value()

    def date(self) -> QDate:
        return QDate(self._value.year, self._value.month, self._value.day)

    def setDate(self, value: QDate) -> None:
        self.set_value(date(value.year(), value.month(), value.day()))

    def text(self) -> str:
        return self.line_edit.text()

    def step(self, days: int) -> None:
        """Move the date by `days` (Up/Down arrows in the field)."""
        try:
            self.set_value(self._value + timedelta(days=days))
        except OverflowError:
            return

    # --- internals ----------------------------------------------------------------------------

    def _set(self, value: Day) -> None:
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            return
        changed = value != self._value
        self._value = value
        self.shown_label.setText(spoken_date(value))
        self.shown_label.setToolTip(f"Will be saved as {value.isoformat()}")
        if changed:
            self.dateChanged.emit(self.date())

    def _typed(self, text: str) -> None:
        try:
            parsed = parse_date(text, "date")
        except InputError:
            return  # not a date yet: the last date stays in force and stays shown beside
        self._set(parsed)

    def _show_value(self) -> None:
        iso = self._value.isoformat()
        if self.line_edit.text() != iso:
            self.line_edit.setText(iso)
        self.shown_label.setText(spoken_date(self._value))

    def _picked(self, picked: QDate) -> None:
        self.set_value(date(picked.year(), picked.month(), picked.day()))
        menu = self.calendar_button.menu()
        if menu is not None:
            menu.close()


class _DateLine(QLineEdit):
    """The text part: Up/Down step the date by a day."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        owner = self.parent()
        if isinstance(owner, DateEdit) and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            owner.step(1 if event.key() == Qt.Key.Key_Up else -1)
            return
        super().keyPressEvent(event)
