"""startup_window: launch until the main window is visible in a real X window (Xvfb).

    python bench/startup.py [--runs 15]

Starts a virtual X screen (Xvfb), then, for each run, a fresh process: the app on the ten-year
journal, or the floor, a bare PySide6 QMainWindow with the same title. The time is from spawning
the process until xdotool sees a visible window of that name, the way a window manager would.
Needs Xvfb and xdotool (Debian: xvfb, xdotool; `make bench` installs them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _figures import DEFAULT_RUNS, alternate, copy_journal, print_figure, python, ten_year_journal

GOAL = 1.5
BARE = """
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication([])
window = QMainWindow()
window.setWindowTitle("Fertility Tracker")
window.setCentralWidget(QLabel("Fertility Tracker"))
window.resize(1180, 780)
window.show()
app.exec()
"""


class VirtualScreen:
    """An Xvfb display for the lifetime of the benchmark."""

    def __init__(self) -> None:
        # -displayfd: Xvfb picks a free display number and writes it to the pipe, so that two
        # virtual screens on one machine never share a display.
        read_end, write_end = os.pipe()
        self.process = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_end),
                "-screen",
                "0",
                "1440x900x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(write_end,),
        )
        os.close(write_end)
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise SystemExit("Xvfb did not start")
        self.display = f":{number}"

    def env(self, **extra: str) -> dict[str, str]:
        return dict(os.environ, DISPLAY=self.display, QT_QPA_PLATFORM="xcb", **extra)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def time_to_window(screen: VirtualScreen, argv: list[str], env: dict[str, str]) -> float:
    """Milliseconds from spawning `argv` until a visible window titled Fertility Tracker exists."""
    # A fresh runtime and temp folder per run: a run never finds the previous one's
    # single-instance lock and hands over to it instead of opening a window.
    private = Path(tempfile.mkdtemp())
    env = dict(env, TMPDIR=str(private), XDG_RUNTIME_DIR=str(private))
    started = time.perf_counter()
    errors = (private / "stderr").open("w+")
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    try:
        while True:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", "^Fertility Tracker"],
                env=env,
                capture_output=True,
            )
            if found.returncode == 0 and found.stdout.strip():
                return (time.perf_counter() - started) * 1000
            if child.poll() is not None:
                errors.seek(0)
                raise SystemExit(f"exited before showing its window: {errors.read()[:1500]}")
            if time.perf_counter() - started > 60:
                raise SystemExit("no window after 60 s")
    finally:
        child.terminate()
        child.wait(timeout=30)
        errors.close()
        shutil.rmtree(private, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    args = parser.parse_args(argv)
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        raise SystemExit("startup_window needs Xvfb and xdotool (apt-get install xvfb xdotool)")
    screen = VirtualScreen()
    try:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            journal = copy_journal(ten_year_journal(), work)
            env = screen.env(HOME=str(work), XDG_RUNTIME_DIR=str(work))
            env.pop("FERTILITYTRACKER_DB", None)
            app = [python(), "-m", "fertilitytracker", "--db", str(journal)]
            measured, floor = alternate(
                lambda: time_to_window(screen, [python(), "-c", BARE], env),
                lambda: time_to_window(screen, app, env),
                args.runs,
            )
    finally:
        screen.close()
    print_figure("startup_window", measured, floor, "ms", GOAL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
