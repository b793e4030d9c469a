"""The shared date axis: dates as x coordinates and calendar-aligned ticks."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QStaticText, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from fertilitytracker.gui.charts.lines import draw_horizontal_lines
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
# A label's box is the height of its text's bounding box times this (the look of pyqtgraph's
# axes, whose labels the date axis' match).
LABEL_HEIGHT_FRACTION = 0.8
LABEL_GAP_PX = 2.0  # between the axis line and the top of the labels
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
        self._label_height = -1.0  # the label height the axis last sized itself for
        # Per tick step: the first and last day worked out, and their ticks' x values.
        self._known_ticks: dict[tuple[TickUnit, int], tuple[date, date, list[float]]] = {}
        self._labels: dict[str, tuple[QSizeF, QStaticText]] = {}  # laid out, in _labels_font
        self._labels_font = ""
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
        levels = [(days * SECONDS_PER_DAY, self._tick_xs(unit, count, first, last))]
        if major_index > 0:
            minor_unit, minor_count, minor_days = _TICK_STEPS[major_index - 1]
            if minor_days * px_per_day >= MINOR_TICK_MIN_PX:
                minors = self._tick_xs(minor_unit, minor_count, first, last)
                levels.append((minor_days * SECONDS_PER_DAY, minors))
        return levels

    def _tick_xs(self, unit: TickUnit, count: int, first: date, last: date) -> list[float]:
        """The x of each tick day from `first` to `last`, cut from ticks worked out once for a
        range as wide again on either side (ticks are aligned to the calendar, not to the
        range, so a pan step only slides along them)."""
        known = self._known_ticks.get((unit, count))
        if known is None or not known[0] <= first <= last <= known[1]:
            span = last - first
            try:
                wide = (first - span, last + span)
            except OverflowError:
                wide = (first, last)
            xs = [day_to_x(day) for day in _tick_days(unit, count, *wide)]
            known = self._known_ticks[(unit, count)] = (*wide, xs)
        xs = known[2]
        return xs[bisect_left(xs, day_to_x(first)) : bisect_right(xs, day_to_x(last))]

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

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        """The axis line, the ticks of each level and the major ticks' labels.

        Drawn as pyqtgraph's AxisItem draws a bottom axis (same lines, alphas and label
        boxes), without its general machinery: on each pan step it measured every tick's text,
        minor ticks' empty ones included, and recorded the drawing to replay it, which made
        the date axis the costliest item of a frame. Only minor ticks carry no label here.
        """
        bounds = self.mapRectFromParent(self.geometry())
        low, high = self.range
        width = bounds.width()
        if high <= low or width <= 0:
            return
        levels = self.tickValues(low, high, width + 2)  # pyqtgraph's length: the line's
        scale = width / (high - low)
        top = bounds.top()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if self.style["tickFont"] is not None:
            painter.setFont(self.style["tickFont"])
        axis_line = QLineF(bounds.left() - 1, top + 1, bounds.right() + 1, top + 1)
        draw_horizontal_lines(painter, self.pen(), [axis_line])
        tick_length = self.style["tickLength"]
        for level, (_spacing, values) in enumerate(levels):
            painter.setPen(_tick_pen(self.tickPen(), int(255 / (level + 1))))
            end = top + tick_length / (1.0 + 0.5 * level)
            xs = [(value - low) * scale for value in values]
            painter.drawLines([QLineF(x, top, x, end) for x in xs if 0 <= x <= width])
        if levels:
            self._draw_labels(painter, *levels[0], low, scale, bounds)
        painter.restore()

    def _draw_labels(
        self,
        painter: QPainter,
        spacing: float,
        values: list[float],
        low: float,
        scale: float,
        bounds: QRectF,
    ) -> None:
        room = self.boundingRect()
        label_top = bounds.top() + max(0, self.style["tickLength"]) + LABEL_GAP_PX
        tallest = 0.0
        placed: list[tuple[QPointF, QStaticText]] = []
        font = painter.font().key()
        if font != self._labels_font:
            self._labels_font = font
            self._labels.clear()
        for value, text in zip(values, self.tickStrings(values, 1.0, spacing), strict=True):
            x = (value - low) * scale
            if not 0 <= x <= bounds.width():
                continue
            size, static = self._label(painter, text)
            height = size.height() * LABEL_HEIGHT_FRACTION
            tallest = max(tallest, height)
            label = QRectF(x - size.width() / 2, label_top, size.width(), height)
            if room.intersected(label) == label:  # a label that would spill over is left out
                placed.append((label.topLeft(), static))
        if tallest != self._label_height:
            self._label_height = tallest
            self._updateMaxTextSize(tallest)  # the axis grows to the labels, as pyqtgraph's
        painter.setPen(self.textPen())
        painter.setClipRect(room.toAlignedRect(), Qt.ClipOperation.IntersectClip)
        for top_left, static in placed:
            painter.drawStaticText(top_left, static)

    def _label(self, painter: QPainter, text: str) -> tuple[QSizeF, QStaticText]:
        """A label's size and its text laid out once in the painter's font (a pan step shows
        the same few labels)."""
        known = self._labels.get(text)
        if known is None:
            box = painter.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text)
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), painter.font())
            known = self._labels[text] = (box.size(), static)
        return known


def _tick_pen(pen: QPen, alpha: int) -> QPen:
    """`pen` with its colour at `alpha` (finer tick levels are fainter)."""
    faded = QPen(pen)
    colour = QColor(faded.color())
    colour.setAlpha(alpha)
    faded.setColor(colour)
    return faded
