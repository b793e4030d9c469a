"""import_csv_10k: importing a 10,000-row lab CSV into an empty journal.

    python bench/import_csv.py [--runs 15] [--rows 10000]

The CSV is one a lab portal would give: date, analyte, value, unit, one result per row (the
foreign-lab CSV the importer reads). The measurement reads, validates, plans and writes it
through the app's import (as `fertilitytracker import` does, in process). Floor: sqlite-utils
`insert_all` of the same rows into an empty database, the cost of the write alone.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _figures import DEFAULT_RUNS, alternate, note, print_figure

GOAL = 3.0
ANALYTES = (
    ("total_testosterone", 300.0, 900.0, "ng/dL"),
    ("estradiol", 12.0, 45.0, "pg/mL"),
    ("lh", 2.0, 9.0, "IU/L"),
    ("fsh", 1.5, 12.0, "IU/L"),
    ("shbg", 18.0, 50.0, "nmol/L"),
)


def lab_rows(count: int) -> list[dict[str, str]]:
    """`count` rows: one draw a day, five analytes each, values walking inside their range."""
    rows = []
    start = date(2000, 1, 1)
    for index in range(count):
        key, low, high, unit = ANALYTES[index % len(ANALYTES)]
        day = start + timedelta(days=index // len(ANALYTES))
        value = low + (high - low) * ((index * 37) % 100) / 100
        rows.append(
            {"date": day.isoformat(), "analyte": key, "value": f"{value:.1f}", "unit": unit}
        )
    return rows


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["date", "analyte", "value", "unit"])
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)

    import sqlite_utils

    from fertilitytracker.services.exchange import import_file
    from fertilitytracker.storage.journal import Journal

    rows = lab_rows(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "labs.csv"
        write_csv(rows, source)
        counter = iter(range(1_000_000))

        def floor() -> float:
            target = work / f"floor-{next(counter)}.db"
            started = time.perf_counter()
            database = sqlite_utils.Database(target)
            database["lab_results"].insert_all(rows)
            database.conn.commit()
            database.close()
            return (time.perf_counter() - started) * 1000

        def measure() -> float:
            target = work / f"journal-{next(counter)}.sqlite3"
            Journal.open(target).close()  # an empty journal, made before the clock starts
            journal = Journal.open(target)
            started = time.perf_counter()
            _plan, _change = import_file(journal, source, "csv")
            elapsed = (time.perf_counter() - started) * 1000
            journal.close()
            return elapsed

        measured, floor_ms = alternate(floor, measure, args.runs)
    note(f"{args.rows} rows")
    print_figure(f"import_csv_{args.rows // 1000}k", measured, floor_ms, "ms", GOAL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
