"""Runs every benchmark in bench/ (not the generator, not itself) and prints what each prints.

    python bench/run_all.py

Each script runs in its own interpreter, so that one benchmark's caches and Qt state never
colour another's figures. Exits 1 when a benchmark failed to run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
NOT_BENCHMARKS = frozenset({"generate_journal.py", "run_all.py", "__init__.py"})


def benchmarks() -> list[Path]:
    """The benchmark scripts, in name order."""
    return sorted(
        path
        for path in BENCH_DIR.glob("*.py")
        if path.name not in NOT_BENCHMARKS and not path.name.startswith("_")
    )


def main() -> int:
    failed = []
    for script in benchmarks():
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        completed = subprocess.run([sys.executable, str(script)], check=False)
        elapsed = time.perf_counter() - started
        status = "ok" if completed.returncode == 0 else f"FAILED (exit {completed.returncode})"
        print(f"-- {script.name}: {status} in {elapsed:.1f} s\n", flush=True)
        if completed.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
