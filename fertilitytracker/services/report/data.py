"""The clinician report as plain frozen data, built from a History: every number from the core.

Nothing here opens a file, a database or a window, and nothing reads the clock, so
`build_report_data` can run in any thread once the History and settings have been read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from fertilitytracker.core.adherence import Adherence, adherence_for
from fertilitytracker.core.analytes import get_analyte, who_edition_sources
from fertilitytracker.core.derived import (
    FREE_T_LABEL,
    FREE_T_SOURCE,
    T_E_THRESHOLD_SI,
    T_E_THRESHOLD_SI_SOURCE,
    T_E_THRESHOLD_US,
    T_E_THRESHOLD_US_SOURCE,
    T_LH_REFERENCE,
    T_LH_REFERENCE_SOURCE,
    TMSC_SOURCE,
    Derived,
)
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import class_label
from fertilitytracker.core.monitoring import (
    HORMONE_CLASSES,
    DueTest,
    due_tests,
    offsets_with,
    rule_sources,
)
from fertilitytracker.core.ranges import (
    OVER_SUPPRESSION_SOURCE,
    dexa_band,
    dexa_band_label,
    semen_lower_limit,
)
from fertilitytracker.core.reading import EstradiolState, clinician_target, range_in_force
from fertilitytracker.core.records import (
    History,
    Regimen,
    SemenAnalysis,
    SymptomEntry,
    UnitSystem,
)
from fertilitytracker.core.resources import load_json
from fertilitytracker.core.schedules import parse_schedule
from fertilitytracker.core.units import convert_for_display
from fertilitytracker.services.views import (
    DrawView,
    ResultView,
    all_draw_views,
    context_summary,
    estradiol_caution,
    semen_view,
    value_view,
)

# The key markers of page 1 and of the response tables, in the order the issue lists them.
KEY_MARKERS: tuple[str, ...] = (
    "total_testosterone",
    "free_testosterone",
    "estradiol",
    "t_e_ratio",
    "lh",
    "fsh",
    "tmsc",
)
RESPONSE_MARKERS: tuple[str, ...] = ("total_testosterone", "estradiol", "t_e_ratio", "lh", "fsh")
CHART_MARKERS: tuple[str, ...] = ("total_testosterone", "estradiol", "t_e_ratio", "lh", "fsh")

BASELINE_RULE = (
    "Baseline: the last value on or before the start of the first hormone medication; with no "
    "hormone medication, the first value in the period."
)

ProgressCallback = Callable[[float, str], None]
ValueFlag = Literal["low", "in_range", "high", "indeterminate", "below_reference", "none"]


@dataclass(frozen=True)
class ReportSettings:
    """The journal settings the report uses (read them in the thread that owns the journal)."""

    patient_name: str = ""
    patient_birth_date: str = ""
    unit_system: UnitSystem = "us"
    who_edition: str = "2021"
    rule_offsets: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Period:
    """The period covered, both ends inclusive."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class ValueCell:
    """One value as the report prints it, already in the chosen unit system.

    `value` None means it could not be computed; `note` then says why. `flag` "none" means no
    range applies (TMSC); "below_reference" is the T/E reference line, not a range.
    """

    value: float | None
    unit: str
    day: date | None
    flag: ValueFlag = "none"
    comparator: str | None = None
    note: str | None = None
    reference: float | None = None  # a ratio's threshold: the shown value never crosses it
    # The range it was flagged against: the shown value is never rounded onto or across it.
    range_low: float | None = None
    range_high: float | None = None

    @property
    def exact(self) -> bool:
        """A number that can enter a difference (not censored, not missing)."""
        return self.value is not None and self.comparator is None


@dataclass(frozen=True)
class ChangeCell:
    """Latest minus baseline, with the relative change; None values carry the reason."""

    absolute: float | None
    percent: float | None
    reason: str | None = None


@dataclass(frozen=True)
class MarkerSummary:
    """A key marker on page 1: latest value in the period, baseline and change."""

    key: str
    label: str
    latest: ValueCell | None
    baseline: ValueCell | None
    change: ChangeCell | None


@dataclass(frozen=True)
class RegimenSummary:
    """A regimen as page 1 lists it, with its adherence over the period."""

    name: str
    class_label: str
    dose_text: str
    schedule_text: str
    start: date
    stop: date | None
    active_at_end: bool
    steps: tuple[tuple[date, str], ...]  # (from, "0.5 mg every other day")
    adherence: Adherence


@dataclass(frozen=True)
class OverSuppression:
    """An estradiol result below the floor, or that cannot tell, while an aromatase inhibitor
    was active (docs/clinical.md §4), as `core.reading` decided it."""

    day: date
    value: ValueCell
    floor: float
    unit: str
    inhibitors: tuple[str, ...]
    is_latest: bool
    state: EstradiolState = "below_floor"
    floor_origin: str = "default"  # "clinician" or "default"
    caution: str = ""  # the state in the words every surface uses


@dataclass(frozen=True)
class ResponseRow:
    """One marker of a response table: baseline, the latest value under each step, change."""

    key: str
    label: str
    baseline: ValueCell | None
    per_step: tuple[ValueCell | None, ...]
    change: ChangeCell | None


@dataclass(frozen=True)
class ResponseTable:
    """Baseline against the latest on-treatment values for one regimen."""

    regimen: str
    class_label: str
    start: date
    stop: date | None
    step_labels: tuple[tuple[date, str], ...]
    rows: tuple[ResponseRow, ...]
    concurrent: tuple[str, ...]  # other hormone medication active at some time during it


@dataclass(frozen=True)
class ChartPoint:
    """A point of a trend chart; `censored` points sit at their limit with an open marker."""

    day: date
    value: float
    censored: bool
    flag: ValueFlag
    annotation: str = ""  # e.g. estradiol below target range while on an inhibitor


@dataclass(frozen=True)
class ChartSeries:
    """One small multiple: points, target band and optional reference line."""

    key: str
    label: str
    unit: str
    points: tuple[ChartPoint, ...]
    band_low: float | None
    band_high: float | None
    reference: float | None = None
    reference_label: str = ""
    band_label: str = ""


@dataclass(frozen=True)
class MedicationSpan:
    """A regimen drawn under the charts: active days [start, end) and labelled steps."""

    name: str
    start: date
    end: date | None  # exclusive; None while ongoing
    steps: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class LabRow:
    """One line of the full lab table: a result as entered and converted, or a derived value."""

    day: date
    kind: Literal["result", "derived", "dexa"]
    name: str
    entered: str  # as the lab printed it ("<8 pg/mL (LC-MS/MS)"), or how it was derived
    value: ValueCell
    range_low: float | None
    range_high: float | None
    range_from: str  # "default", "clinician target", "the lab's range", a reference, a band
    first_of_draw: bool = False
    reference: str = ""  # printed in place of a range for ratios ("ref. 10")


@dataclass(frozen=True)
class SemenRow:
    """One semen analysis with its flags against the WHO limits and derived counts."""

    analysis: SemenAnalysis
    view: DrawView


@dataclass(frozen=True)
class SymptomSummary:
    """One symptom over the period: mean, first and latest, trend and notes."""

    name: str
    count: int
    mean: float
    first: tuple[date, int]
    latest: tuple[date, int]
    slope_per_30_days: float | None  # least-squares severity change per 30 days
    notes: tuple[tuple[str, tuple[date, ...]], ...]


@dataclass(frozen=True)
class RangeUsed:
    """A target range the report judged results against, with where it came from."""

    analyte: str
    name: str
    low: float | None
    high: float | None
    unit: str
    origin: str  # "default", "clinician (set YYYY-MM-DD)"
    source: str
    lab_range_results: int = 0  # results judged against the lab's own printed range


@dataclass(frozen=True)
class RuleUsed:
    """A monitoring rule with the offsets in force (overridden ones marked)."""

    rule_id: str
    source: str
    offsets: tuple[tuple[str, int, bool], ...]  # (name, days, overridden)


@dataclass(frozen=True)
class ReportData:
    """Everything the PDF prints, in display units; render.py only lays it out."""

    patient_name: str
    patient_birth_date: str
    generated_on: date
    period: Period
    unit_system: UnitSystem
    who_edition: str
    is_empty: bool
    regimens: tuple[RegimenSummary, ...] = ()
    markers: tuple[MarkerSummary, ...] = ()
    baseline_rule: str = BASELINE_RULE
    over_suppression: tuple[OverSuppression, ...] = ()
    due: tuple[DueTest, ...] = ()
    charts: tuple[ChartSeries, ...] = ()
    spans: tuple[MedicationSpan, ...] = ()
    responses: tuple[ResponseTable, ...] = ()
    lab_rows: tuple[LabRow, ...] = ()
    # Each blood draw's context (docs/clinical.md §8): (date, summary, ((note, source), ...)).
    draw_contexts: tuple[tuple[date, str, tuple[tuple[str, str], ...]], ...] = ()
    semen: tuple[SemenRow, ...] = ()
    who_limits: tuple[tuple[str, str, float | None, str], ...] = ()  # key, name, limit, unit
    who_source: str = ""
    symptoms: tuple[SymptomSummary, ...] = ()
    ranges: tuple[RangeUsed, ...] = ()
    references: tuple[tuple[str, str], ...] = ()  # (what, source) for derived values
    rules: tuple[RuleUsed, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _label(key: str) -> str:
    if key == "t_e_ratio":
        return "T/E ratio"
    if key == "tmsc":
        return "TMSC"
    return get_analyte(key).name


def _display(key: str, canonical: float | None, system: UnitSystem) -> float | None:
    """A canonical bound in the chosen unit system (None stays None: an open end)."""
    return None if canonical is None else convert_for_display(key, canonical, system)[0]


def _t_e_threshold(system: UnitSystem) -> float:
    return T_E_THRESHOLD_SI if system == "si" else T_E_THRESHOLD_US


def _cell_from_result(view: ResultView, day: date) -> ValueCell:
    return ValueCell(
        value=view.value,
        unit=view.unit,
        day=day,
        flag=view.flag,
        comparator=view.comparator,
        range_low=view.target_low,
        range_high=view.target_high,
    )


def _cell_from_ratio(derived: Derived, day: date, system: UnitSystem) -> ValueCell:
    # A ratio prints bare: its units are in the chart title and on the ranges page.
    unit = ""
    if derived.value is None:
        return ValueCell(None, unit, day, note=derived.reason)
    # docs/clinical.md §3: decided by the core on the unrounded canonical ratio.
    flag: ValueFlag = "below_reference" if derived.below_reference else "none"
    return ValueCell(derived.value, unit, day, flag=flag, reference=_t_e_threshold(system))


def _free_t_calculated_cell(
    derived: Derived, day: date, history: History, system: UnitSystem
) -> ValueCell | None:
    """The calculated free testosterone, flagged against the free testosterone range."""
    if derived.value is None:
        return None
    judged = value_view("free_testosterone", derived.value, day, history, system)
    note = FREE_T_LABEL + (f"; {derived.note}" if derived.note else "")
    return ValueCell(
        value=judged.value,
        unit=judged.unit,
        day=day,
        flag=judged.flag,
        note=note,
    )


def _marker_cells(
    key: str, views: Sequence[DrawView], history: History, system: UnitSystem
) -> list[ValueCell]:
    """Every value of a key marker in `views` (oldest first), as printed."""
    cells: list[ValueCell] = []
    for view in views:
        if key == "tmsc":
            if view.kind == "semen":
                tmsc = view.derived["tmsc"]
                cells.append(
                    ValueCell(tmsc.value, "10^6", view.date, note=tmsc.reason)
                    if tmsc.value is None
                    else ValueCell(tmsc.value, "10^6", view.date)
                )
            continue
        if view.kind != "labs":
            continue
        if key == "t_e_ratio":
            if "t_e_ratio" in view.derived and _has_inputs(
                view, ("total_testosterone", "estradiol")
            ):
                cells.append(_cell_from_ratio(view.derived["t_e_ratio"], view.date, system))
            continue
        measured = next((r for r in view.results if r.analyte == key), None)
        if measured is not None:
            cells.append(_cell_from_result(measured, view.date))
        elif key == "free_testosterone":
            derived = view.derived.get("free_testosterone_calculated")
            if derived is not None:
                cell = _free_t_calculated_cell(derived, view.date, history, system)
                if cell is not None:
                    cells.append(cell)
    return cells


def _has_inputs(view: DrawView, keys: tuple[str, ...]) -> bool:
    present = {result.analyte for result in view.results}
    return all(key in present for key in keys)


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


def _overlaps(regimen: Regimen, period: Period) -> bool:
    if regimen.start > period.end:
        return False
    return regimen.stop is None or regimen.stop > period.start


def _step_text(dose: float, unit: str, schedule: str) -> str:
    return f"{dose:g} {unit} {_schedule_words(schedule)}"


def _schedule_words(schedule: str) -> str:
    try:
        return parse_schedule(schedule).describe()
    except InputError:
        return schedule  # stored text the parser no longer knows: print it as kept


def _first_hormone_start(history: History) -> date | None:
    starts = [r.start for r in history.regimens if r.med_class in HORMONE_CLASSES and r.steps]
    return min(starts) if starts else None


def _latest_on_or_before(cells: Sequence[ValueCell], day: date) -> ValueCell | None:
    found = [cell for cell in cells if cell.day is not None and cell.day <= day]
    return found[-1] if found else None


def _latest_within(cells: Sequence[ValueCell], first: date, last: date) -> ValueCell | None:
    """The latest cell dated in [first, last]."""
    found = [cell for cell in cells if cell.day is not None and first <= cell.day <= last]
    return found[-1] if found else None


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------


def _regimen_summaries(history: History, period: Period, today: date) -> tuple[RegimenSummary, ...]:
    summaries = []
    for regimen in sorted(history.regimens, key=lambda r: (r.start, r.name)):
        if not regimen.steps or not _overlaps(regimen, period):
            continue
        in_force = regimen.step_on(min(period.end, today)) or regimen.current
        own = [dose for dose in history.doses if dose.regimen_id == regimen.id]
        summaries.append(
            RegimenSummary(
                name=regimen.name,
                class_label=_class_label(regimen.med_class),
                dose_text=f"{in_force.dose:g} {in_force.unit}",
                schedule_text=_schedule_words(in_force.schedule),
                start=regimen.start,
                stop=regimen.stop,
                active_at_end=regimen.is_active_on(period.end),
                steps=tuple(
                    (step.date, _step_text(step.dose, step.unit, step.schedule))
                    for step in regimen.steps
                    if regimen.stop is None or step.date < regimen.stop
                ),
                adherence=adherence_for(regimen, own, today, start=period.start, end=period.end),
            )
        )
    return tuple(summaries)


def _class_label(med_class: str) -> str:
    try:
        return class_label(med_class)
    except InputError:
        return med_class


def _key_markers(
    history: History,
    all_views: Sequence[DrawView],
    period: Period,
    system: UnitSystem,
) -> tuple[MarkerSummary, ...]:
    first_start = _first_hormone_start(history)
    markers = []
    for key in KEY_MARKERS:
        cells = _marker_cells(key, all_views, history, system)
        latest = _latest_within(cells, period.start, period.end)
        if first_start is not None:
            baseline = _latest_on_or_before(cells, first_start)
        else:
            in_period = [c for c in cells if c.day is not None and period.contains(c.day)]
            baseline = in_period[0] if in_period else None
        markers.append(
            MarkerSummary(
                key=key,
                label=_label(key),
                latest=latest,
                baseline=baseline,
                change=change_between(baseline, latest),
            )
        )
    return tuple(markers)


def _over_suppression(
    history: History, views: Sequence[DrawView], system: UnitSystem
) -> tuple[OverSuppression, ...]:
    """Estradiol below the floor, or that cannot tell, while an inhibitor was active
    (docs/clinical.md §4), oldest first: read from each result's view, never decided here."""
    with_e2 = [
        (view, result)
        for view in views
        if view.kind == "labs"
        for result in view.results
        if result.analyte == "estradiol"
    ]
    found = []
    for index, (view, result) in enumerate(with_e2):
        if result.estradiol_state is None or result.floor is None:
            continue
        found.append(
            OverSuppression(
                day=view.date,
                value=_cell_from_result(result, view.date),
                floor=result.floor,
                unit=result.unit,
                inhibitors=result.inhibitors,
                is_latest=index == len(with_e2) - 1,
                state=result.estradiol_state,
                floor_origin=result.floor_origin or "default",
                caution=estradiol_caution(result) or "",
            )
        )
    return tuple(found)


def _response_tables(
    history: History,
    all_views: Sequence[DrawView],
    period: Period,
    system: UnitSystem,
) -> tuple[ResponseTable, ...]:
    cells_by_key = {
        key: _marker_cells(key, all_views, history, system) for key in (*RESPONSE_MARKERS, "tmsc")
    }
    tables = []
    for regimen in sorted(history.regimens, key=lambda r: (r.start, r.name)):
        if not regimen.steps or not _overlaps(regimen, period):
            continue
        steps = [s for s in regimen.steps if regimen.stop is None or s.date < regimen.stop]
        # Of two steps on one day the later wins (as Regimen.step_on).
        by_day = {step.date: step for step in steps}
        steps = [by_day[day] for day in sorted(by_day)]
        treated_until = period.end
        if regimen.stop is not None:
            treated_until = min(treated_until, regimen.stop - timedelta(days=1))
        rows = []
        for key in (*RESPONSE_MARKERS, "tmsc"):
            cells = cells_by_key[key]
            baseline = _latest_on_or_before(cells, regimen.start)
            per_step: list[ValueCell | None] = []
            for index, step in enumerate(steps):
                # A value on the step's own day is taken as before it (drawn before the dose).
                first = step.date + timedelta(days=1)
                last = treated_until
                if index + 1 < len(steps):
                    last = min(last, steps[index + 1].date)
                per_step.append(_latest_within(cells, first, last))
            on_treatment = _latest_within(cells, regimen.start + timedelta(days=1), treated_until)
            rows.append(
                ResponseRow(
                    key=key,
                    label=_label(key),
                    baseline=baseline,
                    per_step=tuple(per_step),
                    change=change_between(baseline, on_treatment),
                )
            )
        concurrent = sorted(
            {
                other.name
                for other in history.regimens
                if other is not regimen
                and other.med_class in HORMONE_CLASSES
                and other.steps
                and _ranges_overlap(regimen, other)
            }
        )
        tables.append(
            ResponseTable(
                regimen=regimen.name,
                class_label=_class_label(regimen.med_class),
                start=regimen.start,
                stop=regimen.stop,
                step_labels=tuple(
                    (step.date, _step_text(step.dose, step.unit, step.schedule)) for step in steps
                ),
                rows=tuple(rows),
                concurrent=tuple(concurrent),
            )
        )
    return tuple(tables)


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


def _lab_rows(
    history: History, views: Sequence[DrawView], system: UnitSystem
) -> tuple[LabRow, ...]:
    """The full lab table: each result of each draw, then the values derived from the draw."""
    rows: list[LabRow] = []
    for view in views:
        if view.kind not in ("labs", "dexa"):
            continue
        first = True
        for result in view.results:
            range_from = _range_from(result)
            if view.kind == "dexa":
                band = dexa_band_label(dexa_band(result.value))
                range_from = band if band.startswith("WHO") else f"WHO band: {band}"
            rows.append(
                LabRow(
                    day=view.date,
                    kind="dexa" if view.kind == "dexa" else "result",
                    name=result.name,
                    entered=_entered_text(result),
                    value=_cell_from_result(result, view.date),
                    range_low=result.target_low,
                    range_high=result.target_high,
                    range_from=range_from,
                    first_of_draw=first,
                )
            )
            first = False
        if view.kind != "labs":
            continue
        for key, inputs in _DERIVED_INPUTS.items():
            derived = view.derived.get(key)
            if derived is None or not _has_inputs(view, inputs):
                continue
            rows.append(_derived_row(key, derived, view.date, history, system))
    return tuple(rows)


def _derived_row(
    key: str, derived: Derived, day: date, history: History, system: UnitSystem
) -> LabRow:
    if key == "t_e_ratio":
        cell = _cell_from_ratio(derived, day, system)
        threshold = _t_e_threshold(system)
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
        )
    if key == "t_lh_ratio":
        unit = ""
        cell = (
            ValueCell(None, unit, day, note=derived.reason)
            if derived.value is None
            else ValueCell(derived.value, unit, day)
        )
        return LabRow(
            day,
            "derived",
            "T/LH ratio",
            "T ÷ LH",
            cell,
            None,
            None,
            "reference line, not a flag",
            reference=f"ref. {T_LH_REFERENCE:g}",
        )
    calculated = _free_t_calculated_cell(derived, day, history, system)
    if calculated is None:
        unit = convert_for_display("free_testosterone", 1.0, system)[1]
        cell = ValueCell(None, unit, day, note=derived.reason)
        return LabRow(day, "derived", "Free testosterone", FREE_T_LABEL, cell, None, None, "")
    target = range_in_force("free_testosterone", history.targets)
    origin = target.origin
    low = (
        None
        if target.low is None
        else convert_for_display("free_testosterone", target.low, system)[0]
    )
    high = (
        None
        if target.high is None
        else convert_for_display("free_testosterone", target.high, system)[0]
    )
    entered = FREE_T_LABEL + ("; albumin assumed" if derived.note else "")
    return LabRow(
        day,
        "derived",
        "Free testosterone",
        entered,
        calculated,
        low,
        high,
        _RANGE_FROM.get(origin, origin),
    )


def _ranges_overlap(first: Regimen, second: Regimen) -> bool:
    first_end = first.stop or date.max
    second_end = second.stop or date.max
    return first.start < second_end and second.start < first_end


def _chart_series(
    history: History,
    views: Sequence[DrawView],
    system: UnitSystem,
    over_suppression: Sequence[OverSuppression] = (),
) -> tuple[ChartSeries, ...]:
    # The most prominent warning shows on the chart too, beside the estradiol point.
    # Only the most recent episode is labelled; the earlier ones show as ▼ markers.
    suppressed_on = {episode.day: episode for episode in over_suppression[-1:]}
    series = []
    for key in CHART_MARKERS:
        cells = _marker_cells(key, views, history, system)
        points = tuple(
            ChartPoint(
                cell.day,
                cell.value,
                cell.comparator is not None,
                cell.flag,
                annotation=(
                    "on " + " and ".join(suppressed_on[cell.day].inhibitors)
                    if key == "estradiol" and cell.day in suppressed_on
                    else ""
                ),
            )
            for cell in cells
            if cell.value is not None and cell.day is not None
        )
        if key == "t_e_ratio":
            threshold = _t_e_threshold(system)
            series.append(
                ChartSeries(
                    key=key,
                    label="T/E ratio",
                    unit="nmol/L ÷ pmol/L" if system == "si" else "ng/dL ÷ pg/mL",
                    points=points,
                    band_low=None,
                    band_high=None,
                    reference=threshold,
                    reference_label=f"{threshold:g} reference",
                )
            )
            continue
        band = range_in_force(key, history.targets)
        low = _display(key, band.low, system)
        high = _display(key, band.high, system)
        unit = convert_for_display(key, 1.0, system)[1]
        series.append(
            ChartSeries(
                key=key,
                label=_label(key),
                unit=unit,
                points=points,
                band_low=low,
                band_high=high,
                band_label="target range",
            )
        )
    tmsc_cells = _marker_cells("tmsc", views, history, system)
    series.append(
        ChartSeries(
            key="tmsc",
            label="TMSC (total motile sperm count)",
            unit="10^6",
            points=tuple(
                ChartPoint(cell.day, cell.value, False, "none")
                for cell in tmsc_cells
                if cell.value is not None and cell.day is not None
            ),
            band_low=None,
            band_high=None,
        )
    )
    return tuple(series)


def _spans(history: History, period: Period) -> tuple[MedicationSpan, ...]:
    spans = []
    for regimen in sorted(history.regimens, key=lambda r: (r.start, r.name)):
        if not regimen.steps or not _overlaps(regimen, period):
            continue
        if regimen.stop is not None and regimen.stop <= regimen.start:
            continue
        steps = tuple(
            (step.date, _step_text(step.dose, step.unit, step.schedule))
            for step in regimen.steps
            if regimen.stop is None or step.date < regimen.stop
        )
        spans.append(MedicationSpan(regimen.name, regimen.start, regimen.stop, steps))
    return tuple(spans)


def _symptom_summaries(entries: Sequence[SymptomEntry]) -> tuple[SymptomSummary, ...]:
    by_name: dict[str, list[SymptomEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.date, e.id or 0)):
        by_name.setdefault(entry.name, []).append(entry)
    summaries = []
    for name in sorted(by_name, key=str.casefold):
        own = by_name[name]
        notes: dict[str, list[date]] = {}
        for entry in own:
            if entry.note and entry.note.strip():
                notes.setdefault(entry.note.strip(), []).append(entry.date)
        summaries.append(
            SymptomSummary(
                name=name,
                count=len(own),
                mean=sum(e.severity for e in own) / len(own),
                first=(own[0].date, own[0].severity),
                latest=(own[-1].date, own[-1].severity),
                slope_per_30_days=_slope_per_30_days(own),
                notes=tuple((text, tuple(days)) for text, days in notes.items()),
            )
        )
    return tuple(summaries)


def _slope_per_30_days(entries: Sequence[SymptomEntry]) -> float | None:
    """Least-squares slope of severity against days, per 30 days (None for one day only)."""
    origin = entries[0].date
    xs = [(e.date - origin).days for e in entries]
    ys = [float(e.severity) for e in entries]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return slope * 30


def _ranges_used(
    history: History, views: Sequence[DrawView], system: UnitSystem
) -> tuple[RangeUsed, ...]:
    seen: dict[str, int] = {}
    for view in views:
        if view.kind == "semen":
            continue
        for result in view.results:
            seen.setdefault(result.analyte, 0)
            if result.range_source == "lab":
                seen[result.analyte] += 1
    for key in ("total_testosterone", "free_testosterone", "estradiol", "lh", "fsh"):
        seen.setdefault(key, 0)
    rows = []
    for key in sorted(seen, key=_catalogue_position):
        analyte = get_analyte(key)
        target = range_in_force(key, history.targets)
        origin = target.origin
        unit = convert_for_display(key, 1.0, system)[1]
        low = _display(key, target.low, system)
        high = _display(key, target.high, system)
        if origin == "clinician":
            set_target = clinician_target(key, history.targets)
            set_on = set_target.set_on if set_target is not None else None
            when = f" set {set_on.isoformat()}" if set_on else ""
            origin_text = f"clinician{when}"
            source = target.source or "set by the clinician in this journal"
        else:
            origin_text = "default"
            source = target.source
        if analyte.action_high is not None and "action level" not in source:
            source += f"; action level {analyte.action_high:g} {analyte.canonical_unit}"
            source += f" ({analyte.action_source})" if analyte.action_source else ""
        rows.append(RangeUsed(key, analyte.name, low, high, unit, origin_text, source, seen[key]))
    return tuple(rows)


def _catalogue_position(key: str) -> int:
    order = [analyte["key"] for analyte in load_json("analytes.json")["analytes"]]
    return order.index(key) if key in order else len(order)


def _references(system: UnitSystem) -> tuple[tuple[str, str], ...]:
    t_e = (
        (f"T/E ratio reference {T_E_THRESHOLD_SI:g} (nmol/L ÷ pmol/L)", T_E_THRESHOLD_SI_SOURCE)
        if system == "si"
        else (f"T/E ratio reference {T_E_THRESHOLD_US:g} (ng/dL ÷ pg/mL)", T_E_THRESHOLD_US_SOURCE)
    )
    return (
        t_e,
        (f"T/LH ratio reference {T_LH_REFERENCE:g} (ng/dL ÷ IU/L)", T_LH_REFERENCE_SOURCE),
        ("Free testosterone, " + FREE_T_LABEL, FREE_T_SOURCE),
        ("TMSC = volume × concentration × total motility / 100", TMSC_SOURCE),
        ("Estradiol over-suppression", OVER_SUPPRESSION_SOURCE),
    )


def _rules_used(overrides: Mapping[str, int]) -> tuple[RuleUsed, ...]:
    offsets = offsets_with(overrides).as_dict()
    sources = rule_sources()
    data: dict[str, Any] = load_json("monitoring_rules.json")
    used = []
    for rule in data["rules"]:
        names = list(rule["offsets"])
        used.append(
            RuleUsed(
                rule_id=rule["id"],
                source=sources[rule["id"]],
                offsets=tuple((name, offsets[name], name in overrides) for name in names),
            )
        )
    course_names = list(data["course"]["offsets"])
    used.append(
        RuleUsed(
            rule_id="course",
            source=sources["course"],
            offsets=tuple((name, offsets[name], name in overrides) for name in course_names),
        )
    )
    return tuple(used)


def _history_dates(history: History) -> list[date]:
    days: list[date] = [draw.date for draw in history.draws]
    days += [a.date for a in history.semen]
    days += [s.date for s in history.dexa]
    days += [s.date for s in history.symptoms]
    days += [r.start for r in history.regimens if r.steps]
    days += [dose.at.date() for dose in history.doses]
    return days


def _is_empty(history: History) -> bool:
    return not (
        history.regimens or history.draws or history.semen or history.dexa or history.symptoms
    )


def resolve_period(history: History, today: date, start: date | None, end: date | None) -> Period:
    """The period: from `start` (default the first record) to `end` (default today)."""
    last = end or today
    if start is None:
        days = [day for day in _history_dates(history) if day <= last]
        first = min(days) if days else last
    else:
        first = start
    if first > last:
        raise InputError("from", f"{first.isoformat()} is after the end {last.isoformat()}")
    return Period(first, last)


def _check_settings(settings: ReportSettings) -> UnitSystem:
    if settings.unit_system not in ("us", "si"):
        raise InputError("units", f"unknown unit system '{settings.unit_system}' (use us or si)")
    if settings.who_edition not in who_edition_sources():
        raise InputError("who_edition", f"unknown WHO edition '{settings.who_edition}'")
    return settings.unit_system


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def build_report_data(
    history: History,
    settings: ReportSettings,
    *,
    today: date,
    start: date | None = None,
    end: date | None = None,
    progress: ProgressCallback | None = None,
) -> ReportData:
    """The report of `history` over [start, end] (defaults: first record to `today`).

    Pure: safe to call from a worker thread with a History read elsewhere. Raises InputError
    ("from", "units", "who_edition" or a rule offset name) for refused parameters.
    """
    system = _check_settings(settings)
    period = resolve_period(history, today, start, end)
    rules = _rules_used(settings.rule_offsets)
    base = ReportData(
        patient_name=settings.patient_name.strip(),
        patient_birth_date=settings.patient_birth_date.strip(),
        generated_on=today,
        period=period,
        unit_system=system,
        who_edition=settings.who_edition,
        is_empty=_is_empty(history),
        rules=rules,
        references=_references(system),
    )
    if base.is_empty:
        return base
    if progress is not None:
        progress(0.05, "reading the journal")
    # Every view, whatever the period, for baselines; the period's views for everything shown.
    all_views = all_draw_views(history, system, settings.who_edition)
    views = [view for view in all_views if period.contains(view.date)]
    semen_rows = tuple(
        SemenRow(analysis, semen_view(analysis, settings.who_edition))
        for analysis in sorted(history.semen, key=lambda a: a.date)
        if period.contains(analysis.date)
    )
    who_limits = tuple(
        (key, get_analyte(key).name, semen_lower_limit(key, settings.who_edition), unit)
        for key, unit in (
            ("semen_volume", "mL"),
            ("sperm_concentration", "10^6/mL"),
            ("total_motility", "%"),
            ("progressive_motility", "%"),
            ("normal_morphology", "%"),
            ("total_sperm_count", "10^6"),
        )
    )
    offsets = offsets_with(settings.rule_offsets)
    over_suppression = _over_suppression(history, views, system)
    symptoms = [entry for entry in history.symptoms if period.contains(entry.date)]
    if progress is not None:
        progress(0.15, "computing the summary")
    return ReportData(
        patient_name=base.patient_name,
        patient_birth_date=base.patient_birth_date,
        generated_on=today,
        period=period,
        unit_system=system,
        who_edition=settings.who_edition,
        is_empty=False,
        regimens=_regimen_summaries(history, period, today),
        markers=_key_markers(history, all_views, period, system),
        over_suppression=over_suppression,
        due=tuple(due_tests(history, today, offsets)),
        charts=_chart_series(history, views, system, over_suppression),
        spans=_spans(history, period),
        responses=_response_tables(history, all_views, period, system),
        lab_rows=_lab_rows(history, views, system),
        draw_contexts=tuple(
            (
                view.date,
                context_summary(view.context),
                tuple((note.text, note.source) for note in view.context.notes),
            )
            for view in views
            if view.context is not None
        ),
        semen=semen_rows,
        who_limits=who_limits,
        who_source=who_edition_sources()[settings.who_edition],
        symptoms=_symptom_summaries(symptoms),
        ranges=_ranges_used(history, views, system),
        references=base.references,
        rules=rules,
        counts={
            "draws": sum(1 for v in views if v.kind == "labs"),
            "results": sum(len(v.results) for v in views if v.kind == "labs"),
            "semen": len(semen_rows),
            "dexa": sum(1 for v in views if v.kind == "dexa"),
            "symptoms": len(symptoms),
            "doses": sum(1 for d in history.doses if period.contains(d.at.date())),
        },
    )


__all__ = [
    "KEY_MARKERS",
    "ChangeCell",
    "ChartPoint",
    "ChartSeries",
    "LabRow",
    "MarkerSummary",
    "MedicationSpan",
    "OverSuppression",
    "Period",
    "ProgressCallback",
    "RangeUsed",
    "RegimenSummary",
    "ReportData",
    "ReportSettings",
    "ResponseRow",
    "ResponseTable",
    "RuleUsed",
    "SemenRow",
    "SymptomSummary",
    "ValueCell",
    "build_report_data",
    "change_between",
    "resolve_period",
]
