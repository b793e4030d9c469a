"""What a reader found in a file: one dataclass per kind of record, skipped entries, notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.records import (
    DexaScan,
    DoseEvent,
    LabResult,
    Regimen,
    SemenAnalysis,
    SymptomEntry,
    TargetRange,
)

# Statuses whose result a later version of the same Observation may replace (docs/clinical.md §7).
REPLACEABLE_STATUSES = frozenset({"preliminary", "unknown"})
# Statuses whose result replaces the one its earlier version created.
AMENDING_STATUSES = frozenset({"amended", "corrected"})


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True, slots=True)
class LabItem:
    """One lab result found in a file, with its draw date (and time when given)."""

    where: str
    day: date
    result: LabResult
    time: time | None = None
    source_id: str | None = None  # "Observation/<id>" for FHIR
    status: str | None = None  # the FHIR status it was read with
    fasting: bool | None = None  # whether the draw was fasting, when the file says

    def describe(self) -> str:
        analyte = get_analyte(self.result.analyte)
        comparator = self.result.comparator or ""
        value = f"{comparator}{_number(self.result.entered_value)} {self.result.entered_unit}"
        note = f" ({self.status})" if self.status in REPLACEABLE_STATUSES else ""
        return f"{self.day.isoformat()} {analyte.name} {value.strip()}{note}"


@dataclass(frozen=True, slots=True)
class SemenItem:
    """One semen analysis found in a file."""

    where: str
    analysis: SemenAnalysis

    def describe(self) -> str:
        analysis = self.analysis
        return (
            f"{analysis.date.isoformat()} semen analysis {_number(analysis.volume_ml)} mL, "
            f"{_number(analysis.concentration_m_per_ml)} million/mL"
        )


@dataclass(frozen=True, slots=True)
class DexaItem:
    """One bone density scan found in a file."""

    where: str
    scan: DexaScan

    def describe(self) -> str:
        site = f" ({self.scan.site.replace('_', ' ')})" if self.scan.site else ""
        return f"{self.scan.date.isoformat()} DEXA T-score {_number(self.scan.t_score)}{site}"


@dataclass(frozen=True, slots=True)
class SymptomItem:
    """One symptom rating found in a file."""

    where: str
    entry: SymptomEntry

    def describe(self) -> str:
        return f"{self.entry.date.isoformat()} {self.entry.name} {self.entry.severity}/10"


@dataclass(frozen=True, slots=True)
class RegimenItem:
    """One regimen found in a file; `ref` is how the file's doses name it."""

    where: str
    regimen: Regimen
    ref: str

    def describe(self) -> str:
        step = self.regimen.steps[0]
        stop = f" until {self.regimen.stop.isoformat()}" if self.regimen.stop else ""
        return (
            f"{self.regimen.name} {_number(step.dose)} {step.unit} {step.schedule}"
            f" from {self.regimen.start.isoformat()}{stop}"
        )


@dataclass(frozen=True, slots=True)
class DoseItem:
    """One logged dose found in a file; its regimen is named by `regimen_ref`."""

    where: str
    regimen_ref: str
    regimen_name: str
    event: DoseEvent  # regimen_id is a placeholder until the plan is applied

    def describe(self) -> str:
        amount = f" {_number(self.event.dose)} {self.event.unit}" if self.event.dose else ""
        return (
            f"{self.regimen_name} {self.event.status}{amount}"
            f" at {self.event.at.isoformat(sep=' ', timespec='minutes')}"
        )


@dataclass(frozen=True, slots=True)
class TargetItem:
    """One clinician target range found in a file."""

    where: str
    target: TargetRange

    def describe(self) -> str:
        analyte = get_analyte(self.target.analyte)
        low = "-" if self.target.low is None else _number(self.target.low)
        high = "-" if self.target.high is None else _number(self.target.high)
        return f"target range {analyte.name} {low}–{high} {analyte.canonical_unit}"


Item = LabItem | SemenItem | DexaItem | SymptomItem | RegimenItem | DoseItem | TargetItem

_KIND_LABEL: dict[type, str] = {
    LabItem: "labs",
    SemenItem: "semen",
    DexaItem: "dexa",
    SymptomItem: "symptoms",
    RegimenItem: "regimens",
    DoseItem: "doses",
    TargetItem: "targets",
}
# Write order: a dose needs its regimen first.
_WRITE_ORDER = (TargetItem, RegimenItem, DoseItem, LabItem, SemenItem, DexaItem, SymptomItem)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of the file that is not imported, and why (a skip never refuses the file)."""

    where: str
    what: str
    reason: str


@dataclass
class ParsedImport:
    """What a reader found in a file: validated records, skipped entries and notices."""

    format: str
    items: list[Item] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # JSON backups only
