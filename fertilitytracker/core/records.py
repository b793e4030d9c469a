"""Frozen records of the journal: what the core computes on and storage persists.

Reading a journal makes these by the thousand, so they are named tuples (docs/design.md);
History, one per read, is a frozen dataclass."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal, NamedTuple, NewType

RegimenId = NewType("RegimenId", int)
DoseEventId = NewType("DoseEventId", int)
DrawId = NewType("DrawId", int)
LabResultId = NewType("LabResultId", int)
SemenAnalysisId = NewType("SemenAnalysisId", int)
DexaScanId = NewType("DexaScanId", int)
SymptomId = NewType("SymptomId", int)
DexaSite = Literal["spine", "femur_neck", "hip"]

Comparator = Literal["<", "<=", ">", ">="]
UnitSystem = Literal["us", "si"]
DoseStatus = Literal["taken", "skipped"]


class LabResult(NamedTuple):
    """One analyte of one blood draw; `value` is in the analyte's canonical unit."""

    analyte: str
    value: float
    entered_value: float
    entered_unit: str
    comparator: Comparator | None = None
    lab_low: float | None = None  # the lab's printed range, canonical unit
    lab_high: float | None = None
    method: str | None = None
    id: LabResultId | None = None


class LabDraw(NamedTuple):
    """The results of one blood draw (all results with the same date)."""

    date: date
    results: tuple[LabResult, ...]
    time: time | None = None
    id: DrawId | None = None
    fasting: bool | None = None  # None: not recorded

    def result(self, analyte: str) -> LabResult | None:
        """The result for `analyte` in this draw, if measured."""
        for result in self.results:
            if result.analyte == analyte:
                return result
        return None


class SemenAnalysis(NamedTuple):
    """One semen analysis; motility and morphology in percent."""

    date: date
    volume_ml: float
    concentration_m_per_ml: float
    total_motility_pct: float | None = None
    progressive_motility_pct: float | None = None
    normal_morphology_pct: float | None = None
    abstinence_days: int | None = None
    id: SemenAnalysisId | None = None


class DexaScan(NamedTuple):
    """One bone density scan."""

    date: date
    t_score: float
    site: DexaSite | None = None
    bmd_g_cm2: float | None = None
    id: DexaScanId | None = None


class RegimenStep(NamedTuple):
    """Dose and schedule in force from `date` on (the first step is the start)."""

    date: date
    dose: float
    unit: str
    schedule: str  # canonical schedule text, see core.schedules


class Regimen(NamedTuple):
    """A medication taken from `start` until the day before `stop`."""

    name: str
    med_class: str
    steps: tuple[RegimenStep, ...]
    stop: date | None = None
    time_of_day: time | None = None
    id: RegimenId | None = None

    @property
    def start(self) -> date:
        return self.steps[0].date

    @property
    def current(self) -> RegimenStep:
        """The step in force now (the latest one)."""
        return self.steps[-1]

    def step_on(self, day: date) -> RegimenStep | None:
        """The step in force on `day`, or None when the regimen is not active then."""
        if day < self.start or (self.stop is not None and day >= self.stop):
            return None
        in_force = self.steps[0]
        for step in self.steps:
            if step.date <= day:
                in_force = step
        return in_force

    def is_active_on(self, day: date) -> bool:
        # The span alone: every estradiol reading asks this of every regimen.
        return self.start <= day and (self.stop is None or day < self.stop)


class DoseEvent(NamedTuple):
    """One dose logged as taken or skipped."""

    regimen_id: RegimenId
    at: datetime
    status: DoseStatus
    dose: float | None = None
    unit: str | None = None
    id: DoseEventId | None = None


class SymptomEntry(NamedTuple):
    """A symptom rated 0 (none) to 10 (worst) on a day."""

    date: date
    name: str
    severity: int
    note: str | None = None
    id: SymptomId | None = None


class TargetRange(NamedTuple):
    """A target range in the analyte's canonical unit; None is an open end."""

    analyte: str
    low: float | None
    high: float | None
    source: str = ""
    set_on: date | None = None


@dataclass(frozen=True)
class History:
    """Everything the journal holds, as the core sees it (for rules and reports)."""

    regimens: tuple[Regimen, ...] = ()
    doses: tuple[DoseEvent, ...] = ()
    draws: tuple[LabDraw, ...] = ()
    semen: tuple[SemenAnalysis, ...] = ()
    dexa: tuple[DexaScan, ...] = ()
    symptoms: tuple[SymptomEntry, ...] = ()
    targets: tuple[TargetRange, ...] = field(default_factory=tuple)


def dexa_scans(history: History) -> tuple[DexaScan, ...]:
    """Every DEXA scan, whichever way it came in (docs/clinical.md §6): the scans of the DEXA
    form, and a `dexa_t_score` result of a draw (from `lab`, pasted text, CSV or FHIR) on a day
    with no such scan. A scan from a draw has no id: it is edited and deleted as a result."""
    scanned = {scan.date for scan in history.dexa}
    from_draws = tuple(
        DexaScan(draw.date, result.value)
        for draw in history.draws
        if draw.date not in scanned and (result := draw.result("dexa_t_score")) is not None
    )
    return tuple(sorted(history.dexa + from_draws, key=lambda scan: scan.date))
