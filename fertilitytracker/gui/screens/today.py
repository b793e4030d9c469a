"""Today: doses due with one-click Taken/Skipped, missed doses, latest hormones, tests due."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QLayout,
    QPushButton,
    QWidget,
)

from fertilitytracker.core.adherence import doses_due_today, missed_days
from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.derived import (
    T_E_THRESHOLD_SI,
    T_E_THRESHOLD_SI_SOURCE,
    T_E_THRESHOLD_US,
    T_E_THRESHOLD_US_SOURCE,
    t_e_below_threshold,
)
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.monitoring import (
    DueTest,
    due_tests,
)
from fertilitytracker.core.ranges import OVER_SUPPRESSION_SOURCE
from fertilitytracker.core.records import DoseEvent, History, Regimen
from fertilitytracker.core.resources import load_json
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.gui.context import AppContext, follow_changes
from fertilitytracker.gui.navigation import Navigation, NewAnalysis, NewDraw
from fertilitytracker.gui.theme import (
    colour_text,
    flag_color,
    muted_color,
    ok_color,
    warning_style,
)
from fertilitytracker.gui.widgets.ask import Question, confirm_future_dose
from fertilitytracker.gui.widgets.flag_badge import FlagBadge
from fertilitytracker.gui.widgets.page import scrolling_page
from fertilitytracker.gui.widgets.status import show_status
from fertilitytracker.gui.widgets.undo_bar import UndoBar
from fertilitytracker.services import operations as services
from fertilitytracker.services.formatting import (
    format_beside,
    format_dose,
    format_number,
    format_time,
)
from fertilitytracker.services.operations import Change
from fertilitytracker.services.settings import rule_offsets_setting
from fertilitytracker.services.views import (
    LC_MS_ADVICE,
    DrawView,
    ResultView,
    flag_words,
    lab_draw_view,
    value_text,
)

KEY_HORMONES: tuple[str, ...] = (
    "total_testosterone",
    "free_testosterone",
    "estradiol",
    "lh",
    "fsh",
)
MISSED_LOOKBACK_DAYS = 7
TEST_LABELS = {
    "hormone_panel": "Hormone panel",
    "semen_analysis": "Semen analysis",
    "lipid_panel": "Lipid panel",
    "dexa": "DEXA scan",
}
# A dose logged for an earlier day without a set time of day is put at noon.
DEFAULT_DOSE_TIME = time(12, 0)


def _clear(layout: QLayout) -> None:
    """Remove and delete every widget and sub-layout of `layout`."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        inner = item.layout()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif inner is not None:
            _clear(inner)


def _analytes_to_log(rule: str) -> list[str]:
    """The analytes that satisfy a monitoring rule (monitoring_rules.json `satisfied_by`)."""
    for entry in load_json("monitoring_rules.json")["rules"]:
        if entry["id"] == rule or rule in entry.get("reminder_rules", ()):
            return [key for key in entry.get("satisfied_by", ()) if _is_analyte(key)]
    return []


def _days_words(days: list[date]) -> str:
    return days[0].isoformat() if len(days) == 1 else f"{days[0]} to {days[-1]}"


def _is_analyte(key: str) -> bool:
    try:
        get_analyte(key)
    except InputError:
        return False
    return True


@dataclass(frozen=True)
class LatestValue:
    """The latest result of one analyte as shown on Today."""

    result: ResultView
    draw_date: str


@dataclass(frozen=True)
class SuppressionWarning:
    """The estradiol state of docs/clinical.md §4 of the latest estradiol, as the core read it."""

    result: ResultView
    draw_date: str
    value_text: str
    floor_text: str
    regimens: str

    @property
    def cannot_tell(self) -> bool:
        return self.result.estradiol_state == "cannot_tell"


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
        self._body.addWidget(self.heading)

        self.warning_banner = QLabel(body)
        self.warning_banner.setWordWrap(True)
        self.warning_banner.setTextFormat(Qt.TextFormat.RichText)
        self.warning_banner.setAccessibleName("Estradiol warning")
        self.warning_banner.setVisible(False)
        self._body.addWidget(self.warning_banner)

        self.undo_bar = UndoBar(body)
        self._body.addWidget(self.undo_bar)

        self.doses_box = QGroupBox("Doses due today", body)
        self._doses_layout = QGridLayout(self.doses_box)
        self._body.addWidget(self.doses_box)

        self.missed_box = QGroupBox(f"Missed in the last {MISSED_LOOKBACK_DAYS} days", body)
        self._missed_layout = QGridLayout(self.missed_box)
        self._body.addWidget(self.missed_box)

        self.latest_box = QGroupBox("Latest hormones", body)
        self._latest_layout = QGridLayout(self.latest_box)
        self._body.addWidget(self.latest_box)

        self.tests_box = QGroupBox("Tests due", body)
        self._tests_layout = QGridLayout(self.tests_box)
        self._body.addWidget(self.tests_box)
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
            self._show_doses(history)
            self._show_missed(history)
        if change.touches("regimens", "labs", "targets"):
            self._show_warning(history)
            self._show_latest(history)
        if change.touches("regimens", "labs", "semen", "dexa"):
            self._show_tests(history)

    def _on_replaced(self) -> None:
        self.undo_bar.dismiss()
        self.refresh()

    def refresh(self) -> None:
        """Rebuild every section from the journal."""
        history = self.shown_records()
        today = self.context.today()
        self.heading.setText(f"Today, {today:%A %d %B %Y}")
        self._show_warning(history)
        self._show_doses(history)
        self._show_missed(history)
        self._show_latest(history)
        self._show_tests(history)

    # --- estradiol warning ------------------------------------------------------------------

    def shown_records(self) -> History:
        """What Today shows is read from: the doses of the days it shows only, no symptoms
        (bounded: the same cost on a ten-year journal as on a new one, but for the draws)."""
        history = self.context.history(("regimens", "draws", "semen", "dexa", "targets"))
        since = self.context.today() - timedelta(days=MISSED_LOOKBACK_DAYS)
        return replace(history, doses=self.context.doses_since(since))

    def suppression_warning(self, history: History) -> SuppressionWarning | None:
        """The estradiol state (docs/clinical.md §4) of the latest estradiol, if it has one."""
        latest, _ratio = self.latest_values(history)
        entry = latest.get("estradiol")
        if entry is None or entry.result.estradiol_state is None:
            return None
        result = entry.result
        return SuppressionWarning(
            result,
            entry.draw_date,
            f"{value_text(result)} {result.unit}",
            f"the floor of {format_number(result.floor)} {result.unit}",
            " and ".join(result.inhibitors),
        )

    def _show_warning(self, history: History) -> None:
        warning = self.suppression_warning(history)
        self.warning_banner.setVisible(warning is not None)
        if warning is None:
            self.warning_banner.clear()
            return
        self.warning_banner.setStyleSheet(warning_style(self))
        # Escaped: a censored value ("<8") and a typed medication name are not markup.
        value = html.escape(warning.value_text)
        floor = html.escape(warning.floor_text)
        names = html.escape(warning.regimens)
        advice = html.escape(LC_MS_ADVICE[0].upper() + LC_MS_ADVICE[1:])
        if warning.cannot_tell:
            # docs/clinical.md §4 "cannot tell": a caution of its own, never silence.
            title = "⚠ Estradiol: over-suppression cannot be ruled out"
            body = (
                f"Your latest estradiol ({value} on {warning.draw_date}) is below the assay's "
                f"limit, which is not below {floor}, while an aromatase inhibitor ({names}) is "
                f"active: it may be below the floor. {advice}: "
                "discuss this result with your clinician."
            )
        else:
            title = "⚠ Estradiol may be over-suppressed"
            body = (
                f"Your latest estradiol ({value} on {warning.draw_date}) is below {floor} "
                f"while an aromatase inhibitor ({names}) is active. Over-suppression harms "
                "bone, libido and erectile function, mood and lipids: discuss this result with "
                "your clinician."
            )
        self.warning_banner.setText(
            # The most prominent message of the app (docs/clinical.md §4): a larger title line.
            f"<span style='font-size: large'><b>{title}</b></span><br>{body}"
            f"<br><small>Why: {html.escape(OVER_SUPPRESSION_SOURCE)}</small>"
        )

    # --- doses ------------------------------------------------------------------------------

    def _doses_of(self, history: History, regimen: Regimen) -> list[DoseEvent]:
        """The regimen's doses of the days Today shows (today and the missed-dose lookback):
        the adherence rules count doses per day, so older ones change nothing here."""
        since = datetime.combine(
            self.context.today() - timedelta(days=MISSED_LOOKBACK_DAYS), time(0, 0)
        )
        recent: list[DoseEvent] = []
        for dose in reversed(history.doses):  # in time order: read back only to `since`
            if dose.at < since:
                break
            if dose.regimen_id == regimen.id:
                recent.append(dose)
        return recent[::-1]

    def _show_doses(self, history: History) -> None:
        _clear(self._doses_layout)
        today = self.context.today()
        active = [regimen for regimen in history.regimens if regimen.is_active_on(today)]
        if not active:
            self._doses_layout.addWidget(
                self._muted("No medication is active today. Start one on the Medications page."),
                0,
                0,
            )
            return
        for row, regimen in enumerate(active):
            doses = self._doses_of(history, regimen)
            scheduled, logged = doses_due_today(regimen, doses, today)
            step = regimen.step_on(today)
            assert step is not None
            schedule = parse_schedule(step.schedule)
            at = f", at {format_time(regimen.time_of_day)}" if regimen.time_of_day else ""
            name = QLabel(f"<b>{html.escape(regimen.name)}</b>", self.doses_box)
            detail = QLabel(
                f"{format_dose(step.dose, step.unit)}, {schedule.describe()}{at}", self.doses_box
            )
            status = QLabel(self._dose_status(scheduled, logged, doses), self.doses_box)
            detail.setTextFormat(Qt.TextFormat.PlainText)
            status.setAccessibleName(f"{regimen.name} status")
            todays = [dose for dose in doses if dose.at.date() == today]
            if scheduled and logged >= scheduled:
                all_taken = all(dose.status == "taken" for dose in todays)
                colour_text(status, ok_color if all_taken else muted_color)
            taken = QPushButton("Taken", self.doses_box)
            taken.setAccessibleName(f"Taken: {regimen.name}")
            skipped = QPushButton("Skipped", self.doses_box)
            skipped.setAccessibleName(f"Skipped: {regimen.name}")
            as_needed = schedule.kind == "as_needed"
            taken.setEnabled(as_needed or logged < scheduled)
            skipped.setEnabled(not as_needed and logged < scheduled)
            taken.clicked.connect(lambda _=False, r=regimen: self.log_dose(r, skipped=False))
            skipped.clicked.connect(lambda _=False, r=regimen: self.log_dose(r, skipped=True))
            self._doses_layout.addWidget(name, row, 0)
            self._doses_layout.addWidget(detail, row, 1)
            self._doses_layout.addWidget(status, row, 2)
            self._doses_layout.addWidget(taken, row, 3)
            self._doses_layout.addWidget(skipped, row, 4)
        # The status sits right after the dose, not half a window away from it.
        self._doses_layout.setColumnStretch(2, 1)
        self._doses_layout.setHorizontalSpacing(16)

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

    def log_dose(self, regimen: Regimen, *, skipped: bool, on: datetime | None = None) -> None:
        """Log one dose of `regimen` now (or at `on`), with an Undo offer."""
        now = self.context.now()
        at = on or datetime.combine(self.context.today(), now.time())
        if on is not None:
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
        self.context.notify(change)
        self.dose_logged.emit(change)
        # Medication names keep the case they were typed in, even at the start of a sentence.
        self.undo_bar.offer(f"{change.summary}.", self._undo(change))
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
        for button in self.doses_box.findChildren(QPushButton):
            if button.text() == "Taken" and button.isEnabled():
                button.setFocus()
                return

    # --- missed -----------------------------------------------------------------------------

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
            doses = self._doses_of(history, regimen)
            since = today - timedelta(days=MISSED_LOOKBACK_DAYS)
            if not doses and regimen.id not in logged:
                since = min(since, regimen.start)
            known = confirmed.get(regimen.id or -1, frozenset())
            days = [day for day, _ in missed_days(regimen, doses, today, since) if day not in known]
            if days:
                found.append((regimen, days))
        return found

    def _show_missed(self, history: History) -> None:
        _clear(self._missed_layout)
        row = 0
        for regimen, days in self.missed_by_regimen(history):
            name = html.escape(regimen.name)
            if len(days) == 1:
                (day,) = days
                text = f"<b>{name}</b>: {day:%a %Y-%m-%d} missed"
            else:
                text = (
                    f"<b>{name}</b>: {len(days)} days missed, "
                    f"{days[0]:%a %Y-%m-%d} to {days[-1]:%a %Y-%m-%d}"
                )
            label = QLabel(text, self.missed_box)
            taken = QPushButton(
                "Log as taken" if len(days) == 1 else "Log all as taken", self.missed_box
            )
            taken.setAccessibleName(f"Log {regimen.name} of {_days_words(days)} as taken")
            taken.clicked.connect(lambda _=False, r=regimen, d=days: self.log_missed_as_taken(r, d))
            missed = QPushButton(
                "It was missed" if len(days) == 1 else "They were missed", self.missed_box
            )
            missed.setAccessibleName(f"Confirm {regimen.name} of {_days_words(days)} missed")
            missed.clicked.connect(lambda _=False, r=regimen, d=days: self.confirm_missed(r, d))
            self._missed_layout.addWidget(label, row, 0)
            self._missed_layout.addWidget(taken, row, 1)
            self._missed_layout.addWidget(missed, row, 2)
            row += 1
        if row == 0:
            self._missed_layout.addWidget(self._muted("No missed doses. Well done."), 0, 0)
        self._missed_layout.setColumnStretch(0, 1)

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
        self.context.notify(change)
        self.dose_logged.emit(change)
        show_status(self, f"Saved: {change.summary}")

    def confirm_missed(self, regimen: Regimen, days: list[date]) -> None:
        """The person says these doses were missed: Today stops asking about them."""
        if regimen.id is None:
            return
        change = services.confirm_missed(self.context.journal, regimen.id, days)
        self.context.notify(change)
        show_status(self, f"Saved: {change.summary}")

    # --- latest hormones --------------------------------------------------------------------

    def latest_values(self, history: History) -> tuple[dict[str, LatestValue], DrawView | None]:
        """The latest result of each key hormone and the latest draw with a T/E ratio."""
        today = self.context.today()
        system = self.context.unit_system()
        edition = self.context.who_edition()
        latest: dict[str, LatestValue] = {}
        ratio_view: DrawView | None = None
        # Newest first, viewing only the draws still needed: the cost does not grow with the
        # years of draws behind the latest ones.
        for draw in reversed(history.draws):
            if draw.date > today:
                continue
            analytes = {result.analyte for result in draw.results}
            wanted = {key for key in KEY_HORMONES if key in analytes and key not in latest}
            ratio_possible = ratio_view is None and {"total_testosterone", "estradiol"} <= analytes
            if not wanted and not ratio_possible:
                continue
            view = lab_draw_view(draw, history, system, edition)
            for result in view.results:
                if result.analyte in wanted:
                    latest[result.analyte] = LatestValue(result, view.date.isoformat())
            ratio = view.derived.get("t_e_ratio")
            if ratio_view is None and ratio is not None and ratio.value is not None:
                ratio_view = view
            if ratio_view is not None and len(latest) == len(KEY_HORMONES):
                break
        return latest, ratio_view

    def _show_latest(self, history: History) -> None:
        _clear(self._latest_layout)
        latest, ratio_view = self.latest_values(history)
        if not latest:
            self._latest_layout.addWidget(
                self._muted("No lab results yet. Add a draw on the Labs page."), 0, 0
            )
            return
        row = 0
        for key in KEY_HORMONES:
            entry = latest.get(key)
            if entry is None:
                continue
            result = entry.result
            name = QLabel(result.name, self.latest_box)
            value = QLabel(
                f"<b>{html.escape(value_text(result))}</b> {html.escape(result.unit)}",
                self.latest_box,
            )
            value.setAccessibleName(f"{result.name} value")
            value.setToolTip(self._range_tooltip(result))
            badge = FlagBadge(result.flag, self.latest_box)
            badge.setAccessibleName(f"{result.name} flag")
            badge.setToolTip(flag_words(result))
            when = self._muted(entry.draw_date)
            # The target beside the value, so "in range" or "▼ low" can be read against it.
            target = self._muted(self._range_tooltip(result))
            for column, widget in enumerate((name, value, badge, when, target)):
                self._latest_layout.addWidget(widget, row, column)
            row += 1
        if ratio_view is not None:
            ratio = ratio_view.derived["t_e_ratio"]
            name = QLabel(ratio.label, self.latest_box)
            # Never rounded across its threshold (docs/clinical.md §3).
            shown = format_beside(ratio.value, ratio.reference)
            value = QLabel(f"<b>{shown}</b> {ratio.unit}", self.latest_box)
            value.setAccessibleName("T/E ratio value")
            value.setToolTip(ratio.source or "")
            self._latest_layout.addWidget(name, row, 0)
            self._latest_layout.addWidget(value, row, 1)
            self._latest_layout.addWidget(self._t_e_flag(history, ratio_view), row, 2)
            self._latest_layout.addWidget(self._muted(ratio_view.date.isoformat()), row, 3)
            reference = self._muted(self._t_e_reference())
            reference.setToolTip(self._t_e_source())
            reference.setWordWrap(True)
            self._latest_layout.addWidget(reference, row, 4)
        self._latest_layout.setHorizontalSpacing(16)
        self._latest_layout.setColumnStretch(5, 1)

    def _t_e_flag(self, history: History, view: DrawView) -> QLabel:
        """ "▼ below 10" or "10 or above" for the T/E line (the core decides, in US units)."""
        draw = next(draw for draw in history.draws if draw.date == view.date)
        below = t_e_below_threshold(draw)
        threshold = self._t_e_threshold_text()
        label = QLabel(f"▼ below {threshold}" if below else f"{threshold} or above")
        label.setAccessibleName("T/E ratio flag")
        if below:
            colour_text(label, lambda palette: flag_color(palette, "low"))
            font = label.font()
            font.setBold(True)
            label.setFont(font)
        return label

    def _t_e_threshold_text(self) -> str:
        si = self.context.unit_system() == "si"
        return format_number(T_E_THRESHOLD_SI if si else T_E_THRESHOLD_US)

    def _t_e_reference(self) -> str:
        si = self.context.unit_system() == "si"
        unit = "nmol/L ÷ pmol/L" if si else "ng/dL ÷ pg/mL"
        return f"Reference: below {self._t_e_threshold_text()} ({unit}); hover for the source"

    def _t_e_source(self) -> str:
        source = (
            T_E_THRESHOLD_SI_SOURCE
            if self.context.unit_system() == "si"
            else (T_E_THRESHOLD_US_SOURCE)
        )
        return source[0].upper() + source[1:]

    @staticmethod
    def _range_tooltip(result: ResultView) -> str:
        low = format_number(result.target_low) if result.target_low is not None else "…"
        high = format_number(result.target_high) if result.target_high is not None else "…"
        return f"Target {low}–{high} {result.unit} ({result.range_source} range)"

    # --- tests due --------------------------------------------------------------------------

    def tests_due(self, history: History) -> list[DueTest]:
        """Open and overdue test windows today (rule offsets from the journal's settings)."""
        # A bad stored override falls back to the defaults: it must not hide every reminder.
        offsets = rule_offsets_setting(self.context.journal).in_force
        windows = due_tests(history, self.context.today(), offsets)
        return [window for window in windows if window.status in ("open", "overdue")]

    def _show_tests(self, history: History) -> None:
        _clear(self._tests_layout)
        windows = self.tests_due(history)
        if not windows:
            self._tests_layout.addWidget(self._muted("No test is due now."), 0, 0)
            return
        for row, window in enumerate(windows):
            label = TEST_LABELS.get(window.test, window.test)
            name = QLabel(f"<b>{label}</b>", self.tests_box)
            if window.status == "overdue":
                status = QLabel(f"▲ overdue since {window.due}", self.tests_box)
                status.setStyleSheet("font-weight: bold;")
            else:
                status = QLabel(f"due by {window.due}", self.tests_box)
            status.setAccessibleName(f"{label} status")
            reason = self._muted(window.reason)
            reason.setWordWrap(True)
            button = QPushButton("Log result", self.tests_box)
            button.setAccessibleName(f"Log result: {label}")
            button.clicked.connect(lambda _=False, w=window: self._log_result(w))
            self._tests_layout.addWidget(name, row, 0)
            self._tests_layout.addWidget(status, row, 1)
            self._tests_layout.addWidget(reason, row, 2)
            self._tests_layout.addWidget(button, row, 3)
        self._tests_layout.setColumnStretch(2, 1)

    def _log_result(self, window: DueTest) -> None:
        if window.test == "semen_analysis":
            self.navigate_requested.emit(Navigation("semen", NewAnalysis()))
            return
        analytes = tuple(_analytes_to_log(window.rule)) or None
        self.navigate_requested.emit(Navigation("labs", NewDraw(analytes, window.test)))

    # --- helpers ----------------------------------------------------------------------------

    def _muted(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)  # reasons carry typed medication names
        colour_text(label, muted_color)
        return label
