"""Expected, taken, skipped and missed doses of a regimen, and adherence.

See docs/clinical.md §6 Doses.

Rules, in one place:
- A regimen is active from its start to the day before its stop; a step (dose or schedule
  change) applies from its date on. Every-N-days counting restarts at the step that set the
  schedule (a dose-only change that keeps the schedule does not move the counting).
- Days before `today` count fully: expected = the doses the schedule wants that day; taken and
  skipped = the logged ones, capped at that number (taken first); missed = the rest
  (docs/clinical.md:
  "a scheduled dose not logged as taken or skipped by the end of its day is missed").
- `today` counts only doses already logged: today's unlogged dose is not yet missed.
- A dose taken on an active day the schedule does not ask for (the off day of eod, any day of
  "as needed") counts as taken and as expected, so it never lowers adherence. A skip logged on
  such a day counts for nothing: nothing was due.
- Doses logged outside the regimen's active days, or after `today`, are not counted.
- So expected == taken + skipped + missed always, and adherence = taken / expected
  (None when nothing was expected).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import NamedTuple

from fertilitytracker.core.records import DoseEvent, Regimen
from fertilitytracker.core.schedules import Schedule, doses_due_on, parse_schedule


class Adherence(NamedTuple):
    """Dose counts over a period; `adherence` = taken / expected, None when nothing expected."""

    expected: int
    taken: int
    skipped: int
    missed: int
    adherence: float | None


class DayTally(NamedTuple):
    """One active day of a regimen: what the schedule wanted and what became of it."""

    day: date
    scheduled: int  # doses the schedule asks for on this day
    expected: int  # doses counted as expected (see the module rules)
    taken: int
    skipped: int
    missed: int


class SchedulePeriod(NamedTuple):
    """Days [first, end) under one step; every-N-days counting starts at `anchor`."""

    first: date
    end: date | None  # exclusive; None = open-ended
    schedule: Schedule
    anchor: date


def schedule_periods(regimen: Regimen) -> list[SchedulePeriod]:
    """The regimen's active stretches, one per step in force, in date order.

    Useful beyond adherence, e.g. to write the dose schedule as calendar rules.
    """
    if not regimen.steps:
        return []
    # Of two steps on one date the later one in the tuple wins, as in Regimen.step_on.
    in_force = {step.date: step for step in regimen.steps}
    steps = [in_force[day] for day in sorted(in_force)]
    periods: list[SchedulePeriod] = []
    previous: Schedule | None = None
    anchor = steps[0].date
    for index, step in enumerate(steps):
        if regimen.stop is not None and regimen.stop <= step.date:
            break  # stopped before this step applied
        schedule = parse_schedule(step.schedule)
        if schedule != previous:
            anchor = step.date
        previous = schedule
        end = steps[index + 1].date if index + 1 < len(steps) else None
        if regimen.stop is not None and (end is None or regimen.stop < end):
            end = regimen.stop
        periods.append(SchedulePeriod(step.date, end, schedule, anchor))
    return periods


def _active_days(
    regimen: Regimen, first: date | None, last: date
) -> Iterator[tuple[date, Schedule, date]]:
    """(day, schedule, anchor) for each active day from `first` (or the start) to `last`."""
    for period in schedule_periods(regimen):
        day = period.first if first is None else max(period.first, first)
        final = last if period.end is None else min(last, period.end - timedelta(days=1))
        while day <= final:
            yield day, period.schedule, period.anchor
            day += timedelta(days=1)


def expected_slots(
    regimen: Regimen, until: date, start: date | None = None
) -> list[tuple[date, int]]:
    """(day, doses scheduled) for each active day up to and including `until`.

    Only days with at least one scheduled dose are listed (the off days of eod, and every day
    of "as needed", are left out). `start` optionally limits the list to days on or after it.
    """
    slots: list[tuple[date, int]] = []
    for day, schedule, anchor in _active_days(regimen, start, until):
        count = doses_due_on(schedule, anchor, day)
        if count:
            slots.append((day, count))
    return slots


def _doses_of(regimen: Regimen, doses: Iterable[DoseEvent]) -> Counter[tuple[date, str]]:
    """Logged doses of this regimen per (calendar day, status).

    Doses are matched on `regimen_id` when the regimen has an id; a regimen without one (not
    stored yet) takes every dose given.
    """
    counts: Counter[tuple[date, str]] = Counter()
    for dose in doses:
        if regimen.id is None or dose.regimen_id == regimen.id:
            counts[(dose.at.date(), dose.status)] += 1
    return counts


def _day_counts(
    scheduled: int, taken_logged: int, skipped_logged: int, is_today: bool
) -> tuple[int, int, int, int]:
    """(expected, taken, skipped, missed) of one active day, by the rules of this module."""
    if scheduled == 0:
        return taken_logged, taken_logged, 0, 0
    taken = min(taken_logged, scheduled)
    skipped = min(skipped_logged, scheduled - taken)
    # Today's unlogged doses can still be taken: they are not missed yet.
    missed = 0 if is_today else scheduled - taken - skipped
    return taken + skipped + missed, taken, skipped, missed


def day_tallies(
    regimen: Regimen,
    doses: Iterable[DoseEvent],
    today: date,
    start: date | None = None,
    end: date | None = None,
) -> list[DayTally]:
    """One tally per active day in [start, end] up to `today`, by the rules of this module."""
    last = today if end is None else min(end, today)
    logged = _doses_of(regimen, doses)
    tallies: list[DayTally] = []
    for day, schedule, anchor in _active_days(regimen, start, last):
        scheduled = doses_due_on(schedule, anchor, day)
        expected, taken, skipped, missed = _day_counts(
            scheduled, logged.get((day, "taken"), 0), logged.get((day, "skipped"), 0), day == today
        )
        tallies.append(DayTally(day, scheduled, expected, taken, skipped, missed))
    return tallies


def _due_days(schedule: Schedule, anchor: date, first: date, last: date) -> int:
    """How many days of [first, last] the schedule asks for doses on (doses_due_on > 0),
    counted without walking the days."""
    first = max(first, anchor)
    days = (last - first).days + 1
    if days <= 0 or schedule.kind == "as_needed":
        return 0
    if schedule.kind == "every_n_days":
        # The days whose distance from the anchor is a multiple of N.
        since_anchor = (first - anchor).days
        return (last - anchor).days // schedule.every_days - (
            since_anchor - 1
        ) // schedule.every_days
    if schedule.kind == "weekdays":
        weeks, rest = divmod(days, 7)
        # The `rest` days after the whole weeks fall on the weekdays that follow first's.
        tail = sum(
            1 for offset in range(rest) if (first.weekday() + offset) % 7 in schedule.weekdays
        )
        return weeks * len(schedule.weekdays) + tail
    return days


def adherence_for(
    regimen: Regimen,
    doses: Iterable[DoseEvent],
    today: date,
    start: date | None = None,
    end: date | None = None,
) -> Adherence:
    """Expected, taken, skipped and missed doses and adherence over the regimen's active days
    up to `today`, optionally only within [start, end] (both inclusive, for reports).

    The same sums as adding up `day_tallies`, without a tally per day (a decade of daily doses
    is thousands of days): each stretch counts its due days as all missed, then the days with
    a logged dose, and today, are put right one by one.
    """
    last = today if end is None else min(end, today)
    logged = _doses_of(regimen, doses)
    special = sorted({day for day, _status in logged} | {today})
    expected = taken = skipped = missed = 0
    for period in schedule_periods(regimen):
        first = period.first if start is None else max(period.first, start)
        final = last if period.end is None else min(last, period.end - timedelta(days=1))
        if final < first:
            continue
        times = period.schedule.times_per_day
        due = _due_days(period.schedule, period.anchor, first, final) * times
        expected += due
        missed += due
        for day in special[bisect_left(special, first) : bisect_right(special, final)]:
            scheduled = doses_due_on(period.schedule, period.anchor, day)
            day_counts = _day_counts(
                scheduled,
                logged.get((day, "taken"), 0),
                logged.get((day, "skipped"), 0),
                day == today,
            )
            expected += day_counts[0] - scheduled
            taken += day_counts[1]
            skipped += day_counts[2]
            missed += day_counts[3] - scheduled
    return Adherence(
        expected=expected,
        taken=taken,
        skipped=skipped,
        missed=missed,
        adherence=taken / expected if expected else None,
    )


def missed_days(
    regimen: Regimen, doses: Iterable[DoseEvent], today: date, since: date
) -> list[tuple[date, int]]:
    """(day, doses missed) for each day from `since` (inclusive) before `today` with a miss."""
    return [
        (tally.day, tally.missed)
        for tally in day_tallies(regimen, doses, today, start=since)
        if tally.missed
    ]


def doses_due_today(regimen: Regimen, doses: Iterable[DoseEvent], today: date) -> tuple[int, int]:
    """(doses scheduled today, doses logged today as taken or skipped) for this regimen.

    The logged count is not capped, so a Today screen shows max(0, scheduled - logged) left.
    """
    scheduled = sum(count for _, count in expected_slots(regimen, today, start=today))
    logged = _doses_of(regimen, doses)
    return scheduled, logged.get((today, "taken"), 0) + logged.get((today, "skipped"), 0)
