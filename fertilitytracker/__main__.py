"""Entry point: `python -m fertilitytracker` and the `fertilitytracker` script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line, or the desktop app when no command is given."""
    from fertilitytracker.cli import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
