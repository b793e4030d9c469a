"""Time to a visible window: the app's main window against a bare PySide6 window.

Each run starts a fresh Python process; the parent measures from process start until the child
reports its window's first paint (and, for the app, until the journal is loaded). Prints the
median of several runs and the ratio.

    .venv/bin/python bench/startup.py [--runs 7] [--platform offscreen]
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

BARE = """
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication([])
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("painted", flush=True)
            app.quit()
        return False
window = QMainWindow()
window.setCentralWidget(QLabel("Fertility Tracker"))
window.resize(1180, 780)
watcher = Painted()
window.centralWidget().installEventFilter(watcher)
window.show()
app.exec()
"""

APP = """
import sys
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from fertilitytracker.gui.app import build_window
from fertilitytracker.gui.ui_state import UiState
state = UiState(QSettings(sys.argv[2], QSettings.Format.IniFormat))
seen = set()
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "painted" not in seen:
            seen.add("painted")
            print("painted", flush=True)
        return False
watcher = Painted()
def check_loaded():
    if window.context is not None and window.current_page() is not None:
        print("loaded", flush=True)
        app.quit()
    else:
        QTimer.singleShot(1, check_loaded)
app.installEventFilter(watcher)
window = build_window(Path(sys.argv[1]), state)
QTimer.singleShot(0, check_loaded)
app.exec()
"""


def run_once(code: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Milliseconds from process start to each event the child reports."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env
    )
    times: dict[str, float] = {}
    assert child.stdout is not None
    for line in child.stdout:
        times[line.strip()] = (time.perf_counter() - started) * 1000
    child.wait(timeout=60)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    options = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=options.platform)
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "bench.sqlite3"
        subprocess.run(
            [sys.executable, "-m", "fertilitytracker", "--db", str(journal), "demo"],
            check=True,
            capture_output=True,
        )
        ini = str(Path(folder) / "ui.ini")
        run_once(BARE, [], env)  # warm the file cache
        bare = [run_once(BARE, [], env)["painted"] for _ in range(options.runs)]
        app_runs = [run_once(APP, [str(journal), ini], env) for _ in range(options.runs)]
    bare_ms = statistics.median(bare)
    painted_ms = statistics.median(run["painted"] for run in app_runs)
    loaded_ms = statistics.median(run["loaded"] for run in app_runs)
    print(f"platform {options.platform}, {options.runs} runs each, medians:")
    print(f"  bare PySide6 window, first paint   {bare_ms:7.0f} ms")
    print(f"  app main window, first paint       {painted_ms:7.0f} ms")
    print(f"  app with the demo journal loaded   {loaded_ms:7.0f} ms")
    print(f"  ratio first paint app / bare       {painted_ms / bare_ms:7.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
