"""What the Charts screen keeps or redraws its own way from one pan step to the next follows
the data and looks the same: a result saved after panning is drawn, a zoom re-measures what
depends on the scale, the date axis draws what pyqtgraph's axis drew."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF, QSettings
from PySide6.QtWidgets import QWidget

from fertilitytracker.gui.charts import date_axis
from fertilitytracker.gui.charts.axis import (
    SECONDS_PER_DAY,
    CalendarDateAxis,
    day_to_x,
    x_to_day,
)
from fertilitytracker.gui.charts.items import ChartScatter
from fertilitytracker.gui.charts.plot import ChartPlot
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.charts import ChartsScreen
from fertilitytracker.services.date_ticks import TICK_STEPS, tick_days
from fertilitytracker.services.operations import ResultInput, record_draw

pytestmark = pytest.mark.gui

KEY = "total_testosterone"
DRAWN = ((date(2026, 1, 5), "450"), (date(2026, 2, 20), "500"), (date(2026, 4, 20), "520"))


@pytest.fixture
def screen(context: AppContext, show: Callable[..., QWidget], tmp_path) -> ChartsScreen:
    for day, value in DRAWN:
        results = [ResultInput(KEY, value, "ng/dL"), ResultInput("estradiol", "30", "pg/mL")]
        record_draw(context.journal, day, results, time(8, 0))
    settings = QSettings(str(tmp_path / "charts.ini"), QSettings.Format.IniFormat)
    return show(ChartsScreen(context, settings=settings), 1300, 900)


def _plot(screen: ChartsScreen, key: str = KEY) -> ChartPlot:
    plot = screen.stack.plot(key)
    assert plot is not None
    return plot


def _scatter(plot: ChartPlot) -> ChartScatter:
    scatter = plot.series_items[KEY].scatter
    assert isinstance(scatter, ChartScatter)
    return scatter


def _pan(plot: ChartPlot, days: float, steps: int) -> None:
    view = plot.item.getViewBox()
    for _ in range(steps):
        low, high = view.viewRange()[0]
        step = days / steps * SECONDS_PER_DAY
        view.setXRange(low + step, high + step, padding=0)
        plot.widget.viewport().grab()  # painted, as each frame of a drag is


def test_marker_bounds_hold_through_a_pan_and_follow_a_zoom(screen: ChartsScreen) -> None:
    plot = _plot(screen)
    scatter = _scatter(plot)
    before = QRectF(scatter.boundingRect())
    _pan(plot, -20, 4)
    assert scatter.boundingRect() == before
    view = plot.item.getViewBox()
    low, high = view.viewRange()[0]
    view.setXRange(low, low + (high - low) / 4, padding=0)
    zoomed = scatter.boundingRect()
    # The markers' few pixels of padding are fewer seconds wide once zoomed in.
    assert zoomed.width() < before.width()
    assert zoomed.left() > before.left()


def test_a_result_saved_after_panning_is_drawn(screen: ChartsScreen) -> None:
    plot = _plot(screen)
    _pan(plot, -10, 5)
    new_day = date(2026, 5, 20)
    context = screen._context
    context.notify(
        record_draw(context.journal, new_day, [ResultInput(KEY, "610", "ng/dL")], time(8, 0))
    )
    scatter = _scatter(plot)
    assert scatter.boundingRect().contains(QPointF(day_to_x(new_day), 610.0))
    image = plot.widget.viewport().grab().toImage()
    where = plot.widget.mapFromScene(plot.scene_pos_of(KEY, 3))
    assert image.rect().contains(where)
    assert image.pixelColor(where) == screen.stack.theme.series_colour(0)


def _label_points(plot: ChartPlot) -> list[QPointF]:
    """A scene point inside each left-edge label's box: just above a line's label's anchor (the
    view's left edge at its y), just below a zone's."""
    view = plot.item.getViewBox()
    left = view.viewRange()[0][0]
    points = []
    for label in plot.edge_labels.labels:
        anchor = view.mapViewToScene(QPointF(left, label.y))
        points.append(anchor + QPointF(6, 4 if label.below else -4))
    return points


def test_left_edge_labels_stay_put_through_a_pan_and_follow_a_resize(
    qtbot, screen: ChartsScreen
) -> None:
    plot = _plot(screen, "t_e_ratio")
    assert any("Pavlovich 2001" in text for text in plot.edge_labels.texts)
    labels = plot.edge_labels
    before = labels.sceneBoundingRect()
    assert all(before.contains(point) for point in _label_points(plot))
    _pan(plot, -20, 4)
    assert labels.sceneBoundingRect() == before  # not moved, so not painted again
    plot.widget.setMinimumHeight(plot.widget.height() + 120)
    qtbot.waitUntil(lambda: labels.sceneBoundingRect() != before)
    assert all(labels.sceneBoundingRect().contains(point) for point in _label_points(plot))


class PyqtgraphDrawnAxis(CalendarDateAxis):
    """The calendar axis as pyqtgraph's AxisItem draws it (the look the date axis keeps)."""

    paint = pg.AxisItem.paint


@pytest.mark.parametrize(
    ("first", "days"),
    [
        (date(2025, 10, 20), 140),  # months, the year at its first label and at January
        (date(2016, 1, 1), 3700),  # years
        (date(2026, 5, 1), 12),  # days
        (date(2025, 6, 1), 365),
        (date(2020, 2, 2), 800),  # quarters, months as minor ticks
    ],
)
def test_the_date_axis_draws_what_pyqtgraphs_axis_drew(
    show: Callable[..., QWidget], monkeypatch: pytest.MonkeyPatch, first: date, days: int
) -> None:
    drawn = show(date_axis.DateAxisWidget(), 1300, 80)
    monkeypatch.setattr(date_axis, "CalendarDateAxis", PyqtgraphDrawnAxis)
    reference = show(date_axis.DateAxisWidget(), 1300, 80)
    for shift_hours in (0, 7, 30):  # pan steps that move labels by fractions of a pixel
        low = day_to_x(first) + shift_hours * 3600
        for widget in (drawn, reference):
            widget.date_view().setXRange(low, low + days * SECONDS_PER_DAY, padding=0)
        assert drawn.grab().toImage() == reference.grab().toImage()


def test_the_date_axis_ticks_are_the_calendar_days_in_view_through_pans_and_zooms() -> None:
    axis = CalendarDateAxis("bottom")
    start = day_to_x(date(2024, 1, 1))
    for width_days in (365, 90, 3650, 12, 400):  # zoomed out and in between pans
        for step in range(-30, 30):
            low = start + step * width_days * 0.05 * SECONDS_PER_DAY
            high = low + width_days * SECONDS_PER_DAY
            for spacing, xs in axis.tickValues(low, high, 1250):
                unit, count = next(
                    (unit, count)
                    for unit, count, days in TICK_STEPS
                    if days * SECONDS_PER_DAY == spacing
                )
                days = tick_days(unit, count, x_to_day(low), x_to_day(high))
                assert xs == [day_to_x(day) for day in days]
