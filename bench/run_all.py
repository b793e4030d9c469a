"""`make bench`: every figure of README.md "Performance", one line each.

    python bench/run_all.py

Runs each figure script in its own interpreter, so that one benchmark's caches and Qt state never
colour another's figures, and prints only their figure lines. What the scripts say besides
(the single runs, the slowest page, the pan cases) goes to a log file, named at the end.
Exits 1 when a benchmark failed to run.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
# In the order of the figures' table: each script prints the lines named beside it.
FIGURE_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("startup.py", "startup_window"),
    ("app.py", "startup_today_10y, save_draw_10y, screen_switch_10y"),
    ("cli_labs.py", "labs_json_10y"),
    ("charts.py", "charts_open_10y, chart_frame_10y, memory_10y"),
    ("report.py", "report_10y"),
    ("import_csv.py", "import_csv_10k"),
)


def main() -> int:
    log = Path(tempfile.gettempdir()) / "fertilitytracker-bench.log"
    failed = []
    with log.open("w", encoding="utf-8") as details:
        for script, figures in FIGURE_SCRIPTS:
            details.write(f"== {script} ({figures})\n")
            details.flush()
            completed = subprocess.run(
                [sys.executable, str(BENCH_DIR / script)],
                check=False,
                stdout=subprocess.PIPE,
                stderr=details,
                text=True,
            )
            sys.stdout.write(completed.stdout)
            sys.stdout.flush()
            if completed.returncode != 0:
                failed.append(script)
    print(f"(details of each run: {log})", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)} (see {log})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
