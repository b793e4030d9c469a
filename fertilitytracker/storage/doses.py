"""Dose events (taken or skipped), as rows and back."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from fertilitytracker.core.records import DoseEvent, DoseEventId, RegimenId


class DoseRepository:
    """Reads and writes dose events; callers wrap writes in a transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, dose: DoseEvent) -> DoseEventId:
        cursor = self._db.execute(
            "INSERT INTO dose_events (regimen_id, at, status, dose, unit) VALUES (?, ?, ?, ?, ?)",
            [
                dose.regimen_id,
                dose.at.isoformat(timespec="minutes"),
                dose.status,
                dose.dose,
                dose.unit,
            ],
        )
        return DoseEventId(int(cursor.lastrowid or 0))

    def delete(self, dose_id: DoseEventId) -> None:
        self._db.execute("DELETE FROM dose_events WHERE id = ?", [dose_id])

    def all(self, regimen_id: RegimenId | None = None) -> list[DoseEvent]:
        """Dose events in time order, optionally of one regimen."""
        if regimen_id is None:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM dose_events ORDER BY at, id")
        else:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM dose_events WHERE regimen_id = ? ORDER BY at, id",
                [regimen_id],
            )
        return _events(rows)

    def get(self, dose_id: DoseEventId) -> DoseEvent | None:
        events = _events(
            self._db.execute(f"SELECT {_COLUMNS} FROM dose_events WHERE id = ?", [dose_id])
        )
        return events[0] if events else None

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
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM dose_events WHERE regimen_id IN (SELECT id FROM regimens)"
            " AND at >= ? ORDER BY at, id",
            [first.isoformat()],
        )
        return _events(rows)

    def between(self, first: date, last: date) -> list[DoseEvent]:
        """The dose events from `first` to `last` (inclusive), in time order."""
        # Bounded through the (regimen_id, at) index: one range probe per regimen.
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM dose_events WHERE regimen_id IN (SELECT id FROM regimens)"
            " AND at >= ? AND at < ? ORDER BY at, id",
            [first.isoformat(), (last + timedelta(days=1)).isoformat()],
        )
        return _events(rows)


_COLUMNS = "id, regimen_id, at, status, dose, unit"


def _events(rows: Iterable[Any]) -> list[DoseEvent]:
    """Dose events from rows of `_COLUMNS` (plain tuples: years of doses are read at once)."""
    return [
        DoseEvent(
            id=DoseEventId(dose_id),
            regimen_id=RegimenId(regimen_id),
            at=datetime.fromisoformat(at),
            status=status,
            dose=dose,
            unit=unit,
        )
        for dose_id, regimen_id, at, status, dose, unit in rows
    ]
