"""The graphics items a plot is drawn with: backdrop and series items (its texts are in
`labels`; the treatment lanes under the plots are in `lanes`)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from fertilitytracker.gui.charts.lines import cosmetic_pen, draw_horizontal_lines
from fertilitytracker.services.chart_data import (
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


class _PenBox:
    """Cosmetic pens made once per colour and style, the same pen for the same colour."""

    def __init__(self) -> None:
        self._pens: dict[tuple[int, Qt.PenStyle], QPen] = {}

    def cosmetic(self, colour: QColor, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
        key = (colour.rgba(), style)
        pen = self._pens.get(key)
        if pen is None:
            pen = self._pens[key] = cosmetic_pen(colour, style)
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
