"""Lab draws and their results, as rows and back."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, time
from typing import Any

from fertilitytracker.core.records import DrawId, LabDraw, LabResult, LabResultId
from fertilitytracker.storage.connection import Database


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
        found = self._db.execute(
            "SELECT id, time, fasting FROM draws WHERE date = ?", [day.isoformat()]
        ).fetchone()
        if found is not None:
            draw_id, known_time, known_fasting = found
            if draw_time is not None and known_time is None:
                self._db.execute(
                    "UPDATE draws SET time = ? WHERE id = ?",
                    [draw_time.strftime("%H:%M"), draw_id],
                )
            if fasting is not None and known_fasting is None:
                self.set_fasting(DrawId(draw_id), fasting)
            return DrawId(draw_id)
        cursor = self._db.execute(
            "INSERT INTO draws (date, time, fasting) VALUES (?, ?, ?)",
            [
                day.isoformat(),
                draw_time.strftime("%H:%M") if draw_time else None,
                None if fasting is None else int(fasting),
            ],
        )
        return DrawId(int(cursor.lastrowid or 0))

    def draw_ids_for(
        self, draws: Iterable[tuple[date, time | None, bool | None]]
    ) -> dict[date, DrawId]:
        """`draw_id_for` of many draws at once (an import), by day: a few statements per
        thousand days instead of two per draw. As when asked one by one, in order, a day's
        first time and fasting given are recorded where the draw has none yet."""
        wanted: dict[date, list[Any]] = {}
        for day, draw_time, fasting in draws:
            known = wanted.setdefault(day, [None, None])
            if known[0] is None and draw_time is not None:
                known[0] = draw_time.strftime("%H:%M")
            if known[1] is None and fasting is not None:
                known[1] = int(fasting)
        found = self._draws_by_day(list(wanted))
        updates = [
            (wanted[day][0], wanted[day][1], draw_id)
            for day, (draw_id, known_time, known_fasting) in found.items()
            if (known_time is None and wanted[day][0] is not None)
            or (known_fasting is None and wanted[day][1] is not None)
        ]
        self._db.conn.executemany(
            "UPDATE draws SET time = coalesce(time, ?), fasting = coalesce(fasting, ?)"
            " WHERE id = ?",
            updates,
        )
        new = [day for day in wanted if day not in found]
        self._db.conn.executemany(
            "INSERT INTO draws (date, time, fasting) VALUES (?, ?, ?)",
            [(day.isoformat(), *wanted[day]) for day in new],
        )
        found.update(self._draws_by_day(new))
        return {day: DrawId(row[0]) for day, row in found.items()}

    def _draws_by_day(self, days: list[date]) -> dict[date, tuple[int, Any, Any]]:
        """(id, time, fasting) of the recorded draws on `days`, asked 500 days at a time."""
        found: dict[date, tuple[int, Any, Any]] = {}
        for start in range(0, len(days), 500):
            part = days[start : start + 500]
            marks = ", ".join("?" for _ in part)
            for draw_id, day, draw_time, fasting in self._db.execute(
                f"SELECT id, date, time, fasting FROM draws WHERE date IN ({marks})",
                [day.isoformat() for day in part],
            ):
                found[date.fromisoformat(day)] = (draw_id, draw_time, fasting)
        return found

    def set_time(self, draw_id: DrawId, draw_time: time | None) -> None:
        """Record when the blood was drawn (None: not recorded)."""
        self._db.execute(
            "UPDATE draws SET time = ? WHERE id = ?",
            [draw_time.strftime("%H:%M") if draw_time else None, draw_id],
        )

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
        cursor = self._db.execute(_INSERT_RESULT, _result_row(draw_id, result))
        return LabResultId(int(cursor.lastrowid or 0))

    def add_results(self, results: Iterable[tuple[DrawId, LabResult]]) -> None:
        """Insert many results in one statement (an import: one executemany, no id per row).

        The caller holds the transaction; `results` is consumed lazily.
        """
        self._db.conn.executemany(
            _INSERT_RESULT,
            (_result_row(draw_id, result) for draw_id, result in results),
        )

    def last_result_id(self) -> int:
        """The highest result id (0 when none): an import streamed in chunks tells the results
        its earlier chunks wrote from those recorded before it began."""
        return int(self._db.execute("SELECT coalesce(max(id), 0) FROM lab_results").fetchone()[0])

    def delete_result(self, result_id: LabResultId) -> None:
        self._db.execute("DELETE FROM lab_results WHERE id = ?", [result_id])
        self._db.execute(
            "DELETE FROM draws WHERE id NOT IN (SELECT DISTINCT draw_id FROM lab_results)"
        )

    def all(self) -> list[LabDraw]:
        """Every draw with its results, oldest first."""
        return self._draws("SELECT * FROM draws ORDER BY date", [])

    def on_dates(self, days: Collection[date]) -> list[LabDraw]:
        """The draws of `days` with their results, oldest first (the date index bounds it)."""
        if not days:
            return []
        marks = ", ".join("?" for _ in days)
        return self._draws(
            f"SELECT * FROM draws WHERE date IN ({marks}) ORDER BY date",
            [day.isoformat() for day in sorted(days)],
        )

    def latest(self, count: int) -> list[LabDraw]:
        """The `count` most recent draws, oldest first."""
        rows = self._draws("SELECT * FROM draws ORDER BY date DESC LIMIT ?", [count])
        return sorted(rows, key=lambda draw: draw.date)

    def latest_dates(self, analytes: Collection[str], until: date, count: int = 1) -> list[date]:
        """The dates of the `count` latest draws on or before `until` holding a result of each
        of `analytes`, newest first.

        Bounded by what it finds, not by the journal: the draws' date index is walked back from
        `until` and each draw probed through its (draw, analyte) key, so the cost is the draws
        passed over (an analyte never recorded passes over them all, inside SQLite).
        """
        holds = "".join(
            " AND EXISTS (SELECT 1 FROM lab_results WHERE draw_id = draws.id AND analyte = ?)"
            for _ in analytes
        )
        rows = self._db.execute(
            f"SELECT date FROM draws WHERE date <= ?{holds} ORDER BY date DESC LIMIT ?",
            [until.isoformat(), *analytes, count],
        )
        return [date.fromisoformat(day) for (day,) in rows]

    def find_result(self, result_id: LabResultId) -> tuple[LabDraw, LabResult] | None:
        """The result `result_id` and the draw it belongs to (with only that result)."""
        rows = list(
            self._db.query(
                "SELECT lab_results.*, draws.date AS draw_date, draws.time AS draw_time,"
                " draws.fasting AS draw_fasting"
                " FROM lab_results JOIN draws ON draws.id = draw_id WHERE lab_results.id = ?",
                [result_id],
            )
        )
        if not rows:
            return None
        row = rows[0]
        result = _result(row)
        draw = LabDraw(
            id=DrawId(row["draw_id"]),
            date=date.fromisoformat(row["draw_date"]),
            time=time.fromisoformat(row["draw_time"]) if row["draw_time"] else None,
            fasting=None if row["draw_fasting"] is None else bool(row["draw_fasting"]),
            results=(result,),
        )
        return draw, result

    def last_doses_taken(self) -> dict[date, dict[int, datetime]]:
        """For every draw with a time: id of each regimen active on the draw's day → the
        time of its last dose taken at or before the draw (docs/clinical.md §8), one index
        probe per draw and active regimen instead of reading the whole dose log."""
        # Both are stored to the minute ("2026-02-20T07:30", "07:30"): as text they compare
        # as the moments they are. Active: from the first step's date to the day before the
        # stop (core.records.Regimen.is_active_on).
        rows = self._db.execute(
            "SELECT draws.date, spans.id, (SELECT at FROM dose_events"
            " WHERE regimen_id = spans.id AND status = 'taken'"
            " AND at <= draws.date || 'T' || draws.time ORDER BY at DESC LIMIT 1)"
            " FROM draws JOIN (SELECT regimens.id, regimens.stop,"
            " min(regimen_steps.date) AS start FROM regimens"
            " JOIN regimen_steps ON regimen_steps.regimen_id = regimens.id"
            " GROUP BY regimens.id) AS spans"
            " ON spans.start <= draws.date AND (spans.stop IS NULL OR draws.date < spans.stop)"
            " WHERE draws.time IS NOT NULL"
        )
        last: dict[date, dict[int, datetime]] = {}
        for day, regimen_id, at in rows:
            doses = last.setdefault(date.fromisoformat(day), {})
            if at is not None:
                doses[regimen_id] = datetime.fromisoformat(at)
        return last

    def _draws(self, sql: str, params: list[Any]) -> list[LabDraw]:
        """The draws `sql` selects (`SELECT * FROM draws ...`) with their results."""
        # Plain tuples, positional (the table's columns: id, date, time, fasting): years of
        # draws and results are read at once.
        draw_rows = self._db.execute(sql, params).fetchall()
        if not draw_rows:
            return []
        results: dict[int, list[LabResult]] = {}
        if len(draw_rows) == self._db.execute("SELECT count(*) FROM draws").fetchone()[0]:
            result_rows = self._db.execute(
                f"SELECT {_RESULT_COLUMNS} FROM lab_results ORDER BY draw_id, id"
            )
        else:
            ids = [row[0] for row in draw_rows]
            marks = ", ".join("?" for _ in ids)
            result_rows = self._db.execute(
                f"SELECT {_RESULT_COLUMNS} FROM lab_results WHERE draw_id IN ({marks})"
                " ORDER BY draw_id, id",
                ids,
            )
        for row in result_rows:
            results.setdefault(row[0], []).append(LabResult(*row[1:]))
        return [
            LabDraw(
                id=DrawId(draw_id),
                date=date.fromisoformat(day),
                time=time.fromisoformat(draw_time) if draw_time else None,
                fasting=None if fasting is None else bool(fasting),
                results=tuple(results[draw_id]),
            )
            for draw_id, day, draw_time, fasting in draw_rows
            if draw_id in results
        ]


# The draw id, then a column for each of LabResult's fields, in their order.
_RESULT_COLUMNS = ", ".join(["draw_id", *LabResult._fields])


def _result(row: dict[str, Any]) -> LabResult:
    return LabResult(
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


_INSERT_RESULT = (
    "INSERT INTO lab_results (draw_id, analyte, value, comparator, entered_value,"
    " entered_unit, lab_low, lab_high, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _result_row(draw_id: DrawId, result: LabResult) -> tuple[object, ...]:
    """The values of one lab_results row, in _INSERT_RESULT's column order."""
    return (
        draw_id,
        result.analyte,
        result.value,
        result.comparator,
        result.entered_value,
        result.entered_unit,
        result.lab_low,
        result.lab_high,
        result.method,
    )
