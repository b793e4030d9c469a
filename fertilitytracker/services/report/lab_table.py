"""The full lab table: each draw's results as entered and converted, and derived values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from fertilitytracker.core.attribution import T_LH_CONFOUNDED_REASON, t_lh_confounders
from fertilitytracker.core.derived import (
    FREE_T_LABEL,
    T_LH_REFERENCE,
    Derived,
)
from fertilitytracker.core.ranges import (
    dexa_band,
    dexa_band_label,
)
from fertilitytracker.core.reading import range_in_force
from fertilitytracker.core.records import (
    History,
    UnitSystem,
)
from fertilitytracker.core.units import convert_for_display
from fertilitytracker.services.report.cells import (
    ResultCells,
    cell_from_ratio,
    display_bound,
    t_e_threshold,
)
from fertilitytracker.services.report.model import (
    DrawContextRow,
    LabGrid,
    LabRow,
    ValueCell,
)
from fertilitytracker.services.report.text import clinician_text
from fertilitytracker.services.views import (
    DrawView,
    ResultView,
)

T_LH_UNIT = "ng/dL ÷ IU/L"
_RANGE_FROM = {"lab": "the lab's range", "clinician": "clinician target", "default": "default"}
_DERIVED_INPUTS: dict[str, tuple[str, ...]] = {
    "t_e_ratio": ("total_testosterone", "estradiol"),
    "t_lh_ratio": ("total_testosterone", "lh"),
    "free_testosterone_calculated": ("total_testosterone", "shbg"),
}


def _range_from(result: ResultView) -> str:
    """Where the range in force comes from; both rules when a one-sided range was completed."""
    low, high = result.low_source, result.high_source
    if low is not None and high is not None and low != high:
        return f"{_RANGE_FROM.get(low, low)} (low), {_RANGE_FROM.get(high, high)} (high)"
    return _RANGE_FROM.get(result.range_source, result.range_source)


def _entered_text(result: ResultView) -> str:
    text = f"{result.comparator or ''}{result.entered_value:g} {result.entered_unit}".strip()
    return f"{text} ({result.method})" if result.method else text


def lab_rows_of(
    history: History,
    views: Sequence[DrawView],
    system: UnitSystem,
    free_t: Mapping[date, ValueCell],
    result_cells: ResultCells | None = None,
) -> tuple[LabRow, ...]:
    """The full lab table: each result of each draw, then the values derived from the draw.

    `free_t` holds each draw's calculated free testosterone (`cells.calculated_free_t`);
    `result_cells` makes each result's cell once for this table and the markers' values.
    """
    made = result_cells or ResultCells()
    derived_rows = _DerivedRows(history, system, free_t)
    rows: list[LabRow] = []
    for view in views:
        if view.kind not in ("labs", "dexa"):
            continue
        day = view.date
        dexa = view.kind == "dexa"
        first = True
        for result in view.results:
            if dexa:
                band = dexa_band_label(dexa_band(result.value))
                range_from = band if band.startswith("WHO") else f"WHO band: {band}"
            else:
                range_from = _range_from(result)
            rows.append(
                LabRow(
                    day=day,
                    kind="dexa" if dexa else "result",
                    name=result.name,
                    entered=_entered_text(result),
                    value=made.of(result, day),
                    range_low=result.target_low,
                    range_high=result.target_high,
                    range_from=range_from,
                    first_of_draw=first,
                    key=result.analyte,
                    converted=result.entered_unit != result.unit,
                )
            )
            first = False
        if dexa:
            continue
        measured = {result.analyte for result in view.results}
        for key, inputs in _DERIVED_INPUTS.items():
            derived = view.derived.get(key)
            if derived is None or not measured.issuperset(inputs):
                continue
            rows.append(derived_rows.row(key, derived, day))
    return tuple(rows)


class _DerivedRows:
    """The rows of the values derived from each draw; what they share (the free testosterone
    range in force, the units) is worked out once for the table."""

    def __init__(
        self, history: History, system: UnitSystem, free_t: Mapping[date, ValueCell]
    ) -> None:
        self._regimens = history.regimens
        self._targets = history.targets
        self._system = system
        self._free_t = free_t
        self._free_t_range: tuple[float | None, float | None, str] | None = None

    def row(self, key: str, derived: Derived, day: date) -> LabRow:
        if key == "t_e_ratio":
            return self._t_e_row(derived, day)
        if key == "t_lh_ratio":
            return self._t_lh_row(derived, day)
        return self._free_t_row(derived, day)

    def _t_e_row(self, derived: Derived, day: date) -> LabRow:
        cell = cell_from_ratio(derived, day, self._system)
        threshold = t_e_threshold(self._system)
        return LabRow(
            day,
            "derived",
            "T/E ratio",
            "T ÷ E2",
            cell,
            None,
            None,
            "AI selection criterion",
            reference=f"ref. {threshold:g}",
            key="t_e_ratio",
        )

    def _t_lh_row(self, derived: Derived, day: date) -> LabRow:
        # Computed from ng/dL and IU/L whatever the display units: say so.
        unit = T_LH_UNIT
        confounders = t_lh_confounders(self._regimens, day)
        if confounders:
            cell = ValueCell(
                None, unit, day, note=f"{T_LH_CONFOUNDED_REASON} ({', '.join(confounders)})"
            )
        elif derived.value is None:
            cell = ValueCell(None, unit, day, note=derived.reason)
        else:
            cell = ValueCell(derived.value, unit, day)
        return LabRow(
            day,
            "derived",
            "T/LH ratio",
            f"T ÷ LH ({T_LH_UNIT})",
            cell,
            None,
            None,
            "reference line, not a flag",
            reference=f"ref. {T_LH_REFERENCE:g}",
            key="t_lh_ratio",
        )

    def _free_t_row(self, derived: Derived, day: date) -> LabRow:
        key = "free_testosterone_calculated"
        calculated = self._free_t.get(day)
        if calculated is None:
            unit = convert_for_display("free_testosterone", 1.0, self._system)[1]
            cell = ValueCell(None, unit, day, note=derived.reason)
            return LabRow(
                day, "derived", "Free testosterone", FREE_T_LABEL, cell, None, None, "", key=key
            )
        low, high, range_from = self._free_t_range_shown()
        entered = FREE_T_LABEL + ("; albumin assumed" if derived.note else "")
        return LabRow(
            day, "derived", "Free testosterone", entered, calculated, low, high, range_from, key=key
        )

    def _free_t_range_shown(self) -> tuple[float | None, float | None, str]:
        """The free testosterone range in force, in the unit system, and where it comes from."""
        if self._free_t_range is None:
            target = range_in_force("free_testosterone", self._targets)
            origin = target.origin
            self._free_t_range = (
                display_bound("free_testosterone", target.low, self._system),
                display_bound("free_testosterone", target.high, self._system),
                _RANGE_FROM.get(origin, origin),
            )
        return self._free_t_range


# Short column names a clinician reads at a glance; the full names are on the ranges page.
SHORT_NAMES: dict[str, str] = {
    "total_testosterone": "Total T",
    "free_testosterone": "Free T",
    "free_testosterone_calculated": "cFT",
    "estradiol": "E2",
    "t_e_ratio": "T/E",
    "lh": "LH",
    "fsh": "FSH",
    "t_lh_ratio": "T/LH",
    "shbg": "SHBG",
    "prolactin": "PRL",
    "albumin": "Alb",
    "hematocrit": "Hct",
    "psa": "PSA",
    "total_cholesterol": "Chol",
    "hdl": "HDL",
    "ldl": "LDL",
    "triglycerides": "TG",
    "dexa_t_score": "DEXA",
}
_GRID_ORDER = tuple(SHORT_NAMES)


def lab_grid(rows: Sequence[LabRow], system: UnitSystem) -> LabGrid:
    """The lab rows laid out one draw per row and one analyte per column (only those present)."""
    by_day: dict[date, dict[str, LabRow]] = {}
    # Each column's unit: that of the first row of its key that has one (one pass).
    units: dict[str, str] = {}
    for row in rows:
        by_day.setdefault(row.day, {})[row.key] = row
        if row.key not in units or (not units[row.key] and row.value.unit):
            units[row.key] = row.value.unit
    present = set(units)
    keys = [key for key in _GRID_ORDER if key in present]
    keys += sorted(present - set(keys))
    columns = tuple(
        (key, SHORT_NAMES.get(key, key), _grid_unit(key, units, system)) for key in keys
    )
    return LabGrid(
        columns=columns,
        rows=tuple((day, tuple(by_day[day].get(key) for key in keys)) for day in sorted(by_day)),
    )


def _grid_unit(key: str, units: Mapping[str, str], system: UnitSystem) -> str:
    if key == "t_lh_ratio":
        return T_LH_UNIT
    if key == "t_e_ratio":
        return "nmol/L ÷ pmol/L" if system == "si" else "ng/dL ÷ pg/mL"
    return units[key]


def draw_contexts(views: Sequence[DrawView]) -> tuple[DrawContextRow, ...]:
    """Each blood draw's context, oldest first (only draws that carry one)."""
    rows = []
    for view in views:
        context = view.context
        if view.kind != "labs" or context is None:
            continue
        since = ", ".join(
            f"{s.medication} {s.hours:.1f} h"
            if s.hours is not None
            else f"{s.medication}: no dose logged"
            for s in context.since_doses
        )
        rows.append(
            DrawContextRow(
                day=view.date,
                time=f"{context.time:%H:%M}" if context.time else "",
                fasting=context.fasting,
                since_doses=since,
                notes=tuple(
                    (note.key, note.text, clinician_text(note.source)) for note in context.notes
                ),
            )
        )
    return tuple(rows)
