"""Today's dose lists: the doses due today (Taken / Skipped) and the doses missed lately."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from fertilitytracker.core.adherence import doses_due_today, missed_days
from fertilitytracker.core.records import DoseEvent, History, Regimen
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.theme import colour_text, muted_color, ok_color
from fertilitytracker.gui.widgets.rich_text import escaped
from fertilitytracker.gui.widgets.sections import GridSection
from fertilitytracker.services import operations as services
from fertilitytracker.services.formatting import format_dose, format_time

MISSED_LOOKBACK_DAYS = 7


def recent_doses(context: AppContext, history: History, regimen: Regimen) -> list[DoseEvent]:
    """The regimen's doses of the days Today shows (today and the missed-dose lookback):
    the adherence rules count doses per day, so older ones change nothing here."""
    since = datetime.combine(context.today() - timedelta(days=MISSED_LOOKBACK_DAYS), time(0, 0))
    recent: list[DoseEvent] = []
    for dose in reversed(history.doses):  # in time order: read back only to `since`
        if dose.at < since:
            break
        if dose.regimen_id == regimen.id:
            recent.append(dose)
    return recent[::-1]


def _days_words(days: list[date]) -> str:
    return days[0].isoformat() if len(days) == 1 else f"{days[0]} to {days[-1]}"


class DueDosesPanel(GridSection):
    """The regimens active today, each with its dose, what is logged, Taken and Skipped."""

    def __init__(
        self,
        context: AppContext,
        log_dose: Callable[[Regimen, bool], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Doses due today", parent)
        self.context = context
        self._log_dose = log_dose  # (regimen, skipped)

    def show_for(self, history: History) -> None:
        self.clear()
        today = self.context.today()
        active = [regimen for regimen in history.regimens if regimen.is_active_on(today)]
        if not active:
            self.show_empty("No medication is active today. Start one on the Medications page.")
            return
        for row, regimen in enumerate(active):
            doses = recent_doses(self.context, history, regimen)
            scheduled, logged = doses_due_today(regimen, doses, today)
            step = regimen.step_on(today)
            assert step is not None
            schedule = parse_schedule(step.schedule)
            at = f", at {format_time(regimen.time_of_day)}" if regimen.time_of_day else ""
            name = QLabel(f"<b>{escaped(regimen.name)}</b>", self)
            detail = QLabel(f"{format_dose(step.dose, step.unit)}, {schedule.describe()}{at}", self)
            status = QLabel(self._dose_status(scheduled, logged, doses), self)
            detail.setTextFormat(Qt.TextFormat.PlainText)
            status.setAccessibleName(f"{regimen.name} status")
            todays = [dose for dose in doses if dose.at.date() == today]
            if scheduled and logged >= scheduled:
                all_taken = all(dose.status == "taken" for dose in todays)
                colour_text(status, ok_color if all_taken else muted_color)
            taken = QPushButton("Taken", self)
            taken.setAccessibleName(f"Taken: {regimen.name}")
            skipped = QPushButton("Skipped", self)
            skipped.setAccessibleName(f"Skipped: {regimen.name}")
            as_needed = schedule.kind == "as_needed"
            taken.setEnabled(as_needed or logged < scheduled)
            skipped.setEnabled(not as_needed and logged < scheduled)
            taken.clicked.connect(lambda _=False, r=regimen: self._log_dose(r, False))
            skipped.clicked.connect(lambda _=False, r=regimen: self._log_dose(r, True))
            self.add_row(row, name, detail, status, taken, skipped)
        # The status sits right after the dose, not half a window away from it.
        self.grid.setColumnStretch(2, 1)
        self.grid.setHorizontalSpacing(16)

    def _dose_status(self, scheduled: int, logged: int, doses: list[DoseEvent]) -> str:
        today = self.context.today()
        todays = [dose for dose in doses if dose.at.date() == today]
        # "✓ taken 08:00" and "⊘ skipped 08:00": a skipped dose never reads as done.
        done = ", ".join(
            f"{'✓ taken' if dose.status == 'taken' else '⊘ skipped'} {format_time(dose.at)}"
            for dose in todays
        )
        if scheduled == 0:
            return f"not scheduled today{'; ' + done if done else ''}"
        left = max(0, scheduled - logged)
        if left == 0:
            return done
        due = f"{left} dose{'s' if left > 1 else ''} due"
        return f"{due}; {done}" if done else due

    def focus_first_dose(self) -> None:
        """Put the keyboard focus on the first enabled Taken button."""
        for button in self.findChildren(QPushButton):
            if button.text() == "Taken" and button.isEnabled():
                button.setFocus()
                return


# (regimen, its missed days) -> None
DaysAction = Callable[[Regimen, list[date]], None]


class MissedDosesPanel(GridSection):
    """The days of the last week with a dose missed, to log as taken or confirm as missed."""

    def __init__(
        self,
        context: AppContext,
        log_as_taken: DaysAction,
        confirm_missed: DaysAction,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Missed in the last {MISSED_LOOKBACK_DAYS} days", parent)
        self.context = context
        self._log_as_taken = log_as_taken
        self._confirm_missed = confirm_missed

    def missed_by_regimen(self, history: History) -> list[tuple[Regimen, list[date]]]:
        """Days with a missed dose per regimen, the person's confirmed misses left out.

        The last week, or since the start for a regimen started in the past with nothing
        logged yet (a backdated start: all its days are asked about at once).
        """
        today = self.context.today()
        confirmed = services.confirmed_missed(self.context.journal)
        found: list[tuple[Regimen, list[date]]] = []
        # `history` holds the last week of doses only: whether a regimen was ever logged is
        # asked of the journal (a regimen logged long ago is not a backdated start).
        logged = self.context.logged_regimens()
        for regimen in history.regimens:
            doses = recent_doses(self.context, history, regimen)
            since = today - timedelta(days=MISSED_LOOKBACK_DAYS)
            if not doses and regimen.id not in logged:
                since = min(since, regimen.start)
            known = confirmed.get(regimen.id or -1, frozenset())
            days = [day for day, _ in missed_days(regimen, doses, today, since) if day not in known]
            if days:
                found.append((regimen, days))
        return found

    def show_for(self, history: History) -> None:
        self.clear()
        row = 0
        for regimen, days in self.missed_by_regimen(history):
            name = escaped(regimen.name)
            if len(days) == 1:
                (day,) = days
                text = f"<b>{name}</b>: {day:%a %Y-%m-%d} missed"
            else:
                text = (
                    f"<b>{name}</b>: {len(days)} days missed, "
                    f"{days[0]:%a %Y-%m-%d} to {days[-1]:%a %Y-%m-%d}"
                )
            label = QLabel(text, self)
            taken = QPushButton("Log as taken" if len(days) == 1 else "Log all as taken", self)
            taken.setAccessibleName(f"Log {regimen.name} of {_days_words(days)} as taken")
            taken.clicked.connect(lambda _=False, r=regimen, d=days: self._log_as_taken(r, d))
            missed = QPushButton("It was missed" if len(days) == 1 else "They were missed", self)
            missed.setAccessibleName(f"Confirm {regimen.name} of {_days_words(days)} missed")
            missed.clicked.connect(lambda _=False, r=regimen, d=days: self._confirm_missed(r, d))
            self.add_row(row, label, taken, missed)
            row += 1
        if row == 0:
            self.show_empty("No missed doses. Well done.")
        self.grid.setColumnStretch(0, 1)
