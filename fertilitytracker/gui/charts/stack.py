"""The stack of plots on one linked date axis; each plot is built when it comes into sight."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QNativeGestureEvent,
    QPaintEvent,
    QPixmapCache,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from fertilitytracker.gui.charts.axis import day_to_x
from fertilitytracker.gui.charts.date_axis import DateAxisWidget
from fertilitytracker.gui.charts.plot import PLOT_MIN_HEIGHT_PX, ChartPlot, set_x_limits
from fertilitytracker.gui.charts.theme import ChartTheme
from fertilitytracker.services.chart_data import ChartData, hover_text

# Qt keeps the device caches in QPixmapCache (10 MB by default): the plots of one screen hold
# a layer per item as large as the plot, and an evicted layer is redrawn whole on the next pan
# step. Room for this many screenfuls of layers, and never less than the floor.
CACHED_SCREENS = 8
PIXMAP_CACHE_FLOOR_KB = 64 * 1024


class PlotSlot(QWidget):
    """The room of a plot that is not built yet; painted means in sight, so it asks for it."""

    in_sight = Signal()

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        # The room a plot takes (its minimum height, expanding as it does), so that the page
        # keeps its height and the scroll bar its range when the plot comes.
        self.setMinimumHeight(PLOT_MIN_HEIGHT_PX)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def paintEvent(self, event: QPaintEvent) -> None:
        # A safety net: the stack builds what it sees before Qt paints (scroll, resize, show).
        self.in_sight.emit()


class ChartStack(QWidget):
    """The vertical stack of plots with one linked date axis; plots are made when first in sight.

    Building a plot (its PlotWidget, items and series) is most of the cost of a first visit, so
    a shown plot out of sight is a `PlotSlot` of the same size until it is scrolled to. The
    stack links the date ranges itself rather than with pyqtgraph's setXLink: a pan step
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
        self._slots: dict[str, PlotSlot] = {}  # shown plots not built yet
        self._build_pending = False
        self._building = False  # building re-enters through layout events: once at a time
        self._shown: list[str] = []
        self._data: ChartData | None = None
        self._theme = ChartTheme.from_palette(self.palette())
        self._x_range: tuple[date, date] | None = None
        self._x_now: tuple[float, float] | None = None  # the linked range, in seconds
        self._stale: set[str] = set()  # shown plots off screen that missed range changes
        self._syncing = False
        self.tooltip_text = ""  # the tooltip shown at a point ("" when none)
        _make_room_for_caches()
        self.axis_widget = DateAxisWidget()
        self.axis_widget.date_view().sigXRangeChanged.connect(self._x_range_moved)
        self.axis_widget.installEventFilter(self)
        self.lanes = self.axis_widget.lanes

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

    @property
    def built_keys(self) -> frozenset[str]:
        """The plots built so far (in sight once, or asked for)."""
        return frozenset(self._plots)

    def plot(self, key: str) -> ChartPlot | None:
        """The plot `key` if it was ever shown (built now if shown and not built yet)."""
        if key in self._slots and key in self._shown:
            self._build(key)
        return self._plots.get(key)

    def build_ahead(self, height: int) -> bool:
        """Build the next shown plot not built yet among those starting within `height` px of
        the top (of a page scrolled to its top, before it is shown); whether one was built."""
        top = 0
        for key in self._shown:
            if top >= height:
                break
            if key in self._slots:
                self._build(key)
                return True
            top += PLOT_MIN_HEIGHT_PX + self._layout.spacing()
        return False

    def build_all(self) -> None:
        """Build every shown plot now, in sight or not (an export of the whole page)."""
        for key in list(self._shown):
            if key in self._slots:
                self._build(key)

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
                    slot = self._slots.get(key)
                    if slot is None:
                        slot = self._slots[key] = PlotSlot(key, self)
                        slot.in_sight.connect(self._build_later)
                    self._layout.insertWidget(position, slot)
                    slot.setVisible(True)
                    continue
                self._layout.insertWidget(position, plot.widget)
                # Dose changes are named in the lanes under the plots, not on a plot.
                plot.set_data(data.plot(key), data, self._theme, label_changes=False)
                plot.widget.setVisible(True)
        finally:
            self._syncing = False
        hidden = [plot.widget for key, plot in self._plots.items() if key not in self._shown]
        hidden += [slot for key, slot in self._slots.items() if key not in self._shown]
        for widget in hidden:
            widget.setVisible(False)
        # The same limits as every plot's, so that a range set on the axis is what they show.
        self._syncing = True
        try:
            set_x_limits(self._master_view(), data)
        finally:
            self._syncing = False
        self.axis_widget.show_treatment(data, self._theme)
        self.axis_widget.setVisible(bool(self._shown))
        if self._x_range is not None:
            self.set_x_range(*self._x_range)
        else:
            self._resync()
        self._build_in_sight()

    # --- building as plots come into sight ----------------------------------------------------

    def _build(self, key: str) -> ChartPlot:
        """Put the plot in its slot's place, with the data and date range the stack shows."""
        slot = self._slots.pop(key)
        plot = self._create_plot(key)
        self._layout.replaceWidget(slot, plot.widget)
        plot.widget.setGeometry(slot.geometry())  # in place at once, not at the next layout
        slot.hide()
        slot.deleteLater()
        if self._data is not None:
            self._syncing = True
            try:
                plot.set_data(self._data.plot(key), self._data, self._theme, label_changes=False)
                if self._x_now is not None:
                    plot.item.getViewBox().setXRange(*self._x_now, padding=0)
            finally:
                self._syncing = False
        plot.widget.setVisible(True)
        return plot

    def _build_in_sight(self) -> None:
        """Build the shown plots whose room can be seen in the scroll area (all without one)."""
        self._build_pending = False
        waiting = [key for key in self._shown if key in self._slots]
        if self._building or not waiting or not self.isVisible():
            return
        area = self._scroll_area()
        if area is None:
            self.build_all()
            return
        if self.height() < self._layout.sizeHint().height():
            return  # squeezed while the scroll area lays the page out: wait for its last size
        viewport = area.viewport()
        sight = viewport.rect()
        # Where the slots are now, before a plot built moves anything (building re-enters here).
        seen = [
            key
            for key in waiting
            if self._slots[key].testAttribute(Qt.WidgetAttribute.WA_Resized)
            and QRect(
                self._slots[key].mapTo(viewport, QPoint(0, 0)), self._slots[key].size()
            ).intersects(sight)
        ]
        self._building = True
        try:
            for key in seen:
                self._build(key)
        finally:
            self._building = False

    def _build_later(self) -> None:
        # Asked from a paint: the layout may not change inside it.
        if not self._build_pending:
            self._build_pending = True
            QTimer.singleShot(0, self._build_in_sight)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        area = self._scroll_area()
        if area is not None:
            bar = area.verticalScrollBar()
            # Connected once: the scroll area holds the stack for its whole life.
            bar.valueChanged.connect(self._scrolled, Qt.ConnectionType.UniqueConnection)
        self._build_later()  # once the page is laid out in the scroll area

    def _scrolled(self, _value: int) -> None:
        self._build_in_sight()

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
            (self._plots[key].item.getViewBox(), self._plots[key])
            for key in self._shown
            if key in self._plots
        ]
        views.append((self._master_view(), None))
        return views

    def _master_view(self) -> pg.ViewBox:
        """The view the linked range is set on first: the date axis, always built and shown."""
        return self.axis_widget.date_view()

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
        master = self._master_view()
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
            low, high = self._master_view().viewRange()[0]
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
        self._build_in_sight()  # the layout has placed the slots: what can be seen is known

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


def _on_screen(widget: pg.PlotWidget) -> bool:
    """Whether any of a plot can be seen (not scrolled out of its scroll area, not hidden)."""
    # The viewport's region: the view's own excludes the viewport, a child that covers it.
    return widget.isVisible() and not widget.viewport().visibleRegion().isEmpty()
