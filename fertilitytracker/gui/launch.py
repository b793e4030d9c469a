"""Starts the desktop app, with plain words when no display or Qt library is available."""

from __future__ import annotations

import os
import sys
from pathlib import Path

X11_PACKAGES = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 "
    "libxkbcommon-x11-0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libegl1 libgl1"
)


def display_problem() -> str | None:
    """Why no window can be shown here, or None when one can."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform in ("offscreen", "minimal", "vnc") or sys.platform in ("win32", "darwin"):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return (
            "no display found (DISPLAY and WAYLAND_DISPLAY are unset): run the app in a desktop "
            "session, or use the command line (fertilitytracker --help)"
        )
    return None


def launch(journal: Path, *, minimized: bool = False) -> int:
    """Open the main window on `journal`; returns the exit code."""
    problem = display_problem()
    if problem:
        print(f"fertilitytracker: {problem}", file=sys.stderr)
        return 1
    try:
        from fertilitytracker.gui.app import run_app
    except ImportError as error:
        print(
            f"fertilitytracker: Qt could not be loaded ({error}). On Debian/Ubuntu install:\n"
            f"  sudo apt-get install {X11_PACKAGES}",
            file=sys.stderr,
        )
        return 1
    return run_app(journal, minimized=minimized)
