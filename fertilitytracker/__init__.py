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
    # Written once, in pyproject.toml; installed (and frozen: the bundle carries the package's
    # dist-info) it is read back from the package metadata.
    found = _dist_info_version()
    if found is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("fertilitytracker")
        except PackageNotFoundError:  # a source tree put on sys.path without installing it
            found = "0+unknown"
    globals()["__version__"] = found
    return found


def _dist_info_version() -> str | None:
    """The Version header of the first fertilitytracker-*.dist-info on sys.path, or None.

    importlib.metadata finds the same folder (the first sys.path entry that holds one), but
    imports the email package to read its headers: some 10 ms of every command that needs the
    version, the report among them (its PDF properties name the version that wrote it).
    Anything else (an egg-info, a zip) is left to importlib.metadata.
    """
    import os

    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            if not (name.startswith("fertilitytracker-") and name.endswith(".dist-info")):
                continue
            try:
                with open(os.path.join(entry, name, "METADATA"), encoding="utf-8") as headers:
                    for line in headers:
                        if not line.strip():
                            break  # the headers end at the first empty line
                        if line.startswith("Version:"):
                            return line[len("Version:") :].strip()
            except OSError:
                continue
    return None


def own_command(arguments: Sequence[str] = ()) -> list[str]:
    """The command line that runs this program again with `arguments` (a child process).

    From Python it is this interpreter with `-m fertilitytracker`, which keeps a virtualenv
    install working. In the bundle (PyInstaller sets `sys.frozen`) `sys.executable` is the
    bundle's own `fertilitytracker` binary, which takes the arguments itself and knows no `-m`.
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, *arguments]
    return [sys.executable, "-m", "fertilitytracker", *arguments]
