"""Lab draws and their results, as rows and back."""

from __future__ import annotations

from datetime import date, time

from sqlite_utils import Database

from fertilitytracker.core.records import DrawId, LabDraw, LabResult, LabResultId


class LabRepository:
    """Reads and writes draws; results with the same date belong to one draw."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def draw_id_for(
        self, day: date, draw_time: time | None = None, fasting: bool | None = None
    ) -> DrawId:
        """The id of the draw on `day`, created when there is none yet.

        A time or fasting given for a draw that has none yet is recorded; one already
        recorded is kept (results added later to the draw do not overwrite it).
        """
        rows = list(
            self._db.query("SELECT id, time, fasting FROM draws WHERE date = ?", [day.isoformat()])
        )
        if rows:
            if draw_time is not None and rows[0]["time"] is None:
                self._db.execute(
                    "UPDATE draws SET time = ? WHERE id = ?",
                    [draw_time.strftime("%H:%M"), rows[0]["id"]],
                )
            if fasting is not None and rows[0]["fasting"] is None:
                self.set_fasting(DrawId(rows[0]["id"]), fasting)
            return DrawId(rows[0]["id"])
        cursor = self._db.execute(
            "INSERT INTO draws (date, time, fasting) VALUES (?, ?, ?)",
            [
                day.isoformat(),
                draw_time.strftime("%H:%M") if draw_time else None,
                None if fasting is None else int(fasting),
            ],
        )
        return DrawId(int(cursor.lastrowid or 0))

    def set_fasting(self, draw_id: DrawId, fasting: bool | None) -> None:
        """Record whether the patient had fasted before the draw (None: not recorded)."""
        self._db.execute(
            "UPDATE draws SET fasting = ? WHERE id = ?",
            [None if fasting is None else int(fasting), draw_id],
        )

    def existing_analytes(self, day: date) -> set[str]:
        return {
            row["analyte"]
            for row in self._db.query(
                "SELECT analyte FROM lab_results JOIN draws ON draws.id = draw_id"
                " WHERE draws.date = ?",
                [day.isoformat()],
            )
        }

    def add_result(self, draw_id: DrawId, result: LabResult) -> LabResultId:
        cursor = self._db.execute(
            "INSERT INTO lab_results (draw_id, analyte, value, comparator, entered_value,"
            " entered_unit, lab_low, lab_high, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                draw_id,
                result.analyte,
                result.value,
                result.comparator,
                result.entered_value,
                result.entered_unit,
                result.lab_low,
                result.lab_high,
                result.method,
            ],
        )
        return LabResultId(int(cursor.lastrowid or 0))

    def delete_result(self, result_id: LabResultId) -> None:
        self._db.execute("DELETE FROM lab_results WHERE id = ?", [result_id])
        self._db.execute(
            "DELETE FROM draws WHERE id NOT IN (SELECT DISTINCT draw_id FROM lab_results)"
        )

    def all(self) -> list[LabDraw]:
        """Every draw with its results, oldest first."""
        results: dict[int, list[LabResult]] = {}
        for row in self._db.query("SELECT * FROM lab_results ORDER BY draw_id, id"):
            results.setdefault(row["draw_id"], []).append(
                LabResult(
                    id=LabResultId(row["id"]),
                    analyte=row["analyte"],
                    value=row["value"],
                    comparator=row["comparator"],
                    entered_value=row["entered_value"],
                    entered_unit=row["entered_unit"],
                    lab_low=row["lab_low"],
                    lab_high=row["lab_high"],
                    method=row["method"],
                )
            )
        return [
            LabDraw(
                id=DrawId(row["id"]),
                date=date.fromisoformat(row["date"]),
                time=time.fromisoformat(row["time"]) if row["time"] else None,
                fasting=None if row["fasting"] is None else bool(row["fasting"]),
                results=tuple(results.get(row["id"], ())),
            )
            for row in self._db.query("SELECT * FROM draws ORDER BY date")
            if row["id"] in results
        ]
