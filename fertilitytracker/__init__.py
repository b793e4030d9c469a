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
    found = _metadata_version()
    if found is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("fertilitytracker")
        except PackageNotFoundError:  # a source tree put on sys.path without installing it
            found = "0+unknown"
    globals()["__version__"] = found
    return found


def _metadata_version() -> str | None:
    """The Version header of this package's installed metadata, or None when not found here.

    Found where importlib.metadata finds it: the first sys.path entry holding a
    fertilitytracker dist-info (else egg-info) folder. importlib.metadata itself imports the
    email package to read the headers, some 10 ms of every command that needs the version,
    the report among them (its PDF properties name the version that wrote it).
    """
    import os

    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for suffix, headers in ((".dist-info", "METADATA"), (".egg-info", "PKG-INFO")):
            for name in names:
                own = name.lower()
                if own.endswith(suffix) and own.startswith(
                    ("fertilitytracker-", "fertilitytracker.")
                ):
                    folder = os.path.join(entry or ".", name)
                    # An egg-info may be the headers file itself.
                    path = os.path.join(folder, headers) if os.path.isdir(folder) else folder
                    return _version_header(path)
    return None


def _version_header(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as headers:
            for line in headers:
                if not line.strip():
                    break  # the headers end at the first empty line
                if line.startswith("Version:"):
                    return line[len("Version:") :].strip()
    except OSError:
        pass
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
