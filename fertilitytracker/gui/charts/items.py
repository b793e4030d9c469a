"""The graphics items a plot is drawn with: backdrop, series items, treatment lanes (its texts
are in `labels`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from fertilitytracker.gui.charts.axis import day_to_x
from fertilitytracker.gui.charts.theme import ChartTheme
from fertilitytracker.services.chart_data import (
    ChartData,
    DoseChange,
    MedicationSpan,
    ReferenceLine,
    ShadedBand,
)

BACKDROP_Z = -20  # treatment spans, bands, dose-change markers and reference lines
DASH_PERIOD_PX = 6.0  # Qt's DashLine at one pixel: a 4 px dash and a 2 px gap
DEVICE_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
LANE_BAR_PX = 6


@dataclass(frozen=True)
class DrawnSpan:
    """A medication period as drawn: from `start_x` to `end_x` over the plot's full height."""

    start_x: float
    end_x: float
    colour: QColor
    span: MedicationSpan


@dataclass(frozen=True)
class DrawnBand:
    """A target band or zone as drawn, in the plot's unit; an open end stops at the y-range."""

    bottom: float
    top: float
    fill: QColor
    edge: QColor
    band: ShadedBand


@dataclass(frozen=True)
class DrawnLine:
    """A reference line as drawn (dashed, across the plot)."""

    value: float
    colour: QColor
    line: ReferenceLine


@dataclass(frozen=True)
class DrawnMarker:
    """A dose change as drawn: a vertical line at `x` in its regimen's colour."""

    x: float
    colour: QColor
    change: DoseChange


class PlotBackdrop(pg.GraphicsObject):
    """Everything behind a plot's series, as one item: spans, bands, markers, reference lines.

    One item instead of a BarGraphItem, a LinearRegionItem and an InfiniteLine per band, line
    or change: each pyqtgraph item recomputes its bounds in Python on every pan step. The item
    has a fixed extent (the plot's date limits by its fixed y-range) and is drawn into Qt's
    device-coordinate cache, so a pan step paints only the strip that scrolls into view.
    """

    def __init__(self) -> None:
        super().__init__()
        self.spans: tuple[DrawnSpan, ...] = ()
        self.bands: tuple[DrawnBand, ...] = ()
        self.lines: tuple[DrawnLine, ...] = ()
        self.markers: tuple[DrawnMarker, ...] = ()
        self._extent = QRectF()
        self.setZValue(BACKDROP_Z)
        self.setCacheMode(DEVICE_CACHE)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def set_shapes(
        self,
        extent: QRectF,
        spans: Sequence[DrawnSpan],
        bands: Sequence[DrawnBand],
        lines: Sequence[DrawnLine],
        markers: Sequence[DrawnMarker],
    ) -> None:
        """Draw these shapes within `extent` (x: seconds, y: the plot's fixed y-range)."""
        self.prepareGeometryChange()
        self._extent = QRectF(extent)
        self.spans = tuple(spans)
        self.bands = tuple(bands)
        self.lines = tuple(lines)
        self.markers = tuple(sorted(markers, key=lambda marker: marker.x))
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._extent)

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange: object = None) -> None:
        return None  # never part of an auto-range

    def tooltip_at(self, y: float, tolerance: float = 0.0) -> str:
        """What the band or reference line at height `y` is, with its source ("" if none)."""
        for drawn in self.lines:
            if abs(drawn.value - y) <= tolerance:
                return f"{drawn.line.label}\n{drawn.line.source}"
        for band in reversed(self.bands):
            if band.bottom <= y <= band.top:
                return f"{band.band.label}\n{band.band.source}"
        return ""

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        exposed = option.exposedRect.intersected(self._extent)
        if exposed.isEmpty():
            return
        left, right = exposed.left(), exposed.right()
        low, high = self._extent.top(), self._extent.bottom()
        # Fills and axis-parallel lines gain nothing from antialiasing but cost time.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for span in self.spans:
            if span.end_x < left or span.start_x > right:
                continue
            start, end = max(span.start_x, left), min(span.end_x, right)
            painter.fillRect(QRectF(start, low, end - start, high - low), span.colour)
        for band in self.bands:
            painter.fillRect(
                QRectF(left, band.bottom, right - left, band.top - band.bottom), band.fill
            )
        for band in self.bands:
            painter.setPen(_cosmetic_pen(band.edge))
            for edge in (band.band.low, band.band.high):
                if edge is not None and low <= edge <= high:
                    painter.drawLine(QLineF(left, edge, right, edge))
        for marker in self.markers:
            if left <= marker.x <= right:
                painter.setPen(_cosmetic_pen(marker.colour))
                painter.drawLine(QLineF(marker.x, low, marker.x, high))
        self._paint_lines(painter, left, right)

    def _paint_lines(self, painter: QPainter, left: float, right: float) -> None:
        """Dashed reference lines, with the dashes in step across separately painted strips."""
        if not self.lines:
            return
        transform = painter.transform()
        origin = transform.map(QPointF(self._extent.left(), 0)).x()
        start = transform.map(QPointF(left, 0)).x()
        end = transform.map(QPointF(right, 0)).x()
        start = origin + ((start - origin) // DASH_PERIOD_PX) * DASH_PERIOD_PX
        painter.save()
        painter.resetTransform()
        for drawn in self.lines:
            y = transform.map(QPointF(left, drawn.value)).y()
            painter.setPen(_cosmetic_pen(drawn.colour, Qt.PenStyle.DashLine))
            painter.drawLine(QLineF(start, y, end, y))
        painter.restore()


def _cosmetic_pen(colour: QColor, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, 0, style)  # width 0: one device pixel at any scale
    pen.setCosmetic(True)
    return pen


PixelScale = tuple[float, float, float, float]


def pixel_scale_changed(item: pg.GraphicsObject, last: PixelScale | None) -> PixelScale | None:
    """The scale of `item`'s device transform when it differs from `last`, else None.

    A pan step only translates the view. The bounds of a curve or scatter, a few pixels of
    padding included, are in data coordinates and stay the same; pyqtgraph recomputes them on
    every transform change, tens of times a frame across the plots.
    """
    transform = item.deviceTransform_()  # None while the item is not on screen
    scale = (
        (0.0, 0.0, 0.0, 0.0)
        if transform is None
        else (transform.m11(), transform.m12(), transform.m21(), transform.m22())
    )
    return scale if scale != last else None


class ChartCurve(pg.PlotCurveItem):
    """A PlotCurveItem drawn into the device cache, which a pan step scrolls; its bounds are
    recomputed when its data or the view's scale changes, not on a pan step."""

    _pixel_scale: PixelScale | None = None

    def __init__(self) -> None:
        super().__init__()
        self.setCacheMode(DEVICE_CACHE)

    def viewTransformChanged(self) -> None:
        scale = pixel_scale_changed(self, self._pixel_scale)
        if scale is None:
            pg.GraphicsObject.viewTransformChanged(self)  # only forgets the view rectangle
            return
        self._pixel_scale = scale
        super().viewTransformChanged()


class ChartScatter(pg.ScatterPlotItem):
    """A ScatterPlotItem drawn into the device cache, which a pan step scrolls.

    pyqtgraph leaves out the points outside the view when it paints; in a scrolled cache such
    a point would never appear, so this scatter's "view" is everything (a few hundred points).
    Its bounds are kept until its points or the view's scale change (pyqtgraph works them out
    again on each of the dozens of times Qt asks for them in a frame).
    """

    _pixel_scale: PixelScale | None = None
    _bounds: QRectF | None = None
    _sorted_xs: np.ndarray | None = None

    def __init__(self) -> None:
        super().__init__()
        self.setCacheMode(DEVICE_CACHE)

    def viewRect(self) -> QRectF:
        return QRectF(-1e300, -1e300, 2e300, 2e300)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        # A pan step paints the strip that scrolls into view: most strips hold no marker.
        if self._marker_within(option.exposedRect, abs(painter.transform().m11())):
            super().paint(painter, option, widget)

    def _marker_within(self, exposed: QRectF, pixels_per_x: float) -> bool:
        """Whether any marker, of its drawn size, reaches into `exposed` (item coordinates)."""
        if pixels_per_x == 0:
            return True
        if self._sorted_xs is None:
            self._sorted_xs = np.sort(self.data["x"])
        reach = (self._maxSpotPxWidth / 2 + 1) / pixels_per_x
        first = np.searchsorted(self._sorted_xs, exposed.left() - reach, side="left")
        return bool(first < len(self._sorted_xs)) and bool(
            self._sorted_xs[first] <= exposed.right() + reach
        )

    def boundingRect(self) -> QRectF:
        if self._bounds is None:
            self._bounds = super().boundingRect()
        return self._bounds

    def invalidate(self) -> None:
        # Every change of points, symbols, sizes or pens comes through here.
        self._bounds = None
        self._sorted_xs = None
        super().invalidate()

    def viewTransformChanged(self) -> None:
        scale = pixel_scale_changed(self, self._pixel_scale)
        if scale is None:
            pg.GraphicsObject.viewTransformChanged(self)  # only forgets the view rectangle
            return
        self._pixel_scale = scale
        super().viewTransformChanged()  # tells Qt the geometry changes, with the old bounds
        self._bounds = None


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


class TreatmentLanes(pg.GraphicsObject):
    """Medication periods under the plots: one lane per medication, a bar for each period and
    the dose above it where it starts or changes; overlapping treatments lie side by side.

    The item spans the view and is painted in pixels each frame (a few bars and short texts).
    """

    def __init__(self) -> None:
        super().__init__()
        self.lanes: list[Lane] = []
        self._font = QFont()
        self._font.setPointSizeF(8)
        self._foreground = QColor("black")
        self._background = QColor("white")

    def texts(self) -> list[str]:
        """Every dose text the lanes hold, lane by lane (for tests and screen readers)."""
        return [text for lane in self.lanes for _x, text in self._lane_texts(lane)]

    def set_lanes(self, lanes: Sequence[Lane], foreground: QColor, background: QColor) -> None:
        self.prepareGeometryChange()
        self.lanes = list(lanes)
        self._foreground = QColor(foreground)
        self._background = QColor(background)
        self.update()

    def boundingRect(self) -> QRectF:
        view = self.getViewBox()
        return QRectF() if view is None else view.viewRect()

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange: object = None) -> None:
        return None

    @staticmethod
    def _lane_texts(lane: Lane) -> list[tuple[float, str]]:
        texts = []
        for change in lane.changes:
            if change.kind == "stop":
                continue
            text = f"{lane.name} {change.label}" if change.kind == "start" else change.label
            texts.append((day_to_x(change.day), text))
        return texts

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        view = self.getViewBox()
        if not self.lanes or view is None:
            return
        transform = painter.transform()
        left_x = view.viewRange()[0][0]
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        metrics = QFontMetricsF(self._font)
        view_left = transform.map(QPointF(left_x, 0)).x()
        count = len(self.lanes)
        for position, lane in enumerate(self.lanes):
            # Lane `position` (0 at the top) spans y from count - position - 1 to count - position.
            bottom = transform.map(QPointF(0, count - position - 1)).y()
            bar = QRectF(0, bottom - LANE_BAR_PX - 2, 0, LANE_BAR_PX)
            for span in lane.spans:
                start = transform.map(QPointF(day_to_x(span.start), 0)).x()
                end = transform.map(QPointF(day_to_x(span.end), 0)).x()
                painter.fillRect(
                    QRectF(start, bar.top(), max(end - start, 2), bar.height()), lane.colour
                )
            painter.setPen(_cosmetic_pen(self._background))
            for change in lane.changes:
                if change.kind == "change":
                    x = transform.map(QPointF(day_to_x(change.day), 0)).x()
                    painter.drawLine(QLineF(x, bar.top(), x, bar.bottom()))
            painter.setPen(self._foreground)
            placed = [
                (transform.map(QPointF(x_value, 0)).x(), text)
                for x_value, text in self._lane_texts(lane)
            ]
            # Of the doses that began left of the view, only the latest is still in force.
            begun = [index for index, (x, _text) in enumerate(placed) if x <= view_left]
            if begun:
                placed = placed[begun[-1] :]
            text_end = -1e9
            for x_start, text in placed:
                x = max(x_start, view_left) + 2
                if x < text_end + 6:
                    continue  # too close to the previous text of this lane: the bar still shows it
                painter.drawText(QPointF(x, bar.top() - 2), text)
                text_end = x + metrics.horizontalAdvance(text)
        painter.restore()
