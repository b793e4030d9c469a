"""Dose notifications while the app runs: a tray icon, a timer on the injected clock, catch-up.

At each regimen's time of day a reminder asks Taken / Skip / Snooze (15 minutes). Where the
desktop has a system tray the icon shows a message too; without one the reminder is an in-app
dialog all the same. At start-up the reminders that fell due while the app was closed or the
laptop slept (since the last time it ran, kept in QSettings) come up at once.

The timer only wakes `check()`; what is due is decided by comparing local wall-clock times
from `context.now()`, so sleep, DST and time-zone changes cannot shift a reminder, and tests
call `check(now)` with a pinned time instead of waiting.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib.resources import files

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.monitoring import DueTest
from fertilitytracker.core.records import History
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.theme import error_color, muted_color
from fertilitytracker.gui.ui_state import REMINDERS_LAST_SEEN_KEY, app_settings
from fertilitytracker.gui.widgets.sections import clear_layout
from fertilitytracker.services import operations as services
from fertilitytracker.services.operations import Change
from fertilitytracker.services.reminders import (
    MAX_CATCH_UP_DAYS,
    TEST_NAMES,
    DoseSlot,
    is_logged,
    next_dose_slot,
    unlogged_slots,
)

SNOOZE = timedelta(minutes=15)
CHECK_INTERVAL_MS = 20_000  # how often the timer wakes check(); a reminder is at most this late
LAST_SEEN_KEY = REMINDERS_LAST_SEEN_KEY
TRAY_MESSAGE_MS = 15_000
APP_NAME = "Fertility Tracker"


def app_icon() -> QIcon:
    """The application icon (resources/icon.svg)."""
    return QIcon(str(files("fertilitytracker.resources").joinpath("icon.svg")))


class DoseReminderDialog(QDialog):
    """One row per dose reminder: what, when, and Taken / Skip / Snooze (or Dismiss).

    Not modal: the rest of the app stays usable. Rows go away as they are answered; the dialog
    hides when none is left. Closing it snoozes today's reminders and dismisses older ones.
    """

    taken = Signal(object)  # DoseSlot
    skipped = Signal(object)
    snoozed = Signal(object)
    dismissed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Dose reminder — {APP_NAME}")
        self.setWindowIcon(app_icon())
        self.setModal(False)
        self.setAccessibleName("Dose reminders")
        layout = QVBoxLayout(self)
        self.heading = QLabel("Time for your medication", self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self._grid = QGridLayout()
        layout.addLayout(self._grid)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.error_label.setAccessibleName("Reminder error")
        layout.addWidget(self.error_label)
        self._slots: list[DoseSlot] = []
        self._today: datetime | None = None
        self._answering = False

    # --- content ------------------------------------------------------------------------------

    def slots(self) -> list[DoseSlot]:
        """The reminders shown, in time order."""
        return list(self._slots)

    def row_texts(self) -> list[str]:
        """What each row says (for people and tests)."""
        return [self._describe(slot) for slot in self._slots]

    def add_slots(self, slots: list[DoseSlot], now: datetime) -> None:
        """Show these reminders too (one already shown is not repeated)."""
        self._today = now
        known = {slot.key for slot in self._slots}
        for slot in slots:
            if slot.key not in known:
                known.add(slot.key)
                self._slots.append(slot)
        self._slots.sort(key=lambda slot: (slot.at, slot.name, slot.index))
        self._rebuild()

    def remove_slot(self, slot: DoseSlot) -> None:
        self._slots = [shown for shown in self._slots if shown.key != slot.key]
        self._rebuild()
        if not self._slots:
            self._answering = True  # hiding on our own is not the person closing it
            self.hide()
            self._answering = False

    def show_error(self, text: str) -> None:
        palette = self.error_label.palette()
        palette.setColor(self.error_label.foregroundRole(), error_color(self.palette()))
        self.error_label.setPalette(palette)
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def button(self, slot: DoseSlot, label: str) -> QPushButton | None:
        """The button `label` ("Taken", "Skip", "Snooze 15 min", "Dismiss") of a slot's row."""
        for candidate in self.findChildren(QPushButton):
            if candidate.property("slot_key") == repr(slot.key) and candidate.text() == label:
                return candidate
        return None

    def _is_past_day(self, slot: DoseSlot) -> bool:
        return self._today is not None and slot.day < self._today.date()

    def _describe(self, slot: DoseSlot) -> str:
        if self._is_past_day(slot):
            return (
                f"{slot.name} {slot.dose:g} {slot.unit} was due {slot.at:%Y-%m-%d %H:%M} "
                "and was not logged (missed)"
            )
        return f"{slot.name} {slot.dose:g} {slot.unit} — due at {slot.at:%H:%M}"

    def _rebuild(self) -> None:
        clear_layout(self._grid)
        muted = muted_color(self.palette())
        for row, slot in enumerate(self._slots):
            label = QLabel(self._describe(slot), self)
            label.setAccessibleName(f"reminder {row + 1}")
            if self._is_past_day(slot):
                palette = label.palette()
                palette.setColor(label.foregroundRole(), muted)
                label.setPalette(palette)
            self._grid.addWidget(label, row, 0)
            buttons = [("Taken", self.taken), ("Skip", self.skipped)]
            buttons.append(
                ("Dismiss", self.dismissed)
                if self._is_past_day(slot)
                else ("Snooze 15 min", self.snoozed)
            )
            for column, (text, signal) in enumerate(buttons, start=1):
                button = QPushButton(text, self)
                button.setProperty("slot_key", repr(slot.key))
                button.setAccessibleName(f"{text}: {slot.describe()}")
                button.clicked.connect(lambda _=False, s=slot, sig=signal: sig.emit(s))
                self._grid.addWidget(button, row, column)
                if row == 0 and column == 1:
                    button.setDefault(True)
        self.heading.setText(
            "Time for your medication"
            if any(not self._is_past_day(slot) for slot in self._slots)
            else "Doses not logged while the app was closed"
        )
        self.adjustSize()

    # --- closing ------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        # Esc or the window's close button: snooze what is due today, dismiss the rest.
        if not self._answering:
            for slot in list(self._slots):
                (self.dismissed if self._is_past_day(slot) else self.snoozed).emit(slot)
        super().done(result)


class Tray(QObject):
    """The dose-reminder machinery; create it once the journal is open, then `start()`."""

    notified = Signal(list)  # the DoseSlots that just came up
    dose_logged = Signal(object)  # the Change written by Taken or Skip
    tests_due = Signal(list)  # DueTests open or overdue, once a day
    show_window_requested = Signal()
    quit_requested = Signal()

    def __init__(
        self,
        context: AppContext,
        parent: QObject | None = None,
        *,
        settings: QSettings | None = None,
        tray_available: bool | None = None,
        dialog_parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.settings = settings if settings is not None else app_settings()
        available = (
            QSystemTrayIcon.isSystemTrayAvailable() if tray_available is None else tray_available
        )
        self.dialog = DoseReminderDialog(dialog_parent)
        self.dialog.taken.connect(self.take)
        self.dialog.skipped.connect(self.skip)
        self.dialog.snoozed.connect(self.snooze)
        self.dialog.dismissed.connect(self.dismiss)
        self.icon: QSystemTrayIcon | None = self._make_icon() if available else None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self._tick)
        self._scan_from: datetime | None = None
        self._notified: set[tuple[object, ...]] = set()
        self._snoozed: dict[tuple[object, ...], tuple[DoseSlot, datetime]] = {}
        self._tests_announced_on: object = None
        context.journal_changed.connect(self._journal_changed)
        context.journal_replaced.connect(self._journal_replaced)

    # --- the tray icon ------------------------------------------------------------------------

    def _make_icon(self) -> QSystemTrayIcon:
        icon = QSystemTrayIcon(app_icon(), self)
        icon.setToolTip(APP_NAME)
        menu = QMenu()
        self._menu = menu  # kept alive: QSystemTrayIcon does not own its menu
        open_action = QAction(f"Open {APP_NAME}", menu)
        open_action.triggered.connect(self.show_window_requested)
        due_action = QAction("Dose reminders…", menu)
        due_action.triggered.connect(self.show_dialog)
        quit_action = QAction("Quit", menu)
        quit_action.triggered.connect(self.quit_requested)
        menu.addAction(open_action)
        menu.addAction(due_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        icon.setContextMenu(menu)
        icon.activated.connect(self._activated)
        icon.messageClicked.connect(self.show_dialog)
        return icon

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_window_requested.emit()

    @property
    def has_tray(self) -> bool:
        """Whether a system tray icon is shown (otherwise reminders are only the dialog)."""
        return self.icon is not None

    # --- lifecycle ----------------------------------------------------------------------------

    def last_seen(self) -> datetime | None:
        """When the app last checked reminders (local wall-clock), from QSettings."""
        value = self.settings.value(LAST_SEEN_KEY)
        if not isinstance(value, str):
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None

    def start(self) -> list[DoseSlot]:
        """Show the icon, catch up on what fell due since the app last ran, start the timer."""
        if self.icon is not None:
            self.icon.show()
        now = self.context.now()
        last_seen = self.last_seen()
        # A clock set back (a flight west) must not leave a gap in which nothing would ring.
        self._scan_from = None if last_seen is None else min(last_seen, now)
        came_up = self.check(now)
        self.timer.start()
        return came_up

    def stop(self) -> None:
        """Stop the timer and hide the icon and dialog (at quit)."""
        self.timer.stop()
        self.dialog.hide()
        if self.icon is not None:
            self.icon.hide()
        self.settings.sync()

    def _tick(self) -> None:
        self.check()

    # --- the check ----------------------------------------------------------------------------

    def check(self, now: datetime | None = None) -> list[DoseSlot]:
        """Bring up every reminder due by `now` (default: the context's clock) not yet answered.

        Returns the reminders that came up on this call.
        """
        moment = self.context.now() if now is None else now
        history = self._records(moment)
        fresh: list[DoseSlot] = []
        for slot in unlogged_slots(history, self._scan_from, moment):
            if slot.key not in self._notified:
                self._notified.add(slot.key)
                fresh.append(slot)
        for key, (slot, until) in list(self._snoozed.items()):
            if until <= moment:
                del self._snoozed[key]
                if not is_logged(history, slot):
                    fresh.append(slot)
        self.settings.setValue(LAST_SEEN_KEY, moment.isoformat(timespec="minutes"))
        self._update_tooltip(moment, history)
        self._announce_tests(moment)
        if fresh:
            self._notify(fresh, moment)
        return fresh

    def _records(self, moment: datetime) -> History:
        """What reminders are read from: regimens, the latest draws, analysis and scan the
        rules read, and only the doses of the days a reminder can still ask about (bounded:
        years of doses and draws are not read)."""
        since = moment.date() - timedelta(days=MAX_CATCH_UP_DAYS + 1)
        asked = [slot.day for slot in self.dialog.slots()]
        asked += [slot.day for slot, _until in self._snoozed.values()]
        since = min([since, *asked])
        return self.context.shown_records(moment.date(), since)

    def _notify(self, slots: list[DoseSlot], now: datetime) -> None:
        self.dialog.add_slots(slots, now)
        self.show_dialog()
        if self.icon is not None:
            lines = [slot.describe() for slot in slots]
            self.icon.showMessage(
                "Dose reminder",
                "\n".join(lines),
                QSystemTrayIcon.MessageIcon.Information,
                TRAY_MESSAGE_MS,
            )
        self.notified.emit(slots)

    def show_dialog(self) -> None:
        """Show (and raise) the reminder dialog when it has something to ask."""
        if not self.dialog.slots():
            return
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def _announce_tests(self, now: datetime) -> None:
        today = now.date()
        if self._tests_announced_on == today:
            return
        self._tests_announced_on = today
        # Worked out once with Today's (the context keeps them); refused stored offsets fall
        # back to the defaults, never nothing.
        windows = self.context.due_tests(today)
        due_now: list[DueTest] = [w for w in windows if w.status in ("open", "overdue")]
        if not due_now:
            return
        self.tests_due.emit(due_now)
        if self.icon is not None:
            text = "\n".join(
                f"{TEST_NAMES.get(w.test, w.test)}: "
                + ("overdue since " if w.status == "overdue" else "due by ")
                + w.due.isoformat()
                for w in due_now
            )
            self.icon.showMessage(
                "Tests due", text, QSystemTrayIcon.MessageIcon.Information, TRAY_MESSAGE_MS
            )

    def _update_tooltip(self, now: datetime, history: History) -> None:
        if self.icon is None:
            return
        upcoming = next_dose_slot(history, now)
        text = APP_NAME
        if upcoming is not None:
            when = (
                f"{upcoming.at:%H:%M}"
                if upcoming.day == now.date()
                else f"{upcoming.at:%a %d %b %H:%M}"
            )
            text += f"\nNext dose: {upcoming.name} {upcoming.dose:g} {upcoming.unit} at {when}"
        self.icon.setToolTip(text)

    # --- answers ------------------------------------------------------------------------------

    def _log(self, slot: DoseSlot, skipped: bool) -> Change | None:
        now = self.context.now()
        # A dose of today is logged now; one of an earlier day at its own time, on its day.
        at = now if slot.day == now.date() else slot.at
        try:
            change = services.log_dose(self.context.journal, slot.name, at, skipped=skipped)
        except InputError as error:
            self.dialog.show_error(f"{slot.name}: {error.reason}")
            return None
        self.dialog.show_error("")
        self.dialog.remove_slot(slot)
        self.context.notify(change)
        self.dose_logged.emit(change)
        return change

    def take(self, slot: DoseSlot) -> Change | None:
        """Log the slot's dose as taken."""
        return self._log(slot, skipped=False)

    def skip(self, slot: DoseSlot) -> Change | None:
        """Log the slot's dose as skipped."""
        return self._log(slot, skipped=True)

    def snooze(self, slot: DoseSlot) -> None:
        """Ask again in 15 minutes."""
        self._snoozed[slot.key] = (slot, self.context.now() + SNOOZE)
        self.dialog.remove_slot(slot)

    def dismiss(self, slot: DoseSlot) -> None:
        """Leave the dose as it is (missed, if its day is over) and stop asking."""
        self._snoozed.pop(slot.key, None)
        self.dialog.remove_slot(slot)

    def snoozed_until(self, slot: DoseSlot) -> datetime | None:
        entry = self._snoozed.get(slot.key)
        return None if entry is None else entry[1]

    # --- the journal moved under us -----------------------------------------------------------

    def _journal_changed(self, change: object) -> None:
        # A dose logged elsewhere (Today, the command line) answers its reminder: only while a
        # reminder is open, and only a change of doses or regimens can (a saved draw does not
        # make the tray read the latest draws again; docs/design.md, "A write says what it
        # changed").
        slots = self.dialog.slots()
        if not slots or (isinstance(change, Change) and not change.touches("doses", "regimens")):
            return
        history = self._records(self.context.now())
        for slot in slots:
            if is_logged(history, slot):
                self.dialog.remove_slot(slot)

    def _journal_replaced(self) -> None:
        self._notified.clear()
        self._snoozed.clear()
        for slot in self.dialog.slots():
            self.dialog.remove_slot(slot)
        self._tests_announced_on = None
