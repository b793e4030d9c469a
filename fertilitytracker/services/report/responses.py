"""Response to treatment: the key markers under each combination of medication in force."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from fertilitytracker.core.attribution import SPERMATOGENIC_CYCLE_DAYS, semen_reflects
from fertilitytracker.core.courses import courses
from fertilitytracker.core.monitoring import HORMONE_CLASSES
from fertilitytracker.core.records import History, Regimen
from fertilitytracker.services.report.cells import (
    MarkerCells,
    change_between,
    latest_on_or_before,
    marker_label,
    overlaps,
    schedule_words,
)
from fertilitytracker.services.report.model import (
    Period,
    ResponseSummary,
    TreatmentRow,
    ValueCell,
)

RESPONSE_MARKERS: tuple[str, ...] = (
    "total_testosterone",
    "estradiol",
    "t_e_ratio",
    "lh",
    "fsh",
    "tmsc",
)
NO_HORMONE = "no hormone medication"


class _Combination(NamedTuple):
    start: date
    end: date | None  # exclusive
    members: tuple[tuple[str, str, str], ...]  # (name, "0.5 mg", schedule words)


def hormone_regimens(history: History) -> list[Regimen]:
    """The regimens of hormone medication that were ever taken."""
    return [
        r
        for r in history.regimens
        if r.steps and r.med_class in HORMONE_CLASSES and (r.stop is None or r.stop > r.start)
    ]


def current_course_start(history: History, last: date, gap_days: int) -> date | None:
    """The start of the latest course of hormone medication begun by `last` (clinical.md §6)."""
    starts = [
        start for start, _end in courses(hormone_regimens(history), HORMONE_CLASSES, gap_days)
    ]
    started = [start for start in starts if start <= last]
    return max(started) if started else None


def _combinations(regimens: Sequence[Regimen], last: date) -> list[_Combination]:
    """Stretches with one unchanged set of hormone medication and doses, up to `last`."""
    days = {r.start for r in regimens} | {s.date for r in regimens for s in r.steps}
    days |= {r.stop for r in regimens if r.stop is not None}
    bounds = sorted(day for day in days if day <= last)
    found: list[_Combination] = []
    for index, start in enumerate(bounds):
        end = bounds[index + 1] if index + 1 < len(bounds) else None
        members = []
        for regimen in sorted(regimens, key=lambda r: r.name):
            step = regimen.step_on(start)
            if step is not None:
                members.append(
                    (regimen.name, f"{step.dose:g} {step.unit}", schedule_words(step.schedule))
                )
        if found and tuple(members) == found[-1].members:
            found[-1] = _Combination(found[-1].start, end, found[-1].members)
        else:
            found.append(_Combination(start, end, tuple(members)))
    return found


def _schedules(members: tuple[tuple[str, str, str], ...]) -> str:
    """ "once a day", "each once a day", or each medication's own schedule."""
    schedules = {words for _, _, words in members}
    if len(members) == 1:
        return members[0][2]
    if len(schedules) == 1:
        return f"each {members[0][2]}"
    return "; ".join(f"{name} {words}" for name, _, words in members)


def _latest_in(cells: Sequence[ValueCell], after: date, until: date) -> ValueCell | None:
    """The latest cell dated after `after` up to and including `until`.

    `cells` are a marker's values oldest first, each dated (as `marker_cells` reads them), so
    the search halves: one lookup per combination and marker, not a pass over a decade.
    """
    index = bisect_right(cells, until, key=_day)
    if index == 0 or _day(cells[index - 1]) <= after:
        return None
    return cells[index - 1]


def _day(cell: ValueCell) -> date:
    assert cell.day is not None
    return cell.day


def response_summary(
    history: History,
    cells: MarkerCells,
    period: Period,
    course_start: date | None,
) -> ResponseSummary | None:
    """Baseline, each combination's latest values and the change, for the period.

    `cells` holds each response marker's values over the whole journal (for the baseline).
    """
    regimens = hormone_regimens(history)
    if not any(overlaps(regimen, period) for regimen in regimens):
        return None
    baseline = tuple(
        latest_on_or_before(cells[key], course_start) if course_start else None
        for key in RESPONSE_MARKERS
    )
    rows: list[TreatmentRow] = []
    without = 0
    for combination in _combinations(regimens, period.end):
        # A draw on the day of a change was taken before it: it belongs to the stretch before.
        until = period.end
        if combination.end is not None:
            until = min(until, combination.end)
        if until < period.start:
            continue
        # Only values dated in the period show, even for a combination begun before it.
        after = max(combination.start, period.start - timedelta(days=1))
        values: list[ValueCell | None] = []
        semen_note = ""
        for key in RESPONSE_MARKERS:
            value = _latest_in(cells[key], after, until)
            if key == "tmsc" and value is not None and value.day is not None:
                sample_day = value.day
                reflecting = [
                    c
                    for c in cells[key]
                    if c.day is not None
                    and after < c.day <= until
                    and semen_reflects(combination.start, c.day)
                ]
                if reflecting:
                    value = reflecting[-1]
                else:
                    days = (sample_day - combination.start).days
                    semen_note = f"too early: day {days} of {SPERMATOGENIC_CYCLE_DAYS}"
                    value = None
            values.append(value)
        if all(v is None for v in values) and not semen_note:
            without += 1
            continue
        label = " + ".join(f"{name} {dose}" for name, dose, _ in combination.members)
        rows.append(
            TreatmentRow(
                label=label or NO_HORMONE,
                schedules=_schedules(combination.members),
                start=combination.start,
                end=combination.end,
                values=tuple(values),
                semen_note=semen_note,
            )
        )
    change = []
    for index in range(len(RESPONSE_MARKERS)):
        latest = None
        for row in reversed(rows):
            if row.values[index] is not None and row.label != NO_HORMONE:
                latest = row.values[index]
                break
        if (
            latest is not None
            and course_start is not None
            and latest.day is not None
            and latest.day <= course_start
        ):
            latest = None
        change.append(change_between(baseline[index], latest))
    return ResponseSummary(
        columns=tuple((key, marker_label(key)) for key in RESPONSE_MARKERS),
        course_start=course_start,
        baseline=baseline,
        rows=tuple(rows),
        change=tuple(change),
        without_draws=without,
    )
