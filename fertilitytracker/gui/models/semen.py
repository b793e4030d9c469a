"""Table model of semen analyses: parameters, derived counts and WHO lower-limit marks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.derived import Derived
from fertilitytracker.core.ranges import default_range
from fertilitytracker.gui.models.base import (
    MISSING_SORT_KEY,
    CellText,
    Column,
    RowTableModel,
    cell_role,
)
from fertilitytracker.gui.models.draws import FLAG_SYMBOLS
from fertilitytracker.services.formatting import MISSING_TEXT, format_number
from fertilitytracker.services.views import DrawView, SemenRow

# Measured parameters: (column key = analyte key, header).
MEASURED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("semen_volume", "Volume\nmL"),
    ("sperm_concentration", "Conc.\nM/mL"),
    ("total_motility", "Motility\n%"),
    ("progressive_motility", "Progr.\n%"),
    ("normal_morphology", "Morph.\n%"),
)
DERIVED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("total_sperm_count", "Total count\nM", "Volume × concentration"),
    ("tmsc", "TMSC\nM", "Total motile sperm count: volume × concentration × total motility"),
    (
        "tmsc_progressive",
        "Progr. TMSC\nM",
        "Volume × concentration × progressive motility",
    ),
)


def _columns() -> list[Column[SemenRow]]:
    columns = [Column.keyed("date", "Date")]
    for key, header in MEASURED_COLUMNS:
        columns.append(Column.keyed(key, header, get_analyte(key).name))
    columns.append(Column.keyed("abstinence", "Abst.\ndays", "Days of abstinence before"))
    columns += [Column.keyed(key, header, tip) for key, header, tip in DERIVED_COLUMNS]
    return columns


def _below_text(name: str, limit: float, unit: str, edition: str) -> str:
    return f"{name}: below WHO {edition} lower reference limit ({format_number(limit)} {unit})"


class SemenTableModel(RowTableModel[SemenRow]):
    """One row per semen analysis; values under the WHO lower limits carry "▼" and colour."""

    def __init__(
        self,
        rows: Sequence[SemenRow] = (),
        who_edition: str = "2021",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(_columns(), parent, rows)
        self._who_edition = who_edition

    def set_analyses(self, rows: Sequence[SemenRow], who_edition: str) -> None:
        """Show other analyses, judged against another WHO edition if need be."""
        self.beginResetModel()
        self._rows = list(rows)
        self._answers.clear()
        self._who_edition = who_edition
        self.endResetModel()

    def cell(self, row: SemenRow, column: Column[SemenRow], role: int) -> Any:
        return cell_role(self._cell_text(row, column.key), role)

    def _cell_text(self, row: SemenRow, key: str) -> CellText:
        if key == "date":
            return CellText(row.analysis.date.isoformat())
        if key == "abstinence":
            days = row.analysis.abstinence_days
            if days is None:
                return CellText("", sort_key=MISSING_SORT_KEY)
            return CellText(str(days), sort_key=float(days))
        if key in row.view.derived:
            return self._derived_text(key, row.view.derived[key], row.view)
        for result in row.view.results:
            if result.analyte == key:
                text = format_number(result.value)
                symbol = FLAG_SYMBOLS.get(result.flag)
                if symbol and result.target_low is not None:
                    return CellText(
                        f"{text} {symbol}",
                        _below_text(result.name, result.target_low, result.unit, self._who_edition),
                        result.flag,
                        float(result.value),
                        f"{text} {result.unit}, below WHO lower reference limit",
                    )
                tip = f"{result.name}: {text} {result.unit}"
                if result.target_low is not None:
                    tip += (
                        f" (WHO {self._who_edition} lower reference limit "
                        f"{format_number(result.target_low)})"
                    )
                return CellText(text, tip, None, float(result.value))
        return CellText("", "not recorded", sort_key=MISSING_SORT_KEY, accessible="not recorded")

    def _derived_text(self, key: str, derived: Derived, view: DrawView) -> CellText:
        if derived.value is None:
            reason = derived.reason or "not computed"
            return CellText(MISSING_TEXT, f"{derived.label}: {reason}", None, MISSING_SORT_KEY)
        text = format_number(derived.value)
        tip = f"{derived.label}: {text} million"
        if derived.source:
            tip += f" ({derived.source})"
        # The flag the core gave the total count against its WHO limit (docs/clinical.md §2).
        limit = default_range(key, self._who_edition).low if key in view.derived_flags else None
        if limit is not None and view.derived_flags[key] == "low":
            return CellText(
                f"{text} {FLAG_SYMBOLS['low']}",
                _below_text(derived.label, limit, "million", self._who_edition),
                "low",
                float(derived.value),
                f"{text} million, below WHO lower reference limit",
            )
        return CellText(text, tip, None, float(derived.value))
