"""The one date axis under the stack of plots, with a lane per medication above its labels."""

from __future__ import annotations

import pyqtgraph as pg

from fertilitytracker.gui.charts.axis import CalendarDateAxis
from fertilitytracker.gui.charts.items import DEVICE_CACHE
from fertilitytracker.gui.charts.lanes import TreatmentLanes, treatment_lanes
from fertilitytracker.gui.charts.plot import (
    LEFT_AXIS_WIDTH_PX,
    own_view_menu,
    pan_without_geometry_notes,
)
from fertilitytracker.gui.charts.theme import ChartTheme
from fertilitytracker.services.chart_data import ChartData

AXIS_HEIGHT_PX = 40
LANE_HEIGHT_PX = 20  # one medication's lane under the plots: its name and dose above a bar


class DateAxisWidget(pg.PlotWidget):
    """The date axis every plot of the stack is linked to (the stack places and links it)."""

    def __init__(self) -> None:
        super().__init__(axisItems={"bottom": CalendarDateAxis("bottom")})
        self.setObjectName("chart_date_axis")
        self.setAccessibleName("Date axis")
        item = self.getPlotItem()
        item.hideButtons()
        own_view_menu(self)
        left = item.getAxis("left")
        left.setWidth(LEFT_AXIS_WIDTH_PX)
        left.setStyle(showValues=False, tickLength=0)
        # It only keeps the lanes in line with the plots, yet Qt repaints it on every pan step
        # (the panned view's dirty region touches it): from the cache that is a copy of pixels.
        left.setCacheMode(DEVICE_CACHE)
        for name in ("top", "right"):
            item.getAxis(name).unlinkFromView()
        view = item.getViewBox()
        view.enableAutoRange(enable=False)
        view.setMouseEnabled(x=True, y=False)
        pan_without_geometry_notes(view)
        self.lanes = TreatmentLanes()
        item.addItem(self.lanes, ignoreBounds=True)
        self._set_lane_count(0)

    def date_view(self) -> pg.ViewBox:
        """The view whose x range is the linked date range."""
        return self.getPlotItem().getViewBox()

    def show_treatment(self, data: ChartData, theme: ChartTheme) -> None:
        """The medication lanes of `data`, and the axis in `theme`'s colours."""
        self.setBackground(theme.background)
        item = self.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(theme.muted))
            axis.setTextPen(pg.mkPen(theme.foreground))
        item.getAxis("left").setPen(pg.mkPen(None))
        lanes = treatment_lanes(data, theme)
        self.lanes.set_lanes(lanes, theme.foreground, theme.background)
        self._set_lane_count(len(lanes))

    def _set_lane_count(self, count: int) -> None:
        """Room for `count` medication lanes above the date labels."""
        view = self.date_view()
        height = max(count * LANE_HEIGHT_PX, 1)
        view.setMinimumHeight(height)
        view.setMaximumHeight(height)
        view.setYRange(0, max(count, 1), padding=0)
        self.setFixedHeight(AXIS_HEIGHT_PX + height + (4 if count else 0))
