"""Charts made ready ahead of a visit: in idle time after start-up (its first visit finds the
plots built), and off screen after a write (the model computed in a worker); either way with
the journal as it is at that visit."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from datetime import date

import pytest

from fertilitytracker.gui.charts import prepare as prepare_module
from fertilitytracker.gui.charts.prepare import ChartModelAhead, ChartsPreparer
from fertilitytracker.gui.context import AppContext
from fertilitytracker.gui.main_window import MainWindow
from fertilitytracker.gui.screens import charts as charts_screen_module
from fertilitytracker.gui.screens.charts import ChartsScreen
from fertilitytracker.services import chart_data as chart_data_package
from fertilitytracker.services.chart_data import chart_data
from fertilitytracker.services.operations import ResultInput, record_draw

pytestmark = pytest.mark.gui

NEW_DAY = date(2026, 5, 25)


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The model computed in the worker waits until the test sets the event (set at the end
    in any case, so that no worker outlives the test)."""
    release = threading.Event()

    def computed_when_released(*args: object) -> object:
        release.wait()
        return chart_data(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(chart_data_package, "chart_data", computed_when_released)
    yield release
    release.set()


def _start(window: MainWindow) -> ChartsPreparer:
    """Prepare Charts at once after the start page's next paint."""
    preparer = ChartsPreparer(window, after_ms=0)
    window.stack.currentWidget().update()
    return preparer


def _charts_screens(window: MainWindow) -> list[ChartsScreen]:
    return window.stack.findChildren(ChartsScreen)


def _testosterone_days(screen: ChartsScreen) -> list[date]:
    (series, *_) = screen.data.plot("total_testosterone").series
    return [point.day for point in series.points]


def test_charts_is_built_while_today_is_shown_and_its_visit_only_shows_it(
    qtbot, window: MainWindow, demo_context: AppContext
) -> None:
    assert window.current_page() == "today"
    preparer = _start(window)
    qtbot.waitUntil(lambda: preparer.done)
    prepared = window.page("charts")
    assert isinstance(prepared, ChartsScreen)
    assert window.current_page() == "today"  # built out of sight: Today stays on screen
    context = demo_context
    assert prepared.data == chart_data(
        context.history(), context.unit_system(), context.who_edition(), context.today()
    )
    top = prepared.shown_plots()[0]
    assert top in prepared.stack.built_keys  # the plot at the top of the page is ready
    assert window.show_page("charts") is prepared
    assert _charts_screens(window) == [prepared]
    qtbot.waitUntil(lambda: prepared.stack.plot(top).widget.isVisible())
    # Labs was made ready hidden too: its first visit shows the screen built then.
    labs = window.page("labs")
    assert labs is not None
    assert window.show_page("labs") is labs


def test_a_result_saved_while_charts_is_prepared_is_on_its_first_visit(
    qtbot, window: MainWindow, demo_context: AppContext, held: threading.Event
) -> None:
    preparer = _start(window)
    qtbot.waitUntil(lambda: preparer.computing)
    change = record_draw(
        demo_context.journal, NEW_DAY, [ResultInput("total_testosterone", "612", "ng/dL")]
    )
    demo_context.notify(change)
    held.set()  # the model of the journal before the save arrives now
    qtbot.waitUntil(lambda: preparer.done)
    screen = window.show_page("charts")
    assert isinstance(screen, ChartsScreen)
    assert NEW_DAY in _testosterone_days(screen)


def test_a_visit_while_charts_is_prepared_builds_it_once(
    qtbot, window: MainWindow, demo_context: AppContext, held: threading.Event
) -> None:
    preparer = _start(window)
    qtbot.waitUntil(lambda: preparer.computing)
    screen = window.show_page("charts")
    assert isinstance(screen, ChartsScreen)
    assert screen.shown_plots()  # the visit computed and drew it itself
    held.set()  # the model computed ahead arrives after the visit
    qtbot.waitUntil(lambda: preparer.done)
    assert window.page("charts") is screen
    assert _charts_screens(window) == [screen]


def test_a_result_saved_while_charts_is_hidden_is_computed_off_screen_and_shown(
    qtbot,
    window: MainWindow,
    demo_context: AppContext,
    held: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = window.show_page("charts")
    assert isinstance(screen, ChartsScreen)
    window.show_page("labs")
    on_screen_thread: list[object] = []

    def counted(*args: object) -> object:
        on_screen_thread.append(args)
        return chart_data(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(charts_screen_module, "chart_data", counted)
    change = record_draw(
        demo_context.journal, NEW_DAY, [ResultInput("total_testosterone", "612", "ng/dL")]
    )
    ahead = screen.findChild(ChartModelAhead)
    with qtbot.waitSignal(ahead.ready):
        demo_context.notify(change)
        held.set()
    window.show_page("charts")
    assert NEW_DAY in _testosterone_days(screen)
    assert on_screen_thread == []  # the visit drew the model computed in the worker


def test_once_charts_is_ready_what_start_up_loaded_is_kept_out_of_later_collections(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare_module, "_frozen", False)
    gc.unfreeze()
    try:
        preparer = _start(window)
        assert gc.get_freeze_count() == 0
        qtbot.waitUntil(lambda: preparer.done)
        # The screens, Qt types and modules alive now are no longer walked by a collection
        # that a later click's allocations set off.
        assert gc.get_freeze_count() > 0
        assert gc.get_count()[2] == 0
    finally:
        gc.unfreeze()
