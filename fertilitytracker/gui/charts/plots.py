"""Draws `services.chart_data` with pyqtgraph: one plot per analyte, on one linked date axis.

Items are created once per plot and updated with `setData`/`setRegion`/`setValue` on every
refresh; only the number of regimens, changes or symptom names can add or remove items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from fertilitytracker.gui.charts.theme import REGIMEN_ALPHA, SERIES_SYMBOLS, ChartTheme
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
OPEN_END_SPAN = 1e6  # open band ends reach this far beyond the data, well off the fixed y-range
MARKER_ALPHA = 200
SPAN_Z = -30
BAND_Z = -20
LINE_Z = -10
MARKER_Z = -5
LABEL_Z = 5
LABEL_POSITIONS = (0.98, 0.87, 0.76)  # heights of dose-change labels, as a fraction of the plot
SYMPTOM_SYMBOL_LIMIT = 400  # beyond this many points a symptom series is drawn as a line only

# Flag shapes: the flag reads from the shape, not only from the colour.
LOW_SYMBOL = "t"  # triangle pointing down
HIGH_SYMBOL = "t1"  # triangle pointing up
MEASURED_SYMBOL = "o"
CALCULATED_SYMBOL = "d"


def day_to_x(day: date) -> float:
    """A date as the x coordinate of the date axis (seconds since 1970, UTC midnight)."""
    return float((day.toordinal() - _EPOCH_ORDINAL) * SECONDS_PER_DAY)


def x_to_day(x: float) -> date:
    """The calendar day an x coordinate falls on."""
    return date.fromordinal(int(x // SECONDS_PER_DAY) + _EPOCH_ORDINAL)


# Date tick steps, finest first: (unit, count, approximate length in days).
_TICK_STEPS: tuple[tuple[str, int, float], ...] = (
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
MAJOR_TICK_MIN_PX = 90
MINOR_TICK_MIN_PX = 14
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _tick_days(unit: str, count: int, first: date, last: date) -> list[date]:
    """Calendar-aligned days from `first` to `last`: every `count` days, months or years."""
    days: list[date] = []
    if unit == "day":
        ordinal = first.toordinal()
        ordinal += (-ordinal) % count
        while ordinal <= last.toordinal():
            days.append(date.fromordinal(ordinal))
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
            days.append(day)
            month_index += count
    else:
        year = first.year + (0 if (first.month, first.day) == (1, 1) else 1)
        year += (-year) % count
        while year <= last.year:
            days.append(date(year, 1, 1))
            year += count
    return days


class CalendarDateAxis(pg.AxisItem):
    """A date axis with calendar-aligned ticks (days, months, years), cheap to recompute.

    pyqtgraph's DateAxisItem works out local-time offsets for every candidate tick on every
    pan step; charts hold calendar days at UTC midnight, so plain date arithmetic suffices and
    keeps a panning frame short.
    """

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self._major: tuple[str, int] = ("month", 1)
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
        for value in values:
            day = x_to_day(value)
            if unit == "year":
                labels.append(str(day.year))
            elif unit == "month":
                month = _MONTH_NAMES[day.month - 1]
                labels.append(
                    f"{month} {day.year}" if day.month == 1 or self._major[1] > 1 else month
                )
            else:
                labels.append(f"{day.day} {_MONTH_NAMES[day.month - 1]}")
        return labels


@dataclass(frozen=True)
class PlotLabel:
    """A text on a plot: at x (None: the left edge of the view), hanging below or above y."""

    x: float | None
    y: float
    text: str
    colour: QColor
    below: bool = True


class PlotLabels(pg.GraphicsObject):
    """Every label of a plot (dose changes, reference lines, zones) as one item.

    A TextItem or InfLineLabel per label re-places itself on every pan step; this item maps
    the anchors when it paints, so a frame costs only the labels on screen.
    """

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[PlotLabel] = []
        self._font = QFont()
        self._font.setPointSizeF(8)
        self._fill = QColor("white")

    @property
    def texts(self) -> list[str]:
        """The label texts, in drawing order (for tests and accessibility)."""
        return [label.text for label in self.labels]

    def set_labels(self, labels: Sequence[PlotLabel], fill: QColor) -> None:
        self.prepareGeometryChange()
        self.labels = list(labels)
        self._fill = QColor(fill)
        self.update()

    def boundingRect(self) -> QRectF:
        view = self.getViewBox()
        if view is None or not self.labels:
            return QRectF()
        return view.viewRect()

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange: object = None) -> None:
        return None  # never part of an auto-range

    def paint(self, painter: QPainter, *args: object) -> None:
        view = self.getViewBox()
        if view is None or not self.labels:
            return
        low, high = view.viewRange()[0]
        transform = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        metrics = QFontMetricsF(self._font)
        for label in self.labels:
            x = low if label.x is None else label.x
            if not low <= x <= high:
                continue
            anchor = transform.map(QPointF(x, label.y))
            box = metrics.boundingRect(label.text).adjusted(-3, -1, 3, 1)
            if label.below:
                box.moveTopLeft(anchor + QPointF(3, 1))
            else:
                box.moveBottomLeft(anchor + QPointF(3, -1))
            painter.fillRect(box, self._fill)
            painter.setPen(label.colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label.text)
        painter.restore()


@dataclass
class SeriesItems:
    """The items of one series: a connecting line and the markers."""

    series: ChartSeries
    curve: pg.PlotDataItem
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
        self.item.getAxis("left").setWidth(LEFT_AXIS_WIDTH_PX)
        # One shared date axis below the stack (ChartStack.axis_widget) labels every plot: a
        # date axis per plot would redo its tick layout on every pan step.
        self.item.hideAxis("bottom")
        view = self.item.getViewBox()
        view.enableAutoRange(enable=False)
        view.setMouseEnabled(x=True, y=False)
        self.data: PlotData | None = None
        self.series_items: dict[str, SeriesItems] = {}
        self.band_items: list[pg.LinearRegionItem] = []
        self.line_items: list[pg.InfiniteLine] = []
        # Spans and markers are one item per plot (per regimen for markers), not one per span
        # or change: with 15 plots and dozens of changes, per-change items dominate a frame.
        self.span_item = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], pen=pg.mkPen(None))
        self.span_item.setZValue(SPAN_Z)
        self.item.addItem(self.span_item, ignoreBounds=True)
        self.spans: tuple[MedicationSpan, ...] = ()
        self.marker_items: dict[int, pg.PlotCurveItem] = {}
        self.changes: tuple[DoseChange, ...] = ()
        self.labels = PlotLabels()
        self.labels.setZValue(LABEL_Z)
        self.item.addItem(self.labels, ignoreBounds=True)
        self.legend: pg.LegendItem | None = None
        self.y_range: tuple[float, float] = (0.0, 1.0)

    # --- data ---------------------------------------------------------------------------------

    def set_data(
        self, plot: PlotData, chart: ChartData, theme: ChartTheme, label_changes: bool
    ) -> None:
        """Show `plot` with the treatment of `chart` behind it, in `theme`'s colours."""
        self.data = plot
        self._style_axes(plot, theme)
        self.y_range = _y_range(plot)
        low, high = self.y_range
        self.item.getViewBox().setYRange(low, high, padding=0)
        labels: list[PlotLabel] = []
        self._set_spans(chart, theme, low, high)
        labels += self._set_changes(chart, theme, low, high, label_changes)
        labels += self._set_bands(plot.bands, theme, low, high)
        labels += self._set_lines(plot.lines, plot, theme)
        self.labels.set_labels(labels, theme.label_fill)
        self._set_series(plot, theme)
        first = chart.first_day or chart.today
        view = self.item.getViewBox()
        view.setLimits(
            xMin=day_to_x(first - timedelta(days=366)),
            xMax=day_to_x(chart.today + timedelta(days=366)),
            minXRange=7 * SECONDS_PER_DAY,
        )

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
        if plot.warning:
            html += f"<br><b style='color:{theme.warning.name()}'>{_escape(plot.warning)}</b>"
        self.item.setTitle(html, size="10pt")

    def _set_spans(self, chart: ChartData, theme: ChartTheme, low: float, high: float) -> None:
        self.spans = chart.spans
        brushes = [
            pg.mkBrush(theme.regimen_colour(span.regimen_index, REGIMEN_ALPHA))
            for span in self.spans
        ]
        # The y-range is fixed (only the date axis pans), so the spans cover it exactly.
        self.span_item.setOpts(
            x0=[day_to_x(span.start) for span in self.spans],
            x1=[day_to_x(span.end) for span in self.spans],
            y0=[low] * len(self.spans),
            y1=[high] * len(self.spans),
            brushes=brushes,
            pens=[pg.mkPen(None)] * len(self.spans),
        )
        self.span_item.setVisible(bool(self.spans))

    def _set_changes(
        self, chart: ChartData, theme: ChartTheme, low: float, high: float, label_changes: bool
    ) -> list[PlotLabel]:
        self.changes = chart.changes
        by_regimen: dict[int, list[float]] = {}
        for change in self.changes:
            by_regimen.setdefault(change.regimen_index, []).append(day_to_x(change.day))
        for index in [index for index in self.marker_items if index not in by_regimen]:
            self.item.removeItem(self.marker_items.pop(index))
        for index, xs in by_regimen.items():
            item = self.marker_items.get(index)
            if item is None:
                item = pg.PlotCurveItem()
                item.setZValue(MARKER_Z)
                self.item.addItem(item, ignoreBounds=True)
                self.marker_items[index] = item
            # Vertical segments from the bottom to the top of the fixed y-range, one per change.
            segment_xs = np.repeat(np.asarray(xs, float), 2)
            segment_ys = np.tile(np.asarray([low, high], float), len(xs))
            # Solid, not dashed: a dash pattern over the plot's full height costs a frame dearly.
            pen = pg.mkPen(theme.regimen_colour(index), width=1)
            item.setData(segment_xs, segment_ys, connect="pairs", pen=pen)
        if not label_changes:
            return []
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

    def _set_bands(
        self, bands: Sequence[Band], theme: ChartTheme, low: float, high: float
    ) -> list[PlotLabel]:
        reach = (high - low) * OPEN_END_SPAN
        _resize_pool(self.item, self.band_items, len(bands), _new_band)
        labels: list[PlotLabel] = []
        for item, band in zip(self.band_items, bands, strict=True):
            bottom = band.low if band.low is not None else low - reach
            top = band.high if band.high is not None else high + reach
            item.setRegion((bottom, top))
            if band.kind == "target":
                colour = theme.band
            elif band.high is not None and band.low is None:
                colour = theme.osteoporosis
            else:
                colour = theme.osteopenia
            item.setBrush(pg.mkBrush(colour))
            edge = QColor(colour)
            edge.setAlpha(110)
            for line in item.lines:
                line.setPen(pg.mkPen(edge, width=1))
            if band.kind == "zone":
                # Zone labels hang below the zone's upper edge, inside the zone.
                labels.append(PlotLabel(None, min(top, high), band.label, theme.foreground))
            item.chart_band = band
            item.setToolTip(f"{band.label}\n{band.source}")
        return labels

    def _set_lines(
        self, lines: Sequence[ReferenceLine], plot: PlotData, theme: ChartTheme
    ) -> list[PlotLabel]:
        _resize_pool(self.item, self.line_items, len(lines), _new_reference)
        series_keys = [series.key for series in plot.series]
        labels: list[PlotLabel] = []
        for item, line in zip(self.line_items, lines, strict=True):
            item.setValue(line.value)
            if len(series_keys) > 1 and line.series_key in series_keys:
                colour = theme.series_colour(series_keys.index(line.series_key))
            elif line.kind == "action":
                colour = QColor(theme.warning)
            else:
                colour = QColor(theme.foreground)
            item.setPen(pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine))
            labels.append(PlotLabel(None, line.value, line.label, colour, below=False))
            item.chart_line = line
            item.setToolTip(line.source)
        return labels

    def _set_series(self, plot: PlotData, theme: ChartTheme) -> None:
        wanted = {series.key for series in plot.series if series.points}
        for key in [key for key in self.series_items if key not in wanted]:
            stale = self.series_items.pop(key)
            self.item.removeItem(stale.curve)
            if stale.scatter is not None:
                self.item.removeItem(stale.scatter)
        multi = sum(1 for series in plot.series if series.points) > 1
        if multi and self.legend is None:
            self.legend = self.item.addLegend(offset=(-10, 4), labelTextSize="8pt")
        if self.legend is not None:
            self.legend.clear()
            self.legend.setVisible(multi)
            self.legend.setLabelTextColor(theme.foreground)
            background = QColor(theme.background)
            background.setAlpha(200)
            self.legend.setBrush(pg.mkBrush(background))
        for index, series in enumerate(plot.series):
            if not series.points:
                continue
            colour = theme.series_colour(index)
            if series.style == "symptom":
                items = self._symptom_items(series, index, colour)
            else:
                items = self._lab_items(series, colour, theme)
            self.series_items[series.key] = items
            if multi and self.legend is not None:
                self.legend.addItem(items.scatter or items.curve, series.label)

    def _lab_items(self, series: ChartSeries, colour: QColor, theme: ChartTheme) -> SeriesItems:
        xs = np.fromiter((day_to_x(p.day) for p in series.points), float, len(series.points))
        ys = np.fromiter((p.value for p in series.points), float, len(series.points))
        existing = self.series_items.get(series.key)
        if existing is None or existing.scatter is None:
            curve = pg.PlotDataItem()
            scatter = pg.ScatterPlotItem()
            curve.setZValue(0)
            scatter.setZValue(1)
            self.item.addItem(curve, ignoreBounds=True)
            self.item.addItem(scatter, ignoreBounds=True)
        else:
            curve, scatter = existing.curve, existing.scatter
        calculated = series.style == "calculated"
        style = Qt.PenStyle.SolidLine
        curve.setData(xs, ys, pen=pg.mkPen(colour, width=1, style=style))
        base_symbol = CALCULATED_SYMBOL if calculated else MEASURED_SYMBOL
        symbols, brushes, pens, sizes = [], [], [], []
        fill = pg.mkBrush(colour)
        warning_fill = pg.mkBrush(theme.warning)
        hollow = pg.mkBrush(theme.background)
        outline = pg.mkPen(theme.background, width=1)
        for point in series.points:
            out = point.flag in ("low", "high")
            symbols.append(_symbol_for(point, base_symbol))
            if point.censored:
                # Open marker: the value is a detection limit, not a measurement.
                brushes.append(hollow)
                pens.append(pg.mkPen(theme.warning if out else colour, width=2))
            else:
                brushes.append(warning_fill if out else fill)
                pens.append(outline)
            sizes.append(OVER_SUPPRESSED_SIZE_PX if point.over_suppressed else SYMBOL_SIZE_PX)
        scatter.setData(x=xs, y=ys, symbol=symbols, brush=brushes, pen=pens, size=sizes)
        # The legend sample shows the series' own symbol and colour.
        scatter.opts.update(symbol=base_symbol, brush=fill, pen=outline, size=SYMBOL_SIZE_PX)
        return SeriesItems(series, curve, scatter, xs, ys)

    def _symptom_items(self, series: ChartSeries, index: int, colour: QColor) -> SeriesItems:
        xs = np.fromiter((day_to_x(p.day) for p in series.points), float, len(series.points))
        ys = np.fromiter((p.value for p in series.points), float, len(series.points))
        existing = self.series_items.get(series.key)
        if existing is None:
            curve = pg.PlotDataItem()
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            self.item.addItem(curve, ignoreBounds=True)
        else:
            curve = existing.curve
        symbol = SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)]
        show_symbols = len(series.points) <= SYMPTOM_SYMBOL_LIMIT
        curve.setData(
            xs,
            ys,
            pen=pg.mkPen(colour, width=1),
            symbol=symbol if show_symbols else None,
            symbolSize=6,
            symbolBrush=pg.mkBrush(colour),
            symbolPen=None,
        )
        return SeriesItems(series, curve, None, xs, ys)

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


def _new_band() -> pg.LinearRegionItem:
    item = pg.LinearRegionItem(orientation="horizontal", movable=False)
    item.setZValue(BAND_Z)
    return item


def _new_reference() -> pg.InfiniteLine:
    item = pg.InfiniteLine(angle=0, movable=False)
    item.setZValue(LINE_Z)
    return item


def _resize_pool(plot: pg.PlotItem, pool: list, size: int, factory: type | object) -> None:
    """Grow or shrink a list of plot items to `size`, reusing what is there."""
    while len(pool) < size:
        item = factory()  # type: ignore[operator]
        plot.addItem(item, ignoreBounds=True)
        pool.append(item)
    while len(pool) > size:
        plot.removeItem(pool.pop())


class ChartStack(QWidget):
    """The vertical stack of plots with one linked date axis; plots are made when first shown."""

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
        self.axis_widget = self._make_axis_widget()
        self.axis_widget.installEventFilter(self)

    def _make_axis_widget(self) -> pg.PlotWidget:
        """The one date axis, shown below the stack (the caller places it), linked to it."""
        widget = pg.PlotWidget(axisItems={"bottom": CalendarDateAxis("bottom")})
        widget.setObjectName("chart_date_axis")
        widget.setAccessibleName("Date axis")
        item = widget.getPlotItem()
        item.hideButtons()
        left = item.getAxis("left")
        left.setWidth(LEFT_AXIS_WIDTH_PX)
        left.setStyle(showValues=False, tickLength=0)
        view = item.getViewBox()
        view.enableAutoRange(enable=False)
        view.setMouseEnabled(x=True, y=False)
        view.setMaximumHeight(1)
        widget.setFixedHeight(AXIS_HEIGHT_PX)
        return widget

    @property
    def theme(self) -> ChartTheme:
        return self._theme

    @property
    def shown_keys(self) -> tuple[str, ...]:
        """The plots on screen, top to bottom."""
        return tuple(self._shown)

    def plot(self, key: str) -> ChartPlot | None:
        """The plot `key` if it was ever shown (it keeps its items while hidden)."""
        return self._plots.get(key)

    def set_data(self, data: ChartData, shown: Sequence[str]) -> None:
        """Draw `data` on the plots `shown` (in stack order); other plots are hidden."""
        self._data = data
        order = [plot.key for plot in data.plots]
        self._shown = [key for key in order if key in set(shown)]
        for position, key in enumerate(self._shown):
            plot = self._plots.get(key)
            if plot is None:
                plot = self._create_plot(key)
            self._layout.insertWidget(position, plot.widget)
            plot.set_data(data.plot(key), data, self._theme, label_changes=position == 0)
            plot.widget.setVisible(True)
        for key, plot in self._plots.items():
            if key not in self._shown:
                plot.widget.setVisible(False)
        self._style_axis_widget()
        self._link()
        if self._x_range is not None:
            self.set_x_range(*self._x_range)

    def _create_plot(self, key: str) -> ChartPlot:
        plot = ChartPlot(key, self)
        scene = plot.widget.scene()
        scene.sigMouseMoved.connect(lambda pos, plot=plot: self._hovered(plot, pos))
        scene.sigMouseClicked.connect(lambda event, plot=plot: self._clicked(plot, event))
        self._plots[key] = plot
        return plot

    def _link(self) -> None:
        axis_item = self.axis_widget.getPlotItem()
        self.axis_widget.setVisible(bool(self._shown))
        if not self._shown:
            axis_item.setXLink(None)
            return
        master = self._plots[self._shown[0]].item
        master.setXLink(None)
        for key in self._shown[1:]:
            self._plots[key].item.setXLink(master)
        for key, plot in self._plots.items():
            if key not in self._shown:
                plot.item.setXLink(None)
        axis_item.setXLink(master)

    def set_x_range(self, start: date, end: date) -> None:
        """Show the days from `start` to `end` on every plot (the axis is linked)."""
        self._x_range = (start, end)
        if not self._shown:
            return
        master = self._plots[self._shown[0]].item.getViewBox()
        master.setXRange(day_to_x(start), day_to_x(end), padding=0.02)
        # Only the master is set: a follower set directly would push its range, computed
        # from a geometry that may not be laid out yet, back to the master.
        self._resync()

    def _resync(self) -> None:
        """Copy the top plot's date range to every linked view.

        Linked views line up through their screen geometry; before the first layout that
        geometry is empty and the followers pick nonsense ranges, so they are set again here.
        """
        if not self._shown:
            return
        master = self._plots[self._shown[0]].item.getViewBox()
        low, high = master.viewRange()[0]
        views = [self._plots[key].item.getViewBox() for key in self._shown[1:]]
        views.append(self.axis_widget.getPlotItem().getViewBox())
        # A follower tells its master about its new range; blocked, the master ignores it.
        master.blockLink(True)
        try:
            for view in views:
                view.setXRange(low, high, padding=0)
        finally:
            master.blockLink(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._resync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.axis_widget and event.type() == QEvent.Type.Resize:
            self._resync()
        return super().eventFilter(watched, event)

    def x_range(self) -> tuple[float, float] | None:
        """The x range of the top plot (seconds), or None when nothing is shown."""
        if not self._shown:
            return None
        low, high = self._plots[self._shown[0]].item.getViewBox().viewRange()[0]
        return float(low), float(high)

    def _hovered(self, plot: ChartPlot, scene_pos: QPointF) -> None:
        hit = plot.point_near(scene_pos)
        if hit is None or self._data is None:
            self.point_hovered.emit("")
            plot.widget.setToolTip("")
            return
        series, point = hit
        text = hover_text(self._data, series, point)
        plot.widget.setToolTip(text)
        self.point_hovered.emit(text)

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
