"""The Charts screen through its widgets: plotted items, units, plot choice, hover, export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip

from fertilitytracker.gui.charts.axis import SECONDS_PER_DAY, CalendarDateAxis, day_to_x, x_to_day
from fertilitytracker.gui.charts.date_axis import LANE_HEIGHT_PX
from fertilitytracker.gui.charts.plot import ChartPlot
from fertilitytracker.gui.charts.theme import OKABE_ITO
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.navigation import Navigation, NewDraw
from fertilitytracker.gui.screens.charts import EMPTY_TEXT, VISIBLE_KEY, ChartsScreen
from fertilitytracker.gui.theme import flag_color
from fertilitytracker.services.operations import (
    ResultInput,
    build_semen,
    change_regimen,
    record_draw,
    record_semen,
    record_symptom,
    start_regimen,
    stop_regimen,
)
from fertilitytracker.services.settings import unit_system
from fertilitytracker.storage.journal import Journal
from tests.builders import TODAY
from tests.gui.conftest import make_context

pytestmark = pytest.mark.gui

DRAW_DAYS = (date(2026, 1, 5), date(2026, 2, 20), date(2026, 4, 20))


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "charts.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def known_context(tmp_path: Path) -> Iterator[AppContext]:
    """Three draws, one semen analysis, symptoms; anastrozole changed once, then stopped."""
    journal = Journal.open(tmp_path / "known.sqlite3")

    def draw(day: date, *entries: tuple[str, str, str]) -> None:
        record_draw(journal, day, [ResultInput(*entry) for entry in entries], time(8, 0))

    draw(DRAW_DAYS[0], ("total_testosterone", "450", "ng/dL"), ("estradiol", "30", "pg/mL"))
    draw(DRAW_DAYS[1], ("total_testosterone", "500", "ng/dL"), ("estradiol", "<8", "pg/mL"))
    draw(DRAW_DAYS[2], ("total_testosterone", "1200", "ng/dL"), ("estradiol", "25", "pg/mL"))
    record_semen(journal, build_semen(date(2026, 1, 8), "3.0", "20", "50", "40"))
    start_regimen(journal, "anastrozole", "1", "mg", "eod", date(2026, 1, 10))
    change_regimen(journal, "anastrozole", date(2026, 3, 1), dose="0.5")
    stop_regimen(journal, "anastrozole", date(2026, 5, 1))
    start_regimen(journal, "clomiphene", "25", "mg", "daily", date(2026, 4, 1))
    record_symptom(journal, date(2026, 1, 6), "libido", 6)
    context = make_context(journal)
    yield context
    context.journal.close()


def _show(qtbot, context: AppContext, settings: QSettings) -> ChartsScreen:
    screen = ChartsScreen(context, settings=settings)
    qtbot.addWidget(screen)
    screen.resize(1300, 900)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


@pytest.fixture
def screen(qtbot, known_context: AppContext, settings: QSettings) -> ChartsScreen:
    return _show(qtbot, known_context, settings)


def _plot(screen: ChartsScreen, key: str) -> ChartPlot:
    plot = screen.stack.plot(key)
    assert plot is not None, f"plot {key} was never drawn"
    return plot


def _days(xs: object) -> list[date]:
    return [x_to_day(float(x)) for x in xs]  # type: ignore[attr-defined]


def _point_position(plot: ChartPlot, series_key: str, index: int) -> QPoint:
    """Where a point is on the plot's viewport, in widget pixels."""
    return plot.widget.mapFromScene(plot.scene_pos_of(series_key, index))


def test_empty_journal_shows_the_empty_state(qtbot, context: AppContext, settings) -> None:
    screen = _show(qtbot, context, settings)
    assert screen.is_empty_state()
    assert screen.empty_text() == EMPTY_TEXT == "No results yet — add a lab result"
    assert screen.shown_plots() == ()
    with qtbot.waitSignal(screen.navigate_requested) as asked:
        qtbot.mouseClick(screen._add_result, Qt.MouseButton.LeftButton)
    assert asked.args == [Navigation("labs", NewDraw())]


def test_plots_with_data_are_shown_in_stack_order(screen: ChartsScreen) -> None:
    assert not screen.is_empty_state()
    assert screen.shown_plots() == (
        "total_testosterone",
        "estradiol",
        "t_e_ratio",
        "sperm_concentration",
        "motility",
        "tmsc",
        "symptoms",
    )
    assert "No data yet for:" in screen.no_data_text()
    assert "LH" in screen.no_data_text() and "DEXA T-score" in screen.no_data_text()
    assert "Free testosterone" in screen.no_data_text()  # no SHBG: nothing to calculate from
    assert "(no data yet)" in screen.plot_action("lh").text()


def test_total_testosterone_points_band_and_flags(screen: ChartsScreen) -> None:
    plot = _plot(screen, "total_testosterone")
    items = plot.series_items["total_testosterone"]
    xs, ys = items.curve.getData()
    assert _days(xs) == list(DRAW_DAYS)
    assert list(ys) == [450.0, 500.0, 1200.0]
    assert items.scatter is not None
    symbols = list(items.scatter.data["symbol"])
    assert symbols == ["o", "o", "t1"]  # the high value is an up-pointing triangle
    warning = screen.stack.theme.warning
    assert items.scatter.data["brush"][2].color() == warning
    assert items.scatter.data["brush"][0].color() != warning
    (band,) = plot.backdrop.bands
    assert (band.bottom, band.top) == (300.0, 1080.0)
    assert band.fill == screen.stack.theme.band
    assert "300–1080" in plot.backdrop.tooltip_at(500.0)
    assert "300–1080 ng/dL" in plot.item.titleLabel.text


def test_censored_estradiol_is_an_open_marker_at_its_limit(screen: ChartsScreen) -> None:
    plot = _plot(screen, "estradiol")
    scatter = plot.series_items["estradiol"].scatter
    assert scatter is not None
    _xs, ys = scatter.getData()
    assert list(ys) == [30.0, 8.0, 25.0]
    assert scatter.data["symbol"][1] == "t"  # low: a down-pointing triangle
    open_fill = scatter.data["brush"][1].color()
    assert open_fill == screen.stack.theme.background  # hollow: a limit, not a value
    assert scatter.data["size"][1] > scatter.data["size"][0]  # over-suppressed: emphasised


def test_medications_are_lanes_under_the_plots_with_their_doses(screen: ChartsScreen) -> None:
    lanes = screen.stack.lanes.lanes
    assert [lane.name for lane in lanes] == ["anastrozole", "clomiphene"]
    anastrozole, clomiphene = lanes
    assert [(span.start, span.end) for span in anastrozole.spans] == [
        (date(2026, 1, 10), date(2026, 5, 1))
    ]
    assert [(span.start, span.end) for span in clomiphene.spans] == [(date(2026, 4, 1), TODAY)]
    # Overlapping treatments lie in lanes of their own, each in its medication's colour.
    assert anastrozole.colour != clomiphene.colour
    assert screen.stack.lanes.texts() == [
        "anastrozole 1 mg every other day",
        "0.5 mg every other day",
        "clomiphene 25 mg daily",
    ]
    for key in screen.shown_plots():
        plot = _plot(screen, key)
        assert plot.backdrop.spans == ()  # no tint behind the points
        markers = plot.backdrop.markers
        anastrozole_days = [m.x for m in markers if m.change.name == "anastrozole"]
        assert _days(anastrozole_days) == [date(2026, 1, 10), date(2026, 3, 1), date(2026, 5, 1)]
        assert all(marker.colour.alpha() < 255 for marker in markers)  # thin and light
        assert not any("mg" in text for text in plot.label_texts)
    assert "anastrozole" in screen.legend_text() and "clomiphene" in screen.legend_text()
    assert screen.stack.axis_widget.height() > 2 * LANE_HEIGHT_PX  # room for both lanes


def test_each_medication_keeps_its_colour_in_every_journal(
    qtbot, tmp_path: Path, settings: QSettings
) -> None:
    journal = Journal.open(tmp_path / "other.sqlite3")
    # Another journal, other regimens first: clomiphene is its first and only regimen here.
    start_regimen(journal, "clomiphene", "25", "mg", "daily", date(2026, 4, 1))
    record_draw(journal, date(2026, 5, 1), [ResultInput("total_testosterone", "500", "ng/dL")])
    context = make_context(journal)
    try:
        other = _show(qtbot, context, settings)
        (lane,) = other.stack.lanes.lanes
        assert lane.colour == QColor(OKABE_ITO["sky_blue"])  # clomiphene's, from the table
    finally:
        context.journal.close()


def test_reference_lines_and_labels(screen: ChartsScreen) -> None:
    ratio = _plot(screen, "t_e_ratio")
    assert [line.value for line in ratio.backdrop.lines] == [10.0]
    assert any("Pavlovich 2001" in text for text in ratio.label_texts)
    assert "Pavlovich 2001" in ratio.backdrop.tooltip_at(10.0)
    concentration = _plot(screen, "sperm_concentration")
    (band,) = concentration.backdrop.bands
    assert band.bottom == 16.0  # WHO 2021 lower limit; open above, to the top of the plot
    assert band.band.high is None and band.top == concentration.y_range[1]


def test_unit_toggle_converts_values_and_bands(qtbot, screen: ChartsScreen) -> None:
    box = screen.unit_box()
    assert box.currentData() == "us"
    with qtbot.waitSignal(screen._context.journal_changed):
        box.setCurrentIndex(box.findData("si"))
    assert unit_system(screen._context.journal) == "si"
    plot = _plot(screen, "total_testosterone")
    _xs, ys = plot.series_items["total_testosterone"].curve.getData()
    assert ys[0] == pytest.approx(450 / 28.842)
    band = plot.backdrop.bands[0]
    low, high = band.bottom, band.top
    assert (low, high) == (pytest.approx(300 / 28.842), pytest.approx(1080 / 28.842))
    assert "nmol/L" in plot.item.titleLabel.text
    ratio = _plot(screen, "t_e_ratio")
    assert [line.value for line in ratio.backdrop.lines] == [0.0944]


def test_plot_choice_is_remembered(qtbot, known_context, settings: QSettings) -> None:
    first = _show(qtbot, known_context, settings)
    action = first.plot_action("estradiol")
    assert action.isChecked()
    action.trigger()  # the menu entry, as a click on it does
    assert "estradiol" not in first.shown_plots()
    assert "estradiol" not in first.chosen_plots()
    assert "estradiol" not in str(settings.value(VISIBLE_KEY)).split(",")
    second = _show(qtbot, known_context, settings)
    assert not second.plot_action("estradiol").isChecked()
    assert "estradiol" not in second.shown_plots()
    second.plot_action("estradiol").trigger()
    assert "estradiol" in second.shown_plots()


def test_hiding_every_plot_says_so(screen: ChartsScreen) -> None:
    for key in list(screen.chosen_plots()):
        screen.set_plot_visible(key, False)
    assert screen.shown_plots() == ()
    assert "pick plots" in screen.no_data_text()


def test_hover_reads_out_the_point(qtbot, screen: ChartsScreen) -> None:
    plot = _plot(screen, "estradiol")
    position = _point_position(plot, "estradiol", 1)
    qtbot.mouseMove(plot.widget.viewport(), position)
    qtbot.waitUntil(lambda: screen.readout_text().startswith("2026-02-20"))
    text = screen.readout_text()
    assert "Estradiol: <8 pg/mL" in text
    assert "▼ below target range" in text
    assert "41 days after anastrozole started at 1 mg every other day on 2026-01-10" in text


def test_clicking_a_point_requests_its_draw(qtbot, screen: ChartsScreen) -> None:
    plot = _plot(screen, "total_testosterone")
    position = _point_position(plot, "total_testosterone", 2)
    with qtbot.waitSignal(screen.draw_requested) as requested:
        qtbot.mouseClick(plot.widget.viewport(), Qt.MouseButton.LeftButton, pos=position)
    assert requested.args == [DRAW_DAYS[2]]


def test_clicking_empty_space_requests_nothing(qtbot, screen: ChartsScreen) -> None:
    plot = _plot(screen, "total_testosterone")
    corner = plot.widget.mapFromScene(plot.item.getViewBox().sceneBoundingRect().topLeft())
    with qtbot.assertNotEmitted(screen.draw_requested):
        qtbot.mouseClick(
            plot.widget.viewport(), Qt.MouseButton.LeftButton, pos=corner + QPoint(3, 3)
        )


def test_range_presets_set_the_linked_date_axis(qtbot, screen: ChartsScreen) -> None:
    qtbot.mouseClick(screen.range_button("3m"), Qt.MouseButton.LeftButton)
    low, high = screen.stack.x_range() or (0.0, 0.0)
    span_days = (high - low) / SECONDS_PER_DAY
    assert span_days == pytest.approx((91 + 7) * 1.04, abs=1.0)
    assert x_to_day(low) <= TODAY - timedelta(days=91) <= x_to_day(low) + timedelta(days=3)
    for key in screen.shown_plots():
        follower = _plot(screen, key).item.getViewBox().viewRange()[0]
        assert follower == pytest.approx([low, high], abs=SECONDS_PER_DAY)
    qtbot.mouseClick(screen.range_button("all"), Qt.MouseButton.LeftButton)
    low, _high = screen.stack.x_range() or (0.0, 0.0)
    assert x_to_day(low) <= date(2026, 1, 5)
    assert screen._settings.value("charts/range") == "all"


def test_a_new_result_appears_after_journal_changed(qtbot, screen: ChartsScreen) -> None:
    context = screen._context
    change = record_draw(
        context.journal, date(2026, 5, 20), [ResultInput("total_testosterone", "610", "ng/dL")]
    )
    context.notify(change)
    _xs, ys = _plot(screen, "total_testosterone").series_items["total_testosterone"].curve.getData()
    assert list(ys) == [450.0, 500.0, 1200.0, 610.0]


def test_export_writes_the_visible_charts_as_png(screen: ChartsScreen, tmp_path: Path) -> None:
    written = screen.export_png(tmp_path / "charts")
    assert written == tmp_path / "charts.png"
    image = QImage(str(written))
    assert not image.isNull()
    plots_height = sum(_plot(screen, key).widget.height() for key in screen.shown_plots())
    assert image.height() > plots_height
    assert image.width() >= _plot(screen, "total_testosterone").widget.width()


def test_dark_palette_redraws_with_dark_colours(screen: ChartsScreen) -> None:
    assert not screen.stack.theme.dark
    palette = QPalette(screen.palette())
    palette.setColor(QPalette.ColorRole.Window, QColor(45, 45, 48))
    palette.setColor(QPalette.ColorRole.Base, QColor(30, 30, 32))
    palette.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    screen.setPalette(palette)
    assert screen.stack.theme.dark
    plot = _plot(screen, "total_testosterone")
    assert plot.widget.backgroundBrush().color() == QColor(30, 30, 32)
    assert QColor(230, 230, 230).name() in plot.item.titleLabel.text


def _pan_days(plot: ChartPlot, days: float, steps: int) -> None:
    """Pan `plot` by `days` in `steps` steps, as a mouse drag does (range only, same width)."""
    view = plot.item.getViewBox()
    for _ in range(steps):
        low, high = view.viewRange()[0]
        step = days / steps * SECONDS_PER_DAY
        view.setXRange(low + step, high + step, padding=0)


def test_panning_moves_plots_on_screen_and_the_rest_when_painted(
    qtbot, screen: ChartsScreen
) -> None:
    top = _plot(screen, "total_testosterone")
    hidden = _plot(screen, "symptoms")  # the last of 7 plots: below a 900 px window
    assert hidden.widget.viewport().visibleRegion().isEmpty()
    _pan_days(top, -30, 6)
    low, high = screen.stack.x_range() or (0.0, 0.0)
    assert top.item.getViewBox().viewRange()[0] == pytest.approx([low, high])
    estradiol = _plot(screen, "estradiol").item.getViewBox().viewRange()[0]
    assert estradiol == pytest.approx([low, high])  # on screen: moved in the same frame
    axis = screen.stack.axis_widget.getPlotItem().getViewBox().viewRange()[0]
    assert axis == pytest.approx([low, high])
    assert "symptoms" in screen.stack.stale_keys  # out of sight: not moved yet
    screen.scroll_to_plot("symptoms")
    qtbot.waitUntil(lambda: "symptoms" not in screen.stack.stale_keys)
    assert hidden.item.getViewBox().viewRange()[0] == pytest.approx([low, high])


def test_legend_draws_the_limit_and_calculated_symbols_in_the_text_colour(
    screen: ChartsScreen,
) -> None:
    legend = screen.legend_text()
    neutral = screen.stack.theme.foreground.name()
    first_series = screen.stack.theme.series_colour(0).name()
    assert neutral != first_series
    assert f"color:{neutral}'>○</span> below detection" in legend
    assert f"color:{neutral}'>◆</span> calculated" in legend


def test_plots_below_the_window_are_drawn_when_scrolled_to(
    qtbot, known_context: AppContext, settings: QSettings
) -> None:
    screen = ChartsScreen(known_context, settings=settings)
    qtbot.addWidget(screen)
    screen.resize(1024, 700)
    screen.show()
    qtbot.waitExposed(screen)
    stack = screen.stack
    qtbot.waitUntil(lambda: "total_testosterone" in stack.built_keys)
    assert "symptoms" not in stack.built_keys  # the last of 7 plots: not built while unseen
    bar = screen._scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: "symptoms" in stack.built_keys)
    symptoms = stack.plot("symptoms")
    assert symptoms is not None
    assert not symptoms.widget.viewport().visibleRegion().isEmpty()
    xs, ys = symptoms.series_items["symptom:libido"].curve.getData()
    assert _days(xs) == [date(2026, 1, 6)] and list(ys) == [6]
    low, high = stack.x_range() or (0.0, 0.0)
    assert symptoms.item.getViewBox().viewRange()[0] == pytest.approx([low, high])


def test_points_scrolled_into_view_are_drawn(qtbot, screen: ChartsScreen) -> None:
    qtbot.mouseClick(screen.range_button("3m"), Qt.MouseButton.LeftButton)
    plot = _plot(screen, "estradiol")
    plot.widget.viewport().grab()  # cached while 2026-01-05 is out of view
    _pan_days(_plot(screen, "total_testosterone"), -60, 12)
    image = plot.widget.viewport().grab().toImage()
    position = _point_position(plot, "estradiol", 0)  # 30 pg/mL: in range, filled
    assert image.rect().contains(position)
    assert image.pixelColor(position) == screen.stack.theme.series_colour(0)


@pytest.mark.parametrize("dark", [False, True])
def test_target_band_is_a_light_tint_under_the_points(screen: ChartsScreen, dark: bool) -> None:
    if dark:
        palette = QPalette(screen.palette())
        palette.setColor(QPalette.ColorRole.Window, QColor(45, 45, 48))
        palette.setColor(QPalette.ColorRole.Base, QColor(30, 30, 32))
        palette.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
        screen.setPalette(palette)
    assert screen.stack.theme.dark == dark
    plot = _plot(screen, "total_testosterone")
    view = plot.item.getViewBox()
    image = plot.widget.viewport().grab().toImage()
    x = day_to_x(date(2026, 1, 6))
    inside = plot.widget.mapFromScene(view.mapViewToScene(QPointF(x, 700.0)))
    above = plot.widget.mapFromScene(view.mapViewToScene(QPointF(x, plot.y_range[1] - 20)))
    difference = abs(image.pixelColor(inside).lightness() - image.pixelColor(above).lightness())
    assert 12 <= difference <= 35  # seen, but light
    # A point inside the band is drawn in its own colour, not dimmed by the band.
    position = _point_position(plot, "total_testosterone", 0)  # 450 ng/dL
    assert image.pixelColor(position) == screen.stack.theme.series_colour(0)


def test_x_coordinates_are_calendar_days() -> None:
    assert day_to_x(date(1970, 1, 2)) == SECONDS_PER_DAY
    assert x_to_day(day_to_x(date(2026, 3, 1)) + 3600) == date(2026, 3, 1)


def _wheel(plot: ChartPlot, steps: int, modifiers: Qt.KeyboardModifier) -> None:
    """Turn the mouse wheel over the middle of a plot (negative steps: towards the user)."""
    viewport = plot.widget.viewport()
    centre = QPointF(viewport.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def test_the_wheel_scrolls_the_page_and_ctrl_wheel_zooms_the_dates(screen: ChartsScreen) -> None:
    plot = _plot(screen, "total_testosterone")
    bar = screen._scroll.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    before = screen.stack.x_range()
    _wheel(plot, -2, Qt.KeyboardModifier.NoModifier)
    assert bar.value() > 0  # the page moved down
    assert screen.stack.x_range() == before  # the dates did not zoom
    scrolled = bar.value()
    _wheel(plot, 1, Qt.KeyboardModifier.ControlModifier)
    assert bar.value() == scrolled
    low, high = screen.stack.x_range() or (0.0, 0.0)
    assert before is not None and high - low < before[1] - before[0]  # zoomed in
    follower = _plot(screen, "estradiol").item.getViewBox().viewRange()[0]
    assert follower == pytest.approx([low, high])  # every plot follows


def test_the_date_axis_names_the_year_at_the_first_label_and_where_it_changes() -> None:
    axis = CalendarDateAxis("bottom")
    first, last = date(2025, 10, 20), date(2026, 3, 10)
    levels = axis.tickValues(day_to_x(first), day_to_x(last), 900)
    spacing, majors = levels[0]
    labels = [text for text in axis.tickStrings(majors, 1.0, spacing) if text]
    assert labels == ["Nov 2025", "Dec", "Jan 2026", "Feb", "Mar"]


def test_a_plot_of_several_series_has_its_legend_above_the_points(
    screen: ChartsScreen,
) -> None:
    plot = _plot(screen, "motility")  # total and progressive motility
    legend = ChartPlot.series_legend(plot.data, screen.stack.theme)  # type: ignore[arg-type]
    assert len(legend) >= 2
    title = plot.item.titleLabel.text
    for symbol, colour, label in legend:
        assert f"<span style='color:{colour.name()}'>{symbol}</span>" in title
        assert label in title
    # No legend box is drawn inside the plot, over the data.
    assert not any(isinstance(item, pg.LegendItem) for item in plot.item.scene().items())


def test_hover_shows_one_tooltip_at_the_point_and_it_goes_when_the_mouse_leaves(
    qtbot, screen: ChartsScreen
) -> None:
    plot = _plot(screen, "total_testosterone")
    position = _point_position(plot, "total_testosterone", 1)
    qtbot.mouseMove(plot.widget.viewport(), position)
    qtbot.waitUntil(lambda: screen.stack.tooltip_text != "")
    text = screen.stack.tooltip_text
    assert text.startswith("2026-02-20 · Total testosterone: 500 ng/dL · ● in range")
    assert text.endswith("target 300–1080 ng/dL (default)")
    assert plot.widget.toolTip() == ""  # no second, widget-wide tooltip
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == text
    # The mouse leaves the plot (sent to the plot itself: offscreen, the tooltip's window
    # takes synthetic mouse moves).
    QApplication.sendEvent(plot.widget.viewport(), QEvent(QEvent.Type.Leave))
    qtbot.waitUntil(lambda: screen.stack.tooltip_text == "")
    qtbot.waitUntil(lambda: not QToolTip.isVisible())


def test_out_of_range_points_are_drawn_in_the_tables_flag_colour(screen: ChartsScreen) -> None:
    scatter = _plot(screen, "total_testosterone").series_items["total_testosterone"].scatter
    assert scatter is not None
    high = scatter.data["brush"][2].color()  # 1200 ng/dL: above
    assert high == flag_color(screen.palette(), "high") == flag_color(screen.palette(), "low")
