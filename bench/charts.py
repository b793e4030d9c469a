"""charts_open_10y, chart_frame_10y and memory_10y: the Charts screen on the ten-year journal.

    python bench/charts.py [JOURNAL.sqlite3] [--runs 15] [--frames 60] [--wall]

- charts_open_10y: build and paint the Charts screen (data + drawing); floor: the same points
  plotted into bare pyqtgraph PlotWidgets. Alternated, median of the runs.
- chart_frame_10y: p95 frame time while panning, the worst of the range presets and scroll
  positions below; floor: 16.7 ms (60 Hz).
- memory_10y: peak resident memory of a process that opens the Charts screen; floor: a process
  that shows the bare pyqtgraph window holding the same points. Each in a fresh process.

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
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _figures import DEFAULT_RUNS, alternate, note, p95, print_figure, ten_year_journal
from generate_journal import DEFAULT_END
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
MEMORY_GOAL = 1.3
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


def open_screen(
    app: QApplication, context: AppContext, settings_path: Path, keep: bool = False
) -> tuple[float, ...]:
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
    if keep:  # measuring memory: the window stays, as on screen
        return CLOCK() - started
    window.close()
    window.deleteLater()
    app.processEvents()
    return total, service


def open_bare(
    app: QApplication, data: ChartData, pan_frames_count: int = 0, keep: bool = False
) -> float:
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
        note(f"pan, bare pyqtgraph, range all: {_summary(times)}")
    if keep:  # measuring memory: the window stays, as on screen
        return CLOCK() - started
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
    views = statistics.median(times.views_painted)
    return (
        f"median {_ms(statistics.median(times.cpu))}, p95 {_ms(p95(times.cpu))}, "
        f"max {_ms(max(times.cpu))}; wall median {_ms(statistics.median(times.wall))}; "
        f"painting {_ms(statistics.median(times.paint))} in {views:.0f} views "
        f"({len(times.cpu)} frames)"
    )


MEMORY_CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
import charts
charts.memory_child(sys.argv[2], sys.argv[3])
"""


def memory_child(what: str, journal_path: str) -> None:
    """In a fresh process: show the Charts screen or the bare plots, print the peak RSS (MiB)."""
    app = QApplication.instance() or QApplication([sys.argv[0]])
    journal = Journal.open(Path(journal_path))
    today = DEFAULT_END
    context = AppContext(journal, today=lambda: today, now=lambda: datetime(2026, 6, 1, 9))
    with tempfile.TemporaryDirectory() as folder:
        if what == "screen":
            open_screen(app, context, Path(folder) / "charts.ini", keep=True)
        else:
            data = chart_data(
                context.history(), context.unit_system(), context.who_edition(), today
            )
            journal.close()
            open_bare(app, data, keep=True)
    # VmHWM, the peak resident set of this process image: unlike ru_maxrss it does not carry
    # the parent's peak across fork and exec. In KiB.
    status = Path("/proc/self/status").read_text()
    peak_kib = next(
        int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")
    )
    print(peak_kib / 1024, flush=True)


def _peak_rss_mib(what: str, journal: Path) -> float:
    completed = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(Path(__file__).parent), what, str(journal)],
        check=True,
        capture_output=True,
        text=True,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    return float(completed.stdout.split()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("journal", nargs="?", type=Path, help="a journal (default: ten years)")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs (median reported)")
    parser.add_argument("--frames", type=int, default=60, help="frames per panning run")
    parser.add_argument("--wall", action="store_true", help="time elapsed, not CPU, time")
    args = parser.parse_args(argv)
    global CLOCK, METER
    METER = PaintMeter()
    if args.wall:
        CLOCK = time.perf_counter
    note(f"clock: {'wall (elapsed)' if args.wall else 'CPU time of this process'}")
    path = args.journal or ten_year_journal()

    with tempfile.TemporaryDirectory() as folder:
        app = QApplication.instance() or QApplication([sys.argv[0]])
        journal = Journal.open(path)
        today = DEFAULT_END
        context = AppContext(journal, today=lambda: today, now=lambda: datetime(2026, 6, 1, 9))
        history = context.history()
        data = chart_data(history, context.unit_system(), context.who_edition(), today)
        points = sum(len(series.points) for plot in data.plots for series in plot.series)
        note(
            f"journal: {len(history.draws)} draws, {len(history.doses)} doses, "
            f"{len(data.changes)} dose changes; {points} plotted points"
        )
        settings_path = Path(folder) / "charts.ini"
        screen_ms, bare_ms = alternate(
            lambda: open_bare(app, data) * 1000,
            lambda: open_screen(app, context, settings_path)[0] * 1000,
            args.runs,
        )
        print_figure("charts_open_10y", screen_ms, bare_ms, "ms", OPEN_BUDGET_RATIO)

        open_bare(app, data, pan_frames_count=args.frames)
        worst = 0.0
        for preset, bottom in [("all", False), ("1y", False), ("3m", False), ("1y", True)]:
            frames = bench_pan_screen(app, context, settings_path, preset, args.frames, bottom)
            where = "last plots" if bottom else "top plots"
            note(f"pan, range {preset}, {where}: {_summary(frames)}")
            worst = max(worst, p95(frames.cpu) * 1000)
        print_figure("chart_frame_10y", worst, FRAME_BUDGET_MS, "ms", 1.0)
        journal.close()

    rss, bare_rss = alternate(
        lambda: _peak_rss_mib("bare", path), lambda: _peak_rss_mib("screen", path), args.runs
    )
    print_figure("memory_10y", rss, bare_rss, "MiB", MEMORY_GOAL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
