"""labs_json_10y: `fertilitytracker labs --json` on the ten-year journal.

    python bench/cli_labs.py [--runs 15]

Floor: a Python process that imports sqlite-utils and json, the least any command of this app
can cost. Wall time of each whole process, from spawn to exit.
"""

from __future__ import annotations

import argparse
import sys

from _figures import (
    DEFAULT_RUNS,
    alternate,
    print_figure,
    process_ms,
    python,
    ten_year_journal,
)

GOAL = 1.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    args = parser.parse_args(argv)
    journal = ten_year_journal()
    measured, floor = alternate(
        lambda: process_ms([python(), "-c", "import sqlite_utils, json"]),
        lambda: process_ms(
            [python(), "-m", "fertilitytracker", "--db", str(journal), "labs", "--json"]
        ),
        args.runs,
    )
    print_figure("labs_json_10y", measured, floor, "ms", GOAL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
