"""Table models of the Labs screen: blood draws, the results of one draw, and DEXA scans."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.derived import Derived
from fertilitytracker.core.ranges import dexa_band, dexa_band_label
from fertilitytracker.core.records import DexaScan, UnitSystem
from fertilitytracker.core.units import convert_for_display, unit_for_system
from fertilitytracker.gui.models.base import (
    MISSING_SORT_KEY,
    CellText,
    Column,
    Row,
    RowTableModel,
    cell_role,
)
from fertilitytracker.services.formatting import (
    MISSING_TEXT,
    format_beside,
    format_number,
    format_range,
)
from fertilitytracker.services.result_words import estradiol_caution, flag_words, value_text
from fertilitytracker.services.views import DrawView, ResultView

# --- presentation helpers shared with the semen model ---------------------------------------

FLAG_SYMBOLS = {"low": "▼", "high": "▲", "indeterminate": "◆"}
FLAG_WORDS = {
    "low": "▼ low",
    "high": "▲ high",
    "in_range": "in range",
    "indeterminate": "◆ cannot tell",
}
# docs/clinical.md §4: the estradiol state of a result, as the core decided it.
STATE_SYMBOL = "⚠"


# --- blood draws ------------------------------------------------------------------------------

# The columns of the draws table, in the order a clinician reads a panel: the hormones, the
# values derived from them, then the safety and lipid results.
DRAW_ANALYTES: tuple[tuple[str, str], ...] = (
    ("total_testosterone", "Total T"),
    ("free_testosterone", "Free T"),
    ("estradiol", "E2"),
    ("lh", "LH"),
    ("fsh", "FSH"),
    ("shbg", "SHBG"),
)
DERIVED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("t_e_ratio", "T/E"),
    ("t_lh_ratio", "T/LH"),
    ("free_testosterone_calculated", "FT calc."),
)
OTHER_ANALYTES: tuple[tuple[str, str], ...] = (
    ("prolactin", "PRL"),
    ("albumin", "Alb."),
    ("hematocrit", "Hct"),
    ("psa", "PSA"),
    ("total_cholesterol", "Chol."),
    ("hdl", "HDL"),
    ("ldl", "LDL"),
    ("triglycerides", "TG"),
)
RANGE_ORIGIN_WORDS = {"lab": "lab", "clinician": "clinician"}


def range_description(result: ResultView) -> str:
    """The range in force for a result and where it comes from, for a tooltip or a cell."""
    bounds = format_range(result.target_low, result.target_high, result.unit)
    return f"{bounds} · {range_origin(result)}"


def range_origin(result: ResultView) -> str:
    """Where the range in force comes from: "lab", "clinician" or "default: <source>".

    A one-sided range completed from the next rule down names both (docs/clinical.md §1).
    """
    low, high = result.low_source, result.high_source
    if low is not None and high is not None and low != high:
        return f"low end {_origin_word(result, low)}, high end {_origin_word(result, high)}"
    if result.range_source == "default":
        return f"default ({get_analyte(result.analyte).range_source})"
    return RANGE_ORIGIN_WORDS.get(result.range_source, result.range_source)


def _origin_word(result: ResultView, origin: str) -> str:
    if origin == "default":
        return f"default ({get_analyte(result.analyte).range_source})"
    return RANGE_ORIGIN_WORDS.get(origin, origin)


def result_value_text(result: ResultView) -> str:
    """The displayed value with its comparator: "692", "<8" (never rounded across a bound)."""
    return value_text(result)


def result_cell(result: ResultView) -> CellText:
    """A result as a table cell: value with flag symbol, tooltip with the range in force."""
    symbol = FLAG_SYMBOLS.get(result.flag)
    text = result_value_text(result)
    if symbol:
        text = f"{text} {symbol}"
    caution = estradiol_caution(result)
    if caution is not None:
        text = f"{text} {STATE_SYMBOL}"
    lines = [
        f"{result.name}: {result_value_text(result)} {result.unit} — {flag_words(result)}",
        f"Range in force: {range_description(result)}",
    ]
    if caution is not None:
        lines.append(f"{STATE_SYMBOL} Estradiol {caution}")
    if result.entered_unit != result.unit or result.entered_value != result.value:
        lines.append(
            f"Entered: {result.comparator or ''}{result.entered_value:g} {result.entered_unit}"
        )
    if result.method:
        lines.append(f"Method: {result.method}")
    accessible = f"{result_value_text(result)} {result.unit}, {FLAG_WORDS[result.flag]}"
    if caution is not None:
        accessible += f", estradiol {caution}"
    return CellText(
        text=text,
        tooltip="\n".join(lines),
        flag=result.flag if result.flag in ("low", "high") else None,
        sort_key=float(result.value),
        accessible=accessible,
    )


def derived_cell(
    derived: Derived | None, display: Callable[[float], tuple[float, str]]
) -> CellText:
    """A derived value as a cell, or "—" with the reason it was not computed."""
    if derived is None:
        return CellText(MISSING_TEXT, "not computed", sort_key=MISSING_SORT_KEY)
    if derived.value is None:
        reason = derived.reason or "not computed"
        return CellText(
            MISSING_TEXT,
            f"{derived.label}: {reason}",
            sort_key=MISSING_SORT_KEY,
            accessible=f"not computed: {reason}",
        )
    value, unit = display(derived.value)
    unit = unit or derived.unit
    # Never rounded across a reference (T/E 9.997 is not "10"; docs/clinical.md §3).
    text = format_beside(value, derived.reference)
    lines = [f"{derived.label}: {text} {unit}"]
    if derived.note:
        text += "*"
        lines.append(derived.note)
    if derived.source:
        lines.append(derived.source)
    return CellText(text, "\n".join(lines), sort_key=float(value))


class DrawsTableModel(RowTableModel[DrawView]):
    """One row per blood draw: key results in the user's units, flags and derived values."""

    def __init__(
        self,
        rows: Sequence[DrawView] = (),
        system: UnitSystem = "us",
        parent: QObject | None = None,
    ) -> None:
        self._system: UnitSystem = system
        # (id of the row's view, column key) -> (the view, its cell); a replaced view is missed.
        self._cells: dict[tuple[int, str], tuple[DrawView, CellText]] = {}
        # Draw date -> its row, built when first asked for and dropped when rows move: finding
        # the row of a saved draw must not walk every draw of the journal.
        self._row_by_day: dict[date, int] | None = None
        super().__init__(self._declare_columns(rows, system), parent, rows)

    @staticmethod
    def _declare_columns(rows: Sequence[DrawView], system: UnitSystem) -> list[Column[DrawView]]:
        columns = [
            Column.keyed("date", "Date", "Date of the draw (the time, when recorded, on hover)")
        ]

        def analyte_column(key: str, short: str) -> Column[DrawView]:
            analyte = get_analyte(key)
            unit = unit_for_system(key, system).text
            return Column.keyed(key, f"{short}\n{unit}", f"{analyte.name} ({unit})")

        columns += [analyte_column(key, short) for key, short in DRAW_ANALYTES]
        for key, short in DERIVED_COLUMNS:
            unit = _derived_unit(key, rows, system)
            title = f"{short}\n{unit}" if unit else short
            columns.append(Column.keyed(key, title, _DERIVED_TIPS[key]))
        columns += [analyte_column(key, short) for key, short in OTHER_ANALYTES]
        return columns

    @property
    def system(self) -> UnitSystem:
        return self._system

    def set_draws(self, rows: Sequence[DrawView], system: UnitSystem) -> None:
        """Show other draws, possibly in another unit system (headers change with it)."""
        self.beginResetModel()
        self._system = system
        self._rows = list(rows)
        self._row_by_day = None
        self._answers.clear()
        self._cells.clear()
        self._columns = tuple(self._declare_columns(rows, system))
        self.endResetModel()

    def update_draws(self, days: Collection[date], views: Sequence[DrawView]) -> list[int]:
        """Replace the draws of `days` with `views` (a day without a view is removed), row by
        row: the rows of other days are left alone. Returns the rows changed or added."""
        by_day = {view.date: view for view in views}
        present = {day: row for day in days if (row := self.row_of(day)) >= 0}
        touched: list[int] = []
        last_column = len(self._columns) - 1
        for day, view in by_day.items():
            if day not in present:
                row = len(self._rows)
                self.beginInsertRows(QModelIndex(), row, row)
                self._rows.append(view)
                if self._row_by_day is not None:
                    self._row_by_day[day] = row
                self.endInsertRows()
                touched.append(row)
            else:
                row = present[day]
                self._rows[row] = view
                self.dataChanged.emit(self.index(row, 0), self.index(row, last_column))
                touched.append(row)
        gone = sorted((row for day, row in present.items() if day not in by_day), reverse=True)
        for row in gone:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self._row_by_day = None  # the rows after it moved up
            self.endRemoveRows()
            touched = [other - 1 if other > row else other for other in touched]
        columns = tuple(self._declare_columns(self._rows, self._system))
        if [c.title for c in columns] != [c.title for c in self._columns]:
            self._columns = columns
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last_column)
        return touched

    def row_of(self, day: date | None) -> int:
        """The row of the draw of `day`; -1 when there is none."""
        if self._row_by_day is None:
            self._row_by_day = {view.date: row for row, view in enumerate(self._rows)}
        return self._row_by_day.get(day, -1) if day is not None else -1

    def set_rows(self, rows: Sequence[DrawView]) -> None:
        self._row_by_day = None
        super().set_rows(rows)

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        self._row_by_day = None
        super()._sort_rows(column, order)

    def has_values(self, key: str) -> bool:
        """Whether any draw holds a result for the analyte column `key`."""
        return any(any(r.analyte == key for r in view.results) for view in self._rows)

    def cell(self, row: DrawView, column: Column[DrawView], role: int) -> Any:
        # One CellText per cell for all its roles: fitting the columns and painting ask each
        # cell for several, and a result's cell (its tooltip above all) is not cheap to build.
        key = (id(row), column.key)
        known = self._cells.get(key)
        if known is None or known[0] is not row:
            known = (row, self._cell_text(row, column.key))
            self._cells[key] = known
        return cell_role(known[1], role)

    def forget_answers(self) -> None:
        super().forget_answers()
        self._cells.clear()

    def _cell_text(self, view: DrawView, key: str) -> CellText:
        if key == "date":
            # The date only: the table must fit a 1440 px window; the time is in the tooltip
            # and in the title of the draw's results.
            text = view.date.isoformat()
            if view.time is None:
                return CellText(text, sort_key=text)
            # Not strftime: in a PySide process each call goes through its import hook.
            when = f"{text} {view.time.hour:02d}:{view.time.minute:02d}"
            return CellText(text, tooltip=f"Drawn {when}", sort_key=when)
        if key in view.derived or key in dict(DERIVED_COLUMNS):
            return derived_cell(view.derived.get(key), self._derived_display(key))
        for result in view.results:
            if result.analyte == key:
                return result_cell(result)
        return CellText("", None, sort_key=MISSING_SORT_KEY, accessible="not measured")

    def _derived_display(self, key: str) -> Callable[[float], tuple[float, str]]:
        system = self._system

        def display(value: float) -> tuple[float, str]:
            if key == "free_testosterone_calculated":
                # The core computes pg/mL; the core converts it to the user's unit.
                return convert_for_display("free_testosterone", value, system)
            return value, _DERIVED_UNITS.get(key, "")

        return display


_DERIVED_UNITS = {"t_e_ratio": "", "t_lh_ratio": ""}
_DERIVED_TIPS = {
    "t_e_ratio": "Total testosterone ÷ estradiol of the same draw",
    "t_lh_ratio": "Total testosterone (ng/dL) ÷ LH (IU/L) of the same draw",
    "free_testosterone_calculated": "Calculated free testosterone (Vermeulen), from total T, "
    "SHBG and albumin of the same draw",
}


def _derived_unit(key: str, rows: Sequence[DrawView], system: UnitSystem) -> str:
    """The second header line of a derived column (the full unit is in the cell tooltip)."""
    if key == "free_testosterone_calculated":
        return unit_for_system("free_testosterone", system).text
    if key == "t_e_ratio":
        # An SI ratio (nmol/L ÷ pmol/L) is ~1000× smaller than a US one: say which it is.
        for view in rows:
            derived = view.derived.get(key)
            if derived is not None:
                return "SI" if "nmol/L" in derived.unit else "US"
    if key == "t_lh_ratio":
        # Always testosterone in ng/dL over LH (its reference line of 100 is in those units):
        # "US" like T/E, and in SI mode the units it is in, since they are not the SI ones.
        for view in rows:
            derived = view.derived.get(key)
            if derived is not None:
                return "US" if system == "us" else derived.unit.replace(" per ", "÷")
    return ""


# --- the results of one draw ------------------------------------------------------------------

RESULT_COLUMNS = (
    Column.keyed("analyte", "Analyte"),
    Column.keyed("value", "Value"),
    Column.keyed("flag", "Flag"),
    Column.keyed("range", "Range in force", "The range the flag is judged against, and its source"),
    Column.keyed("entered", "As entered", "The value and unit as printed by the lab"),
    Column.keyed("method", "Method"),
)


class _CellTextModel(RowTableModel[Row]):
    """A table of the `COLUMNS` of a class, each cell the `cell_text` of its row and key."""

    COLUMNS: tuple[Column[Any], ...] = ()

    def __init__(self, rows: Sequence[Row] = (), parent: QObject | None = None) -> None:
        super().__init__(self.COLUMNS, parent, rows)

    def cell(self, row: Row, column: Column[Row], role: int) -> Any:
        return cell_role(self.cell_text(row, column.key), role)

    @staticmethod
    def cell_text(row: Any, key: str) -> CellText:
        raise NotImplementedError


class ResultsTableModel(_CellTextModel[ResultView]):
    """Every result of one draw, with what was entered beside the converted value."""

    COLUMNS = RESULT_COLUMNS

    @staticmethod
    def cell_text(result: ResultView, key: str) -> CellText:
        flag = result.flag if result.flag in ("low", "high") else None
        if key == "analyte":
            return CellText(result.name, result.analyte)
        if key == "value":
            text = f"{result_value_text(result)} {result.unit}"
            return CellText(text, result_cell(result).tooltip, flag, float(result.value))
        if key == "flag":
            caution = estradiol_caution(result)
            words = FLAG_WORDS[result.flag]
            if caution is not None:
                words += f" {STATE_SYMBOL}"
            return CellText(words, caution or flag_words(result), flag)
        if key == "range":
            bounds = format_range(result.target_low, result.target_high, result.unit)
            origin = "default" if result.range_source == "default" else range_origin(result)
            return CellText(f"{bounds} · {origin}", f"Range in force: {range_description(result)}")
        if key == "entered":
            text = f"{result.comparator or ''}{result.entered_value:g} {result.entered_unit}"
            return CellText(text)
        if key == "method":
            return CellText(result.method or "")
        raise KeyError(key)


# --- DEXA scans -------------------------------------------------------------------------------

DEXA_COLUMNS = (
    Column.keyed("date", "Date"),
    Column.keyed("t_score", "T-score", "DEXA T-score (SD)"),
    Column.keyed(
        "band",
        "WHO band",
        "WHO criteria: below −1.0 osteopenia band, −2.5 or lower osteoporosis band",
    ),
    Column.keyed("site", "Site"),
    Column.keyed("bmd", "BMD g/cm²", "Bone mineral density"),
)
_SITE_WORDS = {"spine": "Spine", "femur_neck": "Femur neck", "hip": "Hip"}


class DexaTableModel(_CellTextModel[DexaScan]):
    """DEXA scans with the WHO band of each T-score."""

    COLUMNS = DEXA_COLUMNS

    @staticmethod
    def cell_text(scan: DexaScan, key: str) -> CellText:
        band = dexa_band(scan.t_score)
        flag = None if band == "within_range" else "low"
        if key == "date":
            return CellText(scan.date.isoformat())
        if key == "t_score":
            symbol = "" if flag is None else " ▼"
            return CellText(
                format_number(scan.t_score) + symbol,
                dexa_band_label(band),
                flag,
                float(scan.t_score),
            )
        if key == "band":
            return CellText(dexa_band_label(band), get_analyte("dexa_t_score").range_source, flag)
        if key == "site":
            return CellText(_SITE_WORDS.get(scan.site or "", scan.site or ""))
        if key == "bmd":
            if scan.bmd_g_cm2 is None:
                return CellText("", sort_key=MISSING_SORT_KEY)
            return CellText(f"{scan.bmd_g_cm2:.3f}", sort_key=float(scan.bmd_g_cm2))
        raise KeyError(key)
