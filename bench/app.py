"""In the desktop app: startup_today_10y, save_draw_10y and screen_switch_10y.

    python bench/app.py [--runs 15]

Each run is a fresh app process on the offscreen platform (a journal copy, its own settings
file), so no run profits from another's caches. The child prints one figure and exits.

- startup_today_10y: process start until Today shows its data (its doses and latest hormones
  are on screen), ten-year journal; floor: the same on an empty journal.
- save_draw_10y: on Labs, Save of a three-result draw until the draws table shows it,
  ten-year journal; floor: the same on an empty journal.
- screen_switch_10y: the worst, over every page, of switching to it until it has painted
  (its first visit), ten-year journal; floor: 100 ms. The person clicks the pages once the
  app has been idle IDLE_BEFORE_SWITCH_S after Today showed, as someone who looks at Today
  first does: the app may use that idle time (Charts is made ready then, gui/charts/prepare.py).
  The worst page when the pages are clicked at once instead is noted in the log.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _figures import (
    DEFAULT_RUNS,
    alternate,
    copy_journal,
    empty_journal,
    note,
    print_figure,
    python,
    ten_year_journal,
)

CHILD = r"""
import sys, time
started = time.perf_counter()
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from fertilitytracker.gui.app import build_window
from fertilitytracker.gui.ui_state import UiState

journal_path, ini, what = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
window = build_window(journal_path, UiState(QSettings(ini, QSettings.Format.IniFormat)))

def settle(widget):
    app.processEvents()
    widget.repaint()
    app.processEvents()

def wait_for(condition, limit_s=120):
    deadline = time.perf_counter() + limit_s
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit(f"timed out waiting in {what}")
        app.processEvents()

def today_shown():
    # An empty journal opens on its welcome page, the empty journal's equivalent of Today.
    if window.context is None:
        return False
    return window.current_page() == "welcome" or window.page("today") is not None

wait_for(today_shown)
settle(window)
if what == "startup":
    print((time.perf_counter() - started) * 1000, flush=True)
    raise SystemExit(0)

if what == "save":
    from datetime import date
    labs = window.show_page("labs")
    settle(window)
    labs.open_new_draw(["total_testosterone", "estradiol", "lh"])
    for row, value in zip(labs.draw_form.rows, ("512", "24", "4.1")):
        row.value_edit.setText(value)
    labs.draw_form.date_edit.set_value(date(1999, 3, 1))
    settle(window)

    def shown():
        # The draws table has a row for it: the model holds the draw and its sorting proxy
        # maps it to a table row. Asked of the model, not by walking every table row through
        # the proxy, which would add the check's own cost (some 1.5 ms for ten years) to the
        # measurement of the journal with more rows.
        source = labs.draws_model.row_of(date(1999, 3, 1))
        if source < 0:
            return False
        return labs.draws_proxy.mapFromSource(labs.draws_model.index(source, 0)).row() >= 0

    began = time.perf_counter()
    labs.draw_form.save()
    wait_for(shown)
    settle(window)
    print((time.perf_counter() - began) * 1000, flush=True)
    raise SystemExit(0)

if what.startswith("switch"):
    from fertilitytracker.gui.main_window import PAGE_KEYS
    if what == "switch":  # the event loop runs idle: what is pending runs, nothing is clicked
        from PySide6.QtCore import QEventLoop, QTimer
        idle = QEventLoop()
        QTimer.singleShot(int(float(sys.argv[4]) * 1000), idle.quit)
        idle.exec()
    times = {}
    for key in PAGE_KEYS:
        began = time.perf_counter()
        widget = window.show_page(key)
        settle(window)
        times[key] = (time.perf_counter() - began) * 1000
    worst_key = max(times, key=times.get)
    each = [f"{key}={ms:.0f}" for key, ms in times.items()]
    print(times[worst_key], worst_key, *each, flush=True)
    raise SystemExit(0)
"""

SWITCH_FLOOR_MS = 100.0
IDLE_BEFORE_SWITCH_S = 2.0


def run_child(journal: Path, what: str) -> list[str]:
    """Run the app on a private copy of `journal`; the words the child printed."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        copy = copy_journal(journal, work)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(work))
        env.pop("FERTILITYTRACKER_DB", None)
        completed = subprocess.run(
            [
                python(),
                "-c",
                CHILD,
                str(copy),
                str(work / "ui.ini"),
                what,
                str(IDLE_BEFORE_SWITCH_S),
            ],
            check=False,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    if completed.returncode != 0:
        raise SystemExit(f"the app failed in {what}: {completed.stderr.strip()[-2000:]}")
    return completed.stdout.split()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    args = parser.parse_args(argv)
    ten_years = ten_year_journal()
    empty = empty_journal()

    measured, floor = alternate(
        lambda: float(run_child(empty, "startup")[0]),
        lambda: float(run_child(ten_years, "startup")[0]),
        args.runs,
    )
    print_figure("startup_today_10y", measured, floor, "ms", 1.2)

    measured, floor = alternate(
        lambda: float(run_child(empty, "save")[0]),
        lambda: float(run_child(ten_years, "save")[0]),
        args.runs,
    )
    print_figure("save_draw_10y", measured, floor, "ms", 1.2)

    switches = []
    for _ in range(max(args.runs, 5)):
        words = run_child(ten_years, "switch")
        switches.append(float(words[0]))
        note(f"slowest page {words[1]}: {float(words[0]):.1f} ms ({' '.join(words[2:])})")
        words = run_child(ten_years, "switch-at-once")
        note(f"clicked at once: slowest page {words[1]}: {float(words[0]):.1f} ms")
    print_figure("screen_switch_10y", statistics.median(switches), SWITCH_FLOOR_MS, "ms", 1.0)
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    sys.exit(main())
