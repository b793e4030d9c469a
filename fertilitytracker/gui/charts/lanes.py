"""The treatment lanes under the plots: a lane per medication, its periods and doses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QStaticText, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from fertilitytracker.gui.charts.axis import day_to_x
from fertilitytracker.gui.charts.items import PaintOnlyItem
from fertilitytracker.gui.charts.lines import cosmetic_pen
from fertilitytracker.gui.charts.theme import ChartTheme
from fertilitytracker.services.chart_data import ChartData, DoseChange, MedicationSpan

LANE_BAR_PX = 6


@dataclass(frozen=True)
class Lane:
    """One medication's lane: its periods (a restart shares the lane) and dose changes."""

    name: str
    colour: QColor
    spans: tuple[MedicationSpan, ...]
    changes: tuple[DoseChange, ...]


def treatment_lanes(data: ChartData, theme: ChartTheme) -> list[Lane]:
    """A lane per medication, in order of first start, coloured as in every journal."""
    lanes: dict[str, Lane] = {}
    for span in sorted(data.spans, key=lambda span: span.start):
        key = span.name.casefold()
        known = lanes.get(key)
        spans = (*known.spans, span) if known is not None else (span,)
        lanes[key] = Lane(span.name, theme.medication_colour(span.colour), spans, ())
    for change in data.changes:
        lane = lanes.get(change.name.casefold())
        if lane is not None:
            lanes[change.name.casefold()] = Lane(
                lane.name, lane.colour, lane.spans, (*lane.changes, change)
            )
    return list(lanes.values())


@dataclass(frozen=True)
class _LaneMarks:
    """A lane's marks in data x (seconds), worked out once: bars, dose-change ticks, texts."""

    lane: Lane
    span_starts: np.ndarray
    span_ends: np.ndarray
    change_xs: np.ndarray
    text_xs: np.ndarray
    texts: tuple[str, ...]
    text_widths: tuple[float, ...]  # in pixels
    texts_in_order: bool  # by date: no text after one past the view's right edge is in view

    @classmethod
    def of(cls, lane: Lane, metrics: QFontMetricsF) -> _LaneMarks:
        dated = [
            (
                day_to_x(change.day),
                f"{lane.name} {change.label}" if change.kind == "start" else change.label,
            )
            for change in lane.changes
            if change.kind != "stop"
        ]
        text_xs = np.array([x for x, _text in dated], dtype=float)
        return cls(
            lane,
            np.array([day_to_x(span.start) for span in lane.spans], dtype=float),
            np.array([day_to_x(span.end) for span in lane.spans], dtype=float),
            np.array(
                [day_to_x(change.day) for change in lane.changes if change.kind == "change"],
                dtype=float,
            ),
            text_xs,
            tuple(text for _x, text in dated),
            tuple(metrics.horizontalAdvance(text) for _x, text in dated),
            bool(np.all(np.diff(text_xs) >= 0)),
        )


class TreatmentLanes(PaintOnlyItem):
    """Medication periods under the plots: one lane per medication, a bar for each period and
    the dose above it where it starts or changes; overlapping treatments lie side by side.

    The item spans the view and is painted in pixels each frame; the marks' dates and the
    texts' widths are worked out once per journal, and a frame draws only what is in view.
    """

    def __init__(self) -> None:
        super().__init__()
        self.lanes: list[Lane] = []
        self._marks: list[_LaneMarks] = []
        self._font = QFont()
        self._font.setPointSizeF(8)
        self._ascent = QFontMetricsF(self._font).ascent()
        # Each dose text laid out once, when first drawn: a pan step draws the same few again.
        self._laid_out: dict[str, QStaticText] = {}
        self._foreground = QColor("black")
        self._background = QColor("white")

    def texts(self) -> list[str]:
        """Every dose text the lanes hold, lane by lane (for tests and screen readers)."""
        return [text for marks in self._marks for text in marks.texts]

    def set_lanes(self, lanes: Sequence[Lane], foreground: QColor, background: QColor) -> None:
        self.prepareGeometryChange()
        self.lanes = list(lanes)
        metrics = QFontMetricsF(self._font)
        self._marks = [_LaneMarks.of(lane, metrics) for lane in self.lanes]
        self._foreground = QColor(foreground)
        self._background = QColor(background)
        self.update()

    def boundingRect(self) -> QRectF:
        view = self.getViewBox()
        return QRectF() if view is None else view.viewRect()

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange: object = None) -> None:
        return None

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        view = self.getViewBox()
        if not self._marks or view is None:
            return
        transform = painter.transform()  # x and y scaled and moved, never rotated
        (left_x, right_x), _y_range = view.viewRange()
        view_left = transform.map(QPointF(left_x, 0)).x()
        view_right = transform.map(QPointF(right_x, 0)).x()
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        count = len(self._marks)
        for position, marks in enumerate(self._marks):
            # Lane `position` (0 at the top) spans y from count - position - 1 to count - position.
            bottom = transform.map(QPointF(0, count - position - 1)).y()
            bar = QRectF(0, bottom - LANE_BAR_PX - 2, 0, LANE_BAR_PX)
            self._paint_bars(painter, marks, transform, bar, (view_left, view_right))
            self._paint_texts(painter, marks, transform, bar, (view_left, view_right))
        painter.restore()

    def _paint_bars(
        self,
        painter: QPainter,
        marks: _LaneMarks,
        transform: QTransform,
        bar: QRectF,
        view: tuple[float, float],
    ) -> None:
        scale, shift = transform.m11(), transform.dx()
        starts = marks.span_starts * scale + shift
        ends = marks.span_ends * scale + shift
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            width = max(end - start, 2)
            if start + width >= view[0] and start <= view[1]:
                painter.fillRect(QRectF(start, bar.top(), width, bar.height()), marks.lane.colour)
        xs = marks.change_xs * scale + shift
        seen = xs[(xs >= view[0] - 1) & (xs <= view[1] + 1)].tolist()
        if seen:
            painter.setPen(cosmetic_pen(self._background))
            painter.drawLines([QLineF(x, bar.top(), x, bar.bottom()) for x in seen])

    def _paint_texts(
        self,
        painter: QPainter,
        marks: _LaneMarks,
        transform: QTransform,
        bar: QRectF,
        view: tuple[float, float],
    ) -> None:
        if not marks.texts:
            return
        painter.setPen(self._foreground)
        xs = (marks.text_xs * transform.m11() + transform.dx()).tolist()
        # Of the doses that began left of the view, only the latest is still in force.
        begun = [index for index, x in enumerate(xs) if x <= view[0]]
        text_end = -1e9
        for index in range(begun[-1] if begun else 0, len(xs)):
            x = max(xs[index], view[0]) + 2
            if x > view[1] and marks.texts_in_order:
                break  # the rest start further right, out of view
            if x < text_end + 6:
                continue  # too close to the previous text of this lane: the bar still shows it
            # The text's baseline 2 px above the bar: its top is the font's ascent higher.
            top_left = QPointF(x, bar.top() - 2 - self._ascent)
            painter.drawStaticText(top_left, self._static_text(marks.texts[index]))
            text_end = x + marks.text_widths[index]

    def _static_text(self, text: str) -> QStaticText:
        laid_out = self._laid_out.get(text)
        if laid_out is None:
            laid_out = self._laid_out[text] = QStaticText(text)
            laid_out.setTextFormat(Qt.TextFormat.PlainText)
            laid_out.prepare(QTransform(), self._font)
        return laid_out
