"""The report's trend charts draw the Charts screen's model, made from the report's own views
(docs/design.md "one reading computed once")."""

from __future__ import annotations

from datetime import date

import pytest

from fertilitytracker.core.records import History, UnitSystem
from fertilitytracker.services.chart_data import chart_data, chart_data_of, readings_from_views
from fertilitytracker.services.report.markers import KEY_MARKERS
from fertilitytracker.services.report.trends import plots_read
from fertilitytracker.services.views import all_draw_views
from fertilitytracker.storage.journal import Journal
from tests.builders import dexa, draw
from tests.report.conftest import TODAY


@pytest.mark.parametrize(("system", "edition"), [("us", "2021"), ("si", "2010")])
def test_the_charts_of_the_report_are_those_of_the_charts_screen(
    filled: Journal, system: UnitSystem, edition: str
) -> None:
    # A second scan, and a T-score typed as a lab result beside a scan of the same day: the
    # DEXA plot mixes both kinds of record, in the order the screen shows them.
    dexa(filled, date(2025, 3, 1), "-2.6", "hip")
    draw(filled, date(2025, 1, 8), ("dexa_t_score", "-1.1", "SD"))
    history = filled.history()

    views = all_draw_views(history, system, edition)
    report = chart_data_of(
        readings_from_views(views, history, system), history, system, edition, TODAY
    )

    screen = chart_data(history, system, edition, TODAY)
    assert report == screen
    assert [point.text for point in screen.plot("dexa_t_score").series[0].points] == [
        "−1.1 SD",
        "−1.4 SD",
        "−2.6 SD",
    ]
    free_t = screen.plot("free_testosterone").series_by_key("free_testosterone_calculated")
    assert free_t.points and all(point.flag is not None for point in free_t.points)


def test_views_of_another_history_are_refused(filled: Journal) -> None:
    views = all_draw_views(filled.history())
    with pytest.raises(ValueError, match="not those of this history"):
        readings_from_views(views, History(), "us")


def test_the_report_builds_only_the_plots_it_draws_and_each_as_the_screen_does(
    filled: Journal,
) -> None:
    history = filled.history()
    views = all_draw_views(history)
    wanted = plots_read(KEY_MARKERS)
    report = chart_data_of(
        readings_from_views(views, history, "us"), history, "us", "2021", TODAY, wanted
    )

    screen = chart_data(history, "us", "2021", TODAY)
    assert "symptoms" not in wanted and {"motility", "tmsc", "estradiol"} <= wanted
    assert report.plots == tuple(plot for plot in screen.plots if plot.key in wanted)


def test_without_words_the_points_are_those_drawn_and_nothing_else(filled: Journal) -> None:
    history = filled.history()
    readings = readings_from_views(all_draw_views(history, "si"), history, "si")
    bare = chart_data_of(readings, history, "si", "2021", TODAY, words=False)

    screen = chart_data(history, "si", "2021", TODAY)
    assert [plot.key for plot in bare.plots] == [plot.key for plot in screen.plots]
    for plot, shown in zip(bare.plots, screen.plots, strict=True):
        assert plot.warning is None
        assert (plot.bands, plot.lines) == (shown.bands, shown.lines)
        for series, full in zip(plot.series, shown.series, strict=True):
            assert [
                (p.day, p.value, p.flag, p.comparator, p.kind, p.estradiol_state)
                for p in series.points
            ] == [
                (p.day, p.value, p.flag, p.comparator, p.kind, p.estradiol_state)
                for p in full.points
            ]
            assert all(
                (p.text, p.note, p.flag_text, p.headline) == ("", None, None, None)
                for p in series.points
                if p.kind != "symptoms"
            )
    assert any(plot.has_points for plot in bare.plots)
