"""Charts screen benchmark: open time against bare pyqtgraph, and frame time while panning.

    python bench/charts.py [JOURNAL.sqlite3] [--runs 5] [--frames 60] [--wall]

Without a journal, a ten-year one is generated in a temporary folder (bench/generate_journal).
Runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise. Prints figures; the
issue's budget: the screen opens within 1.5x the bare time and a panning frame stays < 16.7 ms.

A pan frame is one mouse-drag step: the linked date range moves by 0.5 % of its width, then
Qt's event loop runs until it is idle, which paints whatever changed (every plot on screen and
the date axis). Frames that the range limits stopped (nothing moved, nothing painted) are not
counted: the pan turns round there instead. Besides the frame time (median, p95, max), the
bench reports the time spent in the views' paint events and how many views painted per frame,
so a frame that skips painting cannot pass for a fast one.

The bare baseline: one pyqtgraph PlotWidget per plot with a data point, each with pyqtgraph's
DateAxisItem, the same points as lines with "o" symbols, x-linked with setXLink, in a scroll
area of the same size; no bands, spans, dose markers or labels. It pans with the same steps.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
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

from fertilitytracker.gui.context import AppContext
from fertilitytracker.services.chart_data import ChartData, chart_data
from fertilitytracker.storage.journal import Journal

WINDOW_SIZE = (1366, 860)
FRAME_BUDGET_MS = 16.7
OPEN_BUDGET_RATIO = 1.5
PLOT_HEIGHT_PX = 190
PAN_STEP_FRACTION = 0.005  # of the visible range per frame: ~6 px on a 1,250 px wide plot
PAN_LEG_FRAMES = 10  # frames in one direction before the pan turns round
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
        times = pan_frames(app, first.getViewBox(), pan_frames_count)
        print(f"pan, bare pyqtgraph,   range all:        {_summary(times)}")
    window.close()
    window.deleteLater()
    app.processEvents()
    return elapsed


class FrameTimes:
    """Per-frame figures of one panning run (seconds)."""

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.wall: list[float] = []
        self.paint: list[float] = []
        self.views_painted: list[int] = []


class PaintMeter:
    """Times the paint events of every pyqtgraph view (the real drawing of what is on screen).

    Installed once, before any view exists: PySide looks a Python override up when a view is
    first painted, so a view made earlier would keep the untimed method.
    """

    def __init__(self) -> None:
        import pyqtgraph as pg

        self._original = pg.GraphicsView.paintEvent
        self.seconds = 0.0
        self.count = 0
        meter = self

        def timed_paint(view: object, event: object) -> None:
            started = time.perf_counter()
            meter._original(view, event)
            meter.seconds += time.perf_counter() - started
            meter.count += 1

        pg.GraphicsView.paintEvent = timed_paint

    def reset(self) -> None:
        self.seconds = 0.0
        self.count = 0


METER: PaintMeter | None = None


def pan_frames(app: QApplication, view: object, frames: int, warmup: int = 5) -> FrameTimes:
    """Pan `view` (its linked views follow) for `frames` frames and time each one.

    A frame: move the x-range by PAN_STEP_FRACTION, then process events until Qt has painted.
    """
    meter = METER
    assert meter is not None, "main() installs the paint meter first"
    times = FrameTimes()
    direction = 1.0
    done = 0
    legs = 0
    while done < frames + warmup:
        low_before = view.viewRange()[0][0]  # type: ignore[attr-defined]
        meter.reset()
        cpu_started, wall_started = CLOCK(), time.perf_counter()
        _shift(view, PAN_STEP_FRACTION * direction)
        app.processEvents()
        cpu, wall = CLOCK() - cpu_started, time.perf_counter() - wall_started
        if view.viewRange()[0][0] == low_before:  # type: ignore[attr-defined]
            direction = -direction  # at a range limit: nothing moved, turn round
            continue
        done += 1
        legs += 1
        if legs == PAN_LEG_FRAMES:
            direction, legs = -direction, 0
        if done <= warmup:
            continue
        times.cpu.append(cpu)
        times.wall.append(wall)
        times.paint.append(meter.seconds)
        times.views_painted.append(meter.count)
    return times


def _shift(view: object, fraction: float) -> None:
    low, high = view.viewRange()[0]  # type: ignore[attr-defined]
    step = (high - low) * fraction
    view.setXRange(low + step, high + step, padding=0)  # type: ignore[attr-defined]


def bench_pan_screen(
    app: QApplication,
    context: AppContext,
    settings_path: Path,
    preset: str,
    frames: int,
    scrolled_to_bottom: bool = False,
) -> FrameTimes:
    """Pan the Charts screen at a range preset (optionally scrolled to the last plots)."""
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
    shown = screen.shown_plots()
    if scrolled_to_bottom:
        screen.scroll_to_plot(shown[-1])
        _settle(app, window)
    plot = screen.stack.plot(shown[-1] if scrolled_to_bottom else shown[0])
    assert plot is not None
    times = pan_frames(app, plot.item.getViewBox(), frames)
    window.close()
    window.deleteLater()
    app.processEvents()
    return times


def _summary(times: FrameTimes) -> str:
    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[max(0, int(len(ordered) * 0.95) - 1)]

    views = statistics.median(times.views_painted)
    return (
        f"median {_ms(statistics.median(times.cpu))}, p95 {_ms(p95(times.cpu))}, "
        f"max {_ms(max(times.cpu))}; wall median {_ms(statistics.median(times.wall))}; "
        f"painting {_ms(statistics.median(times.paint))} in {views:.0f} views "
        f"({len(times.cpu)} frames)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("journal", nargs="?", type=Path, help="a journal (default: generate one)")
    parser.add_argument("--runs", type=int, default=5, help="open-time runs (median reported)")
    parser.add_argument("--frames", type=int, default=60, help="frames per panning run")
    parser.add_argument("--wall", action="store_true", help="time elapsed, not CPU, time")
    args = parser.parse_args(argv)
    global CLOCK, METER
    METER = PaintMeter()
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

        print(
            f"pan frames: {PAN_STEP_FRACTION:.1%} of the range per frame, CPU time unless "
            "said; painting = time in the views' paint events"
        )
        open_bare(app, data, pan_frames_count=args.frames)
        cases = [("all", False), ("1y", False), ("3m", False), ("1y", True)]
        for preset, bottom in cases:
            frames = bench_pan_screen(app, context, settings_path, preset, args.frames, bottom)
            median = statistics.median(frames.cpu)
            over = "ok" if median < FRAME_BUDGET_MS / 1000 else "OVER BUDGET"
            where = "last plots" if bottom else "top plots "
            print(f"pan, Charts screen, range {preset:>3}, {where}: {_summary(frames)}  [{over}]")
        journal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
