"""A question asked before a save ("Did you mean 14.1 nmol/L?"), answered with named buttons.

The box is window-modal and opened without blocking (`open()`), so the form goes on when the
person answers: each choice runs its callable; Cancel or Escape runs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from fertilitytracker.core.plausibility import UnitMismatch

Choice = tuple[str, Callable[[], object]]


class Question(QMessageBox):
    """A question with one button per choice and a Cancel button."""

    def __init__(self, parent: QWidget, title: str, text: str, choices: Sequence[Choice]) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(title)
        self.setText(text)
        self.choice_buttons: list[QPushButton] = []
        self._actions: dict[QPushButton, Callable[[], object]] = {}
        for position, (label, action) in enumerate(choices):
            button = self.addButton(label, QMessageBox.ButtonRole.AcceptRole)
            self._actions[button] = action
            self.choice_buttons.append(button)
            if position == 0:
                self.setDefaultButton(button)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setEscapeButton(self.cancel_button)
        # The choice runs once the box has closed, so it may open the next question.
        self.finished.connect(self._finished)

    def button_texts(self) -> list[str]:
        return [button.text() for button in self.choice_buttons]

    def choose(self, label: str) -> None:
        """Click the choice named `label` (as a person would)."""
        for button in self.choice_buttons:
            if button.text() == label:
                button.click()
                return
        raise KeyError(label)

    def _finished(self, _result: int) -> None:
        clicked = self.clickedButton()
        action = self._actions.get(clicked) if isinstance(clicked, QPushButton) else None
        self.deleteLater()
        if action is not None:
            action()


def ask(parent: QWidget, title: str, text: str, choices: Sequence[Choice]) -> Question:
    """Open a question over `parent` and return it at once (its answer runs a choice)."""
    question = Question(parent, title, text, choices)
    question.open()
    return question


def ask_unit(
    parent: QWidget,
    mismatch: UnitMismatch,
    use_suggested: Callable[[], object],
    keep: Callable[[], object],
) -> Question:
    """ "14.1 ng/dL is far below … Did you mean 14.1 nmol/L?" [Save as 14.1 nmol/L] [Keep …]."""
    value = mismatch.value_text
    return ask(
        parent,
        "Check the unit",
        mismatch.message(),
        [
            (f"Save as {value} {mismatch.suggested_unit}", use_suggested),
            (f"Keep {value} {mismatch.unit}", keep),
        ],
    )


def confirm_future_date(
    parent: QWidget, day: date, today: date, what: str, proceed: Callable[[], object]
) -> Question | None:
    """Ask before saving `what` ("blood draw") dated after today; None when `day` is not."""
    if day <= today:
        return None
    days = (day - today).days
    when = "tomorrow" if days == 1 else f"in {days} days"
    return ask(
        parent,
        "A date in the future",
        f"The {what} is dated {day.isoformat()}, {when}. Save it with that date?",
        [(f"Save with {day.isoformat()}", proceed)],
    )


def confirm_future_dose(
    parent: QWidget, at: datetime, now: datetime, proceed: Callable[[], object]
) -> Question | None:
    """Ask before logging a dose at a moment after `now` (a later day, or later today); None
    when `at` is not in the future. A dose is taken at a time, so the time counts too."""
    if at <= now:
        return None
    if at.date() > now.date():
        return confirm_future_date(parent, at.date(), now.date(), "dose", proceed)
    shown = f"{at:%H:%M}"
    return ask(
        parent,
        "A time in the future",
        f"The dose is logged at {shown} today, later than now ({now:%H:%M}). Save it at that time?",
        [(f"Save at {shown}", proceed)],
    )
