"""The graphics items a plot is drawn with: backdrop, series items, treatment lanes (its texts
are in `labels`)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
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
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from fertilitytracker.gui.charts.axis import day_to_x
from fertilitytracker.gui.charts.lines import draw_horizontal_lines
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
NO_CACHE = QGraphicsItem.CacheMode.NoCache
# Qt keeps a whole item in its device cache while the item is at most this much wider than
# the view; a wider one gets a cache of the part in view, made anew and copied on every pan
# step.
WHOLE_CACHE_WIDTH_RATIO = 1.2
LANE_BAR_PX = 6
EVERYTHING = QRectF(-1e300, -1e300, 2e300, 2e300)


class PaintOnlyItem(pg.GraphicsObject):
    """An item that needs nothing from its view between paints (it draws in data coordinates
    or reads the view when painted).

    pyqtgraph connects every item to its view's range and transform signals: a Python call
    per item and plot on each pan step for items that do nothing with it. This one lets go.
    """

    def viewChanged(self, view: object, oldView: object) -> None:
        super().viewChanged(view, oldView)
        stop_following(self, view)


def stop_following(item: pg.GraphicsObject, view: object) -> None:
    """Disconnect `item` from the range and transform signals pyqtgraph connected it to."""
    if isinstance(view, pg.ViewBox):
        view.sigRangeChanged.disconnect(item.viewRangeChanged)
        view.sigTransformChanged.disconnect(item.viewTransformChanged)


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


class PlotBackdrop(PaintOnlyItem):
    """Everything behind a plot's series, as one item: spans, bands, markers, reference lines.

    One item instead of a BarGraphItem, a LinearRegionItem and an InfiniteLine per band, line
    or change: each pyqtgraph item recomputes its bounds in Python on every pan step. The item
    has a fixed extent (the plot's date limits by its fixed y-range). While all of it fits in
    Qt's device-coordinate cache, a pan step copies the cache; zoomed in further, it is drawn
    afresh on each paint (`fit_cache`).
    """

    def __init__(self) -> None:
        super().__init__()
        self.spans: tuple[DrawnSpan, ...] = ()
        self.bands: tuple[DrawnBand, ...] = ()
        self.lines: tuple[DrawnLine, ...] = ()
        self.markers: tuple[DrawnMarker, ...] = ()
        # Worked out once per data, not per paint: a paint draws what lies in a strip or view.
        self._marker_xs: list[float] = []
        self._marker_pens: list[QPen] = []
        self._edge_pens: list[QPen] = []
        self._line_pens: list[QPen] = []
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
        self._marker_xs = [marker.x for marker in self.markers]
        pens = _PenBox()
        # Markers of one colour share a pen: a paint sets it once for a run of them.
        self._marker_pens = [pens.cosmetic(marker.colour) for marker in self.markers]
        self._edge_pens = [pens.cosmetic(band.edge) for band in self.bands]
        self._line_pens = [pens.cosmetic(line.colour, Qt.PenStyle.DashLine) for line in self.lines]
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._extent)

    def fit_cache(self, pixels_per_x: float, view_width_px: float) -> None:
        """Cache the backdrop while Qt can keep all of it cached at this scale, else not.

        Cached whole, a pan step is one copy of the layer. Cached in part (the backdrop many
        times wider than the view), every pan step costs a new layer, the old one copied into
        it, the strip scrolled in drawn and the layer copied to the view: more than drawing a
        few fills and lines in view afresh.
        """
        width_px = self._extent.width() * abs(pixels_per_x)
        whole = width_px <= view_width_px * WHOLE_CACHE_WIDTH_RATIO
        mode = DEVICE_CACHE if whole else NO_CACHE
        if self.cacheMode() != mode:
            self.setCacheMode(mode)

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
        for band, edge_pen in zip(self.bands, self._edge_pens, strict=True):
            edges = [
                QLineF(left, edge, right, edge)
                for edge in (band.band.low, band.band.high)
                if edge is not None and low <= edge <= high
            ]
            draw_horizontal_lines(painter, edge_pen, edges)
        self._paint_markers(painter, left, right)
        self._paint_lines(painter, left, right)

    def _paint_markers(self, painter: QPainter, left: float, right: float) -> None:
        """The dose-change lines from `left` to `right`, in date order."""
        low, high = self._extent.top(), self._extent.bottom()
        pen = None
        for index in range(
            bisect_left(self._marker_xs, left), bisect_right(self._marker_xs, right)
        ):
            if self._marker_pens[index] is not pen:
                pen = self._marker_pens[index]
                painter.setPen(pen)
            x = self._marker_xs[index]
            painter.drawLine(QLineF(x, low, x, high))

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
        for drawn, pen in zip(self.lines, self._line_pens, strict=True):
            y = transform.map(QPointF(left, drawn.value)).y()
            painter.setPen(pen)
            painter.drawLine(QLineF(start, y, end, y))
        painter.restore()


def _cosmetic_pen(colour: QColor, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, 0, style)  # width 0: one device pixel at any scale
    pen.setCosmetic(True)
    return pen


class _PenBox:
    """Cosmetic pens made once per colour and style, the same pen for the same colour."""

    def __init__(self) -> None:
        self._pens: dict[tuple[int, Qt.PenStyle], QPen] = {}

    def cosmetic(self, colour: QColor, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
        key = (colour.rgba(), style)
        pen = self._pens.get(key)
        if pen is None:
            pen = self._pens[key] = _cosmetic_pen(colour, style)
        return pen


class ChartCurve(pg.PlotCurveItem):
    """A PlotCurveItem drawn afresh on each paint, not through a device cache.

    A cached item costs a frame the scroll and the copy of a layer as large as the plot,
    whether a line crosses the strip that scrolls into view or not; one path of at most a few
    thousand points, drawn uncached, costs less. The saving counts on the plots with several
    series (lipids, sperm counts, symptoms), a layer per series.
    pyqtgraph recomputes a curve's bounds (a few pixels of padding included) on each of its
    view's transform changes; a pan step only moves the view, so the curve hears of none: its
    plot tells it when the view's scale changes (`ChartPlot.view_transformed`).
    """

    def viewChanged(self, view: object, oldView: object) -> None:
        super().viewChanged(view, oldView)
        stop_following(self, view)


class ChartScatter(pg.ScatterPlotItem):
    """A ScatterPlotItem drawn into the device cache, which a pan step scrolls.

    pyqtgraph leaves out the points outside the view when it paints; in a scrolled cache such
    a point would never appear, so this scatter's "view" is what Qt asks it to paint: the
    strip that scrolls into view (pyqtgraph would lay out a symbol for each of hundreds of
    points to draw the few in a strip a few pixels wide), or all of it.
    Its bounds are kept until its points or the view's scale change (pyqtgraph works them out
    again on each of the dozens of times Qt asks for them in a frame); as a curve, it hears of
    the scale from its plot, not of every pan step from the view.
    """

    _bounds: QRectF | None = None
    _sorted_xs: np.ndarray | None = None
    _painting: QRectF | None = None  # the rectangle being painted, while it is

    def __init__(self) -> None:
        super().__init__()
        self.setCacheMode(DEVICE_CACHE)

    def viewRect(self) -> QRectF:
        return QRectF(self._painting) if self._painting is not None else QRectF(EVERYTHING)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        # A pan step paints the strip that scrolls into view: most strips hold no marker.
        if not self._marker_within(option.exposedRect, abs(painter.transform().m11())):
            return
        self._painting = QRectF(option.exposedRect)
        try:
            super().paint(painter, option, widget)
        finally:
            self._painting = None

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

    def viewChanged(self, view: object, oldView: object) -> None:
        super().viewChanged(view, oldView)
        stop_following(self, view)

    def viewTransformChanged(self) -> None:
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
            painter.setPen(_cosmetic_pen(self._background))
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
            painter.drawText(QPointF(x, bar.top() - 2), marks.texts[index])
            text_end = x + marks.text_widths[index]
