"""Report benchmark: time to write the clinician PDF for the demo journal and a large one.

    python bench/report.py [LARGE.sqlite3] [--years 10] [--runs 3]

Without a journal, a ten-year one is generated in a temporary folder (bench/generate_journal).
Prints, for each journal: reading the history, building the data, rendering and writing, the
page count and the size. Figures only; the budget lives in the performance issue.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_journal import DEFAULT_END, generate

from fertilitytracker.services.demo import fill_demo
from fertilitytracker.services.report import (
    build_report_data,
    report_settings,
    write_report_file,
)
from fertilitytracker.storage.journal import Journal


def _timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def measure(label: str, journal_path: Path, today: date, out: Path, runs: int) -> None:
    """Print the median times of `runs` reports of the journal at `journal_path`."""
    reads, builds, writes, totals = [], [], [], []
    pages = size = 0
    for _ in range(runs):
        journal = Journal.open(journal_path)
        try:
            read_s, history = _timed(journal.history)
            settings = report_settings(journal)
        finally:
            journal.close()
        build_s, data = _timed(
            lambda history=history, settings=settings: build_report_data(
                history, settings, today=today
            )
        )
        write_s, result = _timed(lambda data=data: write_report_file(data, out))
        pages, size = result.pages, result.size_bytes  # type: ignore[attr-defined]
        reads.append(read_s)
        builds.append(build_s)
        writes.append(write_s)
        totals.append(read_s + build_s + write_s)
    median = statistics.median
    print(
        f"{label:<30} total {median(totals):6.2f} s  (read {median(reads):.2f}"
        f" + data {median(builds):.2f} + render/write {median(writes):.2f})"
        f"  {pages} pages, {size / 1024:.0f} KiB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("journal", nargs="?", type=Path, help="a large journal (default: generate)")
    parser.add_argument("--years", type=int, default=10, help="years to generate (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per journal (median printed)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        demo_path = work / "demo.sqlite3"
        demo_today = DEFAULT_END
        journal = Journal.open(demo_path)
        try:
            fill_demo(journal, demo_today)
        finally:
            journal.close()
        measure("demo journal (6 months)", demo_path, demo_today, work / "demo.pdf", args.runs)
        large = args.journal
        if large is None:
            large = work / "large.sqlite3"
            generate(large, years=args.years, end=DEFAULT_END)
        measure(f"large journal ({large.name})", large, DEFAULT_END, work / "large.pdf", args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
