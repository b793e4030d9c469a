"""Dose events (taken or skipped), as rows and back."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from fertilitytracker.core.records import DoseEvent, DoseEventId, RegimenId
from fertilitytracker.storage.connection import Database
from fertilitytracker.storage.repository import Repository

# Dose events of regimens still in the journal, bounded through the (regimen_id, at) index:
# one range probe per regimen.
_OF_REGIMENS_FROM = "WHERE regimen_id IN (SELECT id FROM regimens) AND at >= ?"


class DoseRepository(Repository[DoseEvent, DoseEventId]):
    """Reads and writes dose events; callers wrap writes in a transaction."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, "dose_events", DoseEvent, DoseEventId, order="at, id")

    def all(self, regimen_id: RegimenId | None = None) -> list[DoseEvent]:
        """Dose events in time order, optionally of one regimen."""
        if regimen_id is None:
            return self._select("", [])
        return self._select("WHERE regimen_id = ?", [regimen_id])

    def on_dates(self, days: Collection[date]) -> list[DoseEvent]:
        """The dose events of `days`, in time order."""
        events: list[DoseEvent] = []
        for day in sorted(days):
            events += self.between(day, day)
        return events

    def logged_regimens(self) -> frozenset[RegimenId]:
        """The regimens with at least one dose logged (one index probe per regimen)."""
        rows = self._db.execute(
            "SELECT id FROM regimens WHERE EXISTS"
            " (SELECT 1 FROM dose_events WHERE dose_events.regimen_id = regimens.id)"
        )
        return frozenset(RegimenId(int(row[0])) for row in rows)

    def since(self, first: date) -> list[DoseEvent]:
        """The dose events from `first` on, in time order (through the date index)."""
        return self._select(_OF_REGIMENS_FROM, [first.isoformat()])

    def between(self, first: date, last: date) -> list[DoseEvent]:
        """The dose events from `first` to `last` (inclusive), in time order."""
        return self._select(
            f"{_OF_REGIMENS_FROM} AND at < ?",
            [first.isoformat(), (last + timedelta(days=1)).isoformat()],
        )
