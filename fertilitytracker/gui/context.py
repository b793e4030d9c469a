"""What every screen shares: the open journal, the clock and the journal-changed signal.

Screens never call each other. A screen that writes calls a service, then `notify(change)`;
every screen is handed the change (`follow_changes`) and refreshes only what it touches: at
once while it is shown, once it is shown again otherwise (docs/design.md, "A write says what it
changed"). The records are read once and kept here; a change re-reads only the kinds and dates
it names, so a save costs the same on a ten-year journal as on a new one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any, NamedTuple

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

from fertilitytracker.core import clock
from fertilitytracker.core.monitoring import DueTest
from fertilitytracker.core.records import DoseEvent, History, UnitSystem
from fertilitytracker.services.operations import EVERYTHING, Change
from fertilitytracker.services.reminders import due_tests_in_force
from fertilitytracker.services.settings import unit_system, who_edition
from fertilitytracker.services.today import latest_records
from fertilitytracker.storage.journal import Journal

# Beyond this many dates a change re-reads its kinds whole (one query instead of many).
MAX_DATES_READ = 60


def _day_of(record: Any) -> date:
    """The date that files a record: a dose's day, anything else's date."""
    at = getattr(record, "at", None)
    return at.date() if isinstance(at, datetime) else record.date


def _day_span(records: Sequence[Any], day: date) -> tuple[int, int]:
    """Where the records of `day` are in `records` (in storage order, which is by day first)."""
    first = bisect_left(records, day, key=_day_of)
    return first, bisect_right(records, day, lo=first, key=_day_of)


def _by_date(record: Any) -> tuple[date, int]:
    return (record.date, record.id or 0)


class _Field(NamedTuple):
    """One History field: the Change kind that names it, its repository on the Journal, whether
    it can be read by date (else it is re-read whole: it is small) and its storage order."""

    kind: str
    repository: str
    dated: bool
    order: Callable[[Any], Any]


_FIELDS: dict[str, _Field] = {
    "regimens": _Field("regimens", "regimens", False, lambda r: (r.start, r.id or 0)),
    "doses": _Field("doses", "doses", True, lambda r: (r.at, r.id or 0)),
    "draws": _Field("labs", "labs", True, lambda r: r.date),
    "semen": _Field("semen", "semen", True, _by_date),
    "dexa": _Field("dexa", "dexa", True, _by_date),
    "symptoms": _Field("symptoms", "symptoms", True, _by_date),
    "targets": _Field("targets", "settings", False, lambda r: 0),
}


def _read(journal: Journal, field: _Field, dates: Collection[date] | None) -> Sequence[Any]:
    repository = getattr(journal, field.repository)
    if field.kind == "targets":
        return repository.targets()
    if dates is None:
        return repository.all()
    return repository.on_dates(dates)


def merge_changes(first: Change | None, second: Change) -> Change:
    """One change saying what `first` and then `second` changed."""
    if first is None:
        return second
    dates = None if first.dates is None or second.dates is None else first.dates | second.dates
    return Change(first.kinds | second.kinds, second.summary, (), dates)


class AppContext(QObject):
    """The open journal plus the app-wide signals; handed to every screen."""

    journal_changed = Signal(object)  # a services.operations.Change
    journal_replaced = Signal()  # another journal was opened

    def __init__(
        self,
        journal: Journal,
        today: Callable[[], date] = clock.today,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        super().__init__()
        self._journal = journal
        self._today = today
        self._now = now
        # History field name -> its records, read when first asked for, then kept up to date.
        self._fields: dict[str, tuple[Any, ...]] = {}
        # The latest records Today and the reminders read (services/today.py), by the day they
        # were read for: kept until a change touches their kinds.
        self._latest: dict[date, History] = {}
        # The test windows of a day, worked out once for Today and the tray: kept until a
        # change touches what they read (regimens, the latest records, the rule offsets).
        self._due: dict[date, tuple[DueTest, ...]] = {}
        self.last_saved: datetime | None = None

    @property
    def journal(self) -> Journal:
        return self._journal

    def today(self) -> date:
        return self._today()

    def now(self) -> datetime:
        return self._now()

    def history(self, fields: Collection[str] | None = None) -> History:
        """The journal's records: each kind read whole once, then kept up to date change by
        change. With `fields` (History field names) only those kinds are read and filled in;
        the others are left empty (for a screen that shows only some kinds)."""
        wanted = tuple(_FIELDS) if fields is None else tuple(fields)
        missing = [name for name in wanted if name not in self._fields]
        if missing:
            read = self._journal.history(missing)
            for name in missing:
                self._fields[name] = getattr(read, name)
        return History(**{name: self._fields[name] for name in wanted})

    def shown_records(self, today: date, doses_since: date) -> History:
        """What Today and the reminders read on `today`: the regimens and targets (kept), the
        doses logged since `doses_since` and only the latest draws, semen analysis and scan
        that they show or their rules read (services/today.py), not the years before them."""
        return replace(self._latest_records(today), doses=self.doses_since(doses_since))

    def _latest_records(self, today: date) -> History:
        """The latest records of `today` (services/today.py), with the kept regimens and
        targets, no doses."""
        kept = self.history(("regimens", "targets"))
        latest = self._latest.get(today)
        if latest is None:
            latest = latest_records(self._journal, today)
            self._latest = {today: latest}
        return replace(latest, regimens=kept.regimens, targets=kept.targets)

    def due_tests(self, today: date) -> tuple[DueTest, ...]:
        """Every test window of `today` (services.reminders.due_tests_in_force), read from the
        latest records only, as the whole history would give them (services/today.py)."""
        due = self._due.get(today)
        if due is None:
            due = tuple(due_tests_in_force(self._journal, today, self._latest_records(today)))
            self._due = {today: due}
        return due

    def records_on(self, name: str, days: Collection[date]) -> tuple[Any, ...]:
        """The kept records of History field `name` (a dated one) filed on `days`, in storage
        order: found by bisection, so asking for a day costs the same however long the
        journal is."""
        if not _FIELDS[name].dated:
            raise ValueError(f"{name} are not filed by date")
        if name not in self._fields:
            self.history((name,))
        kept = self._fields[name]
        found: list[Any] = []
        for day in sorted(set(days)):
            first, end = _day_span(kept, day)
            found += kept[first:end]
        return tuple(found)

    def doses_since(self, day: date) -> tuple[DoseEvent, ...]:
        """The doses logged on or after `day`, in time order: from the kept doses when they
        were read whole, else read through the date index (Today needs only a week)."""
        kept = self._fields.get("doses")
        if kept is None:
            return tuple(self._journal.doses.since(day))
        start = datetime.combine(day, time(0, 0))
        first = len(kept)
        while first > 0 and kept[first - 1].at >= start:
            first -= 1
        return kept[first:]

    def logged_regimens(self) -> frozenset[int]:
        """The ids of the regimens with at least one dose logged, whenever."""
        return frozenset(self._journal.doses.logged_regimens())

    def unit_system(self) -> UnitSystem:
        return unit_system(self._journal)

    def who_edition(self) -> str:
        return who_edition(self._journal)

    def notify(self, change: Change) -> None:
        """Tell every screen that `change` was written."""
        self._apply(change)
        self.last_saved = self._now()
        self.journal_changed.emit(change)

    def reload(self) -> None:
        """Forget cached records (e.g. after another process wrote to the journal)."""
        self._fields.clear()
        self._latest.clear()
        self._due.clear()
        self.journal_changed.emit(Change(frozenset({EVERYTHING}), "journal reloaded"))

    def replace_journal(self, journal: Journal) -> None:
        """Switch to another journal file; the old one is closed."""
        old = self._journal
        self._journal = journal
        self._fields.clear()
        self._latest.clear()
        self._due.clear()
        self.last_saved = None
        old.close()
        self.journal_replaced.emit()

    def _apply(self, change: Change) -> None:
        """Bring the kept records up to date with `change`: re-read only what it names."""
        if change.touches("labs", "semen", "dexa"):
            self._latest.clear()
        if change.touches("regimens", "labs", "semen", "dexa", "settings"):
            self._due.clear()
        if EVERYTHING in change.kinds:
            self._fields.clear()
            return
        dates = change.dates
        if dates is not None and len(dates) > MAX_DATES_READ:
            dates = None
        for name, field in _FIELDS.items():
            if field.kind not in change.kinds or name not in self._fields:
                continue
            if dates is None or not field.dated:
                self._fields[name] = tuple(_read(self._journal, field, None))
            else:
                read = _read(self._journal, field, dates)
                self._fields[name] = _splice(self._fields[name], read, dates, field.order)


def _splice(
    kept: Sequence[Any], read: Sequence[Any], dates: Collection[date], order: Callable[[Any], Any]
) -> tuple[Any, ...]:
    """`kept` with its records of `dates` replaced by `read`, in storage order.

    Only the days named are looked at (by bisection): a save does not walk ten years."""
    records = list(kept)
    for day in sorted(set(dates), reverse=True):
        first, end = _day_span(records, day)
        del records[first:end]
    for record in sorted(read, key=order):
        insort(records, record, key=order)
    return tuple(records)


class ChangeFollower(QObject):
    """Hands every Change to one screen: at once while it is shown; while it is hidden the
    changes are merged and handed over when it is shown again (a hidden screen does no work)."""

    def __init__(
        self,
        screen: QWidget,
        context: AppContext,
        apply: Callable[[Change], None],
        kinds: Collection[str] | None = None,
    ) -> None:
        super().__init__(screen)
        self._screen = screen
        self._apply = apply
        # The kinds the screen shows (None: every kind); settings change how anything looks.
        self._kinds = None if kinds is None else (*kinds, "settings")
        self._pending: Change | None = None
        context.journal_changed.connect(self._changed)
        screen.installEventFilter(self)

    @property
    def is_stale(self) -> bool:
        """Whether changes wait for the screen to be shown."""
        return self._pending is not None

    def mark_stale(self, change: Change | None = None) -> None:
        """Refresh (with `change`, or everything) now if shown, else when next shown."""
        self._changed(change or Change(frozenset({EVERYTHING}), "refresh"))

    def _changed(self, change: object) -> None:
        if not isinstance(change, Change):
            change = Change(frozenset({EVERYTHING}), "")
        if self._kinds is not None and not change.touches(*self._kinds):
            return
        if self._screen.isVisible():
            self._apply(change)
        else:
            self._pending = merge_changes(self._pending, change)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._screen and event.type() == QEvent.Type.Show and self._pending:
            pending, self._pending = self._pending, None
            self._apply(pending)
        return False


def follow_changes(
    screen: QWidget, context: AppContext, apply: Callable[[Change], None]
) -> ChangeFollower:
    """Call `apply(change)` for each change the screen must show (see ChangeFollower)."""
    return ChangeFollower(screen, context, apply)


def refresh_on(
    screen: QWidget, context: AppContext, refresh: Callable[[], object], kinds: Collection[str]
) -> ChangeFollower:
    """Call `refresh()` after each change of `kinds` (or of settings) the screen must show."""

    def apply(_change: Change) -> None:
        refresh()

    return ChangeFollower(screen, context, apply, kinds)
