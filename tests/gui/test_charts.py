"""The Charts screen through its widgets: plotted items, units, plot choice, hover, export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPalette

from fertilitytracker.gui.charts.plots import SECONDS_PER_DAY, ChartPlot, day_to_x, x_to_day
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.screens.charts import EMPTY_TEXT, VISIBLE_KEY, ChartsScreen
from fertilitytracker.services.journal import (
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
from tests.gui.conftest import TODAY, make_context

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
    assert asked.args == ["labs", {"action": "new_draw"}]


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


def test_spans_and_dose_change_markers_on_every_plot(screen: ChartsScreen) -> None:
    for key in screen.shown_plots():
        plot = _plot(screen, key)
        spans = plot.backdrop.spans
        starts = _days(span.start_x for span in spans)
        ends = _days(span.end_x for span in spans)
        assert list(zip(starts, ends, strict=True)) == [
            (date(2026, 1, 10), date(2026, 5, 1)),
            (date(2026, 4, 1), TODAY),
        ]
        assert spans[0].colour != spans[1].colour  # one colour per regimen
        markers = plot.backdrop.markers
        assert sorted({marker.change.regimen_index for marker in markers}) == [0, 1]
        anastrozole = [marker.x for marker in markers if marker.change.regimen_index == 0]
        assert _days(anastrozole) == [date(2026, 1, 10), date(2026, 3, 1), date(2026, 5, 1)]
    top = _plot(screen, screen.shown_plots()[0])
    assert "anastrozole 0.5 mg every 2 days" in top.labels.texts
    assert "clomiphene 25 mg daily" in top.labels.texts
    lower = _plot(screen, "estradiol")
    assert not any("mg" in text for text in lower.label_texts)  # labelled on the top plot only
    assert "anastrozole" in screen.legend_text() and "clomiphene" in screen.legend_text()


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
    assert "41 days after anastrozole started at 1 mg every 2 days on 2026-01-10" in text


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
def test_target_band_is_clearly_visible(screen: ChartsScreen, dark: bool) -> None:
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
    # Same date (no span there yet, before the first regimen), inside and above the band.
    x = day_to_x(date(2026, 1, 6))
    inside = plot.widget.mapFromScene(view.mapViewToScene(QPointF(x, 700.0)))
    above = plot.widget.mapFromScene(view.mapViewToScene(QPointF(x, plot.y_range[1] - 20)))
    inside_lightness = image.pixelColor(inside).lightness()
    above_lightness = image.pixelColor(above).lightness()
    assert abs(inside_lightness - above_lightness) >= 40


def test_x_coordinates_are_calendar_days() -> None:
    assert day_to_x(date(1970, 1, 2)) == SECONDS_PER_DAY
    assert x_to_day(day_to_x(date(2026, 3, 1)) + 3600) == date(2026, 3, 1)
