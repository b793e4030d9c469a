"""What every screen shares: the open journal, the clock and the journal-changed signal.

Screens never call each other. A screen that writes calls a service, then `notify(change)`;
the main window hands the change to every screen, which refreshes what it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QObject, Signal

from fertilitytracker.core import clock
from fertilitytracker.core.records import History, UnitSystem
from fertilitytracker.services.journal import Change
from fertilitytracker.services.settings import unit_system, who_edition
from fertilitytracker.storage.journal import Journal


class AppContext(QObject):
    """The open journal plus the app-wide signals; handed to every screen."""

    journal_changed = Signal(object)  # a services.journal.Change
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
        self._history: History | None = None
        self.last_saved: datetime | None = None

    @property
    def journal(self) -> Journal:
        return self._journal

    def today(self) -> date:
        return self._today()

    def now(self) -> datetime:
        return self._now()

    def history(self) -> History:
        """The journal's records, read once per change."""
        if self._history is None:
            self._history = self._journal.history()
        return self._history

    def unit_system(self) -> UnitSystem:
        return unit_system(self._journal)

    def who_edition(self) -> str:
        return who_edition(self._journal)

    def notify(self, change: Change) -> None:
        """Tell every screen that `change` was written."""
        self._history = None
        self.last_saved = self._now()
        self.journal_changed.emit(change)

    def reload(self) -> None:
        """Forget cached records (e.g. after another process wrote to the journal)."""
        self._history = None
        self.journal_changed.emit(Change(frozenset({"all"}), "journal reloaded"))

    def replace_journal(self, journal: Journal) -> None:
        """Switch to another journal file; the old one is closed."""
        old = self._journal
        self._journal = journal
        self._history = None
        self.last_saved = None
        old.close()
        self.journal_replaced.emit()
