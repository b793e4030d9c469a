"""Medication as the report lists it: regimen summaries with adherence, and chart spans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fertilitytracker.core.adherence import Adherence, adherence_for
from fertilitytracker.core.records import DoseEvent, History, Regimen
from fertilitytracker.services.report.cells import (
    med_class_label,
    overlaps,
    schedule_words,
    step_text,
)
from fertilitytracker.services.report.model import (
    Period,
    RegimenSummary,
)


def _known_stop(regimen: Regimen, period: Period, today: date) -> date | None:
    """The stop as known at the period's end: a later stop of a past period is left out."""
    if regimen.stop is None or period.end >= today or regimen.stop <= period.end:
        return regimen.stop
    return None


def _steps_by(regimen: Regimen, last: date) -> tuple[tuple[date, str], ...]:
    return tuple(
        (step.date, step_text(step.dose, step.unit, step.schedule))
        for step in regimen.steps
        if step.date <= last and (regimen.stop is None or step.date < regimen.stop)
    )


def _last_logged(regimen: Regimen, doses: Sequence[DoseEvent], last: date) -> date | None:
    days = [dose.at.date() for dose in doses if dose.at.date() <= last]
    return max(days) if days else None


def _recent_adherence(
    regimen: Regimen, doses: Sequence[DoseEvent], today: date, as_of: date, days: int
) -> Adherence:
    """Adherence over the `days` days up to `as_of`, from the doses logged in them only (a
    decade of doses is not counted again for a month's figure)."""
    start = as_of - timedelta(days=days - 1)
    recent = [dose for dose in doses if start <= dose.at.date() <= as_of]
    return adherence_for(regimen, recent, today, start=start, end=as_of)


def regimen_summaries(history: History, period: Period, today: date) -> tuple[RegimenSummary, ...]:
    """Each regimen taken in the period, as it stood at the period's end, with adherence."""
    summaries = []
    as_of = min(period.end, today)
    for regimen in sorted(history.regimens, key=lambda r: (r.start, r.name)):
        if not regimen.steps or not overlaps(regimen, period):
            continue
        in_force = regimen.step_on(as_of) or regimen.step_on(regimen.start) or regimen.current
        if regimen.stop is not None and regimen.stop <= as_of:
            in_force = regimen.step_on(regimen.stop - timedelta(days=1)) or in_force
        own = [dose for dose in history.doses if dose.regimen_id == regimen.id]
        summaries.append(
            RegimenSummary(
                name=regimen.name,
                class_label=med_class_label(regimen.med_class),
                dose_text=f"{in_force.dose:g} {in_force.unit}",
                schedule_text=schedule_words(in_force.schedule),
                start=regimen.start,
                stop=_known_stop(regimen, period, today),
                active_at_end=regimen.is_active_on(period.end),
                steps=_steps_by(regimen, period.end),
                adherence=adherence_for(regimen, own, today, start=period.start, end=period.end),
                last_30=_recent_adherence(regimen, own, today, as_of, days=30),
                last_90=_recent_adherence(regimen, own, today, as_of, days=90),
                last_logged=_last_logged(regimen, own, period.end),
            )
        )
    return tuple(summaries)
