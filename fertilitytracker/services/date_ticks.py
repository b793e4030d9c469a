"""Calendar-aligned date ticks and their labels, shared by the Charts screen and the report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import Literal

TickUnit = Literal["day", "month", "year"]

# Tick steps, finest first: (unit, count, approximate length in days).
TICK_STEPS: tuple[tuple[TickUnit, int, float], ...] = (
    ("day", 1, 1.0),
    ("day", 2, 2.0),
    ("day", 7, 7.0),
    ("day", 14, 14.0),
    ("month", 1, 30.44),
    ("month", 3, 91.31),
    ("month", 6, 182.62),
    ("year", 1, 365.25),
    ("year", 2, 730.5),
    ("year", 5, 1826.25),
    ("year", 10, 3652.5),
)
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def tick_days(unit: TickUnit, count: int, first: date, last: date) -> list[date]:
    """Calendar-aligned days from `first` to `last`: every `count` days, months or years."""
    return list(_iter_tick_days(unit, count, first, last))


def _iter_tick_days(unit: TickUnit, count: int, first: date, last: date) -> Iterator[date]:
    if unit == "day":
        ordinal = first.toordinal()
        ordinal += (-ordinal) % count
        while ordinal <= last.toordinal():
            yield date.fromordinal(ordinal)
            ordinal += count
    elif unit == "month":
        month_index = first.year * 12 + first.month - 1
        if first.day != 1:
            month_index += 1
        month_index += (-month_index) % count
        while True:
            day = date(month_index // 12, month_index % 12 + 1, 1)
            if day > last:
                break
            yield day
            month_index += count
    else:
        year = first.year + (0 if (first.month, first.day) == (1, 1) else 1)
        year += (-year) % count
        while year <= last.year:
            yield date(year, 1, 1)
            year += count


def tick_label(day: date, unit: TickUnit, count: int, full_months: bool = False) -> str:
    """A tick's label: "2026", "Jul 2026" (or "Jul" within a year on screen), "3 Jul".

    `full_months` always writes the year with a month, as print needs ("Jul 2026").
    """
    if unit == "year":
        return str(day.year)
    month = MONTH_NAMES[day.month - 1]
    if unit == "month":
        return f"{month} {day.year}" if full_months or day.month == 1 or count > 1 else month
    return f"{day.day} {month}"


def date_ticks(first: date, last: date, max_ticks: int = 6) -> list[tuple[date, str]]:
    """At most `max_ticks` labelled ticks between `first` and `last`, for print."""
    for unit, count, _days in TICK_STEPS:
        # Counted only up to one too many: a decade is not listed day by day to be refused.
        days = list(islice(_iter_tick_days(unit, count, first, last), max_ticks + 1))
        if len(days) <= max_ticks:
            return [(day, tick_label(day, unit, count, full_months=True)) for day in days]
    unit, count, _days = TICK_STEPS[-1]
    return [(day, tick_label(day, unit, count)) for day in tick_days(unit, count, first, last)]
