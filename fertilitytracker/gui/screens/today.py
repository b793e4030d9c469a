"""Today: doses due with one-click Taken/Skipped, missed doses, latest hormones, tests due."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.monitoring import DueTest
from fertilitytracker.core.records import History, Regimen
from fertilitytracker.core.resources import load_json
from fertilitytracker.gui.context import AppContext, follow_changes
from fertilitytracker.gui.navigation import Navigation, NewAnalysis, NewDraw
from fertilitytracker.gui.screens.today_doses import (
    MISSED_LOOKBACK_DAYS,
    DueDosesPanel,
    MissedDosesPanel,
)
from fertilitytracker.gui.screens.today_latest import (
    EstradiolBanner,
    LatestHormonesPanel,
    latest_values,
)
from fertilitytracker.gui.widgets.page import scrolling_page
from fertilitytracker.gui.widgets.sections import GridSection, muted_label
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.gui.widgets.undo_bar import UndoBar
from fertilitytracker.services import operations as services
from fertilitytracker.services.operations import Change

if TYPE_CHECKING:
    from fertilitytracker.gui.widgets.ask import Question

TEST_LABELS = {
    "hormone_panel": "Hormone panel",
    "semen_analysis": "Semen analysis",
    "lipid_panel": "Lipid panel",
    "dexa": "DEXA scan",
}
# A dose logged for an earlier day without a set time of day is put at noon.
DEFAULT_DOSE_TIME = time(12, 0)


def _analytes_to_log(rule: str) -> list[str]:
    """The analytes that satisfy a monitoring rule (monitoring_rules.json `satisfied_by`)."""
    for entry in load_json("monitoring_rules.json")["rules"]:
        if entry["id"] == rule or rule in entry.get("reminder_rules", ()):
            return [key for key in entry.get("satisfied_by", ()) if _is_analyte(key)]
    return []


def _is_analyte(key: str) -> bool:
    try:
        get_analyte(key)
    except InputError:
        return False
    return True


def _open_or_overdue(windows: Iterable[DueTest]) -> list[DueTest]:
    return [window for window in windows if window.status in ("open", "overdue")]


class TestsDuePanel(GridSection):
    """The test windows open or overdue today, each with a button to log its result."""

    def __init__(
        self,
        context: AppContext,
        log_result: Callable[[DueTest], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Tests due", parent)
        self.context = context
        self._log_result = log_result

    def show_due(self) -> None:
        """The open and overdue windows of today, as the context worked them out (the tray
        reads the same)."""
        self.clear()
        windows = _open_or_overdue(self.context.due_tests(self.context.today()))
        if not windows:
            self.show_empty("No test is due now.")
            return
        for row, window in enumerate(windows):
            label = TEST_LABELS.get(window.test, window.test)
            name = QLabel(f"<b>{label}</b>", self)
            if window.status == "overdue":
                status = QLabel(f"▲ overdue since {window.due}", self)
                # A bold font, not a style sheet: a widget's own style sheet puts Qt's style
                # sheet machinery in the way of its polish and every paint.
                bold = status.font()
                bold.setBold(True)
                status.setFont(bold)
            else:
                status = QLabel(f"due by {window.due}", self)
            status.setAccessibleName(f"{label} status")
            reason = muted_label(window.reason, self)  # reasons carry typed medication names
            reason.setWordWrap(True)
            button = QPushButton("Log result", self)
            button.setAccessibleName(f"Log result: {label}")
            button.clicked.connect(lambda _=False, w=window: self._log_result(w))
            self.add_row(row, name, status, reason, button)
        self.grid.setColumnStretch(2, 1)


class TodayScreen(QWidget):
    """The daily dashboard."""

    navigate_requested = Signal(object)  # a Navigation
    dose_logged = Signal(object)  # the Change of the dose written

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.question: Question | None = None  # the future-time question while it is open
        self.setAccessibleName("Today")
        body, self._body = scrolling_page(self)

        self.heading = QLabel(body)
        heading_font = QFont(self.heading.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.5)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.warning_banner = EstradiolBanner(context, body)
        self.undo_bar = UndoBar(body)
        self.doses_box = DueDosesPanel(
            context, lambda regimen, skipped: self.log_dose(regimen, skipped=skipped), body
        )
        self.missed_box = MissedDosesPanel(
            context, self.log_missed_as_taken, self.confirm_missed, body
        )
        self.latest_box = LatestHormonesPanel(context, body)
        self.tests_box = TestsDuePanel(context, self._log_result, body)
        for widget in (
            self.heading,
            self.warning_banner,
            self.undo_bar,
            self.doses_box,
            self.missed_box,
            self.latest_box,
            self.tests_box,
        ):
            self._body.addWidget(widget)
        self._body.addStretch(1)

        self.follower = follow_changes(self, context, self.apply_change)
        context.journal_replaced.connect(self._on_replaced)
        self.refresh()

    # --- refresh ----------------------------------------------------------------------------

    def apply_change(self, change: Change) -> None:
        """Rebuild only the sections `change` touches (symptoms touch none)."""
        if not change.is_bounded:
            self.refresh()
            return
        history = self.shown_records()
        if change.touches("regimens", "doses"):
            self.doses_box.show_for(history)
            self.missed_box.show_for(history)
        if change.touches("regimens", "labs", "targets"):
            self._show_latest(history)
        if change.touches("regimens", "labs", "semen", "dexa"):
            self.tests_box.show_due()

    def _on_replaced(self) -> None:
        self.undo_bar.dismiss()
        self.follower.mark_stale()  # the other journal: now if shown, else on the next visit

    def refresh(self) -> None:
        """Rebuild every section from the journal."""
        history = self.shown_records()
        today = self.context.today()
        self.heading.setText(f"Today, {today:%A %d %B %Y}")
        self.doses_box.show_for(history)
        self.missed_box.show_for(history)
        self._show_latest(history)
        self.tests_box.show_due()

    def _show_latest(self, history: History) -> None:
        """The banner and the latest hormones, from one reading of the latest draws."""
        latest, ratio_view = latest_values(self.context, history)
        self.warning_banner.show_for(latest)
        self.latest_box.show_for(history, latest, ratio_view)

    def shown_records(self) -> History:
        """What Today shows is read from: the doses of the days it shows, the latest draws,
        analysis and scan it shows or its rules read, no symptoms (bounded: the same cost on a
        ten-year journal as on a new one)."""
        today = self.context.today()
        return self.context.shown_records(today, today - timedelta(days=MISSED_LOOKBACK_DAYS))

    # --- logging doses ----------------------------------------------------------------------

    def log_dose(self, regimen: Regimen, *, skipped: bool, on: datetime | None = None) -> None:
        """Log one dose of `regimen` now (or at `on`), with an Undo offer."""
        now = self.context.now()
        at = on or datetime.combine(self.context.today(), now.time())
        if on is not None:
            # Loaded when a dose is first logged for another time: the first paint does without
            # it (docs/design.md, start-up order).
            from fertilitytracker.gui.widgets.ask import confirm_future_dose

            # A dose given a moment later than now is asked about first.
            self.question = confirm_future_dose(
                self, on, now, lambda: self._save_dose(regimen, skipped, on)
            )
            if self.question is not None:
                return
        self._save_dose(regimen, skipped, at)

    def _save_dose(self, regimen: Regimen, skipped: bool, at: datetime) -> None:
        self.question = None
        try:
            change = services.log_dose(self.context.journal, regimen.name, at, skipped=skipped)
        except InputError as error:
            show_status(self, f"Not logged: {error.reason}")
            return
        self._saved(change)
        # Medication names keep the case they were typed in, even at the start of a sentence.
        self.undo_bar.offer(f"{change.summary}.", self._undo(change))

    def _saved(self, change: Change) -> None:
        self.context.notify(change)
        self.dose_logged.emit(change)
        show_status(self, f"Saved: {change.summary}")

    def _undo(self, change: Change) -> Callable[[], None]:
        def undo() -> None:
            for dose_id in change.ids:
                try:
                    removed_change, _removed = services.remove(
                        self.context.journal, "dose", dose_id
                    )
                except InputError as error:
                    show_status(self, f"Could not undo: {error.reason}")
                    return
                self.context.notify(removed_change)
            show_status(self, "Dose removed")

        return undo

    def focus_first_dose(self) -> None:
        """Put the keyboard focus on the first enabled Taken button (Ctrl+D)."""
        self.doses_box.focus_first_dose()

    def log_missed_as_taken(self, regimen: Regimen, days: list[date]) -> None:
        """Log the missed doses of `days` as taken (one day, or a backfill of the range)."""
        if len(days) == 1:
            at = datetime.combine(days[0], regimen.time_of_day or DEFAULT_DOSE_TIME)
            self.log_dose(regimen, skipped=False, on=at)
            return
        try:
            change = services.backfill_doses(self.context.journal, regimen.name, days[0], days[-1])
        except InputError as error:
            show_status(self, f"Not logged: {error.reason}")
            return
        self._saved(change)

    def confirm_missed(self, regimen: Regimen, days: list[date]) -> None:
        """The person says these doses were missed: Today stops asking about them."""
        if regimen.id is None:
            return
        change = services.confirm_missed(self.context.journal, regimen.id, days)
        self.context.notify(change)
        show_status(self, f"Saved: {change.summary}")

    # --- tests due --------------------------------------------------------------------------

    def _log_result(self, window: DueTest) -> None:
        if window.test == "semen_analysis":
            self.navigate_requested.emit(Navigation("semen", NewAnalysis()))
            return
        analytes = tuple(_analytes_to_log(window.rule)) or None
        self.navigate_requested.emit(Navigation("labs", NewDraw(analytes, window.test)))
