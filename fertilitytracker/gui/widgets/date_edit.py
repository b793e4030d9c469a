"""A date field with a calendar popup that shows and returns ISO dates."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

ISO_DISPLAY = "yyyy-MM-dd"


class DateEdit(QDateEdit):
    """A QDateEdit in ISO format with a calendar, working in `datetime.date`."""

    def __init__(
        self, value: date | None = None, accessible_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(ISO_DISPLAY)
        self.setMinimumDate(QDate(1900, 1, 1))
        self.setMaximumDate(QDate(2100, 12, 31))
        if accessible_name:
            self.setAccessibleName(accessible_name)
        if value is not None:
            self.set_value(value)

    def value(self) -> date:
        """The date shown, as a `datetime.date`."""
        shown = self.date()
        return date(shown.year(), shown.month(), shown.day())

    def set_value(self, value: date) -> None:
        self.setDate(QDate(value.year, value.month, value.day))
