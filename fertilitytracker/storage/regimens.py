"""Regimens and their steps (start, dose and schedule changes), as rows and back."""

from __future__ import annotations

from datetime import date

from fertilitytracker.core.records import Regimen, RegimenId, RegimenStep
from fertilitytracker.storage.connection import Database
from fertilitytracker.storage.repository import Repository


class RegimenRepository(Repository[Regimen, RegimenId]):
    """Reads and writes regimens; callers wrap writes in a transaction."""

    def __init__(self, db: Database) -> None:
        # The steps are rows of regimen_steps, read after the regimens (`_with_steps`).
        super().__init__(db, "regimens", Regimen, RegimenId, order="id", elsewhere={"steps": ()})

    def add(self, regimen: Regimen) -> RegimenId:
        regimen_id = super().add(regimen)
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
        self._db.execute(
            "UPDATE regimens SET stop = ? WHERE id = ?",
            [stop.isoformat() if stop else None, regimen_id],
        )

    def delete_step(self, regimen_id: RegimenId, on: date) -> None:
        self._db.execute(
            "DELETE FROM regimen_steps WHERE regimen_id = ? AND date = ?",
            [regimen_id, on.isoformat()],
        )

    def get(self, regimen_id: RegimenId) -> Regimen | None:
        found = self._with_steps(self._select("WHERE id = ?", [regimen_id]))
        return found[0] if found else None

    def all(self) -> list[Regimen]:
        """Every regimen, oldest start first."""
        regimens = self._with_steps(self._select("", []))
        return sorted(regimens, key=lambda regimen: (regimen.start, regimen.id or 0))

    def _with_steps(self, regimens: list[Regimen]) -> list[Regimen]:
        """The regimens with their steps (a regimen without any step is left out)."""
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
            regimen._replace(steps=tuple(steps_by_regimen[regimen.id]))
            for regimen in regimens
            if regimen.id in steps_by_regimen
        ]
