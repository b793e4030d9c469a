"""Reminders: the tests due (window, status in colour and words, reason), dose times, calendar.

"Log result" asks the main window for the lab or semen form (`navigate_requested`); "Export
to calendar…" writes the due tests and the dose schedule as an .ics file; a check box starts
the app at login, minimised to the tray, where the dose notifications come from.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.monitoring import DueTest, due_tests
from fertilitytracker.core.records import History, Regimen
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.gui import autostart
from fertilitytracker.gui.context import AppContext, refresh_on
from fertilitytracker.gui.models.base import Column, RowTableModel
from fertilitytracker.gui.navigation import Navigation, NewAnalysis, NewDraw
from fertilitytracker.gui.theme import colour_text, error_color, muted_color, ok_color, open_color
from fertilitytracker.gui.widgets.sections import clear_layout
from fertilitytracker.services.reminders import (
    STATUS_WORDS,
    TEST_ANALYTES,
    TEST_FORMS,
    TEST_NAMES,
    dose_times,
    due_tests_for,
    next_dose_slot,
    offsets_overridden,
    rule_source,
)

STATUS_SYMBOLS = {"overdue": "▲", "open": "●", "upcoming": "○"}
STATUS_ORDER = {"overdue": 0, "open": 1, "upcoming": 2}
DUE_COLUMN = 3
LOG_COLUMN = 5
DEFAULT_EXPORT_NAME = "fertilitytracker-reminders.ics"


def status_text(status: str) -> str:
    """A status in a symbol and words: "▲ overdue", "● open", "○ upcoming"."""
    return f"{STATUS_SYMBOLS.get(status, '')} {STATUS_WORDS.get(status, status)}".strip()


def status_colour(palette: QPalette, status: str) -> QColor:
    """The status colour, readable on `palette` (the words carry the meaning too)."""
    if status == "overdue":
        return error_color(palette)
    if status == "open":
        return open_color(palette)
    return muted_color(palette)


def _plain(source: str) -> str:
    return source.replace("**", "").replace("`", "")


class RemindersScreen(QWidget):
    """Tests due with their windows and reasons, dose reminder times, calendar export."""

    navigate_requested = Signal(object)  # a Navigation to the Labs or Semen form
    calendar_exported = Signal(object)  # the Path written

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminders_screen")
        self.setAccessibleName("Reminders")
        self.context = context
        self._windows: list[DueTest] = []
        self._log_buttons: list[QPushButton] = []

        self.heading = QLabel("Reminders", self)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.heading.setFont(font)
        self.as_of = QLabel(self)
        self.offsets_warning = QLabel(self)
        self.offsets_warning.setWordWrap(True)
        self.offsets_warning.setAccessibleName("Rule offsets problem")
        self.offsets_warning.setVisible(False)

        self.model: RowTableModel[DueTest] = RowTableModel(self._columns(), self)
        self.table = QTableView(self)
        self.table.setAccessibleName("Tests due")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DUE_COLUMN, Qt.SortOrder.AscendingOrder)
        self.table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._row_activated)
        self.model.modelReset.connect(self._place_buttons)
        self.model.layoutChanged.connect(self._place_buttons)
        self.empty_label = QLabel("No test is due: nothing in the history calls for one.", self)
        self.rules_label = QLabel(self)
        self.rules_label.setWordWrap(True)

        self.export_button = QPushButton("&Export to calendar…", self)
        self.export_button.setAccessibleName("Export reminders to a calendar file")
        self.export_button.setToolTip(
            "Writes the tests due (all-day events over their window) and the dose schedule "
            "(a repeating event per medication) as an .ics file. Importing a newer export "
            "updates the same events instead of adding copies."
        )
        self.export_button.clicked.connect(self.export_to_calendar)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Reminders message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.doses_box = QGroupBox("Dose reminders", self)
        self._doses_layout = QGridLayout(self.doses_box)
        self.autostart_box = QCheckBox("Start at &login, minimised to the tray", self)
        self.autostart_box.setAccessibleName("Start at login, minimised to the tray")
        self.autostart_box.toggled.connect(self._autostart_toggled)

        self._build_layout()
        self.follower = refresh_on(
            self, context, self.refresh, ("regimens", "doses", "labs", "semen", "dexa")
        )
        # Another journal: now if shown, else on the next visit (the follower holds it).
        context.journal_replaced.connect(self.follower.mark_stale)
        self.refresh()

    def _columns(self) -> list[Column[DueTest]]:
        return [
            Column("Test", lambda w: TEST_NAMES.get(w.test, w.test)),
            Column(
                "Status",
                lambda w: status_text(w.status),
                sort_key=lambda w: STATUS_ORDER.get(w.status, 9),
                colour=lambda w: status_colour(self.palette(), w.status),
                tooltip=lambda w: {
                    "upcoming": f"Too early before {w.opens}",
                    "open": f"Do it between {w.opens} and {w.due}",
                    "overdue": f"Was due by {w.due}",
                }.get(w.status, ""),
            ),
            Column("Opens", lambda w: w.opens.isoformat()),
            Column("Due", lambda w: w.due.isoformat()),
            Column("Reason", lambda w: w.reason, tooltip=lambda w: _plain(rule_source(w.rule))),
            Column("", lambda w: "", sort_key=lambda w: None),
        ]

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.as_of)
        layout.addLayout(top)
        layout.addWidget(self.offsets_warning)

        tests_box = QGroupBox("Tests due", self)
        tests_layout = QVBoxLayout(tests_box)
        tests_layout.addWidget(self.table, 1)
        tests_layout.addWidget(self.empty_label)
        tests_layout.addWidget(self.rules_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.export_button)
        tests_layout.addLayout(buttons)
        layout.addWidget(tests_box)
        layout.addWidget(self.doses_box)
        layout.addWidget(self.autostart_box)
        layout.addStretch(1)

    # --- refresh ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the due tests and dose times."""
        history = self.context.history()
        today = self.context.today()
        self.as_of.setText(f"as of {today:%A %d %B %Y}")
        self._windows = self._due_tests(history, today)
        self.model.set_rows(self._windows)
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        has_rows = bool(self._windows)
        self.table.setVisible(has_rows)
        self.empty_label.setVisible(not has_rows)
        self.rules_label.setText(self._rules_text())
        self._show_doses(history)
        self._show_autostart()

    def _due_tests(self, history: History, today: date) -> list[DueTest]:
        try:
            windows = due_tests_for(self.context.journal, today, history)
        except InputError as error:
            # A bad stored override must not hide every reminder: fall back to the defaults.
            self._show_offsets_warning(
                f"Your monitoring rule offsets could not be used ({error.field}: "
                f"{error.reason}); the default offsets are shown. Fix them in Settings."
            )
            return due_tests(history, today)
        self._show_offsets_warning("")
        return windows

    def _show_offsets_warning(self, text: str) -> None:
        colour_text(self.offsets_warning, error_color)
        self.offsets_warning.setText(text)
        self.offsets_warning.setVisible(bool(text))

    def _rules_text(self) -> str:
        try:
            own = offsets_overridden(self.context.journal)
        except InputError:
            own = False
        offsets = "on the schedule set in Settings" if own else "on the usual schedule"
        return (
            f"Tests come due {offsets}; hover a reason for the rule's "
            "wording. A result recorded inside a window clears it."
        )

    def _place_buttons(self) -> None:
        # The buttons are rebuilt for the rows' new order; the old ones must go for good.
        for old in self._log_buttons:
            old.hide()
            old.deleteLater()
        self._log_buttons = []
        for row in range(self.model.rowCount()):
            window = self.model.row_at(row)
            name = TEST_NAMES.get(window.test, window.test)
            button = QPushButton("Log result", self.table)
            button.setAccessibleName(f"Log result: {name}")
            tip = (
                "Open the semen analysis form"
                if TEST_FORMS.get(window.test) == "semen"
                else f"Open the lab form for a {name.lower()}"
            )
            if window.status == "upcoming":
                tip += f" (too early: a result before {window.opens} does not count)"
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, w=window: self.log_result(w))
            self._log_buttons.append(button)
            self.table.setIndexWidget(self.model.index(row, LOG_COLUMN), button)
            self.table.setRowHeight(row, button.sizeHint().height() + 4)

    # --- log result ---------------------------------------------------------------------------

    def windows(self) -> list[DueTest]:
        """The reminders shown, in table order."""
        return self.model.rows()

    def log_button(self, test: str) -> QPushButton | None:
        """The "Log result" button of the row for `test` (e.g. "hormone_panel")."""
        for row, window in enumerate(self.model.rows()):
            if window.test == test:
                widget = self.table.indexWidget(self.model.index(row, LOG_COLUMN))
                return widget if isinstance(widget, QPushButton) else None
        return None

    def _row_activated(self, index: object) -> None:
        row = getattr(index, "row", lambda: -1)()
        if 0 <= row < self.model.rowCount():
            self.log_result(self.model.row_at(row))

    def log_result(self, window: DueTest) -> None:
        """Ask for the form that records the result this reminder waits for."""
        if TEST_FORMS.get(window.test) == "semen":
            self.navigate_requested.emit(Navigation("semen", NewAnalysis(window.test)))
            return
        analytes = tuple(TEST_ANALYTES.get(window.test, ())) or None
        self.navigate_requested.emit(Navigation("labs", NewDraw(analytes, window.test)))

    # --- calendar -----------------------------------------------------------------------------

    def ask_export_path(self) -> Path | None:
        """Where to write the calendar (a save dialog; tests replace this method)."""
        suggested = str(Path.home() / DEFAULT_EXPORT_NAME)
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export to calendar", suggested, "iCalendar files (*.ics)"
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".ics" else path.with_suffix(".ics")

    def export_to_calendar(self) -> Path | None:
        """Ask for a file and write the due tests and the dose schedule to it."""
        target = self.ask_export_path()
        if target is None:
            return None
        return self.export_calendar_to(target)

    def export_calendar_to(self, target: Path) -> Path | None:
        """Write the calendar to `target`; the outcome is shown in words beside the button."""
        # Loaded on the first export: icalendar's import (~60-130 ms) would otherwise be paid
        # by the page's first visit, which shows no calendar (docs/design.md, start-up order).
        from fertilitytracker.services.ics import export_calendar

        try:
            written = export_calendar(
                self.context.journal, target, self.context.today(), self.context.now()
            )
        except InputError as error:
            self._show_message(f"Not exported: {error.field}: {error.reason}", ok=False)
            return None
        except OSError as error:
            self._show_message(
                f"Not exported: {target} could not be written ({error.strerror}).", ok=False
            )
            return None
        self._show_message(
            f"✓ Calendar written to {written}. Import it in your calendar app; importing a "
            "newer export updates the same events.",
            ok=True,
        )
        self.calendar_exported.emit(written)
        return written

    def _show_message(self, text: str, ok: bool) -> None:
        colour_text(self.message, ok_color if ok else error_color)
        self.message.setText(text)

    # --- dose reminders -----------------------------------------------------------------------

    def _show_doses(self, history: History) -> None:
        clear_layout(self._doses_layout)
        now = self.context.now()
        today = self.context.today()
        current = [r for r in history.regimens if r.stop is None or r.stop > today]
        if not current:
            self._doses_layout.addWidget(
                QLabel("No medication is being taken: no dose reminders.", self.doses_box), 0, 0
            )
            return
        muted = muted_color(self.palette())
        for row, regimen in enumerate(current):
            name = QLabel(f"<b>{regimen.name}</b>", self.doses_box)
            dose = QLabel(self._dose_words(regimen, today), self.doses_box)
            when = QLabel(self._reminder_words(regimen, history, now), self.doses_box)
            when.setAccessibleName(f"{regimen.name} reminder")
            if regimen.time_of_day is None:
                palette = when.palette()
                palette.setColor(when.foregroundRole(), muted)
                when.setPalette(palette)
            self._doses_layout.addWidget(name, row, 0)
            self._doses_layout.addWidget(dose, row, 1)
            self._doses_layout.addWidget(when, row, 2)
        self._doses_layout.setColumnStretch(2, 1)

    @staticmethod
    def _dose_words(regimen: Regimen, today: date) -> str:
        step = regimen.step_on(today) or regimen.current
        return f"{step.dose:g} {step.unit}, {parse_schedule(step.schedule).describe()}"

    @staticmethod
    def _reminder_words(regimen: Regimen, history: History, now: datetime) -> str:
        if regimen.time_of_day is None:
            return "no reminder: set a time of day in Medications"
        if parse_schedule((regimen.step_on(now.date()) or regimen.current).schedule).kind == (
            "as_needed"
        ):
            return "as needed: no reminder"
        step = regimen.step_on(now.date()) or regimen.current
        count = parse_schedule(step.schedule).times_per_day
        times = ", ".join(f"{moment:%H:%M}" for moment in dose_times(regimen.time_of_day, count))
        own = History(regimens=(regimen,), doses=history.doses)
        upcoming = next_dose_slot(own, now)
        words = f"reminder at {times}"
        if upcoming is None:
            return words
        day = "today" if upcoming.day == now.date() else f"{upcoming.at:%a %Y-%m-%d}"
        return f"{words} · next: {day} {upcoming.at:%H:%M}"

    # --- autostart ----------------------------------------------------------------------------

    def _show_autostart(self) -> None:
        supported = autostart.is_supported()
        self.autostart_box.blockSignals(True)
        self.autostart_box.setChecked(supported and autostart.is_enabled())
        self.autostart_box.blockSignals(False)
        self.autostart_box.setEnabled(supported)
        self.autostart_box.setToolTip(
            "Adds Fertility Tracker to the programs your desktop starts when you log in; it "
            "starts hidden in the tray so dose reminders can ring."
            if supported
            else "On Windows and macOS, see the README section “Start at login”."
        )

    def _autostart_toggled(self, checked: bool) -> None:
        try:
            if checked:
                path = autostart.enable(journal=self.context.journal.path)
                self._show_message(f"✓ Will start at login (entry {path}).", ok=True)
            else:
                autostart.disable()
                self._show_message("✓ Will no longer start at login.", ok=True)
        except OSError as error:
            self._show_message(f"Start at login could not be changed: {error}", ok=False)
            self._show_autostart()
