"""Draws `services.chart_data` with pyqtgraph: one plot per analyte, on one linked date axis.

Items are created once per plot and updated in place on every refresh. Panning must keep a
frame under 16.7 ms (bench/charts.py), so everything that only moves sideways while panning
(treatment, bands, lines, series, dose labels) is drawn into Qt's device-coordinate cache:
a pan step scrolls the cached pixels and paints only the strip that comes into view. Plots
scrolled out of sight follow the date range only when they are painted again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QLineF, QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QNativeGestureEvent,
    QPainter,
    QPen,
    QPixmapCache,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QGraphicsItem,
    QStyleOptionGraphicsItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.gui.charts.theme import (
    BAND_EDGE_ALPHA,
    SERIES_SYMBOLS,
    ChartTheme,
)
from fertilitytracker.services.chart_data import (
    Band,
    ChartData,
    ChartPoint,
    ChartSeries,
    DoseChange,
    MedicationSpan,
    PlotData,
    ReferenceLine,
    hover_text,
)
from fertilitytracker.services.date_ticks import TICK_STEPS, TickUnit, tick_days, tick_label

SECONDS_PER_DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
PLOT_MIN_HEIGHT_PX = 190
AXIS_HEIGHT_PX = 40
LEFT_AXIS_WIDTH_PX = 64
HIT_RADIUS_PX = 10.0
SYMBOL_SIZE_PX = 9
OVER_SUPPRESSED_SIZE_PX = 15
Y_PADDING_FRACTION = 0.1
Y_LABEL_PADDING_FRACTION = 0.25
BACKDROP_Z = -20  # treatment spans, bands, dose-change markers and reference lines
LABEL_Z = 5
DASH_PERIOD_PX = 6.0  # Qt's DashLine at one pixel: a 4 px dash and a 2 px gap
DEVICE_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
# Qt keeps the device caches in QPixmapCache (10 MB by default): the plots of one screen hold
# a layer per item as large as the plot, and an evicted layer is redrawn whole on the next pan
# step. Room for this many screenfuls of layers, and never less than the floor.
CACHED_SCREENS = 8
PIXMAP_CACHE_FLOOR_KB = 64 * 1024
LABEL_POSITIONS = (0.98, 0.87, 0.76)  # heights of dose-change labels, as a fraction of the plot
SYMPTOM_SYMBOL_LIMIT = 400  # beyond this many points a symptom series is drawn as a line only

# Flag shapes: the flag reads from the shape, not only from the colour.
LOW_SYMBOL = "t"  # triangle pointing down
HIGH_SYMBOL = "t1"  # triangle pointing up
# The characters the legends show for the symbols drawn, so that a legend shows what is drawn.
SYMBOL_CHARACTERS = {
    "o": "●",
    "s": "■",
    "d": "◆",
    "p": "⬟",
    "h": "⬢",
    "star": "★",
    "x": "✕",
    "+": "+",
    "t": "▼",
    "t1": "▲",
}
LANE_HEIGHT_PX = 20  # one medication's lane under the plots: its name and dose above a bar
LANE_BAR_PX = 6
MARKER_ALPHA = 110  # dose-change lines across a plot: thin and light, never hiding a point
MEASURED_SYMBOL = "o"
CALCULATED_SYMBOL = "d"


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

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
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

    def tickStrings(self, values: list, scale: float, spacing: float) -> list[str]:
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


@dataclass(frozen=True)
class PlotLabel:
    """A text on a plot: at x (None: the left edge of the view), hanging below or above y."""

    x: float | None
    y: float
    text: str
    colour: QColor
    below: bool = True


class PlotLabels(pg.GraphicsObject):
    """Labels of a plot as one item: dated ones (dose changes) or ones at the view's left edge.

    A TextItem per label re-places itself on every pan step. Dated labels move rigidly with
    the dates, so that item is drawn into the device cache over the plot's whole extent;
    labels at the left edge (reference lines, zones) follow the view and are painted each
    frame, which costs only a few short texts (their sizes are measured once).
    """

    def __init__(self, dated: bool) -> None:
        super().__init__()
        self.labels: list[PlotLabel] = []
        self._boxes: list[QRectF] = []
        self._font = QFont()
        self._font.setPointSizeF(8)
        self._fill = QColor("white")
        self._dated = dated
        self._extent = QRectF()
        if dated:
            self.setCacheMode(DEVICE_CACHE)
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    @property
    def texts(self) -> list[str]:
        """The label texts, in drawing order (for tests and accessibility)."""
        return [label.text for label in self.labels]

    def set_labels(self, labels: Sequence[PlotLabel], fill: QColor, extent: QRectF) -> None:
        """Show `labels` on boxes of `fill`; `extent` bounds the plot (the dated labels' cache)."""
        self.prepareGeometryChange()
        self.labels = list(labels)
        metrics = QFontMetricsF(self._font)
        self._boxes = [
            metrics.boundingRect(label.text).adjusted(-3, -1, 3, 1) for label in self.labels
        ]
        self._fill = QColor(fill)
        self._extent = QRectF(extent)
        self.setVisible(bool(self.labels))
        self.update()

    def boundingRect(self) -> QRectF:
        if not self.labels:
            return QRectF()
        if self._dated:
            return QRectF(self._extent)
        view = self.getViewBox()
        return QRectF() if view is None else view.viewRect()

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange: object = None) -> None:
        return None  # never part of an auto-range

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self.labels:
            return
        transform = painter.transform()
        visible: QRectF | None = None
        left = 0.0
        if self._dated:
            # Only the strip being painted into the cache (the whole plot on a full repaint).
            visible = transform.mapRect(option.exposedRect)
        else:
            view = self.getViewBox()
            if view is None:
                return
            left = view.viewRange()[0][0]
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        for label, size in zip(self.labels, self._boxes, strict=True):
            anchor = transform.map(QPointF(left if label.x is None else label.x, label.y))
            box = QRectF(size)
            if label.below:
                box.moveTopLeft(anchor + QPointF(3, 1))
            else:
                box.moveBottomLeft(anchor + QPointF(3, -1))
            if visible is not None and not box.intersects(visible):
                continue
            painter.fillRect(box, self._fill)
            painter.setPen(label.colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label.text)
        painter.restore()


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
    band: Band


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


class ChartCurve(pg.PlotCurveItem):
    """A PlotCurveItem drawn into the device cache, which a pan step scrolls."""

    def __init__(self) -> None:
        super().__init__()
        self.setCacheMode(DEVICE_CACHE)


class ChartScatter(pg.ScatterPlotItem):
    """A ScatterPlotItem drawn into the device cache, which a pan step scrolls.

    pyqtgraph leaves out the points outside the view when it paints; in a scrolled cache such
    a point would never appear, so this scatter's "view" is everything (a few hundred points).
    """

    def __init__(self) -> None:
        super().__init__()
        self.setCacheMode(DEVICE_CACHE)

    def viewRect(self) -> QRectF:
        return QRectF(-1e300, -1e300, 2e300, 2e300)


@dataclass
class SeriesItems:
    """The items of one series: a connecting line and the markers (None: line only)."""

    series: ChartSeries
    curve: pg.PlotCurveItem
    scatter: pg.ScatterPlotItem | None
    xs: np.ndarray
    ys: np.ndarray


class ChartPlot:
    """One plot of the stack (a PlotWidget) and the items it owns."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        self.key = key
        self.widget = pg.PlotWidget(parent=parent)
        self.widget.setObjectName(f"chart_{key}")
        self.widget.setMinimumHeight(PLOT_MIN_HEIGHT_PX)
        self.widget.setAccessibleName(f"Chart: {key.replace('_', ' ')}")
        self.item: pg.PlotItem = self.widget.getPlotItem()
        self.item.hideButtons()
        _own_view_menu(self.widget)
        left = self.item.getAxis("left")
        left.setWidth(LEFT_AXIS_WIDTH_PX)
        # The y-axis and the title never change while panning, but Qt repaints them whenever a
        # dirty region of the view overlaps them: from the cache that is a copy of pixels.
        left.setCacheMode(DEVICE_CACHE)
        self.item.titleLabel.setCacheMode(DEVICE_CACHE)
        # One shared date axis below the stack (ChartStack.axis_widget) labels every plot: a
        # date axis per plot would redo its tick layout on every pan step. The hidden axes are
        # unlinked too: linked, each re-lays out its (HTML) label on every pan step.
        self.item.hideAxis("bottom")
        for name in ("bottom", "top", "right"):
            self.item.getAxis(name).unlinkFromView()
        view = self.item.getViewBox()
        view.enableAutoRange(enable=False)
        view.setMouseEnabled(x=True, y=False)
        self.data: PlotData | None = None
        self.series_items: dict[str, SeriesItems] = {}
        self.backdrop = PlotBackdrop()
        self.item.addItem(self.backdrop, ignoreBounds=True)
        self.spans: tuple[MedicationSpan, ...] = ()
        self.changes: tuple[DoseChange, ...] = ()
        self.labels = PlotLabels(dated=True)
        self.labels.setZValue(LABEL_Z)
        self.item.addItem(self.labels, ignoreBounds=True)
        self.edge_labels = PlotLabels(dated=False)
        self.edge_labels.setZValue(LABEL_Z)
        self.item.addItem(self.edge_labels, ignoreBounds=True)
        self.y_range: tuple[float, float] = (0.0, 1.0)

    @property
    def label_texts(self) -> list[str]:
        """Every label on the plot: dose changes first, then lines and zones."""
        return self.labels.texts + self.edge_labels.texts

    # --- data ---------------------------------------------------------------------------------

    def set_data(
        self, plot: PlotData, chart: ChartData, theme: ChartTheme, label_changes: bool
    ) -> None:
        """Show `plot` with the treatment of `chart` behind it, in `theme`'s colours."""
        self.data = plot
        self._style_axes(plot, theme)
        self.y_range = _y_range(plot)
        low, high = self.y_range
        view = self.item.getViewBox()
        view.setYRange(low, high, padding=0)
        first = chart.first_day or chart.today
        x_min = day_to_x(first - timedelta(days=366))
        x_max = day_to_x(chart.today + timedelta(days=366))
        view.setLimits(xMin=x_min, xMax=x_max, minXRange=7 * SECONDS_PER_DAY)
        # The y-range is fixed (only the date axis pans): the backdrop fills exactly this.
        extent = QRectF(x_min, low, x_max - x_min, high - low)
        self.spans = chart.spans
        self.changes = chart.changes
        bands, zone_labels = self._bands(plot.bands, theme, low, high)
        lines, line_labels = self._lines(plot.lines, plot, theme)
        # Medication periods are lanes under the plots (TreatmentLanes), never tints behind the
        # points; a plot keeps only thin, light lines where a dose changed.
        self.backdrop.set_shapes(extent, (), bands, lines, self._markers(theme))
        change_labels = self._change_labels(theme, low, high) if label_changes else []
        self.labels.set_labels(change_labels, theme.label_fill, extent)
        self.edge_labels.set_labels(zone_labels + line_labels, theme.label_fill, extent)
        self._set_series(plot, theme)

    def _style_axes(self, plot: PlotData, theme: ChartTheme) -> None:
        self.widget.setBackground(theme.background)
        pen = pg.mkPen(theme.muted)
        axis = self.item.getAxis("left")
        axis.setPen(pen)
        axis.setTextPen(pg.mkPen(theme.foreground))
        title = f"{plot.title} ({plot.unit})" if plot.unit else plot.title
        target = next((band for band in plot.bands if band.kind == "target"), None)
        if target is not None:
            title += f" — {target.label}"
        colour = theme.foreground.name()
        html = f"<span style='color:{colour}'>{_escape(title)}</span>"
        legend = self.series_legend(plot, theme)
        if legend:
            # Above the plot, never over its points: each series with the symbol it is drawn in.
            entries = "&nbsp;&nbsp;".join(
                f"<span style='color:{entry_colour.name()}'>{symbol}</span>"
                f"<span style='color:{colour}'>&nbsp;{_escape(label)}</span>"
                for symbol, entry_colour, label in legend
            )
            html += f"<br><span style='font-size:8pt'>{entries}</span>"
        if plot.warning:
            html += f"<br><b style='color:{theme.warning.name()}'>{_escape(plot.warning)}</b>"
        self.item.setTitle(html, size="10pt")

    def _markers(self, theme: ChartTheme) -> list[DrawnMarker]:
        # Solid, not dashed: a dash pattern over the plot's full height costs a frame dearly.
        return [
            DrawnMarker(
                day_to_x(change.day), theme.medication_colour(change.colour, MARKER_ALPHA), change
            )
            for change in self.changes
        ]

    @staticmethod
    def series_legend(plot: PlotData, theme: ChartTheme) -> list[tuple[str, QColor, str]]:
        """(symbol character, colour, label) of each series, when the plot has more than one."""
        shown = [(index, series) for index, series in enumerate(plot.series) if series.points]
        if len(shown) < 2:
            return []
        entries = []
        for index, series in shown:
            if series.style == "symptom":
                symbol = SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)]
            else:
                symbol = CALCULATED_SYMBOL if series.style == "calculated" else MEASURED_SYMBOL
            entries.append((SYMBOL_CHARACTERS[symbol], theme.series_colour(index), series.label))
        return entries

    def _change_labels(self, theme: ChartTheme, low: float, high: float) -> list[PlotLabel]:
        size = high - low
        return [
            # Staggered heights keep labels of close changes from covering each other.
            PlotLabel(
                day_to_x(change.day),
                low + size * LABEL_POSITIONS[position % len(LABEL_POSITIONS)],
                f"{change.name} {change.label}",
                theme.foreground,
            )
            for position, change in enumerate(self.changes)
        ]

    def _bands(
        self, bands: Sequence[Band], theme: ChartTheme, low: float, high: float
    ) -> tuple[list[DrawnBand], list[PlotLabel]]:
        drawn: list[DrawnBand] = []
        labels: list[PlotLabel] = []
        for band in bands:
            bottom = max(band.low, low) if band.low is not None else low
            top = min(band.high, high) if band.high is not None else high
            if band.kind == "target":
                colour = theme.band
            elif band.high is not None and band.low is None:
                colour = theme.osteoporosis
            else:
                colour = theme.osteopenia
            edge = QColor(colour)
            edge.setAlpha(BAND_EDGE_ALPHA)
            drawn.append(DrawnBand(bottom, top, QColor(colour), edge, band))
            if band.kind == "zone":
                # Zone labels hang below the zone's upper edge, inside the zone.
                labels.append(PlotLabel(None, top, band.label, theme.foreground))
        return drawn, labels

    def _lines(
        self, lines: Sequence[ReferenceLine], plot: PlotData, theme: ChartTheme
    ) -> tuple[list[DrawnLine], list[PlotLabel]]:
        series_keys = [series.key for series in plot.series]
        drawn: list[DrawnLine] = []
        labels: list[PlotLabel] = []
        for line in lines:
            if len(series_keys) > 1 and line.series_key in series_keys:
                colour = theme.series_colour(series_keys.index(line.series_key))
            elif line.kind == "action":
                colour = QColor(theme.warning)
            else:
                colour = QColor(theme.foreground)
            drawn.append(DrawnLine(line.value, colour, line))
            labels.append(PlotLabel(None, line.value, line.label, colour, below=False))
        return drawn, labels

    def _set_series(self, plot: PlotData, theme: ChartTheme) -> None:
        wanted = {series.key for series in plot.series if series.points}
        for key in [key for key in self.series_items if key not in wanted]:
            stale = self.series_items.pop(key)
            self.item.removeItem(stale.curve)
            if stale.scatter is not None:
                self.item.removeItem(stale.scatter)
        for index, series in enumerate(plot.series):
            if not series.points:
                continue
            colour = theme.series_colour(index)
            if series.style == "symptom":
                items = self._symptom_items(series, index, colour)
            else:
                items = self._lab_items(series, colour, theme)
            self.series_items[series.key] = items

    def _add_curve(self) -> pg.PlotCurveItem:
        curve = ChartCurve()
        curve.setZValue(0)
        self.item.addItem(curve, ignoreBounds=True)
        return curve

    def _add_scatter(self) -> ChartScatter:
        scatter = ChartScatter()
        scatter.setZValue(1)
        self.item.addItem(scatter, ignoreBounds=True)
        return scatter

    def _lab_items(self, series: ChartSeries, colour: QColor, theme: ChartTheme) -> SeriesItems:
        xs = np.fromiter((day_to_x(p.day) for p in series.points), float, len(series.points))
        ys = np.fromiter((p.value for p in series.points), float, len(series.points))
        existing = self.series_items.get(series.key)
        curve = existing.curve if existing is not None else self._add_curve()
        scatter = existing.scatter if existing is not None else None
        if scatter is None:
            scatter = self._add_scatter()
        calculated = series.style == "calculated"
        curve.setData(xs, ys, pen=pg.mkPen(colour, width=1))
        base_symbol = CALCULATED_SYMBOL if calculated else MEASURED_SYMBOL
        symbols, brushes, pens, sizes = [], [], [], []
        fill = pg.mkBrush(colour)
        warning_fill = pg.mkBrush(theme.warning)
        hollow = pg.mkBrush(theme.background)
        outline = pg.mkPen(theme.background, width=1)
        for point in series.points:
            # A warning colour for a flag and for an estradiol state (§4), decided by the core.
            out = point.flag in ("low", "high") or point.estradiol_state is not None
            symbols.append(_symbol_for(point, base_symbol))
            if point.censored:
                # Open marker: the value is a detection limit, not a measurement.
                brushes.append(hollow)
                pens.append(pg.mkPen(theme.warning if out else colour, width=2))
            else:
                brushes.append(warning_fill if out else fill)
                pens.append(outline)
            sizes.append(
                OVER_SUPPRESSED_SIZE_PX if point.estradiol_state is not None else SYMBOL_SIZE_PX
            )
        scatter.setData(x=xs, y=ys, symbol=symbols, brush=brushes, pen=pens, size=sizes)
        # The legend sample shows the series' own symbol and colour.
        scatter.opts.update(symbol=base_symbol, brush=fill, pen=outline, size=SYMBOL_SIZE_PX)
        return SeriesItems(series, curve, scatter, xs, ys)

    def _symptom_items(self, series: ChartSeries, index: int, colour: QColor) -> SeriesItems:
        xs = np.fromiter((day_to_x(p.day) for p in series.points), float, len(series.points))
        ys = np.fromiter((p.value for p in series.points), float, len(series.points))
        existing = self.series_items.get(series.key)
        curve = existing.curve if existing is not None else self._add_curve()
        scatter = existing.scatter if existing is not None else None
        # Not clipped to the view nor downsampled per view: either would rebuild the curve on
        # every pan step and throw its cached pixels away. A few thousand points draw quickly
        # in the strips that scroll into view.
        curve.setData(xs, ys, pen=pg.mkPen(colour, width=1))
        if len(series.points) <= SYMPTOM_SYMBOL_LIMIT:
            if scatter is None:
                scatter = self._add_scatter()
            symbol = SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)]
            scatter.setData(
                x=xs, y=ys, symbol=symbol, size=6, brush=pg.mkBrush(colour), pen=pg.mkPen(None)
            )
        elif scatter is not None:
            self.item.removeItem(scatter)
            scatter = None
        return SeriesItems(series, curve, scatter, xs, ys)

    # --- hit testing ---------------------------------------------------------------------------

    def point_near(
        self, scene_pos: QPointF, radius_px: float = HIT_RADIUS_PX
    ) -> tuple[ChartSeries, ChartPoint] | None:
        """The point drawn within `radius_px` of a scene position, nearest first."""
        view = self.item.getViewBox()
        if not view.sceneBoundingRect().contains(scene_pos):
            return None
        where = view.mapSceneToView(scene_pos)
        pixel = view.viewPixelSize()
        if pixel[0] == 0 or pixel[1] == 0:
            return None
        best: tuple[float, ChartSeries, int] | None = None
        for items in self.series_items.values():
            if len(items.xs) == 0:
                continue
            dx = (items.xs - where.x()) / pixel[0]
            dy = (items.ys - where.y()) / pixel[1]
            distances = np.hypot(dx, dy)
            index = int(np.argmin(distances))
            if distances[index] <= radius_px and (best is None or distances[index] < best[0]):
                best = (float(distances[index]), items.series, index)
        if best is None:
            return None
        return best[1], best[1].points[best[2]]

    def scene_pos_of(self, series_key: str, index: int) -> QPointF:
        """Where a point is drawn, in scene coordinates (for tests and the benchmark)."""
        items = self.series_items[series_key]
        view = self.item.getViewBox()
        return view.mapViewToScene(QPointF(items.xs[index], items.ys[index]))


def _symbol_for(point: ChartPoint, base: str) -> str:
    if point.flag == "low":
        return LOW_SYMBOL
    if point.flag == "high":
        return HIGH_SYMBOL
    return base


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _y_range(plot: PlotData) -> tuple[float, float]:
    """The fixed y-range of a plot: its values, lines and closed band edges, padded.

    The top keeps room for the labels of reference lines; an open-ended zone at the bottom
    (the DEXA osteoporosis band) keeps room for its label.
    """
    if plot.key == "symptoms":
        return -0.5, 10.5
    extent = plot.value_extent()
    if extent is None:
        return 0.0, 1.0
    low, high = extent
    size = high - low if high != low else abs(high) or 1.0
    bottom_pad = Y_PADDING_FRACTION
    top_pad = Y_LABEL_PADDING_FRACTION if plot.lines else Y_PADDING_FRACTION
    if any(band.kind == "zone" and band.low is None for band in plot.bands):
        bottom_pad = Y_LABEL_PADDING_FRACTION
    return low - size * bottom_pad, high + size * top_pad


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


class ChartStack(QWidget):
    """The vertical stack of plots with one linked date axis; plots are made when first shown.

    The stack links the date ranges itself rather than with pyqtgraph's setXLink: a pan step
    moves the plots on screen at once and leaves those scrolled out of sight stale until Qt
    next paints them, so a frame never pays for plots nobody sees.
    """

    point_hovered = Signal(str)  # the read-out of the point under the mouse ("" when none)
    point_clicked = Signal(object)  # the ChartPoint clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chart_stack")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._plots: dict[str, ChartPlot] = {}
        self._order: list[str] = []
        self._shown: list[str] = []
        self._data: ChartData | None = None
        self._theme = ChartTheme.from_palette(self.palette())
        self._x_range: tuple[date, date] | None = None
        self._x_now: tuple[float, float] | None = None  # the linked range, in seconds
        self._stale: set[str] = set()  # shown plots off screen that missed range changes
        self._syncing = False
        self.tooltip_text = ""  # the tooltip shown at a point ("" when none)
        _make_room_for_caches()
        self.axis_widget = self._make_axis_widget()
        self.axis_widget.installEventFilter(self)

    def _make_axis_widget(self) -> pg.PlotWidget:
        """The one date axis, shown below the stack (the caller places it), linked to it."""
        widget = pg.PlotWidget(axisItems={"bottom": CalendarDateAxis("bottom")})
        widget.setObjectName("chart_date_axis")
        widget.setAccessibleName("Date axis")
        item = widget.getPlotItem()
        item.hideButtons()
        _own_view_menu(widget)
        left = item.getAxis("left")
        left.setWidth(LEFT_AXIS_WIDTH_PX)
        left.setStyle(showValues=False, tickLength=0)
        for name in ("top", "right"):
            item.getAxis(name).unlinkFromView()
        view = item.getViewBox()
        view.enableAutoRange(enable=False)
        view.setMouseEnabled(x=True, y=False)
        view.sigXRangeChanged.connect(self._x_range_moved)
        self.lanes = TreatmentLanes()
        item.addItem(self.lanes, ignoreBounds=True)
        self._set_lane_count(widget, 0)
        return widget

    @staticmethod
    def _set_lane_count(widget: pg.PlotWidget, count: int) -> None:
        """Room for `count` medication lanes above the date labels."""
        view = widget.getPlotItem().getViewBox()
        height = max(count * LANE_HEIGHT_PX, 1)
        view.setMinimumHeight(height)
        view.setMaximumHeight(height)
        view.setYRange(0, max(count, 1), padding=0)
        widget.setFixedHeight(AXIS_HEIGHT_PX + height + (4 if count else 0))

    @property
    def theme(self) -> ChartTheme:
        return self._theme

    @property
    def shown_keys(self) -> tuple[str, ...]:
        """The plots on screen, top to bottom."""
        return tuple(self._shown)

    @property
    def stale_keys(self) -> frozenset[str]:
        """Shown plots scrolled out of sight that will catch up with the range when painted."""
        return frozenset(self._stale)

    def plot(self, key: str) -> ChartPlot | None:
        """The plot `key` if it was ever shown (it keeps its items while hidden)."""
        return self._plots.get(key)

    def set_data(self, data: ChartData, shown: Sequence[str]) -> None:
        """Draw `data` on the plots `shown` (in stack order); other plots are hidden."""
        self._data = data
        order = [plot.key for plot in data.plots]
        self._shown = [key for key in order if key in set(shown)]
        # Setting each plot's range limits moves its range: not a pan, nothing to follow.
        self._syncing = True
        try:
            for position, key in enumerate(self._shown):
                plot = self._plots.get(key)
                if plot is None:
                    plot = self._create_plot(key)
                self._layout.insertWidget(position, plot.widget)
                # Dose changes are named in the lanes under the plots, not on a plot.
                plot.set_data(data.plot(key), data, self._theme, label_changes=False)
                plot.widget.setVisible(True)
        finally:
            self._syncing = False
        for key, plot in self._plots.items():
            if key not in self._shown:
                plot.widget.setVisible(False)
        self._style_axis_widget()
        lanes = treatment_lanes(data, self._theme)
        self.lanes.set_lanes(lanes, self._theme.foreground, self._theme.background)
        self._set_lane_count(self.axis_widget, len(lanes))
        self.axis_widget.setVisible(bool(self._shown))
        if self._x_range is not None:
            self.set_x_range(*self._x_range)
        else:
            self._resync()

    def _create_plot(self, key: str) -> ChartPlot:
        plot = ChartPlot(key, self)
        scene = plot.widget.scene()
        scene.sigMouseMoved.connect(lambda pos, plot=plot: self._hovered(plot, pos))
        scene.sigMouseClicked.connect(lambda event, plot=plot: self._clicked(plot, event))
        # Before Qt paints a plot that was out of sight, it catches up with the date range.
        scene.sigPrepareForPaint.connect(lambda plot=plot: self._catch_up(plot))
        plot.item.getViewBox().sigXRangeChanged.connect(self._x_range_moved)
        plot.widget.viewport().installEventFilter(self)
        plot.widget.viewport().setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self._plots[key] = plot
        return plot

    def _views(self) -> list[tuple[pg.ViewBox, ChartPlot | None]]:
        """The linked views: every shown plot's, then the date axis' (always on screen)."""
        views: list[tuple[pg.ViewBox, ChartPlot | None]] = [
            (self._plots[key].item.getViewBox(), self._plots[key]) for key in self._shown
        ]
        views.append((self.axis_widget.getPlotItem().getViewBox(), None))
        return views

    def _x_range_moved(self, source: pg.ViewBox, _range: object = None) -> None:
        """One view panned or zoomed: the views on screen follow now, the others when painted."""
        if self._syncing or not self._shown:
            return
        views = self._views()
        if all(view is not source for view, _plot in views):
            return  # a hidden plot's view
        low, high = source.viewRange()[0]
        self._x_now = (float(low), float(high))
        self._syncing = True
        try:
            for view, plot in views:
                if plot is not None and not _on_screen(plot.widget):
                    self._stale.add(plot.key)
                    continue
                if view is not source:
                    view.setXRange(low, high, padding=0)
                self._stale.discard(plot.key if plot is not None else "")
                # The new transform now, not when Qt paints: applied during the paint it
                # marks every item dirty again and each plot is painted twice per frame.
                view.updateMatrix()
        finally:
            self._syncing = False

    def _catch_up(self, plot: ChartPlot) -> None:
        if plot.key not in self._stale or self._x_now is None:
            return
        self._stale.discard(plot.key)
        view = plot.item.getViewBox()
        self._syncing = True
        try:
            view.setXRange(*self._x_now, padding=0)
            view.updateMatrix()
        finally:
            self._syncing = False

    def set_x_range(self, start: date, end: date) -> None:
        """Show the days from `start` to `end` on every plot (the axis is linked)."""
        self._x_range = (start, end)
        if not self._shown:
            return
        master = self._plots[self._shown[0]].item.getViewBox()
        self._syncing = True
        try:
            master.setXRange(day_to_x(start), day_to_x(end), padding=0.02)
        finally:
            self._syncing = False
        low, high = master.viewRange()[0]
        self._x_now = (float(low), float(high))
        self._resync()

    def _resync(self) -> None:
        """Set the linked range on every view, on screen or not (a preset, new data, resize)."""
        if not self._shown:
            return
        if self._x_now is None:
            low, high = self._plots[self._shown[0]].item.getViewBox().viewRange()[0]
            self._x_now = (float(low), float(high))
        self._syncing = True
        try:
            for view, _plot in self._views():
                view.setXRange(*self._x_now, padding=0)
        finally:
            self._syncing = False
        self._stale.clear()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._resync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.axis_widget and event.type() == QEvent.Type.Resize:
            self._resync()
        if isinstance(event, QWheelEvent) and self._is_plot_viewport(watched):
            return self._wheel(event)
        if isinstance(event, QNativeGestureEvent) and self._is_plot_viewport(watched):
            return self._pinch(watched, event)
        if event.type() == QEvent.Type.Leave and self._is_plot_viewport(watched):
            self._hide_tooltip()
        return super().eventFilter(watched, event)

    def _is_plot_viewport(self, watched: QObject) -> bool:
        return any(plot.widget.viewport() is watched for plot in self._plots.values())

    def _wheel(self, event: QWheelEvent) -> bool:
        """The wheel scrolls the page, as everywhere; Ctrl+wheel zooms the dates (pyqtgraph)."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        area = self._scroll_area()
        if area is not None:
            bar = (
                area.horizontalScrollBar()
                if abs(event.angleDelta().x()) > abs(event.angleDelta().y())
                else area.verticalScrollBar()
            )
            QApplication.sendEvent(bar, event)
        return True

    def _pinch(self, watched: QObject, event: QNativeGestureEvent) -> bool:
        """A pinch on a touchpad zooms the dates around the fingers."""
        if event.gestureType() != Qt.NativeGestureType.ZoomNativeGesture:
            return False
        plot = next(p for p in self._plots.values() if p.widget.viewport() is watched)
        view = plot.item.getViewBox()
        factor = 1.0 - event.value()
        if factor <= 0:
            return True
        centre = view.mapSceneToView(plot.widget.mapToScene(event.position().toPoint()))
        view.scaleBy(x=factor, center=centre)
        return True

    def _scroll_area(self) -> QAbstractScrollArea | None:
        parent = self.parentWidget()
        while parent is not None:
            if isinstance(parent, QAbstractScrollArea):
                return parent
            parent = parent.parentWidget()
        return None

    def x_range(self) -> tuple[float, float] | None:
        """The linked date range (seconds), or None when nothing is shown."""
        if not self._shown:
            return None
        return self._x_now

    def _hovered(self, plot: ChartPlot, scene_pos: QPointF) -> None:
        hit = plot.point_near(scene_pos)
        if hit is None or self._data is None:
            self.point_hovered.emit("")
            self._hide_tooltip()
            return
        series, point = hit
        text = hover_text(self._data, series, point)
        target = next(
            (band for band in (plot.data.bands if plot.data else ()) if band.kind == "target"),
            None,
        )
        if target is not None:
            text += f" · {target.label}"
        # One tooltip, at the point itself; it goes as soon as the mouse leaves the point.
        index = list(series.points).index(point)
        where = plot.widget.mapFromScene(plot.scene_pos_of(series.key, index))
        viewport = plot.widget.viewport()
        QToolTip.showText(viewport.mapToGlobal(where) + QPoint(8, 8), text, viewport)
        self.tooltip_text = text
        self.point_hovered.emit(text)

    def _hide_tooltip(self) -> None:
        if self.tooltip_text:
            QToolTip.hideText()
            self.tooltip_text = ""

    def _clicked(self, plot: ChartPlot, event: object) -> None:
        button = event.button()  # type: ignore[attr-defined]
        if button != Qt.MouseButton.LeftButton:
            return
        hit = plot.point_near(event.scenePos())  # type: ignore[attr-defined]
        if hit is not None:
            self.point_clicked.emit(hit[1])

    def _style_axis_widget(self) -> None:
        theme = self._theme
        self.axis_widget.setBackground(theme.background)
        item = self.axis_widget.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(theme.muted))
            axis.setTextPen(pg.mkPen(theme.foreground))
        item.getAxis("left").setPen(pg.mkPen(None))

    def restyle(self) -> None:
        """Re-read the palette (light/dark switch) and redraw with its colours."""
        self._theme = ChartTheme.from_palette(self.palette())
        if self._data is not None:
            self.set_data(self._data, self._shown)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.restyle()
        super().changeEvent(event)


def _make_room_for_caches() -> None:
    """Raise QPixmapCache's limit so that the layers of the plots on screen all stay cached."""
    screen = QGuiApplication.primaryScreen()
    needed_kb = PIXMAP_CACHE_FLOOR_KB
    if screen is not None:
        size = screen.size() * screen.devicePixelRatio()
        needed_kb = max(needed_kb, size.width() * size.height() * 4 * CACHED_SCREENS // 1024)
    if QPixmapCache.cacheLimit() < needed_kb:
        QPixmapCache.setCacheLimit(needed_kb)


def _own_view_menu(widget: pg.PlotWidget) -> None:
    """Make the view's context menu a child of `widget`: pyqtgraph makes it without a parent,
    so it would outlive the plot as a top-level window of its own."""
    menu = widget.getPlotItem().getViewBox().menu
    if menu is not None:
        menu.setParent(widget, menu.windowFlags())


def _on_screen(widget: pg.PlotWidget) -> bool:
    """Whether any of a plot can be seen (not scrolled out of its scroll area, not hidden)."""
    # The viewport's region: the view's own excludes the viewport, a child that covers it.
    return widget.isVisible() and not widget.viewport().visibleRegion().isEmpty()
