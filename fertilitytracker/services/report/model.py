"""The report's plain immutable data model: what render.py prints, in display units.

Its records are NamedTuples rather than frozen dataclasses: a report process loads some sixty
record classes, and a frozen dataclass costs about twice a NamedTuple to create at import
(docs/design.md, services). Records are compared and read by field name only; none is treated
as a sequence.
"""

# No `from __future__ import annotations`: typing.NamedTuple compiles each string annotation
# into a ForwardRef when it creates the class; evaluated ones it only checks (docs/design.md).
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Literal, NamedTuple

from fertilitytracker.core.adherence import Adherence
from fertilitytracker.core.monitoring import (
    DueTest,
)
from fertilitytracker.core.reading import EstradiolState
from fertilitytracker.core.records import (
    UnitSystem,
)
from fertilitytracker.services.views import (
    SemenRow,
)

BASELINE_RULE = (
    "Baseline: the last value on or before the start of the current course of hormone "
    "medication; with no hormone medication, the first value in the period."
)

ProgressCallback = Callable[[float, str], None]
ValueFlag = Literal["low", "in_range", "high", "indeterminate", "below_reference", "none"]


class ReportSettings(NamedTuple):
    """The journal settings the report uses (read them in the thread that owns the journal)."""

    patient_name: str = ""
    patient_birth_date: str = ""
    unit_system: UnitSystem = "us"
    who_edition: str = "2021"
    rule_offsets: Mapping[str, int] = MappingProxyType({})


class Period(NamedTuple):
    """The period covered, both ends inclusive."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class ValueCell(NamedTuple):
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


class ChangeCell(NamedTuple):
    """Latest minus baseline, with the relative change; None values carry the reason."""

    absolute: float | None
    percent: float | None
    reason: str | None = None


class MarkerSummary(NamedTuple):
    """A key marker on page 1: latest value in the period, baseline and change."""

    key: str
    label: str
    latest: ValueCell | None
    baseline: ValueCell | None
    change: ChangeCell | None
    flag_text: str = ""  # in place of the range flag: a WHO limit, a DEXA band, an action level


class RegimenSummary(NamedTuple):
    """A regimen as page 1 lists it, with its adherence over the period and recent windows."""

    name: str
    class_label: str
    dose_text: str
    schedule_text: str
    start: date
    stop: date | None
    active_at_end: bool
    steps: tuple[tuple[date, str], ...]  # (from, "0.5 mg every other day"), up to the period end
    adherence: Adherence
    last_30: Adherence | None = None  # the 30 and 90 days up to the period's end
    last_90: Adherence | None = None
    last_logged: date | None = None  # the latest dose logged taken or skipped by the period end


class OverSuppression(NamedTuple):
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


class TreatmentRow(NamedTuple):
    """The key markers under one combination of hormone medication in force, unchanged.

    `start` is the last start, change or stop that made this combination; `end` (exclusive) the
    next one. A value drawn on a change day counts under the combination before it.
    """

    label: str  # "anastrozole 0.5 mg + clomiphene 25 mg", or "no hormone medication"
    schedules: str  # "once a day; every other day"
    start: date
    end: date | None
    values: tuple[ValueCell | None, ...]  # one per ResponseSummary column
    semen_note: str = ""  # why the semen value is not put down to this combination


class ResponseSummary(NamedTuple):
    """Baseline of the current course, each combination in force, and the change."""

    columns: tuple[tuple[str, str], ...]  # (key, label)
    course_start: date | None
    baseline: tuple[ValueCell | None, ...]
    rows: tuple[TreatmentRow, ...]
    change: tuple[ChangeCell | None, ...]
    without_draws: int = 0  # combinations in the period with no value to show


class ChartPoint(NamedTuple):
    """A point of a trend chart; `censored` points sit at their limit with an open marker."""

    day: date
    value: float
    censored: bool
    flag: ValueFlag
    annotation: str = ""  # e.g. estradiol below target range while on an inhibitor


class ChartSeries(NamedTuple):
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


class MedicationSpan(NamedTuple):
    """A regimen drawn under the charts: active days [start, end) and labelled steps."""

    name: str
    start: date
    end: date | None  # exclusive; None while ongoing
    steps: tuple[tuple[date, str], ...]


class LabRow(NamedTuple):
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
    key: str = ""  # the analyte or derived value's key
    converted: bool = False  # entered in another unit than the one printed


class DrawContextRow(NamedTuple):
    """How a blood draw was taken (docs/clinical.md §8): time, fasting, hours since doses."""

    day: date
    time: str  # "07:45", or "" when not recorded
    fasting: bool | None
    since_doses: str  # "anastrozole 10.5 h after the last logged dose, ..."
    notes: tuple[tuple[str, str, str], ...]  # (key, text, source)


class LabGrid(NamedTuple):
    """The lab results as a grid: one row per draw (oldest first), one column per analyte."""

    columns: tuple[tuple[str, str, str], ...]  # (key, short name, unit)
    rows: tuple[tuple[date, tuple[LabRow | None, ...]], ...]


# A dataclass: a NamedTuple's field may not be called `count`, a tuple's own method.
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


class RangeUsed(NamedTuple):
    """A target range the report judged results against, with where it came from."""

    analyte: str
    name: str
    low: float | None
    high: float | None
    unit: str
    origin: str  # "default", "clinician (set YYYY-MM-DD)"
    source: str
    lab_range_results: int = 0  # results judged against the lab's own printed range


class RuleUsed(NamedTuple):
    """A monitoring rule with the offsets in force (overridden ones marked)."""

    rule_id: str
    source: str
    offsets: tuple[tuple[str, int, bool], ...]  # (name, days, overridden)


class ReportData(NamedTuple):
    """Everything the PDF prints, in display units; render.py only lays it out."""

    patient_name: str
    patient_birth_date: str
    generated_on: date
    period: Period
    unit_system: UnitSystem
    who_edition: str
    is_empty: bool
    as_of: date | None = None  # the day the period's statements hold on (its end, or today)
    age: int | None = None  # whole years at `as_of`, from the date of birth
    regimens: tuple[RegimenSummary, ...] = ()
    markers: tuple[MarkerSummary, ...] = ()
    baseline_rule: str = BASELINE_RULE
    over_suppression: tuple[OverSuppression, ...] = ()
    due: tuple[DueTest, ...] = ()
    charts: tuple[ChartSeries, ...] = ()
    spans: tuple[MedicationSpan, ...] = ()
    responses: ResponseSummary | None = None
    lab_rows: tuple[LabRow, ...] = ()
    lab_grid: LabGrid | None = None
    draw_contexts: tuple[DrawContextRow, ...] = ()
    semen: tuple[SemenRow, ...] = ()
    who_limits: tuple[tuple[str, str, float | None, str], ...] = ()  # key, name, limit, unit
    who_source: str = ""
    symptoms: tuple[SymptomSummary, ...] = ()
    ranges: tuple[RangeUsed, ...] = ()
    references: tuple[tuple[str, str], ...] = ()  # (what, source) for derived values
    rules: tuple[RuleUsed, ...] = ()
    counts: Mapping[str, int] = MappingProxyType({})
    flagged_lipids: tuple[tuple[str, ValueCell], ...] = ()  # (name, latest flagged value)
    # Each key marker's values in the period, oldest first, for page 1's small trend lines.
    sparklines: Mapping[str, tuple[tuple[date, float], ...]] = MappingProxyType({})
