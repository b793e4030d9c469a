"""Table model of symptom entries: date, symptom, severity 0–10 and note."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject

from fertilitytracker.core.records import SymptomEntry
from fertilitytracker.gui.models.base import SORT_ROLE, CellText, Column, RowTableModel, cell_role

SYMPTOM_COLUMNS = (
    Column.keyed("date", "Date"),
    Column.keyed("symptom", "Symptom"),
    Column.keyed("severity", "Severity", "0 = none … 10 = worst"),
    Column.keyed("note", "Note"),
)


class SymptomsTableModel(RowTableModel[SymptomEntry]):
    """One row per rated symptom."""

    def __init__(self, rows: Sequence[SymptomEntry] = (), parent: QObject | None = None) -> None:
        super().__init__(SYMPTOM_COLUMNS, parent, rows)

    def cell(self, row: SymptomEntry, column: Column[SymptomEntry], role: int) -> Any:
        if role == SORT_ROLE and column.key == "date":
            # The model sorts years of entries by date (newest first) whenever they are set:
            # the date cell's text, without building every row's cell for it.
            return row.date.isoformat()
        return cell_role(self._cell_text(row, column.key), role)

    @staticmethod
    def _cell_text(entry: SymptomEntry, key: str) -> CellText:
        if key == "date":
            return CellText(entry.date.isoformat())
        if key == "symptom":
            return CellText(entry.name[:1].upper() + entry.name[1:])
        if key == "severity":
            return CellText(
                f"{entry.severity} / 10",
                "0 = none … 10 = worst",
                sort_key=float(entry.severity),
                accessible=f"severity {entry.severity} of 10",
            )
        if key == "note":
            return CellText(entry.note or "", entry.note or None)
        raise KeyError(key)
