"""Entry point: `python -m fertilitytracker` and the `fertilitytracker` script."""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from pathlib import Path


def _open_app(journal: Path, minimized: bool = False) -> int:
    # Imported here so that commands never load Qt.
    from fertilitytracker.gui.launch import launch

    return launch(journal, minimized=minimized)


def _app_arguments(argv: Sequence[str]) -> tuple[str | None, bool] | None:
    """(--db value, --minimized) when `argv` only opens the app; None when it names a command.

    Opening the app is the common case and its window should show at once: it skips building
    the command line's parser, which imports the storage layer (sqlite-utils) and every command.
    Anything else (a command, --help, --version, an unknown option) goes to the command line.
    """
    db: str | None = None
    minimized = False
    words = list(argv)
    while words:
        word = words.pop(0)
        if word == "--minimized":
            minimized = True
        elif word == "--db" and words and not words[0].startswith("-"):
            db = words.pop(0)
        elif word.startswith("--db=") and len(word) > len("--db="):
            db = word[len("--db=") :]
        else:
            return None
    return db, minimized


def main(argv: list[str] | None = None) -> int:
    """Run the command line, or the desktop app when no command is given."""
    arguments = sys.argv[1:] if argv is None else argv
    app_arguments = _app_arguments(arguments)
    if app_arguments is not None:
        from fertilitytracker.paths import journal_path

        db, minimized = app_arguments
        return _open_app(journal_path(db), minimized=minimized)
    # Loading the command line (sqlite-utils, the storage layer, the core's catalogues) makes
    # tens of thousands of objects that live as long as the process: the cyclic collector
    # would walk them again and again while they load, and at each collection after. Paused
    # while they load, then frozen (collections skip them), they cost nothing more.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from fertilitytracker.cli import run
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    code = run(arguments, open_app=_open_app)
    # The command is done (its files closed, its journal closed by `run`) and the process ends
    # here. Python's last cycle collection at exit would walk every object still alive, some
    # 25 ms after a ten-year report (bench/report.py), to free memory the process gives back
    # anyway: frozen, they are skipped.
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(main())
