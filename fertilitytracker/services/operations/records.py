"""Recording lab draws, semen analyses, DEXA scans, symptoms and target ranges."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import TypeVar

from fertilitytracker.core.analytes import get_analyte
from fertilitytracker.core.errors import InputError
from fertilitytracker.core.records import LabResult, SemenAnalysis, TargetRange
from fertilitytracker.core.units import parse_unit, to_canonical
from fertilitytracker.core.validation import (
    build_dexa,
    build_symptom,
    parse_lab_result,
    parse_number,
)
from fertilitytracker.services.operations.change import Change
from fertilitytracker.storage.journal import Journal

RecordT = TypeVar("RecordT")


@dataclass(frozen=True)
class ResultInput:
    """One result as entered: analyte key or LOINC, value (may carry `<`), unit as printed."""

    analyte: str
    value: str | float
    unit: str
    lab_low: str | float | None = None
    lab_high: str | float | None = None
    method: str | None = None


def add_record(
    journal: Journal,
    add: Callable[[RecordT], int],
    record: RecordT,
    kind: str,
    summary: str,
    day: date | None = None,
) -> Change:
    """Write one built record with `add` in a transaction of its own and say what changed: the
    records of `kind` on `day` (None: whatever its date)."""
    with journal.transaction():
        record_id = add(record)
    return Change(
        frozenset({kind}), summary, (record_id,), None if day is None else frozenset({day})
    )


def build_result(entry: ResultInput) -> LabResult:
    """Validate one entered result and express it in the analyte's canonical unit.

    The core's builder does it; a refusal names the field and the result's analyte as data.
    """
    return parse_lab_result(
        entry.analyte,
        entry.value,
        entry.unit,
        lab_low_text=entry.lab_low,
        lab_high_text=entry.lab_high,
        method=entry.method,
    )


def record_draw(
    journal: Journal,
    day: date,
    entries: Sequence[ResultInput],
    draw_time: time | None = None,
    fasting: bool | None = None,
) -> Change:
    """Results of one blood draw on `day` (joining any draw already on that date).

    `fasting` (None: not said) is recorded for the draw unless it already has one.
    """
    if not entries:
        raise InputError("results", "give at least one ANALYTE VALUE UNIT")
    results = [build_result(entry) for entry in entries]
    seen: set[str] = set()
    existing = journal.labs.existing_analytes(day)
    for result in results:
        if result.analyte in seen:
            raise InputError("analyte", "given twice for the same draw", analyte=result.analyte)
        if result.analyte in existing:
            raise InputError(
                "analyte",
                f"already recorded for {day.isoformat()} (edit or delete it)",
                analyte=result.analyte,
            )
        seen.add(result.analyte)
    with journal.transaction():
        draw_id = journal.labs.draw_id_for(day, draw_time, fasting)
        ids = tuple(journal.labs.add_result(draw_id, result) for result in results)
    return Change(
        frozenset({"labs"}),
        f"{len(results)} result(s) recorded for {day.isoformat()}",
        ids,
        frozenset({day}),
    )


def record_semen(journal: Journal, analysis: SemenAnalysis) -> Change:
    """Save a semen analysis built by `build_semen`."""
    summary = f"semen analysis of {analysis.date} recorded"
    return add_record(journal, journal.semen.add, analysis, "semen", summary, analysis.date)


def record_dexa(
    journal: Journal,
    day: date,
    t_score: str | float,
    site: str | None = None,
    bmd: str | float | None = None,
) -> Change:
    """One bone density scan."""
    scan = build_dexa(day, t_score, site, bmd)
    return add_record(journal, journal.dexa.add, scan, "dexa", f"DEXA of {day} recorded", day)


def record_symptom(
    journal: Journal, day: date, name: str, severity: str | int, note: str | None = None
) -> Change:
    """A symptom rated 0 (none) to 10 (worst)."""
    entry = build_symptom(day, name, severity, note)
    summary = f"{entry.name} {entry.severity}/10 on {day} recorded"
    return add_record(journal, journal.symptoms.add, entry, "symptoms", summary, day)


def set_target(
    journal: Journal,
    analyte_text: str,
    low: str | float | None,
    high: str | float | None,
    unit: str,
    today: date,
) -> Change:
    """A clinician's target range for an analyte; `None` or `-` is an open end."""
    analyte = get_analyte(analyte_text)
    parsed_unit = parse_unit(analyte.key, unit)

    def bound(value: str | float | None, field_name: str) -> float | None:
        if value is None or (isinstance(value, str) and value.strip() in ("", "-")):
            return None
        minimum = None if analyte.key == "dexa_t_score" else 0.0
        number = parse_number(value, field_name, minimum=minimum)
        return to_canonical(analyte.key, number, parsed_unit.text)

    low_value, high_value = bound(low, "low"), bound(high, "high")
    if low_value is None and high_value is None:
        raise InputError("low", "give at least one end of the range")
    if low_value is not None and high_value is not None and low_value > high_value:
        raise InputError("low", "the low end is above the high end")
    target = TargetRange(
        analyte=analyte.key, low=low_value, high=high_value, source="clinician", set_on=today
    )
    with journal.transaction():
        journal.settings.add_target(target)
    return Change(frozenset({"targets"}), f"target range for {analyte.name} set")


def reset_target(journal: Journal, analyte_text: str) -> Change:
    """Back to the default range of `analyte`."""
    analyte = get_analyte(analyte_text)
    with journal.transaction():
        journal.settings.clear_targets(analyte.key)
    return Change(frozenset({"targets"}), f"target range for {analyte.name} reset to default")
