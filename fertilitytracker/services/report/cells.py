"""Values as the report prints them: cells from views, changes and date lookups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.derived import (
    FREE_T_LABEL,
    T_E_THRESHOLD_SI,
    T_E_THRESHOLD_US,
    Derived,
)
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import class_label
from fertilitytracker.core.records import (
    Regimen,
    UnitSystem,
)
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.core.units import convert_for_display
from fertilitytracker.services.report.model import (
    ChangeCell,
    Period,
    ValueCell,
    ValueFlag,
)
from fertilitytracker.services.views import DrawView, ResultView


def marker_label(key: str) -> str:
    """The marker's name as printed."""
    if key == "t_e_ratio":
        return "T/E ratio"
    if key == "tmsc":
        return "TMSC"
    return get_analyte(key).name


def display_bound(key: str, canonical: float | None, system: UnitSystem) -> float | None:
    """A canonical bound in the chosen unit system (None stays None: an open end)."""
    return None if canonical is None else convert_for_display(key, canonical, system)[0]


def t_e_threshold(system: UnitSystem) -> float:
    return T_E_THRESHOLD_SI if system == "si" else T_E_THRESHOLD_US


def cell_from_result(view: ResultView, day: date) -> ValueCell:
    return ValueCell(
        value=view.value,
        unit=view.unit,
        day=day,
        flag=view.flag,
        comparator=view.comparator,
        range_low=view.target_low,
        range_high=view.target_high,
    )


class ResultCells:
    """Each result's cell, made once and shared by the lab table and the markers' values
    (docs/design.md "one reading computed once": a decade is thousands of results)."""

    def __init__(self) -> None:
        self._made: dict[int, tuple[ResultView, ValueCell]] = {}

    def of(self, result: ResultView, day: date) -> ValueCell:
        """`cell_from_result(result, day)`, made the first time it is asked for."""
        found = self._made.get(id(result))
        if found is None:
            # The result is kept beside its cell, so its id cannot be another result's.
            found = self._made[id(result)] = (result, cell_from_result(result, day))
        return found[1]


def cell_from_ratio(derived: Derived, day: date, system: UnitSystem) -> ValueCell:
    # A ratio prints bare: its units are in the chart title and on the ranges page.
    unit = ""
    if derived.value is None:
        return ValueCell(None, unit, day, note=derived.reason)
    # docs/clinical.md §3: decided by the core on the unrounded canonical ratio.
    flag: ValueFlag = "below_reference" if derived.below_reference else "none"
    return ValueCell(derived.value, unit, day, flag=flag, reference=t_e_threshold(system))


def free_t_calculated_cell(derived: Derived, judged: ResultView, day: date) -> ValueCell:
    """The calculated free testosterone (`derived`), flagged against the free testosterone
    range as `judged` (`chart_data.judged_free_t`) read it."""
    note = FREE_T_LABEL + (f"; {derived.note}" if derived.note else "")
    return ValueCell(
        value=judged.value,
        unit=judged.unit,
        day=day,
        flag=judged.flag,
        note=note,
    )


def calculated_free_t(
    labs: Sequence[tuple[DrawView, ResultView | None]],
) -> dict[date, ValueCell]:
    """Each draw's calculated free testosterone (a draw a day), from the blood draws of the
    chart's readings (`ChartReadings.labs`), judged once for the lab table, page 1 and the
    charts."""
    found: dict[date, ValueCell] = {}
    for view, judged in labs:
        if judged is not None:
            derived = view.derived["free_testosterone_calculated"]
            found[view.date] = free_t_calculated_cell(derived, judged, view.date)
    return found


MarkerCells = dict[str, list[ValueCell]]


def marker_cells(
    keys: Sequence[str],
    views: Sequence[DrawView],
    free_t: Mapping[date, ValueCell],
    system: UnitSystem,
    result_cells: ResultCells | None = None,
) -> MarkerCells:
    """Every value of each of `keys` in `views` (oldest first), as printed: one pass, read
    once and shared by page 1, the lipids line and the response table. `free_t` holds the
    calculated free testosterone by draw date (`calculated_free_t`); `result_cells` the
    results' cells already made for the lab table."""
    cells: MarkerCells = {key: [] for key in keys}
    made = result_cells or ResultCells()
    for view in views:
        results = _results_by_key(view)
        for key, found in cells.items():
            cell = _marker_cell(key, view, results, free_t, system, made)
            if cell is not None:
                found.append(cell)
    return cells


def _marker_cell(
    key: str,
    view: DrawView,
    results: Mapping[str, ResultView],
    free_t: Mapping[date, ValueCell],
    system: UnitSystem,
    made: ResultCells,
) -> ValueCell | None:
    """The value of marker `key` in one view, or None when the view has none."""
    if key == "tmsc":
        if view.kind != "semen":
            return None
        tmsc = view.derived["tmsc"]
        if tmsc.value is None:
            return ValueCell(tmsc.value, "10^6", view.date, note=tmsc.reason)
        return ValueCell(tmsc.value, "10^6", view.date)
    if key != "t_e_ratio" and view.kind != "labs":
        # Semen parameters and DEXA T-scores are results of their own kind of record.
        other = results.get(key)
        return None if other is None else made.of(other, view.date)
    if view.kind != "labs":
        return None
    if key == "t_e_ratio":
        if "t_e_ratio" in view.derived and _has(results, ("total_testosterone", "estradiol")):
            return cell_from_ratio(view.derived["t_e_ratio"], view.date, system)
        return None
    measured = results.get(key)
    if measured is not None:
        return made.of(measured, view.date)
    if key == "free_testosterone":
        return free_t.get(view.date)
    return None


def _results_by_key(view: DrawView) -> dict[str, ResultView]:
    """A view's results by analyte (the first of each, as listed)."""
    found: dict[str, ResultView] = {}
    for result in view.results:
        found.setdefault(result.analyte, result)
    return found


def _has(results: Mapping[str, ResultView], keys: tuple[str, ...]) -> bool:
    return all(key in results for key in keys)


def change_between(baseline: ValueCell | None, latest: ValueCell | None) -> ChangeCell | None:
    """latest − baseline and the relative change; censored or missing values give a reason."""
    if baseline is None or latest is None:
        return None
    if baseline.day is not None and latest.day is not None and latest.day <= baseline.day:
        return None  # the latest value is the baseline itself: nothing changed yet
    if not baseline.exact or not latest.exact:
        return ChangeCell(None, None, "not computed: a value is censored or missing")
    assert baseline.value is not None and latest.value is not None
    absolute = latest.value - baseline.value
    percent = None if baseline.value == 0 else absolute / abs(baseline.value) * 100
    return ChangeCell(absolute, percent)


def overlaps(regimen: Regimen, period: Period) -> bool:
    if regimen.start > period.end:
        return False
    return regimen.stop is None or regimen.stop > period.start


def step_text(dose: float, unit: str, schedule: str) -> str:
    return f"{dose:g} {unit} {schedule_words(schedule)}"


def schedule_words(schedule: str) -> str:
    try:
        return parse_schedule(schedule).describe()
    except InputError:
        return schedule  # stored text the parser no longer knows: print it as kept


def latest_on_or_before(cells: Sequence[ValueCell], day: date) -> ValueCell | None:
    found = [cell for cell in cells if cell.day is not None and cell.day <= day]
    return found[-1] if found else None


def latest_within(cells: Sequence[ValueCell], first: date, last: date) -> ValueCell | None:
    """The latest cell dated in [first, last]."""
    found = [cell for cell in cells if cell.day is not None and first <= cell.day <= last]
    return found[-1] if found else None


def med_class_label(med_class: str) -> str:
    try:
        return class_label(med_class)
    except InputError:
        return med_class
