"""Regimens and their steps (start, dose and schedule changes), as rows and back."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from sqlite_utils import Database

from fertilitytracker.core.records import Regimen, RegimenId, RegimenStep


class RegimenRepository:
    """Reads and writes regimens; callers wrap writes in a transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, regimen: Regimen) -> RegimenId:
        cursor = self._db.execute(
            "INSERT INTO regimens (name, med_class, stop, time_of_day) VALUES (?, ?, ?, ?)",
            [
                regimen.name,
                regimen.med_class,
                _iso(regimen.stop),
                regimen.time_of_day.strftime("%H:%M") if regimen.time_of_day else None,
            ],
        )
        regimen_id = RegimenId(int(cursor.lastrowid or 0))
        for step in regimen.steps:
            self.add_step(regimen_id, step)
        return regimen_id

    def add_step(self, regimen_id: RegimenId, step: RegimenStep) -> None:
        self._db.execute(
            "INSERT INTO regimen_steps (regimen_id, date, dose, unit, schedule)"
            " VALUES (?, ?, ?, ?, ?)",
            [regimen_id, step.date.isoformat(), step.dose, step.unit, step.schedule],
        )

    def set_stop(self, regimen_id: RegimenId, stop: date | None) -> None:
        self._db.execute("UPDATE regimens SET stop = ? WHERE id = ?", [_iso(stop), regimen_id])

    def delete(self, regimen_id: RegimenId) -> None:
        self._db.execute("DELETE FROM regimens WHERE id = ?", [regimen_id])

    def delete_step(self, regimen_id: RegimenId, on: date) -> None:
        self._db.execute(
            "DELETE FROM regimen_steps WHERE regimen_id = ? AND date = ?",
            [regimen_id, on.isoformat()],
        )

    def get(self, regimen_id: RegimenId) -> Regimen | None:
        rows = list(self._db.query("SELECT * FROM regimens WHERE id = ?", [regimen_id]))
        return self._with_steps(rows)[0] if rows else None

    def all(self) -> list[Regimen]:
        """Every regimen, oldest start first."""
        rows = list(self._db.query("SELECT * FROM regimens ORDER BY id"))
        regimens = self._with_steps(rows)
        return sorted(regimens, key=lambda regimen: (regimen.start, regimen.id or 0))

    def _with_steps(self, rows: list[dict[str, Any]]) -> list[Regimen]:
        steps_by_regimen: dict[int, list[RegimenStep]] = {}
        for row in self._db.query("SELECT * FROM regimen_steps ORDER BY regimen_id, date, id"):
            steps_by_regimen.setdefault(row["regimen_id"], []).append(
                RegimenStep(
                    date=date.fromisoformat(row["date"]),
                    dose=row["dose"],
                    unit=row["unit"],
                    schedule=row["schedule"],
                )
            )
        return [
            Regimen(
                id=RegimenId(row["id"]),
                name=row["name"],
                med_class=row["med_class"],
                steps=tuple(steps_by_regimen.get(row["id"], ())),
                stop=date.fromisoformat(row["stop"]) if row["stop"] else None,
                time_of_day=time.fromisoformat(row["time_of_day"]) if row["time_of_day"] else None,
            )
            for row in rows
            if row["id"] in steps_by_regimen
        ]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
