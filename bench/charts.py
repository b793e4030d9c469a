"""Charts screen benchmark: open time against bare pyqtgraph, and frame time while panning.

    python bench/charts.py [JOURNAL.sqlite3] [--runs 5] [--frames 60]

Without a journal, a ten-year one is generated in a temporary folder (bench/generate_journal).
Runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise. Prints figures; the
issue's budget: the screen opens within 1.5x the bare time and a panning frame stays < 16.7 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from generate_journal import DEFAULT_END, generate
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

import fertilitytracker.gui.charts  # noqa: F401  (the PySide6 6.12 emit guard, first)
from fertilitytracker.gui.context import AppContext
from fertilitytracker.services.chart_data import ChartData, chart_data
from fertilitytracker.storage.journal import Journal

WINDOW_SIZE = (1366, 860)
FRAME_BUDGET_MS = 16.7
OPEN_BUDGET_RATIO = 1.5
PLOT_HEIGHT_PX = 190
# CPU time of this process: other work on a shared machine does not count against the
# screen (wall time swings by 2x there). --wall measures elapsed time instead.
CLOCK = time.process_time


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def _settle(app: QApplication, window: QWidget) -> None:
    """Lay out and paint the window once, synchronously."""
    app.processEvents()
    window.repaint()
    app.processEvents()


def open_screen(app: QApplication, context: AppContext, settings_path: Path) -> tuple[float, ...]:
    """Seconds to build and paint the Charts screen (history cached): (total, service part)."""
    from fertilitytracker.gui.screens.charts import ChartsScreen

    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings.clear()
    history = context.history()
    started = CLOCK()
    chart_data(history, context.unit_system(), context.who_edition(), context.today())
    service = CLOCK() - started

    started = CLOCK()
    window = QMainWindow()
    screen = ChartsScreen(context, settings=settings)
    window.setCentralWidget(screen)
    window.resize(*WINDOW_SIZE)
    window.show()
    _settle(app, window)
    total = CLOCK() - started
    window.close()
    window.deleteLater()
    app.processEvents()
    return total, service


def open_bare(app: QApplication, data: ChartData, pan_frames_count: int = 0) -> float:
    """Seconds to plot the same points into bare PlotWidgets (one per plot, linked x).

    With `pan_frames_count`, pans the bare stack afterwards and prints its frame times, as
    the reference for the screen's.
    """
    import pyqtgraph as pg

    started = CLOCK()
    window = QMainWindow()
    page = QWidget()
    layout = QVBoxLayout(page)
    first: pg.PlotWidget | None = None
    for plot in data.plots:
        if not plot.has_points:
            continue
        widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
        widget.setMinimumHeight(PLOT_HEIGHT_PX)
        for series in plot.series:
            xs = [(day - date(1970, 1, 1)).days * 86400.0 for day in series.days]
            widget.plot(xs, list(series.values), symbol="o")
        if first is None:
            first = widget
        else:
            widget.setXLink(first)
        layout.addWidget(widget)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(page)
    window.setCentralWidget(scroll)
    window.resize(*WINDOW_SIZE)
    window.show()
    _settle(app, window)
    elapsed = CLOCK() - started
    if pan_frames_count and first is not None:
        times = pan_frames(app, window, _shifter(first.getViewBox()), pan_frames_count)
        print(f"pan, bare pyqtgraph,   range all: {_summary(times)}")
    window.close()
    window.deleteLater()
    app.processEvents()
    return elapsed


def pan_frames(
    app: QApplication, window: QWidget, shift: Callable[[float], None], frames: int
) -> list[float]:
    """Seconds per frame: move the linked x-range a little, then let Qt paint what changed.

    A frame is what one mouse-drag step costs: the range change (every linked view follows)
    and the repaint of the views on screen, which Qt does from its event loop.
    """
    times = []
    for frame in range(frames):
        started = CLOCK()
        shift(0.01 if frame % 40 < 20 else -0.01)
        app.processEvents()
        times.append(CLOCK() - started)
    return times


def _shifter(view: object) -> Callable[[float], None]:
    def shift(fraction: float) -> None:
        low, high = view.viewRange()[0]  # type: ignore[attr-defined]
        step = (high - low) * fraction
        view.setXRange(low + step, high + step, padding=0)  # type: ignore[attr-defined]

    return shift


def bench_pan_screen(
    app: QApplication, context: AppContext, settings_path: Path, preset: str, frames: int
) -> list[float]:
    from fertilitytracker.gui.screens.charts import ChartsScreen

    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    settings.clear()
    window = QMainWindow()
    screen = ChartsScreen(context, settings=settings)
    window.setCentralWidget(screen)
    window.resize(*WINDOW_SIZE)
    window.show()
    screen.set_range(preset)
    _settle(app, window)
    plot = screen.stack.plot(screen.shown_plots()[0])
    assert plot is not None
    times = pan_frames(app, window, _shifter(plot.item.getViewBox()), frames)
    window.close()
    window.deleteLater()
    app.processEvents()
    return times


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"median {_ms(statistics.median(times))}, p95 {_ms(p95)}, max {_ms(max(times))} "
        f"({len(times)} frames)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("journal", nargs="?", type=Path, help="a journal (default: generate one)")
    parser.add_argument("--runs", type=int, default=5, help="open-time runs (median reported)")
    parser.add_argument("--frames", type=int, default=60, help="frames per panning run")
    parser.add_argument("--wall", action="store_true", help="time elapsed, not CPU, time")
    args = parser.parse_args(argv)
    global CLOCK
    if args.wall:
        CLOCK = time.perf_counter
    print(f"clock: {'wall (elapsed)' if args.wall else 'CPU time of this process'}")

    with tempfile.TemporaryDirectory() as folder:
        path = args.journal
        if path is None:
            path = Path(folder) / "ten-years.sqlite3"
            generate(path, years=10, end=DEFAULT_END)
        app = QApplication.instance() or QApplication([sys.argv[0]])
        journal = Journal.open(path)
        today = DEFAULT_END
        context = AppContext(journal, today=lambda: today, now=lambda: datetime(2026, 6, 1, 9))
        started = CLOCK()
        history = context.history()
        read = CLOCK() - started
        data = chart_data(history, context.unit_system(), context.who_edition(), today)
        points = sum(len(series.points) for plot in data.plots for series in plot.series)
        print(
            f"journal: {len(history.draws)} draws, {len(history.doses)} doses, "
            f"{len(history.symptoms)} symptoms, {len(history.regimens)} regimens, "
            f"{len(data.changes)} dose changes; {points} plotted points"
        )
        print(f"reading the journal (shared by every screen): {_ms(read)}")

        settings_path = Path(folder) / "charts.ini"
        # Warm up imports and first-use caches of both sides before timing anything.
        open_bare(app, data)
        open_screen(app, context, settings_path)
        bare_runs, screen_runs, service_runs = [], [], []
        for _ in range(args.runs):
            bare_runs.append(open_bare(app, data))
            total, service = open_screen(app, context, settings_path)
            screen_runs.append(total)
            service_runs.append(service)
        bare = statistics.median(bare_runs)
        screen = statistics.median(screen_runs)
        service = statistics.median(service_runs)
        ratio = screen / bare
        verdict = "ok" if ratio <= OPEN_BUDGET_RATIO else "OVER BUDGET"
        print(f"open, bare pyqtgraph (same points):      {_ms(bare)}")
        print(
            f"open, Charts screen (data + drawing):    {_ms(screen)}  ratio {ratio:.2f}x "
            f"(budget {OPEN_BUDGET_RATIO}x: {verdict})"
        )
        print(f"   of which chart_data (service):        {_ms(service)}")

        open_bare(app, data, pan_frames_count=args.frames)
        for preset in ("all", "1y"):
            frames = bench_pan_screen(app, context, settings_path, preset, args.frames)
            over = "ok" if statistics.median(frames) < FRAME_BUDGET_MS / 1000 else "OVER BUDGET"
            print(f"pan, Charts screen, range {preset:>3}: {_summary(frames)}  [{over}]")
        journal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
