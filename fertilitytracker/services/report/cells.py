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
    # Each view's results are looked at once, whatever the number of keys.
    for view in views:
        day = view.date
        results = _results_by_key(view)
        for key, result in results.items():
            found = cells.get(key)
            if found is not None and key not in _CALCULATED:
                found.append(made.of(result, day))
        if view.kind == "labs":
            measured = "free_testosterone" in results
            if not measured and "free_testosterone" in cells and day in free_t:
                cells["free_testosterone"].append(free_t[day])
            if "t_e_ratio" in cells:
                ratio = _t_e_cell(view, results, system)
                if ratio is not None:
                    cells["t_e_ratio"].append(ratio)
        elif view.kind == "semen" and "tmsc" in cells:
            cells["tmsc"].append(_tmsc_cell(view))
    return cells


# The markers that are values calculated from a record, never one of its results.
_CALCULATED = frozenset({"tmsc", "t_e_ratio"})


def _t_e_cell(
    view: DrawView, results: Mapping[str, ResultView], system: UnitSystem
) -> ValueCell | None:
    """A blood draw's T/E ratio, when it measured both."""
    if "t_e_ratio" in view.derived and _has(results, ("total_testosterone", "estradiol")):
        return cell_from_ratio(view.derived["t_e_ratio"], view.date, system)
    return None


def _tmsc_cell(view: DrawView) -> ValueCell:
    """A semen analysis's total motile sperm count (or why there is none)."""
    tmsc = view.derived["tmsc"]
    if tmsc.value is None:
        return ValueCell(tmsc.value, "10^6", view.date, note=tmsc.reason)
    return ValueCell(tmsc.value, "10^6", view.date)


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
