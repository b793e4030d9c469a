"""Medication as the report lists it: regimen summaries with adherence, and chart spans."""

from __future__ import annotations

from datetime import date

from fertilitytracker.core.adherence import adherence_for
from fertilitytracker.core.records import (
    History,
)
from fertilitytracker.services.report.cells import (
    med_class_label,
    overlaps,
    schedule_words,
    step_text,
)
from fertilitytracker.services.report.model import (
    MedicationSpan,
    Period,
    RegimenSummary,
)


def regimen_summaries(history: History, period: Period, today: date) -> tuple[RegimenSummary, ...]:
    summaries = []
    for regimen in sorted(history.regimens, key=lambda r: (r.start, r.name)):
        if not regimen.steps or not overlaps(regimen, period):
            continue
        in_force = regimen.step_on(min(period.end, today)) or regimen.current
        own = [dose for dose in history.doses if dose.regimen_id == regimen.id]
        summaries.append(
            RegimenSummary(
                name=regimen.name,
                class_label=med_class_label(regimen.med_class),
                dose_text=f"{in_force.dose:g} {in_force.unit}",
                schedule_text=schedule_words(in_force.schedule),
                start=regimen.start,
                stop=regimen.stop,
                active_at_end=regimen.is_active_on(period.end),
                steps=tuple(
                    (step.date, step_text(step.dose, step.unit, step.schedule))
                    for step in regimen.steps
                    if regimen.stop is None or step.date < regimen.stop
                ),
                adherence=adherence_for(regimen, own, today, start=period.start, end=period.end),
            )
        )
    return tuple(summaries)


def medication_spans(history: History, period: Period) -> tuple[MedicationSpan, ...]:
    spans = []
    for regimen in sorted(history.regimens, key=lambda r: (r.start, r.name)):
        if not regimen.steps or not overlaps(regimen, period):
            continue
        if regimen.stop is not None and regimen.stop <= regimen.start:
            continue
        steps = tuple(
            (step.date, step_text(step.dose, step.unit, step.schedule))
            for step in regimen.steps
            if regimen.stop is None or step.date < regimen.stop
        )
        spans.append(MedicationSpan(regimen.name, regimen.start, regimen.stop, steps))
    return tuple(spans)
