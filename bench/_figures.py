"""Shared by the benchmarks: the one line each figure prints, runs alternated with their floor.

Every figure is a ratio against a floor measured in the same run on the same machine, so that
a slow or busy machine moves both sides. Floor and measurement alternate (floor, measurement,
floor, ...) and each side's median over the runs is taken; the ratio is the ratio of the two
medians. One line per figure, in exactly this form (README.md "Performance"):

    <name>: <measured> <unit> vs floor <floor> <unit> = <ratio>x (goal <= <goal>x)

Diagnostics go to stderr, so that stdout holds the figures only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
# Fifteen, not the least five: on a shared virtual machine single runs swing by a third over a
# few seconds. With nine, a Save of some 30 ms measured 1.00x, then 1.36x, its floor at the
# same cost, from one `make bench` to the next.
DEFAULT_RUNS = int(os.environ.get("BENCH_RUNS", "15"))

sys.path.insert(0, str(BENCH_DIR))


def figure_line(name: str, measured: float, floor: float, unit: str, goal: float) -> str:
    """The one line of a figure (see the module docstring)."""
    ratio = measured / floor if floor else float("inf")
    return (
        f"{name}: {_number(measured)} {unit} vs floor {_number(floor)} {unit} = "
        f"{ratio:.2f}x (goal <= {goal:g}x)"
    )


def _number(value: float) -> str:
    return f"{value:.1f}" if value < 1000 else f"{value:.0f}"


def print_figure(name: str, measured: float, floor: float, unit: str, goal: float) -> None:
    """Print a figure's line on stdout (flushed, so run_all shows it as soon as it is known)."""
    print(figure_line(name, measured, floor, unit, goal), flush=True)


def alternate(
    floor: Callable[[], float], measure: Callable[[], float], runs: int = DEFAULT_RUNS
) -> tuple[float, float]:
    """Median of `runs` floor and measurement figures, taken alternately after one warm-up each."""
    floor()
    measure()
    floors: list[float] = []
    measured: list[float] = []
    for _ in range(max(runs, 5)):
        floors.append(floor())
        measured.append(measure())
    note(f"floor runs {_list(floors)}; measured runs {_list(measured)}")
    return statistics.median(measured), statistics.median(floors)


def _list(values: list[float]) -> str:
    return ", ".join(f"{value:.1f}" for value in values)


def note(text: str) -> None:
    """A diagnostic line on stderr."""
    print(f"  [{Path(sys.argv[0]).stem}] {text}", file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, -(-len(ordered) * 95 // 100) - 1)
    return ordered[rank]


def cache_dir() -> Path:
    """A folder for generated journals, shared by the benchmarks of one machine."""
    folder = Path(tempfile.gettempdir()) / "fertilitytracker-bench"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def ten_year_journal() -> Path:
    """The ten-year journal of bench/generate_journal.py, made once and then reused read-only.

    Keyed by the generator's source and the schema, so either changed writes a new one.
    """
    from generate_journal import DEFAULT_END, generate

    key = hashlib.sha256(
        (BENCH_DIR / "generate_journal.py").read_bytes() + _schema_key().encode()
    ).hexdigest()[:12]
    path = cache_dir() / f"ten-years-{key}.sqlite3"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        generate(partial, years=10, end=DEFAULT_END)
        partial.rename(path)
    return path


def _schema_key() -> str:
    """The migrations of this build: a journal made by an older schema would be migrated (and
    backed up first) on every run's copy, timing the upgrade instead of the action."""
    from fertilitytracker.storage.migrations import known_migration_names

    return ",".join(sorted(known_migration_names()))


def empty_journal() -> Path:
    """An empty journal of the current schema, made once."""
    path = cache_dir() / f"empty-{hashlib.sha256(_schema_key().encode()).hexdigest()[:12]}.sqlite3"
    if not path.exists():
        from fertilitytracker.storage.journal import Journal

        Journal.open(path).close()
    return path


def copy_journal(source: Path, folder: Path) -> Path:
    """A private copy of a journal that a benchmark may write to."""
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


def python() -> str:
    """The interpreter running the benchmarks (the project's virtual environment)."""
    return sys.executable


def process_ms(argv: list[str]) -> float:
    """Wall time in milliseconds of one whole process, from spawn to exit (stdout discarded)."""
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - started) * 1000


def run_app(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run the command line of the app in a fresh interpreter."""
    return subprocess.run(
        [python(), "-m", "fertilitytracker", *args],
        check=True,
        capture_output=True,
        text=True,
        **kwargs,  # type: ignore[arg-type]
    )
