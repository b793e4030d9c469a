"""Fertility Tracker: an offline journal of hormone therapy for male infertility."""

from __future__ import annotations

import sys
from collections.abc import Sequence

# One reverse-DNS id names the app everywhere a desktop looks for it: the desktop entry, the
# AppStream metainfo, the hicolor icon and Qt's desktopFileName (resources/ holds the files).
APP_ID = "org.fertilitytracker.FertilityTracker"


def __getattr__(name: str) -> str:
    """`__version__`, read when first asked for: opening the window never pays for it."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        # Written once, in pyproject.toml; installed (and frozen: the bundle carries the
        # package's dist-info) it is read back from the package metadata.
        found = version("fertilitytracker")
    except PackageNotFoundError:  # a source tree put on sys.path without installing it
        found = "0+unknown"
    globals()["__version__"] = found
    return found


def own_command(arguments: Sequence[str] = ()) -> list[str]:
    """The command line that runs this program again with `arguments` (a child process).

    From Python it is this interpreter with `-m fertilitytracker`, which keeps a virtualenv
    install working. In the bundle (PyInstaller sets `sys.frozen`) `sys.executable` is the
    bundle's own `fertilitytracker` binary, which takes the arguments itself and knows no `-m`.
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, *arguments]
    return [sys.executable, "-m", "fertilitytracker", *arguments]
