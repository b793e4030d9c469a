"""The shared date axis: dates as x coordinates and calendar-aligned ticks."""

from __future__ import annotations

from datetime import date

import pyqtgraph as pg

from fertilitytracker.services.date_ticks import TICK_STEPS, TickUnit, tick_days, tick_label

SECONDS_PER_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def day_to_x(day: date) -> float:
    """A date as the x coordinate of the date axis (seconds since 1970, UTC midnight)."""
    return float((day.toordinal() - _EPOCH_ORDINAL) * SECONDS_PER_DAY)


def x_to_day(x: float) -> date:
    """The calendar day an x coordinate falls on."""
    return date.fromordinal(int(x // SECONDS_PER_DAY) + _EPOCH_ORDINAL)


MAJOR_TICK_MIN_PX = 90
FIRST_LABEL_MARGIN_PX = 28
MINOR_TICK_MIN_PX = 14
# The tick steps and labels are shared with the report (services/date_ticks.py).
_TICK_STEPS = TICK_STEPS
_tick_days = tick_days


class CalendarDateAxis(pg.AxisItem):
    """A date axis with calendar-aligned ticks (days, months, years), cheap to recompute.

    pyqtgraph's DateAxisItem works out local-time offsets for every candidate tick on every
    pan step; charts hold calendar days at UTC midnight, so plain date arithmetic suffices and
    keeps a panning frame short.
    """

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self._major: tuple[TickUnit, int] = ("month", 1)
        self._first_labelled = 0.0  # the first tick far enough from the left edge to be labelled
        self.enableAutoSIPrefix(False)

    def tickValues(
        self, minVal: float, maxVal: float, size: float
    ) -> list[tuple[float, list[float]]]:
        if size <= 0 or maxVal <= minVal:
            return []
        span_days = (maxVal - minVal) / SECONDS_PER_DAY
        px_per_day = size / span_days
        major_index = len(_TICK_STEPS) - 1
        for index, (_unit, _count, days) in enumerate(_TICK_STEPS):
            if days * px_per_day >= MAJOR_TICK_MIN_PX:
                major_index = index
                break
        first, last = x_to_day(minVal), x_to_day(maxVal)
        # A label too close to the left edge is not drawn: the year goes on the next one.
        self._first_labelled = minVal + FIRST_LABEL_MARGIN_PX / px_per_day * SECONDS_PER_DAY
        unit, count, days = _TICK_STEPS[major_index]
        self._major = (unit, count)
        majors = [day_to_x(day) for day in _tick_days(unit, count, first, last)]
        levels = [(days * SECONDS_PER_DAY, majors)]
        if major_index > 0:
            minor_unit, minor_count, minor_days = _TICK_STEPS[major_index - 1]
            if minor_days * px_per_day >= MINOR_TICK_MIN_PX:
                minors = [day_to_x(day) for day in _tick_days(minor_unit, minor_count, first, last)]
                levels.append((minor_days * SECONDS_PER_DAY, minors))
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        unit, _count = self._major
        major_spacing = next(
            days for step_unit, count, days in _TICK_STEPS if (step_unit, count) == self._major
        )
        if abs(spacing - major_spacing * SECONDS_PER_DAY) > 1:
            return ["" for _ in values]  # minor ticks carry no label
        labels = []
        previous_year: int | None = None
        for value in sorted(values):
            day = x_to_day(value)
            # The year shows on the first label and wherever it changes ("Jun 2026").
            new_year = day.year != previous_year
            if value >= self._first_labelled:
                previous_year = day.year
            text = tick_label(day, unit, self._major[1], full_months=new_year)
            if unit == "day" and new_year:
                text += f" {day.year}"
            labels.append(text)
        order = sorted(range(len(values)), key=lambda position: values[position])
        in_place = [""] * len(values)
        for position, label in zip(order, labels, strict=True):
            in_place[position] = label
        return in_place
