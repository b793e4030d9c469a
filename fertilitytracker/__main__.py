"""Entry point: `python -m fertilitytracker` and the `fertilitytracker` script."""

from __future__ import annotations

import sys
from pathlib import Path


def _open_app(journal: Path, minimized: bool = False) -> int:
    # Imported here so that commands never load Qt.
    from fertilitytracker.gui.launch import launch

    return launch(journal, minimized=minimized)


def main(argv: list[str] | None = None) -> int:
    """Run the command line, or the desktop app when no command is given."""
    from fertilitytracker.cli import run

    return run(sys.argv[1:] if argv is None else argv, open_app=_open_app)


if __name__ == "__main__":
    sys.exit(main())
