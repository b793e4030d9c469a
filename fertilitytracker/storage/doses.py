"""Dose events (taken or skipped), as rows and back."""

from __future__ import annotations

from datetime import datetime

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
            rows = self._db.query("SELECT * FROM dose_events ORDER BY at, id")
        else:
            rows = self._db.query(
                "SELECT * FROM dose_events WHERE regimen_id = ? ORDER BY at, id", [regimen_id]
            )
        return [
            DoseEvent(
                id=DoseEventId(row["id"]),
                regimen_id=RegimenId(row["regimen_id"]),
                at=datetime.fromisoformat(row["at"]),
                status=row["status"],
                dose=row["dose"],
                unit=row["unit"],
            )
            for row in rows
        ]
