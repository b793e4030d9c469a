"""Clinical settings kept in the journal (so they travel with it): targets and preferences."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fertilitytracker.core.records import TargetRange
from fertilitytracker.storage.connection import Database


class SettingsRepository:
    """Key/value settings (JSON values) and clinician target ranges."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str, default: Any = None) -> Any:
        rows = list(self._db.query("SELECT value FROM settings WHERE key = ?", [key]))
        return json.loads(rows[0]["value"]) if rows else default

    def set(self, key: str, value: Any) -> None:
        self._db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value)],
        )

    def delete(self, key: str) -> None:
        self._db.execute("DELETE FROM settings WHERE key = ?", [key])

    def all(self) -> dict[str, Any]:
        return {
            row["key"]: json.loads(row["value"])
            for row in self._db.query("SELECT key, value FROM settings")
        }

    def add_target(self, target: TargetRange) -> None:
        self._db.execute(
            "INSERT INTO targets (analyte, low, high, source, set_on) VALUES (?, ?, ?, ?, ?)",
            [
                target.analyte,
                target.low,
                target.high,
                target.source,
                target.set_on.isoformat() if target.set_on else None,
            ],
        )

    def clear_targets(self, analyte: str) -> None:
        """Forget the clinician's ranges for `analyte` (the default applies again)."""
        self._db.execute("DELETE FROM targets WHERE analyte = ?", [analyte])

    def targets(self) -> list[TargetRange]:
        """Every clinician target, in the order they were set."""
        return [
            TargetRange(
                analyte=row["analyte"],
                low=row["low"],
                high=row["high"],
                source=row["source"],
                set_on=date.fromisoformat(row["set_on"]) if row["set_on"] else None,
            )
            for row in self._db.query("SELECT * FROM targets ORDER BY id")
        ]
