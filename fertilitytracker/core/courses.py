"""Courses of a medication class over time: exposure, and starts, changes and stops.

The monitoring rules (core/monitoring.py, docs/clinical.md §6) and the report read these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal, NamedTuple

from fertilitytracker.core.errors import InputError
from fertilitytracker.core.medications import same_dose
from fertilitytracker.core.records import Regimen

EventKind = Literal["started", "changed", "stopped"]

# ---------------------------------------------------------------------------
# Courses and exposure
# ---------------------------------------------------------------------------

Interval = tuple[date, date | None]  # [start, end) with None for ongoing


def regimen_interval(regimen: Regimen) -> Interval | None:
    """The days `regimen` was taken, [start, stop); None when stopped before its first day."""
    if not regimen.steps:
        raise InputError("regimen", f"{regimen.name} has no start")
    start = regimen.start
    if regimen.stop is not None and regimen.stop <= start:
        return None  # stopped before its first day: never taken
    return (start, regimen.stop)


def _merged(intervals: Iterable[Interval], gap_days: int) -> list[Interval]:
    """Intervals merged when the pause between them is shorter than `gap_days`."""
    merged: list[Interval] = []
    for start, end in sorted(intervals, key=lambda interval: interval[0]):
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None or (start - last_end).days < gap_days:
                new_end = None if last_end is None or end is None else max(last_end, end)
                merged[-1] = (last_start, new_end)
                continue
        merged.append((start, end))
    return merged


def _intervals(regimens: Iterable[Regimen], classes: Iterable[str]) -> list[Interval]:
    wanted = frozenset(classes)
    found: list[Interval] = []
    for regimen in regimens:
        if regimen.med_class in wanted:
            interval = regimen_interval(regimen)
            if interval is not None:
                found.append(interval)
    return found


def courses(
    regimens: Iterable[Regimen], classes: Iterable[str], gap_days: int = 30
) -> list[tuple[date, date | None]]:
    """Courses of `classes`, oldest first: (start, end exclusive, or None while ongoing).

    A start when none of the classes was active in the `gap_days` days before opens a new
    course; a restart after a shorter pause (or a same-day switch) continues the course.
    """
    if gap_days < 1:
        raise InputError("course_gap_days", "must be at least 1 day")
    return _merged(_intervals(regimens, classes), gap_days)


def _union(regimens: Iterable[Regimen], classes: Iterable[str]) -> list[Interval]:
    # A pause of 0 days means adjacent: joining those counts each day once.
    return _merged(_intervals(regimens, classes), gap_days=1)


def exposure_days(regimens: Iterable[Regimen], classes: Iterable[str], until: date) -> int:
    """Distinct days before `until` on which any regimen of `classes` was active.

    Overlapping regimens count each day once; `until` itself is not counted.
    """
    total = 0
    for start, end in _union(regimens, classes):
        stop = until if end is None else min(end, until)
        if stop > start:
            total += (stop - start).days
    return total


def exposure_reached_on(
    regimens: Iterable[Regimen], classes: Iterable[str], days_total: int
) -> date | None:
    """The first day by which `classes` have been taken on `days_total` days in all.

    That is the day after the last of those days: one uninterrupted course starting S
    reaches 365 days on S + 365. Ongoing regimens are projected forward; None when the
    regimens as recorded (stops included) never add up to `days_total`.
    """
    if days_total < 1:
        raise InputError("dexa_exposure_days", "must be at least 1 day")
    remaining = days_total
    for start, end in _union(regimens, classes):
        length = None if end is None else (end - start).days
        if length is None or length >= remaining:
            return start + timedelta(days=remaining)
        remaining -= length
    return None


# ---------------------------------------------------------------------------
# Medication events (rule 1)
# ---------------------------------------------------------------------------


class MedicationEvent(NamedTuple):
    """A start, dose or schedule change, or stop of one regimen."""

    date: date
    kind: EventKind
    regimen: Regimen
    text: str


# On one day a start says more than a change, and a change more than a stop (a same-day
# switch from letrozole to anastrozole reads "anastrozole started").
_EVENT_RANK: dict[EventKind, int] = {"stopped": 0, "changed": 1, "started": 2}


def _format_dose(dose: float, unit: str, schedule: str) -> str:
    return f"{dose:g} {unit} {schedule}".strip()


def medication_events(
    regimens: Iterable[Regimen], classes: Iterable[str], today: date
) -> list[MedicationEvent]:
    """Starts, changes and stops of `classes` dated on or before `today`, oldest first.

    A step that repeats the previous dose, unit and schedule is not a change; a step dated on
    or after the stop never applied.
    """
    wanted = frozenset(classes)
    events: list[MedicationEvent] = []
    for regimen in regimens:
        if regimen.med_class not in wanted or regimen_interval(regimen) is None:
            continue
        first = regimen.steps[0]
        if first.date <= today:
            events.append(
                MedicationEvent(
                    first.date, "started", regimen, f"{regimen.name} started {first.date}"
                )
            )
        previous = first
        for step in regimen.steps[1:]:
            if regimen.stop is not None and step.date >= regimen.stop:
                break
            # docs/clinical.md §6: the same dose in another unit (0.5 mg → 500 mcg) on the same
            # schedule is no change.
            same = step.schedule == previous.schedule and same_dose(
                step.dose, step.unit, previous.dose, previous.unit
            )
            previous = step
            if same or step.date > today:
                continue
            text = (
                f"{regimen.name} changed to "
                f"{_format_dose(step.dose, step.unit, step.schedule)} on {step.date}"
            )
            events.append(MedicationEvent(step.date, "changed", regimen, text))
        if regimen.stop is not None and regimen.stop <= today:
            events.append(
                MedicationEvent(
                    regimen.stop, "stopped", regimen, f"{regimen.name} stopped {regimen.stop}"
                )
            )
    events.sort(key=lambda event: (event.date, _EVENT_RANK[event.kind]))
    return events
