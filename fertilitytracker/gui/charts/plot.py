"""One plot of the stack: a PlotWidget and the items it owns, updated in place."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem, QWidget

from fertilitytracker.gui.charts.axis import SECONDS_PER_DAY, day_to_x
from fertilitytracker.gui.charts.items import (
    DEVICE_CACHE,
    ChartCurve,
    ChartScatter,
    DrawnBand,
    DrawnLine,
    DrawnMarker,
    PlotBackdrop,
)
from fertilitytracker.gui.charts.labels import EdgeLabels, PlotLabel, PlotLabels
from fertilitytracker.gui.charts.theme import BAND_EDGE_ALPHA, SERIES_SYMBOLS, ChartTheme
from fertilitytracker.services.chart_data import (
    ChartData,
    ChartPoint,
    ChartSeries,
    DoseChange,
    MedicationSpan,
    PlotData,
    ReferenceLine,
    ShadedBand,
)

PLOT_MIN_HEIGHT_PX = 190
LEFT_AXIS_WIDTH_PX = 64
HIT_RADIUS_PX = 10.0
SYMBOL_SIZE_PX = 9
OVER_SUPPRESSED_SIZE_PX = 15
Y_PADDING_FRACTION = 0.1
Y_LABEL_PADDING_FRACTION = 0.25
LABEL_Z = 5
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
MARKER_ALPHA = 110  # dose-change lines across a plot: thin and light, never hiding a point
MEASURED_SYMBOL = "o"
CALCULATED_SYMBOL = "d"


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
        own_view_menu(self.widget)
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
        pan_without_geometry_notes(view)
        self.data: PlotData | None = None
        self.series_items: dict[str, SeriesItems] = {}
        self.backdrop = PlotBackdrop()
        self.item.addItem(self.backdrop, ignoreBounds=True)
        self.spans: tuple[MedicationSpan, ...] = ()
        self.changes: tuple[DoseChange, ...] = ()
        self.labels = PlotLabels()
        self.labels.setZValue(LABEL_Z)
        self.item.addItem(self.labels, ignoreBounds=True)
        # Above the panned group of items, as the dated labels are above the other items in it.
        self.edge_labels = EdgeLabels(view)
        self.edge_labels.setZValue(LABEL_Z)
        self.y_range: tuple[float, float] = (0.0, 1.0)
        self._scale: tuple[float, float] = (0.0, 0.0)  # of the view when the bounds were taken
        view.sigTransformChanged.connect(self.view_transformed)

    @property
    def label_texts(self) -> list[str]:
        """Every label on the plot: dose changes first, then lines and zones."""
        return self.labels.texts + self.edge_labels.texts

    def view_transformed(self) -> None:
        """Have the series re-measure their bounds, and the backdrop choose its caching, when
        the view's scale changed (a resize, a zoom): once per plot, where pyqtgraph would ask
        every item on every pan step."""
        transform = self.item.getViewBox().childGroup.sceneTransform()
        scale = (transform.m11(), transform.m22())
        # A pan step moves the range's ends by the same amount; the width, and so the scale,
        # can still differ in its last bits, which changes no pixel.
        if all(
            math.isclose(new, old, rel_tol=1e-9)
            for new, old in zip(scale, self._scale, strict=True)
        ):
            return
        self._scale = scale
        self._fit_backdrop_cache()
        for items in self.series_items.values():
            items.curve.viewTransformChanged()
            if items.scatter is not None:
                items.scatter.viewTransformChanged()

    def _fit_backdrop_cache(self) -> None:
        self.backdrop.fit_cache(self._scale[0], self.widget.viewport().width())

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
        x_min, x_max = set_x_limits(view, chart)
        # The y-range is fixed (only the date axis pans): the backdrop fills exactly this.
        extent = QRectF(x_min, low, x_max - x_min, high - low)
        self.spans = chart.spans
        self.changes = chart.changes
        bands, zone_labels = self._bands(plot.bands, theme, low, high)
        lines, line_labels = self._lines(plot.lines, plot, theme)
        # Medication periods are lanes under the plots (TreatmentLanes), never tints behind the
        # points; a plot keeps only thin, light lines where a dose changed.
        self.backdrop.set_shapes(extent, (), bands, lines, self._markers(theme))
        self._fit_backdrop_cache()
        change_labels = self._change_labels(theme, low, high) if label_changes else []
        self.labels.set_labels(change_labels, theme.label_fill, extent)
        self.edge_labels.set_labels(zone_labels + line_labels, theme.label_fill)
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
        self, bands: Sequence[ShadedBand], theme: ChartTheme, low: float, high: float
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

    def _coordinates_and_items(
        self, series: ChartSeries
    ) -> tuple[np.ndarray, np.ndarray, pg.PlotCurveItem, ChartScatter | None]:
        """The series' points as x and y arrays, and the items it was drawn with before (its
        curve made now if it is new; its scatter None if it had none)."""
        xs = np.fromiter((day_to_x(p.day) for p in series.points), float, len(series.points))
        ys = np.fromiter((p.value for p in series.points), float, len(series.points))
        existing = self.series_items.get(series.key)
        if existing is None:
            return xs, ys, self._add_curve(), None
        return xs, ys, existing.curve, existing.scatter

    def _lab_items(self, series: ChartSeries, colour: QColor, theme: ChartTheme) -> SeriesItems:
        xs, ys, curve, scatter = self._coordinates_and_items(series)
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
        xs, ys, curve, scatter = self._coordinates_and_items(series)
        # Not clipped to the view nor downsampled per view: either would rebuild the curve's
        # path on every pan step. A path of a few thousand points draws quickly.
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
        where: QPointF = view.mapViewToScene(QPointF(items.xs[index], items.ys[index]))
        return where


def own_view_menu(widget: pg.PlotWidget) -> None:
    """Make the view's context menu a child of `widget`: pyqtgraph makes it without a parent,
    so it would outlive the plot as a top-level window of its own."""
    menu = widget.getPlotItem().getViewBox().menu
    if menu is not None:
        menu.setParent(widget, menu.windowFlags())


def pan_without_geometry_notes(view: pg.ViewBox) -> None:
    """Stop Qt from calling the panned group's Python itemChange twice per pan step for its
    transform (pyqtgraph makes nothing of the transform notes: the group is exempt from
    telling the view); notes of items added or removed are not geometry notes and still come."""
    view.childGroup.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges, False)


def set_x_limits(view: pg.ViewBox, chart: ChartData) -> tuple[float, float]:
    """How far `view` pans and zooms: a year either side of the records, a week at least."""
    first = chart.first_day or chart.today
    x_min = day_to_x(first - timedelta(days=366))
    x_max = day_to_x(chart.today + timedelta(days=366))
    view.setLimits(xMin=x_min, xMax=x_max, minXRange=7 * SECONDS_PER_DAY)
    return x_min, x_max


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
