"""Medication as the report lists it: regimen summaries with adherence, and chart spans."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from fertilitytracker.core.adherence import Adherence, adherence_for
from fertilitytracker.core.records import DoseEvent, History, Regimen, RegimenId
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


def _doses_by_regimen(doses: Sequence[DoseEvent]) -> dict[RegimenId | None, list[DoseEvent]]:
    """Each regimen's doses in time order (one pass over the dose log for every regimen)."""
    found: dict[RegimenId | None, list[DoseEvent]] = {}
    for dose in doses:
        found.setdefault(dose.regimen_id, []).append(dose)
    for own in found.values():
        own.sort(key=_at)  # already in order when read from the journal: one pass
    return found


def _at(dose: DoseEvent) -> datetime:
    return dose.at


def _logged_before(doses: Sequence[DoseEvent], day: date) -> int:
    """How many of `doses` (in time order) were logged before `day`."""
    return bisect_left(doses, datetime.combine(day, time.min), key=_at)


def _logged_until(doses: Sequence[DoseEvent], day: date) -> int:
    """How many of `doses` (in time order) were logged on or before `day`."""
    return bisect_right(doses, datetime.combine(day, time.max), key=_at)


def _last_logged(doses: Sequence[DoseEvent], last: date) -> date | None:
    """The day of the latest of `doses` (in time order) logged on or before `last`."""
    until = _logged_until(doses, last)
    return doses[until - 1].at.date() if until else None


def _recent_adherence(
    regimen: Regimen, doses: Sequence[DoseEvent], today: date, as_of: date, days: int
) -> Adherence:
    """Adherence over the `days` days up to `as_of`, from the doses logged in them only (a
    decade of doses is neither counted again nor scanned for a month's figure): `doses`
    are in time order."""
    start = as_of - timedelta(days=days - 1)
    recent = doses[_logged_before(doses, start) : _logged_until(doses, as_of)]
    return adherence_for(regimen, recent, today, start=start, end=as_of)


def regimen_summaries(history: History, period: Period, today: date) -> tuple[RegimenSummary, ...]:
    """Each regimen taken in the period, as it stood at the period's end, with adherence."""
    summaries = []
    as_of = min(period.end, today)
    by_regimen = _doses_by_regimen(history.doses)
    for regimen in sorted(history.regimens, key=lambda r: (r.start, r.name)):
        if not regimen.steps or not overlaps(regimen, period):
            continue
        in_force = regimen.step_on(as_of) or regimen.step_on(regimen.start) or regimen.current
        if regimen.stop is not None and regimen.stop <= as_of:
            in_force = regimen.step_on(regimen.stop - timedelta(days=1)) or in_force
        own = by_regimen.get(regimen.id, [])
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
                last_logged=_last_logged(own, period.end),
            )
        )
    return tuple(summaries)
