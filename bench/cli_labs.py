"""labs_json_10y: `fertilitytracker labs --json` on the ten-year journal.

    python bench/cli_labs.py [--runs 5]

Floor: a Python process that imports sqlite-utils and json, the least any command of this app
can cost. Wall time of each whole process, from spawn to exit.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from _figures import DEFAULT_RUNS, alternate, print_figure, python, ten_year_journal

GOAL = 1.5


def _process_ms(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    args = parser.parse_args(argv)
    journal = ten_year_journal()
    measured, floor = alternate(
        lambda: _process_ms([python(), "-c", "import sqlite_utils, json"]),
        lambda: _process_ms(
            [python(), "-m", "fertilitytracker", "--db", str(journal), "labs", "--json"]
        ),
        args.runs,
    )
    print_figure("labs_json_10y", measured, floor, "ms", GOAL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
